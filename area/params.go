package area

import (
	"fmt"
	"runtime"
	"sort"
	"sync"
	"weak"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/internal/fn"
)

// paramTable indexes a rulebook's parameters for compiled rules: a rule
// reads a parameter by its index, not by its name, and the values in force
// are resolved once per stretch of time in which none of them changes.
type paramTable struct {
	params   []*wk.Parameter
	index    map[string]int
	segments []segment
	// timelines are each parameter's values as expressions see them, for
	// param_at.
	timelines [][]timedVal
}

type timedVal struct {
	from, to wk.Date // to zero: open
	v        fn.Val
}

// segment holds the value of every parameter over a stretch of time in
// which none of them changes, so that a decision resolves its parameters
// with one binary search instead of one lookup per parameter.
type segment struct {
	from wk.Date
	view *paramView
}

// paramView is what rule expressions see of the parameters: the values in
// force on one date, by index. Shared views are immutable; a tracing view
// (trace != nil) is made per evaluation.
type paramView struct {
	tab   *paramTable
	date  wk.Date    // the evaluation's date, in a tracing view
	fvals []fn.Val   // by index; the zero Val where none is in force
	trace *traceStep // records the parameters a rule reads, when tracing
}

// tables are the parameter tables of the rulebooks being decided with, one
// per rulebook, shared by its areas' rule sets (their values are shared
// read-only); an entry goes when its rulebook is collected.
var tables sync.Map // weak.Pointer[wk.Rulebook] -> *paramTable

// paramTableOf returns rb's parameter table, building it once.
func paramTableOf(rb *wk.Rulebook) *paramTable {
	k := weak.Make(rb)
	if t, ok := tables.Load(k); ok {
		return t.(*paramTable)
	}
	t, loaded := tables.LoadOrStore(k, newParamTable(rb))
	if !loaded {
		runtime.AddCleanup(rb, func(k weak.Pointer[wk.Rulebook]) { tables.Delete(k) }, k)
	}
	return t.(*paramTable)
}

func newParamTable(rb *wk.Rulebook) *paramTable {
	t := &paramTable{params: rb.Parameters(), index: map[string]int{}}
	t.timelines = make([][]timedVal, len(t.params))
	var bounds []wk.Date
	for i, p := range t.params {
		t.index[p.ID] = i
		for _, v := range p.Values {
			t.timelines[i] = append(t.timelines[i], timedVal{from: v.From, to: v.To, v: valOf(v.Value)})
		}
		for _, v := range p.Values {
			bounds = append(bounds, v.From)
			if !v.To.IsZero() {
				bounds = append(bounds, v.To.AddDays(1))
			}
		}
	}
	sort.Slice(bounds, func(i, j int) bool { return bounds[i].Before(bounds[j]) })
	for i, b := range bounds {
		if i > 0 && b == bounds[i-1] {
			continue
		}
		view := t.newView(b)
		for j, p := range t.params {
			if v, ok := p.At(b); ok {
				view.fvals[j] = valOf(v.Value)
			}
		}
		t.segments = append(t.segments, segment{from: b, view: view})
	}
	return t
}

func (t *paramTable) newView(d wk.Date) *paramView {
	return &paramView{tab: t, date: d, fvals: make([]fn.Val, len(t.params))}
}

// view returns the parameter values in force on d. The view's date is the
// segment's start, not d; only its values are meant to be read.
func (t *paramTable) view(d wk.Date) *paramView {
	i := sort.Search(len(t.segments), func(i int) bool { return t.segments[i].from.After(d) })
	if i == 0 {
		return t.newView(d)
	}
	return t.segments[i-1].view
}

// valOf is a parameter value as expressions see it (a list is copied once,
// here, and shared by every evaluation after: expressions never change one).
func valOf(v wk.Value) fn.Val {
	switch v.Kind() {
	case wk.KindInteger:
		return fn.Val{K: fn.Int, I: v.Int()}
	case wk.KindDecimal:
		return fn.Val{K: fn.Dec, D: v.Decimal()}
	case wk.KindDate:
		return fn.Val{K: fn.Date, T: v.Date()}
	case wk.KindString:
		return fn.Val{K: fn.Str, S: v.Str()}
	case wk.KindList:
		return fn.Val{K: fn.List, L: v.List()}
	case wk.KindBool:
		return fn.Val{K: fn.Bool, B: v.Bool()}
	}
	return fn.Val{}
}

// paramMissingError is returned by a parameter read on a date outside the
// parameter's timeline.
type paramMissingError struct {
	ID   string
	Date wk.Date
}

func (e *paramMissingError) Error() string {
	if e.Date.IsZero() {
		return fmt.Sprintf("parameter %s has no value in force on the decision date", e.ID)
	}
	return fmt.Sprintf("parameter %s has no value in force on %s", e.ID, e.Date)
}

// Get is the value of parameter idx in force on the view's date (nil when
// none is), for the closure backend.
func (v *paramView) Get(idx int) *fn.Val {
	if x := &v.fvals[idx]; x.K != fn.Nil {
		return x
	}
	return nil
}

// GetAt is the value of parameter idx in force on d (nil when none is),
// for the closure backend: as Parameter.At finds it, the newest first.
func (v *paramView) GetAt(idx int, d wk.Date) *fn.Val {
	tl := v.tab.timelines[idx]
	for i := len(tl) - 1; i >= 0; i-- {
		if x := &tl[i]; !d.Before(x.from) && (x.to.IsZero() || !d.After(x.to)) {
			return &x.v
		}
	}
	return nil
}

func (v *paramView) get(idx int) (fn.Val, error) {
	x := v.fvals[idx]
	if x.K == fn.Nil {
		d := wk.Date{}
		if v.trace != nil {
			d = v.date
		}
		return x, &paramMissingError{ID: v.tab.params[idx].ID, Date: d}
	}
	if v.trace != nil {
		v.trace.record(v.tab.params[idx], v.date)
	}
	return x, nil
}

func (v *paramView) getAt(idx int, d wk.Date) (fn.Val, error) {
	p := v.tab.params[idx]
	pv, ok := p.At(d)
	if !ok {
		return fn.Val{}, &paramMissingError{ID: p.ID, Date: d}
	}
	if v.trace != nil {
		v.trace.record(p, d)
	}
	return valOf(pv.Value), nil
}
