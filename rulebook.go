package wijkwerken

import (
	"fmt"
	"sort"
	"strings"

	"github.com/openwijkwerken/wijkwerken/internal/suggest"
)

// Text is a message in Dutch and English.
type Text struct {
	NL string `json:"nl" yaml:"nl"`
	EN string `json:"en" yaml:"en"`
}

// In returns the text in lang: "nl" (Dutch) or "en" (English, also for any
// other lang); in the other language when it has none in lang.
func (t Text) In(lang string) string {
	first, other := t.EN, t.NL
	if lang == "nl" {
		first, other = t.NL, t.EN
	}
	if first == "" {
		return other
	}
	return first
}

// Position is a place in a rulebook, reform or scenario file.
type Position struct {
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
}

// String formats the position as file:line (or file:line:column).
func (p Position) String() string {
	switch {
	case p.File == "" && p.Line == 0:
		return "-"
	case p.Column > 0:
		return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Column)
	case p.Line > 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return p.File
}

// Parameter is a regulatory number, date, amount or list with its timeline
// of values. Parameters are read-only once their rulebook is built.
type Parameter struct {
	ID   string `json:"id"`
	Kind Kind   `json:"type"`
	Unit string `json:"unit,omitempty"`
	// Min and Max, when set, bound every value of an integer, decimal or
	// date parameter (inclusive): what the rules can compute with (a
	// divisor above 0, a duration of at least a month), so that a reform
	// setting a value no decision could use is a load error, not a
	// failure of every decision.
	Min         *Value       `json:"min,omitempty"`
	Max         *Value       `json:"max,omitempty"`
	Cite        string       `json:"cite"`
	Sources     []string     `json:"sources,omitempty"` // public URLs of what Cite names
	Confidence  string       `json:"confidence,omitempty"`
	Source      string       `json:"source,omitempty"`
	Description Text         `json:"description"`
	Values      []ParamValue `json:"values"` // ordered by From, never overlapping
	Pos         Position     `json:"pos"`
}

// ParamValue is one value of a parameter's timeline, in force from From to
// To inclusive (a zero To is open-ended). Cite, Sources, Confidence and
// Source, when set, refine the parameter's own.
type ParamValue struct {
	From       Date     `json:"from"`
	To         Date     `json:"to,omitzero"`
	Value      Value    `json:"value"`
	Cite       string   `json:"cite,omitempty"`
	Sources    []string `json:"sources,omitempty"`
	Confidence string   `json:"confidence,omitempty"`
	Source     string   `json:"source,omitempty"`
	Reform     string   `json:"reform,omitempty"` // the reform that set it, if any
	Pos        Position `json:"pos"`
}

// covers reports whether the value is in force on d.
func (v *ParamValue) covers(d Date) bool {
	return !d.Before(v.From) && (v.To.IsZero() || !d.After(v.To))
}

// At returns the value in force on d, and false when none is.
func (p *Parameter) At(d Date) (*ParamValue, bool) {
	// Timelines are short (a handful of values): a linear scan from the end
	// is faster than a binary search and finds the newest value first.
	for i := len(p.Values) - 1; i >= 0; i-- {
		if v := &p.Values[i]; v.covers(d) {
			return v, true
		}
	}
	return nil, false
}

// CiteAt returns the citation of the value in force on d, falling back to the
// parameter's own.
func (p *Parameter) CiteAt(d Date) string {
	if v, ok := p.At(d); ok && v.Cite != "" {
		return v.Cite
	}
	return p.Cite
}

// Provenance returns what stands behind value v of the parameter: its
// citation, source URLs and confidence, each the value's own when it has
// one, else the parameter's.
func (p *Parameter) Provenance(v *ParamValue) (cite string, sources []string, confidence string) {
	cite, sources, confidence = p.Cite, p.Sources, p.Confidence
	if v.Cite != "" {
		cite = v.Cite
	}
	if len(v.Sources) > 0 {
		sources = v.Sources
	}
	if v.Confidence != "" {
		confidence = v.Confidence
	}
	return cite, sources, confidence
}

// Rule is one version of a regulatory rule: a condition that yields a reason
// code when true (When and Reason), or an expression that computes a named
// output (Value and Output). Rules are read-only once their rulebook is built.
type Rule struct {
	ID          string   `json:"id"`
	Area        string   `json:"area"`
	Cite        string   `json:"cite"`
	Sources     []string `json:"sources,omitempty"` // public URLs of what Cite names
	From        Date     `json:"from"`
	To          Date     `json:"to,omitzero"`
	Confidence  string   `json:"confidence,omitempty"`
	Source      string   `json:"source,omitempty"`
	Description Text     `json:"description"`
	Message     Text     `json:"message,omitempty"` // the finding, for conditions
	When        string   `json:"when,omitempty"`
	Reason      string   `json:"reason,omitempty"`
	Value       string   `json:"value,omitempty"`
	Output      string   `json:"output,omitempty"`
	Reform      string   `json:"reform,omitempty"` // the reform that added or replaced it
	Pos         Position `json:"pos"`              // the entry
	ExprPos     Position `json:"expr_pos"`         // the first character of the expression
	exprBlock   bool     // the expression is a YAML block scalar (starts on the next line)
	fromGiven   bool     // the entry has a from: key (a bad date is not a missing one)
	broken      bool     // the entry has a problem of its own (Lint): checked, never applied as is
}

// IsCondition reports whether the rule yields a reason (When/Reason) rather
// than a value (Value/Output).
func (r *Rule) IsCondition() bool { return r.When != "" }

// Expression returns the rule's expression source.
func (r *Rule) Expression() string {
	if r.IsCondition() {
		return r.When
	}
	return r.Value
}

// InForce reports whether this version of the rule applies on d.
func (r *Rule) InForce(d Date) bool {
	return !d.Before(r.From) && (r.To.IsZero() || !d.After(r.To))
}

// Rulebook is a complete, validated regulation: parameters with their
// timelines and rules with their versions. It is immutable once built and
// safe to share between goroutines. Reference returns the embedded
// reference rulebook, Load reads another, and Reform derives a changed copy.
type Rulebook struct {
	name       string
	params     map[string]*Parameter
	paramOrder []string // ids in load order
	paramIdx   map[string]int
	rules      []*Rule // all versions, in load order (versions of an id kept together)
	reforms    []string
	workBudget int // 0: DefaultWorkBudget
}

// WorkBudget returns the most work, in steps, the rules of one decision may
// take: an engine refuses a rulebook whose rules could take more (see
// DefaultWorkBudget). A reformed rulebook keeps the budget of the one it
// reforms.
func (rb *Rulebook) WorkBudget() int {
	if rb.workBudget <= 0 {
		return DefaultWorkBudget
	}
	return rb.workBudget
}

// WithWorkBudget returns a copy of the rulebook whose rules may take up to
// steps on one decision (steps <= 0 means DefaultWorkBudget), for a host
// that trusts the rules it loads and wants to allow costlier ones.
func (rb *Rulebook) WithWorkBudget(steps int) *Rulebook {
	c := *rb
	c.workBudget = max(steps, 0)
	return &c
}

// Name describes where the rulebook came from ("reference", a directory, or
// "reference + <reform>").
func (rb *Rulebook) Name() string { return rb.name }

// Reforms lists the names of the reforms applied to this rulebook, in order.
func (rb *Rulebook) Reforms() []string { return append([]string(nil), rb.reforms...) }

// Parameter returns the parameter with the given id.
func (rb *Rulebook) Parameter(id string) (*Parameter, bool) {
	p, ok := rb.params[id]
	return p, ok
}

// Parameters returns every parameter, ordered by id.
func (rb *Rulebook) Parameters() []*Parameter {
	out := make([]*Parameter, 0, len(rb.params))
	for _, id := range rb.paramOrder {
		out = append(out, rb.params[id])
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Param returns the value of parameter id in force on date d. The error
// names the parameter and the date when the id is unknown or no value is in
// force then.
func (rb *Rulebook) Param(id string, d Date) (Value, error) {
	p, ok := rb.params[id]
	if !ok {
		return Value{}, &UnknownError{What: "parameter", ID: id, Known: rb.paramOrder}
	}
	v, ok := p.At(d)
	if !ok {
		return Value{}, &NotInForceError{What: "parameter " + id, Date: d, Earliest: earliestParam(p)}
	}
	return v.Value, nil
}

func earliestParam(p *Parameter) Date {
	if len(p.Values) == 0 {
		return Date{}
	}
	return p.Values[0].From
}

// Rules returns the versions of rules of the given area (every area when
// area is empty), in rulebook order.
func (rb *Rulebook) Rules(area string) []*Rule {
	var out []*Rule
	for _, r := range rb.rules {
		if area == "" || r.Area == area {
			out = append(out, r)
		}
	}
	return out
}

// RulesAt returns the rules of an area in force on d, in rulebook order.
func (rb *Rulebook) RulesAt(area string, d Date) []*Rule {
	var out []*Rule
	for _, r := range rb.rules {
		if (area == "" || r.Area == area) && r.InForce(d) {
			out = append(out, r)
		}
	}
	return out
}

// Rule returns the version of rule id in force on d.
func (rb *Rulebook) Rule(id string, d Date) (*Rule, bool) {
	for _, r := range rb.rules {
		if r.ID == id && r.InForce(d) {
			return r, true
		}
	}
	return nil, false
}

// Areas returns the areas that have rules, sorted.
func (rb *Rulebook) Areas() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range rb.rules {
		if !seen[r.Area] {
			seen[r.Area] = true
			out = append(out, r.Area)
		}
	}
	sort.Strings(out)
	return out
}

// Earliest returns the first day on which any rule of the area is in force
// (every area when area is empty); the zero Date when it has none.
func (rb *Rulebook) Earliest(area string) Date {
	var first Date
	for _, r := range rb.rules {
		if (area == "" || r.Area == area) && (first.IsZero() || r.From.Before(first)) {
			first = r.From
		}
	}
	return first
}

// UnknownError reports a parameter, rule, area or output that the rulebook
// does not define.
type UnknownError struct {
	What  string   // "parameter", "rule", "area", "output"
	ID    string   // the unknown name
	Known []string // what would have been accepted, when short enough to list
}

func (e *UnknownError) Error() string {
	msg := fmt.Sprintf("unknown %s %q", e.What, e.ID)
	if s := suggest.Closest(e.ID, e.Known); s != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", s)
	}
	return msg
}

// NotInForceError reports a date on which no rule or value is in force:
// before wijk-werken started on the reference rulebook, or outside a
// parameter's timeline.
type NotInForceError struct {
	What     string // "eligibility rules", "parameter hours.per_month_max"
	Date     Date   // the date asked for
	Earliest Date   // the first date with something in force (zero if none)
}

func (e *NotInForceError) Error() string {
	msg := fmt.Sprintf("no %s in force on %s", e.What, e.Date)
	if !e.Earliest.IsZero() {
		if e.Date.Before(e.Earliest) {
			msg += fmt.Sprintf(" (in force from %s)", e.Earliest)
		} else {
			msg += fmt.Sprintf(" (first in force %s)", e.Earliest)
		}
	}
	return msg
}

func joinQuoted(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = fmt.Sprintf("%q", s)
	}
	return strings.Join(q, ", ")
}
