package wijkwerken

import "sort"

// segment holds the value of every parameter over a stretch of time in
// which none of them changes, so that a decision resolves its parameters
// with one binary search instead of one lookup per parameter.
type segment struct {
	from Date
	view *paramView
}

// paramView is what rule expressions see of the parameters: the values in
// force on one date, indexed as in Rulebook.paramOrder. Shared views are
// immutable; a tracing view (trace != nil) is made per decision.
type paramView struct {
	rb    *Rulebook
	date  Date
	vals  []Value
	trace *traceStep // records the parameters a rule reads, when tracing
}

func buildSegments(rb *Rulebook) []segment {
	var bounds []Date
	for _, id := range rb.paramOrder {
		for _, v := range rb.params[id].Values {
			bounds = append(bounds, v.From)
			if !v.To.IsZero() {
				bounds = append(bounds, v.To.AddDays(1))
			}
		}
	}
	sort.Slice(bounds, func(i, j int) bool { return bounds[i].Before(bounds[j]) })
	var segs []segment
	for i, b := range bounds {
		if i > 0 && b == bounds[i-1] {
			continue
		}
		view := &paramView{rb: rb, date: b, vals: make([]Value, len(rb.paramOrder))}
		for j, id := range rb.paramOrder {
			if v, ok := rb.params[id].At(b); ok {
				view.vals[j] = v.Value
			}
		}
		segs = append(segs, segment{from: b, view: view})
	}
	return segs
}

// view returns the parameter values in force on d. The view's date is the
// segment's start, not d; only vals are meant to be read from a shared view.
func (rb *Rulebook) view(d Date) *paramView {
	i := sort.Search(len(rb.segments), func(i int) bool { return rb.segments[i].from.After(d) })
	if i == 0 {
		return &paramView{rb: rb, date: d, vals: make([]Value, len(rb.paramOrder))}
	}
	return rb.segments[i-1].view
}
