package area

import (
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
)

// AppendDecimal writes what decimal's String does: over signs, exponents,
// trailing zeros and coefficients up to and past 18 digits.
func TestAppendDecimalIsString(t *testing.T) {
	coefs := []int64{0, 1, 5, 10, 100, 745, 1490, 12345, 100000, 999999999999999999, 123456789012345678}
	n := 0
	for _, c := range coefs {
		for _, sign := range []int64{1, -1} {
			for exp := int32(-20); exp <= 20; exp++ {
				d := decimal.New(c*sign, exp)
				assert.Equal(t, d.String(), string(AppendDecimal(nil, d)), "%d e%d", c*sign, exp)
				n++
			}
		}
	}
	for _, s := range []string{"7.45", "0.15", "1530", "-0.005", "12345678901234567890.123", "0.000000000000000000001"} {
		d := decimal.RequireFromString(s)
		assert.Equal(t, d.String(), string(AppendDecimal(nil, d)), s)
		for _, places := range []int32{0, 2, 12} {
			q := d.DivRound(decimal.NewFromInt(3), places)
			assert.Equal(t, q.String(), string(AppendDecimal(nil, q)), "%s/3", s)
		}
	}
	assert.Greater(t, n, 800)
}
