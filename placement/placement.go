// Package placement answers the wijk-werkbemiddelaar's daily questions and
// the local authority's gemeenschapsdienst obligations (docs/regulation.md §6 and
// §8, seeds 000-002, docs/modelling-decisions.md, modelling decision 10):
//
//   - may this user have this activity done here (the reference catalogue
//     per user type, narrowed by the organiser's list; the user in
//     Flanders) — Decide;
//   - may this worker do this assignment now (eligible, inside the
//     trajectory, hours left, the activity allowed), with every reason —
//     CheckAssignment;
//   - which candidate workers fit an assignment best, and why the others do
//     not — Match;
//   - does this person fall under gemeenschapsdienst, is the plan valid,
//     what is the monthly allowance — CommunityService;
//   - what does a local authority's register of learning workplaces still
//     lack as proof for the ESF start-up call — Proof.
//
// Every figure, list and condition comes from the rulebook
// (regulation/placement.yaml and parameters.yaml). An Engine is immutable
// and safe for concurrent use.
package placement

import (
	"reflect"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/eligibility"
	"github.com/openwijkwerken/wijkwerken/trajectory"
	"github.com/shopspring/decimal"
)

// The rulebook areas this package decides.
const (
	Area                 = "placement"
	AreaAssignment       = "assignment"
	AreaCommunityService = "community_service"
	AreaPlan             = "community_service_plan"
)

type has struct {
	Organiser bool `expr:"organiser"`
}

type env struct {
	wk.Env
	Request   *dossier.Request   `expr:"request"`
	Organiser *dossier.Organiser `expr:"organiser"`
	Has       *has               `expr:"has"`
	Out       *struct {
		Catalogue []string `expr:"catalogue"`
	} `expr:"out"`
}

type assignmentEnv struct {
	wk.Env
	Request    *dossier.Request    `expr:"request"`
	Trajectory *dossier.Trajectory `expr:"trajectory"`
}

type csEnv struct {
	wk.Env
	Person *dossier.Person `expr:"person"`
}

type planEnv struct {
	wk.Env
	Plan *dossier.CommunityService `expr:"plan"`
	Out  *struct {
		Allowance decimal.Decimal `expr:"allowance"`
	} `expr:"out"`
}

func newEnv() *env {
	e := &env{Request: &dossier.Request{}, Organiser: &dossier.Organiser{}, Has: &has{}}
	e.Out = &struct {
		Catalogue []string `expr:"catalogue"`
	}{}
	return e
}

func newPlanEnv() *planEnv {
	e := &planEnv{Plan: &dossier.CommunityService{}}
	e.Out = &struct {
		Allowance decimal.Decimal `expr:"allowance"`
	}{}
	return e
}

var (
	spec = wk.AreaSpec{Area: Area, Env: newEnv(), Outputs: []wk.Output{
		{Name: "catalogue", Type: reflect.TypeOf([]string(nil)), Set: func(e, v any) { e.(*env).Out.Catalogue = v.([]string) }},
	}}
	assignmentSpec = wk.AreaSpec{Area: AreaAssignment, Env: &assignmentEnv{Request: &dossier.Request{}, Trajectory: &dossier.Trajectory{}}}
	csSpec         = wk.AreaSpec{Area: AreaCommunityService, Env: &csEnv{Person: &dossier.Person{}}}
	planSpec       = wk.AreaSpec{Area: AreaPlan, Env: newPlanEnv(), Outputs: []wk.Output{
		{Name: "allowance", Type: reflect.TypeOf(decimal.Decimal{}), Set: func(e, v any) { e.(*planEnv).Out.Allowance = v.(decimal.Decimal) }},
	}}
)

// Engine decides placements and gemeenschapsdienst against one rulebook.
// It is immutable and safe for concurrent use.
type Engine struct {
	rb                             *wk.Rulebook
	activity, assignment, cs, plan *wk.RuleSet
	eligibility                    *eligibility.Engine
	trajectory                     *trajectory.Engine
}

// New compiles the rulebook's placement, assignment and gemeenschapsdienst
// rules, and the eligibility and trajectory rules an assignment check
// needs. Every problem is reported at once, with the rule id and file:line.
func New(rb *wk.Rulebook) (*Engine, error) {
	el, err1 := eligibility.New(rb)
	te, err2 := trajectory.New(rb)
	if err := wk.JoinLoadErrors(err1, err2); err != nil {
		return nil, err
	}
	return WithEngines(el, te)
}

// WithEngines compiles the placement rules of the trajectory engine's
// rulebook and uses the given engines for eligibility and hours, so that a
// caller who holds them compiles those rules only once. Both engines must
// decide with the same rulebook.
func WithEngines(el *eligibility.Engine, te *trajectory.Engine) (*Engine, error) {
	rb := te.Rulebook()
	e := &Engine{rb: rb, eligibility: el, trajectory: te}
	var errs []error
	for _, c := range []struct {
		rs   **wk.RuleSet
		spec wk.AreaSpec
	}{{&e.activity, spec}, {&e.assignment, assignmentSpec}, {&e.cs, csSpec}, {&e.plan, planSpec}} {
		rs, err := wk.Compile(rb, c.spec)
		if err != nil {
			errs = append(errs, err)
		}
		*c.rs = rs
	}
	if err := wk.JoinLoadErrors(errs...); err != nil {
		return nil, err
	}
	return e, nil
}

// Rulebook returns the rulebook the engine decides with.
func (e *Engine) Rulebook() *wk.Rulebook { return e.rb }

// Decision says whether a user may have an activity done by a wijk-werker.
type Decision struct {
	Date wk.Date `json:"date"`
	// Allowed: the user is in Flanders, the activity is in the catalogue of
	// the user's type and, when the organiser has its own list, in that list.
	Allowed bool `json:"allowed"`
	// Catalogue is the reference catalogue of the user's type on the date.
	Catalogue []string    `json:"catalogue"`
	Reasons   []wk.Reason `json:"reasons"`
	Trace     *wk.Trace   `json:"trace,omitempty"`
}

func newTrace(o wk.Options) *wk.Trace {
	if o.Trace {
		return &wk.Trace{}
	}
	return nil
}

func nonNil(r []wk.Reason) []wk.Reason {
	if r == nil {
		return []wk.Reason{}
	}
	return r
}

// Decide decides whether the user of the case's request may have its
// activity done, on date. The case needs request.user.type,
// request.user.region and request.activity; case.organiser.activities, when
// given, narrows the catalogue.
func (e *Engine) Decide(date wk.Date, c *dossier.Case, opts ...wk.Option) (*Decision, error) {
	o := wk.Apply(opts)
	if err := e.checkRequest(c, o.Validated); err != nil {
		return nil, err
	}
	return e.decide(date, c, newTrace(o))
}

func (e *Engine) checkRequest(c *dossier.Case, validated bool) error {
	if c == nil || c.Request == nil {
		return dossier.Require(Area, dossier.Field{Path: "case.request"})
	}
	if !validated {
		if err := c.Validate(); err != nil {
			return err
		}
	}
	r := c.Request
	return dossier.Require(Area,
		dossier.Field{Path: "case.request.user.type", Present: r.User.Type != ""},
		dossier.Field{Path: "case.request.user.region", Present: r.User.Region != ""},
		dossier.Field{Path: "case.request.activity", Present: r.Activity != ""})
}

func (e *Engine) decide(date wk.Date, c *dossier.Case, tr *wk.Trace) (*Decision, error) {
	en := newEnv()
	en.Request = c.Request
	if c.Organiser != nil {
		en.Organiser = c.Organiser
		en.Has.Organiser = true
	}
	reasons, err := e.activity.Eval(en, date, tr)
	if err != nil {
		return nil, err
	}
	return &Decision{Date: date, Allowed: len(reasons) == 0, Catalogue: en.Out.Catalogue, Reasons: nonNil(reasons), Trace: tr}, nil
}

// AssignmentCheck is whether a worker may do an assignment: every reason
// from every check, not the first.
type AssignmentCheck struct {
	Date    wk.Date `json:"date"`
	Allowed bool    `json:"allowed"`
	// Eligibility, Hours and Activity are the decisions the check rests on.
	Eligibility *eligibility.Decision `json:"eligibility"`
	Hours       *trajectory.Hours     `json:"hours"`
	Activity    *Decision             `json:"activity"`
	// Reasons: the eligibility reasons, trajectory_not_started, the hours
	// reasons (month_limit, year_limit, trajectory_ended) and the activity
	// reasons, in that order.
	Reasons []wk.Reason `json:"reasons"`
	Trace   *wk.Trace   `json:"trace,omitempty"`
}

// CheckAssignment checks whether the case's person may do the case's
// request on date: eligible, inside the trajectory (from trajectory.start to
// its last day), all the request's hours left in the month and the year,
// and the activity allowed for the user. The case needs a person, a
// trajectory with its start and a request with its date, user and activity.
func (e *Engine) CheckAssignment(date wk.Date, c *dossier.Case, opts ...wk.Option) (*AssignmentCheck, error) {
	o := wk.Apply(opts)
	if err := e.checkRequest(c, o.Validated); err != nil {
		return nil, err
	}
	if err := dossier.Require(AreaAssignment,
		dossier.Field{Path: "case.person", Present: c.Person != nil},
		dossier.Field{Path: "case.trajectory.start", Present: c.Trajectory != nil && !c.Trajectory.Start.IsZero()},
		dossier.Field{Path: "case.request.date", Present: !c.Request.Date.IsZero()}); err != nil {
		return nil, err
	}
	tr := newTrace(o)
	act, err := e.decide(date, c, tr)
	if err != nil {
		return nil, err
	}
	return e.checkWorker(date, c, act, tr, opts)
}

// checkWorker completes an assignment check whose activity decision is
// known (Match decides the activity once for all candidates).
func (e *Engine) checkWorker(date wk.Date, c *dossier.Case, act *Decision, tr *wk.Trace, opts []wk.Option) (*AssignmentCheck, error) {
	el, err := e.eligibility.Decide(date, c, opts...)
	if err != nil {
		return nil, err
	}
	h, err := e.trajectory.Hours(date, c, opts...)
	if err != nil {
		return nil, err
	}
	return e.combine(date, c, el, h, act, tr, true)
}

// AssignmentFrom completes an assignment check from decisions the caller
// already holds for the same case and date: the person's eligibility, the
// request's hours and the activity. It runs only the rules those do not
// (trajectory_not_started). decision.Engine uses it so that a combined
// decision decides each area once.
//
// With WithTrace, the check's trace holds the steps of its own rules only
// (the caller holds the others').
func (e *Engine) AssignmentFrom(date wk.Date, c *dossier.Case, el *eligibility.Decision, h *trajectory.Hours, act *Decision, opts ...wk.Option) (*AssignmentCheck, error) {
	if el == nil || h == nil || act == nil || c == nil || c.Request == nil || c.Trajectory == nil {
		return nil, dossier.Require(AreaAssignment, dossier.Field{Path: "case.person"}, dossier.Field{Path: "case.trajectory"}, dossier.Field{Path: "case.request"})
	}
	return e.combine(date, c, el, h, act, newTrace(wk.Apply(opts)), false)
}

// combine adds the assignment's own rules to the decisions it rests on.
// A trace, when tr is not nil, gets the steps of the eligibility and the
// hours first when withInputs is set.
func (e *Engine) combine(date wk.Date, c *dossier.Case, el *eligibility.Decision, h *trajectory.Hours, act *Decision, tr *wk.Trace, withInputs bool) (*AssignmentCheck, error) {
	started, err := e.assignment.Eval(&assignmentEnv{Request: c.Request, Trajectory: c.Trajectory}, date, tr)
	if err != nil {
		return nil, err
	}
	var reasons []wk.Reason
	reasons = append(reasons, el.Reasons...)
	reasons = append(reasons, started...)
	reasons = append(reasons, h.Reasons...)
	reasons = append(reasons, act.Reasons...)
	if tr != nil && withInputs {
		steps := append(append([]wk.Step{}, el.Trace.Steps...), h.Trace.Steps...)
		tr.Steps = append(steps, tr.Steps...)
	}
	return &AssignmentCheck{Date: date, Allowed: len(reasons) == 0, Eligibility: el, Hours: h, Activity: act,
		Reasons: nonNil(reasons), Trace: tr}, nil
}

// CommunityService is gemeenschapsdienst for a person and a plan.
type CommunityService struct {
	Date wk.Date `json:"date"`
	// Eligible: the person falls under gemeenschapsdienst on the date (set
	// when the case has a person).
	Eligible *bool `json:"eligible,omitempty"`
	// PlanValid: the plan alone meets the conditions (set when the case has
	// a community_service plan).
	PlanValid *bool `json:"plan_valid,omitempty"`
	// Allowance is the plan's monthly allowance on top of the benefit.
	Allowance *decimal.Decimal `json:"allowance,omitempty"`
	// PersonReasons and PlanReasons are why not; Reasons is both together,
	// each code once.
	PersonReasons []wk.Reason `json:"person_reasons"`
	PlanReasons   []wk.Reason `json:"plan_reasons"`
	Reasons       []wk.Reason `json:"reasons"`
	Trace         *wk.Trace   `json:"trace,omitempty"`
}

// CommunityService decides gemeenschapsdienst on date for the case's person
// (person.income and person.jobseeking_since) and plan
// (case.community_service); at least one of them must be given.
func (e *Engine) CommunityService(date wk.Date, c *dossier.Case, opts ...wk.Option) (*CommunityService, error) {
	if c == nil || (c.Person == nil && c.CommunityService == nil) {
		return nil, dossier.Require(AreaCommunityService, dossier.Field{Path: "case.person"}, dossier.Field{Path: "case.community_service"})
	}
	o := wk.Apply(opts)
	if !o.Validated {
		if err := c.Validate(); err != nil {
			return nil, err
		}
	}
	var fields []dossier.Field
	if c.Person != nil {
		fields = append(fields, dossier.Field{Path: "case.person.income", Present: c.Person.Income != ""})
	}
	if p := c.CommunityService; p != nil {
		fields = append(fields,
			dossier.Field{Path: "case.community_service.start", Present: !p.Start.IsZero()},
			dossier.Field{Path: "case.community_service.end", Present: !p.End.IsZero()},
			dossier.Field{Path: "case.community_service.host_type", Present: p.HostType != ""})
	}
	if err := dossier.Require(AreaCommunityService, fields...); err != nil {
		return nil, err
	}
	tr := newTrace(o)
	r := &CommunityService{Date: date, PersonReasons: []wk.Reason{}, PlanReasons: []wk.Reason{}}
	if c.Person != nil {
		reasons, err := e.cs.Eval(&csEnv{Person: c.Person}, date, tr)
		if err != nil {
			return nil, err
		}
		ok := len(reasons) == 0
		r.Eligible, r.PersonReasons = &ok, nonNil(reasons)
	}
	if c.CommunityService != nil {
		en := newPlanEnv()
		en.Plan = c.CommunityService
		reasons, err := e.plan.Eval(en, date, tr)
		if err != nil {
			return nil, err
		}
		ok := len(reasons) == 0
		allowance := en.Out.Allowance
		r.PlanValid, r.PlanReasons, r.Allowance = &ok, nonNil(reasons), &allowance
	}
	seen := map[string]bool{}
	r.Reasons = []wk.Reason{}
	for _, x := range append(append([]wk.Reason{}, r.PersonReasons...), r.PlanReasons...) {
		if !seen[x.Code] {
			seen[x.Code] = true
			r.Reasons = append(r.Reasons, x)
		}
	}
	r.Trace = tr
	return r, nil
}
