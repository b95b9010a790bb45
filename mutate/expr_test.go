package mutate

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Each case lists, derived by hand from the operators' definitions, every
// mutant of an expression in the order of its nodes (innermost first, left
// to right): the operator and the whole expression as printed.
func TestExprOperators(t *testing.T) {
	type mut struct{ op, after string }
	cases := []struct {
		src  string
		want []mut
	}{
		{`a > 1`, []mut{
			{OpNumber, `a > 2`},
			{OpNumber, `a > 0`},
			{OpComparison, `a >= 1`},
		}},
		{`a <= b`, []mut{{OpComparison, `a < b`}}},
		{`a >= b`, []mut{{OpComparison, `a > b`}}},
		{`a < b`, []mut{{OpComparison, `a <= b`}}},
		{`not x and y <= z`, []mut{
			{OpNegation, `x and y <= z`},
			{OpComparison, `not x and y < z`},
			{OpLogical, `not x or y <= z`},
		}},
		{`!a || b != c`, []mut{
			{OpNegation, `a || b != c`},
			{OpEquality, `!a || b == c`},
			{OpLogical, `!a && b != c`},
		}},
		// and inside or keeps its parentheses, or gains them.
		{`a && (b || c)`, []mut{
			{OpLogical, `a && (b && c)`},
			{OpLogical, `a || (b || c)`},
		}},
		{`a == "b" ? 1 : 2`, []mut{
			{OpEquality, `a != "b" ? 1 : 2`},
			{OpNumber, `a == "b" ? 2 : 2`},
			{OpNumber, `a == "b" ? 0 : 2`},
			{OpNumber, `a == "b" ? 1 : 3`},
			{OpNumber, `a == "b" ? 1 : 1`},
			{OpConditional, `1`},
			{OpConditional, `2`},
		}},
		{`is_set(d) && d > parse_date("2023-01-01")`, []mut{
			{OpIsSet, `true && d > parse_date("2023-01-01")`},
			{OpDate, `is_set(d) && d > parse_date("2023-01-02")`},
			{OpDate, `is_set(d) && d > parse_date("2022-12-31")`},
			{OpComparison, `is_set(d) && d >= parse_date("2023-01-01")`},
			{OpLogical, `is_set(d) || d > parse_date("2023-01-01")`},
		}},
		// max(0, ...) style constants: the 0 goes to 1 and to -1.
		{`max(0, x - 1)`, []mut{
			{OpNumber, `max(1, x - 1)`},
			{OpNumber, `max(-1, x - 1)`},
			{OpNumber, `max(0, x - 2)`},
			{OpNumber, `max(0, x - 0)`},
		}},
		{`x in ["a", "b"]`, []mut{
			{OpList, `x in ["b"]`},
			{OpList, `x in ["a"]`},
		}},
		// A decimal moves a cent, a whole one a unit (where a cent vanishes
		// in rounding).
		{`dec("7.45") + dec("1470")`, []mut{
			{OpNumber, `dec("7.46") + dec("1470")`},
			{OpNumber, `dec("7.44") + dec("1470")`},
			{OpNumber, `dec("7.45") + dec("1471")`},
			{OpNumber, `dec("7.45") + dec("1469")`},
		}},
		// not in: the negation removed leaves in.
		{`a not in l`, []mut{{OpNegation, `a in l`}}},
		// Nothing to mutate.
		{`param("x")`, nil},
		// The same mutant twice (dropping either "a") is made once.
		{`x in ["a", "a"]`, []mut{{OpList, `x in ["a"]`}}},
	}
	for _, c := range cases {
		t.Run(c.src, func(t *testing.T) {
			_, muts, err := exprMutations(c.src)
			require.NoError(t, err)
			var got []mut
			for _, m := range muts {
				got = append(got, mut{m.Operator, m.After})
			}
			assert.Equal(t, c.want, got)
		})
	}
}

// The printed form is the expression as the expr printer writes it, and
// the place of each mutant is the rune offset of its node in the source.
func TestExprMutationPlaces(t *testing.T) {
	before, muts, err := exprMutations("not  (person.x in param(\"l\"))\n  and date >= param(\"s\")")
	require.NoError(t, err)
	assert.Equal(t, `not (person.x in param("l")) and date >= param("s")`, before)
	require.Len(t, muts, 3)
	assert.Equal(t, 0, muts[0].Offset)  // not
	assert.Equal(t, 41, muts[1].Offset) // >=
	assert.Equal(t, 32, muts[2].Offset) // and
	assert.Equal(t, `not (person.x in param("l"))`, muts[0].Before)
	assert.Equal(t, `person.x in param("l")`, muts[0].Local)
	assert.Equal(t, `date >= param("s")`, muts[1].Before)
	assert.Equal(t, `date > param("s")`, muts[1].Local)
}

// A long operator's id keeps the operator and the operands near it.
func TestBinaryID(t *testing.T) {
	_, muts, err := exprMutations(`person.income in param("eligibility.ocmw_incomes") || household.partner.income in param("eligibility.ocmw_incomes")`)
	require.NoError(t, err)
	require.Len(t, muts, 1)
	assert.Equal(t, `… param("eligibility.ocmw_incomes") || household.partner.income in …`, muts[0].Before)
	assert.Equal(t, `… param("eligibility.ocmw_incomes") && household.partner.income in …`, muts[0].Local)
}

func TestExprSyntaxError(t *testing.T) {
	_, _, err := exprMutations(`a >`)
	assert.Error(t, err)
}

func TestParamReads(t *testing.T) {
	assert.Equal(t, []paramRef{{"a", false}, {"b", true}},
		paramReads(`param("a") > 0 && param_at("b", request.date) > 1`))
}

// A long node's id keeps its start and its end, cut at spaces.
func TestShortID(t *testing.T) {
	assert.Equal(t, `request.user.type == "agriculture" … : []`,
		short(`request.user.type == "agriculture" ? param("placement.activities_agriculture") : []`))
	assert.Equal(t, `a > b`, short(`a > b`))
}
