package decision_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/dossier"
)

// FuzzDecide decodes arbitrary case documents and decides them on a date
// the input picks: a clear error or a result, never a panic. Each case is
// decided twice, with the trace (expr's VM, rules reading their parameters
// as they run) and without (the fast path's closures, parameters folded
// in): both must give the same outputs and errors.
func FuzzDecide(f *testing.F) {
	files, _ := filepath.Glob("../testdata/cases/*.yaml")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(data), 2400)
	}
	f.Add("person: {domicile_region: flanders, income: none}\nrequest: {date: 2024-02-29, minutes: -1}", 0)
	f.Add("cheque: {issued: 2019-03-13}\npurchase: {date: 2019-12-31, count: 3, unit_price: 7.45, buyer: natural_person}", 900)
	f.Add("community_service: {start: 2024-03-01, end: 2023-01-01, hours_per_month: 99999999999}", 3000)
	rb, err := wk.Reference()
	if err != nil {
		f.Fatal(err)
	}
	eng, err := decision.New(rb)
	if err != nil {
		f.Fatal(err)
	}
	base := wk.MustParseDate("2017-06-01")
	f.Fuzz(func(t *testing.T, doc string, day int) {
		c, err := dossier.ParseCase("fuzz.yaml", []byte(doc))
		if err != nil {
			if err.Error() == "" {
				t.Fatal("an error without a message")
			}
			return
		}
		date := base.AddDays(((day % 5000) + 5000) % 5000)
		r, err := eng.Decide(date, c, wk.WithTrace())
		if err != nil && err.Error() == "" {
			t.Fatal("an error without a message")
		}
		fast, fastErr := eng.Decide(date, c)
		if (err == nil) != (fastErr == nil) || (err != nil && err.Error() != fastErr.Error()) {
			t.Fatalf("traced error %v, untraced %v", err, fastErr)
		}
		if r == nil {
			return
		}
		traced, err := r.OutputsJSON()
		if err != nil {
			t.Fatal(err)
		}
		untraced, err := fast.OutputsJSON()
		if err != nil {
			t.Fatal(err)
		}
		var a, b map[string]any
		if json.Unmarshal(traced, &a) != nil || json.Unmarshal(untraced, &b) != nil {
			t.Fatal("outputs are not JSON")
		}
		delete(a, "trace")
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("traced and untraced decisions differ:\n%v\n%v", a, b)
		}
	})
}
