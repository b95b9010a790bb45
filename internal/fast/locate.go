package fast

import (
	"fmt"
	"reflect"
	"unsafe"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/internal/fn"
	"github.com/shopspring/decimal"
)

type (
	decimalT = decimal.Decimal
	wkDate   = wk.Date
)

// Location is where a field of an environment lives: byte offsets from the
// environment struct, through the pointers on the way (named parts and
// embedded pointers alike), computed once from the types.
type Location struct {
	steps []step
	kind  fn.Kind
	// Type is the field's Go type (for an output of pointer type, the
	// pointer: Set writes through it).
	Type reflect.Type
	ptr  bool // the field is a pointer to a value of kind
}

type step struct {
	off   uintptr
	deref bool // the field at off is a pointer the next step reads through
}

// Locate finds the field that the chain of names (as rules write them:
// person.income, out.expires) reaches in environments of type env (a
// pointer to a struct). A name is a field's expr tag, else its Go name,
// found also in embedded structs and embedded pointers to structs.
func Locate(env reflect.Type, names []string) (Location, error) {
	if env.Kind() != reflect.Pointer || env.Elem().Kind() != reflect.Struct {
		return Location{}, fmt.Errorf("%v is not a pointer to a struct", env)
	}
	t := env.Elem()
	var steps []step
	var off uintptr
	for n, name := range names {
		if t.Kind() != reflect.Struct {
			return Location{}, fmt.Errorf("%s: %v has no fields", name, t)
		}
		sf, ok := ExprField(t, name)
		if !ok {
			return Location{}, fmt.Errorf("no field %s in %v", name, t)
		}
		inner := t
		for k, i := range sf.Index {
			fld := inner.Field(i)
			off += fld.Offset
			if k == len(sf.Index)-1 {
				break
			}
			switch {
			case fld.Type.Kind() == reflect.Struct:
				inner = fld.Type
			case fld.Type.Kind() == reflect.Pointer && fld.Type.Elem().Kind() == reflect.Struct:
				steps = append(steps, step{off: off, deref: true})
				off, inner = 0, fld.Type.Elem()
			default:
				return Location{}, fmt.Errorf("%s: cannot read through %v", name, fld.Type)
			}
		}
		t = sf.Type
		if n < len(names)-1 && t.Kind() == reflect.Pointer {
			steps = append(steps, step{off: off, deref: true})
			off, t = 0, t.Elem()
		}
	}
	steps = append(steps, step{off: off})
	loc := Location{steps: steps, Type: t}
	if isStructSlice(t) {
		loc.kind = fn.Structs
		return loc, nil
	}
	k, ok := fn.KindOf(t)
	if !ok && t.Kind() == reflect.Pointer {
		k, ok = fn.KindOf(t.Elem())
		loc.ptr = true
	}
	if !ok {
		return Location{}, fmt.Errorf("%v is not a type rules compute with", t)
	}
	loc.kind = k
	return loc, nil
}

// Kind is the kind of value at the location (for a pointer field, of what
// it points to).
func (l Location) Kind() fn.Kind { return l.kind }

// direct returns the field's offset in the environment when it lies in
// the environment struct itself (no pointer on the way).
func (l Location) direct() (uintptr, bool) {
	if len(l.steps) != 1 || l.steps[0].deref || l.ptr {
		return 0, false
	}
	return l.steps[0].off, true
}

// hop returns, for a field of a struct the environment points to (no
// other pointer on the way), the pointer's offset in the environment and
// the field's in the struct.
func (l Location) hop() (off1, off2 uintptr, ok bool) {
	if len(l.steps) != 2 || !l.steps[0].deref || l.steps[1].deref || l.ptr {
		return 0, 0, false
	}
	return l.steps[0].off, l.steps[1].off, true
}

// pointer returns the address of the field in the environment at base;
// nil when a pointer on the way is nil.
func (l Location) pointer(base unsafe.Pointer) unsafe.Pointer {
	p := base
	for _, st := range l.steps {
		p = unsafe.Add(p, st.off)
		if st.deref {
			if p = *(*unsafe.Pointer)(p); p == nil {
				return nil
			}
		}
	}
	if l.ptr {
		p = *(*unsafe.Pointer)(p)
	}
	return p
}

// Set stores v (of the location's kind) in the field of the frame's
// environment. A pointer field must point somewhere already (the area
// wires its parts before rules run).
func (l Location) Set(f *Frame, v fn.Val) error {
	if f.Base == nil {
		return fmt.Errorf("no environment bound")
	}
	p := l.pointer(f.Base)
	if p == nil {
		return fmt.Errorf("the output's part of the environment is nil")
	}
	switch l.kind {
	case fn.Bool:
		*(*bool)(p) = v.B
	case fn.Int:
		*(*int)(p) = v.I
	case fn.Str:
		*(*string)(p) = v.S
	case fn.Dec:
		*(*decimalT)(p) = v.D
	case fn.Date:
		*(*wkDate)(p) = v.T
	case fn.List:
		*(*[]string)(p) = v.L
	case fn.Dates:
		*(*[]wkDate)(p) = v.DS
	case fn.Map:
		*(*map[string]int)(p) = v.M
	default:
		return fmt.Errorf("cannot store a value of kind %d", l.kind)
	}
	return nil
}

// ExprField finds the field rules call name in struct t: by its expr tag,
// else its Go name, looking into embedded structs (and embedded pointers to
// structs), the shallowest match first, as Go promotes fields; a name
// matched twice at the same depth is not found. The field's Index leads to
// it from t.
func ExprField(t reflect.Type, name string) (reflect.StructField, bool) {
	type level struct {
		t     reflect.Type
		index []int
	}
	current := []level{{t: t}}
	seen := map[reflect.Type]bool{}
	for len(current) > 0 {
		var found []reflect.StructField
		var next []level
		for _, l := range current {
			if seen[l.t] {
				continue
			}
			seen[l.t] = true
			for i := range l.t.NumField() {
				f := l.t.Field(i)
				index := append(append([]int(nil), l.index...), i)
				fieldName := f.Name
				if tag := f.Tag.Get("expr"); tag != "" {
					fieldName = tag
				}
				if fieldName == name && (f.IsExported() || f.Anonymous) {
					f.Index = index
					found = append(found, f)
					continue
				}
				if f.Anonymous {
					et := f.Type
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					if et.Kind() == reflect.Struct {
						next = append(next, level{t: et, index: index})
					}
				}
			}
		}
		switch len(found) {
		case 1:
			return found[0], true
		case 0:
			current = next
		default:
			return reflect.StructField{}, false
		}
	}
	return reflect.StructField{}, false
}

// isStructSlice reports whether t is a slice of structs whose fields rules
// read (not a list of a kind of its own, such as dates).
func isStructSlice(t reflect.Type) bool {
	if _, known := fn.KindOf(t); known {
		return false
	}
	return t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.Struct
}

// LocateIn is Locate for a struct of type t reached at run time through a
// pointer (an element of a list): the chain of names from the struct.
func LocateIn(t reflect.Type, names []string) (Location, error) {
	return Locate(reflect.PointerTo(t), names)
}
