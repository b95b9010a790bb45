// Package eligibility decides who may enter wijk-werken and who refers
// them: the OCMW or VDAB (docs/regulation.md §3, docs/contract.md modelling decisions
// 5-7).
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
// date and param(...); out.referrer once computed.
type env struct {
	wk.Env
	Person       dossier.Person    `expr:"person"`
	Household    dossier.Household `expr:"household"`
	HasHousehold bool              `expr:"has_household"`
	Out          outputs           `expr:"out"`
}

type outputs struct {
	Referrer string `expr:"referrer"`
}

var spec = wk.AreaSpec{
	Area: Area,
	Env:  &env{},
	Outputs: []wk.Output{{
		Name: "referrer",
		Type: reflect.TypeOf(""),
		Set:  func(e any, v any) { e.(*env).Out.Referrer = v.(string) },
	}},
}

// Engine decides eligibility against one rulebook. It is immutable and safe
// for concurrent use.
type Engine struct {
	rs *wk.RuleSet
}

// New compiles the rulebook's eligibility rules. A rule that reads an
// unknown field, has a type error or computes an unknown output fails here,
// with the rule id and file:line, never at decision time.
func New(rb *wk.Rulebook) (*Engine, error) {
	rs, err := wk.Compile(rb, spec)
	if err != nil {
		return nil, err
	}
	return &Engine{rs: rs}, nil
}

// Decision says whether a person may enter wijk-werken on a date, and why
// not; and who refers them.
type Decision struct {
	Date     wk.Date `json:"date"`
	Eligible bool    `json:"eligible"`
	// Referrer is "ocmw" or "vdab" (computed also when not eligible: it
	// follows from the income).
	Referrer string      `json:"referrer"`
	Reasons  []wk.Reason `json:"reasons"`
	Trace    *wk.Trace   `json:"trace,omitempty"`
}

// Decide decides eligibility for the case's person on date. The case must
// have a person with domicile_region and income. Errors: a *dossier.CaseError
// for a missing or invalid field, a *wijkwerken.NotInForceError for a date
// before any eligibility rule is in force, a *wijkwerken.RuleError for a rule
// that fails.
func (e *Engine) Decide(date wk.Date, c *dossier.Case, opts ...wk.Option) (*Decision, error) {
	o := wk.Apply(opts)
	if err := check(c, o.Validated); err != nil {
		return nil, err
	}
	en := &env{Person: *c.Person}
	if c.Household != nil {
		en.Household, en.HasHousehold = *c.Household, true
	}
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
	return &Decision{Date: date, Eligible: len(reasons) == 0, Referrer: en.Out.Referrer, Reasons: reasons, Trace: tr}, nil
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
