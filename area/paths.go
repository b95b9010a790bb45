package area

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"unsafe"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/shopspring/decimal"
)

// Kind classifies an output path: a decision the regulation takes about
// the case, the reasons that explain one, or bookkeeping derived on the
// way (hours still free). A comparison of outcomes counts the cases whose
// decisions change apart from those whose bookkeeping alone does.
type Kind string

// The kinds of output path.
const (
	// Decision: eligible, allowed hours, pay, validity, tax, placement,
	// community service, deadlines.
	Decision Kind = "decision"
	// Reasons: the reason codes behind a decision.
	Reasons Kind = "reasons"
	// Bookkeeping: a quantity derived on the way to a decision, such as
	// the hours still free in the month before a request.
	Bookkeeping Kind = "bookkeeping"
)

// Path is an output path an area's result declares with a tag on one of
// its fields (or on a field of a struct it embeds):
//
//	Allowed int `json:"allowed" path:"hours.allowed" doc:"hours that may be registered"`
//	LastDay wk.Date `path:"trajectory.last_day,null" ...`   // the zero date is null
//	Count   int `path:"hours.counted" kind:"bookkeeping" ...`
//
// A field of a pointer type, or in an embedded pointer to a struct, is
// absent from the result when the pointer is nil; reasons ([]wijkwerken.Reason)
// are given by their codes, and are absent when nil. The kind is Reasons
// for reasons, else Decision unless the tag kind: says otherwise.
type Path struct {
	Path    string `json:"path"`
	Section string `json:"area"`
	Meaning string `json:"meaning"`
	Kind    Kind   `json:"kind"`
	steps   []pathStep
	read    func(p unsafe.Pointer) (any, bool)
	json    func(b []byte, p unsafe.Pointer) ([]byte, bool)
	result  reflect.Type
}

type pathStep struct {
	off   uintptr
	deref bool
}

// Value returns the path's value in result r (a result of the type the
// path was declared on): a bool, int, string, decimal.Decimal,
// wijkwerken.Date, []string (reason codes or a list) or nil (a computed
// null). ok is false when the value is absent, or r of another type.
func (p *Path) Value(r any) (v any, ok bool) {
	ptr := p.field(r)
	if ptr == nil {
		return nil, false
	}
	return p.read(ptr)
}

// AppendJSON appends the path's value in result r as JSON, as
// encoding/json writes Value's (a date as "YYYY-MM-DD", a decimal as a
// string, reason codes as a list), without boxing it; ok is false, and b
// as it was, when the value is absent.
func (p *Path) AppendJSON(b []byte, r any) (_ []byte, ok bool) {
	ptr := p.field(r)
	if ptr == nil {
		return b, false
	}
	return p.json(b, ptr)
}

// field returns the address of the path's field in r, nil when r is not
// of the path's result type or a pointer on the way is nil.
func (p *Path) field(r any) unsafe.Pointer {
	if r == nil || reflect.TypeOf(r) != p.result {
		return nil
	}
	ptr := (*[2]unsafe.Pointer)(unsafe.Pointer(&r))[1] // the pointer r holds
	for _, st := range p.steps {
		if ptr == nil {
			return nil
		}
		ptr = unsafe.Add(ptr, st.off)
		if st.deref {
			ptr = *(*unsafe.Pointer)(ptr)
		}
	}
	return ptr
}

var (
	reasonsType = reflect.TypeFor[[]wk.Reason]()
	dateType    = reflect.TypeFor[wk.Date]()
	decType     = reflect.TypeFor[decimal.Decimal]()
)

// Paths returns the output paths the result type t (a pointer to a struct)
// declares, in field order, each in section.
func Paths(t reflect.Type, section string) ([]Path, error) {
	if t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("area: a result type must be a pointer to a struct, not %v", t)
	}
	var out []Path
	var walk func(st reflect.Type, steps []pathStep, off uintptr) error
	walk = func(st reflect.Type, steps []pathStep, off uintptr) error {
		for i := range st.NumField() {
			f := st.Field(i)
			if f.Anonymous {
				switch {
				case f.Type.Kind() == reflect.Struct:
					if err := walk(f.Type, steps, off+f.Offset); err != nil {
						return err
					}
				case f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Struct:
					inner := append(append([]pathStep(nil), steps...), pathStep{off: off + f.Offset, deref: true})
					if err := walk(f.Type.Elem(), inner, 0); err != nil {
						return err
					}
				}
				continue
			}
			tag, ok := f.Tag.Lookup("path")
			if !ok {
				continue
			}
			name, opts, _ := strings.Cut(tag, ",")
			if prefix, _, _ := strings.Cut(name, "."); prefix != section {
				return fmt.Errorf("area: %v.%s: path %s is not in area %s", st, f.Name, name, section)
			}
			read, err := reader(f.Type, opts == "null")
			if err != nil {
				return fmt.Errorf("area: %v.%s (%s): %v", st, f.Name, name, err)
			}
			js, _ := jsonWriter(f.Type)
			p := Path{Path: name, Section: section, Meaning: f.Tag.Get("doc"), Kind: Kind(f.Tag.Get("kind")), read: read, json: js, result: t,
				steps: append(append([]pathStep(nil), steps...), pathStep{off: off + f.Offset})}
			if p.Kind == "" {
				p.Kind = Decision
				if f.Type == reasonsType {
					p.Kind = Reasons
				}
			}
			out = append(out, p)
		}
		return nil
	}
	if err := walk(t.Elem(), nil, 0); err != nil {
		return nil, err
	}
	return out, nil
}

// reader reads a field of type t in place, as an output value.
func reader(t reflect.Type, null bool) (func(p unsafe.Pointer) (any, bool), error) {
	if t.Kind() == reflect.Pointer {
		inner, err := reader(t.Elem(), null)
		if err != nil {
			return nil, err
		}
		return func(p unsafe.Pointer) (any, bool) {
			if q := *(*unsafe.Pointer)(p); q != nil {
				return inner(q)
			}
			return nil, false
		}, nil
	}
	switch t {
	case reasonsType:
		return func(p unsafe.Pointer) (any, bool) {
			rs := *(*[]wk.Reason)(p)
			if rs == nil {
				return nil, false
			}
			return wk.Codes(rs), true
		}, nil
	case dateType:
		return func(p unsafe.Pointer) (any, bool) {
			d := *(*wk.Date)(p)
			if null && d.IsZero() {
				return nil, true
			}
			return d, true
		}, nil
	case decType:
		return func(p unsafe.Pointer) (any, bool) { return *(*decimal.Decimal)(p), true }, nil
	}
	switch t.Kind() {
	case reflect.Bool:
		return func(p unsafe.Pointer) (any, bool) { return *(*bool)(p), true }, nil
	case reflect.Int:
		return func(p unsafe.Pointer) (any, bool) { return *(*int)(p), true }, nil
	case reflect.String:
		return func(p unsafe.Pointer) (any, bool) { return *(*string)(p), true }, nil
	}
	if t == reflect.TypeFor[[]string]() {
		return func(p unsafe.Pointer) (any, bool) { return *(*[]string)(p), true }, nil
	}
	return nil, fmt.Errorf("type %v cannot be an output path", t)
}

// jsonWriter appends a field of type t, read in place, as JSON: what
// encoding/json writes for the value reader(t) returns (a zero date is
// null whether or not the path says so: Date marshals it so).
func jsonWriter(t reflect.Type) (func(b []byte, p unsafe.Pointer) ([]byte, bool), error) {
	if t.Kind() == reflect.Pointer {
		inner, err := jsonWriter(t.Elem())
		if err != nil {
			return nil, err
		}
		return func(b []byte, p unsafe.Pointer) ([]byte, bool) {
			if q := *(*unsafe.Pointer)(p); q != nil {
				return inner(b, q)
			}
			return b, false
		}, nil
	}
	switch t {
	case reasonsType:
		return func(b []byte, p unsafe.Pointer) ([]byte, bool) {
			rs := *(*[]wk.Reason)(p)
			if rs == nil {
				return b, false
			}
			b = append(b, '[')
			for i := range rs {
				if i > 0 {
					b = append(b, ',')
				}
				b = AppendJSONString(b, rs[i].Code)
			}
			return append(b, ']'), true
		}, nil
	case dateType:
		return func(b []byte, p unsafe.Pointer) ([]byte, bool) {
			d := *(*wk.Date)(p)
			if d.IsZero() {
				return append(b, "null"...), true
			}
			return append(appendDate(append(b, '"'), d), '"'), true
		}, nil
	case decType:
		return func(b []byte, p unsafe.Pointer) ([]byte, bool) {
			if decimal.MarshalJSONWithoutQuotes {
				return AppendDecimal(b, *(*decimal.Decimal)(p)), true
			}
			return append(AppendDecimal(append(b, '"'), *(*decimal.Decimal)(p)), '"'), true
		}, nil
	}
	switch t.Kind() {
	case reflect.Bool:
		return func(b []byte, p unsafe.Pointer) ([]byte, bool) { return strconv.AppendBool(b, *(*bool)(p)), true }, nil
	case reflect.Int:
		return func(b []byte, p unsafe.Pointer) ([]byte, bool) {
			return strconv.AppendInt(b, int64(*(*int)(p)), 10), true
		}, nil
	case reflect.String:
		return func(b []byte, p unsafe.Pointer) ([]byte, bool) { return AppendJSONString(b, *(*string)(p)), true }, nil
	}
	if t == reflect.TypeFor[[]string]() {
		return func(b []byte, p unsafe.Pointer) ([]byte, bool) {
			l := *(*[]string)(p)
			if l == nil {
				return append(b, "null"...), true
			}
			b = append(b, '[')
			for i, s := range l {
				if i > 0 {
					b = append(b, ',')
				}
				b = AppendJSONString(b, s)
			}
			return append(b, ']'), true
		}, nil
	}
	return nil, fmt.Errorf("type %v cannot be an output path", t)
}

// AppendDecimal appends d as d.String() writes it (trailing zeros of the
// fraction trimmed), without its allocations for a coefficient of up to
// 18 digits.
func AppendDecimal(b []byte, d decimal.Decimal) []byte {
	exp := d.Exponent()
	if d.NumDigits() > 18 || exp < -18 || exp > 18 {
		return append(b, d.String()...)
	}
	c := d.CoefficientInt64()
	if c < 0 {
		b = append(b, '-')
		c = -c
	}
	if exp >= 0 {
		b = strconv.AppendInt(b, c, 10)
		for range exp {
			if c == 0 {
				break // zero is "0", whatever its exponent
			}
			b = append(b, '0')
		}
		return b
	}
	pow := int64(1)
	for range -exp {
		pow *= 10
	}
	whole, frac := c/pow, c%pow
	b = strconv.AppendInt(b, whole, 10)
	if frac == 0 {
		return b
	}
	places := int(-exp)
	for frac%10 == 0 {
		frac /= 10
		places--
	}
	var digits [18]byte
	for i := places - 1; i >= 0; i-- {
		digits[i] = byte('0' + frac%10)
		frac /= 10
	}
	return append(append(b, '.'), digits[:places]...)
}

// appendDate appends d as YYYY-MM-DD, as Date.String writes it.
func appendDate(b []byte, d wk.Date) []byte {
	y, m, dd := d.Year(), int(d.Month()), d.Day()
	return append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-',
		byte('0'+m/10), byte('0'+m%10), '-', byte('0'+dd/10), byte('0'+dd%10))
}

// AppendJSONString appends s as a JSON string, byte for byte as
// encoding/json writes it (HTML characters escaped).
func AppendJSONString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if plainJSON[s[i]] {
			continue
		}
		q, _ := json.Marshal(s) // anything to escape: as encoding/json does
		return append(b, q...)
	}
	return append(append(append(b, '"'), s...), '"')
}

// plainJSON are the bytes encoding/json writes in a string as they are.
var plainJSON = func() (t [256]bool) {
	for c := 0x20; c < 0x7f; c++ {
		t[c] = c != '"' && c != '\\' && c != '<' && c != '>' && c != '&'
	}
	return t
}()
