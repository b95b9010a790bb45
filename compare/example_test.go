package compare_test

import (
	"context"
	"fmt"
	"log"
	"os"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/compare"
	"github.com/openwijkwerken/wijkwerken/decision"
)

// An analyst's question from Go: what changes for a population if the
// monthly cap is 80 hours from 2027?
func ExampleCompare() {
	rb, err := wk.Reference()
	if err != nil {
		log.Fatal(err)
	}
	base, err := decision.New(rb)
	if err != nil {
		log.Fatal(err)
	}
	data, err := os.ReadFile("../examples/reform/cap-80-2027.yaml")
	if err != nil {
		log.Fatal(err)
	}
	cap80, err := wk.ParseReform("cap-80-2027.yaml", data)
	if err != nil {
		log.Fatal(err) // every problem, with file:line
	}
	pop, err := os.Open("testdata/small.jsonl")
	if err != nil {
		log.Fatal(err)
	}
	defer pop.Close()
	rep, err := compare.Compare(context.Background(), pop, base, []*wk.Reform{cap80}, compare.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range rep.Totals[:1] {
		fmt.Printf("%s: %s → %s %s\n", t.Name, t.Before, t.After, t.Unit)
	}
	for _, o := range rep.Outputs {
		if o.Path == "hours.allowed" {
			fmt.Printf("%s: %d of %d cases %s\n", o.Path, o.Changed, o.Before, o.Directions[0].Kind)
		}
	}
	fmt.Printf("rule %s no longer fires in %d cases\n", rep.Rules[0].Rule, rep.Rules[0].Stopped)
	// Output:
	// worker allowances: 32.8 → 45.1 EUR
	// hours.allowed: 1 of 4 cases increased
	// rule hours.month_limit no longer fires in 2 cases
}

// A sweep: the worker allowances for three values of the monthly cap.
func ExampleSweep() {
	rb, err := wk.Reference()
	if err != nil {
		log.Fatal(err)
	}
	base, err := decision.New(rb)
	if err != nil {
		log.Fatal(err)
	}
	spec, err := compare.ParseSweep("hours.per_month_max=58,60,80", rb)
	if err != nil {
		log.Fatal(err)
	}
	pop, err := os.Open("testdata/small.jsonl")
	if err != nil {
		log.Fatal(err)
	}
	defer pop.Close()
	rep, err := compare.Sweep(context.Background(), pop, base, nil, spec, compare.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, p := range rep.Points {
		fmt.Printf("%s = %s: %s EUR\n", rep.Param, p.Value, p.Totals[0].Value.StringFixed(2))
	}
	// Output:
	// hours.per_month_max = 58: 16.40 EUR
	// hours.per_month_max = 60: 32.80 EUR
	// hours.per_month_max = 80: 45.10 EUR
}

// Who gains and who loses, and for which groups: the headline, the
// winners and losers per measure, and a breakdown by referrer.
func ExampleCompare_winnersAndLosers() {
	rb, err := wk.Reference()
	if err != nil {
		log.Fatal(err)
	}
	base, err := decision.New(rb)
	if err != nil {
		log.Fatal(err)
	}
	data, err := os.ReadFile("../examples/reform/cap-80-2027.yaml")
	if err != nil {
		log.Fatal(err)
	}
	cap80, err := wk.ParseReform("cap-80-2027.yaml", data)
	if err != nil {
		log.Fatal(err)
	}
	pop, err := os.Open("testdata/small.jsonl")
	if err != nil {
		log.Fatal(err)
	}
	defer pop.Close()
	rep, err := compare.Compare(context.Background(), pop, base, []*wk.Reform{cap80}, compare.Options{By: []string{"referrer"}})
	if err != nil {
		log.Fatal(err)
	}
	h := rep.Headline
	fmt.Printf("decisions change in %d case, reasons only in %d, bookkeeping only in %d\n", h.DecisionChanged, h.ReasonsOnly, h.BookkeepingOnly)
	for _, a := range rep.Actors[:2] {
		fmt.Printf("%s, %s: %d gain, %d lose, %s %s in all\n", a.Actor, a.Measure, a.Gain, a.Lose, a.Change, a.Unit)
	}
	for _, row := range rep.Groups[0].Rows {
		fmt.Printf("referrer %s: %d cases, %d with a decision that changes\n", row.Value, row.Cases, row.DecisionChanged)
	}
	// Output:
	// decisions change in 1 case, reasons only in 1, bookkeeping only in 2
	// wijk-werkers, pay (allowance and travel): 1 gain, 0 lose, 12.3 EUR in all
	// wijk-werkers, hours allowed: 1 gain, 0 lose, 3 hours in all
	// referrer (none): 3 cases, 0 with a decision that changes
	// referrer vdab: 2 cases, 1 with a decision that changes
	// referrer ocmw: 1 cases, 0 with a decision that changes
}
