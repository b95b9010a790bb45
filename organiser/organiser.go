// Package organiser decides whether a wijk-werk organiser's area meets the
// decree: an organiser of its own, or an intermunicipal cooperation, covers
// at least the minimum number of inhabitants (decreet wijk-werken art. 14
// §1; the figure is the parameter organiser.min_inhabitants).
//
// New compiles the rulebook's organiser rules once; Decide is cheap and
// safe for concurrent use:
//
//	eng, err := organiser.New(rb)
//	d, err := eng.Decide(date, c)   // d.Valid, d.Reasons
package organiser

import (
	"reflect"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/area"
	"github.com/openwijkwerken/wijkwerken/dossier"
)

// Area is the rulebook area this package decides.
const Area = "organiser"

// organiserEnv is the organiser as the rules see it.
type organiserEnv struct {
	Inhabitants int `expr:"inhabitants"`
}

type env struct {
	area.Env
	Organiser organiserEnv `expr:"organiser"`
}

// Areas declares the area this package decides in a combined decision.
var Areas = area.Package{
	RuleAreas: []string{Area},
	Areas: []area.Definition{{
		Name: Area, Section: Area, Result: reflect.TypeFor[*Decision](),
		Applies: func(s *area.State) bool { return HasData(s.Case) },
	}},
	Compile: func(c *area.Compiler) (area.Compiled, error) {
		e, err := area.Memo(c, Area, New)
		if err != nil {
			return area.Compiled{}, err
		}
		return area.Compiled{Decide: map[string]area.DecideFunc{Area: func(s *area.State) (any, error) { return e.decide(s) }},
			RuleSets: []*area.RuleSet{e.rs}}, nil
	},
}

// Engine decides organisers against one rulebook. It is immutable and safe
// for concurrent use.
type Engine struct {
	rs *area.RuleSet
}

// New compiles the rulebook's organiser rules. A rule that reads an unknown
// field or has a type error fails here, with the rule id and file:line.
func New(rb *wk.Rulebook) (*Engine, error) {
	rs, err := area.Compile(rb, area.Spec{Area: Area, Env: &env{}})
	if err != nil {
		return nil, err
	}
	return &Engine{rs: rs}, nil
}

// Decision says whether the organiser's area meets the regulation.
type Decision struct {
	Date        wk.Date     `json:"date"`
	Inhabitants int         `json:"inhabitants"`
	Valid       bool        `json:"valid" path:"organiser.valid" doc:"the organiser's area has at least the minimum number of inhabitants"`
	Reasons     []wk.Reason `json:"reasons" path:"organiser.reasons" doc:"organiser_area_too_small"`
	Trace       *wk.Trace   `json:"trace,omitempty"`
}

// HasData reports whether the case gives what the organiser rules judge
// (organiser.inhabitants).
func HasData(c *dossier.Case) bool {
	return c != nil && c.Organiser != nil && c.Organiser.Inhabitants != nil
}

// Decide judges the case's organiser on date. The case needs
// organiser.inhabitants. Errors: a *dossier.CaseError for a missing or
// invalid field, a *wijkwerken.NotInForceError for a date before any
// organiser rule is in force, a *wijkwerken.RuleError for a rule that fails.
func (e *Engine) Decide(date wk.Date, c *dossier.Case, opts ...wk.Option) (*Decision, error) {
	s := area.AcquireState(date, c, opts...)
	defer s.Release()
	return e.decide(s)
}

func (e *Engine) decide(s *area.State) (*Decision, error) {
	d, err := e.judge(s)
	s.Put(Area, d, err)
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (e *Engine) judge(s *area.State) (*Decision, error) {
	c := s.Case
	if c.Organiser == nil {
		return nil, dossier.Require(Area, dossier.Field{Path: "case.organiser"})
	}
	if err := dossier.Require(Area, dossier.Field{Path: "case.organiser.inhabitants", Present: c.Organiser.Inhabitants != nil}); err != nil {
		return nil, err
	}
	if !s.Options.Validated {
		if err := c.Validate(); err != nil {
			return nil, err
		}
		s.Options.Validated = true // it passed: the areas after this one do not check it again
	}
	f := &struct {
		env env
		d   Decision
	}{env: env{Organiser: organiserEnv{Inhabitants: *c.Organiser.Inhabitants}}}
	n := s.TraceLen()
	reasons, err := e.rs.EvalIn(s, &f.env)
	if err != nil {
		return nil, err
	}
	if reasons == nil {
		reasons = []wk.Reason{}
	}
	f.d = Decision{Date: s.Date, Inhabitants: f.env.Organiser.Inhabitants, Valid: len(reasons) == 0, Reasons: reasons, Trace: s.Since(n)}
	return &f.d, nil
}
