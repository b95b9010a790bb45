package scenario

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
)

// Coverage says which rules of a rulebook a run of scenarios exercised, and
// with which outcomes: a condition is fully covered when some scenario
// found it to hold and some other found it not to; a value rule when some
// scenario computed it. Each version of a rule (its id and from) counts on
// its own.
type Coverage struct {
	Rulebook string         `json:"rulebook"`
	Rules    []RuleCoverage `json:"rules"`
	// Total counts the rules; Reached those some scenario evaluated; Full
	// those covered with every outcome.
	Total   int `json:"total"`
	Reached int `json:"reached"`
	Full    int `json:"full"`
}

// RuleCoverage is one rule's coverage.
type RuleCoverage struct {
	Rule string      `json:"rule"`
	Area string      `json:"area"`
	From wk.Date     `json:"from"`
	To   wk.Date     `json:"to,omitzero"`
	Kind string      `json:"kind"` // "condition" or "value"
	Pos  wk.Position `json:"pos"`
	// Scenarios counts the scenarios that evaluated the rule.
	Scenarios int `json:"scenarios"`
	// Fired and NotFired count the scenarios in which a condition held and
	// did not.
	Fired    int `json:"fired"`
	NotFired int `json:"not_fired"`
	// Values counts the distinct values a value rule computed.
	Values int `json:"values"`
	// Full: every outcome was seen.
	Full bool `json:"full"`
}

// FullPercent is the share of rules covered with every outcome, in
// percent (100 for a rulebook without rules).
func (c *Coverage) FullPercent() float64 { return pct(c.Full, c.Total) }

// ReachedPercent is the share of rules some scenario evaluated, in percent.
func (c *Coverage) ReachedPercent() float64 { return pct(c.Reached, c.Total) }

func pct(n, of int) float64 {
	if of == 0 {
		return 100
	}
	return 100 * float64(n) / float64(of)
}

type ruleKey struct {
	id   string
	from wk.Date
}

// Coverage computes the rule coverage of the run from the decisions'
// traces (scenarios always run traced), against the rulebook the runner
// decides with.
func (r *Runner) Coverage(rep *Report) *Coverage {
	return coverage(r.eng.Rulebook(), rep)
}

func coverage(rb *wk.Rulebook, rep *Report) *Coverage {
	type tally struct {
		scenarios, fired, notFired int
		values                     map[string]bool
	}
	seen := map[ruleKey]*tally{}
	for _, o := range rep.Outcomes {
		if o.Trace == nil {
			continue
		}
		// A rule may run more than once in one decision (the period under
		// the hours and the trajectory); a scenario counts once per outcome.
		type once struct {
			key   ruleKey
			fired bool
		}
		counted := map[ruleKey]bool{}
		outcomes := map[once]bool{}
		for _, st := range o.Trace.Steps {
			k := ruleKey{st.Rule, st.From}
			t := seen[k]
			if t == nil {
				t = &tally{values: map[string]bool{}}
				seen[k] = t
			}
			if !counted[k] {
				counted[k] = true
				t.scenarios++
			}
			switch {
			case st.Fired != nil:
				if !outcomes[once{k, *st.Fired}] {
					outcomes[once{k, *st.Fired}] = true
					if *st.Fired {
						t.fired++
					} else {
						t.notFired++
					}
				}
			default:
				t.values[decision.FormatValue(st.Value)] = true
			}
		}
	}
	c := &Coverage{Rulebook: rb.Name()}
	for _, rule := range rb.Rules("") {
		rc := RuleCoverage{Rule: rule.ID, Area: rule.Area, From: rule.From, To: rule.To, Pos: rule.Pos, Kind: "value"}
		if rule.IsCondition() {
			rc.Kind = "condition"
		}
		if t := seen[ruleKey{rule.ID, rule.From}]; t != nil {
			rc.Scenarios, rc.Fired, rc.NotFired, rc.Values = t.scenarios, t.fired, t.notFired, len(t.values)
		}
		if rule.IsCondition() {
			rc.Full = rc.Fired > 0 && rc.NotFired > 0
			// A condition that is a constant (true: what holds throughout
			// the rule's validity, before gemeenschapsdienst exists, say)
			// has one outcome, and is covered once seen with it.
			if b, ok := constantCondition(rule.When); ok {
				rc.Full = (b && rc.Fired > 0) || (!b && rc.NotFired > 0)
			}
		} else {
			rc.Full = rc.Scenarios > 0
		}
		c.Total++
		if rc.Scenarios > 0 {
			c.Reached++
		}
		if rc.Full {
			c.Full++
		}
		c.Rules = append(c.Rules, rc)
	}
	return c
}

// WriteText writes the coverage as a table, one rule a line, then the rules
// no scenario reaches and those missing an outcome, then the totals.
func (c *Coverage) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 2, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "rule\tkind\tscenarios\tfired\tnot fired\tvalues\t")
	for _, r := range c.Rules {
		fired, notFired, values := "", "", ""
		if r.Kind == "condition" {
			fired, notFired = fmt.Sprint(r.Fired), fmt.Sprint(r.NotFired)
		} else {
			values = fmt.Sprint(r.Values)
		}
		mark := ""
		if !r.Full {
			mark = "  <- not covered"
			if r.Scenarios > 0 {
				mark = "  <- one outcome only"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\t%s\n", r.Rule, r.Kind, r.Scenarios, fired, notFired, values, mark)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	var unreached, partial []RuleCoverage
	for _, r := range c.Rules {
		switch {
		case r.Scenarios == 0:
			unreached = append(unreached, r)
		case !r.Full:
			partial = append(partial, r)
		}
	}
	if len(unreached) > 0 {
		fmt.Fprintln(w, "\nrules no scenario reaches:")
		for _, r := range unreached {
			fmt.Fprintf(w, "  %s: %s (from %s)\n", r.Pos, r.Rule, r.From)
		}
	}
	if len(partial) > 0 {
		fmt.Fprintln(w, "\nconditions seen with one outcome only:")
		for _, r := range partial {
			which := "never held"
			if r.NotFired == 0 {
				which = "always held"
			}
			fmt.Fprintf(w, "  %s: %s %s\n", r.Pos, r.Rule, which)
		}
	}
	_, err := fmt.Fprintf(w, "coverage: %d of %d rules reached (%.1f%%), %d with every outcome (%.1f%%)\n",
		c.Reached, c.Total, c.ReachedPercent(), c.Full, c.FullPercent())
	return err
}

// constantCondition reports whether a condition's expression is a literal
// true or false, and which.
func constantCondition(src string) (value, ok bool) {
	tree, err := parser.Parse(src)
	if err != nil {
		return false, false
	}
	b, ok := tree.Node.(*ast.BoolNode)
	if !ok {
		return false, false
	}
	return b.Value, true
}
