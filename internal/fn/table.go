package fn

import (
	"fmt"
	"math"
	"reflect"
	"slices"
	"time"

	"github.com/expr-lang/expr"
	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/shopspring/decimal"
)

// DivisionPlaces is the number of decimal places a decimal division in a
// rule keeps (rounded half up). Rules that divide money round the result
// explicitly afterwards; this only bounds the intermediate value.
const DivisionPlaces = 12

// A Func is an expression function: its name, its signatures and one Go
// implementation, reached from expr's VM through Call and from the closure
// backend through the typed CallN of its arity.
type Func struct {
	Name string
	// Sigs are the signatures, as expr.Function takes them
	// (new(func(int, int) int)); a function with several overloads has one
	// each.
	Sigs []any
	// Call is the implementation as expr's VM calls it.
	Call func(args ...any) (any, error)
	// Arity is the number of arguments; the one of Call0..Call3 that
	// matches it is set.
	Arity int
	Call0 func() (Val, error)
	Call1 func(a Val) (Val, error)
	Call2 func(a, b Val) (Val, error)
	Call3 func(a, b, c Val) (Val, error)
	// Binders are the typed implementations the closure backend calls,
	// one per signature it binds directly (an int where a decimal is
	// taken is converted by the backend, as expr's overloads allow).
	Binders []Binder
}

// Accepts reports whether the function has a signature for arguments of
// the given static types (the closure backend compiles a call only then).
func (f *Func) Accepts(args []reflect.Type) bool {
	for _, s := range f.Sigs {
		t := reflect.TypeOf(s).Elem()
		if t.NumIn() != len(args) {
			continue
		}
		ok := true
		for i := range args {
			ok = ok && t.In(i) == args[i]
		}
		if ok {
			return true
		}
	}
	return false
}

func sig[F any]() any { return new(F) }

func fn0[R any](name string, impl func() R) Func {
	return Func{Name: name, Sigs: []any{sig[func() R]()}, Arity: 0,
		Call:    func(...any) (any, error) { return impl(), nil },
		Call0:   func() (Val, error) { return put(impl()), nil },
		Binders: []Binder{bind0(impl)}}
}

func fn1[A, R any](name string, impl func(A) (R, error)) Func {
	return Func{Name: name, Sigs: []any{sig[func(A) R]()}, Arity: 1,
		Call: func(args ...any) (any, error) { return impl(args[0].(A)) },
		Call1: func(a Val) (Val, error) {
			r, err := impl(get[A](a))
			return put(r), err
		},
		Binders: []Binder{bind1(impl)}}
}

func fn2[A, B, R any](name string, impl func(A, B) (R, error)) Func {
	return Func{Name: name, Sigs: []any{sig[func(A, B) R]()}, Arity: 2,
		Call: func(args ...any) (any, error) { return impl(args[0].(A), args[1].(B)) },
		Call2: func(a, b Val) (Val, error) {
			r, err := impl(get[A](a), get[B](b))
			return put(r), err
		},
		Binders: []Binder{bind2(impl)}}
}

func fn3[A, B, C, R any](name string, impl func(A, B, C) (R, error)) Func {
	return Func{Name: name, Sigs: []any{sig[func(A, B, C) R]()}, Arity: 3,
		Call: func(args ...any) (any, error) { return impl(args[0].(A), args[1].(B), args[2].(C)) },
		Call3: func(a, b, c Val) (Val, error) {
			r, err := impl(get[A](a), get[B](b), get[C](c))
			return put(r), err
		},
		Binders: []Binder{bind3(impl)}}
}

// fn1ok and fn2ok are fn1 and fn2 for a function that cannot fail: its
// closures call it directly.
func fn1ok[A, R any](name string, impl func(A) R) Func {
	f := fn1(name, func(a A) (R, error) { return impl(a), nil })
	f.Binders = []Binder{bind1ok(impl)}
	return f
}

func fn2ok[A, B, R any](name string, impl func(A, B) R) Func {
	f := fn2(name, func(a A, b B) (R, error) { return impl(a, b), nil })
	f.Binders = []Binder{bind2ok(impl)}
	return f
}

// decOp is an operator overload on decimals, and on a decimal with an int
// on either side.
func decOp[R any](name string, impl func(a, b decimal.Decimal) (R, error)) Func {
	f := fn2(name, impl)
	f.Sigs = []any{sig[func(decimal.Decimal, decimal.Decimal) R](), sig[func(decimal.Decimal, int) R](), sig[func(int, decimal.Decimal) R]()}
	f.Call = func(args ...any) (any, error) { return impl(toDec(args[0]), toDec(args[1])) }
	return f
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

// ErrDivZero is a division by zero in a rule.
var ErrDivZero = wk.ErrDivZero

// ErrOverflow is whole-number arithmetic in a rule whose result does not
// fit in an int: an error, never a wrapped number.
var ErrOverflow = wk.ErrOverflow

// AddInt, SubInt, MulInt and NegInt are a rule's whole-number + - * and
// unary -, refusing a result that does not fit.
func AddInt(a, b int) (int, error) {
	c := a + b
	if (c > a) != (b > 0) {
		return 0, ErrOverflow
	}
	return c, nil
}

func SubInt(a, b int) (int, error) {
	c := a - b
	if (c < a) != (b > 0) {
		return 0, ErrOverflow
	}
	return c, nil
}

func MulInt(a, b int) (int, error) {
	if a == 0 || b == 0 {
		return 0, nil
	}
	c := a * b
	if c/b != a || (a == -1 && b == math.MinInt) || (b == -1 && a == math.MinInt) {
		return 0, ErrOverflow
	}
	return c, nil
}

func NegInt(a int) (int, error) {
	if a == math.MinInt {
		return 0, ErrOverflow
	}
	return -a, nil
}

// ErrDateRange is date arithmetic in a rule that leaves the civil dates
// (year 1 to 9999).
var ErrDateRange = wk.ErrDateRange

// inRange refuses a date computed from d that left the civil dates: date
// arithmetic on the zero Date stays zero, anything else must keep a year
// from 1 to 9999.
func inRange(from, d wk.Date, years int) (wk.Date, error) {
	if from.IsZero() {
		return d, nil
	}
	if years < 1 || years > 9999 {
		return wk.Date{}, ErrDateRange
	}
	return d, nil
}

// yearsAfter is the year reached from d after n months (without building a
// date that may not exist).
func yearsAfter(d wk.Date, months int) int {
	total := d.Year()*12 + int(d.Month()) - 1
	if months > 0 && total > math.MaxInt/2-months || months < 0 && months < -math.MaxInt/2 {
		return -1
	}
	total += months
	if total < 0 {
		return 0
	}
	return total / 12
}

func addMonths(d wk.Date, n int) (wk.Date, error) {
	if d.IsZero() {
		return d.AddMonths(n), nil
	}
	if y := yearsAfter(d, n); y < 1 || y > 9999 {
		return wk.Date{}, ErrDateRange
	}
	return d.AddMonths(n), nil
}

// periodEnd is the day before add_months(d, n): a period of twelve months
// from 9999-01-01 ends on 9999-12-31 although its next day does not exist.
func periodEnd(d wk.Date, n int) (wk.Date, error) {
	if d.IsZero() {
		return d.AddMonths(n).AddDays(-1), nil
	}
	if y := yearsAfter(d, n); y < 1 || y > 10000 {
		return wk.Date{}, ErrDateRange
	}
	e := d.AddMonths(n).AddDays(-1)
	return inRange(d, e, e.Year())
}

func addDays(d wk.Date, n int) (wk.Date, error) {
	if d.IsZero() {
		return d.AddDays(n), nil
	}
	// 10 000 years are fewer than 3.7 million days.
	if n > 4_000_000 || n < -4_000_000 {
		return wk.Date{}, ErrDateRange
	}
	e := d.AddDays(n)
	y := e.Year()
	if e.Before(wk.MustDate(1, 1, 1)) || e.After(wk.MustDate(9999, 12, 31)) {
		y = 0
	}
	return inRange(d, e, y)
}

// decCmp is a comparison of decimals (and of a decimal with an int).
func decCmp(name string, impl func(a, b decimal.Decimal) bool) Func {
	f := decOp(name, func(a, b decimal.Decimal) (bool, error) { return impl(a, b), nil })
	f.Binders = []Binder{bind2ok(impl)}
	return f
}

// yearDate is day month of d's year (the zero Date for the zero Date).
func yearDate(d wk.Date, month time.Month, day int) wk.Date {
	out, err := wk.NewDate(d.Year(), month, day)
	if err != nil {
		return wk.Date{}
	}
	return out
}

// LatestOnOrBefore returns the latest date of ds on or before d (the zero
// Date when none is).
func LatestOnOrBefore(ds []wk.Date, d wk.Date) wk.Date {
	var best wk.Date
	for _, x := range ds {
		if !x.After(d) && x.After(best) {
			best = x
		}
	}
	return best
}

// MonthSum adds the values of months (keyed "YYYY-MM") from the month of
// from to the month of to, inclusive.
func MonthSum(m map[string]int, from, to wk.Date) int {
	if from.IsZero() || to.IsZero() {
		return monthSumSlow(m, from, to)
	}
	// The keys compare as the strings Date.MonthKey makes, built on the
	// stack (a decision sums months often).
	var lo, hi [7]byte
	monthKey(&lo, from)
	monthKey(&hi, to)
	if lo == hi {
		return m[string(lo[:])] // one month: the one key between lo and hi
	}
	total := 0
	for k, v := range m {
		if k >= string(lo[:]) && k <= string(hi[:]) {
			total += v
		}
	}
	return total
}

// monthSumSlow is MonthSum through Date.MonthKey, for a zero date (whose
// key MonthKey cannot make).
func monthSumSlow(m map[string]int, from, to wk.Date) int {
	lo, hi := from.MonthKey(), to.MonthKey()
	total := 0
	for k, v := range m {
		if k >= lo && k <= hi {
			total += v
		}
	}
	return total
}

// monthKey writes d's "YYYY-MM" into b, byte for byte as Date.MonthKey
// does (for a date that is not zero).
func monthKey(b *[7]byte, d wk.Date) {
	y, m := d.Year(), int(d.Month())
	b[0], b[1], b[2], b[3] = byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10)
	b[4], b[5], b[6] = '-', byte('0'+m/10), byte('0'+m%10)
}

// Table is every expression function, by the name rules call it with (the
// operator overloads start with an underscore). It is built once and
// never changed.
var Table = func() map[string]*Func {
	funcs := []Func{
		// Decimal arithmetic: + - * / on decimals, and decimals with ints.
		decOp("_dec_add", func(a, b decimal.Decimal) (decimal.Decimal, error) { return a.Add(b), nil }),
		decOp("_dec_sub", func(a, b decimal.Decimal) (decimal.Decimal, error) { return a.Sub(b), nil }),
		decOp("_dec_mul", func(a, b decimal.Decimal) (decimal.Decimal, error) { return a.Mul(b), nil }),
		decOp("_dec_div", func(a, b decimal.Decimal) (decimal.Decimal, error) {
			if b.IsZero() {
				return decimal.Decimal{}, ErrDivZero
			}
			return a.DivRound(b, DivisionPlaces), nil
		}),
		// Whole numbers divide exactly, into a decimal: expr would give a
		// float64, and no float touches a rule's value.
		fn2("_int_div", func(a, b int) (decimal.Decimal, error) {
			if b == 0 {
				return decimal.Decimal{}, ErrDivZero
			}
			return decimal.NewFromInt(int64(a)).DivRound(decimal.NewFromInt(int64(b)), DivisionPlaces), nil
		}),
		decCmp("_dec_lt", decimal.Decimal.LessThan), decCmp("_dec_le", decimal.Decimal.LessThanOrEqual),
		decCmp("_dec_gt", decimal.Decimal.GreaterThan), decCmp("_dec_ge", decimal.Decimal.GreaterThanOrEqual),
		decCmp("_dec_eq", decimal.Decimal.Equal), decCmp("_dec_ne", func(a, b decimal.Decimal) bool { return !a.Equal(b) }),
		fn2ok("_date_lt", wk.Date.Before), fn2ok("_date_le", func(a, b wk.Date) bool { return !a.After(b) }),
		fn2ok("_date_gt", wk.Date.After), fn2ok("_date_ge", func(a, b wk.Date) bool { return !a.Before(b) }),
		fn2ok("_date_eq", wk.Date.Equal), fn2ok("_date_ne", func(a, b wk.Date) bool { return !a.Equal(b) }),

		// Decimals.
		decFunc(),
		fn2ok("round_half_up", func(d decimal.Decimal, places int) decimal.Decimal { return d.Round(int32(places)) }),
		fn2ok("round_bank", func(d decimal.Decimal, places int) decimal.Decimal { return d.RoundBank(int32(places)) }),
		fn2ok("round_down", func(d decimal.Decimal, places int) decimal.Decimal { return d.RoundDown(int32(places)) }),
		fn2ok("round_up", func(d decimal.Decimal, places int) decimal.Decimal { return d.RoundUp(int32(places)) }),
		fn2ok("dec_min", func(a, b decimal.Decimal) decimal.Decimal { return decimal.Min(a, b) }),
		fn2ok("dec_max", func(a, b decimal.Decimal) decimal.Decimal { return decimal.Max(a, b) }),
		fn1ok("ceil_int", func(d decimal.Decimal) int { return int(d.Ceil().IntPart()) }),

		// Integers.
		fn2("ceil_div", func(a, b int) (int, error) {
			if b <= 0 {
				return 0, fmt.Errorf("ceil_div: divisor %d must be positive", b)
			}
			q := a / b // rounds toward zero; up for a positive remainder
			if a%b > 0 {
				q++
			}
			return q, nil
		}),
		fn2("_int_add", AddInt), fn2("_int_sub", SubInt), fn2("_int_mul", MulInt), fn1("_int_neg", NegInt),

		// Dates.
		fn1("parse_date", wk.ParseDate),
		fn2("add_days", addDays),
		fn2("add_months", addMonths),
		fn2("period_end", periodEnd),
		fn2ok("days_between", func(a, b wk.Date) int { return a.DaysUntil(b) }),
		fn1ok("year", func(d wk.Date) int { return d.Year() }),
		fn1ok("month", func(d wk.Date) int { return int(d.Month()) }),
		fn1ok("month_key", func(d wk.Date) string { return d.MonthKey() }),
		fn1ok("start_of_month", func(d wk.Date) wk.Date { return d.StartOfMonth() }),
		fn1ok("end_of_month", func(d wk.Date) wk.Date { return d.EndOfMonth() }),
		fn1ok("is_set", func(d wk.Date) bool { return !d.IsZero() }),
		fn0("no_date", func() wk.Date { return wk.Date{} }),
		fn1ok("start_of_year", func(d wk.Date) wk.Date { return yearDate(d, 1, 1) }),
		fn1ok("end_of_year", func(d wk.Date) wk.Date { return yearDate(d, 12, 31) }),
		fn2ok("latest", func(a, b wk.Date) wk.Date {
			if a.After(b) {
				return a
			}
			return b
		}),
		fn2ok("earliest", func(a, b wk.Date) wk.Date {
			if a.Before(b) {
				return a
			}
			return b
		}),
		fn2ok("latest_on_or_before", LatestOnOrBefore),
		fn3("month_sum", func(m map[string]int, from, to wk.Date) (int, error) { return MonthSum(m, from, to), nil }),
	}
	t := make(map[string]*Func, len(funcs))
	for i := range funcs {
		t[funcs[i].Name] = &funcs[i]
	}
	return t
}()

// decFunc is dec(x): a decimal from an int or from its text.
func decFunc() Func {
	parse := func(s string) (decimal.Decimal, error) {
		d, err := decimal.NewFromString(s)
		if err != nil {
			return decimal.Decimal{}, fmt.Errorf("dec(%.40q): not a decimal number", s)
		}
		if err := wk.CheckDecimal(d); err != nil {
			return decimal.Decimal{}, fmt.Errorf("dec(%.40q): %v", s, err)
		}
		return d, nil
	}
	f := fn1("dec", parse)
	f.Sigs = []any{sig[func(string) decimal.Decimal](), sig[func(int) decimal.Decimal]()}
	f.Call = func(args ...any) (any, error) {
		switch x := args[0].(type) {
		case int:
			return decimal.NewFromInt(int64(x)), nil
		case string:
			return parse(x)
		}
		return nil, fmt.Errorf("dec: want an int or a string")
	}
	f.Call1 = func(a Val) (Val, error) {
		if a.K == Int {
			return Val{K: Dec, D: decimal.NewFromInt(int64(a.I))}, nil
		}
		d, err := parse(a.S)
		return Val{K: Dec, D: d}, err
	}
	f.Binders = []Binder{bind1(parse), bind1ok(func(i int) decimal.Decimal { return decimal.NewFromInt(int64(i)) })}
	return f
}

// operators maps each operator to the overloads that implement it on
// decimals and dates.
var operators = [][]string{
	{"+", "_dec_add"}, {"-", "_dec_sub"}, {"*", "_dec_mul"}, {"/", "_dec_div", "_int_div"},
	{"<", "_dec_lt", "_date_lt"}, {"<=", "_dec_le", "_date_le"}, {">", "_dec_gt", "_date_gt"},
	{">=", "_dec_ge", "_date_ge"}, {"==", "_dec_eq", "_date_eq"}, {"!=", "_dec_ne", "_date_ne"},
}

// Options are the expr options that declare every function of the table
// and the operators on decimals and dates, with the clock disabled: a
// decision depends only on its inputs and its date. Built once.
var Options = func() []expr.Option {
	opts := []expr.Option{
		expr.DisableBuiltin("now"),
		expr.DisableBuiltin("duration"),
		expr.DisableBuiltin("timezone"),
	}
	names := make([]string, 0, len(Table))
	for name := range Table {
		names = append(names, name)
	}
	slices.Sort(names) // a stable order for expr
	for _, name := range names {
		f := Table[name]
		opts = append(opts, expr.Function(name, f.Call, f.Sigs...))
	}
	for _, op := range operators {
		opts = append(opts, expr.Operator(op[0], op[1:]...))
	}
	return opts
}()
