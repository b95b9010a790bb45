package fn

import (
	"fmt"
	"reflect"
	"unsafe"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/shopspring/decimal"
)

// Frame is what the closure backend's compiled closures read: an
// environment, bound by Bind to the type the closures were compiled for,
// the evaluation's date and its parameters, and the element a closure's #
// stands for. A caller keeps one per evaluation (and may reuse it).
//
// It lives here, beside the functions, so that each function of the table
// binds itself to typed closures (Binder) with no boxing in between.
type Frame struct {
	Type   reflect.Type
	Base   unsafe.Pointer
	Date   wk.Date
	Params Params
	// The element of the innermost closure (count(list, {...})): a
	// string, an int or a pointer to a struct, by the list's type.
	ElemS string
	ElemI int
	ElemP unsafe.Pointer
	// Memo holds the decimals a rule computes more than once (the same
	// subexpression written twice), computed once per evaluation of the
	// rule: MemoSet has bit i set once Memo[i] holds its value.
	Memo    [MemoSlots]decimal.Decimal
	MemoSet uint8
}

// MemoSlots is how many repeated decimal subexpressions of a rule are
// computed once.
const MemoSlots = 4

// Params gives compiled closures the parameters they read that were not
// folded into constants, by their index in the rule set's parameter table;
// nil when the parameter has no value in force. The values are shared:
// closures only read them.
type Params interface {
	Get(idx int) *Val
	GetAt(idx int, d wk.Date) *Val
}

// Bind checks that env is a non-nil pointer of type want (the type the
// closures to run were compiled for) and binds it to the frame, with the
// date and parameters of the evaluation.
func (f *Frame) Bind(env any, want reflect.Type, date wk.Date, params Params) error {
	if t := reflect.TypeOf(env); t != want {
		f.Release()
		return fmt.Errorf("an environment of type %v, where the rules were compiled for %v", t, want)
	}
	p := (*[2]unsafe.Pointer)(unsafe.Pointer(&env))[1] // the pointer an interface holding a pointer carries
	if p == nil {
		f.Release()
		return fmt.Errorf("a nil %v environment", want)
	}
	// Field by field: the frame is reused, and its element and memo are
	// set by the closures that read them.
	f.Type, f.Base, f.Date, f.Params = want, p, date, params
	return nil
}

// Release drops the environment and parameters the frame refers to.
func (f *Frame) Release() { f.Type, f.Base, f.Params = nil, nil, nil }

// giveUp is raised (as a panic) by a closure that meets an error: the
// caller recovers it and runs the rule on expr's VM, whose error (and
// message) it reports.
type giveUp struct{}

// GiveUp stops the closures of the rule being evaluated (see giveUp).
func GiveUp() { panic(giveUp{}) }

// IsGiveUp reports whether a recovered panic is GiveUp's.
func IsGiveUp(r any) bool {
	_, ok := r.(giveUp)
	return ok
}

// A Binder is one signature of a function with its typed implementation:
// Bind takes a closure per argument, of type func(*Frame) In[i], and
// returns the closure of type func(*Frame) Out that calls the function on
// their values (GiveUp on an error).
type Binder struct {
	In   []reflect.Type
	Out  reflect.Type
	Bind func(args []any) any
}

func bind0[R any](impl func() R) Binder {
	return Binder{Out: reflect.TypeFor[R](), Bind: func([]any) any {
		return func(*Frame) R { return impl() }
	}}
}

func bind1[A, R any](impl func(A) (R, error)) Binder {
	return Binder{In: []reflect.Type{reflect.TypeFor[A]()}, Out: reflect.TypeFor[R](), Bind: func(args []any) any {
		a := args[0].(func(*Frame) A)
		return func(f *Frame) R {
			r, err := impl(a(f))
			if err != nil {
				GiveUp()
			}
			return r
		}
	}}
}

// bind1ok binds a function that cannot fail.
func bind1ok[A, R any](impl func(A) R) Binder {
	return Binder{In: []reflect.Type{reflect.TypeFor[A]()}, Out: reflect.TypeFor[R](), Bind: func(args []any) any {
		a := args[0].(func(*Frame) A)
		return func(f *Frame) R { return impl(a(f)) }
	}}
}

func bind2[A, B, R any](impl func(A, B) (R, error)) Binder {
	return Binder{In: []reflect.Type{reflect.TypeFor[A](), reflect.TypeFor[B]()}, Out: reflect.TypeFor[R](), Bind: func(args []any) any {
		a, b := args[0].(func(*Frame) A), args[1].(func(*Frame) B)
		return func(f *Frame) R {
			r, err := impl(a(f), b(f))
			if err != nil {
				GiveUp()
			}
			return r
		}
	}}
}

// bind2ok binds a function that cannot fail.
func bind2ok[A, B, R any](impl func(A, B) R) Binder {
	return Binder{In: []reflect.Type{reflect.TypeFor[A](), reflect.TypeFor[B]()}, Out: reflect.TypeFor[R](), Bind: func(args []any) any {
		a, b := args[0].(func(*Frame) A), args[1].(func(*Frame) B)
		return func(f *Frame) R { return impl(a(f), b(f)) }
	}}
}

func bind3[A, B, C, R any](impl func(A, B, C) (R, error)) Binder {
	return Binder{In: []reflect.Type{reflect.TypeFor[A](), reflect.TypeFor[B](), reflect.TypeFor[C]()}, Out: reflect.TypeFor[R](), Bind: func(args []any) any {
		a, b, c := args[0].(func(*Frame) A), args[1].(func(*Frame) B), args[2].(func(*Frame) C)
		return func(f *Frame) R {
			r, err := impl(a(f), b(f), c(f))
			if err != nil {
				GiveUp()
			}
			return r
		}
	}}
}
