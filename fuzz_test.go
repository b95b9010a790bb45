package wijkwerken

import (
	"strings"
	"testing"
	"testing/fstest"
)

// FuzzLoad feeds arbitrary bytes to the rulebook loader: it must return a
// rulebook or an error, never panic.
func FuzzLoad(f *testing.F) {
	f.Add([]byte("parameters:\n  - id: t.limit\n    type: integer\n    cite: test\n    values:\n      - {from: 2018-01-01, to: 2019-12-31, value: 10}\n      - {from: 2020-01-01, value: 20}\n"))
	f.Add([]byte(brokenParams))
	f.Add([]byte(brokenRules))
	f.Add([]byte("area: x\nrules:\n  - id: x.y\n    cite: c\n    from: 2018-01-01\n    description: {nl: a, en: b}\n    value: 1 +\n    output: o\n"))
	for _, name := range []string{"regulation/parameters.yaml", "regulation/eligibility.yaml"} {
		data, err := regulationFS.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rb, err := Load(fstest.MapFS{"f.yaml": {Data: data}}, "f.yaml")
		if err == nil && rb == nil {
			t.Fatal("no rulebook and no error")
		}
	})
}

// FuzzParseReform feeds arbitrary bytes to the reform loader and applies
// what parses to the reference rulebook.
func FuzzParseReform(f *testing.F) {
	f.Add([]byte("reform: r\ncite: x\nset: [{param: hours.per_month_max, from: 2027-01-01, value: 80}]\n"))
	f.Add([]byte("reform: r\ncite: x\nreplace_rules:\n  - id: eligibility.interim\n    from: 2027-01-01\n    when: person.interim_days_last_28 > 5\n"))
	f.Add([]byte("reform: r\ncite: x\ndisable_rules: [{rule: eligibility.faster_route, from: 2027-01-01, to: 2026-01-01}]\n"))
	f.Add([]byte("reform: r\ncite: x\nset: [{param: vouchers.tax_rate, from: 2019-07-01, to: 2020-06-30, value: 0.5}]\n"))
	// Values no decision can use, the same value twice, deep nesting, a
	// long expression, the last dates.
	f.Add([]byte("reform: r\ncite: x\nset: [{param: hours.counting_unit_minutes, from: 2024-01-01, value: 0}, {param: trajectory.max_months, from: 2024-01-01, value: -1200000}]\n"))
	f.Add([]byte("reform: r\ncite: x\nset: [{param: hours.per_month_max, from: 2024-01-01, value: 70}, {param: hours.per_month_max, from: 2024-01-01, value: 80}]\n"))
	f.Add([]byte("reform: r\ncite: x\nset: [{param: hours.per_month_max, from: 9999-12-31, value: 9223372036854775807}]\n"))
	f.Add([]byte("reform: r\ncite: x\nreplace_rules:\n  - id: eligibility.interim\n    from: 2027-01-01\n    when: '" + strings.Repeat("(", 100) + "true" + strings.Repeat(")", 100) + "'\n"))
	f.Add([]byte("reform: r\ncite: x\nreplace_rules:\n  - id: eligibility.interim\n    from: 2027-01-01\n    when: '" + strings.Repeat("1 + ", 5000) + "1 > 0'\n"))
	rb, err := Reference()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		rf, err := ParseReform("r.yaml", data)
		if err != nil {
			return
		}
		_, _ = rb.Reform(rf)
	})
}
