package compare

import (
	"fmt"
	"sort"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/shopspring/decimal"
)

// GroupFields returns the fields a report can be broken down by, each
// with what it groups by.
func GroupFields() map[string]string {
	out := make(map[string]string, len(groupDefs))
	for k, g := range groupDefs {
		out[k] = g.doc
	}
	return out
}

// groupDefs are the fields a breakdown can group cases by. A case without
// the field is in the group "(none)".
var groupDefs = map[string]struct {
	doc string
	of  func(l decision.Line, base *decision.Result) string
}{
	"referrer": {"eligibility.referrer under the baseline (ocmw, vdab)", func(_ decision.Line, r *decision.Result) string {
		v, _ := r.Get("eligibility.referrer")
		s, _ := v.(string)
		return s
	}},
	"income": {"person.income", func(l decision.Line, _ *decision.Result) string {
		if p := l.Case.Person; p != nil {
			return p.Income
		}
		return ""
	}},
	"user_type": {"request.user.type", func(l decision.Line, _ *decision.Result) string {
		if q := l.Case.Request; q != nil {
			return q.User.Type
		}
		return ""
	}},
	"municipality": {"request.user.municipality", func(l decision.Line, _ *decision.Result) string {
		if q := l.Case.Request; q != nil {
			return q.User.Municipality
		}
		return ""
	}},
	"organiser_price": {"organiser.cheque_price (an organiser by its price)", func(l decision.Line, _ *decision.Result) string {
		if o := l.Case.Organiser; o != nil && o.ChequePrice != nil {
			return o.ChequePrice.StringFixed(2)
		}
		return ""
	}},
	"trajectory_age": {"whole months from trajectory.start to the decision date, in quarters (0-2, 3-5, 6-8, 9-11, 12+)", func(l decision.Line, _ *decision.Result) string {
		t := l.Case.Trajectory
		if t == nil || t.Start.IsZero() || l.Date.Before(t.Start) {
			return ""
		}
		return ageBand(monthsBetween(t.Start, l.Date))
	}},
	"transitional": {"trajectory.transitional under the baseline (the PWA transitional measure)", func(_ decision.Line, r *decision.Result) string {
		if v, ok := r.Get("trajectory.transitional"); ok {
			return fmt.Sprint(v)
		}
		return ""
	}},
}

// monthsBetween is the whole months from a to b (b on or after a).
func monthsBetween(a, b wk.Date) int {
	n := (b.Year()-a.Year())*12 + int(b.Month()) - int(a.Month())
	if b.Day() < a.Day() {
		n--
	}
	return max(n, 0)
}

func ageBand(months int) string {
	if months >= 12 {
		return "12+ months"
	}
	lo := months / 3 * 3
	return fmt.Sprintf("%d-%d months", lo, lo+2)
}

// UnknownGroupError is a group field a report cannot break down by.
type UnknownGroupError struct{ Field string }

func (e *UnknownGroupError) Error() string {
	known := make([]string, 0, len(groupDefs))
	for k := range groupDefs {
		known = append(known, k)
	}
	sort.Strings(known)
	return fmt.Sprintf("cannot group by %q: want one of %s", e.Field, strings.Join(known, ", "))
}

func checkGroups(fields []string) error {
	for _, f := range fields {
		if _, ok := groupDefs[f]; !ok {
			return &UnknownGroupError{Field: f}
		}
	}
	return nil
}

// maxGroups bounds the groups of one field; further values are counted
// under "(other)".
const maxGroups = 100

// GroupBreakdown is the headline, the winners and losers and the money
// by the groups of one field.
type GroupBreakdown struct {
	Field string     `json:"field"`
	Doc   string     `json:"doc"`
	Rows  []GroupRow `json:"rows"`
}

// GroupRow is one group: its cases, those whose decision changes, and per
// measure (in the order of Report.Actors) how many gain and lose and the
// net change.
type GroupRow struct {
	Value           string         `json:"value"`
	Cases           int            `json:"cases"`
	DecisionChanged int            `json:"decision_changed"`
	Measures        []GroupMeasure `json:"measures"`
}

// GroupMeasure is one measure within a group.
type GroupMeasure struct {
	Key    string          `json:"key"`
	Gain   int             `json:"gain"`
	Lose   int             `json:"lose"`
	Change decimal.Decimal `json:"change"`
}

type groupAcc map[string]*GroupRow

func (g groupAcc) row(value string) *GroupRow {
	if value == "" {
		value = "(none)"
	}
	r := g[value]
	if r == nil {
		if len(g) >= maxGroups && value != "(other)" {
			return g.row("(other)")
		}
		r = &GroupRow{Value: value, Measures: make([]GroupMeasure, len(measures))}
		for i, m := range measures {
			r.Measures[i].Key = m.key
		}
		g[value] = r
	}
	return r
}

func (g groupAcc) merge(o groupAcc) {
	for v, or := range o {
		r := g.row(v)
		r.Cases += or.Cases
		r.DecisionChanged += or.DecisionChanged
		for i := range r.Measures {
			r.Measures[i].Gain += or.Measures[i].Gain
			r.Measures[i].Lose += or.Measures[i].Lose
			r.Measures[i].Change = r.Measures[i].Change.Add(or.Measures[i].Change)
		}
	}
}

func (g groupAcc) result(field string) GroupBreakdown {
	out := GroupBreakdown{Field: field, Doc: groupDefs[field].doc, Rows: []GroupRow{}}
	for _, r := range g {
		out.Rows = append(out.Rows, *r)
	}
	sort.Slice(out.Rows, func(i, j int) bool {
		x, y := out.Rows[i], out.Rows[j]
		if x.Cases != y.Cases {
			return x.Cases > y.Cases
		}
		return x.Value < y.Value
	})
	return out
}
