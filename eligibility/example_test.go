package eligibility_test

import (
	"fmt"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/eligibility"
)

// A vendor decides a case from Go: compile once, decide many.
func ExampleEngine_Decide() {
	rb, err := wk.Reference()
	if err != nil {
		panic(err)
	}
	eng, err := eligibility.New(rb)
	if err != nil {
		panic(err)
	}
	c := &dossier.Case{Person: &dossier.Person{
		DomicileRegion:    "flanders",
		Income:            "leefloon",
		InterimDaysLast28: 12,
	}}
	d, err := eng.Decide(wk.MustParseDate("2024-03-01"), c)
	if err != nil {
		panic(err)
	}
	fmt.Println("eligible:", d.Eligible, "referrer:", d.Referrer)
	for _, r := range d.Reasons {
		fmt.Printf("%s: %s [%s]\n", r.Code, r.Message.EN, r.Cite)
	}
	// Output:
	// eligible: false referrer: ocmw
	// interim_limit_exceeded: The person did more interim work in the last 28 days than allowed. [Interim max. 10 dagen per 28 dagen [S29]; docs/modelling-decisions.md MD 7]
}

// The trace explains a decision: every rule, its outcome and the parameter
// values it read.
func ExampleWithTrace() {
	rb, _ := wk.Reference()
	eng, _ := eligibility.New(rb)
	c := &dossier.Case{Person: &dossier.Person{DomicileRegion: "flanders", Income: "none", RegisteredJobseeker: true, InterimDaysLast28: 4}}
	d, _ := eng.Decide(wk.MustParseDate("2024-03-01"), c, wk.WithTrace())
	step := d.Trace.Steps[4]
	fmt.Println(step.Rule, "fired:", *step.Fired)
	for _, p := range step.Params {
		fmt.Printf("  %s = %s %s (from %s)\n", p.ID, p.Value, p.Unit, p.From)
	}
	// Output:
	// eligibility.interim fired: false
	//   eligibility.interim_days_max = 10 days per 28 days (from 2018-01-01)
}
