package compare

import (
	"sort"

	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/shopspring/decimal"
)

// A measure is what one kind of actor gains or loses in a case: a
// wijk-werker's pay and hours, a user's net cost, an organiser's revenue.
type measure struct {
	key, actor, name, unit, how string
	// less is true when less is better for the actor (a cost).
	less bool
	// value is the measure in the case; ok is false where the case has
	// nothing of it (no request, no organiser).
	value func(r *decision.Result, c *dossier.Case) (v decimal.Decimal, ok bool)
}

// measures are the winners-and-losers measures of every report, in order.
var measures = []measure{
	{key: "worker_pay", actor: "wijk-werkers", name: "pay (allowance and travel)", unit: "EUR",
		how: "vouchers.allowance + vouchers.travel_allowance", value: sumOf("vouchers.allowance", "vouchers.travel_allowance")},
	{key: "worker_hours", actor: "wijk-werkers", name: "hours allowed", unit: "hours",
		how: "hours.allowed", value: sumOf("hours.allowed")},
	{key: "user_net_cost", actor: "users", name: "net cost of the cheques after tax", unit: "EUR", less: true,
		how: "vouchers.cheques_needed × organiser.cheque_price (where vouchers.price_valid) − vouchers.tax_reduction", value: userNetCost},
	{key: "organiser_revenue", actor: "organisers", name: "cheque revenue", unit: "EUR",
		how: "vouchers.cheques_needed × organiser.cheque_price, where vouchers.price_valid", value: revenueOf},
	{key: "community_service_allowance", actor: "gemeenschapsdienst", name: "allowance", unit: "EUR",
		how: "community_service.allowance (a month)", value: sumOf("community_service.allowance")},
}

// number reads an output as a decimal (ints and decimals).
func number(r *decision.Result, path string) (decimal.Decimal, bool) {
	v, ok := r.Get(path)
	switch x := v.(type) {
	case int:
		return decimal.NewFromInt(int64(x)), ok
	case decimal.Decimal:
		return x, ok
	}
	return decimal.Zero, false
}

func sumOf(paths ...string) func(*decision.Result, *dossier.Case) (decimal.Decimal, bool) {
	return func(r *decision.Result, _ *dossier.Case) (decimal.Decimal, bool) {
		sum, any := decimal.Zero, false
		for _, p := range paths {
			if v, ok := number(r, p); ok {
				sum, any = sum.Add(v), true
			}
		}
		return sum, any
	}
}

func revenueOf(r *decision.Result, c *dossier.Case) (decimal.Decimal, bool) {
	if _, ok := r.Get("vouchers.cheques_needed"); !ok || c.Organiser == nil || c.Organiser.ChequePrice == nil {
		return decimal.Zero, false
	}
	return chequeRevenue(r, c), true
}

func userNetCost(r *decision.Result, c *dossier.Case) (decimal.Decimal, bool) {
	cost, ok := revenueOf(r, c)
	if tax, ok2 := number(r, "vouchers.tax_reduction"); ok2 {
		return cost.Sub(tax), true
	}
	return cost, ok
}

// ActorChange is who gains and who loses by one measure: the cases where
// the measure applies (before or after), how many gain, lose or stay the
// same, by how much in total, on average and in distribution.
type ActorChange struct {
	Key     string `json:"key"`
	Actor   string `json:"actor"`
	Measure string `json:"measure"`
	Unit    string `json:"unit"`
	// How is the measure in terms of output paths.
	How string `json:"how"`
	// Better is "more" or "less": which way the actor gains.
	Better string `json:"better"`
	Cases  int    `json:"cases"`
	Gain   int    `json:"gain"`
	Lose   int    `json:"lose"`
	Same   int    `json:"same"`
	// Before and After are the measure's totals; Change is After − Before,
	// GainTotal and LoseTotal its parts in the cases that gain and lose
	// (both as changes of the measure, so LoseTotal of a cost is
	// positive).
	Before    decimal.Decimal `json:"before"`
	After     decimal.Decimal `json:"after"`
	Change    decimal.Decimal `json:"change"`
	GainTotal decimal.Decimal `json:"gain_total"`
	LoseTotal decimal.Decimal `json:"lose_total"`
	// Changed is the cases where the measure changed (Gain + Lose); the
	// statistics below are over them: the mean change (half up to the
	// cent, or to a tenth of an hour), the median, the 10th and 90th percentiles, the
	// smallest and the largest change.
	Changed int             `json:"changed"`
	Mean    decimal.Decimal `json:"mean"`
	Median  decimal.Decimal `json:"median"`
	P10     decimal.Decimal `json:"p10"`
	P90     decimal.Decimal `json:"p90"`
	Min     decimal.Decimal `json:"min"`
	Max     decimal.Decimal `json:"max"`
	// Distribution is the change over the cases where it changed, in
	// bins of equal width.
	Distribution []Bin `json:"distribution"`
	// BeforeValues and AfterValues are the measure's distribution before
	// and after over the same cases, in bins of equal width.
	BeforeValues []Bin `json:"before_values"`
	AfterValues  []Bin `json:"after_values"`
}

// Bin counts the cases whose value lies in [From, To).
type Bin struct {
	From  decimal.Decimal `json:"from"`
	To    decimal.Decimal `json:"to"`
	Cases int             `json:"cases"`
}

// places is the precision a unit is counted in: cents, whole hours.
func places(unit string) int32 {
	if unit == "EUR" {
		return 2
	}
	return 0
}

// maxDistinct bounds the distinct values a distribution keeps exactly;
// beyond it, values are merged into coarser steps (statistics and bins
// then hold to that step).
const maxDistinct = 4096

// counts is a distribution of values in the unit's smallest steps.
type counts struct {
	step int64 // each key k stands for the values [k*step, (k+1)*step)
	m    map[int64]int
}

func newCounts() *counts { return &counts{step: 1, m: map[int64]int{}} }

func (c *counts) add(v int64, n int) {
	c.m[floorDiv(v, c.step)] += n
	for len(c.m) > maxDistinct {
		c.coarsen()
	}
}

func (c *counts) coarsen() {
	old := c.m
	c.step *= 2
	c.m = make(map[int64]int, len(old)/2)
	for k, n := range old {
		c.m[floorDiv(k, 2)] += n
	}
}

func (c *counts) merge(o *counts) {
	for o.step < c.step {
		o.coarsen()
	}
	for c.step < o.step {
		c.coarsen()
	}
	for k, n := range o.m {
		c.add(k*c.step, n)
	}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// sorted returns the keys' values (in steps of one unit) with their
// counts, smallest first.
func (c *counts) sorted() ([]int64, []int) {
	keys := make([]int64, 0, len(c.m))
	for k := range c.m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	ns := make([]int, len(keys))
	for i, k := range keys {
		ns[i] = c.m[k]
		keys[i] = k * c.step
	}
	return keys, ns
}

// quantile returns the value at or below which a fraction q of the cases
// lie (the lower one at a tie).
func quantile(vals []int64, ns []int, total int, q decimal.Decimal) int64 {
	if total == 0 {
		return 0
	}
	// rank = ceil(q × total), at least 1
	rank := q.Mul(decimal.NewFromInt(int64(total))).Ceil().IntPart()
	rank = max(rank, 1)
	seen := int64(0)
	for i, v := range vals {
		seen += int64(ns[i])
		if seen >= rank {
			return v
		}
	}
	return vals[len(vals)-1]
}

// bins spreads the distribution over at most n bins of a round width
// (1, 2 or 5 times a power of ten of the unit's steps).
func (c *counts) bins(n int, exp int32) []Bin {
	return sharedBins(n, exp, c)[0]
}

// sharedBins spreads distributions over the same bins, at most n of a
// round width covering them all.
func sharedBins(n int, exp int32, cs ...*counts) [][]Bin {
	step := int64(1)
	for _, c := range cs {
		step = max(step, c.step)
	}
	var lo, hi int64
	first := true
	for _, c := range cs {
		for c.step < step {
			c.coarsen()
		}
		vals, _ := c.sorted()
		if len(vals) == 0 {
			continue
		}
		if first || vals[0] < lo {
			lo = vals[0]
		}
		if first || vals[len(vals)-1]+step > hi {
			hi = vals[len(vals)-1] + step
		}
		first = false
	}
	out := make([][]Bin, len(cs))
	if first {
		for i := range out {
			out[i] = []Bin{}
		}
		return out
	}
	width := niceStep((hi-lo+int64(n)-1)/int64(n), step)
	start := floorDiv(lo, width) * width
	for i, c := range cs {
		var bins []Bin
		for from := start; from < hi; from += width {
			bins = append(bins, Bin{From: decimal.New(from, -exp), To: decimal.New(from+width, -exp)})
		}
		vals, ns := c.sorted()
		for j, v := range vals {
			bins[floorDiv(v-start, width)].Cases += ns[j]
		}
		out[i] = bins
	}
	return out
}

// niceStep is the smallest 1, 2 or 5 × 10^k at least w, and a multiple
// of step.
func niceStep(w, step int64) int64 {
	w = max(w, step, 1)
	for p := int64(1); ; p *= 10 {
		for _, m := range []int64{1, 2, 5} {
			if s := m * p; s >= w && s%step == 0 {
				return s
			}
		}
	}
}

// actorAcc tallies one measure.
type actorAcc struct {
	cases, gain, lose, same  int
	before, after            decimal.Decimal
	gainTotal, loseTotal     decimal.Decimal
	changes, befores, afters *counts
}

func newActorAcc() *actorAcc {
	return &actorAcc{changes: newCounts(), befores: newCounts(), afters: newCounts()}
}

// add tallies a case: the measure before and after. It returns the sign
// of the change for the actor: 1 gains, -1 loses, 0 the same.
func (a *actorAcc) add(m *measure, b, af decimal.Decimal) int {
	a.cases++
	a.before, a.after = a.before.Add(b), a.after.Add(af)
	d := af.Sub(b)
	if d.IsZero() {
		a.same++
		return 0
	}
	exp := places(m.unit)
	a.changes.add(d.Shift(exp).Round(0).IntPart(), 1)
	a.befores.add(b.Shift(exp).Round(0).IntPart(), 1)
	a.afters.add(af.Shift(exp).Round(0).IntPart(), 1)
	better := d.IsPositive() != m.less
	if better {
		a.gain++
		a.gainTotal = a.gainTotal.Add(d)
		return 1
	}
	a.lose++
	a.loseTotal = a.loseTotal.Add(d)
	return -1
}

func (a *actorAcc) merge(o *actorAcc) {
	a.cases += o.cases
	a.gain += o.gain
	a.lose += o.lose
	a.same += o.same
	a.before, a.after = a.before.Add(o.before), a.after.Add(o.after)
	a.gainTotal, a.loseTotal = a.gainTotal.Add(o.gainTotal), a.loseTotal.Add(o.loseTotal)
	a.changes.merge(o.changes)
	a.befores.merge(o.befores)
	a.afters.merge(o.afters)
}

// distributionBins is how many bins a distribution of change is drawn in
// at most.
const distributionBins = 12

func (a *actorAcc) result(m *measure) ActorChange {
	exp := places(m.unit)
	better := "more"
	if m.less {
		better = "less"
	}
	out := ActorChange{Key: m.key, Actor: m.actor, Measure: m.name, Unit: m.unit, How: m.how, Better: better,
		Cases: a.cases, Gain: a.gain, Lose: a.lose, Same: a.same, Before: a.before, After: a.after,
		Change: a.after.Sub(a.before), GainTotal: a.gainTotal, LoseTotal: a.loseTotal, Changed: a.gain + a.lose,
		Distribution: a.changes.bins(distributionBins, exp)}
	ba := sharedBins(distributionBins, exp, a.befores, a.afters)
	out.BeforeValues, out.AfterValues = ba[0], ba[1]
	if out.Changed > 0 {
		vals, ns := a.changes.sorted()
		at := func(v int64) decimal.Decimal { return decimal.New(v, -exp) }
		out.Mean = out.Change.Div(decimal.NewFromInt(int64(out.Changed))).Round(max(exp, 1))
		out.Median = at(quantile(vals, ns, out.Changed, decimal.RequireFromString("0.5")))
		out.P10 = at(quantile(vals, ns, out.Changed, decimal.RequireFromString("0.1")))
		out.P90 = at(quantile(vals, ns, out.Changed, decimal.RequireFromString("0.9")))
		out.Min, out.Max = at(vals[0]), at(vals[len(vals)-1])
	}
	return out
}
