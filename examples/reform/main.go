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
	"io"
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
	if _, _, err := flips(os.Stdout, reformFile, paths); err != nil {
		log.Fatal(err) // every problem, with file:line
	}
}

// flips writes the scenarios whose outcome the reform in reformFile
// changes, and returns how many flip of how many.
func flips(w io.Writer, reformFile string, paths []string) (flipped, total int, err error) {
	ref, err := wk.Reference()
	if err != nil {
		return 0, 0, err
	}
	data, err := os.ReadFile(reformFile)
	if err != nil {
		return 0, 0, err
	}
	rf, err := wk.ParseReform(reformFile, data)
	if err != nil {
		return 0, 0, err
	}
	reformed, err := ref.Reform(rf)
	if err != nil {
		return 0, 0, err
	}
	suites, err := scenario.LoadPaths(paths...)
	if err != nil {
		return 0, 0, err
	}
	before, err := runAll(ref, suites)
	if err != nil {
		return 0, 0, err
	}
	after, err := runAll(reformed, suites)
	if err != nil {
		return 0, 0, err
	}

	fmt.Fprintf(w, "reform: %s\n  %s\n\n", rf.Name, rf.Description)
	for _, c := range rf.Set {
		b, _ := ref.Param(c.Param, c.From)
		a, _ := reformed.Param(c.Param, c.From)
		fmt.Fprintf(w, "%s from %s: %s -> %s\n", c.Param, c.From, b, a)
	}
	fmt.Fprintln(w)
	for i, o := range after.Outcomes {
		if before.Outcomes[i].Passed() && !o.Passed() {
			flipped++
			fmt.Fprintf(w, "flips: %s (%s)\n", o.Scenario.Name, o.Scenario.Pos)
			for _, f := range o.Failures {
				what := f.Path
				if what == "" {
					what = "the decision" // an expect_error: the reform lets it through
				}
				fmt.Fprintf(w, "    %s: reference %s, reform %s\n", what, f.Want, f.Got)
			}
		}
	}
	fmt.Fprintf(w, "\n%d of %d scenarios change under the reform\n", flipped, len(after.Outcomes))
	return flipped, len(after.Outcomes), nil
}

func runAll(rb *wk.Rulebook, suites []*scenario.Suite) (*scenario.Report, error) {
	r, err := scenario.NewRunner(rb)
	if err != nil {
		return nil, err
	}
	return r.Run(context.Background(), suites)
}
