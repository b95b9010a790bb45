// The vendor's mutation test in go test: its own reform's mutants against
// its own scenarios, every one killed (as wijkwerken mutate --reform
// reform.yaml --min-score 100 scenarios checks in CI).
package mutate_test

import (
	"context"
	"os"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/mutate"
	"github.com/openwijkwerken/wijkwerken/scenario"
)

// run mutates what reform.yaml adds or changes and runs the scenarios of
// dir against each mutant.
func run(t *testing.T, dir string) *mutate.Report {
	t.Helper()
	ref, err := wk.Reference()
	if err != nil {
		t.Fatal(err)
	}
	rf, err := wk.LoadReform(os.DirFS("."), "reform.yaml")
	if err != nil {
		t.Fatal(err)
	}
	rb, err := ref.Reform(rf)
	if err != nil {
		t.Fatal(err)
	}
	suites, err := scenario.LoadPaths(dir)
	if err != nil {
		t.Fatal(err)
	}
	mutants, _ := mutate.Generate(rb, mutate.Options{ReformOnly: true})
	rep, err := mutate.Run(context.Background(), rb, suites, mutants, mutate.RunOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestEveryMutantOfTheReformIsKilled(t *testing.T) {
	rep := run(t, "scenarios")
	if len(rep.Results) != 9 {
		t.Errorf("%d mutants, want 9 (README.md lists them)", len(rep.Results))
	}
	for _, res := range rep.Survivors() {
		t.Errorf("%s: survives: %s", res.Mutant.Pos, res.Mutant.ID)
	}
}

// The first try of README.md: six mutants survive it.
func TestTheFirstTryLetsSixSurvive(t *testing.T) {
	rep := run(t, "weak")
	want := map[string]bool{
		`rule eligibility.interim@2027-01-01: person.interim_days_last_28 > param("eligibility.interim_days_max") → person.interim_days_last_28 >= param("eligibility.interim_days_max")`: true,
		`rule eligibility.interim@2027-01-01: from 2027-01-01 → 2026-12-31`:           true,
		`rule eligibility.interim@2027-01-01: from 2027-01-01 → 2027-01-02`:           true,
		`param eligibility.interim_days_max@2027-01-01: 15 → 14`:                      true,
		`param eligibility.interim_days_max@2027-01-01: from 2027-01-01 → 2026-12-31`: true,
		`param eligibility.interim_days_max@2027-01-01: from 2027-01-01 → 2027-01-02`: true,
	}
	got := map[string]bool{}
	for _, res := range rep.Survivors() {
		got[res.Mutant.ID] = true
	}
	for id := range want {
		if !got[id] {
			t.Errorf("killed, want it to survive: %s", id)
		}
	}
	for id := range got {
		if !want[id] {
			t.Errorf("survives, want it killed: %s", id)
		}
	}
}
