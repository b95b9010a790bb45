package decision_test

import (
	"encoding/json"
	"fmt"
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
		{"an expression that builds huge values", rule(`len(repeat("x", 1000000000)) > 0`), false, "memory budget exceeded"},
		{"nested loops", rule(`all(1..100000, {all(1..100000, {true})})`), false, "memory budget exceeded"},
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
			// The eligibility area fails; the other areas still decide.
			r, err := eng.Decide(date, c)
			require.NoError(t, err)
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
