package mutate_test

import (
	"context"
	"fmt"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/mutate"
	"github.com/openwijkwerken/wijkwerken/scenario"
)

// A suite that only tests 5 and 15 interim days cannot tell "more than 10"
// from "10 or more": the mutant that moves the boundary survives. Adding
// the boundary (10 days allowed) kills it.
func ExampleRun() {
	rb, _ := wk.Reference()
	mutants, _ := mutate.Generate(rb, mutate.Options{Rules: []string{"eligibility.interim"}, Operators: []string{"comparison"}})
	suite := func(days ...int) []*scenario.Suite {
		src := "scenarios:\n"
		for _, d := range days {
			src += fmt.Sprintf("  - name: %d days\n    date: 2024-03-01\n    case: {person: {domicile_region: flanders, income: leefloon, interim_days_last_28: %d}}\n    expect: {eligibility.eligible: %v}\n", d, d, d <= 10)
		}
		s, err := scenario.Parse("interim.yaml", []byte(src))
		if err != nil {
			panic(err)
		}
		return []*scenario.Suite{s}
	}
	for _, days := range [][]int{{5, 15}, {5, 10, 15}} {
		rep, err := mutate.Run(context.Background(), rb, suite(days...), mutants, mutate.RunOptions{Workers: 1})
		if err != nil {
			panic(err)
		}
		fmt.Printf("days %v: %d killed, %d survived\n", days, rep.Killed, rep.Survived)
	}
	// Output:
	// days [5 15]: 0 killed, 1 survived
	// days [5 10 15]: 1 killed, 0 survived
}
