package placement_test

import (
	"encoding/json"
	"slices"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/area"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/internal/benchpair"
	pop "github.com/openwijkwerken/wijkwerken/population"
	"github.com/stretchr/testify/require"
)

// handAssignment is the reference rules of the whole assignment check
// (eligibility, the trajectory's period, the request's hours, the
// activity, the assignment's own) written directly in Go: the baseline
// CheckAssignment is measured against. Like a vendor's own code it reads
// its parameters from the rulebook for each decision's dates.
type handAssignment struct {
	rb        *wk.Rulebook
	catalogue map[string]string
}

func newHandAssignment(rb *wk.Rulebook) handAssignment {
	return handAssignment{rb: rb, catalogue: map[string]string{
		"private": "placement.activities_private", "school": "placement.activities_school",
		"municipality": "placement.activities_municipality", "ocmw": "placement.activities_ocmw",
		"nonprofit": "placement.activities_nonprofit", "agriculture": "placement.activities_agriculture"}}
}

func (h handAssignment) p(id string, d wk.Date) wk.Value { v, _ := h.rb.Param(id, d); return v }

// decide returns whether the assignment is allowed and its reason codes,
// in the order CheckAssignment gives them.
func (h handAssignment) decide(date wk.Date, c *dossier.Case) (bool, []string) {
	var why []string
	p, t, r := c.Person, c.Trajectory, c.Request
	if !slices.Contains(h.p("eligibility.domicile_regions", date).List(), p.DomicileRegion) {
		why = append(why, "not_domiciled_in_flanders")
	}
	if !p.RegisteredJobseeker && !slices.Contains(h.p("eligibility.registration_exempt_incomes", date).List(), p.Income) {
		why = append(why, "not_registered_jobseeker")
	}
	if p.SocialEconomyHighest {
		why = append(why, "social_economy_highest")
	}
	if p.FasterRouteAvailable {
		why = append(why, "faster_route_available")
	}
	if p.InterimDaysLast28 > h.p("eligibility.interim_days_max", date).Int() {
		why = append(why, "interim_limit_exceeded")
	}
	if p.IncapacityRecognised && !p.MedicalAdviserConsent {
		why = append(why, "medical_adviser_consent_missing")
	}
	if r.Date.Before(t.Start) {
		why = append(why, "trajectory_not_started")
	}
	transitional := p.PWAAgreement &&
		!(!t.LastActivity.IsZero() && date.After(t.LastActivity.AddDays(1).PeriodEnd(h.p("trajectory.transitional_lapse_months", date).Int())))
	var lastDay wk.Date
	if !transitional {
		lastDay = t.Start.PeriodEnd(h.p("trajectory.max_months", date).Int())
	}
	unit := h.p("hours.counting_unit_minutes", date).Int()
	counted := (r.Minutes + unit - 1) / unit
	if r.Minutes <= 0 {
		counted = -((-r.Minutes) / unit)
	}
	month, year := r.Date.MonthKey(), r.Date.MonthKey()[:4]
	usedMonth, usedYear := 0, 0
	for k, v := range t.Hours {
		if k == month {
			usedMonth += v
		}
		if k[:4] == year {
			usedYear += v
		}
	}
	monthRem := max(0, h.p("hours.per_month_max", r.Date).Int()-usedMonth)
	yearRem := max(0, h.p("hours.per_year_max", r.Date).Int()-usedYear)
	if (!lastDay.IsZero() && r.Date.After(lastDay)) || (!t.End.IsZero() && r.Date.After(t.End)) {
		why = append(why, "trajectory_ended")
	} else {
		if counted > monthRem {
			why = append(why, "month_limit")
		}
		if counted > yearRem {
			why = append(why, "year_limit")
		}
	}
	if !slices.Contains(h.p("placement.user_regions", date).List(), r.User.Region) {
		why = append(why, "user_outside_flanders")
	}
	var catalogue []string
	if id, ok := h.catalogue[r.User.Type]; ok {
		catalogue = h.p(id, date).List()
	}
	if !slices.Contains(catalogue, r.Activity) {
		why = append(why, "activity_not_allowed_for_user_type")
	}
	if o := c.Organiser; o != nil && len(o.Activities) > 0 && !slices.Contains(o.Activities, r.Activity) {
		why = append(why, "activity_not_offered_by_organiser")
	}
	return len(why) == 0, why
}

// assignmentCases are the synthetic population's cases that have what a
// whole assignment check needs: a person, a trajectory with its start and
// a request with its date, user and activity.
func assignmentCases(t testing.TB, n int) ([]wk.Date, []*dossier.Case) {
	rb, err := wk.Reference()
	require.NoError(t, err)
	g, err := pop.New(rb, wk.MustParseDate("2024-06-30"), 13)
	require.NoError(t, err)
	var dates []wk.Date
	var cases []*dossier.Case
	for len(cases) < n {
		rec := g.Next()
		// Through JSON, as a vendor's cases arrive, validated.
		b, err := json.Marshal(rec.Case)
		require.NoError(t, err)
		c, err := dossier.DecodeJSON(b)
		require.NoError(t, err)
		if c.Person == nil || c.Trajectory == nil || c.Trajectory.Start.IsZero() || c.Request == nil ||
			c.Request.Date.IsZero() || c.Request.Activity == "" || c.Request.User.Type == "" || c.Request.User.Region == "" {
			continue
		}
		dates, cases = append(dates, rec.Date), append(cases, c)
	}
	return dates, cases
}

// TestHandAssignmentAgrees keeps the baseline honest: over 2 000 cases of
// the synthetic population it must allow exactly what CheckAssignment
// allows, with the same reasons in the same order.
func TestHandAssignmentAgrees(t *testing.T) {
	e := engine(t)
	rb, _ := wk.Reference()
	h := newHandAssignment(rb)
	dates, cases := assignmentCases(t, 2000)
	allowed := 0
	for i, c := range cases {
		got, err := e.CheckAssignment(dates[i], c)
		require.NoError(t, err, "case %d", i)
		ok, why := h.decide(dates[i], c)
		require.Equal(t, got.Allowed, ok, "case %d", i)
		require.Equal(t, wk.Codes(got.Reasons), append([]string{}, why...), "case %d", i)
		if ok {
			allowed++
		}
	}
	require.Greater(t, allowed, 100, "the population must have allowed assignments")
	require.Less(t, allowed, 1900, "and refused ones")
}

// BenchmarkAssignment compares, in one run, the whole assignment check
// (CheckAssignment: eligibility, period, hours, activity) through the
// rules engine with the hand-written baseline, on the same cases. The
// baseline does not validate its case: rules decides a validated one, as a
// combined decision does; rules_validating is the public call validating
// it too.
func BenchmarkAssignment(b *testing.B) {
	rb, _ := wk.Reference()
	dates, cases := assignmentCases(b, 1000)
	b.Run("handwritten", func(b *testing.B) {
		h := newHandAssignment(rb)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			k := i % len(cases)
			h.decide(dates[k], cases[k])
		}
	})
	e := engine(b)
	b.Run("rules", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			k := i % len(cases)
			if _, err := e.CheckAssignment(dates[k], cases[k], area.CaseValidated()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rules_validating", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			k := i % len(cases)
			if _, err := e.CheckAssignment(dates[k], cases[k]); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Both alternately, for a ratio from one machine state.
	b.Run("pair", func(b *testing.B) {
		h := newHandAssignment(rb)
		benchpair.Run(b, "handwritten", func(i int) {
			k := i % len(cases)
			h.decide(dates[k], cases[k])
		}, "rules", func(i int) {
			k := i % len(cases)
			if _, err := e.CheckAssignment(dates[k], cases[k], area.CaseValidated()); err != nil {
				b.Fatal(err)
			}
		})
	})
}
