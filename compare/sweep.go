package compare

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/shopspring/decimal"
)

// SweepSpec varies one parameter over values.
type SweepSpec struct {
	Param string
	// From is the first day the swept value holds; zero means the first
	// day of the parameter's timeline, so that it holds throughout.
	From   wk.Date
	Values []wk.Value
}

// maxSweepValues bounds a sweep: each value is a rulebook to compile and a
// decision per case.
const maxSweepValues = 50

// ParseSweep reads a sweep written "param=lo:hi:step" (lo, lo+step, ...
// up to hi, for integer and decimal parameters) or "param=v1,v2,..." (any
// kind), typing the values by the parameter's kind in rb.
func ParseSweep(s string, rb *wk.Rulebook) (SweepSpec, error) {
	id, spec, ok := strings.Cut(s, "=")
	id, spec = strings.TrimSpace(id), strings.TrimSpace(spec)
	if !ok || id == "" || spec == "" {
		return SweepSpec{}, fmt.Errorf("sweep %q: want param=lo:hi:step or param=v1,v2,...", s)
	}
	p, ok := rb.Parameter(id)
	if !ok {
		return SweepSpec{}, fmt.Errorf("sweep %q: %w", s, &wk.UnknownError{What: "parameter", ID: id})
	}
	out := SweepSpec{Param: id}
	if parts := strings.Split(spec, ":"); len(parts) == 3 {
		if p.Kind != wk.KindInteger && p.Kind != wk.KindDecimal {
			return SweepSpec{}, fmt.Errorf("sweep %q: a range needs an integer or decimal parameter; %s is a %s (list the values: %s=a,b,c)", s, id, p.Kind, id)
		}
		var b [3]decimal.Decimal
		for i, x := range parts {
			d, err := decimal.NewFromString(strings.TrimSpace(x))
			if err != nil {
				return SweepSpec{}, fmt.Errorf("sweep %q: %q is not a number", s, x)
			}
			b[i] = d
		}
		lo, hi, step := b[0], b[1], b[2]
		if !step.IsPositive() || hi.LessThan(lo) {
			return SweepSpec{}, fmt.Errorf("sweep %q: want lo <= hi and a positive step", s)
		}
		for v := lo; !v.GreaterThan(hi); v = v.Add(step) {
			if len(out.Values) == maxSweepValues {
				return SweepSpec{}, fmt.Errorf("sweep %q: more than %d values", s, maxSweepValues)
			}
			val, err := wk.ParseValue(p.Kind, v.String())
			if err != nil {
				return SweepSpec{}, fmt.Errorf("sweep %q: %v", s, err)
			}
			out.Values = append(out.Values, val)
		}
		return out, nil
	}
	for _, x := range strings.Split(spec, ",") {
		if len(out.Values) == maxSweepValues {
			return SweepSpec{}, fmt.Errorf("sweep %q: more than %d values", s, maxSweepValues)
		}
		val, err := wk.ParseValue(p.Kind, strings.TrimSpace(x))
		if err != nil {
			return SweepSpec{}, fmt.Errorf("sweep %q: %v", s, err)
		}
		out.Values = append(out.Values, val)
	}
	return out, nil
}

// SweepReport is the totals of a population under one rulebook per value
// of a parameter, beside the baseline's.
type SweepReport struct {
	Baseline string          `json:"baseline"`
	Reforms  []ReformSummary `json:"reforms"`
	// Fingerprint is the baseline rulebook's (each point has its own), and
	// Engine the build of the engine that decided.
	Fingerprint string  `json:"fingerprint"`
	Engine      string  `json:"engine"` // wijkwerken.Version().Version
	Param       string  `json:"param"`
	From        wk.Date `json:"from"`
	Date        wk.Date `json:"date,omitzero"`
	Cases       int     `json:"cases"`
	Decided     int     `json:"decided"`
	Errors      int     `json:"errors"`
	// ErrorLines are the first lines that could not be decided under
	// every rulebook of the sweep.
	ErrorLines []LineError   `json:"error_lines,omitempty"`
	Elapsed    time.Duration `json:"elapsed_ns"`
	BaseTotals []Total       `json:"baseline_totals"`
	Points     []SweepPoint  `json:"points"`
}

// SweepPoint is the totals for one value of the swept parameter.
type SweepPoint struct {
	Value string `json:"value"`
	// Fingerprint is that of the rulebook with the reforms and the value.
	Fingerprint string  `json:"fingerprint"`
	Totals      []Total `json:"totals"`
}

// Sweep decides the population read from r under base's rulebook and,
// for every value of spec, under that rulebook with reforms applied and
// the parameter set to the value; it reports the totals of each. A line
// that cannot be decided under every rulebook is counted and skipped.
func Sweep(ctx context.Context, r io.Reader, base *decision.Engine, reforms []*wk.Reform, spec SweepSpec, o Options) (*SweepReport, error) {
	if base == nil {
		return nil, errNoEngines
	}
	if len(spec.Values) == 0 {
		return nil, errors.New("compare: a sweep needs at least one value")
	}
	start := time.Now()
	p, ok := base.Rulebook().Parameter(spec.Param)
	if !ok {
		return nil, &wk.UnknownError{What: "parameter", ID: spec.Param}
	}
	from := spec.From
	if from.IsZero() && len(p.Values) > 0 {
		from = p.Values[0].From
	}
	engines := []*decision.Engine{base}
	rep := &SweepReport{Baseline: describe(base.Rulebook()), Param: spec.Param, From: from, Date: o.Date,
		Fingerprint: base.Rulebook().Fingerprint(), Engine: wk.Version().Version}
	reformed, err := base.Rulebook().Reform(reforms...)
	if err != nil {
		return nil, err
	}
	for _, rf := range reforms {
		rep.Reforms = append(rep.Reforms, summarize(rf, reformed))
	}
	for _, v := range spec.Values {
		rf := &wk.Reform{Name: fmt.Sprintf("%s = %s", spec.Param, v), Cite: "sweep",
			Set: []wk.ParamChange{{Param: spec.Param, From: from, Value: v, Cite: "sweep"}}}
		rb, err := reformed.Reform(rf)
		if err != nil {
			return nil, fmt.Errorf("sweep %s = %s: %w", spec.Param, v, err)
		}
		e, err := decision.New(rb)
		if err != nil {
			return nil, fmt.Errorf("sweep %s = %s: %w", spec.Param, v, err)
		}
		engines = append(engines, e)
		rep.Points = append(rep.Points, SweepPoint{Value: v.String(), Fingerprint: rb.Fingerprint()})
	}
	workers := o.Workers
	if workers <= 0 {
		workers = defaultWorkers()
	}
	o.Workers = workers
	type sweepAcc struct {
		tallies []tally
		errs    lineErrors
		decided int
	}
	accs := make([]*sweepAcc, workers)
	for i := range accs {
		accs[i] = &sweepAcc{}
		for range engines {
			accs[i].tallies = append(accs[i].tallies, newTally())
		}
	}
	cases, err := decideAll(ctx, r, engines, o,
		func(w, _ int, l decision.Line, res []*decision.Result) {
			a := accs[w]
			a.decided++
			for i, r := range res {
				a.tallies[i].add(r, l.Case)
			}
		},
		func(w int, e LineError) { accs[w].errs.add(e) })
	if err != nil {
		return nil, err
	}
	total := accs[0]
	for _, a := range accs[1:] {
		for i := range total.tallies {
			total.tallies[i].merge(a.tallies[i])
		}
		total.errs.merge(&a.errs)
		total.decided += a.decided
	}
	total.errs.trim()
	rep.Cases, rep.Decided, rep.Errors, rep.ErrorLines = cases, total.decided, total.errs.n, total.errs.kept
	rep.BaseTotals = total.tallies[0].totals()
	for i := range rep.Points {
		rep.Points[i].Totals = total.tallies[i+1].totals()
	}
	rep.Elapsed = time.Since(start)
	return rep, nil
}
