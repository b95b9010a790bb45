package scenario_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/scenario"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runner(t *testing.T) *scenario.Runner {
	rb, err := wk.Reference()
	require.NoError(t, err)
	r, err := scenario.NewRunner(rb)
	require.NoError(t, err)
	return r
}

const table = `suite: interim work
scenarios:
  - name: interim days in the last 28
    cite: BVR wijk-werken art. 2
    date: 2024-03-01
    case:
      person: {domicile_region: flanders, registered_jobseeker: true, income: none}
    expect:
      eligibility.referrer: vdab
    cases:
      columns: [person.interim_days_last_28, eligibility.eligible, eligibility.reasons]
      rows:
        - [0, true, []]
        - [10, true, []]
        - [11, false, [interim_limit_exceeded]]
        - [11, true, []]
  - name: referrer by income and date
    date: 2024-03-01
    case:
      person: {domicile_region: flanders, registered_jobseeker: true}
    cases:
      columns: [date, person.income, eligibility.referrer, expect_error]
      rows:
        - [2024-03-01, leefloon, ocmw, null]
        - [2024-03-01, unemployment_benefit, vdab, ""]
        - [2017-06-01, leefloon, null, "in force on 2017-06-01"]
        - [2024-03-01, pension, null, "unknown value"]
`

// A table scenario runs each row as a scenario of its own, named after the
// row, and a failing row fails on its own line.
func TestTableScenarios(t *testing.T) {
	s, err := scenario.Parse("table.yaml", []byte(table))
	require.NoError(t, err)
	require.Len(t, s.Scenarios, 8)
	assert.Equal(t, "interim days in the last 28 (row 3)", s.Scenarios[2].Name)
	assert.Equal(t, 15, s.Scenarios[2].Pos.Line)
	assert.Equal(t, 11, s.Scenarios[2].Case.Person.InterimDaysLast28)
	assert.Equal(t, 0, s.Scenarios[0].Case.Person.InterimDaysLast28, "each row has its own copy of the case")
	assert.Len(t, s.Scenarios[0].Expect, 3, "the scenario's expect: holds for every row")
	assert.Equal(t, "leefloon", s.Scenarios[4].Case.Person.Income)
	assert.Equal(t, wk.MustParseDate("2017-06-01"), s.Scenarios[6].Date)
	assert.Equal(t, "in force on 2017-06-01", s.Scenarios[6].ExpectError)

	rep, err := runner(t).Run(context.Background(), []*scenario.Suite{s})
	require.NoError(t, err)
	assert.Equal(t, 7, rep.Passed)
	require.Equal(t, 1, rep.Failed)
	var text bytes.Buffer
	rep.WriteText(&text, false)
	assert.Contains(t, text.String(), `table.yaml:16: scenario "interim days in the last 28 (row 4)": eligibility.eligible: want true, got false`)
	assert.Contains(t, text.String(), `reproduce: wijkwerken test --run '^interim days in the last 28 \(row 4\)$' table.yaml`)
}

func TestTableScenarioErrors(t *testing.T) {
	for name, tc := range map[string]struct{ src, want string }{
		"no rows":        {"cases: {columns: [eligibility.eligible]}", "want rows:"},
		"short row":      {"cases: {columns: [person.income, eligibility.eligible], rows: [[none]]}", "want a list of 2 values"},
		"typo in output": {"cases: {columns: [eligibility.eligble], rows: [[true]]}", `did you mean "eligibility.eligible"`},
		"bad field":      {"cases: {columns: [person.incme, eligibility.eligible], rows: [[none, true]]}", `incme`},
		"nothing":        {"cases: {columns: [person.income], rows: [[none]]}", "expects nothing"},
		"with error":     {"expect_error: x\n    cases: {columns: [person.income], rows: [[none]]}", "goes in a column"},
	} {
		t.Run(name, func(t *testing.T) {
			src := "scenarios:\n  - name: n\n    date: 2024-03-01\n    case: {person: {domicile_region: flanders, registered_jobseeker: true}}\n    " + tc.src + "\n"
			s, err := scenario.Parse("t.yaml", []byte(src))
			if tc.want == "incme" {
				// An unknown case field is the row's input error, reported when it runs.
				require.NoError(t, err)
				rep, err := runner(t).Run(context.Background(), []*scenario.Suite{s})
				require.NoError(t, err)
				require.Equal(t, 1, rep.Failed)
				assert.Contains(t, rep.Outcomes[0].Failures[0].Got, "incme")
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func TestSelectAndReproduce(t *testing.T) {
	s, err := scenario.Parse("dir/my file.yaml", []byte(table))
	require.NoError(t, err)
	kept, err := scenario.Select([]*scenario.Suite{s}, `row 4\)$`)
	require.NoError(t, err)
	require.Len(t, kept, 1)
	require.Len(t, kept[0].Scenarios, 2)
	_, err = scenario.Select([]*scenario.Suite{s}, `(`)
	assert.Error(t, err)

	rep := &scenario.Report{Command: "wijkwerken test --reform r.yaml"}
	o := &scenario.Outcome{Scenario: kept[0].Scenarios[0]}
	assert.Equal(t, `wijkwerken test --reform r.yaml --run '^interim days in the last 28 \(row 4\)$' 'dir/my file.yaml'`, rep.Reproduce(o))
	// The pattern selects exactly that scenario again.
	again, err := scenario.Select([]*scenario.Suite{s}, `^interim days in the last 28 \(row 4\)$`)
	require.NoError(t, err)
	assert.Len(t, again[0].Scenarios, 1)
}

func TestGitHubAnnotationsAndJSON(t *testing.T) {
	s, err := scenario.Parse("ci/eligibility.yaml", []byte(table))
	require.NoError(t, err)
	r := runner(t)
	rep, err := r.Run(context.Background(), []*scenario.Suite{s})
	require.NoError(t, err)
	var gh bytes.Buffer
	require.NoError(t, rep.WriteGitHub(&gh))
	lines := strings.Split(strings.TrimSpace(gh.String()), "\n")
	require.Len(t, lines, 3, "one annotation per failing expectation")
	assert.Equal(t, "::error file=ci/eligibility.yaml,line=16,title=scenario interim days in the last 28 (row 4)::"+
		"eligibility.eligible: want true, got false%0Areproduce: wijkwerken test --run '^interim days in the last 28 \\(row 4\\)$' ci/eligibility.yaml", lines[0])
	assert.True(t, strings.HasPrefix(lines[1], "::error file=ci/eligibility.yaml,line=16,title=scenario interim days in the last 28 (row 4)::eligibility.reasons: want [], got [interim_limit_exceeded]"), lines[1])
	assert.Equal(t, "7 passed, 1 failed", lines[2])

	var js bytes.Buffer
	require.NoError(t, rep.WriteJSON(&js, r.Coverage(rep)))
	var out struct {
		Passed, Failed int
		Scenarios      []struct {
			File, Name, Reproduce string
			Line                  int
			Passed                bool
		}
		Coverage struct{ Total, Reached, Full int }
	}
	require.NoError(t, json.Unmarshal(js.Bytes(), &out))
	assert.Equal(t, 7, out.Passed)
	require.Len(t, out.Scenarios, 8)
	assert.False(t, out.Scenarios[3].Passed)
	assert.Equal(t, 16, out.Scenarios[3].Line)
	assert.NotEmpty(t, out.Scenarios[3].Reproduce)
	assert.Equal(t, referenceRules(t), out.Coverage.Total, "every rule version of the reference")
}

// Coverage counts, per rule, the scenarios that evaluated it and the
// outcomes they saw.
func TestCoverage(t *testing.T) {
	s, err := scenario.Parse("table.yaml", []byte(table))
	require.NoError(t, err)
	r := runner(t)
	rep, err := r.Run(context.Background(), []*scenario.Suite{s})
	require.NoError(t, err)
	cov := r.Coverage(rep)
	byRule := map[string]scenario.RuleCoverage{}
	for _, rc := range cov.Rules {
		byRule[rc.Rule] = rc
	}
	// Rows 1-4 and 5, 6 decide eligibility (rows 7 and 8 are errors): the
	// interim condition holds in rows 3 and 4 only.
	interim := byRule["eligibility.interim"]
	assert.Equal(t, 6, interim.Scenarios)
	assert.Equal(t, 2, interim.Fired)
	assert.Equal(t, 4, interim.NotFired)
	assert.True(t, interim.Full)
	domicile := byRule["eligibility.domicile"]
	assert.Equal(t, 0, domicile.Fired)
	assert.False(t, domicile.Full, "never fired")
	referrer := byRule["eligibility.referrer"]
	assert.Equal(t, "value", referrer.Kind)
	assert.Equal(t, 2, referrer.Values, "ocmw and vdab")
	assert.True(t, referrer.Full)
	assert.Equal(t, 0, byRule["vouchers.tax_reduction"].Scenarios)
	assert.Equal(t, referenceRules(t), cov.Total, "every rule version of the reference")
	assert.Less(t, cov.Full, cov.Reached)

	var text bytes.Buffer
	require.NoError(t, cov.WriteText(&text))
	assert.Contains(t, text.String(), "rules no scenario reaches:")
	assert.Contains(t, text.String(), "regulation/vouchers.yaml:")
	assert.Contains(t, text.String(), "eligibility.domicile never held")
}

// Our own suite covers every reference rule with every outcome.
func TestReferenceSuiteCoversEveryRule(t *testing.T) {
	suites, err := scenario.LoadPaths("../testdata/scenarios")
	require.NoError(t, err)
	r := runner(t)
	rep, err := r.Run(context.Background(), suites)
	require.NoError(t, err)
	require.True(t, rep.OK())
	cov := r.Coverage(rep)
	for _, rc := range cov.Rules {
		assert.True(t, rc.Full, "%s: %s not covered with every outcome (fired %d, not fired %d)", rc.Pos, rc.Rule, rc.Fired, rc.NotFired)
	}
	assert.Equal(t, 100.0, cov.FullPercent())
}

// referenceRules counts the rule versions of the reference rulebook.
func referenceRules(t *testing.T) int {
	rb, err := wk.Reference()
	require.NoError(t, err)
	return len(rb.Rules(""))
}
