package mutate

import (
	"strings"

	"github.com/shopspring/decimal"

	wk "github.com/openwijkwerken/wijkwerken"
)

// mutationCite is the citation of the values mutants set.
const mutationCite = "mutation testing (wijkwerken mutate)"

// ruleValidityMutants moves each validity boundary of each rule a day
// earlier and a day later: where a version starts after a gap or as the
// first, where one version gives way to the next, and where a version ends
// with none after it. rules are in rulebook order, the versions of an id
// together and sorted by from.
func ruleValidityMutants(rules []*wk.Rule, loc *locator) []*Mutant {
	var out []*Mutant
	for i := 0; i < len(rules); {
		j := i
		for j < len(rules) && rules[j].ID == rules[i].ID {
			j++
		}
		out = append(out, versionBoundaries(rules[i:j], loc)...)
		i = j
	}
	return out
}

func versionBoundaries(vs []*wk.Rule, loc *locator) []*Mutant {
	var out []*Mutant
	mk := func(v *wk.Rule, change, after string, day wk.Date, reformed bool, rf *wk.Reform) {
		out = append(out, &Mutant{
			Operator: OpValidity, Kind: KindRule, Target: v.ID, From: v.From, Area: v.Area,
			Change: change, Before: validity(v.From, v.To), After: after, Pos: loc.key(v.Pos, change[:strings.Index(change, " ")]), Entry: v.Pos,
			reform: rf, reformed: reformed, day: day,
		})
	}
	// on makes version v the one in force on day d alone.
	on := func(v *wk.Rule, d wk.Date) *wk.Reform {
		nr := *v
		nr.From, nr.To = d, d
		return &wk.Reform{Name: mutantReform, ReplaceRules: []*wk.Rule{&nr}}
	}
	// off switches the rule off on day d.
	off := func(v *wk.Rule, d wk.Date) *wk.Reform {
		return &wk.Reform{Name: mutantReform, DisableRules: []wk.RuleDisable{{Rule: v.ID, From: d, To: d}}}
	}
	for k, v := range vs {
		f := v.From
		var prev *wk.Rule
		if k > 0 && !vs[k-1].To.IsZero() && vs[k-1].To.AddDays(1) == f {
			prev = vs[k-1]
		}
		reformed := v.Reform != "" || (prev != nil && prev.Reform != "")
		earlier, later := f.AddDays(-1), f.AddDays(1)
		mk(v, "from "+f.String()+" → "+earlier.String(), validity(earlier, v.To), earlier, reformed, on(v, earlier))
		if prev != nil {
			mk(v, "from "+f.String()+" → "+later.String(), validity(later, v.To), f, reformed, on(prev, f))
		} else {
			mk(v, "from "+f.String()+" → "+later.String(), validity(later, v.To), f, reformed, off(v, f))
		}
		t := v.To
		if t.IsZero() || (k+1 < len(vs) && vs[k+1].From == t.AddDays(1)) {
			continue // open, or the next version's from is this boundary
		}
		mk(v, "to "+t.String()+" → "+t.AddDays(-1).String(), validity(f, t.AddDays(-1)), t, v.Reform != "", off(v, t))
		mk(v, "to "+t.String()+" → "+t.AddDays(1).String(), validity(f, t.AddDays(1)), t.AddDays(1), v.Reform != "", on(v, t.AddDays(1)))
	}
	return out
}

func validity(from, to wk.Date) string {
	if to.IsZero() {
		return "from " + from.String()
	}
	return "from " + from.String() + " to " + to.String()
}

// paramMutants returns the mutants of one parameter: each value changed,
// and each validity boundary moved a day where a reform can express it
// (a value set on one day; a reform cannot take a value away, so the first
// value's start and the last value's end move outwards only).
func paramMutants(p *wk.Parameter, loc *locator) []*Mutant {
	var out []*Mutant
	set := func(v wk.ParamValue, op, change, after string, from, to wk.Date, val wk.Value, reformed bool, day wk.Date) {
		var pos wk.Position
		switch op {
		case OpValidity:
			pos = loc.key(v.Pos, change[:strings.Index(change, " ")])
		case OpList:
			pos = loc.element(loc.key(v.Pos, "value"), strings.TrimPrefix(change, "drop "))
		default:
			pos = loc.key(v.Pos, "value")
		}
		out = append(out, &Mutant{
			Operator: op, Kind: KindParameter, Target: p.ID, From: v.From,
			Change: change, Before: v.Value.String(), After: after, Pos: pos, Entry: p.Pos,
			reform: &wk.Reform{Name: mutantReform, Set: []wk.ParamChange{{
				Param: p.ID, From: from, To: to, Value: val, Cite: mutationCite}}},
			reformed: reformed, day: day,
		})
	}
	for k, v := range p.Values {
		reformed := v.Reform != ""
		for _, c := range valueChanges(v.Value) {
			set(v, c.op, c.change, c.to.String(), v.From, v.To, c.to, reformed, wk.Date{})
		}
		f := v.From
		var prev *wk.ParamValue
		if k > 0 && !p.Values[k-1].To.IsZero() && p.Values[k-1].To.AddDays(1) == f {
			prev = &p.Values[k-1]
		}
		bReformed := reformed || (prev != nil && prev.Reform != "")
		set(v, OpValidity, "from "+f.String()+" → "+f.AddDays(-1).String(), validity(f.AddDays(-1), v.To),
			f.AddDays(-1), f.AddDays(-1), v.Value, bReformed, f.AddDays(-1))
		if prev != nil {
			set(v, OpValidity, "from "+f.String()+" → "+f.AddDays(1).String(), validity(f.AddDays(1), v.To),
				f, f, prev.Value, bReformed, f)
		}
		t := v.To
		if !t.IsZero() && (k+1 == len(p.Values) || p.Values[k+1].From != t.AddDays(1)) {
			set(v, OpValidity, "to "+t.String()+" → "+t.AddDays(1).String(), validity(f, t.AddDays(1)),
				t.AddDays(1), t.AddDays(1), v.Value, reformed, t.AddDays(1))
		}
	}
	for _, m := range out {
		if m.Operator == OpValidity {
			m.Before = validity(m.From, valueTo(p, m.From))
		}
	}
	return out
}

func valueTo(p *wk.Parameter, from wk.Date) wk.Date {
	for _, v := range p.Values {
		if v.From == from {
			return v.To
		}
	}
	return wk.Date{}
}

type valueChange struct {
	op, change string
	to         wk.Value
}

// valueChanges lists the mutations of one parameter value.
func valueChanges(v wk.Value) []valueChange {
	arrow := func(to wk.Value) string { return v.String() + " → " + to.String() }
	var out []valueChange
	switch v.Kind() {
	case wk.KindInteger:
		for _, d := range []int{1, -1} {
			to := wk.IntValue(v.Int() + d)
			out = append(out, valueChange{OpNumber, arrow(to), to})
		}
	case wk.KindDecimal:
		step := decimalStep(v.Decimal())
		for _, to := range []decimal.Decimal{v.Decimal().Add(step), v.Decimal().Sub(step)} {
			out = append(out, valueChange{OpNumber, arrow(wk.DecimalValue(to)), wk.DecimalValue(to)})
		}
	case wk.KindDate:
		for _, d := range []int{1, -1} {
			to := wk.DateValue(v.Date().AddDays(d))
			out = append(out, valueChange{OpDate, arrow(to), to})
		}
	case wk.KindBool:
		to := wk.BoolValue(!v.Bool())
		out = append(out, valueChange{OpBool, arrow(to), to})
	case wk.KindList:
		l := v.List()
		seen := map[string]bool{}
		for i, e := range l {
			if seen[e] {
				continue
			}
			seen[e] = true
			rest := append(append([]string(nil), l[:i]...), l[i+1:]...)
			out = append(out, valueChange{OpList, "drop " + e, wk.ListValue(rest)})
		}
	}
	return out
}
