package wijkwerken

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"go.yaml.in/yaml/v3"
)

// Date is a civil date (year, month, day) without time of day or time zone.
// The zero Date is "no date"; IsZero reports it. Dates compare with Before,
// After, Equal and Compare, and in rule expressions with the usual operators.
//
// Month arithmetic follows docs/contract.md: adding N months clamps to the end of
// the month (31 January + 1 month = 28 or 29 February), and a period of N
// months starting on day D ends on the day before D + N months (PeriodEnd).
type Date struct {
	// v packs the date as year<<9 | month<<5 | day, so that integer order is
	// date order and the zero value is the zero Date.
	v int32
}

const (
	minYear = 1
	maxYear = 9999
)

// NewDate returns the date year-month-day, or an error when the date does
// not exist (30 February, month 13, year 0).
func NewDate(year int, month time.Month, day int) (Date, error) {
	if year < minYear || year > maxYear {
		return Date{}, fmt.Errorf("year %d out of range %d..%d", year, minYear, maxYear)
	}
	if month < time.January || month > time.December {
		return Date{}, fmt.Errorf("month %d out of range 1..12", month)
	}
	if day < 1 || day > daysIn(year, month) {
		return Date{}, fmt.Errorf("day %d out of range for %04d-%02d (1..%d)", day, year, month, daysIn(year, month))
	}
	return mkDate(year, month, day), nil
}

// MustDate is NewDate for constants in tests and examples; it panics on an
// impossible date. Library code never calls it on input.
func MustDate(year int, month time.Month, day int) Date {
	d, err := NewDate(year, month, day)
	if err != nil {
		panic(err)
	}
	return d
}

func mkDate(year int, month time.Month, day int) Date {
	return Date{v: int32(year)<<9 | int32(month)<<5 | int32(day)}
}

// ParseDate parses a date written as YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return Date{}, &DateError{Input: s, Reason: "want YYYY-MM-DD"}
	}
	y, err1 := strconv.Atoi(s[0:4])
	m, err2 := strconv.Atoi(s[5:7])
	d, err3 := strconv.Atoi(s[8:10])
	if err1 != nil || err2 != nil || err3 != nil || s[0] == '+' || s[0] == '-' || s[5] == '+' || s[8] == '+' || s[5] == '-' || s[8] == '-' {
		return Date{}, &DateError{Input: s, Reason: "want YYYY-MM-DD"}
	}
	date, err := NewDate(y, time.Month(m), d)
	if err != nil {
		return Date{}, &DateError{Input: s, Reason: err.Error()}
	}
	return date, nil
}

// MustParseDate is ParseDate for constants in tests and examples; it panics
// on a malformed date.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DateError reports a malformed or impossible date.
type DateError struct {
	Input  string // the text as given
	Reason string // what is wrong with it
}

func (e *DateError) Error() string {
	return fmt.Sprintf("invalid date %q: %s", e.Input, e.Reason)
}

// DateOf returns the civil date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return mkDate(y, m, d)
}

// Year returns the date's year.
func (d Date) Year() int { return int(d.v >> 9) }

// Month returns the date's month.
func (d Date) Month() time.Month { return time.Month(d.v >> 5 & 0xF) }

// Day returns the date's day of the month.
func (d Date) Day() int { return int(d.v & 0x1F) }

// IsZero reports whether d is the zero Date ("no date").
func (d Date) IsZero() bool { return d.v == 0 }

// Before reports whether d is before e.
func (d Date) Before(e Date) bool { return d.v < e.v }

// After reports whether d is after e.
func (d Date) After(e Date) bool { return d.v > e.v }

// Equal reports whether d and e are the same day.
func (d Date) Equal(e Date) bool { return d.v == e.v }

// Compare returns -1, 0 or +1 as d is before, equal to or after e.
func (d Date) Compare(e Date) int {
	switch {
	case d.v < e.v:
		return -1
	case d.v > e.v:
		return 1
	}
	return 0
}

// String formats the date as YYYY-MM-DD; the zero Date prints as "".
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	var b [10]byte
	return string(d.appendTo(b[:0]))
}

func (d Date) appendTo(b []byte) []byte {
	y, m, dd := d.Year(), int(d.Month()), d.Day()
	b = append(b, byte('0'+y/1000), byte('0'+y/100%10), byte('0'+y/10%10), byte('0'+y%10), '-')
	b = append(b, byte('0'+m/10), byte('0'+m%10), '-')
	return append(b, byte('0'+dd/10), byte('0'+dd%10))
}

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time {
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC)
}

// AddDays returns the date n days after d (n may be negative).
func (d Date) AddDays(n int) Date {
	return fromDays(d.days() + n)
}

// DaysUntil returns the number of days from d to e (negative when e is
// before d).
func (d Date) DaysUntil(e Date) int { return e.days() - d.days() }

// AddMonths returns the date n months after d, clamped to the last day of
// the target month: 2024-01-31 + 1 month = 2024-02-29.
func (d Date) AddMonths(n int) Date {
	total := d.Year()*12 + int(d.Month()-1) + n
	y, m := total/12, time.Month(total%12+1)
	if total < 0 {
		y, m = (total-11)/12, time.Month((total%12+12)%12+1)
	}
	day := d.Day()
	if dim := daysIn(y, m); day > dim {
		day = dim
	}
	return mkDate(y, m, day)
}

// PeriodEnd returns the last day of a period of n months starting on d: the
// day before d + n months (docs/contract.md). A 12-month period starting on
// 2024-03-01 ends on 2025-02-28.
func (d Date) PeriodEnd(months int) Date {
	return d.AddMonths(months).AddDays(-1)
}

// MonthKey returns the date's month as "YYYY-MM".
func (d Date) MonthKey() string { return d.String()[:7] }

// StartOfMonth returns the first day of d's month.
func (d Date) StartOfMonth() Date { return mkDate(d.Year(), d.Month(), 1) }

// EndOfMonth returns the last day of d's month.
func (d Date) EndOfMonth() Date {
	return mkDate(d.Year(), d.Month(), daysIn(d.Year(), d.Month()))
}

// MarshalText implements encoding.TextMarshaler (YYYY-MM-DD).
func (d Date) MarshalText() ([]byte, error) { return d.appendTo(nil), nil }

// UnmarshalText implements encoding.TextUnmarshaler (YYYY-MM-DD).
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// MarshalJSON writes "YYYY-MM-DD", or null for the zero Date.
func (d Date) MarshalJSON() ([]byte, error) {
	if d.IsZero() {
		return []byte("null"), nil
	}
	b := make([]byte, 0, 12)
	b = append(b, '"')
	b = d.appendTo(b)
	return append(b, '"'), nil
}

// UnmarshalJSON reads "YYYY-MM-DD"; null leaves the zero Date.
func (d *Date) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*d = Date{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &DateError{Input: string(b), Reason: "want a string YYYY-MM-DD"}
	}
	return d.UnmarshalText([]byte(s))
}

// MarshalYAML writes the date as YYYY-MM-DD.
func (d Date) MarshalYAML() (any, error) {
	if d.IsZero() {
		return nil, nil
	}
	return d.String(), nil
}

// UnmarshalYAML reads YYYY-MM-DD; the error names the line.
func (d *Date) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return fmt.Errorf("line %d: want a date YYYY-MM-DD", n.Line)
	}
	if n.Tag == "!!null" {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(n.Value)
	if err != nil {
		return fmt.Errorf("line %d: %w", n.Line, err)
	}
	*d = v
	return nil
}

func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if isLeap(y) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// days returns the day number of d counted from 1970-01-01 (proleptic
// Gregorian; Howard Hinnant's days_from_civil).
func (d Date) days() int {
	y, m, dd := d.Year(), int(d.Month()), d.Day()
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + dd - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func fromDays(z int) Date {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return mkDate(y, time.Month(m), d)
}
