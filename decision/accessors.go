package decision

import (
	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/shopspring/decimal"
)

// Typed accessors of the combined result, beside Get: each returns the value at an
// output path and true when the path was computed for this case and holds
// a value of that type; the zero value and false otherwise (a path not
// computed, a computed null, a path of another type). docs/contract.md
// lists every path with its type.

// GetBool returns a yes/no output ("eligibility.eligible").
func (r *Result) GetBool(path string) (bool, bool) { return typed[bool](r, path) }

// GetInt returns a whole-number output ("hours.allowed").
func (r *Result) GetInt(path string) (int, bool) { return typed[int](r, path) }

// GetDecimal returns an amount ("vouchers.allowance").
func (r *Result) GetDecimal(path string) (decimal.Decimal, bool) {
	return typed[decimal.Decimal](r, path)
}

// GetDate returns a date output ("trajectory.last_day").
func (r *Result) GetDate(path string) (wk.Date, bool) { return typed[wk.Date](r, path) }

// GetText returns a text output ("eligibility.referrer").
func (r *Result) GetText(path string) (string, bool) { return typed[string](r, path) }

// GetCodes returns the reason codes of a reasons output ("eligibility.reasons").
func (r *Result) GetCodes(path string) ([]string, bool) {
	v, ok := typed[[]string](r, path)
	return append([]string(nil), v...), ok
}

func typed[T any](r *Result, path string) (T, bool) {
	v, ok := r.Get(path)
	t, isT := v.(T)
	return t, ok && isT
}
