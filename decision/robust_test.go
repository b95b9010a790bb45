package decision_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/scenario"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type job struct {
	date wk.Date
	c    *dossier.Case
}

// scenarioCases are the cases of every scenario of the suite that has one.
func scenarioCases(t *testing.T) []job {
	suites, err := scenario.LoadPaths("../testdata/scenarios")
	require.NoError(t, err)
	var jobs []job
	for _, s := range suites {
		for _, sc := range s.Scenarios {
			if sc.Case != nil {
				jobs = append(jobs, job{sc.Date, sc.Case})
			}
		}
	}
	require.Greater(t, len(jobs), 150)
	return jobs
}

// outcome is a decision as text: its JSON, or its error.
func outcome(eng *decision.Engine, j job) string {
	r, err := eng.Decide(j.date, j.c, wk.WithTrace())
	if err != nil {
		return "error: " + err.Error()
	}
	b, err := json.Marshal(r)
	if err != nil {
		return "marshal: " + err.Error()
	}
	return string(b)
}

// 64 goroutines share one rulebook and one engine and must produce exactly
// the sequential results (run under -race in CI).
func TestConcurrentDecisionsMatchSequential(t *testing.T) {
	rb, err := wk.Reference()
	require.NoError(t, err)
	eng, err := decision.New(rb)
	require.NoError(t, err)
	jobs := scenarioCases(t)
	want := make([]string, len(jobs))
	for i, j := range jobs {
		want[i] = outcome(eng, j)
	}
	const goroutines = 64
	got := make([][]string, goroutines)
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			out := make([]string, len(jobs))
			// Each goroutine walks the cases from its own offset, so that
			// different cases run at the same time.
			for k := range jobs {
				i := (k + g*7) % len(jobs)
				out[i] = outcome(eng, jobs[i])
			}
			got[g] = out
		}(g)
	}
	wg.Wait()
	for g := range got {
		for i := range jobs {
			if got[g][i] != want[i] {
				t.Fatalf("goroutine %d, case %d: concurrent result differs\nwant %s\ngot  %s", g, i, want[i], got[g][i])
			}
		}
	}
}

// Hostile or broken reforms are refused at load, or stopped at run with a
// clear error; the host keeps deciding with the reference rulebook.
func TestHostileReforms(t *testing.T) {
	rb, err := wk.Reference()
	require.NoError(t, err)
	ref, err := decision.New(rb)
	require.NoError(t, err)
	c := &dossier.Case{Person: &dossier.Person{DomicileRegion: "flanders", RegisteredJobseeker: true, Income: "unemployment_benefit"}}
	date := wk.MustParseDate("2024-03-01")
	before := outcome(ref, job{date, c})

	rule := func(when string) string {
		return fmt.Sprintf(`reform: hostile
cite: test
add_rules:
  - id: eligibility.hostile
    area: eligibility
    cite: test
    from: 2018-01-01
    description: {nl: a, en: b}
    message: {nl: a, en: b}
    when: '%s'
    reason: hostile
`, when)
	}
	huge := "person.interim_days_last_28"
	for i := 0; i < 2500; i++ {
		huge += " + 1"
	}
	for _, tc := range []struct {
		name, reform string
		atLoad       bool
		want         string
	}{
		{"an expression far too large", rule(huge + " > 0"), true, "eligibility.hostile"},
		{"an expression that builds huge values", rule(`len(repeat("x", 1000000000)) > 0`), true, "unknown name repeat"},
		{"a string built in a loop", rule(`len(reduce(1..30000, #acc + "xxxxxxxxxx", "")) > 0`), true, "rules do not build strings"},
		{"nested loops", rule(`all(1..100000, {all(1..100000, {true})})`), true, "steps on one evaluation"},
		{"a loop within the budget", rule(`count(1..1000, {# > person.interim_days_last_28}) < 0`), false, ""},
		// The reference rules may take 6 000 steps; a reform may add 2 000.
		{"a loop one step over the budget", rule(`count(1..1001, {# > person.interim_days_last_28}) < 0`), true, "up to 8002 steps together, the costliest this one (2002 steps); at most 8000"},
		// On expr's VM a step counts 32 times: 31 numbers load, 32 do not.
		{"a loop on the VM within the budget", rule(`reduce(1..31, #acc + # * person.interim_days_last_28, 0) < 0`), false, ""},
		{"a loop on the VM over the budget", rule(`reduce(1..32, #acc + # * person.interim_days_last_28, 0) < 0`), true, "up to 8048 steps together, the costliest this one (2048 steps)"},
		{"an overflow", rule(`9223372036854775807 + person.interim_days_last_28 + 1 > 0`), false, "integer overflow"},
		{"a date past 9999", rule(`add_months(parse_date("9999-12-01"), 1) > date`), false, "date out of range"},
		{"a division by zero", rule(`person.interim_days_last_28 / (person.interim_days_last_28 - person.interim_days_last_28) > 1`), false, "eligibility.hostile"},
		{"a decimal division by zero", rule(`dec(1) / dec(0) > dec(1)`), false, "division by zero"},
		{"the wrong result type", rule(`person.interim_days_last_28 + 1`), true, "expected bool"},
		{"the clock", rule(`now().Year() > 2000`), true, "now"},
		{"an unknown field", rule(`person.salary > 0`), true, "salary"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rf, err := wk.ParseReform("hostile.yaml", []byte(tc.reform))
			var eng *decision.Engine
			if err == nil {
				var rb2 *wk.Rulebook
				if rb2, err = rb.Reform(rf); err == nil {
					eng, err = decision.New(rb2)
				}
			}
			if tc.atLoad {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.want)
				return
			}
			require.NoError(t, err, "refused at run time, not at load")
			r, err := eng.Decide(date, c)
			require.NoError(t, err)
			if tc.want == "" {
				// Within the budget: decided as without the rule.
				want, err := ref.Decide(date, c)
				require.NoError(t, err)
				for _, path := range []string{"eligibility.eligible", "eligibility.reasons", "placement.max_hours_per_month"} {
					got, ok := r.Get(path)
					exp, ok2 := want.Get(path)
					assert.Equal(t, ok2, ok, path)
					assert.Equal(t, exp, got, path)
				}
				return
			}
			// The eligibility area fails; the other areas still decide.
			err = r.Err("eligibility.eligible")
			require.Error(t, err)
			_, ok := r.Get("eligibility.eligible")
			assert.False(t, ok)
			_, ok = r.Get("community_service.eligible")
			assert.True(t, ok)
			assert.Contains(t, err.Error(), tc.want)
			var re *wk.RuleError
			assert.ErrorAs(t, err, &re)
		})
	}
	assert.Equal(t, before, outcome(ref, job{date, c}), "the host decides as before")
}

// A host that trusts its rules raises the work budget; a reform keeps the
// budget of the rulebook it reforms.
func TestWorkBudget(t *testing.T) {
	rb, err := wk.Reference()
	require.NoError(t, err)
	assert.Equal(t, wk.DefaultWorkBudget, rb.WorkBudget())
	rf, err := wk.ParseReform("loops.yaml", []byte(`reform: loops
cite: test
add_rules:
  - id: eligibility.loops
    area: eligibility
    cite: test
    from: 2018-01-01
    description: {nl: a, en: b}
    message: {nl: a, en: b}
    when: 'all(1..100, {all(1..100, {# > person.interim_days_last_28})})'
    reason: loops
`))
	require.NoError(t, err)
	reformed, err := rb.Reform(rf)
	require.NoError(t, err)
	_, err = decision.New(reformed)
	var le *wk.LoadError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, "eligibility.loops", le.Problems[0].ID)
	assert.Equal(t, 10, le.Problems[0].Pos.Line, "the line of the rule's when:")

	trusted := rb.WithWorkBudget(50_000)
	assert.Equal(t, 50_000, trusted.WorkBudget())
	assert.Equal(t, wk.DefaultWorkBudget, rb.WorkBudget(), "the original keeps its budget")
	reformed, err = trusted.Reform(rf)
	require.NoError(t, err)
	assert.Equal(t, 50_000, reformed.WorkBudget())
	eng, err := decision.New(reformed)
	require.NoError(t, err)
	r, err := eng.Decide(wk.MustParseDate("2024-03-01"), &dossier.Case{Person: &dossier.Person{DomicileRegion: "flanders", RegisteredJobseeker: true, Income: "unemployment_benefit"}})
	require.NoError(t, err)
	reasons, _ := r.Get("eligibility.reasons")
	assert.Contains(t, fmt.Sprint(reasons), "loops", "1..100 twice: every number is above 0 interim days")
	assert.Equal(t, wk.DefaultWorkBudget, rb.WithWorkBudget(-1).WorkBudget())
}

// Dates stay within the civil calendar: a computation that would leave it
// is an error of its rule, never a garbled date; just inside, it decides.
func TestDatesNearTheEnd(t *testing.T) {
	eng := engineT(t)
	for _, tc := range []struct {
		name, doc, path, want string
	}{
		{"a trajectory from 9999-12-31", `{"trajectory": {"start": "9999-12-31"}}`, "trajectory.last_day", "date out of range"},
		{"a cheque issued on 9999-12-31", `{"cheque": {"issued": "9999-12-31"}}`, "vouchers.expires", "date out of range"},
		{"a trajectory from 9998-06-01", `{"trajectory": {"start": "9998-06-01"}}`, "trajectory.last_day", "9999-05-31"},
		{"a cheque issued on 9999-01-01", `{"cheque": {"issued": "9999-01-01"}}`, "vouchers.expires", "9999-12-31"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := dossier.DecodeJSON([]byte(tc.doc))
			require.NoError(t, err)
			r, err := eng.Decide(wk.MustParseDate("2024-03-01"), c)
			if strings.HasPrefix(tc.want, "date") {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.want)
				var re *wk.RuleError
				require.ErrorAs(t, err, &re)
				assert.ErrorIs(t, err, wk.ErrDateRange)
				return
			}
			require.NoError(t, err)
			v, ok := r.Get(tc.path)
			require.True(t, ok)
			assert.Equal(t, tc.want, fmt.Sprint(v))
		})
	}
}

func TestDecideContext(t *testing.T) {
	eng := engineT(t)
	c := &dossier.Case{Person: &dossier.Person{DomicileRegion: "flanders", RegisteredJobseeker: true, Income: "unemployment_benefit"}}
	date := wk.MustParseDate("2024-03-01")
	r, err := eng.DecideContext(context.Background(), date, c)
	require.NoError(t, err)
	v, _ := r.Get("eligibility.eligible")
	assert.Equal(t, true, v)
	stop := errors.New("the caller left")
	ctx, cancel := context.WithCancelCause(context.Background())
	cancel(stop)
	r, err = eng.DecideContext(ctx, date, c)
	assert.Nil(t, r)
	assert.ErrorIs(t, err, stop)
}
