// Command reform shows a policy analyst's question answered without
// changing any Go: "what if interim work of up to 15 days in 28 were
// tolerated?", "what if the monthly cap were 80 hours?" It applies the
// reform file to the reference rulebook, runs the reference scenarios under
// both, and lists the scenarios whose outcome flips.
//
//	go run ./examples/reform testdata/reforms/monthly-cap-80.yaml
//
//	go run ./examples/reform [REFORM.yaml] [SCENARIO PATHS...]
//
// Defaults: testdata/reforms/interim-15-days.yaml and testdata/scenarios.
package main

import (
	"context"
	"fmt"
	"log"
	"os"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/scenario"
)

func main() {
	reformFile := "testdata/reforms/interim-15-days.yaml"
	paths := []string{"testdata/scenarios"}
	if len(os.Args) > 1 {
		reformFile = os.Args[1]
	}
	if len(os.Args) > 2 {
		paths = os.Args[2:]
	}

	ref, err := wk.Reference()
	if err != nil {
		log.Fatal(err)
	}
	data, err := os.ReadFile(reformFile)
	if err != nil {
		log.Fatal(err)
	}
	rf, err := wk.ParseReform(reformFile, data)
	if err != nil {
		log.Fatal(err) // every problem, with file:line
	}
	reformed, err := ref.Reform(rf)
	if err != nil {
		log.Fatal(err)
	}
	suites, err := scenario.LoadPaths(paths...)
	if err != nil {
		log.Fatal(err)
	}

	before := mustRun(ref, suites)
	after := mustRun(reformed, suites)

	fmt.Printf("reform: %s\n  %s\n\n", rf.Name, rf.Description)
	for _, c := range rf.Set {
		b, _ := ref.Param(c.Param, c.From)
		a, _ := reformed.Param(c.Param, c.From)
		fmt.Printf("%s from %s: %s -> %s\n", c.Param, c.From, b, a)
	}
	fmt.Println()
	flipped := 0
	for i, o := range after.Outcomes {
		if before.Outcomes[i].Passed() && !o.Passed() {
			flipped++
			fmt.Printf("flips: %s (%s)\n", o.Scenario.Name, o.Scenario.Pos)
			for _, f := range o.Failures {
				fmt.Printf("    %s: reference %s, reform %s\n", f.Path, f.Want, f.Got)
			}
		}
	}
	fmt.Printf("\n%d of %d scenarios change under the reform\n", flipped, len(after.Outcomes))
}

func mustRun(rb *wk.Rulebook, suites []*scenario.Suite) *scenario.Report {
	r, err := scenario.NewRunner(rb)
	if err != nil {
		log.Fatal(err)
	}
	rep, err := r.Run(context.Background(), suites)
	if err != nil {
		log.Fatal(err)
	}
	return rep
}
