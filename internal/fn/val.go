// Package fn holds the functions rule expressions may call, each defined
// once: one typed Go implementation per function, from which both
// backends are fed — expr's VM (Options: expr.Function with the
// function's signatures) and the closure backend of package fast (Func's
// Call1/Call2/Call3: typed values, no boxing). A function added to the
// table works on both paths.
//
// Val is a value as the closure backend carries it: by kind, unboxed.
package fn

import (
	"reflect"
	"unsafe"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/shopspring/decimal"
)

// Kind is the kind of a Val.
type Kind uint8

// The kinds of values rule expressions handle.
const (
	Nil Kind = iota
	Bool
	Int
	Str
	Dec
	Date
	List
	Dates
	Map
	Ints
	// Structs is a slice of structs and Ptr a pointer to one, on the
	// closure backend only (the element type is known where the backend
	// compiled the read): the elements a rule's closure (count(list, {...}))
	// or index (list[i].field) reads.
	Structs
	Ptr
)

// Val is a value of an expression, by kind, not boxed.
type Val struct {
	K  Kind
	B  bool
	I  int
	S  string
	D  decimal.Decimal
	T  wk.Date
	L  []string
	DS []wk.Date
	M  map[string]int
	IS []int
	P  unsafe.Pointer // Structs: the first element; Ptr: the struct
	N  int            // Structs: the number of elements
}

// Box returns v as the Go value expr would have produced.
func Box(v Val) any {
	switch v.K {
	case Bool:
		return v.B
	case Int:
		return v.I
	case Str:
		return v.S
	case Dec:
		return v.D
	case Date:
		return v.T
	case List:
		return v.L
	case Dates:
		return v.DS
	case Map:
		return v.M
	case Ints:
		return v.IS
	}
	return nil
}

// Unbox converts a Go value to a Val; ok is false for a type the backend
// does not carry.
func Unbox(x any) (Val, bool) {
	switch y := x.(type) {
	case nil:
		return Val{}, true
	case bool:
		return Val{K: Bool, B: y}, true
	case int:
		return Val{K: Int, I: y}, true
	case string:
		return Val{K: Str, S: y}, true
	case decimal.Decimal:
		return Val{K: Dec, D: y}, true
	case wk.Date:
		return Val{K: Date, T: y}, true
	case []string:
		return Val{K: List, L: y}, true
	case []wk.Date:
		return Val{K: Dates, DS: y}, true
	case map[string]int:
		return Val{K: Map, M: y}, true
	case []int:
		return Val{K: Ints, IS: y}, true
	}
	return Val{}, false
}

// The Go types of the kinds.
var (
	TypeBool  = reflect.TypeFor[bool]()
	TypeInt   = reflect.TypeFor[int]()
	TypeStr   = reflect.TypeFor[string]()
	TypeDec   = reflect.TypeFor[decimal.Decimal]()
	TypeDate  = reflect.TypeFor[wk.Date]()
	TypeList  = reflect.TypeFor[[]string]()
	TypeDates = reflect.TypeFor[[]wk.Date]()
	TypeMap   = reflect.TypeFor[map[string]int]()
	TypeInts  = reflect.TypeFor[[]int]()
)

// KindOf is the kind of a static type (ok false for another type).
func KindOf(t reflect.Type) (Kind, bool) {
	switch t {
	case TypeBool:
		return Bool, true
	case TypeInt:
		return Int, true
	case TypeStr:
		return Str, true
	case TypeDec:
		return Dec, true
	case TypeDate:
		return Date, true
	case TypeList:
		return List, true
	case TypeDates:
		return Dates, true
	case TypeMap:
		return Map, true
	case TypeInts:
		return Ints, true
	}
	return 0, false
}

// AsDec is an int or decimal operand as a decimal.
func AsDec(v Val) decimal.Decimal {
	if v.K == Int {
		return decimal.NewFromInt(int64(v.I))
	}
	return v.D
}

// get extracts the Go value of type T from v (whose kind the backend
// checked against T when it compiled the call). Ints stand in for
// decimals, as expr's overloads allow.
func get[T any](v Val) T {
	var z T
	switch p := any(&z).(type) {
	case *int:
		*p = v.I
	case *bool:
		*p = v.B
	case *string:
		*p = v.S
	case *decimal.Decimal:
		*p = AsDec(v)
	case *wk.Date:
		*p = v.T
	case *[]string:
		*p = v.L
	case *[]wk.Date:
		*p = v.DS
	case *map[string]int:
		*p = v.M
	case *[]int:
		*p = v.IS
	}
	return z
}

// put wraps a Go value of type T as a Val.
func put[T any](x T) Val {
	switch y := any(&x).(type) {
	case *int:
		return Val{K: Int, I: *y}
	case *bool:
		return Val{K: Bool, B: *y}
	case *string:
		return Val{K: Str, S: *y}
	case *decimal.Decimal:
		return Val{K: Dec, D: *y}
	case *wk.Date:
		return Val{K: Date, T: *y}
	case *[]string:
		return Val{K: List, L: *y}
	case *[]wk.Date:
		return Val{K: Dates, DS: *y}
	case *map[string]int:
		return Val{K: Map, M: *y}
	case *[]int:
		return Val{K: Ints, IS: *y}
	}
	return Val{}
}
