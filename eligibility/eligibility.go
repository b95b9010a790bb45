// Package eligibility decides who may enter wijk-werken and who refers
// them: the OCMW or VDAB (docs/regulation.md §3, docs/modelling-decisions.md
// MD 5-7 and MD 11e).
//
// New compiles the rulebook's eligibility rules once; Decide is cheap and
// safe for concurrent use:
//
//	rb, _ := wijkwerken.Reference()
//	eng, err := eligibility.New(rb)
//	d, err := eng.Decide(date, c)
//	d.Eligible, d.Referrer, d.Reasons
package eligibility

import (
	"reflect"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/area"
	"github.com/openwijkwerken/wijkwerken/dossier"
)

// Area is the rulebook area this package decides.
const Area = "eligibility"

// Referrers: who refers a person into wijk-werken.
const (
	ReferrerOCMW = "ocmw"
	ReferrerVDAB = "vdab"
)

// env is what eligibility rules read: person.*, household.*, has_household,
// date and param(...); out.referrer once computed. The parts point into the
// case (rules only read them); an absent household is a zero one.
type env struct {
	area.Env
	Person       *dossier.Person    `expr:"person"`
	Household    *dossier.Household `expr:"household"`
	HasHousehold bool               `expr:"has_household"`
	Out          *Decision          `expr:"out"`
}

// frame is one decision's environment and its decision, allocated
// together.
type frame struct {
	env env
	d   Decision
}

var noHousehold = &dossier.Household{}

// Decision says whether a person may enter wijk-werken on a date, and why
// not; and who refers them.
type Decision struct {
	Date     wk.Date `json:"date"`
	Eligible bool    `json:"eligible" path:"eligibility.eligible" doc:"may the person enter wijk-werken"`
	// Referrer is "ocmw" or "vdab" (computed also when not eligible: it
	// follows from the income).
	Referrer string      `json:"referrer" expr:"referrer" path:"eligibility.referrer" doc:"ocmw or vdab"`
	Reasons  []wk.Reason `json:"reasons" path:"eligibility.reasons" doc:"reason codes when not"`
	Trace    *wk.Trace   `json:"trace,omitempty"`
}

// Areas declares the area this package decides in a combined decision.
var Areas = area.Package{
	RuleAreas: []string{Area},
	Areas: []area.Definition{{
		Name: Area, Section: Area,
		Applies: func(s *area.State) bool { return s.Case.Person != nil },
		Result:  reflect.TypeFor[*Decision](),
	}},
	Compile: func(c *area.Compiler) (area.Compiled, error) {
		e, err := Compiled(c)
		if err != nil {
			return area.Compiled{}, err
		}
		return area.Compiled{Decide: map[string]area.DecideFunc{Area: func(s *area.State) (any, error) { return e.decide(s) }},
			RuleSets: []*area.RuleSet{e.rs}}, nil
	},
}

// Engine decides eligibility against one rulebook. It is immutable and safe
// for concurrent use.
type Engine struct {
	rs *area.RuleSet
}

// New compiles the rulebook's eligibility rules. A rule that reads an
// unknown field, has a type error or computes an unknown output fails here,
// with the rule id and file:line, never at decision time.
func New(rb *wk.Rulebook) (*Engine, error) {
	rs, err := area.Compile(rb, area.Spec{Area: Area, Env: &env{Person: &dossier.Person{}, Household: noHousehold}})
	if err != nil {
		return nil, err
	}
	return &Engine{rs: rs}, nil
}

// Compiled returns the engine of c's rulebook, compiled once per Compiler.
func Compiled(c *area.Compiler) (*Engine, error) { return area.Memo(c, Area, New) }

// Decide decides eligibility for the case's person on date. The case must
// have a person with domicile_region and income. Errors: a *dossier.CaseError
// for a missing or invalid field, a *wijkwerken.NotInForceError for a date
// before any eligibility rule is in force, a *wijkwerken.RuleError for a rule
// that fails.
func (e *Engine) Decide(date wk.Date, c *dossier.Case, opts ...wk.Option) (*Decision, error) {
	s := area.AcquireState(date, c, opts...)
	defer s.Release()
	d, err := e.decide(s)
	if err != nil {
		return nil, err
	}
	return d, nil
}

// DecideIn decides the eligibility of the state's person, once: a second
// call (or another area's) returns what the first decided.
func (e *Engine) DecideIn(s *area.State) (*Decision, error) {
	if r, err, ok := s.Lookup(Area); ok {
		d, _ := r.(*Decision)
		return d, err
	}
	return e.decide(s)
}

// decide decides the state's case and puts the decision in the state.
func (e *Engine) decide(s *area.State) (*Decision, error) {
	c := s.Case
	if err := check(c, s.Options.Validated); err != nil {
		s.Put(Area, nil, err)
		return nil, err
	}
	s.Options.Validated = true // it passed: the areas after this one do not check it again
	f := &frame{}
	d, en := &f.d, &f.env
	d.Date = s.Date
	en.Person, en.Household, en.Out = c.Person, noHousehold, d
	if c.Household != nil {
		en.Household, en.HasHousehold = c.Household, true
	}
	n := s.TraceLen()
	reasons, err := e.rs.EvalIn(s, en)
	if err != nil {
		s.Put(Area, nil, err)
		return nil, err
	}
	if reasons == nil {
		reasons = []wk.Reason{}
	}
	d.Eligible, d.Reasons, d.Trace = len(reasons) == 0, reasons, s.Since(n)
	s.Put(Area, d, nil)
	return d, nil
}

// Check reports what the case lacks for an eligibility decision, or what is
// invalid in it, as a *dossier.CaseError.
func Check(c *dossier.Case) error { return check(c, false) }

func check(c *dossier.Case, validated bool) error {
	if c == nil || c.Person == nil {
		return dossier.Require(Area, dossier.Field{Path: "case.person"})
	}
	if err := dossier.Require(Area,
		dossier.Field{Path: "case.person.domicile_region", Present: c.Person.DomicileRegion != ""},
		dossier.Field{Path: "case.person.income", Present: c.Person.Income != ""},
	); err != nil {
		return err
	}
	if validated {
		return nil
	}
	return c.Validate()
}
