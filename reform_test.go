package wijkwerken

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func parseReform(t *testing.T, src string) *Reform {
	t.Helper()
	r, err := ParseReform("reform.yaml", []byte(src))
	require.NoError(t, err)
	return r
}

func paramAt(t *testing.T, rb *Rulebook, id, date string) string {
	t.Helper()
	v, err := rb.Param(id, MustParseDate(date))
	require.NoError(t, err)
	return v.String()
}

func TestReformSetsAParameterFromADate(t *testing.T) {
	rb := ref(t)
	rf := parseReform(t, `
reform: monthly cap 80 from 2027
cite: policy note
set:
  - param: hours.per_month_max
    from: 2027-01-01
    value: 80
`)
	nrb, err := rb.Reform(rf)
	require.NoError(t, err)
	assert.Equal(t, "60", paramAt(t, nrb, "hours.per_month_max", "2026-12-31"))
	assert.Equal(t, "80", paramAt(t, nrb, "hours.per_month_max", "2027-01-01"))
	assert.Equal(t, "60", paramAt(t, rb, "hours.per_month_max", "2027-01-01"), "the reference is not changed")
	assert.Equal(t, []string{"monthly cap 80 from 2027"}, nrb.Reforms())
	assert.Equal(t, "reference + monthly cap 80 from 2027", nrb.Name())
	p, _ := nrb.Parameter("hours.per_month_max")
	v, _ := p.At(MustParseDate("2027-06-01"))
	assert.Equal(t, "policy note", v.Cite)
	assert.Equal(t, "monthly cap 80 from 2027", v.Reform)
}

func TestReformWindowKeepsTheRestOfTheTimeline(t *testing.T) {
	rf := parseReform(t, `
reform: tax holiday 2019
cite: test
set:
  - {param: vouchers.tax_rate, from: 2019-07-01, to: 2020-06-30, value: 0.50}
`)
	nrb, err := ref(t).Reform(rf)
	require.NoError(t, err)
	for date, want := range map[string]string{
		"2019-06-30": "0.3", "2019-07-01": "0.5", "2020-06-30": "0.5", "2020-07-01": "0.2", "2018-01-01": "0.3",
	} {
		assert.Equal(t, want, paramAt(t, nrb, "vouchers.tax_rate", date), date)
	}
}

func TestReformsStackInOrder(t *testing.T) {
	a := parseReform(t, "reform: a\ncite: x\nset: [{param: hours.per_month_max, from: 2027-01-01, value: 80}]\n")
	b := parseReform(t, "reform: b\ncite: x\nset: [{param: hours.per_month_max, from: 2028-01-01, value: 40}]\n")
	nrb, err := ref(t).Reform(a, b)
	require.NoError(t, err)
	assert.Equal(t, "80", paramAt(t, nrb, "hours.per_month_max", "2027-12-31"))
	assert.Equal(t, "40", paramAt(t, nrb, "hours.per_month_max", "2028-01-01"))
	assert.Equal(t, []string{"a", "b"}, nrb.Reforms())
}

func TestReformRules(t *testing.T) {
	rf := parseReform(t, `
reform: stricter interim
cite: policy note
replace_rules:
  - id: eligibility.interim
    from: 2027-01-01
    when: person.interim_days_last_28 > 5
disable_rules:
  - rule: eligibility.faster_route
    from: 2027-01-01
add_parameters:
  - id: eligibility.max_age
    type: integer
    unit: years
    description: {nl: leeftijd, en: age}
    values: [{from: 2027-01-01, value: 64}]
add_rules:
  - id: eligibility.new_rule
    area: eligibility
    from: 2027-01-01
    description: {nl: a, en: b}
    message: {nl: a, en: b}
    when: person.interim_days_last_28 > param("eligibility.max_age")
    reason: too_old
`)
	nrb, err := ref(t).Reform(rf)
	require.NoError(t, err)
	old, ok := nrb.Rule("eligibility.interim", MustParseDate("2026-12-31"))
	require.True(t, ok)
	assert.Equal(t, `person.interim_days_last_28 > param("eligibility.interim_days_max")`, old.When)
	assert.Equal(t, "2026-12-31", old.To.String())
	nw, ok := nrb.Rule("eligibility.interim", MustParseDate("2027-01-01"))
	require.True(t, ok)
	assert.Equal(t, "person.interim_days_last_28 > 5", nw.When)
	assert.Equal(t, "interim_limit_exceeded", nw.Reason, "inherited")
	assert.Equal(t, old.Message, nw.Message, "inherited")
	assert.Equal(t, "policy note", nw.Cite)
	_, ok = nrb.Rule("eligibility.faster_route", MustParseDate("2027-01-01"))
	assert.False(t, ok, "disabled from 2027")
	_, ok = nrb.Rule("eligibility.faster_route", MustParseDate("2026-12-31"))
	assert.True(t, ok)
	added, ok := nrb.Rule("eligibility.new_rule", MustParseDate("2027-01-01"))
	require.True(t, ok)
	assert.Equal(t, "policy note", added.Cite)
	assert.Equal(t, "64", paramAt(t, nrb, "eligibility.max_age", "2027-01-01"))
}

func TestReformErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"unknown parameter", "reform: r\ncite: x\nset:\n  - param: hours.per_mont_max\n    from: 2027-01-01\n    value: 80\n",
			`reform.yaml:4: hours.per_mont_max: set: unknown parameter "hours.per_mont_max" (did you mean "hours.per_month_max"?)`},
		{"wrong kind", "reform: r\ncite: x\nset:\n  - param: hours.per_month_max\n    from: 2027-01-01\n    value: eighty\n",
			`reform.yaml:6: hours.per_month_max: value: "eighty" is not an integer (the parameter is an integer)`},
		{"unknown rule", "reform: r\ncite: x\nreplace_rules:\n  - id: eligibility.interm\n    when: \"true\"\n",
			`unknown rule "eligibility.interm" (did you mean "eligibility.interim"?)`},
		{"unknown disabled rule", "reform: r\ncite: x\ndisable_rules: [{rule: nope.rule}]\n", `unknown rule "nope.rule"`},
		{"existing added parameter", "reform: r\ncite: x\nadd_parameters:\n  - id: hours.per_month_max\n    type: integer\n    values: [{from: 2027-01-01, value: 1}]\n",
			"the parameter exists already"},
		{"added rule without message", "reform: r\ncite: x\nadd_rules:\n  - id: eligibility.x\n    area: eligibility\n    from: 2027-01-01\n    description: {nl: a, en: b}\n    when: \"true\"\n    reason: x\n",
			"needs message:"},
		{"no cite", "reform: r\nset: [{param: hours.per_month_max, from: 2027-01-01, value: 80}]\n", "missing cite"},
		{"bad expression", "reform: r\ncite: x\nreplace_rules:\n  - id: eligibility.interim\n    when: person.interim_days_last_28 >\n", "reform.yaml:5"},
		{"unknown parameter in new expression", "reform: r\ncite: x\nreplace_rules:\n  - id: eligibility.interim\n    when: person.interim_days_last_28 > param(\"nope\")\n", `unknown parameter "nope"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rf, err := ParseReform("reform.yaml", []byte(tc.src))
			if err == nil {
				_, err = ref(t).Reform(rf)
			}
			var le *LoadError
			require.ErrorAs(t, err, &le)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestParseReformErrors(t *testing.T) {
	_, err := ParseReform("r.yaml", []byte("reform: r\n"))
	assert.ErrorContains(t, err, "changes nothing")
	_, err = ParseReform("r.yaml", []byte("cite: x\nset: [{param: a, from: 2027-01-01, value: 1}]\n"))
	assert.ErrorContains(t, err, "missing reform:")
	_, err = ParseReform("r.yaml", []byte("reform: r\nsett: []\n"))
	assert.ErrorContains(t, err, `r.yaml:2:1: unknown key "sett" (did you mean "set"?)`)
	_, err = ParseReform("r.yaml", []byte("reform: r\nset:\n  - {param: a, value: 1}\n"))
	assert.ErrorContains(t, err, "missing from:")
}

// A replacement keeps the rule's place in the order, even when it replaces
// every version: later rules read its output (out.year_remaining). It was
// once appended at the end, and every area that read the output failed to
// compile.
func TestReplacementKeepsTheRulesPlace(t *testing.T) {
	rb := ref(t)
	order := func(rb *Rulebook) []string {
		var ids []string
		for _, r := range rb.Rules("hours") {
			if len(ids) == 0 || ids[len(ids)-1] != r.ID {
				ids = append(ids, r.ID)
			}
		}
		return ids
	}
	for _, src := range []string{
		// every version, only the description
		"reform: r\ncite: t\nreplace_rules:\n  - id: hours.year_remaining\n    description: {nl: x, en: y}\n",
		// from a date: the old version keeps the time before it
		"reform: r\ncite: t\nreplace_rules:\n  - id: hours.year_remaining\n    from: 2027-01-01\n    value: \"max(0, 700 - month_sum(trajectory.hours, start_of_year(request.date), end_of_year(request.date)))\"\n",
	} {
		nrb, err := rb.Reform(parseReform(t, src))
		require.NoError(t, err)
		assert.Equal(t, order(rb), order(nrb))
	}
}
