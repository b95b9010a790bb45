package mutate

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/scenario"
)

// A mutant that does not compile is reported apart, neither killed nor
// survived; one whose rule fails as it runs is killed by the error.
func TestInvalidAndPanickingMutants(t *testing.T) {
	// The referrer's 1 is never computed (nobody has income "none" in the
	// scenarios), so the rule compiles to any and runs as a string.
	rb, err := wk.Load(fstest.MapFS{"r.yaml": {Data: []byte(`
area: eligibility
rules:
  - id: eligibility.referrer
    cite: test
    from: 2018-01-01
    description: {nl: a, en: a}
    value: 'person.income == "none" ? 1 : "vdab"'
    output: referrer
`)}}, "r.yaml")
	require.NoError(t, err)
	suites, err := scenario.LoadPaths("testdata/tiny/scenarios/referrer.yaml")
	require.NoError(t, err)
	suites[0].Scenarios = suites[0].Scenarios[1:] // the VDAB one
	mutants, _ := Generate(rb, Options{Operators: []string{OpEquality, OpConditional, OpNumber}})
	rep, err := Run(context.Background(), rb, suites, mutants, RunOptions{})
	require.NoError(t, err)
	byID := map[string]*Result{}
	for _, r := range rep.Results {
		byID[r.Mutant.ID] = r
	}
	st := statuses(rep)
	assert.Equal(t, map[string]Status{
		// != computes 1, which is no referrer: an error of the rule.
		`rule eligibility.referrer@2018-01-01: person.income == "none" → person.income != "none"`: Killed,
		// An int where the output is a string: a compile error.
		`rule eligibility.referrer@2018-01-01: person.income == "none" ? 1 : "vdab" → 1`:      Invalid,
		`rule eligibility.referrer@2018-01-01: person.income == "none" ? 1 : "vdab" → "vdab"`: Survived,
		`rule eligibility.referrer@2018-01-01: 1 → 2`:                                         Survived,
		`rule eligibility.referrer@2018-01-01: 1 → 0`:                                         Survived,
	}, st)
	assert.Contains(t, byID[`rule eligibility.referrer@2018-01-01: person.income == "none" ? 1 : "vdab" → 1`].Error, "computes int, but output referrer wants string")
	assert.Contains(t, byID[`rule eligibility.referrer@2018-01-01: person.income == "none" → person.income != "none"`].Failure,
		"eligibility.referrer: want vdab, got not computed: r.yaml:8:13: rule eligibility.referrer on 2020-03-01: computed int")
	assert.Equal(t, 1, rep.Invalid)
	assert.InDelta(t, 100.0/4, rep.Score(), 1e-9)
}
