package wijkwerken

import (
	"errors"
	"fmt"
	"reflect"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker/nature"
	"github.com/shopspring/decimal"
)

var (
	decimalType = reflect.TypeOf(decimal.Decimal{})
	dateType    = reflect.TypeOf(Date{})
)

// DivisionPlaces is the number of decimal places a decimal division in a
// rule keeps (rounded half up). Rules that divide money round the result
// explicitly afterwards; this only bounds the intermediate value.
const DivisionPlaces = 12

// baseOptions are the expr options every area compiles with: the typed
// environment, the expression limits, no clock, and the shared functions
// and operators.
func baseOptions(rb *Rulebook, env any, pp *paramPatcher) []expr.Option {
	opts := make([]expr.Option, 0, len(sharedOptions)+4)
	// The environment is described to expr by the struct a pointer points
	// to, not the pointer: expr then resolves every field to its index at
	// compile time (OpLoadField) instead of looking it up by name on every
	// run.
	if v := reflect.ValueOf(env); v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct {
		env = v.Elem().Interface()
	}
	opts = append(opts,
		expr.Env(env),
		expr.MaxNodes(MaxExpressionNodes),
		expr.Patch(pp),
	)
	return append(opts, sharedOptions...)
}

// paramPatcher rewrites param("id") and param_at("id", d) into calls of the
// typed accessor for the parameter's kind, with the parameter's index, so
// that rules are type-checked against the parameter's kind and read it
// without a lookup by name.
type paramPatcher struct {
	rb *Rulebook
	// fold, when not zero, is the first day of a stretch in which no
	// parameter the rule reads changes: param("id") becomes the value in
	// force then, a constant in the compiled program.
	fold Date
	// reads collects the parameters the rule reads with param().
	reads []int
}

var kindSuffix = map[Kind]string{KindInteger: "int", KindDecimal: "dec", KindDate: "date", KindString: "str", KindList: "list", KindBool: "bool"}

func (p *paramPatcher) Visit(n *ast.Node) {
	call, at, ok := paramCall(*n)
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
	idx, ok := p.rb.paramIdx[s.Value]
	if !ok {
		return
	}
	if !at {
		p.reads = append(p.reads, idx)
		if !p.fold.IsZero() {
			if pv, ok := p.rb.params[s.Value].At(p.fold); ok {
				ast.Patch(n, &ast.ConstantNode{Value: pv.Value.Any()})
				return
			}
		}
	}
	name := "_p_" + kindSuffix[p.rb.params[s.Value].Kind]
	args := []ast.Node{&ast.IdentifierNode{Value: "_params"}, &ast.IntegerNode{Value: idx}}
	if at {
		name = "_pa_" + kindSuffix[p.rb.params[s.Value].Kind]
		args = append(args, call.Arguments[1])
	}
	ast.Patch(n, &ast.CallNode{Callee: &ast.IdentifierNode{Value: name}, Arguments: args})
}

// errNoValue is returned by a parameter read on a date outside the
// parameter's timeline.
type paramMissingError struct {
	ID   string
	Date Date
}

func (e *paramMissingError) Error() string {
	if e.Date.IsZero() {
		return fmt.Sprintf("parameter %s has no value in force on the decision date", e.ID)
	}
	return fmt.Sprintf("parameter %s has no value in force on %s", e.ID, e.Date)
}

func (v *paramView) get(idx int) (Value, error) {
	val := v.vals[idx]
	if val.kind == KindInvalid {
		d := Date{}
		if v.trace != nil {
			d = v.date
		}
		return val, &paramMissingError{ID: v.rb.paramOrder[idx], Date: d}
	}
	if v.trace != nil {
		v.trace.record(v.rb, idx, v.date)
	}
	return val, nil
}

func (v *paramView) getAt(idx int, d Date) (Value, error) {
	p := v.rb.params[v.rb.paramOrder[idx]]
	pv, ok := p.At(d)
	if !ok {
		return Value{}, &paramMissingError{ID: p.ID, Date: d}
	}
	if v.trace != nil {
		v.trace.record(v.rb, idx, d)
	}
	return pv.Value, nil
}

func accessor(kind Kind, conv func(Value) any) (get, getAt func(args ...any) (any, error)) {
	get = func(args ...any) (any, error) {
		val, err := args[0].(*paramView).get(args[1].(int))
		if err != nil {
			return nil, err
		}
		return conv(val), nil
	}
	getAt = func(args ...any) (any, error) {
		val, err := args[0].(*paramView).getAt(args[1].(int), args[2].(Date))
		if err != nil {
			return nil, err
		}
		return conv(val), nil
	}
	return get, getAt
}

func paramFunctions() []expr.Option {
	type acc struct {
		kind       Kind
		conv       func(Value) any
		sig, sigAt any
	}
	accs := []acc{
		{KindInteger, func(v Value) any { return v.i }, new(func(*paramView, int) int), new(func(*paramView, int, Date) int)},
		{KindDecimal, func(v Value) any { return v.dec }, new(func(*paramView, int) decimal.Decimal), new(func(*paramView, int, Date) decimal.Decimal)},
		{KindDate, func(v Value) any { return v.date }, new(func(*paramView, int) Date), new(func(*paramView, int, Date) Date)},
		{KindString, func(v Value) any { return v.s }, new(func(*paramView, int) string), new(func(*paramView, int, Date) string)},
		// Lists are shared, never copied: expressions cannot modify a slice.
		{KindList, func(v Value) any { return v.list }, new(func(*paramView, int) []string), new(func(*paramView, int, Date) []string)},
		{KindBool, func(v Value) any { return v.b }, new(func(*paramView, int) bool), new(func(*paramView, int, Date) bool)},
	}
	var opts []expr.Option
	for _, a := range accs {
		get, getAt := accessor(a.kind, a.conv)
		opts = append(opts,
			function("_p_"+kindSuffix[a.kind], get, a.sig),
			function("_pa_"+kindSuffix[a.kind], getAt, a.sigAt))
	}
	return opts
}

var errDivZero = errors.New("division by zero")

// decPair converts a pair of operands (decimal or int, as the overloads
// allow) to decimals.
func decPair(args []any) (decimal.Decimal, decimal.Decimal) {
	return toDec(args[0]), toDec(args[1])
}

func toDec(a any) decimal.Decimal {
	switch x := a.(type) {
	case decimal.Decimal:
		return x
	case int:
		return decimal.NewFromInt(int64(x))
	}
	return decimal.Decimal{}
}

func decSigs[R any]() []any {
	return []any{
		new(func(decimal.Decimal, decimal.Decimal) R),
		new(func(decimal.Decimal, int) R),
		new(func(int, decimal.Decimal) R),
	}
}

func decFn(name string, f func(a, b decimal.Decimal) (any, error), sigs []any) expr.Option {
	return function(name, func(args ...any) (any, error) {
		a, b := decPair(args)
		return f(a, b)
	}, sigs...)
}

func dateCmp(name string, f func(c int) bool) expr.Option {
	return function(name, func(args ...any) (any, error) {
		return f(args[0].(Date).Compare(args[1].(Date))), nil
	}, new(func(Date, Date) bool))
}

func decCmp(name string, f func(c int) bool) expr.Option {
	return decFn(name, func(a, b decimal.Decimal) (any, error) { return f(a.Cmp(b)), nil }, decSigs[bool]())
}

func fn1[A, R any](name string, f func(A) R) expr.Option {
	return function(name, func(args ...any) (any, error) {
		return f(args[0].(A)), nil
	}, new(func(A) R))
}

func fn2[A, B, R any](name string, f func(A, B) R) expr.Option {
	return function(name, func(args ...any) (any, error) {
		return f(args[0].(A), args[1].(B)), nil
	}, new(func(A, B) R))
}

// sharedOptions holds the functions and operators every rule may use; see
// the expression reference in README.md. It is built once and never changed.
var sharedOptions = buildSharedOptions()

func buildSharedOptions() []expr.Option {
	opts := []expr.Option{
		expr.DisableBuiltin("now"),
		expr.DisableBuiltin("duration"),
		expr.DisableBuiltin("timezone"),
	}
	opts = append(opts, paramFunctions()...)
	opts = append(opts,
		// Decimal arithmetic: + - * / on decimals, and decimals with ints.
		decFn("_dec_add", func(a, b decimal.Decimal) (any, error) { return a.Add(b), nil }, decSigs[decimal.Decimal]()),
		decFn("_dec_sub", func(a, b decimal.Decimal) (any, error) { return a.Sub(b), nil }, decSigs[decimal.Decimal]()),
		decFn("_dec_mul", func(a, b decimal.Decimal) (any, error) { return a.Mul(b), nil }, decSigs[decimal.Decimal]()),
		decFn("_dec_div", func(a, b decimal.Decimal) (any, error) {
			if b.IsZero() {
				return nil, errDivZero
			}
			return a.DivRound(b, DivisionPlaces), nil
		}, decSigs[decimal.Decimal]()),
		// Whole numbers divide exactly, into a decimal: expr would give a
		// float64, and no float touches a rule's value.
		function("_int_div", func(args ...any) (any, error) {
			a, b := args[0].(int), args[1].(int)
			if b == 0 {
				return nil, errDivZero
			}
			return decimal.NewFromInt(int64(a)).DivRound(decimal.NewFromInt(int64(b)), DivisionPlaces), nil
		}, new(func(int, int) decimal.Decimal)),
		decCmp("_dec_lt", func(c int) bool { return c < 0 }),
		decCmp("_dec_le", func(c int) bool { return c <= 0 }),
		decCmp("_dec_gt", func(c int) bool { return c > 0 }),
		decCmp("_dec_ge", func(c int) bool { return c >= 0 }),
		decCmp("_dec_eq", func(c int) bool { return c == 0 }),
		decCmp("_dec_ne", func(c int) bool { return c != 0 }),
		dateCmp("_date_lt", func(c int) bool { return c < 0 }),
		dateCmp("_date_le", func(c int) bool { return c <= 0 }),
		dateCmp("_date_gt", func(c int) bool { return c > 0 }),
		dateCmp("_date_ge", func(c int) bool { return c >= 0 }),
		dateCmp("_date_eq", func(c int) bool { return c == 0 }),
		dateCmp("_date_ne", func(c int) bool { return c != 0 }),
		expr.Operator("+", "_dec_add"),
		expr.Operator("-", "_dec_sub"),
		expr.Operator("*", "_dec_mul"),
		expr.Operator("/", "_dec_div", "_int_div"),
		expr.Operator("<", "_dec_lt", "_date_lt"),
		expr.Operator("<=", "_dec_le", "_date_le"),
		expr.Operator(">", "_dec_gt", "_date_gt"),
		expr.Operator(">=", "_dec_ge", "_date_ge"),
		expr.Operator("==", "_dec_eq", "_date_eq"),
		expr.Operator("!=", "_dec_ne", "_date_ne"),

		// Decimals.
		function("dec", func(args ...any) (any, error) {
			switch x := args[0].(type) {
			case int:
				return decimal.NewFromInt(int64(x)), nil
			case string:
				d, err := decimal.NewFromString(x)
				if err != nil {
					return nil, fmt.Errorf("dec(%q): not a decimal number", x)
				}
				return d, nil
			}
			return nil, fmt.Errorf("dec: want an int or a string")
		}, new(func(string) decimal.Decimal), new(func(int) decimal.Decimal)),
		fn2("round_half_up", func(d decimal.Decimal, places int) decimal.Decimal { return d.Round(int32(places)) }),
		fn2("round_bank", func(d decimal.Decimal, places int) decimal.Decimal { return d.RoundBank(int32(places)) }),
		fn2("round_down", func(d decimal.Decimal, places int) decimal.Decimal { return d.RoundDown(int32(places)) }),
		fn2("round_up", func(d decimal.Decimal, places int) decimal.Decimal { return d.RoundUp(int32(places)) }),
		fn2("dec_min", func(a, b decimal.Decimal) decimal.Decimal { return decimal.Min(a, b) }),
		fn2("dec_max", func(a, b decimal.Decimal) decimal.Decimal { return decimal.Max(a, b) }),
		fn1("ceil_int", func(d decimal.Decimal) int { return int(d.Ceil().IntPart()) }),

		// Integers.
		function("ceil_div", func(args ...any) (any, error) {
			a, b := args[0].(int), args[1].(int)
			if b <= 0 {
				return nil, fmt.Errorf("ceil_div: divisor %d must be positive", b)
			}
			if a <= 0 {
				return -((-a) / b), nil
			}
			return (a + b - 1) / b, nil
		}, new(func(int, int) int)),

		// Dates.
		function("parse_date", func(args ...any) (any, error) {
			return ParseDate(args[0].(string))
		}, new(func(string) Date)),
		fn2("add_days", func(d Date, n int) Date { return d.AddDays(n) }),
		fn2("add_months", func(d Date, n int) Date { return d.AddMonths(n) }),
		fn2("period_end", func(d Date, n int) Date { return d.PeriodEnd(n) }),
		fn2("days_between", func(a, b Date) int { return a.DaysUntil(b) }),
		fn1("year", func(d Date) int { return d.Year() }),
		fn1("month", func(d Date) int { return int(d.Month()) }),
		fn1("month_key", func(d Date) string { return d.MonthKey() }),
		fn1("start_of_month", func(d Date) Date { return d.StartOfMonth() }),
		fn1("end_of_month", func(d Date) Date { return d.EndOfMonth() }),
		fn1("is_set", func(d Date) bool { return !d.IsZero() }),
		function("no_date", func(args ...any) (any, error) { return Date{}, nil }, new(func() Date)),
		fn1("start_of_year", func(d Date) Date { return mkDate(d.Year(), 1, 1) }),
		fn1("end_of_year", func(d Date) Date { return mkDate(d.Year(), 12, 31) }),
		fn2("latest", func(a, b Date) Date {
			if a.After(b) {
				return a
			}
			return b
		}),
		fn2("earliest", func(a, b Date) Date {
			if a.Before(b) {
				return a
			}
			return b
		}),
		function("latest_on_or_before", func(args ...any) (any, error) {
			return latestOnOrBefore(args[0].([]Date), args[1].(Date)), nil
		}, new(func([]Date, Date) Date)),
		function("month_sum", func(args ...any) (any, error) {
			return monthSum(args[0].(map[string]int), args[1].(Date), args[2].(Date)), nil
		}, new(func(map[string]int, Date, Date) int)),
	)
	return opts
}

// latestOnOrBefore returns the latest date of ds on or before d (the zero
// Date when none is).
func latestOnOrBefore(ds []Date, d Date) Date {
	var best Date
	for _, x := range ds {
		if !x.After(d) && x.After(best) {
			best = x
		}
	}
	return best
}

// monthSum adds the values of months (keyed "YYYY-MM") from the month of
// from to the month of to, inclusive.
func monthSum(m map[string]int, from, to Date) int {
	lo, hi := from.MonthKey(), to.MonthKey()
	total := 0
	for k, v := range m {
		if k >= lo && k <= hi {
			total += v
		}
	}
	return total
}

// impls are the Go functions behind every expression function, by name, for
// the compiled fast path (fast.go). Filled once, as sharedOptions is built;
// never changed after.
var impls = map[string]func(args ...any) (any, error){}

// function registers an expression function with expr and in impls.
func function(name string, fn func(args ...any) (any, error), types ...any) expr.Option {
	impls[name] = fn
	return expr.Function(name, fn, types...)
}
