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
	"github.com/openwijkwerken/wijkwerken/area"
	"github.com/openwijkwerken/wijkwerken/dossier"
)

// The rulebook areas this package decides.
const (
	Area          = "trajectory"
	AreaHours     = "hours"
	AreaAgreement = "agreement"
	// AreaStatus names the trajectory's status in a combined decision (it
	// is derived from the period, by no rules of its own).
	AreaStatus = "status"
)

// The environments point into the case (rules only read it); an absent
// part is a zero one.
type env struct {
	area.Env
	Person     *dossier.Person     `expr:"person"`
	Trajectory *dossier.Trajectory `expr:"trajectory"`
	Out        *Decision           `expr:"out"`
}

type hoursEnv struct {
	area.Env
	Request    *dossier.Request    `expr:"request"`
	Trajectory *dossier.Trajectory `expr:"trajectory"`
	LastDay    wk.Date             `expr:"last_day"`
	Out        *Hours              `expr:"out"`
}

type agreementEnv struct {
	area.Env
	Agreement    *dossier.Agreement `expr:"agreement"`
	Transitional bool               `expr:"transitional"`
	PlanYearMax  int                `expr:"plan_year_max"`
}

var (
	noPerson     = &dossier.Person{}
	noTrajectory = &dossier.Trajectory{}
)

// The frames hold one decision's environment and its result, allocated
// together.
type (
	periodFrame struct {
		env env
		d   Decision
	}
	hoursFrame struct {
		env hoursEnv
		h   Hours
	}
	agreementFrame struct {
		env agreementEnv
		a   AgreementCheck
	}
)

// Areas declares the areas this package decides in a combined decision:
// the period (with its status), the afsprakenblad and the hours of a
// request.
var Areas = area.Package{
	RuleAreas: []string{Area, AreaHours, AreaAgreement},
	Areas: []area.Definition{
		{Name: Area, Section: Area, Result: reflect.TypeFor[*Decision](), Params: hoursBounds,
			Applies: func(s *area.State) bool { return s.Case.Trajectory != nil }},
		{Name: AreaStatus, Section: Area, After: []string{Area}, Result: reflect.TypeFor[*Status](),
			Applies: func(s *area.State) bool { return s.Case.Trajectory != nil }},
		{Name: AreaAgreement, Section: AreaAgreement, After: []string{Area}, Result: reflect.TypeFor[*AgreementCheck](), Params: hoursBounds,
			Applies: func(s *area.State) bool { return s.Case.Trajectory != nil && s.Case.Trajectory.Agreement != nil }},
		{Name: AreaHours, Section: AreaHours, After: []string{Area}, Result: reflect.TypeFor[*Hours](), Params: hoursBounds,
			Applies: func(s *area.State) bool { return s.Case.Request != nil }},
	},
	Compile: func(c *area.Compiler) (area.Compiled, error) {
		e, err := Compiled(c)
		if err != nil {
			return area.Compiled{}, err
		}
		return area.Compiled{Decide: map[string]area.DecideFunc{
			Area:          func(s *area.State) (any, error) { return e.period(s) },
			AreaStatus:    func(s *area.State) (any, error) { return e.status(s) },
			AreaAgreement: func(s *area.State) (any, error) { return e.agreement(s) },
			AreaHours:     func(s *area.State) (any, error) { return e.hours(s) },
		}, RuleSets: []*area.RuleSet{e.periodRules, e.hoursRules, e.agreementRules}}, nil
	},
}

// hoursBounds are the parameters whose largest values bound the hours a
// case may have registered (checkHours): the areas that check them read
// them, besides their rules.
var hoursBounds = []string{"hours.per_month_max", "hours.per_year_max"}

// Engine decides trajectories against one rulebook. It is immutable and
// safe for concurrent use.
type Engine struct {
	rb                        *wk.Rulebook
	periodRules, hoursRules   *area.RuleSet
	agreementRules            *area.RuleSet
	monthMaxEver, yearMaxEver int
}

// New compiles the rulebook's trajectory, hours and agreement rules. Every
// problem is reported at once, with the rule id and file:line.
func New(rb *wk.Rulebook) (*Engine, error) {
	e := &Engine{rb: rb}
	var errs []error
	for _, c := range []struct {
		rs   **area.RuleSet
		spec area.Spec
	}{
		{&e.periodRules, area.Spec{Area: Area, Env: &env{}}},
		{&e.hoursRules, area.Spec{Area: AreaHours, Env: &hoursEnv{}}},
		{&e.agreementRules, area.Spec{Area: AreaAgreement, Env: &agreementEnv{}}},
	} {
		rs, err := area.Compile(rb, c.spec)
		if err != nil {
			errs = append(errs, err)
		}
		*c.rs = rs
	}
	if err := area.JoinErrors(errs...); err != nil {
		return nil, err
	}
	e.monthMaxEver = maxEver(rb, hoursBounds[0])
	e.yearMaxEver = maxEver(rb, hoursBounds[1])
	return e, nil
}

// Compiled returns the engine of c's rulebook, compiled once per Compiler.
func Compiled(c *area.Compiler) (*Engine, error) { return area.Memo(c, Area, New) }

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
	Transitional bool `json:"transitional" expr:"transitional" path:"trajectory.transitional" doc:"the PWA transitional measure applies"`
	// LastDay is the last day wijk-werk is allowed; zero (JSON null) when the
	// transitional measure lifts the limit.
	LastDay           wk.Date   `json:"last_day" expr:"last_day" path:"trajectory.last_day,null" doc:"last allowed day (null under the transitional measure)"`
	NextEvaluationDue wk.Date   `json:"next_evaluation_due" expr:"next_evaluation_due" path:"trajectory.next_evaluation_due" doc:"evaluation deadline on the decision date"`
	EvaluationOverdue bool      `json:"evaluation_overdue" expr:"evaluation_overdue" path:"trajectory.evaluation_overdue" doc:"the deadline has passed"`
	Trace             *wk.Trace `json:"trace,omitempty"`
}

// Decide decides the trajectory of the case on date. The case needs
// trajectory.start; person.pwa_agreement_on_2017_09_30 is read when the
// case has a person.
func (e *Engine) Decide(date wk.Date, c *dossier.Case, opts ...wk.Option) (*Decision, error) {
	s := area.AcquireState(date, c, opts...)
	defer s.Release()
	return e.period(s)
}

// period decides the state's trajectory once and puts it in the state; a
// second call returns what the first decided.
func (e *Engine) period(s *area.State) (*Decision, error) {
	if r, err, ok := s.Lookup(Area); ok {
		d, _ := r.(*Decision)
		return d, err
	}
	d, err := e.decidePeriod(s)
	s.Put(Area, d, err)
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (e *Engine) decidePeriod(s *area.State) (*Decision, error) {
	c := s.Case
	if err := e.checkIn(s); err != nil {
		return nil, err
	}
	f := &periodFrame{}
	d, en := &f.d, &f.env
	d.Date = s.Date
	en.Person, en.Trajectory, en.Out = noPerson, c.Trajectory, d
	if c.Person != nil {
		en.Person = c.Person
	}
	n := s.TraceLen()
	if _, err := e.periodRules.EvalIn(s, en); err != nil {
		return nil, err
	}
	d.Trace = s.Since(n)
	return d, nil
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

// hoursChecked names, in a State, the check of the case's registered
// hours (checkHoursIn), so that the areas that rest on it check once.
const hoursChecked = "trajectory: hours checked"

// checkIn is check for a decision in the making.
func (e *Engine) checkIn(s *area.State) error {
	c := s.Case
	if c.Trajectory == nil {
		return dossier.Require(Area, dossier.Field{Path: "case.trajectory"})
	}
	if err := dossier.Require(Area, dossier.Field{Path: "case.trajectory.start", Present: !c.Trajectory.Start.IsZero()}); err != nil {
		return err
	}
	return e.checkHoursIn(s)
}

// checkHoursIn is checkHours for a decision in the making, once: the
// period, the hours and the agreement rest on it.
func (e *Engine) checkHoursIn(s *area.State) error {
	if _, err, done := s.Lookup(hoursChecked); done {
		return err
	}
	err := e.checkHours(s.Case, s.Options.Validated)
	if err == nil {
		s.Options.Validated = true // it passed: the areas after this one do not check it again
	}
	s.Put(hoursChecked, nil, err)
	return err
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
	Counted int `json:"counted" expr:"counted" path:"hours.counted" kind:"bookkeeping" doc:"started hours the request counts"`
	// Allowed is the hours that may be registered: as many as fit under the
	// month's and the year's limits, none after the trajectory's last day.
	Allowed int `json:"allowed" expr:"allowed" path:"hours.allowed" doc:"hours that may be registered for the request"`
	// MonthRemaining and YearRemaining are the hours still free before the
	// request, in the month and the calendar year of request.date.
	MonthRemaining int `json:"month_remaining" expr:"month_remaining" path:"hours.month_remaining" kind:"bookkeeping" doc:"hours still free in the month before the request"`
	YearRemaining  int `json:"year_remaining" expr:"year_remaining" path:"hours.year_remaining" kind:"bookkeeping" doc:"hours still free in the year before the request"`
	// TrajectoryEnded: the request falls after the trajectory's last day or
	// its early end.
	TrajectoryEnded bool        `json:"trajectory_ended" expr:"trajectory_ended"`
	Reasons         []wk.Reason `json:"reasons" path:"hours.reasons" doc:"month_limit, year_limit, trajectory_ended"`
	Trace           *wk.Trace   `json:"trace,omitempty"`
}

// Hours decides the hours of the case's request on date. The case needs a
// request with a date; the trajectory, when given, supplies the hours
// already registered and, when it has a start, the last allowed day.
func (e *Engine) Hours(date wk.Date, c *dossier.Case, opts ...wk.Option) (*Hours, error) {
	s := area.AcquireState(date, c, opts...)
	defer s.Release()
	h, err := e.hours(s)
	if err != nil {
		return nil, err
	}
	h.Trace = s.Trace // with the period's steps it rests on
	return h, nil
}

// HoursIn decides the hours of the state's request, once: a second call (or
// another area's) returns what the first decided.
func (e *Engine) HoursIn(s *area.State) (*Hours, error) { return e.hours(s) }

// DecideIn decides the state's trajectory, once: a second call (or another
// area's) returns what the first decided.
func (e *Engine) DecideIn(s *area.State) (*Decision, error) { return e.period(s) }

func (e *Engine) hours(s *area.State) (*Hours, error) {
	if r, err, ok := s.Lookup(AreaHours); ok {
		h, _ := r.(*Hours)
		return h, err
	}
	h, err := e.decideHours(s)
	s.Put(AreaHours, h, err)
	if err != nil {
		return nil, err
	}
	return h, nil
}

func (e *Engine) decideHours(s *area.State) (*Hours, error) {
	c := s.Case
	if c.Request == nil {
		return nil, dossier.Require(AreaHours, dossier.Field{Path: "case.request"})
	}
	if err := dossier.Require(AreaHours, dossier.Field{Path: "case.request.date", Present: !c.Request.Date.IsZero()}); err != nil {
		return nil, err
	}
	if err := e.checkHoursIn(s); err != nil {
		return nil, err
	}
	f := &hoursFrame{}
	h, en := &f.h, &f.env
	h.Date = s.Date
	en.Request, en.Trajectory, en.Out = c.Request, noTrajectory, h
	if c.Trajectory != nil {
		en.Trajectory = c.Trajectory
	}
	n := s.TraceLen()
	if c.Trajectory != nil && !c.Trajectory.Start.IsZero() {
		p, err := e.period(s)
		if err != nil {
			return nil, err
		}
		en.LastDay = p.LastDay
	}
	reasons, err := e.hoursRules.EvalIn(s, en)
	if err != nil {
		return nil, err
	}
	if reasons == nil {
		reasons = []wk.Reason{}
	}
	h.Reasons, h.Trace = reasons, s.Since(n)
	return h, nil
}

// AgreementCheck says whether the agreement records what it must (seed
// 004) and keeps within the legal limits.
type AgreementCheck struct {
	Date    wk.Date     `json:"date"`
	Valid   bool        `json:"valid" path:"agreement.valid" doc:"the afsprakenblad records what it must, within the limits"`
	Reasons []wk.Reason `json:"reasons" path:"agreement.reasons" doc:"what the afsprakenblad lacks or exceeds"`
	Trace   *wk.Trace   `json:"trace,omitempty"`
}

// CheckAgreement checks the case's trajectory.agreement on date: every
// element seed 004 requires (competences acquired and to acquire,
// preferred activities, next steps, duration, hours), a duration within the
// trajectory's limit (unless the transitional measure applies), and an
// hours plan that exceeds no monthly or yearly limit.
func (e *Engine) CheckAgreement(date wk.Date, c *dossier.Case, opts ...wk.Option) (*AgreementCheck, error) {
	s := area.AcquireState(date, c, opts...)
	defer s.Release()
	a, err := e.agreement(s)
	if err != nil {
		return nil, err
	}
	a.Trace = s.Trace // with the period's steps it rests on
	return a, nil
}

func (e *Engine) agreement(s *area.State) (*AgreementCheck, error) {
	a, err := e.checkAgreement(s)
	s.Put(AreaAgreement, a, err)
	if err != nil {
		return nil, err
	}
	return a, nil
}

func (e *Engine) checkAgreement(s *area.State) (*AgreementCheck, error) {
	c := s.Case
	if err := e.checkIn(s); err != nil {
		return nil, err
	}
	if c.Trajectory.Agreement == nil {
		return nil, dossier.Require(AreaAgreement, dossier.Field{Path: "case.trajectory.agreement"})
	}
	p, err := e.period(s)
	if err != nil {
		return nil, err
	}
	a := c.Trajectory.Agreement
	f := &agreementFrame{}
	f.env = agreementEnv{Agreement: a, Transitional: p.Transitional, PlanYearMax: planYearMax(c.Trajectory.Start, a)}
	n := s.TraceLen()
	reasons, err := e.agreementRules.EvalIn(s, &f.env)
	if err != nil {
		return nil, err
	}
	if reasons == nil {
		reasons = []wk.Reason{}
	}
	f.a = AgreementCheck{Date: s.Date, Valid: len(reasons) == 0, Reasons: reasons, Trace: s.Since(n)}
	return &f.a, nil
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
