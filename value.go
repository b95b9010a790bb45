package wijkwerken

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Kind is the type of a parameter's values.
type Kind uint8

// The kinds of parameter values. In rule expressions an integer is an int,
// a decimal a decimal.Decimal, a date a Date, a string a string, a list a
// []string and a bool a bool.
const (
	KindInvalid Kind = iota
	KindInteger
	KindDecimal
	KindDate
	KindString
	KindList
	KindBool
)

var kindNames = [...]string{"invalid", "integer", "decimal", "date", "string", "list", "bool"}

// String returns the kind's name as written in rulebook files.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// ParseKind reads a kind as written in rulebook files (integer, decimal,
// date, string, list, bool).
func ParseKind(s string) (Kind, error) {
	for i, n := range kindNames {
		if i > 0 && n == s {
			return Kind(i), nil
		}
	}
	return KindInvalid, fmt.Errorf("unknown type %q (want one of %s)", s, strings.Join(kindNames[1:], ", "))
}

// MarshalText writes the kind's name.
func (k Kind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// Value is one value of a parameter: an integer, decimal, date, string,
// string list or bool. The zero Value is invalid ("no value").
type Value struct {
	kind Kind
	i    int
	b    bool
	date Date
	s    string
	dec  decimal.Decimal
	list []string
}

// IntValue returns an integer Value.
func IntValue(i int) Value { return Value{kind: KindInteger, i: i} }

// DecimalValue returns a decimal Value.
func DecimalValue(d decimal.Decimal) Value { return Value{kind: KindDecimal, dec: d} }

// DateValue returns a date Value.
func DateValue(d Date) Value { return Value{kind: KindDate, date: d} }

// StringValue returns a string Value.
func StringValue(s string) Value { return Value{kind: KindString, s: s} }

// ListValue returns a string-list Value; the slice is copied.
func ListValue(l []string) Value {
	return Value{kind: KindList, list: append([]string(nil), l...)}
}

// BoolValue returns a bool Value.
func BoolValue(b bool) Value { return Value{kind: KindBool, b: b} }

// Kind returns the value's kind; KindInvalid for the zero Value.
func (v Value) Kind() Kind { return v.kind }

// Int returns an integer value (0 for other kinds).
func (v Value) Int() int { return v.i }

// Decimal returns a decimal value; an integer value is converted.
func (v Value) Decimal() decimal.Decimal {
	if v.kind == KindInteger {
		return decimal.NewFromInt(int64(v.i))
	}
	return v.dec
}

// Date returns a date value.
func (v Value) Date() Date { return v.date }

// Str returns a string value.
func (v Value) Str() string { return v.s }

// List returns a copy of a string-list value.
func (v Value) List() []string { return append([]string(nil), v.list...) }

// Bool returns a bool value.
func (v Value) Bool() bool { return v.b }

// Any returns the value as the Go type rule expressions see.
func (v Value) Any() any {
	switch v.kind {
	case KindInteger:
		return v.i
	case KindDecimal:
		return v.dec
	case KindDate:
		return v.date
	case KindString:
		return v.s
	case KindList:
		return v.List()
	case KindBool:
		return v.b
	}
	return nil
}

// String formats the value as written in rulebook files.
func (v Value) String() string {
	switch v.kind {
	case KindInteger:
		return strconv.Itoa(v.i)
	case KindDecimal:
		return v.dec.String()
	case KindDate:
		return v.date.String()
	case KindString:
		return v.s
	case KindList:
		return "[" + strings.Join(v.list, ", ") + "]"
	case KindBool:
		return strconv.FormatBool(v.b)
	}
	return "<no value>"
}

// Equal reports whether v and w are the same value of the same kind.
func (v Value) Equal(w Value) bool {
	if v.kind != w.kind {
		return false
	}
	switch v.kind {
	case KindDecimal:
		return v.dec.Equal(w.dec)
	case KindList:
		if len(v.list) != len(w.list) {
			return false
		}
		for i := range v.list {
			if v.list[i] != w.list[i] {
				return false
			}
		}
		return true
	}
	return v.i == w.i && v.b == w.b && v.date == w.date && v.s == w.s
}

// MarshalJSON writes the value as JSON: decimals as strings (exact), dates
// as "YYYY-MM-DD".
func (v Value) MarshalJSON() ([]byte, error) {
	switch v.kind {
	case KindDecimal:
		return json.Marshal(v.dec.String())
	case KindInvalid:
		return []byte("null"), nil
	}
	return json.Marshal(v.Any())
}

// ParseValue reads a value of kind k from its text form. Lists are written
// as comma-separated items.
func ParseValue(k Kind, s string) (Value, error) {
	switch k {
	case KindInteger:
		i, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			return Value{}, fmt.Errorf("%q is not an integer", s)
		}
		return IntValue(i), nil
	case KindDecimal:
		d, err := decimal.NewFromString(strings.TrimSpace(s))
		if err != nil {
			return Value{}, fmt.Errorf("%q is not a decimal number", s)
		}
		if err := CheckDecimal(d); err != nil {
			return Value{}, fmt.Errorf("%.40q: %v", s, err)
		}
		return DecimalValue(d), nil
	case KindDate:
		d, err := ParseDate(strings.TrimSpace(s))
		if err != nil {
			return Value{}, err
		}
		return DateValue(d), nil
	case KindString:
		return StringValue(s), nil
	case KindList:
		var items []string
		for _, it := range strings.Split(s, ",") {
			if it = strings.TrimSpace(it); it != "" {
				items = append(items, it)
			}
		}
		return ListValue(items), nil
	case KindBool:
		b, err := strconv.ParseBool(strings.TrimSpace(s))
		if err != nil {
			return Value{}, fmt.Errorf("%q is not true or false", s)
		}
		return BoolValue(b), nil
	}
	return Value{}, fmt.Errorf("cannot parse a value of kind %s", k)
}
