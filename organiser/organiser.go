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
	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
)

// Area is the rulebook area this package decides.
const Area = "organiser"

// organiserEnv is the organiser as the rules see it.
type organiserEnv struct {
	Inhabitants int `expr:"inhabitants"`
}

type env struct {
	wk.Env
	Organiser organiserEnv `expr:"organiser"`
}

var spec = wk.AreaSpec{Area: Area, Env: &env{}}

// Engine decides organisers against one rulebook. It is immutable and safe
// for concurrent use.
type Engine struct {
	rs *wk.RuleSet
}

// New compiles the rulebook's organiser rules. A rule that reads an unknown
// field or has a type error fails here, with the rule id and file:line.
func New(rb *wk.Rulebook) (*Engine, error) {
	rs, err := wk.Compile(rb, spec)
	if err != nil {
		return nil, err
	}
	return &Engine{rs: rs}, nil
}

// Decision says whether the organiser's area meets the regulation.
type Decision struct {
	Date        wk.Date     `json:"date"`
	Inhabitants int         `json:"inhabitants"`
	Valid       bool        `json:"valid"`
	Reasons     []wk.Reason `json:"reasons"`
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
	o := wk.Apply(opts)
	if c == nil || c.Organiser == nil {
		return nil, dossier.Require(Area, dossier.Field{Path: "case.organiser"})
	}
	if err := dossier.Require(Area, dossier.Field{Path: "case.organiser.inhabitants", Present: c.Organiser.Inhabitants != nil}); err != nil {
		return nil, err
	}
	if !o.Validated {
		if err := c.Validate(); err != nil {
			return nil, err
		}
	}
	en := &env{Organiser: organiserEnv{Inhabitants: *c.Organiser.Inhabitants}}
	var tr *wk.Trace
	if o.Trace {
		tr = &wk.Trace{}
	}
	reasons, err := e.rs.Eval(en, date, tr)
	if err != nil {
		return nil, err
	}
	if reasons == nil {
		reasons = []wk.Reason{}
	}
	return &Decision{Date: date, Inhabitants: en.Organiser.Inhabitants, Valid: len(reasons) == 0, Reasons: reasons, Trace: tr}, nil
}
