package area

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker/nature"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/expr-lang/expr/vm"
	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/internal/fast"
	"github.com/openwijkwerken/wijkwerken/internal/fn"
	"github.com/openwijkwerken/wijkwerken/internal/paramcall"
	"github.com/openwijkwerken/wijkwerken/internal/suggest"
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
// param_at("id", date)). An area embeds Env in its environment struct and
// passes a pointer to that struct to Compile and Eval.
type Env struct {
	Date   wk.Date    `expr:"date"`
	Params *paramView `expr:"_params"`
}

func (e *Env) base() *Env { return e }

type envHolder interface{ base() *Env }

// Spec tells Compile what an area's rules may read and compute.
type Spec struct {
	// Area is the rulebook area whose rules are compiled ("eligibility").
	Area string
	// Env is a pointer to the area's environment struct. The struct embeds
	// Env; its exported fields, named by `expr:"..."` tags, are what rules
	// read. A misspelled field in a rule is a compile error.
	//
	// The outputs value rules may compute are the fields, tagged
	// `expr:"name"`, of the struct the environment's field `expr:"out"`
	// points to (or holds), embedded structs and embedded pointers to
	// structs included: a rule with output: name stores its value there,
	// where the caller and later rules (out.name) read it. An output field
	// may be a pointer (*decimal.Decimal): the value is stored where it
	// points, so the area wires it before rules run.
	Env any
	// MaxSteps is the work the area's rules may take on one evaluation,
	// together (0: the rulebook's WorkBudget); rules that could take more
	// are a load error.
	MaxSteps int
}

// output is a value value rules may compute: where it is stored.
type output struct {
	name string
	typ  reflect.Type // the value's type (for a pointer field, what it points to)
	kind fn.Kind      // typ's
	loc  fast.Location
}

// RuleSet is an area's rules compiled against the area's typed environment.
// It is immutable and safe for concurrent use; compile once, evaluate many.
type RuleSet struct {
	rb      *wk.Rulebook
	area    string
	envType reflect.Type  // the pointer type the rules were compiled for
	spec    any           // the Spec's Env, to compile folded programs with
	params  *paramTable   // the parameters, by the index compiled rules read them with
	slots   [][]*compiled // per rule id, its versions ordered by From
	// plan is what an untraced evaluation runs, per stretch of time in
	// which no rule version and no folded program changes, ordered by
	// from: on a date before the first, no rule is in force.
	plan     []planSegment
	earliest wk.Date
	work     Work
	pool     sync.Pool // *machine, one per goroutine at a time
}

// machine is what one evaluation needs: expr's VM and the closures' frame.
type machine struct {
	vm    vm.VM
	frame fast.Frame
}

// planSegment is the programs in force from a date on, one per rule in
// force, in rulebook order.
type planSegment struct {
	from  wk.Date
	steps []planStep
	conds int // the conditions among the steps: the most reasons they give
}

type planStep struct {
	c    *compiled
	fold int // the folded program in force (c.folded), -1: the general one
}

// programs returns the step's program and its closures (nil: the rule runs
// on the VM), compiling a folded program the first time it runs.
func (st *planStep) programs() (*vm.Program, *fast.Program) {
	if st.fold < 0 {
		return st.c.prog, st.c.general()
	}
	return st.c.foldedAt(st.fold)
}

// buildPlan cuts the rule set's time into the stretches in which no rule
// version begins or ends and no folded program changes, and lists the
// programs in force in each.
func (rs *RuleSet) buildPlan() {
	var bounds []wk.Date
	for _, versions := range rs.slots {
		for _, c := range versions {
			bounds = append(bounds, c.rule.From)
			if !c.rule.To.IsZero() {
				bounds = append(bounds, c.rule.To.AddDays(1))
			}
			for i := range c.folded {
				bounds = append(bounds, c.folded[i].from)
			}
		}
	}
	sort.Slice(bounds, func(i, j int) bool { return bounds[i].Before(bounds[j]) })
	bounds = slices.Compact(bounds)
	rs.plan = make([]planSegment, 0, len(bounds))
	for _, b := range bounds {
		seg := planSegment{from: b}
		for _, versions := range rs.slots {
			if c := inForce(versions, b); c != nil {
				seg.steps = append(seg.steps, planStep{c: c, fold: c.foldIndex(b)})
				if c.out == nil {
					seg.conds++
				}
			}
		}
		rs.plan = append(rs.plan, seg)
	}
}

// segment returns the programs in force on d (nil when no rule is).
func (rs *RuleSet) segment(d wk.Date) *planSegment {
	lo, hi := 0, len(rs.plan)
	for lo < hi { // the first segment that starts after d
		m := int(uint(lo+hi) >> 1)
		if rs.plan[m].from.After(d) {
			hi = m
		} else {
			lo = m + 1
		}
	}
	if lo == 0 {
		return nil
	}
	return &rs.plan[lo-1]
}

type compiled struct {
	rule   *wk.Rule
	reason wk.Reason   // a condition's reason when it holds
	params []string    // the parameters the rule reads (param and param_at)
	prog   *vm.Program // reads parameters as it runs: traced evaluations use it
	// fast is prog on the closure backend (nil where not supported),
	// compiled on first use: a rule with folded programs runs those.
	fastOnce sync.Once
	fast     *fast.Program
	loc      *fast.Location // the output's, for a value rule
	out      *output
	// folded are the rule compiled once per stretch of its time in force
	// in which none of the parameters it reads changes, each with those
	// values as constants, ordered by from; an untraced evaluation runs
	// the one in force. Each is compiled the first time a decision falls
	// in its stretch (start-up compiles none; a population of one year
	// compiles that year's).
	folded []foldedProg
	rs     *RuleSet
	want   reflect.Type
}

type foldedProg struct {
	from wk.Date
	once sync.Once
	prog *vm.Program // nil when it did not compile: the general program runs
	fast *fast.Program
}

// general returns the closures of the general program, compiling them on
// first use.
func (c *compiled) general() *fast.Program {
	c.fastOnce.Do(func() { c.fast = fast.Compile(c.prog.Node(), c.rs.envType, c.want, c.loc) })
	return c.fast
}

// foldIndex is the index of the folded program in force on d, -1 when the
// general program runs.
func (c *compiled) foldIndex(d wk.Date) int {
	for i := len(c.folded) - 1; i >= 0; i-- {
		if !d.Before(c.folded[i].from) {
			return i
		}
	}
	return -1
}

// foldedAt returns folded program i and its closures, compiling them on
// first use.
func (c *compiled) foldedAt(i int) (*vm.Program, *fast.Program) {
	f := &c.folded[i]
	f.once.Do(func() {
		pp := &paramPatcher{tab: c.rs.params, fold: f.from}
		opts := baseOptions(c.rs.spec, pp)
		if c.out == nil {
			opts = append(opts, expr.AsBool())
		}
		prog, err := expr.Compile(c.rule.Expression(), opts...)
		if err != nil {
			return
		}
		var loc *fast.Location
		if c.out != nil {
			loc = &c.out.loc
		}
		f.prog, f.fast = prog, fast.Compile(prog.Node(), c.rs.envType, c.want, loc)
	})
	if f.prog == nil {
		return c.prog, c.general()
	}
	return f.prog, f.fast
}

// program returns the program to run on d, and its closures when it has
// them: the folded one in force, or the general one (without the closures)
// for a traced evaluation, which must record the parameters.
func (c *compiled) program(d wk.Date, traced bool) (*vm.Program, *fast.Program) {
	if traced {
		return c.prog, nil
	}
	if i := c.foldIndex(d); i >= 0 {
		return c.foldedAt(i)
	}
	return c.prog, c.general()
}

// Area returns the name of the area the rule set was compiled for.
func (rs *RuleSet) Area() string { return rs.area }

// Rulebook returns the rulebook the rule set was compiled from.
func (rs *RuleSet) Rulebook() *wk.Rulebook { return rs.rb }

// Earliest returns the first day on which a rule of the area is in force.
func (rs *RuleSet) Earliest() wk.Date { return rs.earliest }

// Params lists the parameters the area's rules read, with param() or
// param_at(), sorted: what a change of parameters can change in the
// area's decisions.
func (rs *RuleSet) Params() []string {
	var out []string
	for _, versions := range rs.slots {
		for _, c := range versions {
			out = append(out, c.params...)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// OnVM lists the rule versions (by id, once per id) whose general program
// has no closures, so that an untraced evaluation runs them on expr's VM.
func (rs *RuleSet) OnVM() []string {
	var out []string
	for _, versions := range rs.slots {
		for _, c := range versions {
			if c.general() == nil {
				out = append(out, c.rule.ID)
				break
			}
		}
	}
	return out
}

// outputs finds the outputs of the environment type env (a pointer to a
// struct): the expr-tagged fields of its out struct.
func outputs(env reflect.Type) (map[string]*output, []string, error) {
	outField, ok := fast.ExprField(env.Elem(), "out")
	if !ok {
		return nil, nil, nil
	}
	t := outField.Type
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil, nil, fmt.Errorf("field out of %v is %v, not a struct", env, outField.Type)
	}
	outs := map[string]*output{}
	var names []string
	var walk func(t reflect.Type) error
	walk = func(t reflect.Type) error {
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Anonymous {
				et := f.Type
				if et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if et.Kind() == reflect.Struct {
					if err := walk(et); err != nil {
						return err
					}
				}
				continue
			}
			name := f.Tag.Get("expr")
			if name == "" || name == "-" || !f.IsExported() {
				continue
			}
			loc, err := fast.Locate(env, []string{"out", name})
			if err != nil {
				return fmt.Errorf("output %s: %v", name, err)
			}
			typ := loc.Type
			if typ.Kind() == reflect.Pointer {
				typ = typ.Elem()
			}
			if _, dup := outs[name]; dup {
				return fmt.Errorf("output %s is declared twice in %v", name, env)
			}
			kind, ok := fn.KindOf(typ)
			if !ok {
				return fmt.Errorf("output %s: %v is not a type rules compute", name, typ)
			}
			outs[name] = &output{name: name, typ: typ, kind: kind, loc: loc}
			names = append(names, name)
		}
		return nil
	}
	if err := walk(t); err != nil {
		return nil, nil, err
	}
	return outs, names, nil
}

// Compile type-checks and compiles every version of every rule of the
// spec's area against the spec's environment. All problems are reported at
// once in a *wijkwerken.LoadError, each with the rule's id and file:line.
func Compile(rb *wk.Rulebook, spec Spec) (*RuleSet, error) {
	envType := reflect.TypeOf(spec.Env)
	if _, ok := spec.Env.(envHolder); !ok || envType.Kind() != reflect.Pointer || envType.Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("area.Compile: env of area %s must be a pointer to a struct embedding area.Env", spec.Area)
	}
	outs, outNames, err := outputs(envType)
	if err != nil {
		return nil, fmt.Errorf("area.Compile: area %s: %v", spec.Area, err)
	}
	rs := &RuleSet{rb: rb, area: spec.Area, envType: envType, spec: spec.Env, params: paramTableOf(rb), earliest: rb.Earliest(spec.Area)}
	maxSteps := spec.MaxSteps
	if maxSteps <= 0 {
		maxSteps = rb.WorkBudget()
	}
	overBudget := false
	rs.pool.New = func() any { return &machine{vm: vm.VM{MemoryBudget: MemoryBudget}} }
	// Three passes: the rules in order (slots, outputs, who computes
	// what), their expressions compiled on every core (the bulk of the
	// work), and the checks and closures in order again, so that the
	// problems come in rulebook order whatever the compiling order.
	type task struct {
		r    *wk.Rule
		idx  int // the rule's place among the area's rules
		slot int
		c    *compiled
		pp   *paramPatcher
		opts []expr.Option
		pre  []wk.Problem // problems found before compiling
		skip bool         // not compiled (an unknown output)
		prog *vm.Program
		err  error
		want reflect.Type
		loc  *fast.Location
	}
	type produced struct{ idx, slot int }
	producers := map[string][]produced{} // output name -> the rules that compute it, in order
	var slotIDs []string
	rules := rb.Rules(spec.Area)
	tasks := make([]task, len(rules))
	for i, r := range rules {
		if len(slotIDs) == 0 || slotIDs[len(slotIDs)-1] != r.ID {
			slotIDs = append(slotIDs, r.ID)
			rs.slots = append(rs.slots, nil)
		}
		t := &tasks[i]
		t.r, t.idx, t.slot = r, i, len(rs.slots)-1
		t.c = &compiled{rule: r, reason: reasonOf(r)}
		t.pp = &paramPatcher{tab: rs.params}
		t.opts = baseOptions(spec.Env, t.pp)
		t.want = fn.TypeBool
		if r.IsCondition() {
			t.opts = append(t.opts, expr.AsBool())
			continue
		}
		out, ok := outs[r.Output]
		if !ok {
			e := &wk.UnknownError{What: "output of area " + spec.Area, ID: r.Output, Known: outNames}
			t.pre = append(t.pre, wk.Problem{Pos: r.Pos, ID: r.ID, Msg: fmt.Sprintf("%s (known: %s)", e.Error(), strings.Join(outNames, ", "))})
			t.skip = true
			continue
		}
		t.c.out, t.want, t.loc = out, out.typ, &out.loc
		if ps := producers[r.Output]; len(ps) > 0 && ps[len(ps)-1].slot != t.slot {
			t.pre = append(t.pre, wk.Problem{Pos: r.Pos, ID: r.ID, Msg: fmt.Sprintf("output %s is already computed by rule %s", r.Output, slotIDs[ps[len(ps)-1].slot])})
		}
		producers[r.Output] = append(producers[r.Output], produced{i, t.slot})
	}
	// producerAt is the slot of the last rule up to rule idx that computes
	// output name (as the rules above a rule see it).
	producerAt := func(name string, idx int) (int, bool) {
		slot, ok := 0, false
		for _, p := range producers[name] {
			if p.idx <= idx {
				slot, ok = p.slot, true
			}
		}
		return slot, ok
	}
	compileAll(len(tasks), func(i int) {
		t := &tasks[i]
		if t.skip {
			return
		}
		t.prog, t.err = expr.Compile(t.r.Expression(), t.opts...)
	})
	var ps wk.Problems
	for i := range tasks {
		t := &tasks[i]
		r, c := t.r, t.c
		ps.Add(t.pre...)
		if t.skip {
			continue
		}
		if t.err != nil {
			p := exprProblem(r, t.err)
			var fe *file.Error
			if errors.As(t.err, &fe) {
				p.Msg = exprMessage(r.Expression(), fe, envType) + fe.Snippet
			}
			ps.Add(p)
			continue
		}
		prog := t.prog
		if c.out != nil {
			if got := prog.Node().Type(); got != nil && got != c.out.typ && got.Kind() != reflect.Interface {
				ps.Error(r.ExprPos, r.ID, "computes %s, but output %s wants %s", typeName(got), r.Output, typeName(c.out.typ))
				continue
			}
		}
		if op := unresolvedOperator(prog.Node()); op != "" {
			ps.Error(r.ExprPos, r.ID, "invalid operation: %s", op)
			continue
		}
		steps, problem := estimateWork(prog.Node(), rs.params)
		if problem != "" {
			ps.Error(r.ExprPos, r.ID, "%s", problem)
			continue
		}
		for _, ref := range outRefs(prog.Node()) {
			if p, ok := producerAt(ref, t.idx); !ok || p >= t.slot {
				ps.Error(r.ExprPos, r.ID, "reads out.%s before a rule above it computes it", ref)
			}
		}
		c.prog = prog
		c.loc = t.loc
		for _, idx := range t.pp.every {
			c.params = append(c.params, rs.params.params[idx].ID)
		}
		c.folded, c.rs, c.want = foldStarts(r, t.pp), rs, t.want
		if steps > 0 && c.general() == nil {
			// Its loops run on expr's VM, each step far costlier than a
			// closure's.
			steps = mul(steps, VMStepCost)
		}
		if steps > maxSteps {
			ps.Error(r.ExprPos, r.ID, "%s", overBudgetMessage(steps, maxSteps, c.fast == nil))
			continue
		}
		rs.work.add(t.slot, r, steps)
		if rs.work.Steps > maxSteps && !overBudget {
			overBudget = true
			ps.Error(r.ExprPos, r.ID, "the rules of area %s may take up to %d steps on one evaluation with this one (%d steps); at most %d", spec.Area, rs.work.Steps, steps, maxSteps)
		}
		rs.slots[t.slot] = append(rs.slots[t.slot], c)
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	rs.buildPlan()
	return rs, nil
}

// compileAll runs compile(i) for i in [0, n) on every core.
func compileAll(n int, compile func(i int)) {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for i := range n {
			compile(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := int(next.Add(1)) - 1; i < n; i = int(next.Add(1)) - 1 {
				compile(i)
			}
		}()
	}
	wg.Wait()
}

// baseOptions are the expr options every area compiles with: the typed
// environment, the expression limits, the parameter patch, and the shared
// functions and operators.
func baseOptions(env any, pp *paramPatcher) []expr.Option {
	opts := make([]expr.Option, 0, len(fn.Options)+len(paramAccessors)+4)
	// The environment is described to expr by the struct a pointer points
	// to, not the pointer: expr then resolves every field to its index at
	// compile time (OpLoadField) instead of looking it up by name on every
	// run.
	if v := reflect.ValueOf(env); v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
		env = v.Elem().Interface()
	}
	opts = append(opts, expr.Env(env), expr.MaxNodes(MaxExpressionNodes), expr.Patch(pp), expr.Patch(intPatcher{}))
	opts = append(opts, paramAccessors...)
	opts = append(opts, restricted...)
	return append(opts, fn.Options...)
}

// foldStarts cuts rule r's time in force into the stretches in which none
// of the parameters it reads (pp.reads, collected when the general program
// was compiled) changes: the folded programs, compiled on first use with
// the values in force as constants.
func foldStarts(r *wk.Rule, pp *paramPatcher) []foldedProg {
	if len(pp.reads) == 0 {
		return nil
	}
	starts := []wk.Date{r.From}
	inside := func(d wk.Date) bool { return d.After(r.From) && (r.To.IsZero() || !d.After(r.To)) }
	for _, idx := range pp.reads {
		for _, v := range pp.tab.params[idx].Values {
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
	out := make([]foldedProg, len(starts))
	for i, from := range starts {
		out[i].from = from
	}
	return out
}

func typeName(t reflect.Type) string {
	switch t {
	case fn.TypeDec:
		return "decimal"
	case fn.TypeDate:
		return "date"
	case fn.TypeList:
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
	special := func(t reflect.Type) bool { return t == fn.TypeDec || t == fn.TypeDate }
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

// paramPatcher rewrites param("id") and param_at("id", d) into calls of the
// typed accessor for the parameter's kind, with the parameter's index, so
// that rules are type-checked against the parameter's kind and read it
// without a lookup by name.
type paramPatcher struct {
	tab *paramTable
	// fold, when not zero, is the first day of a stretch in which no
	// parameter the rule reads changes: param("id") becomes the value in
	// force then, a constant in the compiled program.
	fold wk.Date
	// reads collects the parameters the rule reads with param(); every
	// those it reads with param() or param_at().
	reads, every []int
}

var kindSuffix = map[wk.Kind]string{wk.KindInteger: "int", wk.KindDecimal: "dec", wk.KindDate: "date", wk.KindString: "str", wk.KindList: "list", wk.KindBool: "bool"}

func (p *paramPatcher) Visit(n *ast.Node) {
	call, at, ok := paramcall.Of(*n)
	if !ok {
		// expr type-checked the tree before this patch, when param() had no
		// type, and it does not check a typed call again: forget the type
		// of every call, so that the operator overloads (decimal * int)
		// inside its arguments are chosen on the parameters' real types.
		if c, isCall := (*n).(*ast.CallNode); isCall {
			c.SetNature(nature.Nature{})
		}
		return
	}
	if (at && len(call.Arguments) != 2) || (!at && len(call.Arguments) != 1) {
		return // the checker reports the unknown function; Load reported the arity
	}
	s, ok := call.Arguments[0].(*ast.StringNode)
	if !ok {
		return
	}
	idx, ok := p.tab.index[s.Value]
	if !ok {
		return
	}
	param := p.tab.params[idx]
	p.every = append(p.every, idx)
	if !at {
		p.reads = append(p.reads, idx)
		if !p.fold.IsZero() {
			if pv, ok := param.At(p.fold); ok {
				ast.Patch(n, &ast.ConstantNode{Value: fn.Box(valOf(pv.Value))})
				return
			}
		}
	}
	name := fast.ParamPrefix + kindSuffix[param.Kind]
	args := []ast.Node{&ast.IdentifierNode{Value: "_params"}, &ast.IntegerNode{Value: idx}}
	if at {
		name = fast.ParamAtPrefix + kindSuffix[param.Kind]
		args = append(args, call.Arguments[1])
	}
	ast.Patch(n, &ast.CallNode{Callee: &ast.IdentifierNode{Value: name}, Arguments: args})
}

// paramAccessors are the typed functions param() and param_at() become,
// one pair per kind of parameter.
var paramAccessors = func() []expr.Option {
	sigs := map[wk.Kind][2]any{
		wk.KindInteger: {new(func(*paramView, int) int), new(func(*paramView, int, wk.Date) int)},
		wk.KindDecimal: {new(func(*paramView, int) decimalT), new(func(*paramView, int, wk.Date) decimalT)},
		wk.KindDate:    {new(func(*paramView, int) wk.Date), new(func(*paramView, int, wk.Date) wk.Date)},
		wk.KindString:  {new(func(*paramView, int) string), new(func(*paramView, int, wk.Date) string)},
		wk.KindList:    {new(func(*paramView, int) []string), new(func(*paramView, int, wk.Date) []string)},
		wk.KindBool:    {new(func(*paramView, int) bool), new(func(*paramView, int, wk.Date) bool)},
	}
	get := func(args ...any) (any, error) {
		v, err := args[0].(*paramView).get(args[1].(int))
		if err != nil {
			return nil, err
		}
		return fn.Box(v), nil
	}
	getAt := func(args ...any) (any, error) {
		v, err := args[0].(*paramView).getAt(args[1].(int), args[2].(wk.Date))
		if err != nil {
			return nil, err
		}
		return fn.Box(v), nil
	}
	var opts []expr.Option
	for _, k := range []wk.Kind{wk.KindInteger, wk.KindDecimal, wk.KindDate, wk.KindString, wk.KindList, wk.KindBool} {
		opts = append(opts,
			expr.Function(fast.ParamPrefix+kindSuffix[k], get, sigs[k][0]),
			expr.Function(fast.ParamAtPrefix+kindSuffix[k], getAt, sigs[k][1]))
	}
	return opts
}()

func exprProblem(r *wk.Rule, err error) wk.Problem {
	msg := err.Error()
	line, col := 1, 0
	var fe *file.Error
	if errors.As(err, &fe) {
		line, col = fe.Line, fe.Column
		msg = fe.Message + fe.Snippet
	}
	return wk.Problem{Pos: r.PositionOf(line, col), ID: r.ID, Msg: msg}
}

// intPatcher rewrites whole-number + - * and unary - into the checked
// functions of package fn (_int_add, ...), so that an overflow is an
// error of the rule, never a wrapped number. It runs after paramPatcher:
// a parameter read is then a call of its typed accessor.
type intPatcher struct{}

// intish reports whether n is a whole number: typed int, or a read of an
// integer parameter (typed once the tree is checked again).
func intish(n ast.Node) bool {
	if t := n.Type(); t != nil && t.Kind() != reflect.Interface {
		return t == fn.TypeInt
	}
	if c, ok := n.(*ast.CallNode); ok {
		if id, ok := c.Callee.(*ast.IdentifierNode); ok {
			switch id.Value {
			case fast.ParamPrefix + "int", fast.ParamAtPrefix + "int", "_int_add", "_int_sub", "_int_mul", "_int_neg":
				return true
			}
		}
	}
	return false
}

func (intPatcher) Visit(n *ast.Node) {
	switch x := (*n).(type) {
	case *ast.BinaryNode:
		name := map[string]string{"+": "_int_add", "-": "_int_sub", "*": "_int_mul"}[x.Operator]
		if name != "" && intish(x.Left) && intish(x.Right) {
			call := &ast.CallNode{Callee: &ast.IdentifierNode{Value: name}, Arguments: []ast.Node{x.Left, x.Right}}
			call.SetType(fn.TypeInt) // typed now, for the operators around it
			ast.Patch(n, call)
		}
	case *ast.UnaryNode:
		if x.Operator == "-" && intish(x.Node) {
			if lit, ok := x.Node.(*ast.IntegerNode); ok {
				// A negative literal stays a literal (expr folds it).
				_ = lit
				return
			}
			call := &ast.CallNode{Callee: &ast.IdentifierNode{Value: "_int_neg"}, Arguments: []ast.Node{x.Node}}
			call.SetType(fn.TypeInt)
			ast.Patch(n, call)
		}
	}
}

// The messages of expr's checker that name Go types ("type dossier.Person
// has no field interim_dayz"), rewritten in the names rules are written in.
var (
	noFieldRE     = regexp.MustCompile(`^type (\S+) has no field (\S+)$`)
	unknownNameRE = regexp.MustCompile(`^unknown name (\S+)$`)
)

// exprMessage says what expr's checker found in the names an expression
// uses rather than in Go types: "unknown field person.interim_dayz (did you
// mean interim_days_last_28?)" for "type dossier.Person has no field
// interim_dayz", and a suggestion for an unknown name.
func exprMessage(src string, fe *file.Error, env reflect.Type) string {
	names := exprTypeNames(env)
	if m := noFieldRE.FindStringSubmatch(fe.Message); m != nil {
		base := memberBase(src, fe.From, m[2])
		if base == "" {
			base = names[m[1]]
		}
		if t, ok := resolvePath(env, base); ok && t.Kind() == reflect.Struct {
			msg := "unknown field " + base + "." + m[2]
			known := exprFields(t)
			if s := closestName(m[2], known); s != "" {
				return msg + " (did you mean " + s + "?)"
			}
			if len(known) > 0 && len(known) <= 12 {
				return msg + " (" + base + " has " + strings.Join(known, ", ") + ")"
			}
			return msg
		}
		what := names[m[1]]
		if what == "" {
			what = m[1]
		}
		if base != "" {
			return fmt.Sprintf("%s is a %s: it has no field %s", base, what, m[2])
		}
		return fmt.Sprintf("a %s has no field %s", what, m[2])
	}
	if m := unknownNameRE.FindStringSubmatch(fe.Message); m != nil {
		if s := closestName(m[1], exprFields(env.Elem())); s != "" {
			return fe.Message + " (did you mean " + s + "?)"
		}
		return fe.Message
	}
	msg := fe.Message
	for goName, name := range names {
		msg = replaceWord(msg, goName, name)
	}
	return msg
}

// closestName is the name in known that s most likely misspells: a close
// one (suggest.Closest), else the one that shares the longest start with
// it, when that covers most of s ("interim_dayz": interim_days_last_28).
func closestName(s string, known []string) string {
	if c := suggest.Closest(s, known); c != "" {
		return c
	}
	best, bestN, tie := "", 0, false
	for _, k := range known {
		n := 0
		for n < len(s) && n < len(k) && s[n] == k[n] {
			n++
		}
		switch {
		case n > bestN:
			best, bestN, tie = k, n, false
		case n == bestN:
			tie = true
		}
	}
	if tie || bestN < 4 || 3*bestN < 2*len(s) {
		return ""
	}
	return best
}

// replaceWord replaces old in s where it stands as a word of its own.
func replaceWord(s, old, new string) string {
	re := regexp.MustCompile(`(^|[\s(\[,])` + regexp.QuoteMeta(old) + `($|[\s),\]])`)
	return re.ReplaceAllString(s, "${1}"+new+"${2}")
}

// memberBase returns the dotted name ("person", "household.members") of
// what the member access at offset reads field of, when it is a name.
func memberBase(src string, offset int, field string) string {
	tree, err := parser.Parse(src)
	if err != nil {
		return ""
	}
	var f memberFinder
	f.offset, f.field = offset, field
	ast.Walk(&tree.Node, &f)
	return f.base
}

type memberFinder struct {
	offset int
	field  string
	base   string
}

func (f *memberFinder) Visit(n *ast.Node) {
	m, ok := (*n).(*ast.MemberNode)
	if !ok || f.base != "" {
		return
	}
	if p, ok := m.Property.(*ast.StringNode); ok && p.Value == f.field && m.Location().From <= f.offset && f.offset <= m.Location().To {
		f.base = dottedName(m.Node)
	}
}

func dottedName(n ast.Node) string {
	switch x := n.(type) {
	case *ast.IdentifierNode:
		return x.Value
	case *ast.MemberNode:
		if p, ok := x.Property.(*ast.StringNode); ok {
			if b := dottedName(x.Node); b != "" {
				return b + "." + p.Value
			}
		}
	}
	return ""
}

// resolvePath follows a dotted name from the environment (a pointer to a
// struct) to the type it names, pointers followed.
func resolvePath(env reflect.Type, path string) (reflect.Type, bool) {
	if path == "" {
		return nil, false
	}
	t := env
	for _, name := range strings.Split(path, ".") {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct {
			return nil, false
		}
		f, ok := fast.ExprField(t, name)
		if !ok {
			return nil, false
		}
		t = f.Type
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t, true
}

// exprFields lists the names rules read in struct t: its expr-tagged
// fields, those of embedded structs included, without the engine's own.
func exprFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		if f.Anonymous {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				out = append(out, exprFields(et)...)
			}
			continue
		}
		if name := f.Tag.Get("expr"); name != "" && name != "-" && !strings.HasPrefix(name, "_") && f.IsExported() {
			out = append(out, name)
		}
	}
	return out
}

// exprTypeNames maps the Go names of the types an environment reaches to
// what rules call them: a struct by the first name that reads it
// ("dossier.Person" → "person"), decimals, dates and lists by their kind.
func exprTypeNames(env reflect.Type) map[string]string {
	out := map[string]string{
		fn.TypeDec.String(): "decimal", fn.TypeDate.String(): "date", fn.TypeList.String(): "list", fn.TypeDates.String(): "list of dates",
	}
	var walk func(t reflect.Type, path string)
	walk = func(t reflect.Type, path string) {
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
			if t.Kind() == reflect.Slice {
				path += "[]"
			}
			t = t.Elem()
		}
		if t.Kind() != reflect.Struct || t == fn.TypeDate || t == fn.TypeDec {
			return
		}
		if _, seen := out[t.String()]; seen {
			return
		}
		if path != "" {
			out[t.String()], out["*"+t.String()] = path, path
		}
		for _, name := range exprFields(t) {
			if f, ok := fast.ExprField(t, name); ok {
				p := name
				if path != "" {
					p = path + "." + name
				}
				walk(f.Type, p)
			}
		}
	}
	walk(env, "")
	return out
}
