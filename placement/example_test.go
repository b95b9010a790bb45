package placement_test

import (
	"context"
	"fmt"
	"os"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/placement"
	"github.com/shopspring/decimal"
)

// May this user have this activity done here?
func ExampleEngine_Decide() {
	rb, _ := wk.Reference()
	eng, _ := placement.New(rb)
	c := &dossier.Case{
		Request: &dossier.Request{Date: wk.MustParseDate("2024-03-20"), Minutes: 60,
			User: dossier.User{Type: "private", Region: "flanders", Municipality: "Gent"}, Activity: "pet_sitting"},
		Organiser: &dossier.Organiser{Activities: []string{"light_garden_maintenance", "household_help"}},
	}
	d, _ := eng.Decide(wk.MustParseDate("2024-03-20"), c)
	fmt.Println("allowed:", d.Allowed)
	for _, r := range d.Reasons {
		fmt.Println(r.Code+":", r.Message.NL)
	}
	// Output:
	// allowed: false
	// activity_not_offered_by_organiser: De wijk-werkorganisator biedt deze activiteit niet aan in dit gebied.
}

// May this worker do this assignment now? Every reason, from every check.
func ExampleEngine_CheckAssignment() {
	rb, _ := wk.Reference()
	eng, _ := placement.New(rb)
	c := &dossier.Case{
		Person:     &dossier.Person{DomicileRegion: "flanders", RegisteredJobseeker: true, Income: "unemployment_benefit", InterimDaysLast28: 11},
		Trajectory: &dossier.Trajectory{Start: wk.MustParseDate("2024-01-08"), Hours: map[string]int{"2024-03": 59}},
		Request: &dossier.Request{Date: wk.MustParseDate("2024-03-20"), Minutes: 120,
			User: dossier.User{Type: "school", Region: "flanders"}, Activity: "school_supervision"},
	}
	a, _ := eng.CheckAssignment(wk.MustParseDate("2024-03-20"), c)
	fmt.Println("allowed:", a.Allowed, wk.Codes(a.Reasons))
	// Output:
	// allowed: false [interim_limit_exceeded month_limit]
}

// Which candidate fits an assignment best, and why?
func ExampleEngine_Match() {
	rb, _ := wk.Reference()
	eng, _ := placement.New(rb)
	worker := func(hours int) *dossier.Case {
		return &dossier.Case{
			Person:     &dossier.Person{DomicileRegion: "flanders", RegisteredJobseeker: true, Income: "unemployment_benefit"},
			Trajectory: &dossier.Trajectory{Start: wk.MustParseDate("2024-01-08"), Hours: map[string]int{"2024-03": hours}},
		}
	}
	km := decimal.NewFromInt(4)
	cands := []placement.Candidate{
		{ID: "ann", Case: worker(10), Municipality: "Gent"},
		{ID: "bert", Case: worker(0), PreferredActivities: []string{"light_garden_maintenance"}, DistanceKm: &km},
		{ID: "cas", Case: worker(60), Municipality: "Gent"},
	}
	a := placement.Assignment{Date: wk.MustParseDate("2024-03-20"), Activity: "light_garden_maintenance", HoursPerMonth: 6,
		User: dossier.User{Type: "private", Region: "flanders", Municipality: "Gent"}}
	r, _ := eng.Match(context.Background(), a, cands)
	for _, x := range r.Ranked {
		fmt.Println(x.Rank, x.ID, x.Explanation)
	}
	// Output:
	// 1 bert [prefers light_garden_maintenance 4 km away 6 of 6 hours free this month]
	// 2 ann [lives in Gent 6 of 6 hours free this month]
	// 0 cas [excluded: month_limit]
}

// Does this person fall under gemeenschapsdienst, is the plan valid, and
// what does it pay?
func ExampleEngine_CommunityService() {
	rb, _ := wk.Reference()
	eng, _ := placement.New(rb)
	c := &dossier.Case{
		Person: &dossier.Person{Income: "unemployment_benefit", JobseekingSince: wk.MustParseDate("2021-01-01")},
		CommunityService: &dossier.CommunityService{Start: wk.MustParseDate("2023-09-01"), End: wk.MustParseDate("2024-02-29"),
			HoursPerMonth: 48, HostType: "municipality", MentorCertified: true, FicheSignedBy: "mentor"},
	}
	cs, _ := eng.CommunityService(wk.MustParseDate("2023-09-01"), c)
	fmt.Println("eligible:", *cs.Eligible, "plan valid:", *cs.PlanValid, "allowance a month:", cs.Allowance.StringFixed(2))
	fmt.Println(wk.Codes(cs.Reasons))
	// Output:
	// eligible: true plan valid: false allowance a month: 62.40
	// [fiche_not_validly_signed]
}

// What must Opwijk still file for the ESF start-up call?
func ExampleEngine_Proof() {
	rb, _ := wk.Reference()
	eng, _ := placement.New(rb)
	data, _ := os.ReadFile("../testdata/workplaces/opwijk.yaml")
	reg, err := placement.ParseRegister("opwijk.yaml", data)
	if err != nil {
		panic(err)
	}
	rep, _ := eng.Proof(wk.MustParseDate("2023-07-15"), reg)
	fmt.Println(rep.Places, "places in", len(rep.Unique), "unique workplaces,", len(rep.Mentors), "mentors")
	for _, m := range rep.Missing[:2] {
		fmt.Println("missing:", m)
	}
	fmt.Println("...", len(rep.Missing), "in all")
	// Output:
	// 6 places in 5 unique workplaces, 3 mentors
	// missing: fiche for winkelmedewerker at 't Kapstokske: none
	// missing: fiche for medewerker groendienst at Groendienst: none
	// ... 8 in all
}
