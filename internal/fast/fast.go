// Package fast is the closure backend of the rules engine: a rule's
// type-checked expression, as expr compiled it, is compiled once more into
// a tree of typed Go closures (a func(*Frame) int for an int, a
// func(*Frame) decimal.Decimal for a decimal, ...) that read the
// environment struct in place: no value is boxed, tagged or copied through
// an interface on the way, as expr's VM must. Package area runs it for
// untraced evaluations; a traced one runs expr's VM, which records the
// parameters read.
//
// Only what the rulebook's rules use is compiled: a rule with any other
// construct keeps the VM (Compile returns nil). Whenever a closure meets an
// error (a parameter without a value, a division by zero, a nil it cannot
// read through), it gives up and the caller runs the rule on the VM, so
// that errors, and their messages, are the VM's.
//
// A Program reads the environment by offsets computed from the type it was
// compiled for; Frame.Bind refuses any other type, so no program ever reads
// unrelated memory.
package fast

import (
	"math"
	"reflect"
	"slices"
	"strings"
	"unsafe"

	"github.com/expr-lang/expr/ast"
	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/internal/fn"
	"github.com/shopspring/decimal"
)

// Frame is what running programs read (see fn.Frame): a caller binds one
// per evaluation to the environment (Bind) and may reuse it.
type Frame = fn.Frame

type frame = fn.Frame

// The closures a node compiles to, by the kind of its value.
type (
	boolF  = func(*frame) bool
	intF   = func(*frame) int
	strF   = func(*frame) string
	decF   = func(*frame) decimalT
	dateF  = func(*frame) wk.Date
	listF  = func(*frame) []string
	datesF = func(*frame) []wk.Date
	mapF   = func(*frame) map[string]int
	intsF  = func(*frame) []int
	rowsF  = func(*frame) rows           // a slice of structs
	ptrF   = func(*frame) unsafe.Pointer // a struct (an element of rows)
)

// rows is a slice of structs as closures carry it: its first element and
// its length (the element type is known where the read was compiled).
type rows struct {
	p unsafe.Pointer
	n int
}

var frameType = reflect.TypeFor[*frame]()

// Program is an expression compiled to closures for one environment type.
type Program struct {
	env  reflect.Type
	kind fn.Kind
	root any          // the root's closure, of the kind's type
	test boolF        // the root, for a condition
	put  func(*frame) // computes the value and stores it in the output, when compiled with one
}

// recoverGiveUp turns a closure's GiveUp into ok = false; any other panic
// goes on.
func recoverGiveUp(ok *bool) {
	if r := recover(); r != nil {
		if !fn.IsGiveUp(r) {
			panic(r)
		}
		*ok = false
	}
}

// Run evaluates the program against the frame's environment; ok is false
// when it gave up (the caller runs the rule on the VM) or the frame holds
// no environment of the program's type.
func (p *Program) Run(f *Frame) (v fn.Val, ok bool) {
	if f.Type != p.env || f.Base == nil {
		return fn.Val{}, false
	}
	defer recoverGiveUp(&ok)
	return box(p.kind, p.root, f), true
}

// Test evaluates a condition; ok as for Run.
func (p *Program) Test(f *Frame) (hit, ok bool) {
	if p.test == nil || f.Type != p.env || f.Base == nil {
		return false, false
	}
	defer recoverGiveUp(&ok)
	return p.test(f), true
}

// Put evaluates a value rule compiled with its output and stores the value
// there; ok as for Run, and false too when the output's part of the
// environment is nil (the VM then reports it).
func (p *Program) Put(f *Frame) (ok bool) {
	if p.put == nil || f.Type != p.env || f.Base == nil {
		return false
	}
	defer recoverGiveUp(&ok)
	p.put(f)
	return true
}

// Cond evaluates a condition, as Test, for a caller that recovers a give-up
// itself (Guard) and has bound the frame to the program's environment type
// (Env): many programs run under one guard.
func (p *Program) Cond(f *Frame) bool { return p.test(f) }

// Store evaluates a value rule and stores its value, as Put, under the
// caller's Guard.
func (p *Program) Store(f *Frame) { p.put(f) }

// Env is the environment type the program was compiled for.
func (p *Program) Env() reflect.Type { return p.env }

// Guard, deferred, stops the panic of a closure that gave up (Cond, Store);
// any other panic goes on. The function that defers it returns what its
// results hold when the closure gave up.
func Guard() {
	if r := recover(); r != nil && !fn.IsGiveUp(r) {
		panic(r)
	}
}

// box runs a root closure of kind k and returns its value as a Val.
func box(k fn.Kind, root any, f *frame) fn.Val {
	switch k {
	case fn.Bool:
		return fn.Val{K: fn.Bool, B: root.(boolF)(f)}
	case fn.Int:
		return fn.Val{K: fn.Int, I: root.(intF)(f)}
	case fn.Str:
		return fn.Val{K: fn.Str, S: root.(strF)(f)}
	case fn.Dec:
		return fn.Val{K: fn.Dec, D: root.(decF)(f)}
	case fn.Date:
		return fn.Val{K: fn.Date, T: root.(dateF)(f)}
	case fn.List:
		return fn.Val{K: fn.List, L: root.(listF)(f)}
	case fn.Dates:
		return fn.Val{K: fn.Dates, DS: root.(datesF)(f)}
	case fn.Map:
		return fn.Val{K: fn.Map, M: root.(mapF)(f)}
	case fn.Ints:
		return fn.Val{K: fn.Ints, IS: root.(intsF)(f)}
	}
	return fn.Val{}
}

// Compile compiles the checked expression root, whose result must be of
// type want, for environments of type env (a pointer to a struct); nil when
// some construct is not supported. When out is not nil (an output of the
// environment, of type want), the program's Put stores the value there.
func Compile(root ast.Node, env reflect.Type, want reflect.Type, out *Location) *Program {
	if env.Kind() != reflect.Pointer || env.Elem().Kind() != reflect.Struct || typeOf(root) != want {
		return nil
	}
	k, ok := fn.KindOf(want)
	if !ok {
		return nil
	}
	c := &compiler{env: env.Elem(), ok: true, memo: repeated(root)}
	f := c.node(root)
	if !c.ok || f == nil {
		return nil
	}
	if c.slots > 0 {
		f = resetMemo(k, f)
	}
	p := &Program{env: env, kind: k, root: f}
	p.test, _ = f.(boolF)
	if out != nil {
		if p.put = putter(*out, k, f); p.put == nil {
			return nil
		}
	}
	return p
}

// putter stores the value of the closure f (of kind k) in the output at
// loc, GiveUp when the output's part of the environment is nil.
func putter(loc Location, k fn.Kind, f any) func(*frame) {
	if loc.kind != k {
		return nil
	}
	switch k {
	case fn.Bool:
		return store(loc, f.(boolF))
	case fn.Int:
		return store(loc, f.(intF))
	case fn.Str:
		return store(loc, f.(strF))
	case fn.Dec:
		return store(loc, f.(decF))
	case fn.Date:
		return store(loc, f.(dateF))
	case fn.List:
		return store(loc, f.(listF))
	case fn.Dates:
		return store(loc, f.(datesF))
	case fn.Map:
		return store(loc, f.(mapF))
	}
	return nil
}

func store[T any](loc Location, g func(*frame) T) func(*frame) {
	if off, ok := loc.direct(); ok {
		return func(f *frame) { *(*T)(unsafe.Add(f.Base, off)) = g(f) }
	}
	if off1, off2, ok := loc.hop(); ok {
		return func(f *frame) {
			v := g(f)
			p := *(*unsafe.Pointer)(unsafe.Add(f.Base, off1))
			if p == nil {
				fn.GiveUp()
			}
			*(*T)(unsafe.Add(p, off2)) = v
		}
	}
	return func(f *frame) {
		v := g(f)
		p := loc.pointer(f.Base)
		if p == nil {
			fn.GiveUp()
		}
		*(*T)(p) = v
	}
}

// compiler compiles one expression against an environment struct type.
type compiler struct {
	env reflect.Type
	ok  bool
	// memo are the decimal calls written more than once in the
	// expression (outside closures), by their text: each is computed once
	// per evaluation, in the frame's memo slot it gets.
	memo  map[string]int
	slots int
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

// kindOf is the kind of the closures a node of static type t compiles to
// (ok false for a type they do not carry).
func kindOf(t reflect.Type) (fn.Kind, bool) {
	if t == nil {
		return 0, false
	}
	if k, ok := fn.KindOf(t); ok {
		return k, true
	}
	if isStructSlice(t) {
		return fn.Structs, true
	}
	if structOf(t) != nil {
		return fn.Ptr, true
	}
	return 0, false
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

func (c *compiler) no() any { c.ok = false; return nil }

// as is the closure of node n as a func(*frame) T (nil, and the compiler
// failed, when n does not compile to one).
func as[T any](c *compiler, n ast.Node) func(*frame) T {
	f, ok := c.node(n).(func(*frame) T)
	if !ok {
		c.ok = false
		return nil
	}
	return f
}

func konst[T any](v T) func(*frame) T { return func(*frame) T { return v } }

// constant is a closure that returns v.
func constant(v fn.Val) any {
	switch v.K {
	case fn.Bool:
		return konst(v.B)
	case fn.Int:
		return konst(v.I)
	case fn.Str:
		return konst(v.S)
	case fn.Dec:
		return konst(v.D)
	case fn.Date:
		return konst(v.T)
	case fn.List:
		return konst(v.L)
	case fn.Dates:
		return konst(v.DS)
	case fn.Map:
		return konst(v.M)
	case fn.Ints:
		return konst(v.IS)
	}
	return nil
}

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
		if x.Value == nil {
			return fn.Val{}, false
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

func (c *compiler) node(n ast.Node) any {
	if !c.ok {
		return nil
	}
	switch x := n.(type) {
	case *ast.BoolNode, *ast.IntegerNode, *ast.StringNode, *ast.ConstantNode:
		v, ok := literal(n)
		if !ok {
			return c.no()
		}
		if f := constant(v); f != nil {
			return f
		}
		return c.no()
	case *ast.IdentifierNode, *ast.MemberNode:
		return c.field(n)
	case *ast.PointerNode:
		if x.Name != "" || !c.inClosure {
			return c.no()
		}
		switch k, _ := kindOf(c.elem); k {
		case fn.Str:
			return strF(func(f *frame) string { return f.ElemS })
		case fn.Int:
			return intF(func(f *frame) int { return f.ElemI })
		case fn.Ptr:
			return ptrF(func(f *frame) unsafe.Pointer { return f.ElemP })
		}
		return c.no()
	case *ast.ArrayNode:
		list, ok := stringList(x)
		if !ok {
			return c.no()
		}
		return konst(list)
	case *ast.UnaryNode:
		return c.unary(x)
	case *ast.BinaryNode:
		return c.binary(x)
	case *ast.ConditionalNode:
		return c.conditional(x)
	case *ast.CallNode:
		return c.call(x)
	case *ast.BuiltinNode:
		return c.builtin(x)
	}
	return c.no()
}

func choose[T any](c *compiler, cond boolF, yes, no any) any {
	a, ok1 := yes.(func(*frame) T)
	b, ok2 := no.(func(*frame) T)
	if !ok1 || !ok2 {
		return c.no()
	}
	return func(f *frame) T {
		if cond(f) {
			return a(f)
		}
		return b(f)
	}
}

func (c *compiler) conditional(x *ast.ConditionalNode) any {
	t := typeOf(x.Exp1)
	if x.Cond.Type() != fn.TypeBool || t != typeOf(x.Exp2) {
		return c.no()
	}
	cond := as[bool](c, x.Cond)
	yes, no := c.node(x.Exp1), c.node(x.Exp2)
	if !c.ok {
		return nil
	}
	switch k, _ := kindOf(t); k {
	case fn.Bool:
		return choose[bool](c, cond, yes, no)
	case fn.Int:
		return choose[int](c, cond, yes, no)
	case fn.Str:
		return choose[string](c, cond, yes, no)
	case fn.Dec:
		return choose[decimalT](c, cond, yes, no)
	case fn.Date:
		return choose[wk.Date](c, cond, yes, no)
	case fn.List:
		return choose[[]string](c, cond, yes, no)
	case fn.Dates:
		return choose[[]wk.Date](c, cond, yes, no)
	case fn.Map:
		return choose[map[string]int](c, cond, yes, no)
	case fn.Ints:
		return choose[[]int](c, cond, yes, no)
	case fn.Ptr:
		return choose[unsafe.Pointer](c, cond, yes, no)
	case fn.Structs:
		return choose[rows](c, cond, yes, no)
	}
	return c.no()
}

// field compiles date, an environment field or a chain of fields
// (person.income, out.counted, has.cheque) into a read of the struct in
// place; or a chain of fields of a list's element (#.decided inside a
// closure, list[i].price).
func (c *compiler) field(n ast.Node) any {
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
			return dateF(func(f *frame) wk.Date { return f.Date })
		}
		loc, err := Locate(reflect.PointerTo(c.env), names)
		if err != nil {
			return c.no()
		}
		if f := load(loc, nil); f != nil {
			return f
		}
		return c.no()
	}
	// A struct reached at run time: a closure's element (#.decided), an
	// indexed element (list[i].price).
	if structOf(n.Type()) == nil {
		return c.no()
	}
	var base ptrF
	if m, ok := n.(*ast.MemberNode); ok {
		base, _ = c.index(m).(ptrF)
	} else {
		base, _ = c.node(n).(ptrF)
	}
	loc, err := LocateIn(structOf(n.Type()), names)
	if !c.ok || err != nil || base == nil {
		return c.no()
	}
	if f := load(loc, base); f != nil {
		return f
	}
	return c.no()
}

// structOf is the struct type that a value of type t is, or points to
// (an element of a list of structs); nil when it is not one.
func structOf(t reflect.Type) reflect.Type {
	if t == nil {
		return nil
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() == reflect.Struct && t != fn.TypeDec && t != fn.TypeDate {
		return t
	}
	return nil
}

// load compiles a read of the field at loc: from the environment when base
// is nil, else from the struct base returns. The field's kind is its static
// type, checked when the path was located.
func load(loc Location, base ptrF) any {
	if base == nil {
		if off, ok := loc.direct(); ok {
			return direct(loc.kind, off)
		}
		if off1, off2, ok := loc.hop(); ok && loc.kind != fn.Structs {
			return hop(loc.kind, off1, off2)
		}
	}
	at := func(f *frame) unsafe.Pointer {
		p := loc.pointer(f.Base)
		if p == nil {
			fn.GiveUp()
		}
		return p
	}
	if base != nil {
		at = func(f *frame) unsafe.Pointer {
			b := base(f)
			if b == nil {
				fn.GiveUp()
			}
			p := loc.pointer(b)
			if p == nil {
				fn.GiveUp()
			}
			return p
		}
	}
	switch loc.kind {
	case fn.Bool:
		return via[bool](at)
	case fn.Int:
		return via[int](at)
	case fn.Str:
		return via[string](at)
	case fn.Dec:
		return via[decimalT](at)
	case fn.Date:
		return via[wk.Date](at)
	case fn.List:
		return via[[]string](at)
	case fn.Dates:
		return via[[]wk.Date](at)
	case fn.Map:
		return via[map[string]int](at)
	case fn.Ints:
		return via[[]int](at)
	case fn.Structs:
		return rowsF(func(f *frame) rows { h := (*sliceHeader)(at(f)); return rows{h.data, h.len} })
	}
	return nil
}

// direct reads a field at a fixed offset of the environment.
func direct(k fn.Kind, off uintptr) any {
	switch k {
	case fn.Bool:
		return at[bool](off)
	case fn.Int:
		return at[int](off)
	case fn.Str:
		return at[string](off)
	case fn.Dec:
		return at[decimalT](off)
	case fn.Date:
		return at[wk.Date](off)
	case fn.List:
		return at[[]string](off)
	case fn.Dates:
		return at[[]wk.Date](off)
	case fn.Map:
		return at[map[string]int](off)
	case fn.Ints:
		return at[[]int](off)
	case fn.Structs:
		return rowsF(func(f *frame) rows { h := (*sliceHeader)(unsafe.Add(f.Base, off)); return rows{h.data, h.len} })
	}
	return nil
}

// hop reads a field at a fixed offset of a struct the environment points
// to at a fixed offset (request.minutes: the case's request).
func hop(k fn.Kind, off1, off2 uintptr) any {
	switch k {
	case fn.Bool:
		return through[bool](off1, off2)
	case fn.Int:
		return through[int](off1, off2)
	case fn.Str:
		return through[string](off1, off2)
	case fn.Dec:
		return through[decimalT](off1, off2)
	case fn.Date:
		return through[wk.Date](off1, off2)
	case fn.List:
		return through[[]string](off1, off2)
	case fn.Dates:
		return through[[]wk.Date](off1, off2)
	case fn.Map:
		return through[map[string]int](off1, off2)
	case fn.Ints:
		return through[[]int](off1, off2)
	}
	return nil
}

func through[T any](off1, off2 uintptr) func(*frame) T {
	return func(f *frame) T {
		p := *(*unsafe.Pointer)(unsafe.Add(f.Base, off1))
		if p == nil {
			fn.GiveUp()
		}
		return *(*T)(unsafe.Add(p, off2))
	}
}

func at[T any](off uintptr) func(*frame) T {
	return func(f *frame) T { return *(*T)(unsafe.Add(f.Base, off)) }
}

func via[T any](at func(*frame) unsafe.Pointer) func(*frame) T {
	return func(f *frame) T { return *(*T)(at(f)) }
}

// sliceHeader is how Go lays out a slice.
type sliceHeader struct {
	data     unsafe.Pointer
	len, cap int
}

// index compiles list[i]: an element of a list of strings, ints or structs.
func (c *compiler) index(x *ast.MemberNode) any {
	lt := x.Node.Type()
	if x.Property.Type() != fn.TypeInt || lt == nil {
		return c.no()
	}
	idx := as[int](c, x.Property)
	switch {
	case lt == fn.TypeList:
		list := as[[]string](c, x.Node)
		return strF(func(f *frame) string {
			l, i := list(f), idx(f)
			if i < 0 || i >= len(l) {
				fn.GiveUp()
			}
			return l[i]
		})
	case lt == fn.TypeInts:
		list := as[[]int](c, x.Node)
		return intF(func(f *frame) int {
			l, i := list(f), idx(f)
			if i < 0 || i >= len(l) {
				fn.GiveUp()
			}
			return l[i]
		})
	case isStructSlice(lt):
		list := as[rows](c, x.Node)
		size := lt.Elem().Size()
		return ptrF(func(f *frame) unsafe.Pointer {
			l, i := list(f), idx(f)
			if i < 0 || i >= l.n {
				fn.GiveUp()
			}
			return unsafe.Add(l.p, uintptr(i)*size)
		})
	}
	return c.no()
}

func (c *compiler) unary(x *ast.UnaryNode) any {
	switch {
	case (x.Operator == "not" || x.Operator == "!") && x.Node.Type() == fn.TypeBool:
		a := as[bool](c, x.Node)
		return boolF(func(f *frame) bool { return !a(f) })
	case x.Operator == "-" && x.Node.Type() == fn.TypeInt:
		a := as[int](c, x.Node)
		return intF(func(f *frame) int { return -a(f) })
	}
	return c.no()
}

func (c *compiler) binary(x *ast.BinaryNode) any {
	if set, ok := stringSet(x.Right); ok && x.Operator == "in" && x.Left.Type() == fn.TypeStr {
		l := as[string](c, x.Left)
		return boolF(func(f *frame) bool { return set[l(f)] })
	}
	lt, rt := typeOf(x.Left), typeOf(x.Right)
	switch x.Operator {
	case "and", "&&", "or", "||":
		if lt != fn.TypeBool || rt != fn.TypeBool {
			return c.no()
		}
		l, r := as[bool](c, x.Left), as[bool](c, x.Right)
		if x.Operator == "and" || x.Operator == "&&" {
			return boolF(func(f *frame) bool { return l(f) && r(f) })
		}
		return boolF(func(f *frame) bool { return l(f) || r(f) })
	case "in":
		if lt != fn.TypeStr || rt != fn.TypeList {
			return c.no()
		}
		l, r := as[string](c, x.Left), as[[]string](c, x.Right)
		return boolF(func(f *frame) bool { return slices.Contains(r(f), l(f)) })
	case "==", "!=":
		if lt != rt {
			return c.no()
		}
		eq := x.Operator == "=="
		switch lt {
		case fn.TypeInt:
			return equal[int](c, x, eq)
		case fn.TypeStr:
			return equal[string](c, x, eq)
		case fn.TypeBool:
			return equal[bool](c, x, eq)
		}
		return c.no()
	}
	if lt != fn.TypeInt || rt != fn.TypeInt {
		return c.no()
	}
	l, r := as[int](c, x.Left), as[int](c, x.Right)
	if !c.ok {
		return nil
	}
	switch x.Operator {
	case "<":
		return boolF(func(f *frame) bool { return l(f) < r(f) })
	case "<=":
		return boolF(func(f *frame) bool { return l(f) <= r(f) })
	case ">":
		return boolF(func(f *frame) bool { return l(f) > r(f) })
	case ">=":
		return boolF(func(f *frame) bool { return l(f) >= r(f) })
	case "+":
		return intF(func(f *frame) int { return l(f) + r(f) })
	case "-":
		return intF(func(f *frame) int { return l(f) - r(f) })
	case "*":
		return intF(func(f *frame) int { return l(f) * r(f) })
	case "%":
		return intF(func(f *frame) int {
			a, d := l(f), r(f)
			if d == 0 {
				fn.GiveUp()
			}
			return a % d
		})
	}
	return c.no()
}

func equal[T comparable](c *compiler, x *ast.BinaryNode, eq bool) any {
	l, r := as[T](c, x.Left), as[T](c, x.Right)
	if !c.ok {
		return nil
	}
	// A comparison with a constant (out.kind == "x", n == 0) reads one
	// side only.
	if v, ok := literal(x.Right); ok {
		if k, isT := constantOf[T](v); isT {
			if eq {
				return boolF(func(f *frame) bool { return l(f) == k })
			}
			return boolF(func(f *frame) bool { return l(f) != k })
		}
	}
	if eq {
		return boolF(func(f *frame) bool { return l(f) == r(f) })
	}
	return boolF(func(f *frame) bool { return l(f) != r(f) })
}

// constantOf is v as a T, when it is one.
func constantOf[T any](v fn.Val) (T, bool) {
	x, ok := fn.Box(v).(T)
	return x, ok
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

func (c *compiler) builtin(x *ast.BuiltinNode) any {
	switch x.Name {
	case "count", "any", "all", "none", "one":
		return c.closureBuiltin(x)
	case "len":
		if len(x.Arguments) != 1 {
			return c.no()
		}
		a := x.Arguments[0]
		switch t := a.Type(); {
		case t == fn.TypeList:
			l := as[[]string](c, a)
			return intF(func(f *frame) int { return len(l(f)) })
		case t == fn.TypeStr:
			s := as[string](c, a)
			return intF(func(f *frame) int { return len(s(f)) })
		case t == fn.TypeInts:
			l := as[[]int](c, a)
			return intF(func(f *frame) int { return len(l(f)) })
		case isStructSlice(t):
			l := as[rows](c, a)
			return intF(func(f *frame) int { return l(f).n })
		}
	case "max", "min":
		if len(x.Arguments) == 0 {
			return c.no()
		}
		args := make([]intF, len(x.Arguments))
		for i, a := range x.Arguments {
			if a.Type() != fn.TypeInt {
				return c.no()
			}
			args[i] = as[int](c, a)
		}
		if !c.ok {
			return nil
		}
		isMax := x.Name == "max"
		if len(args) == 2 {
			a, b := args[0], args[1]
			if isMax {
				return intF(func(f *frame) int { return max(a(f), b(f)) })
			}
			return intF(func(f *frame) int { return min(a(f), b(f)) })
		}
		return intF(func(f *frame) int {
			best := args[0](f)
			for _, a := range args[1:] {
				if v := a(f); (isMax && v > best) || (!isMax && v < best) {
					best = v
				}
			}
			return best
		})
	}
	return c.no()
}

// quantifier is what a closure builtin asks of its predicate's hits.
type quantifier uint8

const (
	qCount quantifier = iota
	qAny
	qAll
	qNone
	qOne
)

var quantifiers = map[string]quantifier{"count": qCount, "any": qAny, "all": qAll, "none": qNone, "one": qOne}

// stop counts a hit (or notes a miss) of the predicate and reports whether
// the answer is known: any and none stop at the first hit, all at the
// first miss (the count is -1 then), one at the second hit.
func (q quantifier) stop(hit bool, count *int) bool {
	if hit {
		*count++
		return q == qAny || q == qNone || (q == qOne && *count > 1)
	}
	if q == qAll {
		*count = -1
		return true
	}
	return false
}

// closureBuiltin compiles count, any, all, none and one over a list of
// strings, ints or structs with a predicate: the predicate runs with # (in
// the frame) standing for each element in turn.
// intRange is a range lo..hi of a closure builtin, walked in place.
type intRange struct{ lo, hi intF }

func (c *compiler) closureBuiltin(x *ast.BuiltinNode) any {
	if len(x.Arguments) != 2 {
		return c.no()
	}
	pred, ok := x.Arguments[1].(*ast.PredicateNode)
	lt := x.Arguments[0].Type()
	if !ok || pred.Node.Type() != fn.TypeBool || lt == nil {
		return c.no()
	}
	var elem reflect.Type
	r, isRange := x.Arguments[0].(*ast.BinaryNode)
	isRange = isRange && r.Operator == ".." && r.Left.Type() == fn.TypeInt && r.Right.Type() == fn.TypeInt
	switch {
	case isRange: // typed []interface{} by expr
		elem = fn.TypeInt
	case lt == fn.TypeList:
		elem = fn.TypeStr
	case lt == fn.TypeInts:
		elem = fn.TypeInt
	case isStructSlice(lt):
		elem = lt.Elem()
	default:
		return c.no()
	}
	outer, outerElem := c.inClosure, c.elem
	c.inClosure, c.elem = true, elem
	p := as[bool](c, pred.Node)
	c.inClosure, c.elem = outer, outerElem
	// A range (lo..hi) is walked without building its list.
	var list any
	if isRange {
		list = intRange{as[int](c, r.Left), as[int](c, r.Right)}
	} else {
		list = c.node(x.Arguments[0])
	}
	if !c.ok {
		return nil
	}
	q := quantifiers[x.Name]
	// run counts the hits over the list, with # bound to each element and
	// the outer # restored after.
	var run func(f *frame) int
	switch l := list.(type) {
	case intRange:
		run = func(f *frame) int {
			saved, n := f.ElemI, 0
			for e, hi := l.lo(f), l.hi(f); e <= hi; e++ {
				f.ElemI = e
				if q.stop(p(f), &n) || e == math.MaxInt {
					break
				}
			}
			f.ElemI = saved
			return n
		}
	case listF:
		run = func(f *frame) int {
			saved, n := f.ElemS, 0
			for _, e := range l(f) {
				f.ElemS = e
				if q.stop(p(f), &n) {
					break
				}
			}
			f.ElemS = saved
			return n
		}
	case intsF:
		run = func(f *frame) int {
			saved, n := f.ElemI, 0
			for _, e := range l(f) {
				f.ElemI = e
				if q.stop(p(f), &n) {
					break
				}
			}
			f.ElemI = saved
			return n
		}
	case rowsF:
		size := elem.Size()
		run = func(f *frame) int {
			xs, saved, n := l(f), f.ElemP, 0
			for i := range xs.n {
				f.ElemP = unsafe.Add(xs.p, uintptr(i)*size)
				if q.stop(p(f), &n) {
					break
				}
			}
			f.ElemP = saved
			return n
		}
	default:
		return c.no()
	}
	switch q {
	case qCount:
		return intF(run)
	case qAny:
		return boolF(func(f *frame) bool { return run(f) > 0 })
	case qAll:
		return boolF(func(f *frame) bool { return run(f) >= 0 })
	case qNone:
		return boolF(func(f *frame) bool { return run(f) == 0 })
	}
	return boolF(func(f *frame) bool { return run(f) == 1 })
}

// ParamCall names the typed parameter accessors that area patches
// param("id") and param_at("id", d) into: _p_<kind>(_params, idx) and
// _pa_<kind>(_params, idx, d).
const (
	ParamPrefix   = "_p_"
	ParamAtPrefix = "_pa_"
)

// repeated finds the decimal-valued calls that occur more than once in the
// expression outside closures (price - min divided by the step, written
// twice in one rule), by their text: the same text is the same value
// within one evaluation of a rule, whose inputs do not change while it
// runs. The count of each is -1 until it gets a slot.
func repeated(root ast.Node) map[string]int {
	var r repeatFinder
	r.seen = map[string]int{}
	ast.Walk(&root, &r)
	out := map[string]int{}
	for s, n := range r.seen {
		if n > 1 && len(out) < fn.MemoSlots {
			out[s] = -1
		}
	}
	return out
}

type repeatFinder struct {
	seen map[string]int
}

func (r *repeatFinder) Visit(n *ast.Node) {
	// Calls inside closures count too: the compiler memoizes only those
	// outside them, where # does not change.
	if call, ok := (*n).(*ast.CallNode); ok && call.Type() == fn.TypeDec {
		r.seen[call.String()]++
	}
}

// memoized wraps the closure of a repeated decimal call: the first
// evaluation in a rule's run stores its value, the next ones read it.
func (c *compiler) memoized(x *ast.CallNode, g any) any {
	if c.inClosure || c.memo == nil {
		return g
	}
	slot, ok := c.memo[x.String()]
	if !ok {
		return g
	}
	d, isDec := g.(decF)
	if !isDec {
		return g
	}
	if slot < 0 {
		slot = c.slots
		c.memo[x.String()] = slot
		c.slots++
	}
	bit := uint8(1) << slot
	return decF(func(f *frame) decimalT {
		if f.MemoSet&bit != 0 {
			return f.Memo[slot]
		}
		v := d(f)
		f.Memo[slot], f.MemoSet = v, f.MemoSet|bit
		return v
	})
}

// resetMemo clears the memo at the start of each evaluation of a root
// closure of kind k.
func resetMemo(k fn.Kind, f any) any {
	switch k {
	case fn.Bool:
		g := f.(boolF)
		return boolF(func(fr *frame) bool { fr.MemoSet = 0; return g(fr) })
	case fn.Int:
		g := f.(intF)
		return intF(func(fr *frame) int { fr.MemoSet = 0; return g(fr) })
	case fn.Str:
		g := f.(strF)
		return strF(func(fr *frame) string { fr.MemoSet = 0; return g(fr) })
	case fn.Dec:
		g := f.(decF)
		return decF(func(fr *frame) decimalT { fr.MemoSet = 0; return g(fr) })
	case fn.Date:
		g := f.(dateF)
		return dateF(func(fr *frame) wk.Date { fr.MemoSet = 0; return g(fr) })
	case fn.List:
		g := f.(listF)
		return listF(func(fr *frame) []string { fr.MemoSet = 0; return g(fr) })
	case fn.Dates:
		g := f.(datesF)
		return datesF(func(fr *frame) []wk.Date { fr.MemoSet = 0; return g(fr) })
	case fn.Map:
		g := f.(mapF)
		return mapF(func(fr *frame) map[string]int { fr.MemoSet = 0; return g(fr) })
	case fn.Ints:
		g := f.(intsF)
		return intsF(func(fr *frame) []int { fr.MemoSet = 0; return g(fr) })
	}
	return f
}

// call compiles a function call: the typed parameter reads, and every
// function of the table through its one implementation (fn.Table).
func (c *compiler) call(x *ast.CallNode) any {
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
	args := make([]any, len(x.Arguments))
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
		if k := constant(v); k != nil {
			return k
		}
		return c.no()
	}
	for _, b := range f.Binders {
		if bound, ok := bindArgs(b, types, args); ok && b.Out == typeOf(x) {
			return c.memoized(x, b.Bind(bound))
		}
	}
	return c.no()
}

// bindArgs matches the argument closures (of static types types) with the
// binder's signature: the same types, or an int where it takes a decimal
// (converted, as expr's overloads do).
func bindArgs(b fn.Binder, types []reflect.Type, args []any) ([]any, bool) {
	if len(b.In) != len(types) {
		return nil, false
	}
	out := make([]any, len(args))
	for i, t := range types {
		switch {
		case b.In[i] == t:
			out[i] = args[i]
		case b.In[i] == fn.TypeDec && t == fn.TypeInt:
			g, ok := args[i].(intF)
			if !ok {
				return nil, false
			}
			out[i] = decF(func(f *frame) decimalT { return decimal.NewFromInt(int64(g(f))) })
		default:
			return nil, false
		}
		if reflect.TypeOf(out[i]) != reflect.FuncOf([]reflect.Type{frameType}, []reflect.Type{b.In[i]}, false) {
			return nil, false
		}
	}
	return out, true
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
func (c *compiler) param(x *ast.CallNode, isAt bool) any {
	if (isAt && len(x.Arguments) != 3) || (!isAt && len(x.Arguments) != 2) {
		return c.no()
	}
	idxNode, ok := x.Arguments[1].(*ast.IntegerNode)
	if !ok {
		return c.no()
	}
	k, ok := fn.KindOf(x.Type())
	if !ok {
		return c.no()
	}
	idx := idxNode.Value
	var get func(f *frame) *fn.Val
	if !isAt {
		get = func(f *frame) *fn.Val {
			v := f.Params.Get(idx)
			if v == nil {
				fn.GiveUp()
			}
			return v
		}
	} else {
		when := as[wk.Date](c, x.Arguments[2])
		if !c.ok {
			return nil
		}
		get = func(f *frame) *fn.Val {
			v := f.Params.GetAt(idx, when(f))
			if v == nil {
				fn.GiveUp()
			}
			return v
		}
	}
	switch k {
	case fn.Bool:
		return boolF(func(f *frame) bool { return get(f).B })
	case fn.Int:
		return intF(func(f *frame) int { return get(f).I })
	case fn.Str:
		return strF(func(f *frame) string { return get(f).S })
	case fn.Dec:
		return decF(func(f *frame) decimalT { return get(f).D })
	case fn.Date:
		return dateF(func(f *frame) wk.Date { return get(f).T })
	case fn.List:
		return listF(func(f *frame) []string { return get(f).L })
	}
	return c.no()
}
