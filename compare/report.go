package compare

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"time"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/shopspring/decimal"
)

// Report is what changes when a population is decided under reformed
// rules instead of the baseline.
type Report struct {
	// Baseline names the baseline rulebook (with the reforms it carries).
	Baseline string          `json:"baseline"`
	Reforms  []ReformSummary `json:"reforms"`
	// Fingerprints identify the two rulebooks compared (the baseline, and
	// it with the reforms applied: wijkwerken.Rulebook.Fingerprint), and
	// Engine the build of the engine that decided both.
	Fingerprints Fingerprints `json:"fingerprints"`
	Engine       string       `json:"engine"` // wijkwerken.Version().Version
	// Date is the date every case was decided on (zero: each its own).
	Date wk.Date `json:"date,omitzero"`
	// Cases is the population's size; Decided the cases decided under both
	// rulebooks; Errors the lines that could not be (the first are kept).
	Cases      int           `json:"cases"`
	Decided    int           `json:"decided"`
	Errors     int           `json:"errors"`
	ErrorLines []LineError   `json:"error_lines,omitempty"`
	Elapsed    time.Duration `json:"elapsed_ns"`
	// Changed is how many cases have at least one output that changed,
	// bookkeeping included; Headline says which kind changed.
	Changed  int      `json:"changed"`
	Headline Headline `json:"headline"`
	// Actors are the winners and losers per kind of actor and measure.
	Actors []ActorChange `json:"actors"`
	// Budget is what changes per calendar year, for whom.
	Budget []BudgetYear `json:"budget"`
	// Groups break the headline, the winners and losers and the money
	// down by the fields of Options.By, in that order.
	Groups []GroupBreakdown `json:"groups,omitempty"`
	// Outputs has an entry for every output path computed for some case,
	// in the order of the contract (decision.Paths).
	Outputs []OutputChange `json:"outputs"`
	// Totals are money, hours and counts before and after.
	Totals []TotalChange `json:"totals"`
	// Rules are the rules whose reasons appear or disappear, most cases
	// first.
	Rules []RuleChange `json:"rules"`
}

// Headline counts the cases by the most telling kind of output that
// changed (decision.Path.Kind): a decision (eligible, hours allowed, pay,
// validity, tax, placement, community service); else only reasons; else
// only bookkeeping (hours still free before the request); else nothing.
// The four add up to the cases decided.
type Headline struct {
	DecisionChanged int `json:"decision_changed"`
	ReasonsOnly     int `json:"reasons_only"`
	BookkeepingOnly int `json:"bookkeeping_only"`
	Unchanged       int `json:"unchanged"`
}

// ReformSummary is one reform of the comparison and what it changes.
// Fingerprints are the fingerprints of the rulebooks a report compares.
type Fingerprints struct {
	Baseline string `json:"baseline"`
	Reformed string `json:"reformed,omitempty"` // a sweep has one per value
}

type ReformSummary struct {
	Name        string   `json:"name"`
	Description string   `json:"description,omitempty"`
	Cite        string   `json:"cite,omitempty"`
	File        string   `json:"file,omitempty"`
	Changes     []string `json:"changes"`
}

// OutputChange is how one output path changes over the population.
type OutputChange struct {
	Path string        `json:"path"`
	Area string        `json:"area"`
	Kind decision.Kind `json:"kind"`
	// Before and After count the cases the output was computed for.
	Before int `json:"before"`
	After  int `json:"after"`
	// Changed counts the cases whose value changed (or that gained or lost
	// the output).
	Changed    int         `json:"changed"`
	Directions []Direction `json:"directions"`
}

// Direction is one kind of change of an output: "false → true",
// "increased", "gained month_limit", "now computed", ... with how many
// cases and some examples.
type Direction struct {
	Kind     string    `json:"kind"`
	Cases    int       `json:"cases"`
	Examples []Example `json:"examples,omitempty"`
}

// Example is a case that changed, with its value before and after as
// scenario files write them ("-" where not computed).
type Example struct {
	Line   int    `json:"line"`
	ID     string `json:"id"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// TotalChange is a total before and after.
type TotalChange struct {
	Name   string          `json:"name"`
	Unit   string          `json:"unit"`
	How    string          `json:"how"`
	Before decimal.Decimal `json:"before"`
	After  decimal.Decimal `json:"after"`
	Change decimal.Decimal `json:"change"`
}

// RuleChange is a rule whose reason appears in cases where it did not
// (Started) or disappears where it did (Stopped).
type RuleChange struct {
	Rule    string `json:"rule"`
	Reason  string `json:"reason"`
	Cite    string `json:"cite"`
	Started int    `json:"started"`
	Stopped int    `json:"stopped"`
}

// acc is one worker's tallies.
type acc struct {
	tallies  [2]tally
	outputs  map[string]*outAcc
	rules    map[string]*[2]int // rule id -> started, stopped
	errs     lineErrors
	decided  int
	changed  int
	headline Headline
	actors   []*actorAcc
	budget   budgetAcc
	by       []string
	groups   []groupAcc
	examples int
}

type outAcc struct {
	before, after, changed int
	dirs                   map[string]*dirAcc
}

type dirAcc struct {
	cases    int
	examples []Example
}

func newAcc(examples int, by []string) *acc {
	a := &acc{tallies: [2]tally{newTally(), newTally()}, outputs: map[string]*outAcc{}, rules: map[string]*[2]int{}, examples: examples,
		budget: budgetAcc{}, by: by}
	for range measures {
		a.actors = append(a.actors, newActorAcc())
	}
	for range by {
		a.groups = append(a.groups, groupAcc{})
	}
	return a
}

func (a *acc) visit(line int, l decision.Line, res []*decision.Result) {
	a.decided++
	base, alt := res[0], res[1]
	addPair(a.tallies[0], a.tallies[1], base, alt, l.Case)
	changed := false
	var changedKinds [3]bool // decision, reasons, bookkeeping changed
	for i, p := range contractPaths {
		if base.Shared(alt, i) {
			// One and the same decision under both rulebooks (the reform
			// cannot change its area): the value is the same, computed or
			// absent in both.
			if _, in := base.At(i); in {
				o := a.output(p.Path)
				o.before++
				o.after++
			}
			continue
		}
		bv, inB := base.At(i)
		av, inA := alt.At(i)
		if !inB && !inA {
			continue
		}
		o := a.outputs[p.Path]
		if o == nil {
			o = &outAcc{dirs: map[string]*dirAcc{}}
			a.outputs[p.Path] = o
		}
		if inB {
			o.before++
		}
		if inA {
			o.after++
		}
		kinds := directions(bv, av, inB, inA)
		if len(kinds) == 0 {
			continue
		}
		changed = true
		changedKinds[kindIndex(p.Kind)] = true
		o.changed++
		ex := Example{Line: line, ID: l.ID, Before: show(bv, inB), After: show(av, inA)}
		for _, k := range kinds {
			d := o.dirs[k]
			if d == nil {
				d = &dirAcc{}
				o.dirs[k] = d
			}
			d.cases++
			if len(d.examples) < a.examples {
				d.examples = append(d.examples, ex)
			}
		}
	}
	if changed {
		a.changed++
	}
	switch {
	case changedKinds[0]:
		a.headline.DecisionChanged++
	case changedKinds[1]:
		a.headline.ReasonsOnly++
	case changedKinds[2]:
		a.headline.BookkeepingOnly++
	default:
		a.headline.Unchanged++
	}
	rows := make([]*GroupRow, len(a.by))
	for i, f := range a.by {
		rows[i] = a.groups[i].row(groupDefs[f].of(l, base))
		rows[i].Cases++
		if changedKinds[0] {
			rows[i].DecisionChanged++
		}
	}
	for i := range measures {
		m := &measures[i]
		bv, okB := m.value(base, l.Case)
		av, okA := m.value(alt, l.Case)
		if !okB && !okA {
			continue
		}
		sign := a.actors[i].add(m, bv, av)
		for _, row := range rows {
			gm := &row.Measures[i]
			gm.Change = gm.Change.Add(av.Sub(bv))
			switch sign {
			case 1:
				gm.Gain++
			case -1:
				gm.Lose++
			}
		}
	}
	a.budget.add(l.Date.Year(), base, alt, l.Case)
	// The rules whose reasons start or stop (each rule's reason once).
	before, after := base.Reasons(), alt.Reasons()
	for _, x := range after {
		if !hasRule(before, x.Rule) {
			a.rule(x.Rule)[0]++
		}
	}
	for _, x := range before {
		if !hasRule(after, x.Rule) {
			a.rule(x.Rule)[1]++
		}
	}
}

func hasRule(rs []wk.Reason, id string) bool {
	for i := range rs {
		if rs[i].Rule == id {
			return true
		}
	}
	return false
}

// output is the accumulator of an output path.
func (a *acc) output(path string) *outAcc {
	o := a.outputs[path]
	if o == nil {
		o = &outAcc{dirs: map[string]*dirAcc{}}
		a.outputs[path] = o
	}
	return o
}

func (a *acc) rule(id string) *[2]int {
	r := a.rules[id]
	if r == nil {
		r = &[2]int{}
		a.rules[id] = r
	}
	return r
}

func (a *acc) merge(o *acc) {
	a.tallies[0].merge(o.tallies[0])
	a.tallies[1].merge(o.tallies[1])
	for p, oo := range o.outputs {
		mine := a.outputs[p]
		if mine == nil {
			a.outputs[p] = oo
			continue
		}
		mine.before += oo.before
		mine.after += oo.after
		mine.changed += oo.changed
		for k, d := range oo.dirs {
			md := mine.dirs[k]
			if md == nil {
				mine.dirs[k] = d
				continue
			}
			md.cases += d.cases
			md.examples = append(md.examples, d.examples...)
		}
	}
	for id, r := range o.rules {
		mine := a.rule(id)
		mine[0] += r[0]
		mine[1] += r[1]
	}
	a.errs.merge(&o.errs)
	a.decided += o.decided
	a.changed += o.changed
	a.headline.DecisionChanged += o.headline.DecisionChanged
	a.headline.ReasonsOnly += o.headline.ReasonsOnly
	a.headline.BookkeepingOnly += o.headline.BookkeepingOnly
	a.headline.Unchanged += o.headline.Unchanged
	for i := range a.actors {
		a.actors[i].merge(o.actors[i])
	}
	a.budget.merge(o.budget)
	for i := range a.groups {
		a.groups[i].merge(o.groups[i])
	}
}

// kindIndex orders the kinds of output for the headline; a kind not known
// here counts as a decision, so that a new output is never hidden.
func kindIndex(k decision.Kind) int {
	switch k {
	case decision.Reasons:
		return 1
	case decision.Bookkeeping:
		return 2
	}
	return 0
}

// show writes a value as scenario files and reports compare it.
func show(v any, ok bool) string {
	if !ok {
		return "-"
	}
	return decision.FormatValue(v)
}

// directions says how an output changed between before and after (none
// when it did not).
func directions(before, after any, inB, inA bool) []string {
	switch {
	case !inB && inA:
		return []string{"now computed"}
	case inB && !inA:
		return []string{"no longer computed"}
	}
	if same(before, after) {
		return nil
	}
	switch b := before.(type) {
	case bool:
		return []string{fmt.Sprintf("%t → %t", b, after)}
	case int:
		if a, ok := after.(int); ok {
			return []string{upDown(a > b, "increased", "decreased")}
		}
	case decimal.Decimal:
		if a, ok := after.(decimal.Decimal); ok {
			return []string{upDown(a.GreaterThan(b), "increased", "decreased")}
		}
	case wk.Date:
		if a, ok := after.(wk.Date); ok {
			return []string{upDown(a.After(b), "later", "earlier")}
		}
		return []string{"became null"}
	case string:
		return []string{fmt.Sprintf("%s → %s", b, after)}
	case []string:
		a, _ := after.([]string)
		var out []string
		for _, code := range a {
			if !slices.Contains(b, code) {
				out = append(out, "gained "+code)
			}
		}
		for _, code := range b {
			if !slices.Contains(a, code) {
				out = append(out, "lost "+code)
			}
		}
		if len(out) == 0 {
			out = []string{"reordered"}
		}
		return out
	case nil:
		return []string{"no longer null"}
	}
	return []string{"changed"}
}

// contractPaths are the output paths of the contract, in order.
var contractPaths = decision.Paths()

// same reports whether two output values are equal (decimals by value).
func same(a, b any) bool {
	switch x := a.(type) {
	case decimal.Decimal:
		y, ok := b.(decimal.Decimal)
		return ok && x.Equal(y)
	case []string:
		y, ok := b.([]string)
		return ok && slices.Equal(x, y)
	case bool, int, string, wk.Date, nil:
		return a == b
	}
	return decision.FormatValue(a) == decision.FormatValue(b)
}

func upDown(up bool, yes, no string) string {
	if up {
		return yes
	}
	return no
}

// Compare decides the population read from r under base's rulebook and
// under that rulebook with reforms applied (in order), and reports what
// changes. A line that cannot be read or decided under either rulebook is
// counted and skipped. Compare stops when ctx is done.
func Compare(ctx context.Context, r io.Reader, base *decision.Engine, reforms []*wk.Reform, o Options) (*Report, error) {
	if base == nil {
		return nil, errNoEngines
	}
	if err := checkGroups(o.By); err != nil {
		return nil, err
	}
	start := time.Now()
	rb, err := base.Rulebook().Reform(reforms...)
	if err != nil {
		return nil, err
	}
	alt, err := decision.New(rb)
	if err != nil {
		return nil, err
	}
	workers := o.Workers
	if workers <= 0 {
		workers = defaultWorkers()
	}
	o.Workers = workers
	accs := make([]*acc, workers)
	for i := range accs {
		accs[i] = newAcc(o.examples(), o.By)
	}
	cases, err := decideAll(ctx, r, []*decision.Engine{base, alt}, o,
		func(w, line int, l decision.Line, res []*decision.Result) { accs[w].visit(line, l, res) },
		func(w int, e LineError) { accs[w].errs.add(e) })
	if err != nil {
		return nil, err
	}
	total := accs[0]
	for _, a := range accs[1:] {
		total.merge(a)
	}
	total.errs.trim()
	rep := &Report{Baseline: describe(base.Rulebook()), Date: o.Date, Cases: cases, Decided: total.decided,
		Errors: total.errs.n, ErrorLines: total.errs.kept, Changed: total.changed, Headline: total.headline,
		Fingerprints: Fingerprints{Baseline: base.Rulebook().Fingerprint(), Reformed: rb.Fingerprint()}, Engine: wk.Version().Version}
	for i := range measures {
		rep.Actors = append(rep.Actors, total.actors[i].result(&measures[i]))
	}
	rep.Budget = total.budget.result()
	for i, f := range o.By {
		rep.Groups = append(rep.Groups, total.groups[i].result(f))
	}
	for _, rf := range reforms {
		rep.Reforms = append(rep.Reforms, summarize(rf, rb))
	}
	rep.Outputs = outputChanges(total, o.examples())
	before, after := total.tallies[0].totals(), total.tallies[1].totals()
	for i := range before {
		rep.Totals = append(rep.Totals, TotalChange{Name: before[i].Name, Unit: before[i].Unit, How: before[i].How,
			Before: before[i].Value, After: after[i].Value, Change: after[i].Value.Sub(before[i].Value)})
	}
	rep.Rules = ruleChanges(total, base.Rulebook(), rb, o.Date)
	rep.Elapsed = time.Since(start)
	return rep, nil
}

func outputChanges(a *acc, examples int) []OutputChange {
	var out []OutputChange
	for _, p := range contractPaths {
		o := a.outputs[p.Path]
		if o == nil {
			continue
		}
		oc := OutputChange{Path: p.Path, Area: p.Area, Kind: p.Kind, Before: o.before, After: o.after, Changed: o.changed, Directions: []Direction{}}
		for k, d := range o.dirs {
			sort.Slice(d.examples, func(i, j int) bool { return d.examples[i].Line < d.examples[j].Line })
			if len(d.examples) > examples {
				d.examples = d.examples[:examples]
			}
			oc.Directions = append(oc.Directions, Direction{Kind: k, Cases: d.cases, Examples: d.examples})
		}
		sort.Slice(oc.Directions, func(i, j int) bool {
			x, y := oc.Directions[i], oc.Directions[j]
			if x.Cases != y.Cases {
				return x.Cases > y.Cases
			}
			return x.Kind < y.Kind
		})
		out = append(out, oc)
	}
	return out
}

func ruleChanges(a *acc, base, reformed *wk.Rulebook, date wk.Date) []RuleChange {
	var out []RuleChange
	for id, n := range a.rules {
		rc := RuleChange{Rule: id, Started: n[0], Stopped: n[1]}
		for _, rb := range []*wk.Rulebook{reformed, base} {
			if rs := rb.Rules(""); rc.Cite == "" {
				for _, r := range rs {
					if r.ID == id {
						rc.Cite, rc.Reason = r.Cite, r.Reason
						if date.IsZero() || r.InForce(date) {
							break
						}
					}
				}
			}
		}
		out = append(out, rc)
	}
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if x.Started+x.Stopped != y.Started+y.Stopped {
			return x.Started+x.Stopped > y.Started+y.Stopped
		}
		return x.Rule < y.Rule
	})
	return out
}

// describe names a rulebook with the reforms it carries.
func describe(rb *wk.Rulebook) string {
	name := rb.Name()
	if name == "" {
		name = "rulebook"
	}
	if rs := rb.Reforms(); len(rs) > 0 {
		name += " + " + strings.Join(rs, " + ")
	}
	return name
}

// summarize lists what a reform changes, one line per change.
// The values set are read from the reformed rulebook rb, where they are
// typed.
func summarize(rf *wk.Reform, rb *wk.Rulebook) ReformSummary {
	s := ReformSummary{Name: rf.Name, Description: rf.Description, Cite: rf.Cite, File: rf.File, Changes: []string{}}
	span := func(from, to wk.Date) string {
		switch {
		case from.IsZero() && to.IsZero():
			return "always"
		case to.IsZero():
			return "from " + from.String()
		case from.IsZero():
			return "until " + to.String()
		}
		return "from " + from.String() + " to " + to.String()
	}
	for _, c := range rf.Set {
		v := c.Value.String()
		if p, ok := rb.Parameter(c.Param); ok && c.Value.Kind() == wk.KindInvalid {
			if pv, ok := p.At(c.From); ok {
				v = pv.Value.String()
			}
		}
		s.Changes = append(s.Changes, fmt.Sprintf("%s = %s %s", c.Param, v, span(c.From, c.To)))
	}
	for _, p := range rf.AddParameters {
		s.Changes = append(s.Changes, "adds parameter "+p.ID)
	}
	for _, r := range rf.ReplaceRules {
		s.Changes = append(s.Changes, fmt.Sprintf("replaces rule %s %s", r.ID, span(r.From, r.To)))
	}
	for _, r := range rf.AddRules {
		s.Changes = append(s.Changes, fmt.Sprintf("adds rule %s %s", r.ID, span(r.From, r.To)))
	}
	for _, d := range rf.DisableRules {
		s.Changes = append(s.Changes, fmt.Sprintf("disables rule %s %s", d.Rule, span(d.From, d.To)))
	}
	return s
}
