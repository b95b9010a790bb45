package dossier

import (
	"fmt"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/internal/suggest"
	"github.com/shopspring/decimal"
)

// UnmarshalJSON decodes one JSON document into v (a pointer to a struct of
// the case's kinds of fields: structs and pointers to them, strings, bools,
// ints, decimals, dates, lists and maps of those), in one pass and
// strictly, as the YAML reader is: field names match their json tags
// exactly; an unknown field (with a "did you mean"), a field or map key
// given twice, a value of the wrong type, null for the document, and
// anything after the document but white space are errors. The error is a
// *CaseError whose field is the dotted path of the field at fault (path
// names the document itself, "case"; "" names the fields by their names
// alone, and the document by "") and whose position is the line and column
// in data.
//
// It is what DecodeJSON and the bulk stream's lines are read with.
func UnmarshalJSON(data []byte, v any, path string) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("dossier.UnmarshalJSON: want a non-nil pointer, not %T", v)
	}
	p, err := planOf(rv.Type().Elem())
	if err != nil {
		return err
	}
	d := decoders.Get().(*jsonDecoder)
	defer d.release()
	d.data = data
	if hasCase(p) {
		d.block = new(caseBlock)
	}
	if path != "" { // else fields at the top are named by their names alone
		d.push(path, 0)
	}
	d.skipSpace()
	switch {
	case d.i == len(data):
		d.fail("no JSON value (an empty document)")
	case p.kind == pStruct && data[d.i] != '{':
		d.fail("want an object of fields, got %s", d.describe())
	case d.value(p, rv.UnsafePointer()):
		d.skipSpace()
		if d.i < len(data) {
			switch data[d.i] {
			case '{', '[':
				d.fail("a second JSON value after the first: give one per document (a line holds one object)")
			default:
				d.fail("unexpected %s after the JSON value", d.describe())
			}
		}
	}
	if d.err != nil {
		return &CaseError{Fields: []FieldError{*d.err}}
	}
	return nil
}

// pathStep is one step down the document: a field (or map key) by name,
// or an item of a list by index.
type pathStep struct {
	name string // "" for an item of a list
	idx  int
}

// path spells out where the decoder is, for an error: case.person.income,
// case.trajectory.evaluations[0].
func (d *jsonDecoder) path() string {
	var b strings.Builder
	for _, st := range d.stack {
		if st.name == "" {
			b.WriteString("[" + strconv.Itoa(st.idx) + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(st.name)
	}
	return b.String()
}

func (d *jsonDecoder) push(name string, idx int) { d.stack = append(d.stack, pathStep{name, idx}) }
func (d *jsonDecoder) pop()                      { d.stack = d.stack[:len(d.stack)-1] }

// jsonDecoder reads one document; the first problem stops it.
type jsonDecoder struct {
	data  []byte
	i     int
	err   *FieldError
	stack []pathStep
	// block holds the parts of the case being decoded, allocated together
	// (nil when the document is no case).
	block *caseBlock
}

var decoders = sync.Pool{New: func() any { return &jsonDecoder{stack: make([]pathStep, 0, 8)} }}

func (d *jsonDecoder) release() {
	*d = jsonDecoder{stack: d.stack[:0]}
	decoders.Put(d)
}

// caseBlock is a case and every part it may point to, allocated at once:
// decoding a case then allocates once for all its parts.
type caseBlock struct {
	used       uint16
	c          Case
	person     Person
	household  Household
	trajectory Trajectory
	request    Request
	organiser  Organiser
	cheque     Cheque
	purchase   Purchase
	cs         CommunityService
}

// part returns the block's value of type t, for a pointer field of the
// case to point to (nil for another type).
func (b *caseBlock) part(t reflect.Type) unsafe.Pointer {
	i, p := b.slot(t)
	if p == nil || b.used&(1<<i) != 0 {
		return nil // each part once
	}
	b.used |= 1 << i
	return p
}

func (b *caseBlock) slot(t reflect.Type) (int, unsafe.Pointer) {
	switch t {
	case caseType:
		return 0, unsafe.Pointer(&b.c)
	case personType:
		return 1, unsafe.Pointer(&b.person)
	case householdType:
		return 2, unsafe.Pointer(&b.household)
	case trajectoryType:
		return 3, unsafe.Pointer(&b.trajectory)
	case requestType:
		return 4, unsafe.Pointer(&b.request)
	case organiserType:
		return 5, unsafe.Pointer(&b.organiser)
	case chequeType:
		return 6, unsafe.Pointer(&b.cheque)
	case purchaseType:
		return 7, unsafe.Pointer(&b.purchase)
	case csType:
		return 8, unsafe.Pointer(&b.cs)
	}
	return 0, nil
}

var (
	caseType       = reflect.TypeFor[Case]()
	personType     = reflect.TypeFor[Person]()
	householdType  = reflect.TypeFor[Household]()
	trajectoryType = reflect.TypeFor[Trajectory]()
	requestType    = reflect.TypeFor[Request]()
	organiserType  = reflect.TypeFor[Organiser]()
	chequeType     = reflect.TypeFor[Cheque]()
	purchaseType   = reflect.TypeFor[Purchase]()
	csType         = reflect.TypeFor[CommunityService]()
)

// fail records a problem at the current position and returns false.
func (d *jsonDecoder) fail(format string, args ...any) bool {
	if d.err == nil {
		line, col := 1, 1
		for _, b := range d.data[:min(d.i, len(d.data))] {
			if b == '\n' {
				line, col = line+1, 1
			} else {
				col++
			}
		}
		d.err = &FieldError{Field: d.path(), Pos: wk.Position{Line: line, Column: col}, Msg: fmt.Sprintf(format, args...)}
	}
	return false
}

func (d *jsonDecoder) skipSpace() {
	if d.i < len(d.data) && d.data[d.i] > ' ' {
		return // the common case: no space
	}
	for d.i < len(d.data) {
		switch d.data[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// describe names what is at the current position, for an error.
func (d *jsonDecoder) describe() string {
	if d.i >= len(d.data) {
		return "end of input"
	}
	switch c := d.data[d.i]; {
	case c == '{':
		return "an object"
	case c == '[':
		return "a list"
	case c == '"':
		return "a string"
	case c == 't' || c == 'f':
		return "a bool"
	case c == 'n':
		return "null"
	case c == '-' || (c >= '0' && c <= '9'):
		return "a number"
	case c < 0x20 || c >= 0x80:
		return fmt.Sprintf("character %q", rune(c))
	default:
		return fmt.Sprintf("character %q", c)
	}
}

// literal consumes word (true, false, null) when it is next.
func (d *jsonDecoder) literal(word string) bool {
	if len(d.data)-d.i >= len(word) && string(d.data[d.i:d.i+len(word)]) == word {
		end := d.i + len(word)
		if end == len(d.data) || !isWordByte(d.data[end]) {
			d.i = end
			return true
		}
	}
	return false
}

func isWordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_'
}

// kinds of values a plan decodes.
type planKind uint8

const (
	pString planKind = iota
	pBool
	pInt
	pDecimal
	pDate
	pStruct
	pPointer
	pSlice
	pMap
)

// special marks the types the decoder reads by a path of their own.
type special uint8

const (
	notSpecial special = iota
	isStrings
	isDates
	isInts
	isHours
)

// plan is how to decode a Go type, computed once per type.
type plan struct {
	kind planKind
	typ  reflect.Type
	// special says which of the types with a path of their own it is
	// (decided once: comparing reflect.Types costs an interface compare).
	special special
	fields  []planField // pStruct
	names   []string    // pStruct: the json names, for suggestions
	elem    *plan       // pPointer, pSlice, pMap (the value)
}

type planField struct {
	name string
	off  uintptr
	plan *plan
}

var (
	plans   sync.Map // reflect.Type -> *plan
	planMu  sync.Mutex
	decType = reflect.TypeFor[decimal.Decimal]()
)

func planOf(t reflect.Type) (*plan, error) {
	if p, ok := plans.Load(t); ok {
		return p.(*plan), nil
	}
	planMu.Lock()
	defer planMu.Unlock()
	building := map[reflect.Type]*plan{}
	p, err := buildPlan(t, building)
	if err != nil {
		return nil, err
	}
	plans.Store(t, p)
	return p, nil
}

func buildPlan(t reflect.Type, building map[reflect.Type]*plan) (*plan, error) {
	if p, ok := building[t]; ok {
		return p, nil
	}
	p := &plan{typ: t}
	switch t {
	case stringsType:
		p.special = isStrings
	case datesType:
		p.special = isDates
	case intsType:
		p.special = isInts
	case hoursType:
		p.special = isHours
	}
	building[t] = p
	switch {
	case t == dateType:
		p.kind = pDate
	case t == decType:
		p.kind = pDecimal
	case t.Kind() == reflect.String:
		p.kind = pString
	case t.Kind() == reflect.Bool:
		p.kind = pBool
	case t.Kind() == reflect.Int:
		p.kind = pInt
	case t.Kind() == reflect.Pointer:
		p.kind = pPointer
	case t.Kind() == reflect.Slice:
		p.kind = pSlice
	case t.Kind() == reflect.Map && t.Key().Kind() == reflect.String:
		p.kind = pMap
	case t.Kind() == reflect.Struct:
		p.kind = pStruct
		for i := range t.NumField() {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "-" || !f.IsExported() {
				continue
			}
			if name == "" {
				name = f.Name
			}
			fp, err := buildPlan(f.Type, building)
			if err != nil {
				return nil, fmt.Errorf("%v.%s: %w", t, f.Name, err)
			}
			p.fields = append(p.fields, planField{name: name, off: f.Offset, plan: fp})
			p.names = append(p.names, name)
		}
		if len(p.fields) > 64 {
			return nil, fmt.Errorf("%v: more than 64 fields", t)
		}
	default:
		return nil, fmt.Errorf("dossier.UnmarshalJSON: cannot decode into %v", t)
	}
	if p.kind == pPointer || p.kind == pSlice || p.kind == pMap {
		e, err := buildPlan(t.Elem(), building)
		if err != nil {
			return nil, err
		}
		p.elem = e
	}
	return p, nil
}

// value decodes the value at the current position into the value of plan
// p at ptr.
func (d *jsonDecoder) value(p *plan, ptr unsafe.Pointer) bool {
	d.skipSpace()
	if d.i >= len(d.data) {
		return d.fail("unexpected end of input: want a value")
	}
	if d.data[d.i] == 'n' && d.literal("null") {
		// null leaves the zero value (and a pointer, list or map nil), as
		// encoding/json does.
		switch p.kind {
		case pPointer, pSlice, pMap:
			reflect.NewAt(p.typ, ptr).Elem().SetZero()
		}
		return true
	}
	switch p.kind {
	case pString:
		s, ok := d.str()
		if ok {
			*(*string)(ptr) = s
		}
		return ok
	case pBool:
		switch {
		case d.literal("true"):
			*(*bool)(ptr) = true
		case d.literal("false"):
			*(*bool)(ptr) = false
		default:
			return d.fail("want true or false, got %s", d.describe())
		}
		return true
	case pInt:
		return d.integer(ptr)
	case pDecimal:
		return d.decimal(ptr)
	case pDate:
		start := d.i
		s, ok := d.rawString("want a date YYYY-MM-DD")
		if !ok {
			return false
		}
		date, err := parseDate(s)
		if err != nil {
			d.i = start
			return d.fail("%v", err)
		}
		*(*wk.Date)(ptr) = date
		return true
	case pStruct:
		return d.object(p, ptr)
	case pPointer:
		if d.data[d.i] == '{' || p.elem.kind != pStruct {
			var np unsafe.Pointer
			if d.block != nil {
				np = d.block.part(p.elem.typ)
			}
			if np == nil {
				np = reflect.New(p.elem.typ).UnsafePointer()
			}
			if !d.value(p.elem, np) {
				return false
			}
			*(*unsafe.Pointer)(ptr) = np
			return true
		}
		return d.fail("want a mapping of fields, got %s", d.describe())
	case pSlice:
		return d.list(p, ptr)
	case pMap:
		return d.mapping(p, ptr)
	}
	return d.fail("cannot decode into %v", p.typ)
}

func (d *jsonDecoder) object(p *plan, ptr unsafe.Pointer) bool {
	if d.data[d.i] != '{' {
		return d.fail("want a mapping of fields, got %s", d.describe())
	}
	d.i++
	var seen uint64
	next := 0 // fields come in their order more often than not: try the next one first
	for first := true; ; first = false {
		d.skipSpace()
		if d.i < len(d.data) && d.data[d.i] == '}' && first {
			d.i++
			return true
		}
		keyAt := d.i
		key, ok := d.key()
		if !ok {
			return false
		}
		fi := -1
		if next < len(p.fields) && p.fields[next].name == key {
			fi = next
		} else {
			for j := range p.fields {
				if p.fields[j].name == key {
					fi = j
					break
				}
			}
		}
		next = fi + 1
		if fi < 0 {
			key = strings.Clone(key)
			d.i = keyAt
			msg := fmt.Sprintf("unknown field %q", key)
			if s := suggest.Closest(key, p.names); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else {
				sorted := append([]string(nil), p.names...)
				sort.Strings(sorted)
				msg += " (fields: " + strings.Join(sorted, ", ") + ")"
			}
			d.push(key, 0)
			return d.fail("%s", msg)
		}
		f := &p.fields[fi]
		d.push(f.name, 0)
		if seen&(1<<fi) != 0 {
			d.i = keyAt
			return d.fail("given twice")
		}
		seen |= 1 << fi
		if !d.value(f.plan, unsafe.Add(ptr, f.off)) {
			return false
		}
		d.pop()
		if !d.next('}') {
			return false
		}
		if d.data[d.i-1] == '}' {
			return true
		}
	}
}

// key reads an object's key and the colon after it. Without escapes the
// key is a view of the input: copy it to keep it.
func (d *jsonDecoder) key() (string, bool) {
	d.skipSpace()
	if d.i >= len(d.data) || d.data[d.i] != '"' {
		return "", d.fail("want a field name in quotes, got %s", d.describe())
	}
	k, ok := d.rawString("want a field name in quotes")
	if !ok {
		return "", false
	}
	d.skipSpace()
	if d.i >= len(d.data) || d.data[d.i] != ':' {
		d.push(strings.Clone(k), 0)
		return "", d.fail("want ':' after the field name, got %s", d.describe())
	}
	d.i++
	return k, true
}

// next consumes the ',' between members or items, or the closing byte.
func (d *jsonDecoder) next(closing byte) bool {
	d.skipSpace()
	if d.i < len(d.data) {
		switch d.data[d.i] {
		case ',':
			d.i++
			return true
		case closing:
			d.i++
			return true
		}
	}
	return d.fail("want ',' or '%c', got %s", closing, d.describe())
}

func (d *jsonDecoder) list(p *plan, ptr unsafe.Pointer) bool {
	if d.data[d.i] != '[' {
		return d.fail("want a list, got %s", d.describe())
	}
	d.i++
	d.skipSpace()
	empty := d.i < len(d.data) && d.data[d.i] == ']'
	if empty {
		d.i++
	}
	switch p.special {
	case isStrings:
		return items(d, empty, (*[]string)(ptr), p)
	case isDates:
		return items(d, empty, (*[]wk.Date)(ptr), p)
	case isInts:
		return items(d, empty, (*[]int)(ptr), p)
	}
	sv := reflect.MakeSlice(p.typ, 0, 0)
	for n := 0; !empty; n++ {
		ev := reflect.New(p.elem.typ)
		d.push("", n)
		if !d.value(p.elem, ev.UnsafePointer()) {
			return false
		}
		d.pop()
		sv = reflect.Append(sv, ev.Elem())
		if !d.next(']') {
			return false
		}
		if d.data[d.i-1] == ']' {
			break
		}
	}
	reflect.NewAt(p.typ, ptr).Elem().Set(sv)
	return true
}

var (
	stringsType = reflect.TypeFor[[]string]()
	datesType   = reflect.TypeFor[[]wk.Date]()
	intsType    = reflect.TypeFor[[]int]()
	hoursType   = reflect.TypeFor[map[string]int]()
)

// items decodes the items of a list of a plain type.
func items[T any](d *jsonDecoder, empty bool, out *[]T, p *plan) bool {
	l := make([]T, 0, 2)
	for n := 0; !empty; n++ {
		var v T
		d.push("", n)
		if !d.value(p.elem, unsafe.Pointer(&v)) {
			return false
		}
		d.pop()
		l = append(l, v)
		if !d.next(']') {
			return false
		}
		if d.data[d.i-1] == ']' {
			break
		}
	}
	*out = l
	return true
}

func (d *jsonDecoder) mapping(p *plan, ptr unsafe.Pointer) bool {
	if d.data[d.i] != '{' {
		return d.fail("want a mapping, got %s", d.describe())
	}
	d.i++
	var m reflect.Value
	hours := p.special == isHours
	var hm map[string]int
	if hours {
		// As many entries as the object has colons (its values are
		// numbers): the map is made at its size.
		n := 0
		for j := d.i; j < len(d.data) && d.data[j] != '}'; j++ {
			if d.data[j] == ':' {
				n++
			}
		}
		hm = make(map[string]int, n)
	} else {
		m = reflect.MakeMap(p.typ)
	}
	for first := true; ; first = false {
		d.skipSpace()
		if d.i < len(d.data) && d.data[d.i] == '}' && first {
			d.i++
			break
		}
		keyAt := d.i
		key, ok := d.key()
		if !ok {
			return false
		}
		if month, ok := monthKey(key); ok {
			key = month
		} else {
			key = strings.Clone(key)
		}
		d.push(key, 0)
		if hours {
			var v int
			if !d.value(p.elem, unsafe.Pointer(&v)) {
				return false
			}
			n := len(hm)
			if hm[key] = v; len(hm) == n {
				d.i = keyAt
				return d.fail("given twice")
			}
		} else {
			kv := reflect.ValueOf(key).Convert(p.typ.Key())
			if m.MapIndex(kv).IsValid() {
				d.i = keyAt
				return d.fail("given twice")
			}
			ev := reflect.New(p.elem.typ)
			if !d.value(p.elem, ev.UnsafePointer()) {
				return false
			}
			m.SetMapIndex(kv, ev.Elem())
		}
		d.pop()
		if !d.next('}') {
			return false
		}
		if d.data[d.i-1] == '}' {
			break
		}
	}
	if hours {
		*(*map[string]int)(ptr) = hm
	} else {
		reflect.NewAt(p.typ, ptr).Elem().Set(m)
	}
	return true
}

// number returns the JSON number literal at the current position.
func (d *jsonDecoder) number(want string) (string, bool) {
	start := d.i
	i := d.i
	if i < len(d.data) && d.data[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(d.data) && d.data[i] >= '0' && d.data[i] <= '9' {
			i++
			n++
		}
		return n
	}
	intStart := i
	if digits() == 0 || (d.data[intStart] == '0' && i-intStart > 1) {
		return "", d.fail("%s, got %s", want, d.describe())
	}
	if i < len(d.data) && d.data[i] == '.' {
		i++
		if digits() == 0 {
			d.i = i
			return "", d.fail("a number needs digits after its '.'")
		}
	}
	if i < len(d.data) && (d.data[i] == 'e' || d.data[i] == 'E') {
		i++
		if i < len(d.data) && (d.data[i] == '+' || d.data[i] == '-') {
			i++
		}
		if digits() == 0 {
			d.i = i
			return "", d.fail("a number needs digits in its exponent")
		}
	}
	if i < len(d.data) && isWordByte(d.data[i]) {
		d.i = i
		return "", d.fail("%s, got %s", want, d.describe())
	}
	d.i = i
	return unsafe.String(&d.data[start], i-start), true
}

func (d *jsonDecoder) integer(ptr unsafe.Pointer) bool {
	start := d.i
	lit, ok := d.number("want a whole number")
	if !ok {
		return false
	}
	if n, ok := smallInt(lit); ok {
		*(*int)(ptr) = n
		return true
	}
	n, err := strconv.ParseInt(lit, 10, 64)
	if err != nil || n < math.MinInt || n > math.MaxInt {
		d.i = start
		if strings.ContainsAny(lit, ".eE") {
			return d.fail("%s is not a whole number", lit)
		}
		return d.fail("%s is out of range", lit)
	}
	*(*int)(ptr) = int(n)
	return true
}

// smallInt parses -?digits of up to 18 digits.
func smallInt(s string) (int, bool) {
	i, neg := 0, false
	if len(s) > 0 && s[0] == '-' {
		i, neg = 1, true
	}
	if len(s)-i == 0 || len(s)-i > 18 {
		return 0, false
	}
	n := 0
	for ; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

func (d *jsonDecoder) decimal(ptr unsafe.Pointer) bool {
	start := d.i
	var lit string
	if d.data[d.i] == '"' {
		// A decimal may be written as a string ("7.45"), as
		// decimal.Decimal reads it.
		s, ok := d.rawString("want a number")
		if !ok {
			return false
		}
		lit = s
	} else {
		s, ok := d.number("want a number")
		if !ok {
			return false
		}
		lit = s
	}
	dec, err := parseDecimal(lit)
	if err != nil {
		d.i = start
		return d.fail("%q is not a number", lit)
	}
	*(*decimal.Decimal)(ptr) = dec
	return true
}

// parseDate is wijkwerken.ParseDate, the same date and errors, reading the
// digits of a well-formed YYYY-MM-DD directly.
func parseDate(s string) (wk.Date, error) {
	if len(s) == 10 && s[4] == '-' && s[7] == '-' {
		ok := true
		digits := func(from, to int) int {
			v := 0
			for i := from; i < to; i++ {
				c := s[i]
				if c < '0' || c > '9' {
					ok = false
				}
				v = v*10 + int(c-'0')
			}
			return v
		}
		y, m, d := digits(0, 4), digits(5, 7), digits(8, 10)
		if ok {
			if date, err := wk.NewDate(y, time.Month(m), d); err == nil {
				return date, nil
			}
		}
	}
	return wk.ParseDate(s) // and its error
}

// parseDecimal is decimal.NewFromString, the same value and exponent,
// without its intermediate copies for a plain -ddd.ddd of up to 18 digits.
func parseDecimal(s string) (decimal.Decimal, error) {
	i, neg := 0, false
	if i < len(s) && s[i] == '-' {
		i, neg = 1, true
	}
	var m int64
	digits, exp, dot := 0, int32(0), false
	for ; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			m = m*10 + int64(c-'0')
			if digits++; digits > 18 {
				return decimal.NewFromString(s)
			}
			if dot {
				exp--
			}
		case c == '.' && !dot:
			dot = true
		default:
			return decimal.NewFromString(s)
		}
	}
	if digits == 0 || (dot && exp == 0) {
		return decimal.NewFromString(s)
	}
	if neg {
		m = -m
	}
	return decimal.New(m, exp), nil
}

// rawString reads a string for a value parsed from its text (a date, a
// decimal): without escapes it is a view of the input, not a copy.
func (d *jsonDecoder) rawString(want string) (string, bool) {
	if d.i >= len(d.data) || d.data[d.i] != '"' {
		return "", d.fail("%s, got %s", want, d.describe())
	}
	for j := d.i + 1; j < len(d.data); j++ {
		c := d.data[j]
		if !plain[c] {
			if c == '"' {
				s := ""
				if j > d.i+1 {
					s = unsafe.String(&d.data[d.i+1], j-d.i-1)
				}
				d.i = j + 1
				return s, true
			}
			break
		}
	}
	return d.str()
}

// str reads a string: escapes decoded, invalid UTF-8 replaced by U+FFFD
// (as encoding/json does), a control character refused. The enumerations'
// values are shared, not copied.
func (d *jsonDecoder) str() (string, bool) {
	if d.i >= len(d.data) || d.data[d.i] != '"' {
		return "", d.fail("want a single word or text, got %s", d.describe())
	}
	start := d.i + 1
	j := start
	for ; j < len(d.data); j++ {
		c := d.data[j]
		if plain[c] {
			continue
		}
		if c == '"' {
			b := d.data[start:j]
			d.i = j + 1
			if s, ok := interned[string(b)]; ok {
				return s, true
			}
			return string(b), true
		}
		break
	}
	// The slow way: escapes, control characters, non-ASCII.
	var b []byte
	b = append(b, d.data[start:j]...)
	for j < len(d.data) {
		c := d.data[j]
		switch {
		case c == '"':
			d.i = j + 1
			return string(b), true
		case c < 0x20:
			d.i = j
			return "", d.fail("a control character (%q) in a string: escape it", rune(c))
		case c == '\\':
			if j+1 >= len(d.data) {
				d.i = j
				return "", d.fail("unexpected end of input in a string")
			}
			switch e := d.data[j+1]; e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, n := d.unicodeEscape(j)
				if n == 0 {
					d.i = j
					return "", d.fail("an invalid \\u escape in a string")
				}
				b = utf8.AppendRune(b, r)
				j += n
				continue
			default:
				d.i = j
				return "", d.fail("an invalid escape \\%c in a string", e)
			}
			j += 2
		case c < utf8.RuneSelf:
			b = append(b, c)
			j++
		default:
			r, size := utf8.DecodeRune(d.data[j:])
			if r == utf8.RuneError && size == 1 {
				b = utf8.AppendRune(b, utf8.RuneError)
			} else {
				b = append(b, d.data[j:j+size]...)
			}
			j += size
		}
	}
	d.i = j
	return "", d.fail("unexpected end of input in a string")
}

// unicodeEscape decodes \uXXXX at j (with a following low surrogate when
// it is a high one), as encoding/json does; n is the bytes read (0 when
// invalid).
func (d *jsonDecoder) unicodeEscape(j int) (rune, int) {
	hex := func(at int) (rune, bool) {
		if at+4 > len(d.data) {
			return 0, false
		}
		v, err := strconv.ParseUint(string(d.data[at:at+4]), 16, 32)
		return rune(v), err == nil
	}
	r, ok := hex(j + 2)
	if !ok {
		return 0, 0
	}
	if utf16.IsSurrogate(r) {
		if j+12 <= len(d.data) && d.data[j+6] == '\\' && d.data[j+7] == 'u' {
			if r2, ok := hex(j + 8); ok {
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					return dec, 12
				}
			}
		}
		return utf8.RuneError, 6
	}
	return r, 6
}

// hasCase reports whether the document is a case, or has one at its top.
func hasCase(p *plan) bool {
	if p.typ == caseType {
		return true
	}
	for _, f := range p.fields {
		if f.plan.typ == caseType || (f.plan.kind == pPointer && f.plan.elem.typ == caseType) {
			return true
		}
	}
	return false
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}

// plain are the bytes a string holds as they are: not its closing quote,
// an escape, a control character or a byte of a multi-byte character.
var plain = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// monthKeys are the month keys "YYYY-MM" of the years a case's hours may
// fall in (2000-2099), in order: a decoded key equal to one shares it.
var monthKeys = func() []string {
	var m []string
	for y := 2000; y < 2100; y++ {
		for mo := 1; mo <= 12; mo++ {
			m = append(m, fmt.Sprintf("%d-%02d", y, mo))
		}
	}
	return m
}()

// monthKey returns the shared copy of the month key k, when it is one of
// monthKeys.
func monthKey(k string) (string, bool) {
	if len(k) != 7 || k[0] != '2' || k[1] != '0' || k[4] != '-' {
		return "", false
	}
	for _, i := range []int{2, 3, 5, 6} {
		if k[i] < '0' || k[i] > '9' {
			return "", false
		}
	}
	y, m := int(k[2]-'0')*10+int(k[3]-'0'), int(k[5]-'0')*10+int(k[6]-'0')
	if m < 1 || m > 12 {
		return "", false
	}
	return monthKeys[y*12+m-1], true
}

// interned are the values of the case's enumerations: a decoded string
// equal to one shares it instead of allocating its own.
var interned = func() map[string]string {
	m := map[string]string{}
	for _, l := range [][]string{regions, incomes, ocmwOptions, userTypes, buyers, ficheSigners, endReasons, exemptions} {
		for _, s := range l {
			m[s] = s
		}
	}
	return m
}()
