package decision_test

import (
	"context"
	"fmt"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/dossier"
)

// One call decides every area a case has data for. A leefloon recipient
// in Flanders is referred by the OCMW; 90 minutes of work are two started
// hours, paid with two cheques of 4.10 euro allowance each.
func ExampleEngine_Decide() {
	rb, err := wk.Reference()
	if err != nil {
		panic(err)
	}
	eng, err := decision.New(rb) // compile once; safe for concurrent use
	if err != nil {
		panic(err)
	}
	date := wk.MustParseDate("2024-03-01")
	c := &dossier.Case{
		Person:     &dossier.Person{DomicileRegion: dossier.RegionFlanders, Income: dossier.IncomeLeefloon},
		Trajectory: &dossier.Trajectory{Start: wk.MustParseDate("2024-01-01")},
		Request:    &dossier.Request{Date: date, Minutes: 90},
	}
	res, err := eng.Decide(date, c)
	if err != nil {
		panic(err)
	}
	eligible, _ := res.GetBool("eligibility.eligible")
	referrer, _ := res.GetText("eligibility.referrer")
	hours, _ := res.GetInt("hours.allowed")
	allowance, _ := res.GetDecimal("vouchers.allowance")
	last, _ := res.GetDate("trajectory.last_day")
	fmt.Println("eligible:", eligible, "referred by:", referrer)
	fmt.Println("hours:", hours, "allowance:", allowance.StringFixed(2))
	fmt.Println("trajectory until:", last)
	// Output:
	// eligible: true referred by: ocmw
	// hours: 2 allowance: 8.20
	// trajectory until: 2024-12-31
}

// A refusal carries its reasons: a code, the finding in Dutch and English
// and the article it cites.
func ExampleResult_Reasons() {
	rb, _ := wk.Reference()
	eng, _ := decision.New(rb)
	c := &dossier.Case{Person: &dossier.Person{DomicileRegion: dossier.RegionBrussels, Income: dossier.IncomeLeefloon}}
	res, err := eng.Decide(wk.MustParseDate("2024-03-01"), c)
	if err != nil {
		panic(err)
	}
	codes, _ := res.GetCodes("eligibility.reasons")
	fmt.Println(codes)
	for _, r := range res.Reasons() {
		if r.Code == "not_domiciled_in_flanders" {
			fmt.Println(r.Rule)
		}
	}
	// Output:
	// [not_domiciled_in_flanders]
	// eligibility.domicile
}

// DecideContext gives up once its context is done.
func ExampleEngine_DecideContext() {
	rb, _ := wk.Reference()
	eng, _ := decision.New(rb)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := eng.DecideContext(ctx, wk.MustParseDate("2024-03-01"), &dossier.Case{Person: &dossier.Person{}})
	fmt.Println(err)
	// Output:
	// context canceled
}
