// Package decision makes one decision for a whole case: it evaluates every
// area of the regulation the case document has data for and returns one
// combined result, addressed by the output paths of docs/contract.md
// (eligibility.eligible, hours.allowed, ...). The scenario runner and the
// command line use it; vendors who want one call per case can too.
package decision

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/eligibility"
	"github.com/openwijkwerken/wijkwerken/organiser"
	"github.com/openwijkwerken/wijkwerken/placement"
	"github.com/openwijkwerken/wijkwerken/trajectory"
	"github.com/openwijkwerken/wijkwerken/vouchers"
)

// Path describes one output path of the combined result.
type Path struct {
	Path    string `json:"path"`
	Area    string `json:"area"`
	Meaning string `json:"meaning"`
	// Kind says what the output is to someone comparing outcomes (see
	// Kind); every path is classified here, beside its declaration.
	Kind Kind `json:"kind"`
}

// Kind classifies an output path: a decision the regulation takes about
// the case, the reasons that explain one, or bookkeeping derived on the
// way (hours still free). A comparison of outcomes counts the cases whose
// decisions change apart from those whose bookkeeping alone does.
type Kind string

// The kinds of output path.
const (
	// Decision: eligible, allowed hours, pay, validity, tax, placement,
	// community service, deadlines.
	Decision Kind = "decision"
	// Reasons: the reason codes behind a decision.
	Reasons Kind = "reasons"
	// Bookkeeping: a quantity derived on the way to a decision, such as
	// the hours still free in the month before a request.
	Bookkeeping Kind = "bookkeeping"
)

// paths are the output paths of docs/contract.md ("Outputs addressed by
// scenarios"), the public contract scenario files are written against.
var paths = []Path{
	{"eligibility.eligible", "eligibility", "may the person enter wijk-werken", Decision},
	{"eligibility.reasons", "eligibility", "reason codes when not", Reasons},
	{"eligibility.referrer", "eligibility", "ocmw or vdab", Decision},
	{"trajectory.last_day", "trajectory", "last allowed day (null under the transitional measure)", Decision},
	{"trajectory.transitional", "trajectory", "the PWA transitional measure applies", Decision},
	{"trajectory.next_evaluation_due", "trajectory", "evaluation deadline on the decision date", Decision},
	{"trajectory.evaluation_overdue", "trajectory", "the deadline has passed", Decision},
	{"trajectory.status", "trajectory", "not_started, active, suspended, ended or expired on the decision date", Decision},
	{"agreement.valid", "agreement", "the afsprakenblad records what it must, within the limits", Decision},
	{"agreement.reasons", "agreement", "what the afsprakenblad lacks or exceeds", Reasons},
	{"hours.allowed", "hours", "hours that may be registered for the request", Decision},
	{"hours.counted", "hours", "started hours the request counts", Bookkeeping},
	{"hours.month_remaining", "hours", "hours still free in the month before the request", Bookkeeping},
	{"hours.year_remaining", "hours", "hours still free in the year before the request", Bookkeeping},
	{"hours.reasons", "hours", "month_limit, year_limit, trajectory_ended", Reasons},
	{"vouchers.cheques_needed", "vouchers", "cheques the request costs", Decision},
	{"vouchers.price_valid", "vouchers", "the organiser's price lies in the legal band", Decision},
	{"vouchers.expires", "vouchers", "last valid day of the cheque batch", Decision},
	{"vouchers.valid", "vouchers", "the batch can still be used on the decision date", Decision},
	{"vouchers.allowance", "vouchers", "the worker's pay for the request", Decision},
	{"vouchers.travel_allowance", "vouchers", "the worker's travel allowance", Decision},
	{"vouchers.registration_fee", "vouchers", "the user's yearly fee", Decision},
	{"vouchers.tax_reduction", "vouchers", "the buyer's tax reduction for the purchase", Decision},
	{"vouchers.reasons", "vouchers", "price_below_minimum, price_above_maximum, price_not_allowed_step, cheque_expired, cheque_not_yet_issued", Reasons},
	{"vouchers.price_in_force", "vouchers", "the price of the organiser's latest price decision that applies on the date", Decision},
	{"vouchers.covid_compensation", "vouchers", "the wijk-werker's 2020 COVID compensation for the month", Decision},
	{"organiser.valid", "organiser", "the organiser's area has at least the minimum number of inhabitants", Decision},
	{"organiser.reasons", "organiser", "organiser_area_too_small", Reasons},
	{"placement.allowed", "placement", "may this user have this activity done, here, now", Decision},
	{"placement.reasons", "placement", "why not", Reasons},
	{"placement.assignment_allowed", "placement", "may this worker do this assignment now: eligible, in the trajectory, hours left, activity allowed", Decision},
	{"placement.assignment_reasons", "placement", "every reason against the assignment", Reasons},
	{"community_service.eligible", "community_service", "the person falls under gemeenschapsdienst", Decision},
	{"community_service.plan_valid", "community_service", "the plan meets the conditions", Decision},
	{"community_service.reasons", "community_service", "the person's and the plan's reasons", Reasons},
	{"community_service.allowance", "community_service", "the monthly allowance on top of the benefit", Decision},
}

var known = func() map[string]Path {
	m := make(map[string]Path, len(paths))
	for _, p := range paths {
		m[p.Path] = p
	}
	return m
}()

// Paths returns every output path a result may hold.
func Paths() []Path { return append([]Path(nil), paths...) }

// Known reports whether path is an output path of the contract.
func Known(path string) bool {
	_, ok := known[path]
	return ok
}

// AreaOf returns the area that computes path ("" for an unknown path).
func AreaOf(path string) string { return known[path].Area }

// Engine decides whole cases against one rulebook. It compiles every area
// once; it is immutable and safe for concurrent use.
type Engine struct {
	rb          *wk.Rulebook
	eligibility *eligibility.Engine
	trajectory  *trajectory.Engine
	vouchers    *vouchers.Engine
	placement   *placement.Engine
	organiser   *organiser.Engine
}

// areas are the rulebook areas the engines of this package decide.
var areas = []string{eligibility.Area, trajectory.Area, trajectory.AreaHours, trajectory.AreaAgreement, vouchers.Area,
	placement.Area, placement.AreaAssignment, placement.AreaCommunityService, placement.AreaPlan, organiser.Area}

// New compiles every area of the rulebook. Every problem of every area is
// reported (as *wijkwerken.LoadError where the rules are at fault).
func New(rb *wk.Rulebook) (*Engine, error) {
	e := &Engine{rb: rb}
	var errs []error
	var err error
	if e.eligibility, err = eligibility.New(rb); err != nil {
		errs = append(errs, err)
	}
	if e.trajectory, err = trajectory.New(rb); err != nil {
		errs = append(errs, err)
	} else if e.vouchers, err = vouchers.WithTrajectory(e.trajectory); err != nil {
		errs = append(errs, err)
	}
	if e.organiser, err = organiser.New(rb); err != nil {
		errs = append(errs, err)
	}
	if e.eligibility != nil && e.trajectory != nil {
		if e.placement, err = placement.WithEngines(e.eligibility, e.trajectory); err != nil {
			errs = append(errs, err)
		}
	}
	// A rule in an area no engine decides would be silently ignored (an
	// area misspelled in a reform, say): that is a broken rulebook.
	for _, r := range rb.Rules("") {
		if !slices.Contains(areas, r.Area) {
			e := &wk.UnknownError{What: "area", ID: r.Area, Known: areas}
			errs = append(errs, &wk.LoadError{Problems: []wk.Problem{{Pos: r.Pos, ID: r.ID, Msg: e.Error() + " (areas: " + strings.Join(areas, ", ") + ")"}}})
		}
	}
	if err := wk.JoinLoadErrors(errs...); err != nil {
		return nil, err
	}
	return e, nil
}

// Rulebook returns the rulebook the engine decides with.
func (e *Engine) Rulebook() *wk.Rulebook { return e.rb }

// Result is the combined decision for a case on a date. Each area the case
// has data for is decided; an area that could not be decided has its error
// in Errors and none of its outputs.
type Result struct {
	Date        wk.Date                     `json:"date"`
	Eligibility *eligibility.Decision       `json:"-"`
	Trajectory  *trajectory.Decision        `json:"-"`
	Status      *trajectory.Status          `json:"-"`
	Agreement   *trajectory.AgreementCheck  `json:"-"`
	Hours       *trajectory.Hours           `json:"-"`
	Vouchers    *vouchers.Decision          `json:"-"`
	Placement   *placement.Decision         `json:"-"`
	Assignment  *placement.AssignmentCheck  `json:"-"`
	Community   *placement.CommunityService `json:"-"`
	Organiser   *organiser.Decision         `json:"-"`
	Errors      []AreaError                 `json:"-"`
	Trace       *wk.Trace                   `json:"-"`
	outputsOnce sync.Once
	outputs     map[string]any // built from the fields above on first use
	// hoursTrace and vouchersTrace hold the steps of the voucher decision
	// (which decides the hours too) until they go into Trace in order.
	hoursTrace, vouchersTrace *wk.Trace
}

// AreaError is why an area could not be decided.
type AreaError struct {
	Area string
	Err  error
}

func (e AreaError) Error() string { return e.Area + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e AreaError) Unwrap() error { return e.Err }

// Decide decides every area the case has data for, on date. It returns an
// error only when nothing could be decided at all: a case with nothing to
// decide, or one whose every area failed (then the error joins theirs).
// Areas that failed while others succeeded are listed in Result.Errors.
func (e *Engine) Decide(date wk.Date, c *dossier.Case, opts ...wk.Option) (*Result, error) {
	if c == nil {
		c = &dossier.Case{}
	}
	o := wk.Apply(opts)
	// Validate once for all the areas. An invalid case goes to each area
	// unvalidated, so that each reports what it finds, as on its own.
	if !o.Validated && c.Validate() == nil {
		opts = append(opts[:len(opts):len(opts)], wk.CaseValidated())
	}
	r := &Result{Date: date}
	if o.Trace {
		r.Trace = &wk.Trace{}
	}
	tried := 0
	if c.Person != nil {
		tried++
		d, err := e.eligibility.Decide(date, c, opts...)
		if err != nil {
			r.Errors = append(r.Errors, AreaError{Area: eligibility.Area, Err: err})
		} else {
			r.Eligibility = d
			r.addTrace(d.Trace)
		}
	}
	if c.Trajectory != nil {
		tried++
		if err := e.decideTrajectory(r, date, c, opts); err != nil {
			r.Errors = append(r.Errors, AreaError{Area: trajectory.Area, Err: err})
		}
	}
	// Vouchers first: the pay of a request rests on its hours, which the
	// voucher decision computes and the hours paths then reuse.
	if vouchers.HasData(c) {
		tried++
		if err := e.decideVouchers(r, date, c, opts); err != nil {
			r.Errors = append(r.Errors, AreaError{Area: vouchers.Area, Err: err})
		}
	}
	if c.Request != nil {
		tried++
		var h *trajectory.Hours
		var err error
		if r.Vouchers != nil && r.Vouchers.Pay != nil {
			h = r.Vouchers.Pay.Hours
		} else if h, err = e.trajectory.Hours(date, c, opts...); err == nil && h.Trace != nil {
			r.hoursTrace = &wk.Trace{Steps: stepsOf(h.Trace, trajectory.AreaHours)}
		}
		if err != nil {
			r.Errors = append(r.Errors, AreaError{Area: trajectory.AreaHours, Err: err})
		} else {
			r.Hours = h
		}
	}
	r.addTrace(r.hoursTrace)
	r.addTrace(r.vouchersTrace)
	if q := c.Request; q != nil && (q.Activity != "" || q.User.Type != "") {
		tried++
		if err := e.decidePlacement(r, date, c, opts); err != nil {
			r.Errors = append(r.Errors, AreaError{Area: placement.Area, Err: err})
		}
	}
	if c.Person != nil || c.CommunityService != nil {
		tried++
		cs, err := e.placement.CommunityService(date, c, opts...)
		if err != nil {
			r.Errors = append(r.Errors, AreaError{Area: placement.AreaCommunityService, Err: err})
		} else {
			r.Community = cs
			r.addTrace(cs.Trace)
		}
	}
	if organiser.HasData(c) {
		tried++
		d, err := e.organiser.Decide(date, c, opts...)
		if err != nil {
			r.Errors = append(r.Errors, AreaError{Area: organiser.Area, Err: err})
		} else {
			r.Organiser = d
			r.addTrace(d.Trace)
		}
	}
	if tried == 0 {
		return nil, errors.New("the case has nothing to decide: give person, trajectory, request, organiser, cheque, purchase or community_service")
	}
	if len(r.Errors) == tried {
		errs := make([]error, len(r.Errors))
		for i, ae := range r.Errors {
			errs[i] = ae
		}
		return r, errors.Join(errs...)
	}
	return r, nil
}

func (e *Engine) decideTrajectory(r *Result, date wk.Date, c *dossier.Case, opts []wk.Option) error {
	d, err := e.trajectory.Decide(date, c, opts...)
	if err != nil {
		return err
	}
	r.Trajectory = d
	r.addTrace(d.Trace)
	r.Status = trajectory.StatusFrom(date, c, d)
	if c.Trajectory.Agreement != nil {
		a, err := e.trajectory.CheckAgreement(date, c, opts...)
		if err != nil {
			return err
		}
		r.Agreement = a
		if a.Trace != nil {
			// The period's steps are in the trace already.
			r.addTrace(&wk.Trace{Steps: stepsOf(a.Trace, trajectory.AreaAgreement)})
		}
	}
	return nil
}

func (e *Engine) decideVouchers(r *Result, date wk.Date, c *dossier.Case, opts []wk.Option) error {
	v, err := e.vouchers.Decide(date, c, opts...)
	if err != nil {
		return err
	}
	r.Vouchers = v
	if v.Trace != nil {
		// The trajectory's steps are in the trace already when the case
		// has one; the hours' steps go in under the hours.
		r.hoursTrace = &wk.Trace{Steps: stepsOf(v.Trace, trajectory.AreaHours)}
		v.Trace = &wk.Trace{Steps: stepsOf(v.Trace, vouchers.Area)}
		r.vouchersTrace = v.Trace
	}
	return nil
}

func (e *Engine) decidePlacement(r *Result, date wk.Date, c *dossier.Case, opts []wk.Option) error {
	p, err := e.placement.Decide(date, c, opts...)
	if err != nil {
		return err
	}
	r.Placement = p
	r.addTrace(p.Trace)
	// The whole assignment, when the case has the worker and the other
	// areas could decide.
	if c.Person == nil || c.Trajectory == nil || c.Trajectory.Start.IsZero() || r.Eligibility == nil || r.Hours == nil {
		return nil
	}
	a, err := e.placement.AssignmentFrom(date, c, r.Eligibility, r.Hours, p, opts...)
	if err != nil {
		return err
	}
	r.addTrace(a.Trace)
	r.Assignment = a
	return nil
}

func stepsOf(t *wk.Trace, area string) []wk.Step {
	var out []wk.Step
	for _, s := range t.Steps {
		if s.Area == area {
			out = append(out, s)
		}
	}
	return out
}

// nullDate is nil for the zero Date (a computed null), else the date.
func nullDate(d wk.Date) any {
	if d.IsZero() {
		return nil
	}
	return d
}

func (r *Result) addTrace(t *wk.Trace) {
	if r.Trace != nil && t != nil {
		r.Trace.Steps = append(r.Trace.Steps, t.Steps...)
	}
}

// outs returns the outputs by path, built once from the typed parts: a
// decision that is only read through its fields never builds them.
func (r *Result) outs() map[string]any {
	r.outputsOnce.Do(func() { r.outputs = r.buildOutputs() })
	return r.outputs
}

func (r *Result) buildOutputs() map[string]any {
	o := make(map[string]any, 32)
	if d := r.Eligibility; d != nil {
		o["eligibility.eligible"] = d.Eligible
		o["eligibility.reasons"] = wk.Codes(d.Reasons)
		o["eligibility.referrer"] = d.Referrer
	}
	if d := r.Trajectory; d != nil {
		o["trajectory.last_day"] = nullDate(d.LastDay)
		o["trajectory.transitional"] = d.Transitional
		o["trajectory.next_evaluation_due"] = d.NextEvaluationDue
		o["trajectory.evaluation_overdue"] = d.EvaluationOverdue
	}
	if s := r.Status; s != nil {
		o["trajectory.status"] = s.State
	}
	if a := r.Agreement; a != nil {
		o["agreement.valid"] = a.Valid
		o["agreement.reasons"] = wk.Codes(a.Reasons)
	}
	if h := r.Hours; h != nil {
		o["hours.allowed"] = h.Allowed
		o["hours.counted"] = h.Counted
		o["hours.month_remaining"] = h.MonthRemaining
		o["hours.year_remaining"] = h.YearRemaining
		o["hours.reasons"] = wk.Codes(h.Reasons)
	}
	if v := r.Vouchers; v != nil {
		if v.Price != nil && v.Price.Judged {
			o["vouchers.price_valid"] = v.Price.Valid
		}
		if v.Price != nil && v.Price.InForce != nil {
			o["vouchers.price_in_force"] = *v.Price.InForce
		}
		if v.CovidCompensation != nil {
			o["vouchers.covid_compensation"] = *v.CovidCompensation
		}
		if v.Pay != nil {
			o["vouchers.cheques_needed"] = v.Pay.ChequesNeeded
			o["vouchers.allowance"] = v.Pay.Allowance
			o["vouchers.travel_allowance"] = v.Pay.TravelAllowance
		}
		if v.RegistrationFee != nil {
			o["vouchers.registration_fee"] = *v.RegistrationFee
		}
		if v.Validity != nil {
			o["vouchers.expires"] = v.Validity.Expires
			o["vouchers.valid"] = v.Validity.Valid
		}
		if v.Tax != nil {
			o["vouchers.tax_reduction"] = v.Tax.Reduction
		}
		if v.Price != nil || v.Pay != nil || v.RegistrationFee != nil || v.Validity != nil || v.Tax != nil {
			o["vouchers.reasons"] = wk.Codes(v.Reasons)
		}
	}
	if d := r.Organiser; d != nil {
		o["organiser.valid"] = d.Valid
		o["organiser.reasons"] = wk.Codes(d.Reasons)
	}
	if p := r.Placement; p != nil {
		o["placement.allowed"] = p.Allowed
		o["placement.reasons"] = wk.Codes(p.Reasons)
	}
	if a := r.Assignment; a != nil {
		o["placement.assignment_allowed"] = a.Allowed
		o["placement.assignment_reasons"] = wk.Codes(a.Reasons)
	}
	if cs := r.Community; cs != nil {
		if cs.Eligible != nil {
			o["community_service.eligible"] = *cs.Eligible
		}
		if cs.PlanValid != nil {
			o["community_service.plan_valid"] = *cs.PlanValid
			o["community_service.allowance"] = *cs.Allowance
		}
		o["community_service.reasons"] = wk.Codes(cs.Reasons)
	}
	return o
}

// Get returns the value at an output path: a bool, string, int,
// decimal.Decimal, wijkwerken.Date, []string (reason codes) or nil (a
// computed null). ok is false when the path was not computed for this case.
func (r *Result) Get(path string) (v any, ok bool) {
	v, ok = r.outs()[path]
	return v, ok
}

// Computed returns the output paths computed for this case, sorted.
func (r *Result) Computed() []string {
	out := make([]string, 0, len(r.outs()))
	for p := range r.outs() {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Err returns the error of the area that computes path, if that area failed.
func (r *Result) Err(path string) error {
	area := AreaOf(path)
	for _, ae := range r.Errors {
		if ae.Area == area {
			return ae.Err
		}
	}
	return nil
}

// MarshalJSON writes the result as the nested object the output paths
// address ({"eligibility": {"eligible": true, ...}}), with the decision
// date, the reasons in full under "explanations", the errors of areas that
// failed under "errors" and, when asked for, the trace.
func (r *Result) MarshalJSON() ([]byte, error) { return json.Marshal(r.doc(true)) }

// OutputsJSON is the result as MarshalJSON writes it, without the
// explanations: the outputs, the errors and, when asked for, the trace. It
// is what a bulk stream writes unless asked to explain.
func (r *Result) OutputsJSON() ([]byte, error) { return json.Marshal(r.doc(false)) }

func (r *Result) doc(explain bool) map[string]any {
	doc := map[string]any{"date": r.Date}
	for p, v := range r.outs() {
		area, field, _ := strings.Cut(p, ".")
		m, _ := doc[area].(map[string]any)
		if m == nil {
			m = map[string]any{}
			doc[area] = m
		}
		m[field] = v
	}
	if expl := r.Reasons(); explain && len(expl) > 0 {
		doc["explanations"] = expl
	}
	if len(r.Errors) > 0 {
		errs := map[string]string{}
		for _, ae := range r.Errors {
			errs[ae.Area] = ae.Err.Error()
		}
		doc["errors"] = errs
	}
	if r.Trace != nil {
		doc["trace"] = r.Trace
	}
	return doc
}

// Reasons returns the reasons of every area decided, in full (code,
// messages, rule, citation), in area order, each rule's reason once.
func (r *Result) Reasons() []wk.Reason {
	out := r.allReasons()
	seen := make(map[string]bool, len(out))
	kept := out[:0]
	for _, x := range out {
		if !seen[x.Rule] {
			seen[x.Rule] = true
			kept = append(kept, x)
		}
	}
	return kept
}

func (r *Result) allReasons() []wk.Reason {
	var out []wk.Reason
	if r.Eligibility != nil {
		out = append(out, r.Eligibility.Reasons...)
	}
	if r.Agreement != nil {
		out = append(out, r.Agreement.Reasons...)
	}
	if r.Hours != nil {
		out = append(out, r.Hours.Reasons...)
	}
	if r.Vouchers != nil {
		out = append(out, r.Vouchers.Reasons...)
	}
	if r.Assignment != nil {
		out = append(out, r.Assignment.Reasons...)
	} else if r.Placement != nil {
		out = append(out, r.Placement.Reasons...)
	}
	if r.Community != nil {
		out = append(out, r.Community.Reasons...)
	}
	if r.Organiser != nil {
		out = append(out, r.Organiser.Reasons...)
	}
	return out
}

// FormatValue writes an output value as the JSON form scenarios compare
// against (decimals exact, dates YYYY-MM-DD, null).
func FormatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case wk.Date:
		if x.IsZero() {
			return "null"
		}
		return x.String()
	case []string:
		return "[" + strings.Join(x, ", ") + "]"
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}
