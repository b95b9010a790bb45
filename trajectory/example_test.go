package trajectory_test

import (
	"fmt"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/trajectory"
)

// Until when may this person do wijk-werk, and when is the next evaluation
// due?
func ExampleEngine_Decide() {
	rb, _ := wk.Reference()
	eng, _ := trajectory.New(rb)
	c := &dossier.Case{Trajectory: &dossier.Trajectory{
		Start:       wk.MustParseDate("2024-03-01"),
		Evaluations: []wk.Date{wk.MustParseDate("2024-08-20")},
	}}
	d, _ := eng.Decide(wk.MustParseDate("2024-09-01"), c)
	fmt.Println("last day:", d.LastDay, "transitional:", d.Transitional)
	fmt.Println("next evaluation due:", d.NextEvaluationDue, "overdue:", d.EvaluationOverdue)
	// Output:
	// last day: 2025-02-28 transitional: false
	// next evaluation due: 2025-02-19 overdue: false
}

// How many hours may be registered for this assignment?
func ExampleEngine_Hours() {
	rb, _ := wk.Reference()
	eng, _ := trajectory.New(rb)
	c := &dossier.Case{
		Trajectory: &dossier.Trajectory{Start: wk.MustParseDate("2024-03-01"), Hours: map[string]int{"2024-04": 59}},
		Request:    &dossier.Request{Date: wk.MustParseDate("2024-04-28"), Minutes: 70},
	}
	h, _ := eng.Hours(wk.MustParseDate("2024-04-28"), c)
	fmt.Printf("counted %d, allowed %d, free in the month %d, in the year %d\n", h.Counted, h.Allowed, h.MonthRemaining, h.YearRemaining)
	for _, r := range h.Reasons {
		fmt.Println(r.Code+":", r.Message.NL)
	}
	// Output:
	// counted 2, allowed 1, free in the month 1, in the year 571
	// month_limit: De opdracht overschrijdt het maximum aantal uren per maand.
}

// The evaluation deadlines of a trajectory, for a planner.
func ExampleEngine_EvaluationSchedule() {
	rb, _ := wk.Reference()
	eng, _ := trajectory.New(rb)
	c := &dossier.Case{Trajectory: &dossier.Trajectory{Start: wk.MustParseDate("2024-01-15")}}
	plan, _ := eng.EvaluationSchedule(wk.MustParseDate("2024-01-15"), c)
	for _, d := range plan {
		fmt.Println(d.Due, "planned:", d.Planned)
	}
	// Output:
	// 2024-07-14 planned: true
	// 2025-01-13 planned: true
}

// Does the afsprakenblad record what seed 004 requires?
func ExampleEngine_CheckAgreement() {
	rb, _ := wk.Reference()
	eng, _ := trajectory.New(rb)
	c := &dossier.Case{Trajectory: &dossier.Trajectory{
		Start: wk.MustParseDate("2024-03-01"),
		Agreement: &dossier.Agreement{
			CompetencesAcquired: []string{"punctuality"}, CompetencesToAcquire: []string{"teamwork"},
			PreferredActivities: []string{"school_supervision"}, DurationMonths: 6,
			HoursPlan: []int{20, 40, 65}, // progressive
		},
	}}
	a, _ := eng.CheckAgreement(wk.MustParseDate("2024-03-01"), c)
	fmt.Println("valid:", a.Valid, wk.Codes(a.Reasons))
	// Output:
	// valid: false [agreement_missing_next_steps hours_plan_above_month_limit]
}

// The trajectory's state on a date, from its events.
func ExampleEngine_Status() {
	rb, _ := wk.Reference()
	eng, _ := trajectory.New(rb)
	c := &dossier.Case{Trajectory: &dossier.Trajectory{
		Start: wk.MustParseDate("2024-03-01"), End: wk.MustParseDate("2024-09-30"), EndReason: "job",
	}}
	for _, date := range []string{"2024-02-01", "2024-06-01", "2024-10-01"} {
		s, _ := eng.Status(wk.MustParseDate(date), c)
		fmt.Println(strings.TrimSpace(date + " " + s.State + " " + s.EndReason))
	}
	// Output:
	// 2024-02-01 not_started
	// 2024-06-01 active
	// 2024-10-01 ended job
}
