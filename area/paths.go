package area

import (
	"fmt"
	"reflect"
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
	rv := reflect.ValueOf(r)
	if rv.Type() != p.result || rv.IsNil() {
		return nil, false
	}
	ptr := rv.UnsafePointer()
	for _, st := range p.steps {
		ptr = unsafe.Add(ptr, st.off)
		if st.deref {
			if ptr = *(*unsafe.Pointer)(ptr); ptr == nil {
				return nil, false
			}
		}
	}
	return p.read(ptr)
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
			p := Path{Path: name, Section: section, Meaning: f.Tag.Get("doc"), Kind: Kind(f.Tag.Get("kind")), read: read, result: t,
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
