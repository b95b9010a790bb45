package trajectory_test

import (
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/trajectory"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func engine(t testing.TB) *trajectory.Engine {
	t.Helper()
	rb, err := wk.Reference()
	require.NoError(t, err)
	e, err := trajectory.New(rb)
	require.NoError(t, err)
	return e
}

func d(s string) wk.Date { return wk.MustParseDate(s) }

func TestPeriodTable(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct {
		start, date, lastActivity string
		pwa                       bool
		lastDay, due              string
		transitional, overdue     bool
	}{
		{start: "2024-03-01", date: "2024-03-01", lastDay: "2025-02-28", due: "2024-08-31"},
		{start: "2024-01-31", date: "2024-07-31", lastDay: "2025-01-30", due: "2024-07-30", overdue: true},
		{start: "2018-01-01", date: "2024-03-01", pwa: true, transitional: true, due: "2018-06-30", overdue: true},
		{start: "2018-01-01", date: "2020-01-01", pwa: true, lastActivity: "2018-12-31", lastDay: "2018-12-31", due: "2018-06-30", overdue: true},
		{start: "2018-01-01", date: "2019-12-31", pwa: true, lastActivity: "2018-12-31", transitional: true, due: "2018-06-30", overdue: true},
	} {
		c := &dossier.Case{Person: &dossier.Person{PWAAgreement: tc.pwa}, Trajectory: &dossier.Trajectory{Start: d(tc.start)}}
		if tc.lastActivity != "" {
			c.Trajectory.LastActivity = d(tc.lastActivity)
		}
		got, err := e.Decide(d(tc.date), c)
		require.NoError(t, err)
		assert.Equal(t, tc.transitional, got.Transitional, "%+v", tc)
		assert.Equal(t, tc.lastDay, got.LastDay.String(), "%+v", tc)
		assert.Equal(t, tc.due, got.NextEvaluationDue.String(), "%+v", tc)
		assert.Equal(t, tc.overdue, got.EvaluationOverdue, "%+v", tc)
	}
}

func TestHoursTable(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct {
		minutes, used, counted, allowed int
		reasons                         []string
	}{
		{70, 0, 2, 2, nil},
		{120, 58, 2, 2, nil},
		{120, 59, 2, 1, []string{"month_limit"}},
		{1, 60, 1, 0, []string{"month_limit"}},
		{0, 0, 0, 0, nil},
	} {
		c := &dossier.Case{Trajectory: &dossier.Trajectory{Start: d("2024-03-01"), Hours: map[string]int{"2024-04": tc.used}},
			Request: &dossier.Request{Date: d("2024-04-15"), Minutes: tc.minutes}}
		h, err := e.Hours(d("2024-04-15"), c)
		require.NoError(t, err)
		assert.Equal(t, tc.counted, h.Counted, "%+v", tc)
		assert.Equal(t, tc.allowed, h.Allowed, "%+v", tc)
		assert.Equal(t, 60-tc.used, h.MonthRemaining)
		assert.Equal(t, tc.reasons, nilIfEmpty(wk.Codes(h.Reasons)), "%+v", tc)
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestHoursTraceNamesTheLimits(t *testing.T) {
	e := engine(t)
	c := &dossier.Case{Trajectory: &dossier.Trajectory{Start: d("2024-03-01")}, Request: &dossier.Request{Date: d("2024-04-15"), Minutes: 61}}
	h, err := e.Hours(d("2024-04-15"), c, wk.WithTrace())
	require.NoError(t, err)
	var read []string
	for _, s := range h.Trace.Steps {
		for _, p := range s.Params {
			read = append(read, p.ID+"="+p.Value.String())
		}
	}
	assert.Contains(t, read, "hours.per_month_max=60")
	assert.Contains(t, read, "hours.per_year_max=630")
	assert.Contains(t, read, "hours.counting_unit_minutes=60")
	assert.Contains(t, read, "trajectory.max_months=12")
}

func TestEvaluationSchedule(t *testing.T) {
	e := engine(t)
	c := &dossier.Case{Trajectory: &dossier.Trajectory{Start: d("2024-03-01"), Evaluations: []wk.Date{d("2024-08-20")}}}
	got, err := e.EvaluationSchedule(d("2024-09-01"), c)
	require.NoError(t, err)
	assert.Equal(t, []trajectory.Deadline{
		{Due: d("2024-08-31"), HeldOn: d("2024-08-20")},
		{Due: d("2025-02-19"), Planned: true},
	}, got, "the next deadline after 2025-02-19 falls after the last day 2025-02-28")

	// A missed deadline stops the plan: the next period starts with the next evaluation.
	got, err = e.EvaluationSchedule(d("2024-09-10"), &dossier.Case{Trajectory: &dossier.Trajectory{Start: d("2024-03-01")}})
	require.NoError(t, err)
	assert.Equal(t, []trajectory.Deadline{{Due: d("2024-08-31")}}, got)

	// A late evaluation is marked.
	got, err = e.EvaluationSchedule(d("2024-09-10"), &dossier.Case{Trajectory: &dossier.Trajectory{Start: d("2024-03-01"), Evaluations: []wk.Date{d("2024-09-05")}}})
	require.NoError(t, err)
	// The next deadline (2025-03-04) falls after the last day (2025-02-28).
	assert.Equal(t, []trajectory.Deadline{{Due: d("2024-08-31"), HeldOn: d("2024-09-05"), Late: true}}, got)

	// Under the transitional measure the plan reaches the first deadline after the date.
	got, err = e.EvaluationSchedule(d("2024-03-01"), &dossier.Case{Person: &dossier.Person{PWAAgreement: true},
		Trajectory: &dossier.Trajectory{Start: d("2018-01-01"), Evaluations: []wk.Date{d("2023-12-01")}}})
	require.NoError(t, err)
	last := got[len(got)-1]
	assert.Equal(t, trajectory.Deadline{Due: d("2024-05-31"), Planned: true}, last)
}

func TestCheckRefusesImpossibleHours(t *testing.T) {
	e := engine(t)
	c := &dossier.Case{Trajectory: &dossier.Trajectory{Start: d("2024-01-01"), Hours: map[string]int{}}}
	for m := 1; m <= 11; m++ {
		c.Trajectory.Hours[wk.MustDate(2024, 1, 1).AddMonths(m-1).MonthKey()] = 60
	}
	_, err := e.Decide(d("2024-12-01"), c)
	var ce *dossier.CaseError
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, err.Error(), "660 hours registered in 2024 is more than the regulation ever allowed in a year (630")
}

func TestReformMonthlyCap(t *testing.T) {
	rb, err := wk.Reference()
	require.NoError(t, err)
	rf, err := wk.ParseReform("r.yaml", []byte("reform: cap 80\ncite: test\nset: [{param: hours.per_month_max, from: 2025-01-01, value: 80}]\n"))
	require.NoError(t, err)
	nrb, err := rb.Reform(rf)
	require.NoError(t, err)
	e, err := trajectory.New(nrb)
	require.NoError(t, err)
	c := &dossier.Case{Trajectory: &dossier.Trajectory{Start: d("2024-06-01"), Hours: map[string]int{"2024-12": 60, "2025-01": 60}}}
	c.Request = &dossier.Request{Date: d("2024-12-31"), Minutes: 60}
	h, err := e.Hours(d("2024-12-31"), c)
	require.NoError(t, err)
	assert.Equal(t, 0, h.Allowed, "2024: still 60")
	c.Request = &dossier.Request{Date: d("2025-01-31"), Minutes: 60}
	h, err = e.Hours(d("2025-01-31"), c)
	require.NoError(t, err)
	assert.Equal(t, 1, h.Allowed, "2025: 80")
	assert.Equal(t, 20, h.MonthRemaining)
	// Registered hours up to the highest monthly limit ever are accepted.
	c.Trajectory.Hours["2025-02"] = 80
	_, err = e.Decide(d("2025-03-01"), c)
	assert.NoError(t, err)
}
