package wijkwerken

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"
)

// Errors a rule's evaluation stops with; a RuleError wraps them, so that
// errors.Is(err, ErrOverflow) tells a caller what went wrong.
var (
	// ErrDivZero is a division by zero in a rule.
	ErrDivZero = errors.New("division by zero")
	// ErrOverflow is whole-number arithmetic in a rule whose result does
	// not fit in an int: an error, never a wrapped number.
	ErrOverflow = errors.New("integer overflow")
	// ErrDateRange is date arithmetic in a rule that leaves the civil
	// dates (years 1 to 9999).
	ErrDateRange = errors.New("date out of range (years 1 to 9999)")
)

// DefaultWorkBudget is the most work, in steps, the rules of one decision
// may take unless the host sets another with Rulebook.WithWorkBudget. A
// step is an iteration of a closure over a list or range, or an element of
// a list or map a function walks; what each rule can iterate over is bounded
// when it compiles (case lists by dossier.MaxListItems, ranges by their
// bounds, parameter lists by their values), so an engine refuses to load
// rules that could take more, naming the rule and its file:line. The
// reference rules may take up to 6 000 together (most of it walks of case
// lists no real case fills); the rest is what a reform may add, about the
// cost of one decision, so that no reform can slow a host by more than
// about two times.
const DefaultWorkBudget = 8_000

// MaxDecimalDigits bounds a decimal in a rulebook, a reform, a rule's
// dec("...") and a case: at most this many significant digits, and an
// exponent within ±MaxDecimalDigits (no value below 1e-40 or above 1e80).
// Exact arithmetic on a decimal costs with its digits: 1e-1000000000 would
// make one rounding run for minutes.
const MaxDecimalDigits = 40

// CheckDecimal reports a decimal beyond MaxDecimalDigits, nil otherwise.
func CheckDecimal(d decimal.Decimal) error {
	if n := d.NumDigits(); n > MaxDecimalDigits {
		return fmt.Errorf("%d digits: at most %d", n, MaxDecimalDigits)
	}
	if e := d.Exponent(); e > MaxDecimalDigits || e < -MaxDecimalDigits {
		return fmt.Errorf("exponent %d: at most %d either way", e, MaxDecimalDigits)
	}
	return nil
}

// Limits on a rule's expression, checked before it is parsed, so that a
// broken or hostile rulebook or reform cannot exhaust the parser (expr's
// parser recurses once per level of nesting).
const (
	// MaxExpressionLength is the longest expression a rule may have, in
	// bytes.
	MaxExpressionLength = 16 << 10
	// MaxExpressionDepth is the deepest nesting of parentheses, brackets
	// and braces an expression may have.
	MaxExpressionDepth = 64
)

// CheckExpressionSize reports an expression over MaxExpressionLength bytes
// or nested deeper than MaxExpressionDepth, with the 0-based offset where
// the limit is passed; nil when it is within both.
func CheckExpressionSize(src string) (offset int, err error) {
	if len(src) > MaxExpressionLength {
		return MaxExpressionLength, fmt.Errorf("the expression is %d bytes long; at most %d", len(src), MaxExpressionLength)
	}
	depth := 0
	var quote byte
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case c == '(' || c == '[' || c == '{':
			if depth++; depth > MaxExpressionDepth {
				return i, fmt.Errorf("the expression nests deeper than %d levels of parentheses, brackets and braces", MaxExpressionDepth)
			}
		case c == ')' || c == ']' || c == '}':
			depth--
		}
	}
	return 0, nil
}
