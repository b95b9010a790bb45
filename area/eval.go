package area

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/internal/fast"
	"github.com/openwijkwerken/wijkwerken/internal/fn"
	"github.com/shopspring/decimal"
)

type decimalT = decimal.Decimal

// Eval runs the area's rules in force on date against env (a pointer of
// the type the area was compiled with, filled with the case) and returns
// the reasons of the conditions that hold, in rulebook order. Value rules
// store their outputs in the environment's out struct. When tr is not nil,
// a step per rule is appended to it, with the parameter values the rule
// read.
//
// An environment of another type is an error (the compiled rules read it
// by offsets). A date on which no rule of the area is in force is a
// *wijkwerken.NotInForceError; a rule that fails at run time is a
// *wijkwerken.RuleError.
func (rs *RuleSet) Eval(env any, date wk.Date, tr *wk.Trace) ([]wk.Reason, error) {
	return rs.eval(env, date, tr, false)
}

// EvalIn is Eval for a decision in the making: on the state's date, with
// its trace (nil when untraced) and its options.
func (rs *RuleSet) EvalIn(s *State, env any) ([]wk.Reason, error) {
	if s.Trace != nil {
		return rs.evalTraced(env, s.Date, s.Trace)
	}
	return rs.evalFast(env, s.Date, &s.frame, s.Options.VMOnly)
}

func (rs *RuleSet) eval(env any, date wk.Date, tr *wk.Trace, vmOnly bool) ([]wk.Reason, error) {
	if tr == nil {
		return rs.evalFast(env, date, nil, vmOnly)
	}
	return rs.evalTraced(env, date, tr)
}

// evalFast is an untraced evaluation: the plan's programs in force on date,
// on the closures where they have them (unless vmOnly), else on the VM;
// a closure that gives up hands its rule to the VM. f is the frame to bind
// (nil: one from the pool).
func (rs *RuleSet) evalFast(env any, date wk.Date, f *fast.Frame, vmOnly bool) ([]wk.Reason, error) {
	if f == nil {
		m := rs.pool.Get().(*machine)
		defer rs.pool.Put(m)
		f = &m.frame
	}
	view := rs.params.view(date)
	if err := f.Bind(env, rs.envType, date, view); err != nil {
		return nil, fmt.Errorf("area: the %s rules: %v", rs.area, err)
	}
	e := env.(envHolder).base()
	e.Date = date
	e.Params = view
	seg := rs.segment(date)
	if seg == nil || len(seg.steps) == 0 {
		f.Release()
		return nil, &wk.NotInForceError{What: rs.area + " rules", Date: date, Earliest: rs.earliest}
	}
	steps := seg.steps
	var reasons []wk.Reason
	for i := 0; i < len(steps); i++ {
		if !vmOnly {
			// The closures, from step i on, until one gives up or has
			// none: that one runs on the VM.
			if i, reasons = runClosures(seg, i, f, reasons); i == len(steps) {
				break
			}
		}
		var err error
		if reasons, err = rs.stepOnVM(&steps[i], env, f, reasons); err != nil {
			f.Release()
			return nil, err
		}
	}
	f.Release()
	return reasons, nil
}

// stepOnVM runs one step of an untraced evaluation on expr's VM.
func (rs *RuleSet) stepOnVM(st *planStep, env any, f *fast.Frame, reasons []wk.Reason) ([]wk.Reason, error) {
	m := rs.pool.Get().(*machine)
	defer rs.pool.Put(m)
	c := st.c
	prog, _ := st.programs()
	out, err := runVM(&m.vm, prog, env, c, f.Date)
	if err != nil {
		return nil, err
	}
	if c.out == nil {
		if out.K == fn.Bool && out.B {
			reasons = append(reasons, c.reason)
		}
	} else if err := c.out.store(f, out, c, f.Date); err != nil {
		return nil, err
	}
	return reasons, nil
}

// runClosures runs the steps from start on, on their closures, under one
// guard, and returns the first step that did not run (len(steps) when all
// did): it has no closures, or they gave up. The frame is bound to the
// rule set's environment type, which every program was compiled for.
func runClosures(seg *planSegment, start int, f *fast.Frame, held []wk.Reason) (stop int, reasons []wk.Reason) {
	defer fast.Guard() // a give-up returns stop and reasons as they are
	reasons = held
	steps := seg.steps
	for stop = start; stop < len(steps); stop++ {
		st := &steps[stop]
		_, closures := st.programs()
		switch {
		case closures == nil:
			return stop, reasons
		case st.c.out == nil:
			if closures.Cond(f) {
				if reasons == nil {
					reasons = make([]wk.Reason, 0, seg.conds) // room for every reason: one allocation
				}
				reasons = append(reasons, st.c.reason)
			}
		default:
			closures.Store(f)
		}
	}
	return stop, reasons
}

// runVM runs a rule's program on expr's VM.
func runVM(v *vm.VM, prog *vm.Program, env any, c *compiled, date wk.Date) (fn.Val, error) {
	res, err := v.Run(prog, env)
	if err != nil {
		return fn.Val{}, runError(c.rule, date, err)
	}
	out, ok := fn.Unbox(res)
	if !ok {
		return fn.Val{}, runError(c.rule, date, fmt.Errorf("computed a %T, which no output can hold", res))
	}
	return out, nil
}

// store stores a value rule's value, computed on the VM, in its output.
func (o *output) store(f *fast.Frame, out fn.Val, c *compiled, date wk.Date) error {
	if out.K == fn.Nil {
		return nil
	}
	if out.K != o.kind {
		return runError(c.rule, date, fmt.Errorf("computed %s, but output %s wants %s", typeName(reflect.TypeOf(fn.Box(out))), o.name, typeName(o.typ)))
	}
	if err := o.loc.Set(f, out); err != nil {
		return runError(c.rule, date, fmt.Errorf("output %s: %v", o.name, err))
	}
	return nil
}

// evalTraced is a traced evaluation: every rule in force on the VM, with
// the general program that records the parameters it reads.
func (rs *RuleSet) evalTraced(env any, date wk.Date, tr *wk.Trace) ([]wk.Reason, error) {
	tv := *rs.params.view(date)
	tv.date = date
	view := &tv
	m := rs.pool.Get().(*machine)
	defer rs.pool.Put(m)
	bound := &m.frame
	if err := bound.Bind(env, rs.envType, date, view); err != nil {
		return nil, fmt.Errorf("area: the %s rules: %v", rs.area, err)
	}
	defer bound.Release()
	e := env.(envHolder).base()
	e.Date = date
	e.Params = view
	var reasons []wk.Reason
	ran := false
	for _, versions := range rs.slots {
		c := inForce(versions, date)
		if c == nil {
			continue
		}
		ran = true
		step := newStep(rs.area, c.rule)
		view.trace = step
		prog, _ := c.program(date, true)
		out, err := runVM(&m.vm, prog, env, c, date)
		if err != nil {
			return nil, err
		}
		if c.out == nil {
			fired := out.K == fn.Bool && out.B
			if fired {
				reasons = append(reasons, c.reason)
			}
			step.Kind, step.Fired = "condition", &fired
			if fired {
				step.Reason = c.rule.Reason
			}
		} else {
			if err := c.out.store(bound, out, c, date); err != nil {
				return nil, err
			}
			step.Kind, step.Output, step.Value = "value", c.out.name, fn.Box(out)
		}
		tr.Steps = append(tr.Steps, step.Step)
	}
	view.trace = nil
	if !ran {
		return nil, &wk.NotInForceError{What: rs.area + " rules", Date: date, Earliest: rs.earliest}
	}
	return reasons, nil
}

func inForce(versions []*compiled, d wk.Date) *compiled {
	for _, c := range versions {
		if c.rule.InForce(d) {
			return c
		}
	}
	return nil
}

// runError is a rule's run-time error, positioned where the expression
// fails in the rulebook file when expr says where.
func runError(r *wk.Rule, d wk.Date, err error) error {
	pos := r.ExprPos
	var fe *file.Error
	if errors.As(err, &fe) {
		msg := fe.Message
		if fe.Prev != nil {
			msg = fe.Prev.Error()
		}
		pos = r.PositionOf(fe.Line, fe.Column)
		err = errors.New(msg)
		if fe.Prev != nil {
			err = fe.Prev
		}
	}
	return &wk.RuleError{Rule: r.ID, Pos: pos, Date: d, Err: err}
}

func reasonOf(r *wk.Rule) wk.Reason {
	return wk.Reason{Code: r.Reason, Message: r.Message, Rule: r.ID, Cite: r.Cite, Sources: r.Sources}
}

// traceStep is the step of one rule being evaluated with a trace: the
// parameter reads of the rule add to it.
type traceStep struct{ wk.Step }

func newStep(area string, r *wk.Rule) *traceStep {
	return &traceStep{Step: wk.Step{Area: area, Rule: r.ID, Cite: r.Cite, Sources: r.Sources, Confidence: r.Confidence,
		From: r.From, To: r.To, Pos: r.Pos, Expression: strings.TrimSpace(r.Expression())}}
}

// record adds the value of p in force on at to the step (once).
func (s *traceStep) record(p *wk.Parameter, at wk.Date) {
	u := wk.ParamUse{ID: p.ID, Unit: p.Unit, At: at, Cite: p.Cite, Sources: p.Sources, Confidence: p.Confidence}
	if v, ok := p.At(at); ok {
		u.Value, u.From, u.To = v.Value, v.From, v.To
		u.Cite, u.Sources, u.Confidence = p.Provenance(v)
	}
	for _, prev := range s.Params {
		if prev.ID == u.ID && prev.At == u.At {
			return
		}
	}
	s.Params = append(s.Params, u)
}
