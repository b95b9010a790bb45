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
	"slices"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/area"
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
	area.Env
	Request   *dossier.Request   `expr:"request"`
	Organiser *dossier.Organiser `expr:"organiser"`
	Has       *has               `expr:"has"`
	Out       *Decision          `expr:"out"`
}

type assignmentEnv struct {
	area.Env
	Request    *dossier.Request    `expr:"request"`
	Trajectory *dossier.Trajectory `expr:"trajectory"`
}

type csEnv struct {
	area.Env
	Person *dossier.Person `expr:"person"`
}

type planEnv struct {
	area.Env
	Plan *dossier.CommunityService `expr:"plan"`
	Out  *CommunityService         `expr:"out"`
}

func newEnv() *env {
	return &env{Request: &dossier.Request{}, Organiser: noOrganiser, Has: &has{}, Out: &Decision{}}
}

func newPlanEnv() *planEnv {
	return &planEnv{Plan: &dossier.CommunityService{}, Out: &CommunityService{Allowance: new(decimal.Decimal)}}
}

// The environments point into the case (rules only read it); an absent
// organiser is a zero one.
var noOrganiser = &dossier.Organiser{}

// The frames hold one decision's environments and its result, allocated
// together.
type (
	activityFrame struct {
		env env
		has has
		d   Decision
	}
	assignmentFrame struct {
		env assignmentEnv
		a   AssignmentCheck
	}
	csFrame struct {
		person              csEnv
		plan                planEnv
		r                   CommunityService
		allowance           decimal.Decimal
		eligible, planValid bool
	}
)

// Areas declares the areas this package decides in a combined decision:
// the activity, the whole assignment (after the person's eligibility and
// the request's hours) and gemeenschapsdienst.
var Areas = area.Package{
	RuleAreas: []string{Area, AreaAssignment, AreaCommunityService, AreaPlan},
	Areas: []area.Definition{
		{Name: Area, Section: Area, Result: reflect.TypeFor[*Decision](),
			Applies: func(s *area.State) bool {
				q := s.Case.Request
				return q != nil && (q.Activity != "" || q.User.Type != "")
			}},
		{Name: AreaAssignment, Section: Area, After: []string{Area, eligibility.Area, trajectory.AreaHours}, Result: reflect.TypeFor[*AssignmentCheck](),
			Applies: func(s *area.State) bool {
				c := s.Case
				if c.Person == nil || c.Trajectory == nil || c.Trajectory.Start.IsZero() {
					return false
				}
				// The whole assignment, when the areas it rests on could decide.
				_, _, okA := area.Get[*Decision](s, Area)
				_, _, okE := area.Get[*eligibility.Decision](s, eligibility.Area)
				_, _, okH := area.Get[*trajectory.Hours](s, trajectory.AreaHours)
				return okA && okE && okH
			}},
		{Name: AreaCommunityService, Section: AreaCommunityService, Result: reflect.TypeFor[*CommunityService](),
			Rules:   []string{AreaCommunityService, AreaPlan},
			Applies: func(s *area.State) bool { return s.Case.Person != nil || s.Case.CommunityService != nil }},
	},
	Compile: func(c *area.Compiler) (area.Compiled, error) {
		e, err := Compiled(c)
		if err != nil {
			return area.Compiled{}, err
		}
		return area.Compiled{Decide: map[string]area.DecideFunc{
			Area:                 func(s *area.State) (any, error) { return e.activityIn(s) },
			AreaAssignment:       func(s *area.State) (any, error) { return e.assignmentIn(s) },
			AreaCommunityService: func(s *area.State) (any, error) { return e.communityService(s) },
		}, RuleSets: []*area.RuleSet{e.activity, e.assignment, e.cs, e.plan}}, nil
	},
}

// Engine decides placements and gemeenschapsdienst against one rulebook.
// It is immutable and safe for concurrent use.
type Engine struct {
	rb                             *wk.Rulebook
	activity, assignment, cs, plan *area.RuleSet
	eligibility                    *eligibility.Engine
	trajectory                     *trajectory.Engine
}

// New compiles the rulebook's placement, assignment and gemeenschapsdienst
// rules, and the eligibility and trajectory rules an assignment check
// needs. Every problem is reported at once, with the rule id and file:line.
func New(rb *wk.Rulebook) (*Engine, error) {
	el, err1 := eligibility.New(rb)
	te, err2 := trajectory.New(rb)
	if err := area.JoinErrors(err1, err2); err != nil {
		return nil, err
	}
	return WithEngines(el, te)
}

// Compiled returns the engine of c's rulebook, compiled once per Compiler
// (with the eligibility and trajectory engines of the same Compiler).
func Compiled(c *area.Compiler) (*Engine, error) {
	return area.Memo(c, Area, func(*wk.Rulebook) (*Engine, error) {
		el, err1 := eligibility.Compiled(c)
		te, err2 := trajectory.Compiled(c)
		if err := area.JoinErrors(err1, err2); err != nil {
			return nil, err
		}
		return WithEngines(el, te)
	})
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
		rs   **area.RuleSet
		spec area.Spec
	}{
		{&e.activity, area.Spec{Area: Area, Env: newEnv()}},
		{&e.assignment, area.Spec{Area: AreaAssignment, Env: &assignmentEnv{Request: &dossier.Request{}, Trajectory: &dossier.Trajectory{}}}},
		{&e.cs, area.Spec{Area: AreaCommunityService, Env: &csEnv{Person: &dossier.Person{}}}},
		{&e.plan, area.Spec{Area: AreaPlan, Env: newPlanEnv()}},
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
	return e, nil
}

// Rulebook returns the rulebook the engine decides with.
func (e *Engine) Rulebook() *wk.Rulebook { return e.rb }

// Decision says whether a user may have an activity done by a wijk-werker.
type Decision struct {
	Date wk.Date `json:"date"`
	// Allowed: the user is in Flanders, the activity is in the catalogue of
	// the user's type and, when the organiser has its own list, in that list.
	Allowed bool `json:"allowed" path:"placement.allowed" doc:"may this user have this activity done, here, now"`
	// Catalogue is the reference catalogue of the user's type on the date.
	Catalogue []string    `json:"catalogue" expr:"catalogue"`
	Reasons   []wk.Reason `json:"reasons" path:"placement.reasons" doc:"why not"`
	Trace     *wk.Trace   `json:"trace,omitempty"`
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
	s := area.AcquireState(date, c, opts...)
	defer s.Release()
	return e.activityIn(s)
}

// activityIn decides the state's activity once.
func (e *Engine) activityIn(s *area.State) (*Decision, error) {
	if r, err, ok := s.Lookup(Area); ok {
		d, _ := r.(*Decision)
		return d, err
	}
	d, err := e.decideActivity(s)
	s.Put(Area, d, err)
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (e *Engine) decideActivity(s *area.State) (*Decision, error) {
	c := s.Case
	if err := e.checkRequest(c, s.Options.Validated); err != nil {
		return nil, err
	}
	s.Options.Validated = true // it passed: the areas after this one do not check it again
	f := &activityFrame{}
	en, d := &f.env, &f.d
	en.Request, en.Organiser, en.Has, en.Out = c.Request, noOrganiser, &f.has, d
	if c.Organiser != nil {
		en.Organiser = c.Organiser
		en.Has.Organiser = true
	}
	n := s.TraceLen()
	reasons, err := e.activity.EvalIn(s, en)
	if err != nil {
		return nil, err
	}
	d.Date, d.Allowed, d.Reasons, d.Trace = s.Date, len(reasons) == 0, nonNil(reasons), s.Since(n)
	return d, nil
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

// AssignmentCheck is whether a worker may do an assignment: every reason
// from every check, not the first.
type AssignmentCheck struct {
	Date    wk.Date `json:"date"`
	Allowed bool    `json:"allowed" path:"placement.assignment_allowed" doc:"may this worker do this assignment now: eligible, in the trajectory, hours left, activity allowed"`
	// Eligibility, Hours and Activity are the decisions the check rests on.
	Eligibility *eligibility.Decision `json:"eligibility"`
	Hours       *trajectory.Hours     `json:"hours"`
	Activity    *Decision             `json:"activity"`
	// Reasons: the eligibility reasons, trajectory_not_started, the hours
	// reasons (month_limit, year_limit, trajectory_ended) and the activity
	// reasons, in that order.
	Reasons []wk.Reason `json:"reasons" path:"placement.assignment_reasons" doc:"every reason against the assignment"`
	Trace   *wk.Trace   `json:"trace,omitempty"`
}

// CheckAssignment checks whether the case's person may do the case's
// request on date: eligible, inside the trajectory (from trajectory.start to
// its last day), all the request's hours left in the month and the year,
// and the activity allowed for the user. The case needs a person, a
// trajectory with its start and a request with its date, user and activity.
func (e *Engine) CheckAssignment(date wk.Date, c *dossier.Case, opts ...wk.Option) (*AssignmentCheck, error) {
	s := area.AcquireState(date, c, opts...)
	defer s.Release()
	a, err := e.assignmentIn(s)
	if err != nil {
		return nil, err
	}
	a.Trace = s.Trace // with every step the check rests on
	return a, nil
}

// assignmentIn checks the state's assignment, deciding what it rests on
// (the activity, the person's eligibility, the request's hours) when the
// state does not hold them yet.
func (e *Engine) assignmentIn(s *area.State) (*AssignmentCheck, error) {
	a, err := e.checkAssignment(s)
	s.Put(AreaAssignment, a, err)
	if err != nil {
		return nil, err
	}
	return a, nil
}

func (e *Engine) checkAssignment(s *area.State) (*AssignmentCheck, error) {
	c := s.Case
	act, err := e.activityIn(s)
	if err != nil {
		return nil, err
	}
	if err := dossier.Require(AreaAssignment,
		dossier.Field{Path: "case.person", Present: c.Person != nil},
		dossier.Field{Path: "case.trajectory.start", Present: c.Trajectory != nil && !c.Trajectory.Start.IsZero()},
		dossier.Field{Path: "case.request.date", Present: !c.Request.Date.IsZero()}); err != nil {
		return nil, err
	}
	el, err := e.eligibility.DecideIn(s)
	if err != nil {
		return nil, err
	}
	h, err := e.trajectory.HoursIn(s)
	if err != nil {
		return nil, err
	}
	n := s.TraceLen()
	f := &assignmentFrame{env: assignmentEnv{Request: c.Request, Trajectory: c.Trajectory}}
	started, err := e.assignment.EvalIn(s, &f.env)
	if err != nil {
		return nil, err
	}
	reasons := []wk.Reason{}
	if k := len(el.Reasons) + len(started) + len(h.Reasons) + len(act.Reasons); k > 0 {
		reasons = make([]wk.Reason, 0, k)
		reasons = append(reasons, el.Reasons...)
		reasons = append(reasons, started...)
		reasons = append(reasons, h.Reasons...)
		reasons = append(reasons, act.Reasons...)
	}
	f.a = AssignmentCheck{Date: s.Date, Allowed: len(reasons) == 0, Eligibility: el, Hours: h, Activity: act,
		Reasons: reasons, Trace: s.Since(n)}
	return &f.a, nil
}

// CommunityService is gemeenschapsdienst for a person and a plan.
type CommunityService struct {
	Date wk.Date `json:"date"`
	// Eligible: the person falls under gemeenschapsdienst on the date (set
	// when the case has a person).
	Eligible *bool `json:"eligible,omitempty" path:"community_service.eligible" doc:"the person falls under gemeenschapsdienst"`
	// PlanValid: the plan alone meets the conditions (set when the case has
	// a community_service plan).
	PlanValid *bool `json:"plan_valid,omitempty" path:"community_service.plan_valid" doc:"the plan meets the conditions"`
	// Allowance is the plan's monthly allowance on top of the benefit.
	Allowance *decimal.Decimal `json:"allowance,omitempty" expr:"allowance" path:"community_service.allowance" doc:"the monthly allowance on top of the benefit"`
	// PersonReasons and PlanReasons are why not; Reasons is both together,
	// each code once.
	PersonReasons []wk.Reason `json:"person_reasons"`
	PlanReasons   []wk.Reason `json:"plan_reasons"`
	Reasons       []wk.Reason `json:"reasons" path:"community_service.reasons" doc:"the person's and the plan's reasons"`
	Trace         *wk.Trace   `json:"trace,omitempty"`
}

// CommunityService decides gemeenschapsdienst on date for the case's person
// (person.income, person.jobseeking_since, person.community_service_exemption)
// and plan (case.community_service); at least one of them must be given.
func (e *Engine) CommunityService(date wk.Date, c *dossier.Case, opts ...wk.Option) (*CommunityService, error) {
	s := area.AcquireState(date, c, opts...)
	defer s.Release()
	return e.communityService(s)
}

func (e *Engine) communityService(s *area.State) (*CommunityService, error) {
	r, err := e.decideCommunityService(s)
	s.Put(AreaCommunityService, r, err)
	if err != nil {
		return nil, err
	}
	return r, nil
}

func (e *Engine) decideCommunityService(s *area.State) (*CommunityService, error) {
	c, date := s.Case, s.Date
	if c.Person == nil && c.CommunityService == nil {
		return nil, dossier.Require(AreaCommunityService, dossier.Field{Path: "case.person"}, dossier.Field{Path: "case.community_service"})
	}
	if !s.Options.Validated {
		if err := c.Validate(); err != nil {
			return nil, err
		}
		s.Options.Validated = true // it passed: the areas after this one do not check it again
	}
	var buf [4]dossier.Field // on the stack: checking a good case allocates nothing
	fields := buf[:0]
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
	n := s.TraceLen()
	f := &csFrame{}
	r := &f.r
	r.Date, r.PersonReasons, r.PlanReasons, r.Allowance = date, []wk.Reason{}, []wk.Reason{}, &f.allowance
	if c.Person != nil {
		f.person.Person = c.Person
		reasons, err := e.cs.EvalIn(s, &f.person)
		if err != nil {
			return nil, err
		}
		f.eligible = len(reasons) == 0
		r.Eligible, r.PersonReasons = &f.eligible, nonNil(reasons)
	}
	if c.CommunityService != nil {
		f.plan.Plan, f.plan.Out = c.CommunityService, r
		reasons, err := e.plan.EvalIn(s, &f.plan)
		if err != nil {
			return nil, err
		}
		f.planValid = len(reasons) == 0
		r.PlanValid, r.PlanReasons = &f.planValid, nonNil(reasons)
	} else {
		r.Allowance = nil
	}
	r.Reasons = []wk.Reason{}
	if k := len(r.PersonReasons) + len(r.PlanReasons); k > 0 {
		r.Reasons = make([]wk.Reason, 0, k)
		for _, part := range [2][]wk.Reason{r.PersonReasons, r.PlanReasons} {
			for _, x := range part {
				if !slices.ContainsFunc(r.Reasons, func(y wk.Reason) bool { return y.Code == x.Code }) {
					r.Reasons = append(r.Reasons, x)
				}
			}
		}
	}
	r.Trace = s.Since(n)
	return r, nil
}
