package scenario_test

import (
	"context"
	"fmt"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/scenario"
)

// A scenario file states what the regulation decides for a case; a runner
// checks it against a rulebook. The second scenario expects 15 interim
// days to be allowed, which the regulation refuses (at most 10 in 28
// days): it fails, with the command that reproduces it.
func ExampleRunner_Run() {
	suite, err := scenario.Parse("interim.yaml", []byte(`
suite: interim work
scenarios:
  - name: ten interim days are allowed
    date: 2024-03-01
    case: {person: {domicile_region: flanders, income: leefloon, interim_days_last_28: 10}}
    expect: {eligibility.eligible: true}
  - name: fifteen interim days are allowed too
    date: 2024-03-01
    case: {person: {domicile_region: flanders, income: leefloon, interim_days_last_28: 15}}
    expect: {eligibility.eligible: true}
`))
	if err != nil {
		panic(err)
	}
	rb, _ := wk.Reference()
	runner, err := scenario.NewRunner(rb)
	if err != nil {
		panic(err)
	}
	rep, err := runner.Run(context.Background(), []*scenario.Suite{suite})
	if err != nil {
		panic(err)
	}
	for _, o := range rep.Outcomes {
		for _, f := range o.Failures {
			fmt.Println(f.Format(o.Scenario.Name))
		}
	}
	fmt.Println(rep.Summary())
	// rep.WriteJUnit(w) writes JUnit for CI, with the rulebook's
	// fingerprint and the engine as testsuite properties.
	fmt.Println(rep.Fingerprint == rb.Fingerprint())
	// Output:
	// interim.yaml:11: scenario "fifteen interim days are allowed too": eligibility.eligible: want true, got false
	// 1 passed, 1 failed
	// true
}
