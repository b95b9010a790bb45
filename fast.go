package wijkwerken

import (
	"reflect"
	"slices"
	"strings"
	"unsafe"

	"github.com/expr-lang/expr/ast"
	"github.com/shopspring/decimal"
)

// The fast path: a rule's type-checked expression, compiled by expr, is
// compiled once more into a tree of Go closures that read the environment
// struct in place and pass typed values (no boxing of every field read and
// every function argument, as expr's VM does). An untraced evaluation runs
// it; a traced one runs expr's VM, which records the parameters read.
//
// Only what the rulebook's rules use is compiled: a rule with any other
// construct keeps the VM. Whenever a closure meets an error (a parameter
// without a value, a division by zero, a nil it cannot read through), it
// gives up and the rule runs again on the VM, so that errors, and their
// messages, are the VM's. Tests decide populations and fuzzed cases both
// ways and compare (decision: TestFoldedRulesMatchTraced, FuzzDecide).

// vkind is the kind of a value on the fast path.
type vkind uint8

const (
	vNil vkind = iota
	vBool
	vInt
	vStr
	vDec
	vDate
	vList
	vDates
	vMap
)

// val is a value on the fast path, by kind, not boxed.
type val struct {
	k  vkind
	b  bool
	i  int
	s  string
	d  decimal.Decimal
	t  Date
	l  []string
	ds []Date
	m  map[string]int
}

// frame is what a fast expression reads: the environment struct, the
// decision date and the parameters.
type frame struct {
	base unsafe.Pointer // the environment struct
	date Date
	view *paramView
	args [4]any // arguments of a generic function call
}

type efn func(f *frame) val

// giveUp is raised (as a panic) when a fast expression meets an error; the
// rule then runs on the VM.
type giveUp struct{}

func fail() { panic(giveUp{}) }

// runFast evaluates fn; ok is false when it gave up.
func runFast(fn efn, f *frame) (v val, ok bool) {
	defer func() {
		if r := recover(); r != nil {
			if _, mine := r.(giveUp); !mine {
				panic(r)
			}
			ok = false
		}
	}()
	return fn(f), true
}

// box is v as the Go value expr would have produced, of type t.
func box(v val) any {
	switch v.k {
	case vBool:
		return v.b
	case vInt:
		return v.i
	case vStr:
		return v.s
	case vDec:
		return v.d
	case vDate:
		return v.t
	case vList:
		return v.l
	case vDates:
		return v.ds
	case vMap:
		return v.m
	}
	return nil
}

// unbox converts a Go value (a function's result) to a val; ok is false
// for a type the fast path does not carry.
func unbox(x any) (val, bool) {
	switch y := x.(type) {
	case nil:
		return val{}, true
	case bool:
		return val{k: vBool, b: y}, true
	case int:
		return val{k: vInt, i: y}, true
	case string:
		return val{k: vStr, s: y}, true
	case decimal.Decimal:
		return val{k: vDec, d: y}, true
	case Date:
		return val{k: vDate, t: y}, true
	case []string:
		return val{k: vList, l: y}, true
	case []Date:
		return val{k: vDates, ds: y}, true
	case map[string]int:
		return val{k: vMap, m: y}, true
	}
	return val{}, false
}

var (
	tBool  = reflect.TypeOf(false)
	tInt   = reflect.TypeOf(0)
	tStr   = reflect.TypeOf("")
	tList  = reflect.TypeOf([]string(nil))
	tDates = reflect.TypeOf([]Date(nil))
	tMap   = reflect.TypeOf(map[string]int(nil))
)

// kindOf is the fast kind of a static type (ok false for another type).
func kindOf(t reflect.Type) (vkind, bool) {
	switch t {
	case tBool:
		return vBool, true
	case tInt:
		return vInt, true
	case tStr:
		return vStr, true
	case decimalType:
		return vDec, true
	case dateType:
		return vDate, true
	case tList:
		return vList, true
	case tDates:
		return vDates, true
	case tMap:
		return vMap, true
	}
	return 0, false
}

// fastCompiler compiles one expression against an environment type.
type fastCompiler struct {
	env reflect.Type // the environment struct
	ok  bool
}

// compileFast compiles the checked expression root against the
// environment struct type env; nil when some construct is not supported.
func compileFast(root ast.Node, env reflect.Type) efn {
	c := &fastCompiler{env: env, ok: true}
	fn := c.node(root)
	if !c.ok {
		return nil
	}
	return fn
}

func (c *fastCompiler) no() efn { c.ok = false; return nil }

func constant(v val) efn { return func(*frame) val { return v } }

func (c *fastCompiler) node(n ast.Node) efn {
	if !c.ok {
		return nil
	}
	switch x := n.(type) {
	case *ast.NilNode:
		return constant(val{})
	case *ast.BoolNode:
		return constant(val{k: vBool, b: x.Value})
	case *ast.IntegerNode:
		if x.Type() != tInt {
			return c.no()
		}
		return constant(val{k: vInt, i: x.Value})
	case *ast.StringNode:
		return constant(val{k: vStr, s: x.Value})
	case *ast.ConstantNode:
		v, ok := unbox(x.Value)
		if !ok {
			return c.no()
		}
		return constant(v)
	case *ast.IdentifierNode, *ast.MemberNode:
		return c.field(n)
	case *ast.UnaryNode:
		return c.unary(x)
	case *ast.BinaryNode:
		return c.binary(x)
	case *ast.ConditionalNode:
		cond, yes, no := c.node(x.Cond), c.node(x.Exp1), c.node(x.Exp2)
		if x.Cond.Type() != tBool {
			return c.no()
		}
		return func(f *frame) val {
			if cond(f).b {
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
// place.
func (c *fastCompiler) field(n ast.Node) efn {
	var names []string
	for {
		switch x := n.(type) {
		case *ast.IdentifierNode:
			names = append(names, x.Value)
			slices.Reverse(names)
			return c.path(names)
		case *ast.MemberNode:
			s, ok := x.Property.(*ast.StringNode)
			if !ok || x.Optional || x.Method {
				return c.no()
			}
			names = append(names, s.Value)
			n = x.Node
		default:
			return c.no()
		}
	}
}

// path resolves names to fields through the environment's structs (and
// pointers to structs), as byte offsets computed once from the types, and
// compiles the read of the last one in place.
func (c *fastCompiler) path(names []string) efn {
	if len(names) == 1 && names[0] == "date" {
		return func(f *frame) val { return val{k: vDate, t: f.date} }
	}
	type step struct {
		off   uintptr
		deref bool // the field is a pointer the next step reads through
	}
	t := c.env
	var steps []step
	for n, name := range names {
		if t.Kind() != reflect.Struct {
			return c.no()
		}
		sf, ok := exprField(t, name)
		if !ok {
			return c.no()
		}
		var off uintptr
		inner := t
		for k, i := range sf.Index {
			fld := inner.Field(i)
			off += fld.Offset
			if k < len(sf.Index)-1 {
				if fld.Type.Kind() != reflect.Struct {
					return c.no() // an embedded pointer
				}
				inner = fld.Type
			}
		}
		t = sf.Type
		st := step{off: off}
		if n < len(names)-1 && t.Kind() == reflect.Pointer {
			st.deref, t = true, t.Elem()
		}
		steps = append(steps, st)
	}
	k, ok := kindOf(t)
	if !ok {
		return c.no()
	}
	return func(f *frame) val {
		p := f.base
		for _, st := range steps {
			p = unsafe.Add(p, st.off)
			if st.deref {
				if p = *(*unsafe.Pointer)(p); p == nil {
					fail()
				}
			}
		}
		return read(p, k)
	}
}

// read reads the field at p, of kind k (its static type, checked when the
// path was compiled), without boxing it.
func read(p unsafe.Pointer, k vkind) val {
	switch k {
	case vBool:
		return val{k: vBool, b: *(*bool)(p)}
	case vInt:
		return val{k: vInt, i: *(*int)(p)}
	case vStr:
		return val{k: vStr, s: *(*string)(p)}
	case vDec:
		return val{k: vDec, d: *(*decimal.Decimal)(p)}
	case vDate:
		return val{k: vDate, t: *(*Date)(p)}
	case vList:
		return val{k: vList, l: *(*[]string)(p)}
	case vDates:
		return val{k: vDates, ds: *(*[]Date)(p)}
	case vMap:
		return val{k: vMap, m: *(*map[string]int)(p)}
	}
	fail()
	return val{}
}

// exprField finds the field rules call name in struct t: by its expr tag,
// else its Go name, looking into embedded structs.
func exprField(t reflect.Type, name string) (reflect.StructField, bool) {
	return t.FieldByNameFunc(func(goName string) bool {
		sf, _ := t.FieldByName(goName)
		if tag := sf.Tag.Get("expr"); tag != "" {
			return tag == name
		}
		return goName == name
	})
}

func (c *fastCompiler) unary(x *ast.UnaryNode) efn {
	a := c.node(x.Node)
	switch {
	case (x.Operator == "not" || x.Operator == "!") && x.Node.Type() == tBool:
		return func(f *frame) val { return val{k: vBool, b: !a(f).b} }
	case x.Operator == "-" && x.Node.Type() == tInt:
		return func(f *frame) val { return val{k: vInt, i: -a(f).i} }
	}
	return c.no()
}

func (c *fastCompiler) binary(x *ast.BinaryNode) efn {
	if set, ok := stringSet(x.Right); ok && x.Operator == "in" && x.Left.Type() == tStr {
		l := c.node(x.Left)
		return func(f *frame) val { return val{k: vBool, b: set[l(f).s]} }
	}
	l, r := c.node(x.Left), c.node(x.Right)
	lt, rt := x.Left.Type(), x.Right.Type()
	switch x.Operator {
	case "and", "&&":
		if lt != tBool || rt != tBool {
			return c.no()
		}
		return func(f *frame) val { return val{k: vBool, b: l(f).b && r(f).b} }
	case "or", "||":
		if lt != tBool || rt != tBool {
			return c.no()
		}
		return func(f *frame) val { return val{k: vBool, b: l(f).b || r(f).b} }
	case "in":
		if lt != tStr || rt != tList {
			return c.no()
		}
		return func(f *frame) val { return val{k: vBool, b: slices.Contains(r(f).l, l(f).s)} }
	case "==", "!=":
		if lt != rt || (lt != tInt && lt != tStr && lt != tBool) {
			return c.no()
		}
		eq := x.Operator == "=="
		switch lt {
		case tInt:
			return func(f *frame) val { return val{k: vBool, b: (l(f).i == r(f).i) == eq} }
		case tStr:
			return func(f *frame) val { return val{k: vBool, b: (l(f).s == r(f).s) == eq} }
		default:
			return func(f *frame) val { return val{k: vBool, b: (l(f).b == r(f).b) == eq} }
		}
	}
	if lt != tInt || rt != tInt {
		return c.no()
	}
	switch x.Operator {
	case "<":
		return func(f *frame) val { return val{k: vBool, b: l(f).i < r(f).i} }
	case "<=":
		return func(f *frame) val { return val{k: vBool, b: l(f).i <= r(f).i} }
	case ">":
		return func(f *frame) val { return val{k: vBool, b: l(f).i > r(f).i} }
	case ">=":
		return func(f *frame) val { return val{k: vBool, b: l(f).i >= r(f).i} }
	case "+":
		return func(f *frame) val { return val{k: vInt, i: l(f).i + r(f).i} }
	case "-":
		return func(f *frame) val { return val{k: vInt, i: l(f).i - r(f).i} }
	case "*":
		return func(f *frame) val { return val{k: vInt, i: l(f).i * r(f).i} }
	case "%":
		return func(f *frame) val {
			d := r(f).i
			if d == 0 {
				fail()
			}
			return val{k: vInt, i: l(f).i % d}
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

func (c *fastCompiler) builtin(x *ast.BuiltinNode) efn {
	args := make([]efn, len(x.Arguments))
	for i, a := range x.Arguments {
		args[i] = c.node(a)
		if a.Type() != tInt && x.Name != "len" {
			return c.no()
		}
	}
	switch {
	case x.Name == "len" && len(args) == 1:
		a := args[0]
		switch x.Arguments[0].Type() {
		case tList:
			return func(f *frame) val { return val{k: vInt, i: len(a(f).l)} }
		case tStr:
			return func(f *frame) val { return val{k: vInt, i: len(a(f).s)} }
		}
	case (x.Name == "max" || x.Name == "min") && len(args) > 0:
		isMax := x.Name == "max"
		return func(f *frame) val {
			best := args[0](f).i
			for _, a := range args[1:] {
				if v := a(f).i; (isMax && v > best) || (!isMax && v < best) {
					best = v
				}
			}
			return val{k: vInt, i: best}
		}
	}
	return c.no()
}

// call compiles a function call: the comparisons and arithmetic the
// operators on dates and decimals became, the typed parameter reads, and
// any other function through its Go implementation (impls).
func (c *fastCompiler) call(x *ast.CallNode) efn {
	id, ok := x.Callee.(*ast.IdentifierNode)
	if !ok {
		return c.no()
	}
	name := id.Value
	if strings.HasPrefix(name, "_p_") || strings.HasPrefix(name, "_pa_") {
		return c.param(x, strings.HasPrefix(name, "_pa_"))
	}
	args := make([]efn, len(x.Arguments))
	for i, a := range x.Arguments {
		args[i] = c.node(a)
	}
	if !c.ok {
		return nil
	}
	if len(args) == 2 && x.Arguments[0].Type() == dateType && x.Arguments[1].Type() == dateType {
		if cmp := dateCompare(name); cmp != nil {
			a, b := args[0], args[1]
			return func(f *frame) val { return val{k: vBool, b: cmp(a(f).t.Compare(b(f).t))} }
		}
	}
	switch name {
	case "is_set":
		a := args[0]
		return func(f *frame) val { return val{k: vBool, b: !a(f).t.IsZero()} }
	case "no_date":
		return constant(val{k: vDate})
	case "period_end":
		a, n := args[0], args[1]
		return func(f *frame) val { return val{k: vDate, t: a(f).t.PeriodEnd(n(f).i)} }
	case "add_days":
		a, n := args[0], args[1]
		return func(f *frame) val { return val{k: vDate, t: a(f).t.AddDays(n(f).i)} }
	case "add_months":
		a, n := args[0], args[1]
		return func(f *frame) val { return val{k: vDate, t: a(f).t.AddMonths(n(f).i)} }
	case "_dec_add", "_dec_sub", "_dec_mul", "_dec_div":
		a, b := args[0], args[1]
		op := decArith(name)
		return func(f *frame) val { return val{k: vDec, d: op(asDec(a(f)), asDec(b(f)))} }
	case "_dec_lt", "_dec_le", "_dec_gt", "_dec_ge", "_dec_eq", "_dec_ne":
		a, b := args[0], args[1]
		cmp := dateCompare("_date" + strings.TrimPrefix(name, "_dec"))
		return func(f *frame) val { return val{k: vBool, b: cmp(asDec(a(f)).Cmp(asDec(b(f))))} }
	case "_int_div":
		a, b := args[0], args[1]
		return func(f *frame) val {
			d := b(f).i
			if d == 0 {
				fail()
			}
			return val{k: vDec, d: decimal.NewFromInt(int64(a(f).i)).DivRound(decimal.NewFromInt(int64(d)), DivisionPlaces)}
		}
	case "round_half_up", "round_bank", "round_down", "round_up":
		a, n := args[0], args[1]
		round := map[string]func(decimal.Decimal, int32) decimal.Decimal{
			"round_half_up": decimal.Decimal.Round, "round_bank": decimal.Decimal.RoundBank,
			"round_down": decimal.Decimal.RoundDown, "round_up": decimal.Decimal.RoundUp}[name]
		return func(f *frame) val { return val{k: vDec, d: round(a(f).d, int32(n(f).i))} }
	case "dec_min", "dec_max":
		a, b := args[0], args[1]
		pick := decimal.Min
		if name == "dec_max" {
			pick = decimal.Max
		}
		return func(f *frame) val { return val{k: vDec, d: pick(a(f).d, b(f).d)} }
	case "ceil_div":
		a, b := args[0], args[1]
		return func(f *frame) val {
			n, d := a(f).i, b(f).i
			if d <= 0 {
				fail()
			}
			if n <= 0 {
				return val{k: vInt, i: -((-n) / d)}
			}
			return val{k: vInt, i: (n + d - 1) / d}
		}
	case "month_sum":
		m, from, to := args[0], args[1], args[2]
		return func(f *frame) val { return val{k: vInt, i: monthSum(m(f).m, from(f).t, to(f).t)} }
	case "latest", "earliest":
		a, b := args[0], args[1]
		later := name == "latest"
		return func(f *frame) val {
			x, y := a(f).t, b(f).t
			if (later && y.After(x)) || (!later && y.Before(x)) {
				x = y
			}
			return val{k: vDate, t: x}
		}
	case "latest_on_or_before":
		ds, d := args[0], args[1]
		return func(f *frame) val { return val{k: vDate, t: latestOnOrBefore(ds(f).ds, d(f).t)} }
	case "start_of_year":
		a := args[0]
		return func(f *frame) val { return val{k: vDate, t: mkDate(a(f).t.Year(), 1, 1)} }
	case "end_of_year":
		a := args[0]
		return func(f *frame) val { return val{k: vDate, t: mkDate(a(f).t.Year(), 12, 31)} }
	case "dec":
		if x.Arguments[0].Type() == tInt {
			a := args[0]
			return func(f *frame) val { return val{k: vDec, d: decimal.NewFromInt(int64(a(f).i))} }
		}
		if s, ok := x.Arguments[0].(*ast.StringNode); ok {
			d, err := decimal.NewFromString(s.Value)
			if err != nil {
				return c.no() // the VM reports it
			}
			return constant(val{k: vDec, d: d})
		}
	}
	impl, ok := impls[name]
	if !ok || len(args) > len(frame{}.args) {
		return c.no()
	}
	types := make([]reflect.Type, len(args))
	for i, a := range x.Arguments {
		types[i] = a.Type()
		if _, ok := kindOf(types[i]); !ok {
			return c.no()
		}
	}
	return func(f *frame) val {
		// All arguments first: one may be a call that uses f.args too.
		var vs [len(frame{}.args)]val
		for i, a := range args {
			vs[i] = a(f)
		}
		in := f.args[:len(args)]
		for i := range in {
			in[i] = box(vs[i])
		}
		out, err := impl(in...)
		clear(in)
		if err != nil {
			fail()
		}
		v, ok := unbox(out)
		if !ok {
			fail()
		}
		return v
	}
}

// asDec is an int or decimal operand as a decimal.
func asDec(v val) decimal.Decimal {
	if v.k == vInt {
		return decimal.NewFromInt(int64(v.i))
	}
	return v.d
}

// decArith is the decimal operation behind an arithmetic operator; a
// division by zero gives up (the VM reports it).
func decArith(name string) func(a, b decimal.Decimal) decimal.Decimal {
	switch name {
	case "_dec_add":
		return decimal.Decimal.Add
	case "_dec_sub":
		return decimal.Decimal.Sub
	case "_dec_mul":
		return decimal.Decimal.Mul
	}
	return func(a, b decimal.Decimal) decimal.Decimal {
		if b.IsZero() {
			fail()
		}
		return a.DivRound(b, DivisionPlaces)
	}
}

func dateCompare(name string) func(int) bool {
	switch name {
	case "_date_lt":
		return func(c int) bool { return c < 0 }
	case "_date_le":
		return func(c int) bool { return c <= 0 }
	case "_date_gt":
		return func(c int) bool { return c > 0 }
	case "_date_ge":
		return func(c int) bool { return c >= 0 }
	case "_date_eq":
		return func(c int) bool { return c == 0 }
	case "_date_ne":
		return func(c int) bool { return c != 0 }
	}
	return nil
}

// param compiles a parameter read the folding left (param_at, or a
// parameter without a value on the stretch): typed, from the view.
func (c *fastCompiler) param(x *ast.CallNode, at bool) efn {
	if (at && len(x.Arguments) != 3) || (!at && len(x.Arguments) != 2) {
		return c.no()
	}
	idxNode, ok := x.Arguments[1].(*ast.IntegerNode)
	if !ok {
		return c.no()
	}
	idx := idxNode.Value
	var when efn
	if at {
		when = c.node(x.Arguments[2])
	}
	if !c.ok {
		return nil
	}
	return func(f *frame) val {
		var v Value
		var err error
		if at {
			v, err = f.view.getAt(idx, when(f).t)
		} else {
			v, err = f.view.get(idx)
		}
		if err != nil {
			fail()
		}
		out, _ := unbox(v.goValue())
		return out
	}
}

// goValue is v as expressions see it, sharing a list (expressions never
// change one).
func (v Value) goValue() any {
	if v.kind == KindList {
		return v.list
	}
	return v.Any()
}
