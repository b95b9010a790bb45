// Package mutate measures how well scenario files pin a rulebook down:
// it makes small changes to the rules and parameter values (mutants: `<`
// for `<=`, a value one more, a list element dropped, a validity boundary a
// day later, ...), runs the scenarios against each, and reports the mutants
// no scenario notices. Rule coverage says a rule was seen holding and not
// holding; a surviving mutant says which boundary no scenario pins.
//
//	rb, _ := wijkwerken.Reference()
//	suites, _ := scenario.LoadPaths("testdata/scenarios")
//	mutants, skipped := mutate.Generate(rb, mutate.Options{})
//	rep, err := mutate.Run(ctx, rb, suites, mutants, mutate.RunOptions{})
//	rep.Score(); rep.Survivors()
//
// A mutant is a *wijkwerken.Reform applied to the rulebook (a rule
// replaced by its mutated expression, a parameter value set), so that
// mutation testing uses the same public API as an analyst's reform. Each
// mutant runs only the scenarios that can notice it: those whose decision
// evaluated the mutated rule or read the mutated parameter (from their
// traces), and those whose decision was not complete (see Run).
//
// Mutants no case can tell from the rulebook (equivalent mutants) are
// declared in a file with the reason (see ParseEquivalents); they are
// reported apart, and a declared one that a scenario kills is flagged.
package mutate

import (
	"fmt"
	"path"
	"slices"
	"sort"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/internal/suggest"
)

// The mutation operators, by the name Options.Operators and reports use.
const (
	// OpComparison exchanges < and <=, > and >=.
	OpComparison = "comparison"
	// OpEquality exchanges == and !=.
	OpEquality = "equality"
	// OpLogical exchanges and and or, && and ||.
	OpLogical = "logical"
	// OpNegation removes a not or !.
	OpNegation = "negation"
	// OpNumber adds or takes 1 from an integer, a cent from a decimal (1
	// from a whole decimal): literals (3, dec("7.45")) and parameter
	// values.
	OpNumber = "number"
	// OpDate moves a date a day earlier or later: parse_date("...")
	// literals and parameter values.
	OpDate = "date"
	// OpList drops one element of a list: literal lists and parameter
	// values.
	OpList = "list"
	// OpBool flips a bool parameter value.
	OpBool = "bool"
	// OpIsSet replaces is_set(x) by true.
	OpIsSet = "is_set"
	// OpConditional replaces c ? a : b by a, and by b.
	OpConditional = "conditional"
	// OpValidity moves a validity boundary a day: where one version of a
	// rule (or value of a parameter) gives way to the next, where the first
	// starts, where the last ends.
	OpValidity = "validity"
)

// Operators lists every mutation operator, in the order reports use.
func Operators() []string {
	return []string{OpComparison, OpEquality, OpLogical, OpNegation, OpNumber, OpDate, OpList, OpBool, OpIsSet, OpConditional, OpValidity}
}

// Kinds of what a mutant changes.
const (
	KindRule      = "rule"
	KindParameter = "param"
)

// Mutant is one small change to a rulebook.
type Mutant struct {
	// ID names the mutant stably, by what it changes rather than where:
	// "rule eligibility.interim@2018-01-01: a > b → a >= b". The version
	// (the rule's or the value's from) is part of it; line numbers are not.
	ID       string `json:"id"`
	Operator string `json:"operator"`
	Kind     string `json:"kind"`   // KindRule or KindParameter
	Target   string `json:"target"` // the rule's or the parameter's id
	// From is the version of the rule, or the value of the parameter, that
	// the mutant changes.
	From wk.Date `json:"from"`
	Area string  `json:"area,omitempty"` // a rule's area
	// Change is the mutation itself: the node (or value, or boundary)
	// before and after, "x > y → x >= y".
	Change string `json:"change"`
	// Before and After are the whole expression (as the expr printer writes
	// it) or the whole value, before and after.
	Before string      `json:"before"`
	After  string      `json:"after"`
	Pos    wk.Position `json:"pos"`   // the mutated place: file:line:col
	Entry  wk.Position `json:"entry"` // the rule's or the parameter's entry

	reform *wk.Reform
	// reformed: the mutant changes something a reform added or changed.
	reformed bool
	// day is the one day a validity mutant changes.
	day wk.Date
}

// Reform returns the change the mutant makes, as a reform of the rulebook
// it was generated from.
func (m *Mutant) Reform() *wk.Reform { return m.reform }

// Options select the mutants Generate makes.
type Options struct {
	// Rules keeps the rules and parameters whose id matches one of these
	// patterns (path.Match syntax: "vouchers.*"); none keeps all.
	Rules []string
	// Operators keeps the mutants of these operators (see Operators); none
	// keeps all.
	Operators []string
	// ReformOnly keeps what the rulebook's reforms added or changed: the
	// rule versions a reform added or replaced and the parameter values it
	// set or added, and their validity boundaries. A vendor mutates its own
	// reform's rules this way, against its own scenarios.
	ReformOnly bool
	// Source reads a rulebook or reform file by the name positions give, to
	// place a mutation at its line and column; nil, or an error, places it
	// at the start of the rule's expression.
	Source func(file string) ([]byte, error)
}

// Skipped is a rule Generate made no mutants of, or a mutant it left out,
// and why.
type Skipped struct {
	// What is "rule <id>", or the id of a mutant left out.
	What string      `json:"what"`
	Pos  wk.Position `json:"pos"`
	Why  string      `json:"why"`
	// Trivial: a mutant left out because it is equivalent by construction
	// (it changes a parameter on a day on which no rule that reads it is
	// in force).
	Trivial bool `json:"trivial,omitempty"`

	mutant *Mutant
}

// CheckOptions reports a pattern or an operator name that is not valid.
func CheckOptions(o Options) error {
	for _, g := range o.Rules {
		if _, err := path.Match(g, ""); err != nil {
			return fmt.Errorf("rule pattern %q: %v", g, err)
		}
	}
	for _, op := range o.Operators {
		if !slices.Contains(Operators(), op) {
			msg := fmt.Sprintf("unknown mutation operator %q (want %s)", op, strings.Join(Operators(), ", "))
			if s := suggest.Closest(op, Operators()); s != "" {
				msg = fmt.Sprintf("unknown mutation operator %q (did you mean %q?)", op, s)
			}
			return fmt.Errorf("%s", msg)
		}
	}
	return nil
}

// Generate returns the mutants of the rulebook's rules and parameter values
// that the options select, in rulebook order (the rules, then the
// parameters by id), each with a unique ID. It lists apart, as skipped, the
// rules whose expression the expr printer does not write back faithfully
// (none is mutated), and the mutants equivalent by construction: a
// parameter's validity moved onto a day on which no rule that reads it
// (with param, at the decision date) is in force. Invalid patterns or
// operators select nothing (see CheckOptions).
func Generate(rb *wk.Rulebook, o Options) ([]*Mutant, []Skipped) {
	all, skipped := generateAll(rb, o.Source)
	var out []*Mutant
	for _, m := range all {
		if o.selects(m) {
			out = append(out, m)
		}
	}
	kept := skipped[:0]
	for _, s := range skipped {
		if s.Trivial && s.mutant != nil && !o.selects(s.mutant) {
			continue
		}
		kept = append(kept, s)
	}
	return out, kept
}

func (o Options) selects(m *Mutant) bool {
	if len(o.Operators) > 0 && !slices.Contains(o.Operators, m.Operator) {
		return false
	}
	if len(o.Rules) > 0 && !slices.ContainsFunc(o.Rules, func(g string) bool {
		ok, _ := path.Match(g, m.Target)
		return ok
	}) {
		return false
	}
	return !o.ReformOnly || m.reformed
}

// mutantReform names the reforms mutants are made of.
const mutantReform = "mutant"

// generateAll makes every mutant of the rulebook.
func generateAll(rb *wk.Rulebook, source func(string) ([]byte, error)) ([]*Mutant, []Skipped) {
	loc := &locator{read: source, files: map[string][]string{}}
	var out []*Mutant
	var skipped []Skipped
	rules := rb.Rules("")
	for _, r := range rules {
		ms, err := ruleMutants(r, loc)
		if err != nil {
			skipped = append(skipped, Skipped{What: "rule " + r.ID, Pos: r.ExprPos, Why: err.Error()})
		}
		out = append(out, ms...)
	}
	out = append(out, ruleValidityMutants(rules, loc)...)
	readers := map[string][]*wk.Rule{}
	readAt := map[string]bool{}
	for _, r := range rules {
		for _, ref := range paramReads(r.Expression()) {
			readers[ref.id] = append(readers[ref.id], r)
			readAt[ref.id] = readAt[ref.id] || ref.at
		}
	}
	var trivial []*Mutant
	for _, p := range rb.Parameters() {
		for _, m := range paramMutants(p, loc) {
			if m.Operator == OpValidity && len(readers[p.ID]) > 0 && !readAt[p.ID] &&
				!slices.ContainsFunc(readers[p.ID], func(r *wk.Rule) bool { return r.InForce(m.day) }) {
				trivial = append(trivial, m)
				continue
			}
			out = append(out, m)
		}
	}
	order := map[string]int{}
	for i, r := range rules {
		if _, ok := order[r.ID]; !ok {
			order[r.ID] = i
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Kind != b.Kind {
			return a.Kind == KindRule
		}
		if a.Kind == KindRule && a.Target != b.Target {
			return order[a.Target] < order[b.Target]
		}
		return a.Target < b.Target
	})
	uniqueIDs(out)
	uniqueIDs(trivial)
	for _, m := range trivial {
		skipped = append(skipped, Skipped{What: m.ID, Pos: m.Pos, Trivial: true, mutant: m,
			Why: fmt.Sprintf("no rule that reads %s is in force on %s", m.Target, m.day)})
	}
	return out, skipped
}

// uniqueIDs sets every mutant's ID, numbering the ones whose description
// alone would repeat (the same node twice in one expression).
func uniqueIDs(ms []*Mutant) {
	seen := map[string]int{}
	for _, m := range ms {
		id := fmt.Sprintf("%s %s@%s: %s", m.Kind, m.Target, m.From, m.Change)
		seen[id]++
		if n := seen[id]; n > 1 {
			id = fmt.Sprintf("%s (%d)", id, n)
		}
		m.ID = id
	}
}

// ruleMutants returns the mutants of one rule version's expression.
func ruleMutants(r *wk.Rule, loc *locator) ([]*Mutant, error) {
	before, muts, err := exprMutations(r.Expression())
	if err != nil {
		return nil, err
	}
	var out []*Mutant
	for _, em := range muts {
		nr := *r
		if r.IsCondition() {
			nr.When = em.After
		} else {
			nr.Value = em.After
		}
		m := &Mutant{
			Operator: em.Operator, Kind: KindRule, Target: r.ID, From: r.From, Area: r.Area,
			Change: em.Before + " → " + em.Local, Before: before, After: em.After,
			Pos: loc.position(r, em.Offset), Entry: r.Pos,
			reform:   &wk.Reform{Name: mutantReform, ReplaceRules: replaceVersion(&nr)},
			reformed: r.Reform != "",
		}
		out = append(out, m)
	}
	return out, nil
}

// replaceVersion returns the replacements that put nr in the place of the
// version of its id with the same validity. A replacement of a rule's whole
// validity would move the rule to the end of the rulebook, after the rules
// that read its output (out.x), which then no longer compile; so the
// version is replaced in two parts, its first day and the rest, and the
// first keeps the rule's place for the second.
func replaceVersion(nr *wk.Rule) []*wk.Rule {
	if !nr.To.IsZero() && !nr.From.Before(nr.To) {
		return []*wk.Rule{nr} // one day: it cannot be split
	}
	first, rest := *nr, *nr
	first.To = nr.From
	rest.From = nr.From.AddDays(1)
	return []*wk.Rule{&first, &rest}
}
