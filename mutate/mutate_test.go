package mutate

import (
	"context"
	"errors"
	"os"
	"sort"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/scenario"
)

func tiny(t *testing.T) (*wk.Rulebook, []*scenario.Suite) {
	t.Helper()
	rb, err := wk.Load(os.DirFS("testdata/tiny"), "rulebook")
	require.NoError(t, err)
	suites, err := scenario.LoadPaths("testdata/tiny/scenarios")
	require.NoError(t, err)
	return rb, suites
}

func readFile(name string) ([]byte, error) { return os.ReadFile("testdata/tiny/" + name) }

// statuses maps each mutant's id to what became of it.
func statuses(rep *Report) map[string]Status {
	out := map[string]Status{}
	for _, r := range rep.Results {
		out[r.Mutant.ID] = r.Status
	}
	return out
}

// The tiny rulebook of testdata/tiny: every mutant and its fate, derived
// by hand from the rules and the five scenarios (interim days 10 and 11 in
// 2020, 15 on 2024-01-01; a leefloon and an unemployment-benefit referrer).
func TestTinyRulebook(t *testing.T) {
	rb, suites := tiny(t)
	mutants, skipped := Generate(rb, Options{Source: readFile})
	rep, err := Run(context.Background(), rb, suites, mutants, RunOptions{})
	require.NoError(t, err)
	want := map[string]Status{
		// 10 days pass only while > stays >.
		`rule eligibility.interim@2018-01-01: person.interim_days_last_28 > param("eligibility.interim_days_max") → person.interim_days_last_28 >= param("eligibility.interim_days_max")`: Killed,
		// No scenario on 2017-12-31 or 2018-01-01.
		`rule eligibility.interim@2018-01-01: from 2018-01-01 → 2017-12-31`:                                                   Survived,
		`rule eligibility.interim@2018-01-01: from 2018-01-01 → 2018-01-02`:                                                   Survived,
		`rule eligibility.referrer@2018-01-01: person.income in param("eligibility.ocmw_incomes") ? "ocmw" : "vdab" → "ocmw"`: Killed, // the VDAB scenario
		`rule eligibility.referrer@2018-01-01: person.income in param("eligibility.ocmw_incomes") ? "ocmw" : "vdab" → "vdab"`: Killed, // the leefloon one
		`rule eligibility.referrer@2018-01-01: from 2018-01-01 → 2017-12-31`:                                                  Survived,
		`rule eligibility.referrer@2018-01-01: from 2018-01-01 → 2018-01-02`:                                                  Survived,
		`param eligibility.interim_days_max@2018-01-01: 10 → 11`:                                                              Killed,   // 11 days no longer too many
		`param eligibility.interim_days_max@2018-01-01: 10 → 9`:                                                               Killed,   // 10 days now too many
		`param eligibility.interim_days_max@2024-01-01: 15 → 16`:                                                              Survived, // no scenario with 16 days from 2024
		`param eligibility.interim_days_max@2024-01-01: 15 → 14`:                                                              Killed,
		// 15 from 2023-12-31: no scenario on that day; 10 still on
		// 2024-01-01: the 15-day scenario fails.
		`param eligibility.interim_days_max@2024-01-01: from 2024-01-01 → 2023-12-31`: Survived,
		`param eligibility.interim_days_max@2024-01-01: from 2024-01-01 → 2024-01-02`: Killed,
		`param eligibility.ocmw_incomes@2018-01-01: drop leefloon`:                    Killed,
		`param eligibility.ocmw_incomes@2018-01-01: drop leefloon_equivalent`:         Survived, // no leefloon_equivalent scenario
	}
	assert.Equal(t, want, statuses(rep))
	assert.Equal(t, 8, rep.Killed)
	assert.Equal(t, 7, rep.Survived)
	assert.InDelta(t, 100*8.0/15, rep.Score(), 1e-9)
	// The parameters' first values moved onto 2017-12-31, when no rule
	// that reads them is in force, are left out.
	var trivial []string
	for _, s := range skipped {
		require.True(t, s.Trivial, s.What)
		trivial = append(trivial, s.What)
	}
	assert.ElementsMatch(t, []string{
		`param eligibility.interim_days_max@2018-01-01: from 2018-01-01 → 2017-12-31`,
		`param eligibility.ocmw_incomes@2018-01-01: from 2018-01-01 → 2017-12-31`,
	}, trivial)

	byID := map[string]*Result{}
	for _, r := range rep.Results {
		byID[r.Mutant.ID] = r
	}
	k := byID[`param eligibility.interim_days_max@2018-01-01: 10 → 11`]
	assert.Equal(t, "eligibility.eligible: want false, got true", k.Failure)
	assert.Equal(t, "eleven days are too many", k.KilledBy.Name)
	// The mutated place: the > of the rule, the 10 of the timeline.
	assert.Equal(t, wk.Position{File: "rulebook/eligibility.yaml", Line: 27, Column: 39},
		byID[`rule eligibility.interim@2018-01-01: person.interim_days_last_28 > param("eligibility.interim_days_max") → person.interim_days_last_28 >= param("eligibility.interim_days_max")`].Mutant.Pos)
	assert.Equal(t, wk.Position{File: "rulebook/eligibility.yaml", Line: 11, Column: 16}, k.Mutant.Pos)
	// The element dropped, on the line of the folded expression's list.
	assert.Equal(t, wk.Position{File: "rulebook/eligibility.yaml", Line: 19, Column: 27},
		byID[`param eligibility.ocmw_incomes@2018-01-01: drop leefloon_equivalent`].Mutant.Pos)
	// Every scenario evaluates both rules and reads both parameters.
	assert.Len(t, byID[`param eligibility.ocmw_incomes@2018-01-01: drop leefloon_equivalent`].Reached, 5)
}

func TestEquivalents(t *testing.T) {
	rb, suites := tiny(t)
	eq, err := ParseEquivalents("eq.yaml", []byte(`
equivalent:
  - mutant: "param eligibility.ocmw_incomes@2018-01-01: drop leefloon_equivalent"
    reason: a survivor declared (wrongly, but no scenario can tell)
  - mutant: "param eligibility.interim_days_max@2018-01-01: 10 → 9"
    reason: a killed mutant declared
  - mutant: "param eligibility.interim_days_max@2018-01-01: 10 → 12"
    reason: no such mutant
`))
	require.NoError(t, err)
	mutants, _ := Generate(rb, Options{})
	rep, err := Run(context.Background(), rb, suites, mutants, RunOptions{Equivalents: eq})
	require.NoError(t, err)
	st := statuses(rep)
	assert.Equal(t, Equivalent, st["param eligibility.ocmw_incomes@2018-01-01: drop leefloon_equivalent"])
	assert.Equal(t, Stale, st["param eligibility.interim_days_max@2018-01-01: 10 → 9"])
	assert.Equal(t, 1, rep.Equivalent)
	assert.Equal(t, 1, rep.Stale)
	require.Len(t, rep.Unmatched, 1)
	assert.Equal(t, wk.Position{File: "eq.yaml", Line: 7}, rep.Unmatched[0].Pos)
	assert.False(t, rep.DeclarationsOK())
	// Not counted: 8 killed (one of them stale) of 14.
	assert.Equal(t, 6, rep.Survived)
	assert.InDelta(t, 100*8.0/14, rep.Score(), 1e-9)
}

func TestParseEquivalentsErrors(t *testing.T) {
	_, err := ParseEquivalents("eq.yaml", []byte(`
equivalent:
  - mutant: a
  - mutant: b
    reason: x
    reasno: y
  - reason: z
  - mutant: b
    reason: twice
other: 1
`))
	var le *wk.LoadError
	require.True(t, errors.As(err, &le), "%v", err)
	var msgs []string
	for _, p := range le.Problems {
		msgs = append(msgs, p.String())
	}
	assert.Equal(t, []string{
		`eq.yaml:3: a: missing reason: say why no case can tell the mutant from the rulebook`,
		`eq.yaml:6: unknown key "reasno" (did you mean "reason"?)`,
		`eq.yaml:7: missing mutant: (the mutant's id, as the report prints it)`,
		`eq.yaml:8: b: declared twice (first at line 4)`,
		`eq.yaml:10: unknown key "other" (want equivalent:)`,
	}, msgs)

	eq, err := ParseEquivalents("empty.yaml", []byte("# nothing declared yet\n"))
	require.NoError(t, err)
	assert.Empty(t, eq.List)
	eq, err = ParseEquivalents("empty.yaml", []byte("equivalent:\n"))
	require.NoError(t, err)
	assert.Empty(t, eq.List)
}

// Validity boundaries, by hand: a rule with two adjacent versions and an
// end; a parameter with a gap between two values.
func TestValidityMutants(t *testing.T) {
	rb, err := wk.Load(fstest.MapFS{"r.yaml": {Data: []byte(`
parameters:
  - id: eligibility.interim_days_max
    type: integer
    cite: test
    values:
      - {from: 2018-01-01, to: 2019-12-31, value: 10}
      - {from: 2021-01-01, value: 12}
area: eligibility
rules:
  - id: eligibility.interim
    cite: test
    from: 2018-01-01
    to: 2019-12-31
    description: {nl: a, en: a}
    when: person.interim_days_last_28 > 10
    reason: interim_limit_exceeded
    message: {nl: a, en: a}
  - id: eligibility.interim
    cite: test
    from: 2020-01-01
    to: 2022-12-31
    description: {nl: b, en: b}
    when: person.interim_days_last_28 > param("eligibility.interim_days_max")
    reason: interim_limit_exceeded
    message: {nl: b, en: b}
`)}}, "r.yaml")
	require.NoError(t, err)
	mutants, skipped := Generate(rb, Options{Operators: []string{OpValidity}})
	// Only the second version reads the parameter: on 2017-12-31 nothing
	// can read it.
	require.Len(t, skipped, 1)
	assert.Equal(t, "param eligibility.interim_days_max@2018-01-01: from 2018-01-01 → 2017-12-31", skipped[0].What)
	v1, _ := rb.Rule("eligibility.interim", wk.MustParseDate("2018-01-01"))
	v2, _ := rb.Rule("eligibility.interim", wk.MustParseDate("2020-01-01"))
	// which version (or none) each mutant puts in force on its day
	type want struct {
		day     string
		version *wk.Rule
	}
	wantRule := map[string]want{
		"rule eligibility.interim@2018-01-01: from 2018-01-01 → 2017-12-31": {"2017-12-31", v1},
		"rule eligibility.interim@2018-01-01: from 2018-01-01 → 2018-01-02": {"2018-01-01", nil},
		"rule eligibility.interim@2020-01-01: from 2020-01-01 → 2019-12-31": {"2019-12-31", v2},
		"rule eligibility.interim@2020-01-01: from 2020-01-01 → 2020-01-02": {"2020-01-01", v1},
		"rule eligibility.interim@2020-01-01: to 2022-12-31 → 2022-12-30":   {"2022-12-31", nil},
		"rule eligibility.interim@2020-01-01: to 2022-12-31 → 2023-01-01":   {"2023-01-01", v2},
	}
	// the value each puts in force on its day (0: none)
	wantParam := map[string]struct {
		day   string
		value int
	}{
		"param eligibility.interim_days_max@2018-01-01: to 2019-12-31 → 2020-01-01":   {"2020-01-01", 10},
		"param eligibility.interim_days_max@2021-01-01: from 2021-01-01 → 2020-12-31": {"2020-12-31", 12},
	}
	var ids []string
	for _, m := range mutants {
		ids = append(ids, m.ID)
		mrb, err := rb.Reform(m.Reform())
		require.NoError(t, err, m.ID)
		if w, ok := wantRule[m.ID]; ok {
			day := wk.MustParseDate(w.day)
			got, in := mrb.Rule("eligibility.interim", day)
			if w.version == nil {
				assert.False(t, in, "%s: no version in force on %s", m.ID, day)
				continue
			}
			require.True(t, in, m.ID)
			assert.Equal(t, w.version.When, got.When, m.ID)
			// The neighbouring days keep what they had.
			for _, d := range []wk.Date{day.AddDays(-1), day.AddDays(1)} {
				a, aok := rb.Rule("eligibility.interim", d)
				b, bok := mrb.Rule("eligibility.interim", d)
				assert.Equal(t, aok, bok, "%s on %s", m.ID, d)
				if aok && bok {
					assert.Equal(t, a.When, b.When, "%s on %s", m.ID, d)
				}
			}
			continue
		}
		w := wantParam[m.ID]
		v, err := mrb.Param("eligibility.interim_days_max", wk.MustParseDate(w.day))
		require.NoError(t, err, m.ID)
		assert.Equal(t, w.value, v.Int(), m.ID)
	}
	var all []string
	for id := range wantRule {
		all = append(all, id)
	}
	for id := range wantParam {
		all = append(all, id)
	}
	sort.Strings(all)
	sort.Strings(ids)
	assert.Equal(t, all, ids)
}

// A mutant of a rule whose output later rules read still compiles: the
// rule keeps its place in the rulebook.
func TestMutantKeepsRuleOrder(t *testing.T) {
	rb, err := wk.Reference()
	require.NoError(t, err)
	mutants, _ := Generate(rb, Options{Rules: []string{"vouchers.ordinary_expiry"}, Operators: []string{OpConditional}})
	require.NotEmpty(t, mutants)
	for _, m := range mutants {
		mrb, err := rb.Reform(m.Reform())
		require.NoError(t, err)
		_, err = scenario.NewRunner(mrb)
		assert.NoError(t, err, m.ID)
	}
}

func TestSuiteMustPass(t *testing.T) {
	rb, _ := tiny(t)
	suites, err := scenario.LoadPaths("testdata/tiny/scenarios")
	require.NoError(t, err)
	// The reference rulebook allows 10 interim days in 2024, not 15.
	ref, err := wk.Reference()
	require.NoError(t, err)
	_, err = Run(context.Background(), ref, suites, nil, RunOptions{})
	var se *SuiteError
	require.True(t, errors.As(err, &se), "%v", err)
	assert.NotEmpty(t, se.Failed)
	_, err = Run(context.Background(), rb, suites, nil, RunOptions{})
	assert.NoError(t, err)
}

func TestCancelled(t *testing.T) {
	rb, suites := tiny(t)
	mutants, _ := Generate(rb, Options{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rep, err := Run(ctx, rb, suites, mutants, RunOptions{})
	assert.ErrorIs(t, err, context.Canceled)
	if rep != nil {
		assert.Less(t, len(rep.Results), len(mutants))
	}
}

func TestSelection(t *testing.T) {
	rb, _ := tiny(t)
	ms, _ := Generate(rb, Options{Rules: []string{"eligibility.ocmw_*"}})
	require.Len(t, ms, 2)
	for _, m := range ms {
		assert.Equal(t, "eligibility.ocmw_incomes", m.Target)
	}
	ms, _ = Generate(rb, Options{Operators: []string{OpNumber, OpComparison}})
	assert.Len(t, ms, 5)
	assert.Error(t, CheckOptions(Options{Operators: []string{"comparision"}}))
	assert.ErrorContains(t, CheckOptions(Options{Operators: []string{"comparision"}}), `did you mean "comparison"`)
	assert.Error(t, CheckOptions(Options{Rules: []string{"["}}))
	assert.NoError(t, CheckOptions(Options{Rules: []string{"vouchers.*"}, Operators: Operators()}))
}

// With reforms, ReformOnly mutates what they add or change: a vendor's own
// rules and values.
func TestReformOnly(t *testing.T) {
	rb, _ := tiny(t)
	rf, err := wk.ParseReform("r.yaml", []byte(`
reform: a longer tolerance
cite: test
set:
  - param: eligibility.interim_days_max
    from: 2025-01-01
    value: 20
`))
	require.NoError(t, err)
	rrb, err := rb.Reform(rf)
	require.NoError(t, err)
	ms, _ := Generate(rrb, Options{ReformOnly: true})
	var ids []string
	for _, m := range ms {
		ids = append(ids, m.ID)
	}
	// The reform's value and the boundary it makes with the value before.
	assert.Equal(t, []string{
		"param eligibility.interim_days_max@2025-01-01: 20 → 21",
		"param eligibility.interim_days_max@2025-01-01: 20 → 19",
		"param eligibility.interim_days_max@2025-01-01: from 2025-01-01 → 2024-12-31",
		"param eligibility.interim_days_max@2025-01-01: from 2025-01-01 → 2025-01-02",
	}, ids)
}
