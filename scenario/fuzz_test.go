package scenario_test

import (
	"testing"

	"github.com/openwijkwerken/wijkwerken/scenario"
)

// FuzzParse: any scenario file parses or is a clear error, never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(suite))
	f.Add([]byte("scenarios:\n  - name: a\n    date: 2024-01-01\n    case: {}\n    expct: {}\n"))
	f.Add([]byte("- {name: a, date: 2024-13-01, case: {person: {}}, expect_error: x}\n"))
	f.Add([]byte("- name: t\n  date: 2024-03-01\n  case: {person: {domicile_region: flanders}}\n  expect: {eligibility.referrer: vdab}\n  cases:\n    columns: [person.income, date, eligibility.eligible, expect_error]\n    rows:\n      - [none, 2024-03-01, false, null]\n      - [leefloon, 2017-01-01, null, in force]\n"))
	f.Add([]byte("- name: t\n  date: 2024-03-01\n  case: &c {person: {household: *c}}\n  cases: {columns: [person.x.y, hours.allowed], rows: [[1, 2], [3]]}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := scenario.Parse("f.yaml", data)
		if err == nil && s == nil {
			t.Fatal("no suite and no error")
		}
	})
}
