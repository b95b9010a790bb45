package dossier_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Values that would overflow a count, an amount or a rule's work are
// refused by validation, each naming its field; the bound itself passes.
func TestCaseBounds(t *testing.T) {
	months := func(n int) string {
		parts := make([]string, n)
		for i := range parts {
			parts[i] = fmt.Sprintf("%q: 1", fmt.Sprintf("%04d-%02d", 2018+i/12, i%12+1))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	list := func(n int, item string) string {
		return "[" + strings.TrimSuffix(strings.Repeat(item+", ", n), ", ") + "]"
	}
	for _, tc := range []struct {
		name, doc, field, msg string
	}{
		{"math.MaxInt64 minutes", `{"request": {"minutes": 9223372036854775807}}`, "case.request.minutes", "9223372036854775807 is more than 100000"},
		{"one minute over", `{"request": {"minutes": 100001}}`, "case.request.minutes", "is more than 100000"},
		{"1e308 km", `{"request": {"minutes": 60, "km": 1e308}}`, "case.request.km", "exponent 308: at most 40 either way"},
		{"2e9 km", `{"request": {"minutes": 60, "km": 2000000000}}`, "case.request.km", "is more than 1000000000"},
		{"a km of 5 000 digits", `{"request": {"minutes": 60, "km": 1.` + strings.Repeat("1", 5000) + `}}`, "case.request.km", "5001 digits: at most 40"},
		{"a km of 7 decimal places", `{"request": {"minutes": 60, "km": 1.1234567}}`, "case.request.km", "more than 6 decimal places"},
		{"a km of 1e-1000000000", `{"request": {"minutes": 60, "km": 1e-1000000000}}`, "case.request.km", "is not a number"},
		{"math.MaxInt64 cheques", `{"purchase": {"date": "2024-01-10", "count": 9223372036854775807, "unit_price": 7.45}}`, "case.purchase.count", "is more than 100000000"},
		{"a month of 745 hours", `{"trajectory": {"start": "2024-01-01", "hours": {"2024-01": 745}}}`, "case.trajectory.hours.2024-01", "745 is more than 744"},
		{"1001 registered months", `{"trajectory": {"start": "2018-01-01", "hours": ` + months(1001) + `}}`, "case.trajectory.hours", "1001 items; at most 1000"},
		{"1001 evaluations", `{"trajectory": {"start": "2018-01-01", "evaluations": ` + list(1001, `"2018-02-01"`) + `}}`, "case.trajectory.evaluations", "1001 items"},
		{"an agreement of 1201 months", `{"trajectory": {"start": "2024-01-01", "agreement": {"duration_months": 1201}}}`, "case.trajectory.agreement.duration_months", "1201 is more than 1200"},
		{"an activity of 257 bytes", `{"request": {"minutes": 60, "activity": "` + strings.Repeat("x", 257) + `"}}`, "case.request.activity", "257 bytes of text; at most 256"},
		{"a municipality of 100 000 inhabitants too many", `{"organiser": {"inhabitants": 100000001}}`, "case.organiser.inhabitants", "is more than 100000000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dossier.DecodeJSON([]byte(tc.doc))
			var ce *dossier.CaseError
			require.True(t, errors.As(err, &ce), "want a *CaseError, got %v", err)
			var found bool
			for _, fe := range ce.Fields {
				if fe.Field == tc.field {
					found = true
					assert.Contains(t, fe.Msg, tc.msg)
				}
			}
			assert.True(t, found, "no problem on %s in %v", tc.field, err)
		})
	}
	// The bounds themselves are accepted.
	for _, doc := range []string{
		`{"request": {"minutes": 100000, "km": 1000000000}}`,
		`{"trajectory": {"start": "2018-01-01", "hours": ` + months(1000) + `}}`,
		`{"trajectory": {"start": "2024-01-01", "hours": {"2024-01": 744}, "agreement": {"duration_months": 1200}}}`,
		`{"purchase": {"date": "2024-01-10", "count": 100000000, "unit_price": 7.45}}`,
	} {
		_, err := dossier.DecodeJSON([]byte(doc))
		assert.NoError(t, err, doc)
	}
}

// Every reader is equally strict: a key given twice, a second document or
// data after a JSON document is an error with its line, never ignored.
func TestOneStrictnessForEveryReader(t *testing.T) {
	for _, tc := range []struct{ name, doc, want string }{
		{"a second YAML document", "person: {domicile_region: flanders, income: none}\n---\nperson: {income: leefloon}\n", "line 3: a second document"},
		{"a key twice in YAML", "person:\n  income: none\n  income: leefloon\n", "c.yaml:3:3: case.person.income: given twice"},
		{"data after a JSON document", `{"person": {"income": "none"}} {"person": {}}`, "data after the document"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dossier.ParseCase("c.yaml", []byte(tc.doc))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// A decimal whose rounding would run without end is refused by
// validation, in YAML too.
func TestTinyDecimalRefused(t *testing.T) {
	_, err := dossier.ParseCase("c.yaml", []byte("request: {minutes: 60, km: 1e-9000}\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "c.yaml:1:28: case.request.km: exponent -9000: at most 40 either way")
}
