package wijkwerken_test

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Values no decision can work with are load errors at their line, in the
// reform that sets them: a zero divisor, a negative duration, a share
// above one; and one parameter set twice from one date.
func TestReformValuesOutOfBounds(t *testing.T) {
	rb, err := wk.Reference()
	require.NoError(t, err)
	rf, err := wk.ParseReform("bounds.yaml", []byte(`reform: bounds
cite: test
set:
  - param: hours.counting_unit_minutes
    from: 2024-01-01
    value: 0
  - param: trajectory.max_months
    from: 2024-01-01
    value: -1200000
  - param: vouchers.tax_rate
    from: 2024-01-01
    value: 1.5
  - param: hours.per_month_max
    from: 2024-01-01
    value: 70
  - param: hours.per_month_max
    from: 2024-01-01
    value: 80
  - param: hours.per_year_max
    from: 2024-01-01
    value: 700
`))
	require.NoError(t, err)
	_, err = rb.Reform(rf)
	var le *wk.LoadError
	require.ErrorAs(t, err, &le)
	got := map[int]string{}
	for _, p := range le.Problems {
		assert.Equal(t, "bounds.yaml", p.Pos.File)
		got[p.Pos.Line] = p.ID + ": " + p.Msg
	}
	assert.Len(t, got, 4, "%v", got)
	assert.Contains(t, got[4], "hours.counting_unit_minutes: value 0 (from 2024-01-01) is below the minimum 1")
	assert.Contains(t, got[7], "trajectory.max_months: value -1200000 (from 2024-01-01) is below the minimum 1")
	assert.Contains(t, got[10], "vouchers.tax_rate: value 1.5 (from 2024-01-01) is above the maximum 1")
	assert.Contains(t, got[16], "set twice in this reform (first at line 13)")
}

// Every bounded parameter of the reference holds values within its bounds,
// and bounds are read from the rulebook files like any key.
func TestParameterBounds(t *testing.T) {
	rb, err := wk.Reference()
	require.NoError(t, err)
	p, ok := rb.Parameter("hours.counting_unit_minutes")
	require.True(t, ok)
	require.NotNil(t, p.Min)
	assert.Equal(t, 1, p.Min.Int())

	for _, tc := range []struct{ name, param, want string }{
		{"a bound on a list", "    type: list\n    min: 1\n    values: [{from: 2018-01-01, value: [a]}]\n", "only integer, decimal and date parameters have bounds"},
		{"max below min", "    type: integer\n    min: 5\n    max: 1\n    values: [{from: 2018-01-01, value: 3}]\n", "max 1 is below min 5"},
		{"a bound of the wrong type", "    type: integer\n    min: one\n    values: [{from: 2018-01-01, value: 3}]\n", `min: "one" is not an integer`},
		{"a value below", "    type: decimal\n    min: 0.5\n    values: [{from: 2018-01-01, value: 0.25}]\n", "value 0.25 (from 2018-01-01) is below the minimum 0.5"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "parameters:\n  - id: test.p\n    cite: test\n    description: {nl: a, en: b}\n" + tc.param
			_, err := wk.Load(fstest.MapFS{"p.yaml": {Data: []byte(src)}}, "p.yaml")
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.True(t, strings.HasPrefix(err.Error(), "p.yaml:"), err.Error())
		})
	}
}

// Errors of a rule's evaluation are sentinel errors for errors.Is.
func TestEvaluationErrorsAreSentinels(t *testing.T) {
	for _, err := range []error{wk.ErrDivZero, wk.ErrOverflow, wk.ErrDateRange} {
		re := &wk.RuleError{Err: err}
		assert.True(t, errors.Is(re, err))
	}
}

func TestMessageIn(t *testing.T) {
	r := wk.Reason{Code: "c", Message: wk.Text{NL: "Niet in Vlaanderen.", EN: "Not in Flanders."}}
	assert.Equal(t, "Niet in Vlaanderen.", r.MessageIn("nl"))
	assert.Equal(t, "Not in Flanders.", r.MessageIn("en"))
	assert.Equal(t, "Not in Flanders.", r.MessageIn("fr"), "English for any other language")
	assert.Equal(t, "Only Dutch.", wk.Text{NL: "Only Dutch."}.In("en"), "the other language when there is none")
}

// A decimal whose exact arithmetic would run without end is refused where
// it is written: a parameter value of a reform, a dec() of a rule.
func TestDecimalsBounded(t *testing.T) {
	rb, err := wk.Reference()
	require.NoError(t, err)
	for _, tc := range []struct{ name, reform, want string }{
		{"a tiny parameter value", "set:\n  - {param: vouchers.travel_per_km, from: 2024-01-01, value: 1e-9000}\n", "exponent -9000"},
		{"a parameter value of 41 digits", "set:\n  - {param: vouchers.travel_per_km, from: 2024-01-01, value: 0." + strings.Repeat("1", 41) + "}\n", "41 digits: at most 40"},
		{"a dec() of a rule", "replace_rules:\n  - id: eligibility.interim\n    from: 2024-01-01\n    when: 'round_half_up(dec(\"1e-9000\"), 2) > dec(0)'\n", "exponent -9000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rf, err := wk.ParseReform("r.yaml", []byte("reform: r\ncite: c\n"+tc.reform))
			if err == nil {
				var rb2 *wk.Rulebook
				if rb2, err = rb.Reform(rf); err == nil {
					// dec() of a literal is computed when the rule
					// compiles or runs: either refuses it.
					_, err = rb2.Param("vouchers.travel_per_km", wk.MustParseDate("2024-06-01"))
					if err == nil {
						err = compileAndDecide(rb2)
					}
				}
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	assert.NoError(t, wk.CheckDecimal(decimal.RequireFromString("0."+strings.Repeat("1", 40))))
}

func compileAndDecide(rb *wk.Rulebook) error {
	eng, err := decision.New(rb)
	if err != nil {
		return err
	}
	res, err := eng.Decide(wk.MustParseDate("2024-06-01"), &dossier.Case{Person: &dossier.Person{DomicileRegion: dossier.RegionFlanders, Income: dossier.IncomeLeefloon}})
	if err != nil {
		return err
	}
	return res.Err("eligibility.eligible")
}
