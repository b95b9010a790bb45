package decision

import (
	"errors"
	"reflect"
	"slices"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/area"
	"github.com/openwijkwerken/wijkwerken/dossier"
)

// Delta decides cases under a reformed rulebook from their decisions under
// a baseline: only the areas the reform can change are decided again, the
// others keep the baseline's results. An area can change when a rule of the
// rulebook areas it evaluates differs (added, replaced, disabled, any field
// of it), when a parameter those rules or its own code read differs
// (area.Definition.Params), or when an area it rests on (After) can change.
// A comparison over a population decides each case once under the baseline
// and then through the Delta of each reform or swept value.
//
// A Delta is immutable and safe for concurrent use.
type Delta struct {
	base, alt *Engine
	changed   []bool // by index in the registry's defs
}

// NewDelta compares what the areas of alt's rulebook read with what base's
// read. Both engines decide the same areas (they are built by New).
func NewDelta(base, alt *Engine) (*Delta, error) {
	if base == nil || alt == nil || base.reg != alt.reg {
		return nil, errors.New("decision: a delta needs two engines built by New")
	}
	d := &Delta{base: base, alt: alt, changed: make([]bool, len(alt.reg.defs))}
	byName := map[string]int{}
	for i, def := range alt.reg.defs {
		byName[def.Name] = i
		changed := !sameParams(base.rb, alt.rb, def.Params)
		for _, ra := range alt.reg.ruleAreasOf(def) {
			rb, ralt := base.ruleSet(ra), alt.ruleSet(ra)
			changed = changed || rb == nil || ralt == nil || !sameRules(base.rb, alt.rb, ra) ||
				!sameParams(base.rb, alt.rb, rb.Params()) || !sameParams(base.rb, alt.rb, ralt.Params())
		}
		// defs are in dependency order: those in After are marked already.
		for _, a := range def.After {
			changed = changed || d.changed[byName[a]]
		}
		d.changed[i] = changed
	}
	return d, nil
}

// Changed lists the areas the reform can change, in the order they run:
// the ones Decide decides again.
func (d *Delta) Changed() []string {
	var out []string
	for i, def := range d.alt.reg.defs {
		if d.changed[i] {
			out = append(out, def.Name)
		}
	}
	return out
}

// Engine returns the engine of the reformed rulebook.
func (d *Delta) Engine() *Engine { return d.alt }

// Decide decides c on date under the reformed rulebook, as Engine.Decide
// does, from baseline: the case's decision on the same date under the
// baseline engine, with the same options. The areas the reform cannot
// change keep the baseline's results (the same values, shared). A traced
// decision, or a baseline of another date, is decided in full.
func (d *Delta) Decide(baseline *Result, date wk.Date, c *dossier.Case, opts ...wk.Option) (*Result, error) {
	if baseline == nil || baseline.reg != d.alt.reg || baseline.Date != date || baseline.Trace != nil || area.Apply(opts).Trace {
		return d.alt.Decide(date, c, opts...)
	}
	return d.alt.decide(date, c, opts, baseline, d.changed)
}

// ruleAreasOf is the rulebook areas whose rules def evaluates itself.
func (r *registry) ruleAreasOf(def area.Definition) []string {
	if len(def.Rules) > 0 {
		return def.Rules
	}
	if slices.Contains(r.ruleAreas, def.Name) {
		return []string{def.Name}
	}
	return nil
}

// ruleSet is the engine's compiled rules of rulebook area a.
func (e *Engine) ruleSet(a string) *area.RuleSet {
	for _, rs := range e.ruleSets {
		if rs.Area() == a {
			return rs
		}
	}
	return nil
}

// sameRules reports whether area a has the same rules, field for field, in
// both rulebooks.
func sameRules(x, y *wk.Rulebook, a string) bool {
	rx, ry := x.Rules(a), y.Rules(a)
	if len(rx) != len(ry) {
		return false
	}
	for i := range rx {
		if !reflect.DeepEqual(*rx[i], *ry[i]) {
			return false
		}
	}
	return true
}

// sameParams reports whether the parameters ids have the same timelines,
// value for value, in both rulebooks (a parameter in one only differs).
func sameParams(x, y *wk.Rulebook, ids []string) bool {
	for _, id := range ids {
		px, okx := x.Parameter(id)
		py, oky := y.Parameter(id)
		if okx != oky || (okx && !reflect.DeepEqual(*px, *py)) {
			return false
		}
	}
	return true
}
