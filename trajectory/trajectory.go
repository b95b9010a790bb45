// Package trajectory decides the wijk-werk trajectory (docs/regulation.md §4-5,
// seed 004, docs/modelling-decisions.md, modelling decision 1-4): until when a person may do
// wijk-werk (trajectory.max_months, or no limit under the PWA transitional
// measure until it lapses), when the next evaluation is due, how many hours may be
// registered for an assignment, whether the agreement (afsprakenblad or
// GPMI) records what it must, and the trajectory's status on any date.
//
// New compiles the rulebook's trajectory, hours and agreement rules once;
// every method is cheap and safe for concurrent use.
package trajectory

import (
	"fmt"
	"reflect"
	"sort"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
)

// The rulebook areas this package decides.
const (
	Area          = "trajectory"
	AreaHours     = "hours"
	AreaAgreement = "agreement"
)

type env struct {
	wk.Env
	Person     dossier.Person     `expr:"person"`
	Trajectory dossier.Trajectory `expr:"trajectory"`
	Out        struct {
		Transitional      bool    `expr:"transitional"`
		LastDay           wk.Date `expr:"last_day"`
		NextEvaluationDue wk.Date `expr:"next_evaluation_due"`
		EvaluationOverdue bool    `expr:"evaluation_overdue"`
	} `expr:"out"`
}

type hoursEnv struct {
	wk.Env
	Request    dossier.Request    `expr:"request"`
	Trajectory dossier.Trajectory `expr:"trajectory"`
	LastDay    wk.Date            `expr:"last_day"`
	Out        struct {
		Counted         int  `expr:"counted"`
		MonthRemaining  int  `expr:"month_remaining"`
		YearRemaining   int  `expr:"year_remaining"`
		TrajectoryEnded bool `expr:"trajectory_ended"`
		Allowed         int  `expr:"allowed"`
	} `expr:"out"`
}

type agreementEnv struct {
	wk.Env
	Agreement    dossier.Agreement `expr:"agreement"`
	Transitional bool              `expr:"transitional"`
	PlanYearMax  int               `expr:"plan_year_max"`
}

var (
	intType  = reflect.TypeOf(0)
	boolType = reflect.TypeOf(false)
	dateType = reflect.TypeOf(wk.Date{})
)

var spec = wk.AreaSpec{Area: Area, Env: &env{}, Outputs: []wk.Output{
	{Name: "transitional", Type: boolType, Set: func(e, v any) { e.(*env).Out.Transitional = v.(bool) }},
	{Name: "last_day", Type: dateType, Set: func(e, v any) { e.(*env).Out.LastDay = v.(wk.Date) }},
	{Name: "next_evaluation_due", Type: dateType, Set: func(e, v any) { e.(*env).Out.NextEvaluationDue = v.(wk.Date) }},
	{Name: "evaluation_overdue", Type: boolType, Set: func(e, v any) { e.(*env).Out.EvaluationOverdue = v.(bool) }},
}}

var hoursSpec = wk.AreaSpec{Area: AreaHours, Env: &hoursEnv{}, Outputs: []wk.Output{
	{Name: "counted", Type: intType, Set: func(e, v any) { e.(*hoursEnv).Out.Counted = v.(int) }},
	{Name: "month_remaining", Type: intType, Set: func(e, v any) { e.(*hoursEnv).Out.MonthRemaining = v.(int) }},
	{Name: "year_remaining", Type: intType, Set: func(e, v any) { e.(*hoursEnv).Out.YearRemaining = v.(int) }},
	{Name: "trajectory_ended", Type: boolType, Set: func(e, v any) { e.(*hoursEnv).Out.TrajectoryEnded = v.(bool) }},
	{Name: "allowed", Type: intType, Set: func(e, v any) { e.(*hoursEnv).Out.Allowed = v.(int) }},
}}

var agreementSpec = wk.AreaSpec{Area: AreaAgreement, Env: &agreementEnv{}}

// Engine decides trajectories against one rulebook. It is immutable and
// safe for concurrent use.
type Engine struct {
	rb                        *wk.Rulebook
	period, hours, agreement  *wk.RuleSet
	monthMaxEver, yearMaxEver int
}

// New compiles the rulebook's trajectory, hours and agreement rules. Every
// problem is reported at once, with the rule id and file:line.
func New(rb *wk.Rulebook) (*Engine, error) {
	e := &Engine{rb: rb}
	var errs []error
	for _, c := range []struct {
		rs   **wk.RuleSet
		spec wk.AreaSpec
	}{{&e.period, spec}, {&e.hours, hoursSpec}, {&e.agreement, agreementSpec}} {
		rs, err := wk.Compile(rb, c.spec)
		if err != nil {
			errs = append(errs, err)
		}
		*c.rs = rs
	}
	if err := wk.JoinLoadErrors(errs...); err != nil {
		return nil, err
	}
	e.monthMaxEver = maxEver(rb, "hours.per_month_max")
	e.yearMaxEver = maxEver(rb, "hours.per_year_max")
	return e, nil
}

// Rulebook returns the rulebook the engine decides with.
func (e *Engine) Rulebook() *wk.Rulebook { return e.rb }

// maxEver is the largest value an integer parameter ever takes (0 when the
// rulebook lacks it: then no bound is checked).
func maxEver(rb *wk.Rulebook, id string) int {
	p, ok := rb.Parameter(id)
	if !ok {
		return 0
	}
	m := 0
	for _, v := range p.Values {
		m = max(m, v.Value.Int())
	}
	return m
}

// Decision is the trajectory on a date: its last allowed day and the next
// evaluation.
type Decision struct {
	Date wk.Date `json:"date"`
	// Transitional: the PWA transitional measure applies (and has not
	// lapsed) on the date.
	Transitional bool `json:"transitional"`
	// LastDay is the last day wijk-werk is allowed; zero (JSON null) when the
	// transitional measure lifts the limit.
	LastDay           wk.Date   `json:"last_day"`
	NextEvaluationDue wk.Date   `json:"next_evaluation_due"`
	EvaluationOverdue bool      `json:"evaluation_overdue"`
	Trace             *wk.Trace `json:"trace,omitempty"`
}

// Decide decides the trajectory of the case on date. The case needs
// trajectory.start; person.pwa_agreement_on_2017_09_30 is read when the
// case has a person.
func (e *Engine) Decide(date wk.Date, c *dossier.Case, opts ...wk.Option) (*Decision, error) {
	o := wk.Apply(opts)
	if err := e.check(c, o.Validated); err != nil {
		return nil, err
	}
	en, err := e.period1(date, c, o.Trace)
	if err != nil {
		return nil, err
	}
	return &Decision{Date: date, Transitional: en.Out.Transitional, LastDay: en.Out.LastDay,
		NextEvaluationDue: en.Out.NextEvaluationDue, EvaluationOverdue: en.Out.EvaluationOverdue, Trace: en.trace}, nil
}

type periodResult struct {
	*env
	trace *wk.Trace
}

func (e *Engine) period1(date wk.Date, c *dossier.Case, trace bool) (periodResult, error) {
	en := &env{Trajectory: *c.Trajectory}
	if c.Person != nil {
		en.Person = *c.Person
	}
	var tr *wk.Trace
	if trace {
		tr = &wk.Trace{}
	}
	if _, err := e.period.Eval(en, date, tr); err != nil {
		return periodResult{}, err
	}
	return periodResult{en, tr}, nil
}

// Check reports what the case lacks for a trajectory decision or what is
// invalid in it (a *dossier.CaseError): a missing start, registered hours
// above what the regulation ever allowed in a month or a year, and every
// problem Validate finds.
func (e *Engine) Check(c *dossier.Case) error { return e.check(c, false) }

func (e *Engine) check(c *dossier.Case, validated bool) error {
	if c == nil || c.Trajectory == nil {
		return dossier.Require(Area, dossier.Field{Path: "case.trajectory"})
	}
	if err := dossier.Require(Area, dossier.Field{Path: "case.trajectory.start", Present: !c.Trajectory.Start.IsZero()}); err != nil {
		return err
	}
	return e.checkHours(c, validated)
}

// checkHours validates the case and its registered hours against the most
// the regulation ever allowed.
func (e *Engine) checkHours(c *dossier.Case, validated bool) error {
	if !validated {
		if err := c.Validate(); err != nil {
			return err
		}
	}
	if c.Trajectory == nil {
		return nil
	}
	// Every month within the monthly limit and all the months together
	// within the yearly one: nothing to report (and nothing allocated).
	total, monthOK := 0, true
	for _, h := range c.Trajectory.Hours {
		total += h
		monthOK = monthOK && (e.monthMaxEver <= 0 || h <= e.monthMaxEver)
	}
	if monthOK && (e.yearMaxEver <= 0 || total <= e.yearMaxEver) {
		return nil
	}
	var bad []dossier.FieldError
	years := map[string]int{}
	months := make([]string, 0, len(c.Trajectory.Hours))
	for m := range c.Trajectory.Hours {
		months = append(months, m)
	}
	sort.Strings(months)
	for _, m := range months {
		h := c.Trajectory.Hours[m]
		if e.monthMaxEver > 0 && h > e.monthMaxEver {
			bad = append(bad, dossier.FieldError{Field: "case.trajectory.hours." + m,
				Msg: fmt.Sprintf("%d hours is more than the regulation ever allowed in a month (%d, parameter hours.per_month_max)", h, e.monthMaxEver)})
		}
		years[m[:4]] += h
	}
	for _, m := range months {
		y := m[:4]
		if e.yearMaxEver > 0 && years[y] > e.yearMaxEver {
			bad = append(bad, dossier.FieldError{Field: "case.trajectory.hours",
				Msg: fmt.Sprintf("%d hours registered in %s is more than the regulation ever allowed in a year (%d, parameter hours.per_year_max)", years[y], y, e.yearMaxEver)})
			years[y] = 0 // report a year once
		}
	}
	if len(bad) > 0 {
		return &dossier.CaseError{Fields: bad}
	}
	return nil
}

// Hours is what a request may register (docs/modelling-decisions.md MD 1-2).
type Hours struct {
	Date wk.Date `json:"date"`
	// Counted is the started hours the request counts.
	Counted int `json:"counted"`
	// Allowed is the hours that may be registered: as many as fit under the
	// month's and the year's limits, none after the trajectory's last day.
	Allowed int `json:"allowed"`
	// MonthRemaining and YearRemaining are the hours still free before the
	// request, in the month and the calendar year of request.date.
	MonthRemaining int         `json:"month_remaining"`
	YearRemaining  int         `json:"year_remaining"`
	Reasons        []wk.Reason `json:"reasons"`
	Trace          *wk.Trace   `json:"trace,omitempty"`
}

// Hours decides the hours of the case's request on date. The case needs a
// request with a date; the trajectory, when given, supplies the hours
// already registered and, when it has a start, the last allowed day.
func (e *Engine) Hours(date wk.Date, c *dossier.Case, opts ...wk.Option) (*Hours, error) {
	if c == nil || c.Request == nil {
		return nil, dossier.Require(AreaHours, dossier.Field{Path: "case.request"})
	}
	if err := dossier.Require(AreaHours, dossier.Field{Path: "case.request.date", Present: !c.Request.Date.IsZero()}); err != nil {
		return nil, err
	}
	o := wk.Apply(opts)
	var tr *wk.Trace
	if o.Trace {
		tr = &wk.Trace{}
	}
	en := &hoursEnv{Request: *c.Request}
	if err := e.checkHours(c, o.Validated); err != nil {
		return nil, err
	}
	if c.Trajectory != nil {
		en.Trajectory = *c.Trajectory
	}
	if c.Trajectory != nil && !c.Trajectory.Start.IsZero() {
		p, err := e.period1(date, c, o.Trace)
		if err != nil {
			return nil, err
		}
		if p.trace != nil {
			tr.Steps = append(tr.Steps, p.trace.Steps...)
		}
		en.LastDay = p.Out.LastDay
	}
	reasons, err := e.hours.Eval(en, date, tr)
	if err != nil {
		return nil, err
	}
	if reasons == nil {
		reasons = []wk.Reason{}
	}
	return &Hours{Date: date, Counted: en.Out.Counted, Allowed: en.Out.Allowed,
		MonthRemaining: en.Out.MonthRemaining, YearRemaining: en.Out.YearRemaining, Reasons: reasons, Trace: tr}, nil
}

// AgreementCheck says whether the agreement records what it must (seed
// 004) and keeps within the legal limits.
type AgreementCheck struct {
	Date    wk.Date     `json:"date"`
	Valid   bool        `json:"valid"`
	Reasons []wk.Reason `json:"reasons"`
	Trace   *wk.Trace   `json:"trace,omitempty"`
}

// CheckAgreement checks the case's trajectory.agreement on date: every
// element seed 004 requires (competences acquired and to acquire,
// preferred activities, next steps, duration, hours), a duration within the
// trajectory's limit (unless the transitional measure applies), and an
// hours plan that exceeds no monthly or yearly limit.
func (e *Engine) CheckAgreement(date wk.Date, c *dossier.Case, opts ...wk.Option) (*AgreementCheck, error) {
	o := wk.Apply(opts)
	if err := e.check(c, o.Validated); err != nil {
		return nil, err
	}
	if c.Trajectory.Agreement == nil {
		return nil, dossier.Require(AreaAgreement, dossier.Field{Path: "case.trajectory.agreement"})
	}
	p, err := e.period1(date, c, o.Trace)
	if err != nil {
		return nil, err
	}
	a := c.Trajectory.Agreement
	en := &agreementEnv{Agreement: *a, Transitional: p.Out.Transitional, PlanYearMax: planYearMax(c.Trajectory.Start, a)}
	tr := p.trace
	reasons, err := e.agreement.Eval(en, date, tr)
	if err != nil {
		return nil, err
	}
	if reasons == nil {
		reasons = []wk.Reason{}
	}
	return &AgreementCheck{Date: date, Valid: len(reasons) == 0, Reasons: reasons, Trace: tr}, nil
}

// planYearMax is the most hours the plan puts in one calendar year: month i
// of the plan is month i of the trajectory, counted from its start; a
// single value is a fixed plan for the whole duration, and the last value
// of a shorter progressive plan holds for the remaining months.
func planYearMax(start wk.Date, a *dossier.Agreement) int {
	if len(a.HoursPlan) == 0 {
		return 0
	}
	months := max(a.DurationMonths, len(a.HoursPlan))
	perYear := map[int]int{}
	best := 0
	for i := 0; i < months; i++ {
		h := a.HoursPlan[min(i, len(a.HoursPlan)-1)]
		y := start.AddMonths(i).Year()
		perYear[y] += h
		best = max(best, perYear[y])
	}
	return best
}
