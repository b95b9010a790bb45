// Package decision makes one decision for a whole case: it evaluates every
// area of the regulation the case document has data for and returns one
// combined result, addressed by the output paths of docs/contract.md
// (eligibility.eligible, hours.allowed, ...). The scenario runner and the
// command line use it; vendors who want one call per case can too.
//
// The areas are declared by the domain packages (their Areas: the area's
// name, what it reads from the areas before it, when the case has
// something for it, and the result type whose path tags declare its
// outputs); this package runs them in dependency order over one
// area.State, so that each fact is decided once, and derives its output
// paths and JSON from those declarations.
package decision

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/area"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/eligibility"
	"github.com/openwijkwerken/wijkwerken/organiser"
	"github.com/openwijkwerken/wijkwerken/placement"
	"github.com/openwijkwerken/wijkwerken/trajectory"
	"github.com/openwijkwerken/wijkwerken/vouchers"
	"github.com/shopspring/decimal"
)

// packages are the domain packages a combined decision decides: a new
// area is a new package and one line here.
var packages = []area.Package{
	eligibility.Areas,
	trajectory.Areas,
	vouchers.Areas,
	placement.Areas,
	organiser.Areas,
}

// Kind classifies an output path (see area.Kind).
type Kind = area.Kind

// The kinds of output path.
const (
	Decision    = area.Decision
	Reasons     = area.Reasons
	Bookkeeping = area.Bookkeeping
)

// Path describes one output path of the combined result.
type Path struct {
	Path    string `json:"path"`
	Area    string `json:"area"`
	Meaning string `json:"meaning"`
	// Kind says what the output is to someone comparing outcomes: every
	// path is classified once, beside its declaration.
	Kind Kind `json:"kind"`
}

// maxAreas is the most areas a combined decision holds (as many as an
// area.State does).
const maxAreas = 16

// registry is what the packages declare, in the order areas run.
type registry struct {
	defs      []area.Definition
	paths     []*area.Path // in declaration order
	byPath    map[string]*area.Path
	pathDef   map[string]int // path -> index in defs
	pathIdx   map[string]int // path -> index in paths
	defOf     []int          // by index in paths: the index in defs
	reasons   [][]int        // by def: the index of the result's Reasons field, nil without
	ruleAreas []string
	// top is the result's JSON object as MarshalJSON writes it: its keys
	// in order (encoding/json's, sorted), each a section of output paths
	// or one of the entries beside them.
	top []jsonKey
	err error
}

// jsonKey is a key of the result's JSON: a section of output paths (its
// paths sorted by their names in it), or date, errors, explanations,
// trace.
type jsonKey struct {
	name   string
	quoted []byte // "name":
	paths  []jsonPath
}

type jsonPath struct {
	key    string // the path without its section
	quoted []byte // "key":
	p      *area.Path
	def    int
}

var declared = sync.OnceValue(func() *registry {
	r := &registry{byPath: map[string]*area.Path{}, pathDef: map[string]int{}, pathIdx: map[string]int{}}
	var defs []area.Definition
	for _, p := range packages {
		defs = append(defs, p.Areas...)
		r.ruleAreas = append(r.ruleAreas, p.RuleAreas...)
	}
	if r.defs, r.err = order(defs); r.err != nil {
		return r
	}
	if len(r.defs) > maxAreas {
		r.err = fmt.Errorf("decision: %d areas, more than the %d a decision holds", len(r.defs), maxAreas)
		return r
	}
	for i, d := range r.defs {
		ps, err := area.Paths(d.Result, d.Section)
		if err != nil {
			r.err = err
			return r
		}
		for j := range ps {
			p := &ps[j]
			if _, dup := r.byPath[p.Path]; dup {
				r.err = fmt.Errorf("decision: output path %s is declared twice", p.Path)
				return r
			}
			r.byPath[p.Path], r.pathDef[p.Path], r.pathIdx[p.Path] = p, i, len(r.paths)
			r.paths = append(r.paths, p)
			r.defOf = append(r.defOf, i)
		}
	}
	for _, d := range r.defs {
		var idx []int
		if f, ok := d.Result.Elem().FieldByName("Reasons"); ok && f.Type == reasonsType {
			idx = f.Index
		}
		r.reasons = append(r.reasons, idx)
	}
	sections := map[string]*jsonKey{}
	for _, k := range reservedKeys {
		sections[k] = &jsonKey{name: k}
	}
	for _, p := range r.paths {
		section, key, _ := strings.Cut(p.Path, ".")
		k := sections[section]
		if k == nil {
			k = &jsonKey{name: section}
			sections[section] = k
		} else if k.paths == nil && slices.Contains(reservedKeys, section) {
			r.err = fmt.Errorf("decision: output path %s is in a section the result's JSON keeps for itself", p.Path)
			return r
		}
		k.paths = append(k.paths, jsonPath{key: key, quoted: append(area.AppendJSONString(nil, key), ':'), p: p, def: r.pathDef[p.Path]})
	}
	for _, k := range sections {
		k.quoted = append(area.AppendJSONString(nil, k.name), ':')
		sort.Slice(k.paths, func(i, j int) bool { return k.paths[i].key < k.paths[j].key })
		r.top = append(r.top, *k)
	}
	sort.Slice(r.top, func(i, j int) bool { return r.top[i].name < r.top[j].name })
	return r
})

// order sorts the definitions so that each comes after those it reads
// from, keeping the packages' order where it may.
func order(defs []area.Definition) ([]area.Definition, error) {
	byName := map[string]int{}
	for i, d := range defs {
		if _, dup := byName[d.Name]; dup {
			return nil, fmt.Errorf("decision: area %s is declared twice", d.Name)
		}
		byName[d.Name] = i
	}
	var out []area.Definition
	state := make([]int, len(defs)) // 0 new, 1 visiting, 2 done
	var visit func(i int) error
	visit = func(i int) error {
		switch state[i] {
		case 1:
			return fmt.Errorf("decision: area %s depends on itself", defs[i].Name)
		case 2:
			return nil
		}
		state[i] = 1
		for _, a := range defs[i].After {
			j, ok := byName[a]
			if !ok {
				return fmt.Errorf("decision: area %s comes after %s, which no package declares", defs[i].Name, a)
			}
			if err := visit(j); err != nil {
				return err
			}
		}
		state[i] = 2
		out = append(out, defs[i])
		return nil
	}
	for i := range defs {
		if err := visit(i); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Paths returns every output path a result may hold.
func Paths() []Path {
	r := declared()
	out := make([]Path, len(r.paths))
	for i, p := range r.paths {
		out[i] = Path{Path: p.Path, Area: p.Section, Meaning: p.Meaning, Kind: p.Kind}
	}
	return out
}

// Known reports whether path is an output path of the contract.
func Known(path string) bool {
	_, ok := declared().byPath[path]
	return ok
}

// AreaOf returns the area that computes path ("" for an unknown path).
func AreaOf(path string) string {
	if p, ok := declared().byPath[path]; ok {
		return p.Section
	}
	return ""
}

// Engine decides whole cases against one rulebook. It compiles every area
// once; it is immutable and safe for concurrent use.
type Engine struct {
	rb       *wk.Rulebook
	reg      *registry
	steps    []area.DecideFunc // by index in reg.defs
	ruleSets []*area.RuleSet
	// fingerprint is the rulebook's, quoted as JSON, computed when a
	// result's JSON first needs it (tools that build an engine per
	// mutant never do).
	fingerprintOnce sync.Once
	fingerprintJSON []byte
}

// reservedKeys are the keys of a result's JSON that are not areas.
var reservedKeys = []string{"date", "engine", "errors", "explanations", "fingerprint", "trace"}

// engineJSON is the engine's version, quoted as JSON.
var engineJSON = area.AppendJSONString(nil, wk.Version().Version)

// Fingerprint returns the fingerprint of the engine's rulebook
// (wijkwerken.Rulebook.Fingerprint), computed once.
func (e *Engine) Fingerprint() string {
	j := e.quotedFingerprint()
	return string(j[1 : len(j)-1])
}

func (e *Engine) quotedFingerprint() []byte {
	e.fingerprintOnce.Do(func() { e.fingerprintJSON = area.AppendJSONString(nil, e.rb.Fingerprint()) })
	return e.fingerprintJSON
}

// New compiles every area of the rulebook. Every problem of every area is
// reported (as *wijkwerken.LoadError where the rules are at fault).
func New(rb *wk.Rulebook) (*Engine, error) {
	reg := declared()
	if reg.err != nil {
		return nil, reg.err
	}
	e := &Engine{rb: rb, reg: reg, steps: make([]area.DecideFunc, len(reg.defs))}
	c := area.NewCompiler(rb)
	var errs []error
	fns := map[string]area.DecideFunc{}
	for _, p := range packages {
		m, err := p.Compile(c)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for k, f := range m.Decide {
			fns[k] = f
		}
		e.ruleSets = append(e.ruleSets, m.RuleSets...)
	}
	// A rule in an area no engine decides would be silently ignored (an
	// area misspelled in a reform, say): that is a broken rulebook.
	for _, r := range rb.Rules("") {
		if !slices.Contains(reg.ruleAreas, r.Area) {
			u := &wk.UnknownError{What: "area", ID: r.Area, Known: reg.ruleAreas}
			errs = append(errs, &wk.LoadError{Problems: []wk.Problem{{Pos: r.Pos, ID: r.ID, Msg: u.Error() + " (areas: " + strings.Join(reg.ruleAreas, ", ") + ")"}}})
		}
	}
	if err := area.JoinErrors(errs...); err != nil {
		return nil, err
	}
	if err := checkWork(rb, e.ruleSets); err != nil {
		return nil, err
	}
	for i, d := range reg.defs {
		f, ok := fns[d.Name]
		if !ok {
			return nil, fmt.Errorf("decision: no package compiles area %s", d.Name)
		}
		e.steps[i] = f
	}
	return e, nil
}

// checkWork refuses rules that together could take more than the
// rulebook's work budget on one decision, at the costliest rule.
func checkWork(rb *wk.Rulebook, sets []*area.RuleSet) error {
	var w area.Work
	seen := map[*area.RuleSet]bool{}
	for _, rs := range sets {
		if !seen[rs] {
			seen[rs] = true
			w.Merge(rs.Work())
		}
	}
	if w.Steps <= rb.WorkBudget() || w.Costliest == nil {
		return nil
	}
	r := w.Costliest
	return &wk.LoadError{Problems: []wk.Problem{{Pos: r.ExprPos, ID: r.ID, Msg: fmt.Sprintf(
		"the rules of a decision may take up to %d steps together, the costliest this one (%d steps); at most %d (the rulebook's work budget)",
		w.Steps, w.Most, rb.WorkBudget())}}}
}

// Rulebook returns the rulebook the engine decides with.
func (e *Engine) Rulebook() *wk.Rulebook { return e.rb }

// RuleSets returns the compiled rule set of every rulebook area the engine
// decides, for tools that inspect them.
func (e *Engine) RuleSets() []*area.RuleSet { return append([]*area.RuleSet(nil), e.ruleSets...) }

// Result is the combined decision for a case on a date. Each area the case
// has data for is decided; an area that could not be decided has its error
// in Errors and none of its outputs. The typed fields hold each area's
// decision (nil when it was not decided); Area returns any area's.
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
	reg         *registry
	eng         *Engine
	results     []any // by index in reg.defs; nil where not decided
	resultsBuf  [maxAreas]any
	errs        [maxAreas]error // by index in reg.defs
	validated   bool            // the case passed Case.Validate (or was given as such)
	outputsOnce sync.Once
	outputs     map[string]any // built on first use
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
	return e.decide(date, c, opts, nil, nil)
}

// decide is Decide; with a baseline, the areas not marked changed take the
// baseline's results (or errors) instead of being decided again.
func (e *Engine) decide(date wk.Date, c *dossier.Case, opts []wk.Option, base *Result, changed []bool) (*Result, error) {
	if c == nil {
		c = &dossier.Case{}
	}
	s := area.AcquireState(date, c, opts...)
	defer s.Release()
	// Validate once for all the areas (a baseline decision of the same
	// case validated it already). An invalid case goes to each area
	// unvalidated, so that each reports what it finds, as on its own.
	if !s.Options.Validated && ((base != nil && base.validated) || c.Validate() == nil) {
		s.Options.Validated = true
	}
	r := &Result{Date: date, Trace: s.Trace, reg: e.reg, eng: e, validated: s.Options.Validated}
	r.results = r.resultsBuf[:len(e.steps):len(e.steps)]
	tried, failed := 0, 0
	for i, d := range e.reg.defs {
		if !d.Applies(s) {
			continue
		}
		tried++
		var res any
		var err error
		if base != nil && !changed[i] {
			// Nothing the area reads from the rulebook differs, nor does
			// any area it rests on: the baseline's decision stands.
			res, err = base.results[i], base.errs[i]
			s.Put(d.Name, res, err)
		} else {
			res, err = e.steps[i](s)
		}
		r.errs[i] = err
		if err != nil {
			failed++
			r.addError(d.Section, err)
			continue
		}
		r.results[i] = res
	}
	if tried == 0 {
		return nil, errors.New("the case has nothing to decide: give person, trajectory, request, organiser, cheque, purchase or community_service")
	}
	r.Eligibility, _, _ = area.Get[*eligibility.Decision](s, eligibility.Area)
	r.Trajectory, _, _ = area.Get[*trajectory.Decision](s, trajectory.Area)
	r.Status, _, _ = area.Get[*trajectory.Status](s, trajectory.AreaStatus)
	r.Agreement, _, _ = area.Get[*trajectory.AgreementCheck](s, trajectory.AreaAgreement)
	r.Hours, _, _ = area.Get[*trajectory.Hours](s, trajectory.AreaHours)
	r.Vouchers, _, _ = area.Get[*vouchers.Decision](s, vouchers.Area)
	r.Placement, _, _ = area.Get[*placement.Decision](s, placement.Area)
	r.Assignment, _, _ = area.Get[*placement.AssignmentCheck](s, placement.AreaAssignment)
	r.Community, _, _ = area.Get[*placement.CommunityService](s, placement.AreaCommunityService)
	r.Organiser, _, _ = area.Get[*organiser.Decision](s, organiser.Area)
	if failed == tried {
		errs := make([]error, len(r.Errors))
		for i, ae := range r.Errors {
			errs[i] = ae
		}
		return r, errors.Join(errs...)
	}
	return r, nil
}

// addError records an area's error once per section: an area that could
// not decide because the one it rests on failed (the status of a
// trajectory that could not be decided) adds nothing new.
func (r *Result) addError(section string, err error) {
	for _, ae := range r.Errors {
		if ae.Area == section {
			return
		}
	}
	r.Errors = append(r.Errors, AreaError{Area: section, Err: err})
}

// Area returns the decision of the named area ("hours", "organiser"),
// and whether it was decided.
func (r *Result) Area(name string) (any, bool) {
	for i, d := range r.reg.defs {
		if d.Name == name && r.results[i] != nil {
			return r.results[i], true
		}
	}
	return nil, false
}

// outs returns the outputs by path, built once from the areas' decisions:
// a decision that is only read through its fields never builds them.
func (r *Result) outs() map[string]any {
	r.outputsOnce.Do(func() {
		r.outputs = make(map[string]any, len(r.reg.paths))
		for i, p := range r.reg.paths {
			if v, ok := r.value(i); ok {
				r.outputs[p.Path] = v
			}
		}
	})
	return r.outputs
}

func (r *Result) value(i int) (any, bool) {
	p := r.reg.paths[i]
	res := r.results[r.reg.defOf[i]]
	if res == nil {
		return nil, false
	}
	return p.Value(res)
}

// Get returns the value at an output path: a bool, string, int,
// decimal.Decimal, wijkwerken.Date, []string (reason codes) or nil (a
// computed null). ok is false when the path was not computed for this case.
func (r *Result) Get(path string) (v any, ok bool) {
	i, known := r.reg.pathIdx[path]
	if !known {
		return nil, false
	}
	return r.value(i)
}

// PathIndex returns the index of path in Paths(), -1 for an unknown path:
// At reads a path by it, without looking its name up.
func PathIndex(path string) int {
	if i, ok := declared().pathIdx[path]; ok {
		return i
	}
	return -1
}

// At returns the value of the i-th path of Paths(), as Get does.
func (r *Result) At(i int) (v any, ok bool) {
	if i < 0 || i >= len(r.reg.paths) {
		return nil, false
	}
	return r.value(i)
}

// Shared reports whether the i-th path of Paths() has its value from one
// and the same area decision in r and o: a Delta keeps the decisions a
// reform cannot change, so their values are equal without comparing them.
func (r *Result) Shared(o *Result, i int) bool {
	if o == nil || r.reg != o.reg || i < 0 || i >= len(r.reg.paths) {
		return false
	}
	def := r.reg.defOf[i]
	a, b := r.results[def], o.results[def]
	return a != nil && b != nil && a == b
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
	a := AreaOf(path)
	for _, ae := range r.Errors {
		if ae.Area == a {
			return ae.Err
		}
	}
	return nil
}

// MarshalJSON writes the result as the nested object the output paths
// address ({"eligibility": {"eligible": true, ...}}), with the decision
// date, the rulebook's fingerprint and the engine's version (which rules
// and which build decided), the reasons in full under "explanations", the
// errors of areas that failed under "errors" and, when asked for, the
// trace.
func (r *Result) MarshalJSON() ([]byte, error) { return r.AppendJSON(nil, true) }

// OutputsJSON is the result as MarshalJSON writes it, without the
// explanations: the outputs, the errors and, when asked for, the trace. It
// is what a bulk stream writes unless asked to explain.
func (r *Result) OutputsJSON() ([]byte, error) { return r.AppendJSON(nil, false) }

// AppendJSON appends the result as MarshalJSON writes it (with the
// explanations when explain) to b: written directly from the areas'
// results by their declared output paths, keys in encoding/json's order,
// nothing boxed on the way.
func (r *Result) AppendJSON(b []byte, explain bool) ([]byte, error) {
	b = append(b, '{')
	first := true
	for i := range r.reg.top {
		k := &r.reg.top[i]
		key := func(string) { b, first = appendKey(b, first, k.quoted) }
		switch k.name {
		case "date":
			key("date")
			d, _ := r.Date.MarshalJSON()
			b = append(b, d...)
			continue
		case "engine":
			key("engine")
			b = append(b, engineJSON...)
			continue
		case "fingerprint":
			if r.eng == nil {
				continue
			}
			key("fingerprint")
			b = append(b, r.eng.quotedFingerprint()...)
			continue
		case "errors":
			if len(r.Errors) == 0 {
				continue
			}
			key("errors")
			b = r.appendErrors(b)
			continue
		case "explanations":
			if !explain {
				continue
			}
			expl := r.Reasons()
			if len(expl) == 0 {
				continue
			}
			key("explanations")
			j, err := json.Marshal(expl)
			if err != nil {
				return nil, err
			}
			b = append(b, j...)
			continue
		case "trace":
			if r.Trace == nil {
				continue
			}
			key("trace")
			j, err := json.Marshal(r.Trace)
			if err != nil {
				return nil, err
			}
			b = append(b, j...)
			continue
		}
		opened := false
		for j := range k.paths {
			jp := &k.paths[j]
			res := r.results[jp.def]
			if res == nil {
				continue
			}
			mark, wasFirst := len(b), first
			if !opened {
				key(k.name)
				b = append(b, '{')
			} else {
				b = append(b, ',')
			}
			b = append(b, jp.quoted...)
			var ok bool
			if b, ok = jp.p.AppendJSON(b, res); !ok {
				b, first = b[:mark], wasFirst // absent: undo its key
				continue
			}
			opened = true
		}
		if opened {
			b = append(b, '}')
		}
	}
	return append(b, '}'), nil
}

// appendKey writes an object's key, after a comma unless it is the first.
func appendKey(b []byte, first bool, quoted []byte) ([]byte, bool) {
	if !first {
		b = append(b, ',')
	}
	return append(b, quoted...), false
}

// appendErrors writes the errors of the areas that failed, by area, keys
// sorted.
func (r *Result) appendErrors(b []byte) []byte {
	errs := make([]AreaError, len(r.Errors))
	copy(errs, r.Errors)
	sort.Slice(errs, func(i, j int) bool { return errs[i].Area < errs[j].Area })
	b = append(b, '{')
	for i, ae := range errs {
		if i > 0 && ae.Area == errs[i-1].Area {
			continue // one per area, as in a map
		}
		if i > 0 {
			b = append(b, ',')
		}
		b = append(area.AppendJSONString(b, ae.Area), ':')
		b = area.AppendJSONString(b, ae.Err.Error())
	}
	return append(b, '}')
}

var reasonsType = reflect.TypeFor[[]wk.Reason]()

// Reasons returns the reasons of every area decided, in full (code,
// messages, rule, citation), in the order the areas ran, each rule's
// reason once.
func (r *Result) Reasons() []wk.Reason {
	var out []wk.Reason
	for i, res := range r.results {
		if res == nil || r.reg.reasons[i] == nil {
			continue
		}
		f, err := reflect.ValueOf(res).Elem().FieldByIndexErr(r.reg.reasons[i])
		if err != nil {
			continue // through a nil embedded pointer
		}
		for _, x := range f.Interface().([]wk.Reason) {
			if !slices.ContainsFunc(out, func(y wk.Reason) bool { return y.Rule == x.Rule }) {
				out = append(out, x)
			}
		}
	}
	return out
}

// FormatValue writes an output value for people, as scenarios compare it:
// dates YYYY-MM-DD, null, reason lists in brackets, and decimals (every
// decimal output is an amount of money) exact with at least two places,
// as money is written: 4.10, not 4.1 (the JSON keeps the shortest form).
func FormatValue(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case decimal.Decimal:
		places := 0
		if _, frac, ok := strings.Cut(x.String(), "."); ok {
			places = len(frac)
		}
		return x.StringFixed(int32(max(2, places)))
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
