// Package fast is the closure backend of the rules engine: a rule's
// type-checked expression, as expr compiled it, is compiled once more into
// a tree of Go closures that read the environment struct in place and pass
// typed values (no boxing of every field read and every function argument,
// as expr's VM does). Package area runs it for untraced evaluations; a
// traced one runs expr's VM, which records the parameters read.
//
// Only what the rulebook's rules use is compiled: a rule with any other
// construct keeps the VM (Compile returns nil). Whenever a closure meets an
// error (a parameter without a value, a division by zero, a nil it cannot
// read through), it gives up and the caller runs the rule on the VM, so
// that errors, and their messages, are the VM's.
//
// A Program reads the environment by offsets computed from the type it was
// compiled for; Bind refuses any other type, so no program ever reads
// unrelated memory.
package fast

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"unsafe"

	"github.com/expr-lang/expr/ast"
	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/internal/fn"
)

// Params gives a program the parameters it reads that were not folded into
// constants, by their index in the rule set's parameter table; ok is false
// when the parameter has no value in force.
type Params interface {
	Get(idx int) (v fn.Val, ok bool)
	GetAt(idx int, d wk.Date) (v fn.Val, ok bool)
}

// Frame is what running programs read: an environment, bound by Bind to
// the type the programs were compiled for, the evaluation's date and its
// parameters. A caller keeps one per evaluation (and may reuse it).
type Frame struct {
	typ    reflect.Type
	base   unsafe.Pointer
	date   wk.Date
	params Params
	elem   fn.Val // the element a closure's # stands for
}

// Bind checks that env is a non-nil pointer of type want (the type the
// programs to run were compiled for) and binds it to the frame, with the
// date and parameters of the evaluation.
func (f *Frame) Bind(env any, want reflect.Type, date wk.Date, params Params) error {
	if t := reflect.TypeOf(env); t != want {
		*f = Frame{}
		return fmt.Errorf("an environment of type %v, where the rules were compiled for %v", t, want)
	}
	v := reflect.ValueOf(env)
	if v.IsNil() {
		*f = Frame{}
		return fmt.Errorf("a nil %v environment", want)
	}
	*f = Frame{typ: want, base: v.UnsafePointer(), date: date, params: params}
	return nil
}

// Release drops what the frame refers to.
func (f *Frame) Release() { *f = Frame{} }

// Program is an expression compiled to closures for one environment type.
type Program struct {
	fn  efn
	env reflect.Type
}

type frame = Frame

type efn func(f *frame) fn.Val

// giveUp is raised (as a panic) when a program meets an error; Run then
// reports that the rule must run on the VM.
type giveUp struct{}

func fail() { panic(giveUp{}) }

// Run evaluates the program against the frame's environment; ok is false
// when it gave up (the caller runs the rule on the VM) or the frame holds
// no environment of the program's type.
func (p *Program) Run(f *Frame) (v fn.Val, ok bool) {
	if f.typ != p.env || f.base == nil {
		return fn.Val{}, false
	}
	defer func() {
		if r := recover(); r != nil {
			if _, mine := r.(giveUp); !mine {
				panic(r)
			}
			ok = false
		}
	}()
	return p.fn(f), true
}

// Compile compiles the checked expression root, whose result must be of
// type want, for environments of type env (a pointer to a struct); nil when
// some construct is not supported.
func Compile(root ast.Node, env reflect.Type, want reflect.Type) *Program {
	if env.Kind() != reflect.Pointer || env.Elem().Kind() != reflect.Struct || typeOf(root) != want {
		return nil
	}
	c := &compiler{env: env.Elem(), ok: true}
	f := c.node(root)
	if !c.ok {
		return nil
	}
	return &Program{fn: f, env: env}
}

// compiler compiles one expression against an environment struct type.
type compiler struct {
	env reflect.Type
	ok  bool
	// inClosure: compiling a closure's predicate, whose # is the element
	// of type elem.
	inClosure bool
	elem      reflect.Type
}

// typeOf is the static type of a node as the closures carry it: a list
// literal of strings (or an empty one) is a []string, and a conditional
// whose branches have one type has that type, where expr says interface{}.
func typeOf(n ast.Node) reflect.Type {
	switch x := n.(type) {
	case *ast.ConstantNode:
		if _, ok := anyStrings(x.Value); ok {
			return fn.TypeList
		}
	case *ast.ArrayNode:
		if _, ok := stringList(x); ok {
			return fn.TypeList
		}
	case *ast.ConditionalNode:
		if a, b := typeOf(x.Exp1), typeOf(x.Exp2); a == b {
			return a
		}
	}
	return n.Type()
}

// stringList is the items of a list literal of strings.
func stringList(x *ast.ArrayNode) ([]string, bool) {
	out := make([]string, 0, len(x.Nodes))
	for _, e := range x.Nodes {
		s, ok := e.(*ast.StringNode)
		if !ok {
			return nil, false
		}
		out = append(out, s.Value)
	}
	return out, true
}

func (c *compiler) no() efn { c.ok = false; return nil }

func constant(v fn.Val) efn { return func(*frame) fn.Val { return v } }

// literal is the value of a literal node, for folding calls on constants.
func literal(n ast.Node) (fn.Val, bool) {
	switch x := n.(type) {
	case *ast.BoolNode:
		return fn.Val{K: fn.Bool, B: x.Value}, true
	case *ast.IntegerNode:
		return fn.Val{K: fn.Int, I: x.Value}, x.Type() == fn.TypeInt
	case *ast.StringNode:
		return fn.Val{K: fn.Str, S: x.Value}, true
	case *ast.ConstantNode:
		if l, ok := anyStrings(x.Value); ok {
			return fn.Val{K: fn.List, L: l}, true
		}
		return fn.Unbox(x.Value)
	}
	return fn.Val{}, false
}

// anyStrings is a constant list whose items are all strings (as expr's
// optimizer folds a list literal).
func anyStrings(v any) ([]string, bool) {
	items, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, len(items))
	for i, it := range items {
		if out[i], ok = it.(string); !ok {
			return nil, false
		}
	}
	return out, true
}

func (c *compiler) node(n ast.Node) efn {
	if !c.ok {
		return nil
	}
	switch x := n.(type) {
	case *ast.NilNode:
		return constant(fn.Val{})
	case *ast.BoolNode, *ast.IntegerNode, *ast.StringNode, *ast.ConstantNode:
		v, ok := literal(n)
		if !ok {
			return c.no()
		}
		return constant(v)
	case *ast.IdentifierNode, *ast.MemberNode:
		return c.field(n)
	case *ast.PointerNode:
		if x.Name != "" || !c.inClosure {
			return c.no()
		}
		return func(f *frame) fn.Val { return f.elem }
	case *ast.ArrayNode:
		list, ok := stringList(x)
		if !ok {
			return c.no()
		}
		return constant(fn.Val{K: fn.List, L: list})
	case *ast.UnaryNode:
		return c.unary(x)
	case *ast.BinaryNode:
		return c.binary(x)
	case *ast.ConditionalNode:
		cond, yes, no := c.node(x.Cond), c.node(x.Exp1), c.node(x.Exp2)
		if x.Cond.Type() != fn.TypeBool || typeOf(x.Exp1) != typeOf(x.Exp2) {
			return c.no()
		}
		return func(f *frame) fn.Val {
			if cond(f).B {
				return yes(f)
			}
			return no(f)
		}
	case *ast.CallNode:
		return c.call(x)
	case *ast.BuiltinNode:
		return c.builtin(x)
	}
	return c.no()
}

// field compiles date, an environment field or a chain of fields
// (person.income, out.counted, has.cheque) into a read of the struct in
// place; or a chain of fields of a list's element (#.decided inside a
// closure, list[i].price).
func (c *compiler) field(n ast.Node) efn {
	var names []string
	for {
		if x, ok := n.(*ast.MemberNode); ok {
			if x.Optional || x.Method {
				return c.no()
			}
			if s, ok := x.Property.(*ast.StringNode); ok {
				names = append(names, s.Value)
				n = x.Node
				continue
			}
			if len(names) == 0 {
				return c.index(x) // list[i]
			}
		}
		break
	}
	slices.Reverse(names)
	if id, ok := n.(*ast.IdentifierNode); ok {
		names = append([]string{id.Value}, names...)
		if len(names) == 1 && names[0] == "date" {
			return func(f *frame) fn.Val { return fn.Val{K: fn.Date, T: f.date} }
		}
		loc, err := Locate(reflect.PointerTo(c.env), names)
		if err != nil {
			return c.no()
		}
		return func(f *frame) fn.Val {
			p := loc.pointer(f.base)
			if p == nil {
				fail()
			}
			return read(p, loc.kind)
		}
	}
	// A struct reached at run time: a closure's element (#.decided), an
	// indexed element (list[i].price).
	st := structOf(n)
	if st == nil {
		return c.no()
	}
	var base efn
	if m, ok := n.(*ast.MemberNode); ok {
		base = c.index(m)
	} else {
		base = c.node(n)
	}
	loc, err := LocateIn(st, names)
	if !c.ok || err != nil {
		return c.no()
	}
	return func(f *frame) fn.Val {
		v := base(f)
		if v.K != fn.Ptr || v.P == nil {
			fail()
		}
		p := loc.pointer(v.P)
		if p == nil {
			fail()
		}
		return read(p, loc.kind)
	}
}

// structOf is the struct type a node evaluates to a pointer to (an element
// of a list of structs), or nil.
func structOf(n ast.Node) reflect.Type {
	t := n.Type()
	if t == nil {
		return nil
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct {
		return t
	}
	return nil
}

// index compiles list[i]: an element of a list of strings, ints or structs.
func (c *compiler) index(x *ast.MemberNode) efn {
	lt := x.Node.Type()
	if x.Property.Type() != fn.TypeInt || lt == nil {
		return c.no()
	}
	list, idx := c.node(x.Node), c.node(x.Property)
	switch {
	case lt == fn.TypeList:
		return func(f *frame) fn.Val {
			l, i := list(f).L, idx(f).I
			if i < 0 || i >= len(l) {
				fail()
			}
			return fn.Val{K: fn.Str, S: l[i]}
		}
	case lt == fn.TypeInts:
		return func(f *frame) fn.Val {
			l, i := list(f).IS, idx(f).I
			if i < 0 || i >= len(l) {
				fail()
			}
			return fn.Val{K: fn.Int, I: l[i]}
		}
	case isStructSlice(lt):
		size := lt.Elem().Size()
		return func(f *frame) fn.Val {
			l, i := list(f), idx(f).I
			if l.K != fn.Structs || i < 0 || i >= l.N {
				fail()
			}
			return fn.Val{K: fn.Ptr, P: unsafe.Add(l.P, uintptr(i)*size)}
		}
	}
	return c.no()
}

// read reads the field at p, of kind k (its static type, checked when the
// path was compiled), without boxing it.
func read(p unsafe.Pointer, k fn.Kind) fn.Val {
	switch k {
	case fn.Bool:
		return fn.Val{K: fn.Bool, B: *(*bool)(p)}
	case fn.Int:
		return fn.Val{K: fn.Int, I: *(*int)(p)}
	case fn.Str:
		return fn.Val{K: fn.Str, S: *(*string)(p)}
	case fn.Dec:
		return fn.Val{K: fn.Dec, D: *(*decimalT)(p)}
	case fn.Date:
		return fn.Val{K: fn.Date, T: *(*wk.Date)(p)}
	case fn.List:
		return fn.Val{K: fn.List, L: *(*[]string)(p)}
	case fn.Dates:
		return fn.Val{K: fn.Dates, DS: *(*[]wk.Date)(p)}
	case fn.Map:
		return fn.Val{K: fn.Map, M: *(*map[string]int)(p)}
	case fn.Ints:
		return fn.Val{K: fn.Ints, IS: *(*[]int)(p)}
	case fn.Structs:
		h := (*sliceHeader)(p)
		return fn.Val{K: fn.Structs, P: h.data, N: h.len}
	}
	fail()
	return fn.Val{}
}

// sliceHeader is how Go lays out a slice.
type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

func (c *compiler) unary(x *ast.UnaryNode) efn {
	a := c.node(x.Node)
	switch {
	case (x.Operator == "not" || x.Operator == "!") && x.Node.Type() == fn.TypeBool:
		return func(f *frame) fn.Val { return fn.Val{K: fn.Bool, B: !a(f).B} }
	case x.Operator == "-" && x.Node.Type() == fn.TypeInt:
		return func(f *frame) fn.Val { return fn.Val{K: fn.Int, I: -a(f).I} }
	}
	return c.no()
}

func (c *compiler) binary(x *ast.BinaryNode) efn {
	if set, ok := stringSet(x.Right); ok && x.Operator == "in" && x.Left.Type() == fn.TypeStr {
		l := c.node(x.Left)
		return func(f *frame) fn.Val { return fn.Val{K: fn.Bool, B: set[l(f).S]} }
	}
	l, r := c.node(x.Left), c.node(x.Right)
	lt, rt := typeOf(x.Left), typeOf(x.Right)
	switch x.Operator {
	case "and", "&&":
		if lt != fn.TypeBool || rt != fn.TypeBool {
			return c.no()
		}
		return func(f *frame) fn.Val { return fn.Val{K: fn.Bool, B: l(f).B && r(f).B} }
	case "or", "||":
		if lt != fn.TypeBool || rt != fn.TypeBool {
			return c.no()
		}
		return func(f *frame) fn.Val { return fn.Val{K: fn.Bool, B: l(f).B || r(f).B} }
	case "in":
		if lt != fn.TypeStr || rt != fn.TypeList {
			return c.no()
		}
		return func(f *frame) fn.Val { return fn.Val{K: fn.Bool, B: slices.Contains(r(f).L, l(f).S)} }
	case "==", "!=":
		if lt != rt || (lt != fn.TypeInt && lt != fn.TypeStr && lt != fn.TypeBool) {
			return c.no()
		}
		eq := x.Operator == "=="
		switch lt {
		case fn.TypeInt:
			return func(f *frame) fn.Val { return fn.Val{K: fn.Bool, B: (l(f).I == r(f).I) == eq} }
		case fn.TypeStr:
			return func(f *frame) fn.Val { return fn.Val{K: fn.Bool, B: (l(f).S == r(f).S) == eq} }
		default:
			return func(f *frame) fn.Val { return fn.Val{K: fn.Bool, B: (l(f).B == r(f).B) == eq} }
		}
	}
	if lt != fn.TypeInt || rt != fn.TypeInt {
		return c.no()
	}
	switch x.Operator {
	case "<":
		return func(f *frame) fn.Val { return fn.Val{K: fn.Bool, B: l(f).I < r(f).I} }
	case "<=":
		return func(f *frame) fn.Val { return fn.Val{K: fn.Bool, B: l(f).I <= r(f).I} }
	case ">":
		return func(f *frame) fn.Val { return fn.Val{K: fn.Bool, B: l(f).I > r(f).I} }
	case ">=":
		return func(f *frame) fn.Val { return fn.Val{K: fn.Bool, B: l(f).I >= r(f).I} }
	case "+":
		return func(f *frame) fn.Val { return fn.Val{K: fn.Int, I: l(f).I + r(f).I} }
	case "-":
		return func(f *frame) fn.Val { return fn.Val{K: fn.Int, I: l(f).I - r(f).I} }
	case "*":
		return func(f *frame) fn.Val { return fn.Val{K: fn.Int, I: l(f).I * r(f).I} }
	case "%":
		return func(f *frame) fn.Val {
			d := r(f).I
			if d == 0 {
				fail()
			}
			return fn.Val{K: fn.Int, I: l(f).I % d}
		}
	}
	return c.no()
}

// stringSet is a literal list of strings (as written, or as expr's
// optimizer turned it into a set) as a set.
func stringSet(n ast.Node) (map[string]bool, bool) {
	set := map[string]bool{}
	switch x := n.(type) {
	case *ast.ArrayNode:
		for _, e := range x.Nodes {
			s, ok := e.(*ast.StringNode)
			if !ok {
				return nil, false
			}
			set[s.Value] = true
		}
		return set, true
	case *ast.ConstantNode:
		if m, ok := x.Value.(map[string]struct{}); ok {
			for k := range m {
				set[k] = true
			}
			return set, true
		}
	}
	return nil, false
}

func (c *compiler) builtin(x *ast.BuiltinNode) efn {
	switch x.Name {
	case "count", "any", "all", "none", "one":
		return c.closureBuiltin(x)
	}
	args := make([]efn, len(x.Arguments))
	for i, a := range x.Arguments {
		if a.Type() != fn.TypeInt && x.Name != "len" {
			return c.no()
		}
		args[i] = c.node(a)
	}
	switch {
	case x.Name == "len" && len(args) == 1:
		a := args[0]
		switch x.Arguments[0].Type() {
		case fn.TypeList:
			return func(f *frame) fn.Val { return fn.Val{K: fn.Int, I: len(a(f).L)} }
		case fn.TypeStr:
			return func(f *frame) fn.Val { return fn.Val{K: fn.Int, I: len(a(f).S)} }
		case fn.TypeInts:
			return func(f *frame) fn.Val { return fn.Val{K: fn.Int, I: len(a(f).IS)} }
		}
		if isStructSlice(x.Arguments[0].Type()) {
			return func(f *frame) fn.Val { return fn.Val{K: fn.Int, I: a(f).N} }
		}
	case (x.Name == "max" || x.Name == "min") && len(args) > 0:
		isMax := x.Name == "max"
		return func(f *frame) fn.Val {
			best := args[0](f).I
			for _, a := range args[1:] {
				if v := a(f).I; (isMax && v > best) || (!isMax && v < best) {
					best = v
				}
			}
			return fn.Val{K: fn.Int, I: best}
		}
	}
	return c.no()
}

// closureBuiltin compiles count, any, all, none and one over a list of
// strings, ints or structs with a predicate: the predicate runs with # (in
// the frame) standing for each element in turn.
func (c *compiler) closureBuiltin(x *ast.BuiltinNode) efn {
	if len(x.Arguments) != 2 {
		return c.no()
	}
	pred, ok := x.Arguments[1].(*ast.PredicateNode)
	lt := x.Arguments[0].Type()
	if !ok || pred.Node.Type() != fn.TypeBool || lt == nil {
		return c.no()
	}
	list := c.node(x.Arguments[0])
	var elem reflect.Type
	var at func(l fn.Val, i int) fn.Val
	var length func(l fn.Val) int
	switch {
	case lt == fn.TypeList:
		elem, length = fn.TypeStr, func(l fn.Val) int { return len(l.L) }
		at = func(l fn.Val, i int) fn.Val { return fn.Val{K: fn.Str, S: l.L[i]} }
	case lt == fn.TypeInts:
		elem, length = fn.TypeInt, func(l fn.Val) int { return len(l.IS) }
		at = func(l fn.Val, i int) fn.Val { return fn.Val{K: fn.Int, I: l.IS[i]} }
	case isStructSlice(lt):
		elem, length = lt.Elem(), func(l fn.Val) int { return l.N }
		size := lt.Elem().Size()
		at = func(l fn.Val, i int) fn.Val { return fn.Val{K: fn.Ptr, P: unsafe.Add(l.P, uintptr(i)*size)} }
	default:
		return c.no()
	}
	outer, outerElem := c.inClosure, c.elem
	c.inClosure, c.elem = true, elem
	p := c.node(pred.Node)
	c.inClosure, c.elem = outer, outerElem
	if !c.ok {
		return nil
	}
	name := x.Name
	return func(f *frame) fn.Val {
		l := list(f)
		saved := f.elem
		n, count := length(l), 0
		for i := range n {
			f.elem = at(l, i)
			hit := p(f).B
			switch {
			case hit && name == "any":
				f.elem = saved
				return fn.Val{K: fn.Bool, B: true}
			case !hit && name == "all":
				f.elem = saved
				return fn.Val{K: fn.Bool, B: false}
			case hit:
				count++
			}
		}
		f.elem = saved
		switch name {
		case "count":
			return fn.Val{K: fn.Int, I: count}
		case "any":
			return fn.Val{K: fn.Bool, B: false}
		case "all":
			return fn.Val{K: fn.Bool, B: true}
		case "none":
			return fn.Val{K: fn.Bool, B: count == 0}
		}
		return fn.Val{K: fn.Bool, B: count == 1}
	}
}

// ParamCall names the typed parameter accessors that area patches
// param("id") and param_at("id", d) into: _p_<kind>(_params, idx) and
// _pa_<kind>(_params, idx, d).
const (
	ParamPrefix   = "_p_"
	ParamAtPrefix = "_pa_"
)

// call compiles a function call: the typed parameter reads, and every
// function of the table through its one implementation (fn.Table).
func (c *compiler) call(x *ast.CallNode) efn {
	id, ok := x.Callee.(*ast.IdentifierNode)
	if !ok {
		return c.no()
	}
	name := id.Value
	if strings.HasPrefix(name, ParamPrefix) || strings.HasPrefix(name, ParamAtPrefix) {
		return c.param(x, strings.HasPrefix(name, ParamAtPrefix))
	}
	f, ok := fn.Table[name]
	if !ok || f.Arity != len(x.Arguments) {
		return c.no()
	}
	types := make([]reflect.Type, len(x.Arguments))
	consts := make([]fn.Val, len(x.Arguments))
	allConst := true
	args := make([]efn, len(x.Arguments))
	for i, a := range x.Arguments {
		types[i] = a.Type()
		if _, ok := fn.KindOf(types[i]); !ok {
			return c.no()
		}
		var isConst bool
		consts[i], isConst = literal(a)
		allConst = allConst && isConst
		args[i] = c.node(a)
	}
	if !c.ok || !f.Accepts(types) {
		return c.no()
	}
	if allConst {
		// A call on constants (dec("7.45")) is a constant.
		v, err := callConst(f, consts)
		if err != nil {
			return c.no() // the VM reports it
		}
		return constant(v)
	}
	check := func(v fn.Val, err error) fn.Val {
		if err != nil {
			fail()
		}
		return v
	}
	switch f.Arity {
	case 0:
		return func(*frame) fn.Val { return check(f.Call0()) }
	case 1:
		a := args[0]
		return func(fr *frame) fn.Val { return check(f.Call1(a(fr))) }
	case 2:
		a, b := args[0], args[1]
		return func(fr *frame) fn.Val { return check(f.Call2(a(fr), b(fr))) }
	case 3:
		a, b, d := args[0], args[1], args[2]
		return func(fr *frame) fn.Val { return check(f.Call3(a(fr), b(fr), d(fr))) }
	}
	return c.no()
}

func callConst(f *fn.Func, a []fn.Val) (fn.Val, error) {
	switch f.Arity {
	case 0:
		return f.Call0()
	case 1:
		return f.Call1(a[0])
	case 2:
		return f.Call2(a[0], a[1])
	}
	return f.Call3(a[0], a[1], a[2])
}

// param compiles a parameter read the folding left (param_at, or a
// parameter without a value on the stretch): typed, from Params.
func (c *compiler) param(x *ast.CallNode, at bool) efn {
	if (at && len(x.Arguments) != 3) || (!at && len(x.Arguments) != 2) {
		return c.no()
	}
	idxNode, ok := x.Arguments[1].(*ast.IntegerNode)
	if !ok {
		return c.no()
	}
	idx := idxNode.Value
	if !at {
		return func(f *frame) fn.Val {
			v, ok := f.params.Get(idx)
			if !ok {
				fail()
			}
			return v
		}
	}
	when := c.node(x.Arguments[2])
	if !c.ok {
		return nil
	}
	return func(f *frame) fn.Val {
		v, ok := f.params.GetAt(idx, when(f).T)
		if !ok {
			fail()
		}
		return v
	}
}
