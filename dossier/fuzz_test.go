package dossier_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/openwijkwerken/wijkwerken/dossier"
)

// FuzzParseCase: any input decodes, as YAML (ParseCase) and as JSON
// (DecodeJSON), to a valid case or a *CaseError, never a panic.
func FuzzParseCase(f *testing.F) {
	f.Add([]byte(full))
	f.Add([]byte("person: {domicile_region: flanders, income: salary}\n"))
	f.Add([]byte(`{"person":{"domicile_region":"flanders","income":"none","interim_days_last_28":3}}`))
	f.Add([]byte("trajectory: {start: 2024-02-30, hours: {\"2024-13\": -1}}\n"))
	f.Add([]byte("a: &x [*x]\n"))
	f.Add([]byte(`{"request": {"minutes": 9223372036854775807, "km": 1e308}, "purchase": {"count": -9223372036854775808}}`))
	f.Add([]byte("trajectory: {start: 9999-12-31, hours: {9999-12: 744}, agreement: {duration_months: 1201}}\n"))
	f.Add([]byte(`{"person": ` + strings.Repeat("[", 200) + strings.Repeat("]", 200) + `}`))
	f.Add([]byte(`{"request": {"activity": "` + strings.Repeat("x", 300) + `", "km": 1.` + strings.Repeat("1", 5000) + `}}`))
	f.Add([]byte(`{"person": {"income": "none", "income": "leefloon"}}`))
	f.Add([]byte("person: {income: none}\n---\nperson: {income: leefloon}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := dossier.ParseCase("f.yaml", data)
		if err == nil {
			if vErr := c.Validate(); vErr != nil {
				t.Fatalf("decoded case fails validation: %v", vErr)
			}
		} else if err.Error() == "" {
			t.Fatal("an error without a message")
		}
		c, err = dossier.DecodeJSON(data)
		switch {
		case err == nil:
			if vErr := c.Validate(); vErr != nil {
				t.Fatalf("decoded JSON case fails validation: %v", vErr)
			}
		case !errors.As(err, new(*dossier.CaseError)):
			t.Fatalf("DecodeJSON: %T is not a *dossier.CaseError: %v", err, err)
		case err.Error() == "":
			t.Fatal("an error without a message")
		}
	})
}

// FuzzDecodeJSONAsEncodingJSON: whatever the strict decoder accepts,
// encoding/json (unknown fields refused) decodes to the same case: the
// strict reader refuses more (keys given twice, names in another case),
// never reads a document differently.
func FuzzDecodeJSONAsEncodingJSON(f *testing.F) {
	f.Add([]byte(`{"person":{"domicile_region":"flanders","income":"none","interim_days_last_28":3}}`))
	f.Add([]byte(`{"trajectory":{"start":"2024-01-01","evaluations":["2024-03-01"],"hours":{"2024-01":3}},"request":{"date":"2024-02-01","minutes":70,"km":"12.5","user":{"type":"private"}}}`))
	f.Add([]byte(`{"organiser":{"cheque_price":7.450,"inhabitants":70000,"activities":["packing"],"price_decisions":[{"decided":"2023-10-15","price":"7.45"}]}}`))
	f.Add([]byte(`{"purchase":{"date":"2024-01-01","count":2,"unit_price":-0.5e1,"buyer":"natural_person","service_cheques_amount":"1e-3"}}`))
	f.Add([]byte(`{"person":{"income":"n\u006fne","domicile_region":"fl\"anders"}, "cheque": null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var ours dossier.Case
		if err := dossier.UnmarshalJSON(data, &ours, "case"); err != nil {
			return
		}
		var theirs dossier.Case
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&theirs); err != nil {
			t.Fatalf("accepted, but encoding/json refuses it: %v", err)
		}
		a, _ := json.Marshal(ours)
		b, _ := json.Marshal(theirs)
		if !bytes.Equal(a, b) {
			t.Fatalf("read differently:\n ours %s\n json %s", a, b)
		}
	})
}
