package wijkwerken

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
)

// Limits that bound what a rule expression may cost, so that a broken or
// hostile reform cannot hang or exhaust the host.
const (
	// MaxExpressionNodes is the largest expression (in syntax-tree nodes) a
	// rule may have.
	MaxExpressionNodes = 2000
	// MemoryBudget bounds what one evaluation of one rule may build (in
	// expr's units: roughly the elements of ranges, arrays and maps).
	MemoryBudget = 100_000
)

// Env is the part of every area's expression environment that the engine
// fills in before a rule runs: the decision date (date in expressions) and
// the parameters in force on it (read with param("id") and
// param_at("id", date)). A domain package embeds Env in its environment
// struct and passes a pointer to that struct to Compile and Eval.
type Env struct {
	Date   Date       `expr:"date"`
	Params *paramView `expr:"_params"`
}

func (e *Env) base() *Env { return e }

type envHolder interface{ base() *Env }

// Output declares a value a domain area lets rules compute: its name (the
// rule's output:), its Go type, and Set, which stores a computed value in the
// environment so that the caller, and later rules (as out.<name>), can read
// it.
type Output struct {
	Name string
	Type reflect.Type
	Set  func(env any, v any)
}

// AreaSpec tells Compile what an area's rules may read and compute.
type AreaSpec struct {
	// Area is the rulebook area whose rules are compiled ("eligibility").
	Area string
	// Env is a pointer to the area's environment struct. The struct embeds
	// Env; its exported fields, named by `expr:"..."` tags, are what rules
	// read. A misspelled field in a rule is a compile error.
	Env any
	// Outputs are the values that value: rules may compute. A rule naming
	// another output is a compile error.
	Outputs []Output
}

// RuleSet is an area's rules compiled against the area's typed environment.
// It is immutable and safe for concurrent use; compile once, evaluate many.
type RuleSet struct {
	rb       *Rulebook
	area     string
	envType  reflect.Type  // the pointer type the rules were compiled for
	slots    [][]*compiled // per rule id, its versions ordered by From
	earliest Date
	pool     sync.Pool // *machine, one per goroutine at a time
}

// machine is what one evaluation needs: expr's VM and the fast path's frame.
type machine struct {
	vm vm.VM
	fr frame
}

type compiled struct {
	rule *Rule
	prog *vm.Program // reads parameters as it runs: traced evaluations use it
	fast efn         // prog on the fast path (fast.go), nil where not supported
	out  *Output
	// folded are the rule compiled once per stretch of its time in force
	// in which none of the parameters it reads changes, each with those
	// values as constants, ordered by from; an untraced evaluation runs
	// the one in force.
	folded []foldedProg
}

type foldedProg struct {
	from Date
	prog *vm.Program
	fast efn
}

// program returns the program to run on d, and its fast closures when it
// has them: the folded one in force, or the general one (without the fast
// closures) for a traced evaluation, which must record the parameters.
func (c *compiled) program(d Date, traced bool) (*vm.Program, efn) {
	if traced {
		return c.prog, nil
	}
	for i := len(c.folded) - 1; i >= 0; i-- {
		if !d.Before(c.folded[i].from) {
			return c.folded[i].prog, c.folded[i].fast
		}
	}
	return c.prog, c.fast
}

// fastFor compiles prog to the fast path when the rule's result type is
// the one it must have (a bool for a condition, the output's type).
func fastFor(prog *vm.Program, env reflect.Type, want reflect.Type) efn {
	root := prog.Node()
	if root.Type() != want {
		return nil
	}
	return compileFast(root, env)
}

// Area returns the name of the area the rule set was compiled for.
func (rs *RuleSet) Area() string { return rs.area }

// Rulebook returns the rulebook the rule set was compiled from.
func (rs *RuleSet) Rulebook() *Rulebook { return rs.rb }

// Earliest returns the first day on which a rule of the area is in force.
func (rs *RuleSet) Earliest() Date { return rs.earliest }

// Compile type-checks and compiles every version of every rule of the
// spec's area against the spec's environment. All problems are reported at
// once in a *LoadError, each with the rule's id and file:line.
func Compile(rb *Rulebook, spec AreaSpec) (*RuleSet, error) {
	if _, ok := spec.Env.(envHolder); !ok || reflect.TypeOf(spec.Env).Kind() != reflect.Pointer {
		return nil, fmt.Errorf("wijkwerken.Compile: env of area %s must be a pointer to a struct embedding wijkwerken.Env", spec.Area)
	}
	rs := &RuleSet{rb: rb, area: spec.Area, envType: reflect.TypeOf(spec.Env), earliest: rb.Earliest(spec.Area)}
	rs.pool.New = func() any { return &machine{vm: vm.VM{MemoryBudget: MemoryBudget}} }
	envType := reflect.TypeOf(spec.Env).Elem()
	outputs := map[string]*Output{}
	var outNames []string
	for i := range spec.Outputs {
		outputs[spec.Outputs[i].Name] = &spec.Outputs[i]
		outNames = append(outNames, spec.Outputs[i].Name)
	}
	var ps problems
	producer := map[string]int{} // output name -> slot that computes it
	var slotIDs []string
	for _, r := range rb.Rules(spec.Area) {
		if len(slotIDs) == 0 || slotIDs[len(slotIDs)-1] != r.ID {
			slotIDs = append(slotIDs, r.ID)
			rs.slots = append(rs.slots, nil)
		}
		slot := len(rs.slots) - 1
		c := &compiled{rule: r}
		pp := &paramPatcher{rb: rb}
		opts := baseOptions(rb, spec.Env, pp)
		if r.IsCondition() {
			opts = append(opts, expr.AsBool())
		} else {
			out, ok := outputs[r.Output]
			if !ok {
				e := &UnknownError{What: "output of area " + spec.Area, ID: r.Output, Known: outNames}
				ps.list = append(ps.list, Problem{Pos: r.Pos, ID: r.ID, Msg: e.Error() + " (known: " + strings.Join(outNames, ", ") + ")"})
				continue
			}
			c.out = out
			if p, dup := producer[r.Output]; dup && p != slot {
				ps.list = append(ps.list, Problem{Pos: r.Pos, ID: r.ID, Msg: fmt.Sprintf("output %s is already computed by rule %s", r.Output, slotIDs[p])})
			}
			producer[r.Output] = slot
		}
		prog, err := expr.Compile(r.Expression(), opts...)
		if err != nil {
			ps.list = append(ps.list, exprProblem(r, err))
			continue
		}
		if c.out != nil {
			if got := prog.Node().Type(); got != nil && got != c.out.Type && got.Kind() != reflect.Interface {
				ps.list = append(ps.list, Problem{Pos: r.ExprPos, ID: r.ID, Msg: fmt.Sprintf("computes %s, but output %s wants %s", typeName(got), r.Output, typeName(c.out.Type))})
				continue
			}
		}
		if op := unresolvedOperator(prog.Node()); op != "" {
			ps.list = append(ps.list, Problem{Pos: r.ExprPos, ID: r.ID, Msg: "invalid operation: " + op})
			continue
		}
		for _, ref := range outRefs(prog.Node()) {
			if p, ok := producer[ref]; !ok || p >= slot {
				ps.list = append(ps.list, Problem{Pos: r.ExprPos, ID: r.ID, Msg: fmt.Sprintf("reads out.%s before a rule above it computes it", ref)})
			}
		}
		c.prog = prog
		want := reflect.TypeOf(true)
		if c.out != nil {
			want = c.out.Type
		}
		c.fast = fastFor(prog, envType, want)
		c.folded = foldPrograms(rb, r, opts, pp)
		for i := range c.folded {
			c.folded[i].fast = fastFor(c.folded[i].prog, envType, want)
		}
		rs.slots[slot] = append(rs.slots[slot], c)
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return rs, nil
}

// foldPrograms compiles rule r once for every stretch of its time in force
// in which none of the parameters it reads (pp.reads, collected when the
// general program was compiled) changes, with their values as constants.
// A stretch whose program does not compile keeps the general one.
func foldPrograms(rb *Rulebook, r *Rule, opts []expr.Option, pp *paramPatcher) []foldedProg {
	if len(pp.reads) == 0 {
		return nil
	}
	starts := []Date{r.From}
	inside := func(d Date) bool { return d.After(r.From) && (r.To.IsZero() || !d.After(r.To)) }
	for _, idx := range pp.reads {
		for _, v := range rb.params[rb.paramOrder[idx]].Values {
			if inside(v.From) {
				starts = append(starts, v.From)
			}
			if !v.To.IsZero() && inside(v.To.AddDays(1)) {
				starts = append(starts, v.To.AddDays(1))
			}
		}
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i].Before(starts[j]) })
	starts = slices.Compact(starts)
	out := make([]foldedProg, 0, len(starts))
	for _, from := range starts {
		pp.fold = from
		prog, err := expr.Compile(r.Expression(), opts...)
		if err != nil {
			return nil
		}
		out = append(out, foldedProg{from: from, prog: prog})
	}
	pp.fold = Date{}
	return out
}

func typeName(t reflect.Type) string {
	switch t {
	case decimalType:
		return "decimal"
	case dateType:
		return "date"
	case reflect.TypeOf([]string(nil)):
		return "list"
	}
	return t.String()
}

// unresolvedOperator describes an operator left on decimals or dates that
// no overload took ("" when there is none): at run time expr would fail on
// it, so it is a compile error.
func unresolvedOperator(root ast.Node) string {
	var u unresolved
	ast.Walk(&root, &u)
	return u.found
}

type unresolved struct{ found string }

func (u *unresolved) Visit(n *ast.Node) {
	if u.found != "" {
		return
	}
	if t := (*n).Type(); t != nil && (t.Kind() == reflect.Float64 || t.Kind() == reflect.Float32) {
		u.found = "a floating-point value (" + strings.TrimSpace((*n).String()) + "); write exact decimals with dec(\"1.5\")"
		return
	}
	b, ok := (*n).(*ast.BinaryNode)
	if !ok {
		return
	}
	special := func(t reflect.Type) bool { return t == decimalType || t == dateType }
	if lt, rt := b.Left.Type(), b.Right.Type(); lt != nil && rt != nil && (special(lt) || special(rt)) {
		switch b.Operator {
		case "and", "or", "&&", "||", "??", "in":
		default:
			u.found = fmt.Sprintf("%s %s %s", typeName(lt), b.Operator, typeName(rt))
		}
	}
}

// outRefs lists the out.<name> fields an expression reads.
func outRefs(root ast.Node) []string {
	var c outCollector
	ast.Walk(&root, &c)
	return c.names
}

type outCollector struct{ names []string }

func (c *outCollector) Visit(n *ast.Node) {
	m, ok := (*n).(*ast.MemberNode)
	if !ok {
		return
	}
	if id, ok := m.Node.(*ast.IdentifierNode); ok && id.Value == "out" {
		if s, ok := m.Property.(*ast.StringNode); ok {
			c.names = append(c.names, s.Value)
		}
	}
}

// Eval runs the area's rules in force on date against env (the pointer the
// area was compiled with, filled with the case) and returns the reasons of
// the conditions that hold, in rulebook order. Value rules store their
// outputs in env through Output.Set. When tr is not nil, a step per rule is
// appended to it, with the parameter values the rule read.
//
// A date on which no rule of the area is in force is a *NotInForceError; a
// rule that fails at run time is a *RuleError.
func (rs *RuleSet) Eval(env any, date Date, tr *Trace) ([]Reason, error) {
	// The compiled rules read the environment in place, by offsets computed
	// from the type they were compiled for: any other type would be read
	// as unrelated memory.
	if t := reflect.TypeOf(env); t != rs.envType {
		return nil, fmt.Errorf("wijkwerken: the %s rules were compiled for %v, not %v", rs.area, rs.envType, t)
	}
	h := env.(envHolder)
	if reflect.ValueOf(env).IsNil() {
		return nil, fmt.Errorf("wijkwerken: a nil %v environment", rs.envType)
	}
	e := h.base()
	e.Date = date
	view := rs.rb.view(date)
	if tr != nil {
		tv := *view
		tv.date = date
		view = &tv
	}
	e.Params = view
	m := rs.pool.Get().(*machine)
	defer rs.pool.Put(m)
	m.fr = frame{base: reflect.ValueOf(env).UnsafePointer(), date: date, view: view}
	defer func() { m.fr = frame{} }()
	var reasons []Reason
	ran := false
	for _, versions := range rs.slots {
		c := inForce(versions, date)
		if c == nil {
			continue
		}
		ran = true
		var step *traceStep
		if tr != nil {
			step = &traceStep{Step: Step{Area: rs.area, Rule: c.rule.ID, Cite: c.rule.Cite, Sources: c.rule.Sources, Confidence: c.rule.Confidence, From: c.rule.From, To: c.rule.To, Pos: c.rule.Pos, Expression: strings.TrimSpace(c.rule.Expression())}}
			view.trace = step
		}
		prog, fast := c.program(date, tr != nil)
		var out any
		done := false
		if fast != nil {
			var v val
			if v, done = runFast(fast, &m.fr); done {
				out = box(v)
			}
		}
		if !done {
			var err error
			if out, err = m.vm.Run(prog, env); err != nil {
				return nil, runError(c.rule, date, err)
			}
		}
		if c.out == nil {
			fired, _ := out.(bool)
			if fired {
				reasons = append(reasons, reasonOf(c.rule))
			}
			if step != nil {
				step.Kind, step.Fired = "condition", &fired
				if fired {
					step.Reason = c.rule.Reason
				}
			}
		} else {
			if out != nil && reflect.TypeOf(out) != c.out.Type {
				return nil, runError(c.rule, date, fmt.Errorf("computed %s, but output %s wants %s", typeName(reflect.TypeOf(out)), c.out.Name, typeName(c.out.Type)))
			}
			if out != nil {
				c.out.Set(env, out)
			}
			if step != nil {
				step.Kind, step.Output, step.Value = "value", c.out.Name, out
			}
		}
		if step != nil {
			tr.Steps = append(tr.Steps, step.Step)
		}
	}
	if tr != nil {
		view.trace = nil
	}
	if !ran {
		return nil, &NotInForceError{What: rs.area + " rules", Date: date, Earliest: rs.earliest}
	}
	return reasons, nil
}

func inForce(versions []*compiled, d Date) *compiled {
	for _, c := range versions {
		if c.rule.InForce(d) {
			return c
		}
	}
	return nil
}

// RuleError is a rule that failed to evaluate: a parameter without a value
// on the date, a division by zero, an expression over its memory budget.
type RuleError struct {
	Rule string   // the rule id
	Pos  Position // where the rule is written
	Date Date     // the decision date
	Err  error
}

func (e *RuleError) Error() string {
	return fmt.Sprintf("%s: rule %s on %s: %v", e.Pos, e.Rule, e.Date, e.Err)
}

// Unwrap returns the underlying error.
func (e *RuleError) Unwrap() error { return e.Err }

func runError(r *Rule, d Date, err error) error {
	pos := r.ExprPos
	var fe *file.Error
	if errors.As(err, &fe) {
		msg := fe.Message
		if fe.Prev != nil {
			msg = fe.Prev.Error()
		}
		pos = r.exprErrorPos(fe.Line, fe.Column)
		err = errors.New(msg)
		if fe.Prev != nil {
			err = fe.Prev
		}
	}
	return &RuleError{Rule: r.ID, Pos: pos, Date: d, Err: err}
}

// Reason is why a condition holds: a stable code, the finding in Dutch and
// English, the rule that found it and the article or source it cites.
type Reason struct {
	Code    string   `json:"code"`
	Message Text     `json:"message"`
	Rule    string   `json:"rule"`
	Cite    string   `json:"cite"`
	Sources []string `json:"sources,omitempty"` // public URLs of what Cite names
}

func reasonOf(r *Rule) Reason {
	return Reason{Code: r.Reason, Message: r.Message, Rule: r.ID, Cite: r.Cite, Sources: r.Sources}
}

// Codes returns the codes of reasons, in order.
func Codes(reasons []Reason) []string {
	out := make([]string, len(reasons))
	for i, r := range reasons {
		out[i] = r.Code
	}
	return out
}
