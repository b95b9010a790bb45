package trajectory_test

import (
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/area"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/internal/benchpair"
	"github.com/openwijkwerken/wijkwerken/trajectory"
)

// handHours is the reference period and hours rules written directly in Go:
// the baseline the rules engine is measured against.
type handHours struct {
	maxMonths, lapseMonths, unit, monthMax, yearMax int
}

func newHandHours(rb *wk.Rulebook, date wk.Date) handHours {
	get := func(id string) int { v, _ := rb.Param(id, date); return v.Int() }
	return handHours{get("trajectory.max_months"), get("trajectory.transitional_lapse_months"),
		get("hours.counting_unit_minutes"), get("hours.per_month_max"), get("hours.per_year_max")}
}

func (h handHours) decide(date wk.Date, c *dossier.Case) (counted, allowed, monthRem, yearRem int, reasons []string) {
	t, r := c.Trajectory, c.Request
	transitional := c.Person != nil && c.Person.PWAAgreement &&
		!(!t.LastActivity.IsZero() && date.After(t.LastActivity.AddDays(1).PeriodEnd(h.lapseMonths)))
	var lastDay wk.Date
	if !transitional {
		lastDay = t.Start.PeriodEnd(h.maxMonths)
	}
	counted = (r.Minutes + h.unit - 1) / h.unit
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
	monthRem, yearRem = max(0, h.monthMax-usedMonth), max(0, h.yearMax-usedYear)
	ended := (!lastDay.IsZero() && r.Date.After(lastDay)) || (!t.End.IsZero() && r.Date.After(t.End))
	switch {
	case ended:
		return counted, 0, monthRem, yearRem, []string{"trajectory_ended"}
	case counted > monthRem:
		reasons = append(reasons, "month_limit")
	}
	if !ended && counted > yearRem {
		reasons = append(reasons, "year_limit")
	}
	return counted, min(counted, monthRem, yearRem), monthRem, yearRem, reasons
}

var benchDate = wk.MustParseDate("2024-04-28")

var benchCases = []*dossier.Case{
	{Trajectory: &dossier.Trajectory{Start: wk.MustParseDate("2024-03-01"), Hours: map[string]int{"2024-03": 40, "2024-04": 59}},
		Request: &dossier.Request{Date: benchDate, Minutes: 70}},
	{Trajectory: &dossier.Trajectory{Start: wk.MustParseDate("2023-03-01")}, Request: &dossier.Request{Date: benchDate, Minutes: 30}},
	{Person: &dossier.Person{PWAAgreement: true}, Trajectory: &dossier.Trajectory{Start: wk.MustParseDate("2018-01-01"),
		Hours: map[string]int{"2024-01": 60, "2024-02": 60, "2024-03": 60}}, Request: &dossier.Request{Date: benchDate, Minutes: 240}},
}

func TestHandWrittenAgrees(t *testing.T) {
	rb, _ := wk.Reference()
	e := engine(t)
	h := newHandHours(rb, benchDate)
	for i, c := range benchCases {
		got, err := e.Hours(benchDate, c)
		if err != nil {
			t.Fatal(err)
		}
		counted, allowed, mr, yr, reasons := h.decide(benchDate, c)
		if counted != got.Counted || allowed != got.Allowed || mr != got.MonthRemaining || yr != got.YearRemaining ||
			len(reasons) != len(got.Reasons) {
			t.Errorf("case %d: hand-written %d %d %d %d %v, rules %+v", i, counted, allowed, mr, yr, reasons, got)
		}
	}
}

// BenchmarkHours compares, in one run, the hours decision (which includes
// the trajectory's period) through the rules engine with the hand-written
// baseline.
func BenchmarkHours(b *testing.B) {
	rb, _ := wk.Reference()
	b.Run("handwritten", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			h := newHandHours(rb, benchDate) // parameters resolved per decision too
			h.decide(benchDate, benchCases[i%len(benchCases)])
		}
	})
	// The hand-written baseline does not validate its case: the rules
	// decide a validated one, as in a combined decision, which validates
	// once for all its areas (area.CaseValidated); rules_validating is the
	// public call that validates it too.
	b.Run("rules", func(b *testing.B) {
		e, _ := trajectory.New(rb)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := e.Hours(benchDate, benchCases[i%len(benchCases)], area.CaseValidated()); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Both alternately, for a ratio from one machine state.
	b.Run("pair", func(b *testing.B) {
		e, _ := trajectory.New(rb)
		benchpair.Run(b, "handwritten", func(i int) {
			newHandHours(rb, benchDate).decide(benchDate, benchCases[i%len(benchCases)])
		}, "rules", func(i int) {
			if _, err := e.Hours(benchDate, benchCases[i%len(benchCases)], area.CaseValidated()); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("rules_validating", func(b *testing.B) {
		e, _ := trajectory.New(rb)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := e.Hours(benchDate, benchCases[i%len(benchCases)]); err != nil {
				b.Fatal(err)
			}
		}
	})
}
