// Package compare answers an analyst's "what if": it decides a population
// of cases under a baseline rulebook and under a reformed one and reports
// what changes — per output, in which direction, the money totals before
// and after, the rules that fire differently, and example cases — or, for
// a sweep, decides it under one rulebook per value of a parameter and
// reports the totals per value. Reports print as a terminal table, JSON,
// CSV or a self-contained HTML page with charts (see Report and
// SweepReport).
//
// A population is a stream of JSON lines {"id", "date", "case"}, the format
// `wijkwerken population` writes. Cases are decided on all cores; memory
// stays bounded whatever the population's size.
package compare

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sort"
	"sync"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/area"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/shopspring/decimal"
)

// Options tune Compare and Sweep.
type Options struct {
	// Date, when set, decides every case on this date instead of its own.
	Date wk.Date
	// Workers is how many cases are decided at once; 0 means one per core.
	Workers int
	// Examples is how many example cases a report keeps per kind of
	// change; 0 means 3, a negative number none.
	Examples int
	// MaxLine is the longest input line accepted, in bytes; 0 means 1 MiB.
	MaxLine int
	// By lists the fields Compare breaks its report down by (see
	// GroupFields): referrer, income, user_type, municipality,
	// organiser_price, trajectory_age, transitional.
	By []string
	// Full decides every area of every case under every rulebook. By
	// default a case is decided in full under the baseline only; under a
	// reform (or a swept value) only the areas the reform can change are
	// decided again (decision.Delta), the same report for less work.
	Full bool
}

func (o Options) examples() int {
	switch {
	case o.Examples == 0:
		return 3
	case o.Examples < 0:
		return 0
	}
	return o.Examples
}

// LineError is a population line that could not be read or decided under
// one of the rulebooks. A report counts such lines and keeps the first few.
type LineError struct {
	Line int    `json:"line"`
	ID   string `json:"id,omitempty"`
	Err  string `json:"error"`
}

// maxLineErrors is how many line errors a report keeps (it counts all).
const maxLineErrors = 20

// decideAll reads the population from r and decides every case under each
// engine, on all cores. visit is called once per case (with the worker's
// index, so that it can keep per-worker tallies without locks) with the
// case and its result under each engine in order; a case that fails to
// parse, or that some engine cannot decide at all, is reported to fail
// instead.
func decideAll(ctx context.Context, r io.Reader, engines []*decision.Engine, o Options,
	visit func(worker, line int, l decision.Line, res []*decision.Result), fail func(worker int, e LineError)) (int, error) {
	// Under every rulebook but the baseline, a case is decided from its
	// baseline decision: the areas the rulebook cannot change keep it.
	var deltas []*decision.Delta
	if !o.Full {
		for _, e := range engines[1:] {
			d, err := decision.NewDelta(engines[0], e)
			if err != nil {
				return 0, err
			}
			deltas = append(deltas, d)
		}
	}
	workers := o.Workers
	if workers <= 0 {
		workers = defaultWorkers()
	}
	maxLine := o.MaxLine
	if maxLine <= 0 {
		maxLine = 1 << 20
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type job struct {
		line int
		data []byte
	}
	jobs := make(chan []job, 4*workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			res := make([]*decision.Result, len(engines))
			for batch := range jobs {
				for _, j := range batch {
					if ctx.Err() != nil {
						continue
					}
					l, err := decision.ParseLine(j.data, o.Date)
					if err != nil {
						fail(w, LineError{Line: j.line, ID: l.ID, Err: err.Error()})
						continue
					}
					failed := false
					for i, e := range engines {
						if i > 0 && deltas != nil {
							res[i], err = deltas[i-1].Decide(res[0], l.Date, l.Case, area.CaseValidated())
						} else {
							res[i], err = e.Decide(l.Date, l.Case, area.CaseValidated())
						}
						if res[i] == nil {
							fail(w, LineError{Line: j.line, ID: l.ID, Err: err.Error()})
							failed = true
							break
						}
					}
					if !failed {
						visit(w, j.line, l, res)
					}
				}
			}
		}(w)
	}
	lr := decision.NewLineReader(r, maxLine)
	line, cases := 0, 0
	const batchSize = 64
	batch := make([]job, 0, batchSize)
	var readErr error
	var long []LineError // lines over the limit, reported once the workers are done
	send := func() bool {
		if len(batch) == 0 {
			return true
		}
		select {
		case jobs <- batch:
			batch = make([]job, 0, batchSize)
			return true
		case <-ctx.Done():
			return false
		}
	}
	for {
		n, data, err := lr.Next()
		if err == io.EOF {
			break
		}
		var tooLong *decision.LineTooLongError
		if errors.As(err, &tooLong) {
			// Counted as a line that could not be read; the rest goes on.
			cases++
			long = append(long, LineError{Line: n, Err: err.Error()})
			continue
		}
		if err != nil {
			readErr = fmt.Errorf("line %d: %w", n, err)
			break
		}
		line = n
		cases++
		batch = append(batch, job{line: line, data: data})
		if len(batch) == batchSize && !send() {
			break
		}
	}
	send()
	close(jobs)
	wg.Wait()
	for _, e := range long {
		fail(0, e)
	}
	if readErr != nil {
		return cases, readErr
	}
	return cases, context.Cause(ctx)
}

func defaultWorkers() int { return runtime.GOMAXPROCS(0) }

// lineErrors keeps the first few line errors (by line) and counts them all.
type lineErrors struct {
	n    int
	kept []LineError
}

func (le *lineErrors) add(e LineError) {
	le.n++
	le.kept = append(le.kept, e)
	if len(le.kept) > 2*maxLineErrors {
		le.trim()
	}
}

func (le *lineErrors) merge(o *lineErrors) {
	le.n += o.n
	le.kept = append(le.kept, o.kept...)
	le.trim()
}

func (le *lineErrors) trim() {
	sort.Slice(le.kept, func(i, j int) bool { return le.kept[i].Line < le.kept[j].Line })
	if len(le.kept) > maxLineErrors {
		le.kept = le.kept[:maxLineErrors]
	}
}

// Total is a sum over the population: money in euro, hours, or a count of
// cases.
type Total struct {
	Name string `json:"name"`
	// Unit is "EUR", "hours" or "cases".
	Unit string `json:"unit"`
	// How says what is summed, in terms of output paths.
	How   string          `json:"how"`
	Value decimal.Decimal `json:"value"`
}

// totalDefs are the totals every report computes, in order.
var totalDefs = []struct {
	name, unit, how string
	add             func(r *decision.Result, c *dossier.Case) decimal.Decimal
	// paths are the output paths add reads (besides the case); none: it
	// reads more (the errors).
	paths []int
}{
	{"worker allowances", "EUR", "sum of vouchers.allowance", sumDec("vouchers.allowance"), indexes("vouchers.allowance")},
	{"travel allowances", "EUR", "sum of vouchers.travel_allowance", sumDec("vouchers.travel_allowance"), indexes("vouchers.travel_allowance")},
	{"tax reductions", "EUR", "sum of vouchers.tax_reduction", sumDec("vouchers.tax_reduction"), indexes("vouchers.tax_reduction")},
	{"cheque revenue", "EUR", "vouchers.cheques_needed x organiser.cheque_price, where vouchers.price_valid", chequeRevenue, indexes("vouchers.price_valid", "vouchers.cheques_needed")},
	{"registration fees", "EUR", "sum of vouchers.registration_fee", sumDec("vouchers.registration_fee"), indexes("vouchers.registration_fee")},
	{"community service allowances", "EUR", "sum of community_service.allowance (a month)", sumDec("community_service.allowance"), indexes("community_service.allowance")},
	{"hours allowed", "hours", "sum of hours.allowed", sumInt("hours.allowed"), indexes("hours.allowed")},
	{"eligible", "cases", "eligibility.eligible is true", countTrue("eligibility.eligible"), indexes("eligibility.eligible")},
	{"placements allowed", "cases", "placement.allowed is true", countTrue("placement.allowed"), indexes("placement.allowed")},
	{"assignments allowed", "cases", "placement.assignment_allowed is true", countTrue("placement.assignment_allowed"), indexes("placement.assignment_allowed")},
	{"community service eligible", "cases", "community_service.eligible is true", countTrue("community_service.eligible"), indexes("community_service.eligible")},
	{"cases with an area not decided", "cases", "an area of the case could not be decided (its outputs are missing from the totals above)", withErrors, nil},
}

// indexes are the indexes of paths in decision.Paths().
func indexes(paths ...string) []int {
	out := make([]int, len(paths))
	for i, p := range paths {
		out[i] = decision.PathIndex(p)
	}
	return out
}

// addPair adds a case's baseline and reformed results to their tallies: a
// total whose paths the two results share (one area decision, kept by the
// reform) adds the baseline's value to both.
func addPair(tb, ta tally, base, alt *decision.Result, c *dossier.Case) {
	for i, d := range totalDefs {
		vb := d.add(base, c)
		if !vb.IsZero() {
			tb[i] = tb[i].Add(vb)
		}
		va := vb
		for _, p := range d.paths {
			if !base.Shared(alt, p) {
				va = d.add(alt, c)
				break
			}
		}
		if d.paths == nil {
			va = d.add(alt, c)
		}
		if !va.IsZero() {
			ta[i] = ta[i].Add(va)
		}
	}
}

func withErrors(r *decision.Result, _ *dossier.Case) decimal.Decimal {
	if len(r.Errors) > 0 {
		return decimal.NewFromInt(1)
	}
	return decimal.Zero
}

func sumDec(path string) func(*decision.Result, *dossier.Case) decimal.Decimal {
	i := decision.PathIndex(path)
	return func(r *decision.Result, _ *dossier.Case) decimal.Decimal {
		v, _ := r.At(i)
		d, _ := v.(decimal.Decimal)
		return d
	}
}

func sumInt(path string) func(*decision.Result, *dossier.Case) decimal.Decimal {
	i := decision.PathIndex(path)
	return func(r *decision.Result, _ *dossier.Case) decimal.Decimal {
		v, _ := r.At(i)
		i, _ := v.(int)
		return decimal.NewFromInt(int64(i))
	}
}

func countTrue(path string) func(*decision.Result, *dossier.Case) decimal.Decimal {
	i := decision.PathIndex(path)
	return func(r *decision.Result, _ *dossier.Case) decimal.Decimal {
		if v, _ := r.At(i); v == true {
			return decimal.NewFromInt(1)
		}
		return decimal.Zero
	}
}

// chequeRevenue is what the users pay the organiser for the request's
// cheques, when the organiser's price is a legal one.
func chequeRevenue(r *decision.Result, c *dossier.Case) decimal.Decimal {
	ok, _ := r.Get("vouchers.price_valid")
	n, _ := r.Get("vouchers.cheques_needed")
	cheques, _ := n.(int)
	if ok != true || c.Organiser == nil || c.Organiser.ChequePrice == nil || cheques <= 0 {
		return decimal.Zero
	}
	return c.Organiser.ChequePrice.Mul(decimal.NewFromInt(int64(cheques)))
}

// tally is the totals of one rulebook over a population.
type tally []decimal.Decimal

func newTally() tally {
	t := make(tally, len(totalDefs))
	for i := range t {
		t[i] = decimal.Zero
	}
	return t
}

func (t tally) add(r *decision.Result, c *dossier.Case) {
	for i, d := range totalDefs {
		if v := d.add(r, c); !v.IsZero() {
			t[i] = t[i].Add(v)
		}
	}
}

func (t tally) merge(o tally) {
	for i := range t {
		t[i] = t[i].Add(o[i])
	}
}

func (t tally) totals() []Total {
	out := make([]Total, len(totalDefs))
	for i, d := range totalDefs {
		out[i] = Total{Name: d.name, Unit: d.unit, How: d.how, Value: t[i]}
	}
	return out
}

// errNoEngines is returned when nothing is given to decide with.
var errNoEngines = errors.New("compare: no rulebook to decide with")
