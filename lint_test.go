package wijkwerken

import (
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ParseReform stops at the file's own problems; Lint goes on to what
// applying the reform finds, and keeps the rules an area can type-check.
func TestLintGoesOnPastEveryProblem(t *testing.T) {
	data := []byte(`reform: r
cite: c
set:
  - {param: eligibility.interim_days_max, from: 2024-13-01, value: 15}
  - {param: eligibility.interim_days_mx, from: 2024-01-01, value: 15}
replace_rules:
  - id: eligibility.interim
    from: 2024-02-30
    when: person.interim_days_last_28 > 3
`)
	_, err := ParseReform("r.yaml", data)
	require.Error(t, err)
	assert.Len(t, err.(*LoadError).Problems, 2, "the two bad dates: %v", err)

	var ps Problems
	rb := Lint(ref(t), []ReformFile{{Name: "r.yaml", Data: data}}, &ps)
	got := []string{}
	for _, p := range ps.Err().(*LoadError).Problems {
		got = append(got, p.String())
	}
	assert.Equal(t, []string{
		`r.yaml:4:49: eligibility.interim_days_max: from: invalid date "2024-13-01": month 13 out of range 1..12`,
		`r.yaml:5: eligibility.interim_days_mx: set: unknown parameter "eligibility.interim_days_mx" (did you mean "eligibility.interim_days_max"?)`,
		`r.yaml:8:11: eligibility.interim: from: invalid date "2024-02-30": day 30 out of range for 2024-02 (1..29)`,
	}, got)
	// The broken set: is not applied; the broken replacement is kept for
	// the areas to type-check, with the base version's from.
	v, err := rb.Param("eligibility.interim_days_max", MustParseDate("2025-01-01"))
	require.NoError(t, err)
	assert.Equal(t, "10", v.String())
	var when string
	for _, r := range rb.Rules("eligibility") {
		if r.ID == "eligibility.interim" {
			when = r.When
		}
	}
	assert.Equal(t, "person.interim_days_last_28 > 3", when)
}

// LintLoad keeps what it could read of a broken rulebook, every problem
// recorded; an expression with a problem is left out, so that the areas
// do not report it again.
func TestLintLoad(t *testing.T) {
	fsys := fstest.MapFS{"rb/a.yaml": {Data: []byte(`parameters:
  - {id: x.n, type: integer, cite: c, description: {nl: a, en: b}, values: [{from: 2018-01-01, value: 3}]}
  - {id: x.m, type: intger, cite: c, description: {nl: a, en: b}, values: [{from: 2018-01-01, value: 3}]}
area: eligibility
rules:
  - {id: eligibility.a, cite: c, from: 2018-01-01, description: {nl: a, en: b}, message: {nl: a, en: b}, when: 'param("x.n") > 2', reason: a}
  - {id: eligibility.b, cite: c, from: 2018-01-01, description: {nl: a, en: b}, message: {nl: a, en: b}, when: 'param("x.nn") > 2', reason: b}
`)}}
	var ps Problems
	rb, err := LintLoad(fsys, &ps, "rb")
	require.NoError(t, err)
	assert.ErrorContains(t, ps.Err(), `unknown type "intger"`)
	assert.ErrorContains(t, ps.Err(), `unknown parameter "x.nn" (did you mean "x.n"?)`)
	_, ok := rb.Parameter("x.n")
	assert.True(t, ok)
	_, ok = rb.Parameter("x.m")
	assert.False(t, ok, "a parameter without a type cannot be type-checked against")
	require.Len(t, rb.Rules(""), 1)
	assert.Equal(t, "eligibility.a", rb.Rules("")[0].ID)

	_, err = LintLoad(fsys, &ps, "nosuch")
	assert.Error(t, err, "a directory that cannot be read is an error, not a problem")
}
