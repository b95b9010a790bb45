package area

import (
	"strings"
	"testing"
	"testing/fstest"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testEnv is an area environment for engine tests.
type testEnv struct {
	Env
	N   int             `expr:"n"`
	Amt decimal.Decimal `expr:"amt"`
	D   wk.Date         `expr:"d"`
	S   string          `expr:"s"`
	// Lists whose elements closures and indexes read.
	Ns    []int      `expr:"ns"`
	Items []testItem `expr:"items"`
	Out   struct {
		X      int             `expr:"x"`
		Amount decimal.Decimal `expr:"amount"`
	} `expr:"out"`
}

type testItem struct {
	On    wk.Date         `expr:"on"`
	Price decimal.Decimal `expr:"price"`
	Code  string          `expr:"code"`
}

var testSpec = Spec{Area: "test", Env: &testEnv{}}

const testParams = `parameters:
  - id: t.limit
    type: integer
    cite: test
    values:
      - {from: 2018-01-01, to: 2019-12-31, value: 10}
      - {from: 2020-01-01, value: 20}
  - id: t.rate
    type: decimal
    cite: test
    values: [{from: 2018-01-01, value: 0.30}]
  - id: t.start
    type: date
    cite: test
    values: [{from: 2018-01-01, value: 2023-01-01}]
`

func testRulebook(t *testing.T, rules string) (*wk.Rulebook, error) {
	t.Helper()
	return wk.Load(fstest.MapFS{
		"p.yaml": {Data: []byte(testParams)},
		"r.yaml": {Data: []byte("area: test\nrules:\n" + rules)},
	})
}

func rule(id, body string) string {
	return "  - id: " + id + "\n    cite: test\n    from: 2018-01-01\n    description: {nl: a, en: b}\n    message: {nl: a, en: b}\n" + body
}

func TestCompileCatchesTypeErrorsAtLoad(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string
	}{
		{"misspelled field", "    when: nn > 1\n    reason: r\n", "unknown name nn"},
		{"type error", "    when: s > 3\n    reason: r\n", "invalid operation"},
		{"not a bool", "    when: n + 1\n    reason: r\n", "expected bool"},
		{"unknown output", "    value: n\n    output: y\n", `unknown output of area test "y"`},
		{"wrong output type", "    value: s\n    output: x\n", "computes string, but output x wants int"},
		{"float literal in money", "    value: amt * 1.1\n    output: amount\n", "invalid operation"},
		{"floats are refused", "    when: n * 1.5 > 3\n    reason: r\n", "floating-point value"},
		{"float builtins are refused", "    when: round(n) > 3\n    reason: r\n", "unknown name round"},
		{"clock disabled", "    when: now() > 0\n    reason: r\n", "now"},
		{"param kind checked", "    when: param(\"t.start\") > 3\n    reason: r\n", "invalid operation"},
		{"out read before computed", "    when: out.x > 1\n    reason: r\n", "reads out.x before"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rb, err := testRulebook(t, rule("test.r", tc.body))
			require.NoError(t, err)
			_, err = Compile(rb, testSpec)
			var le *wk.LoadError
			require.ErrorAs(t, err, &le, "%v", err)
			assert.Contains(t, err.Error(), "r.yaml:")
			assert.Contains(t, err.Error(), "test.r")
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func eval(t *testing.T, rules string, env *testEnv, date string, tr *wk.Trace) ([]wk.Reason, error) {
	t.Helper()
	rb, err := testRulebook(t, rules)
	require.NoError(t, err)
	rs, err := Compile(rb, testSpec)
	require.NoError(t, err)
	return rs.Eval(env, wk.MustParseDate(date), tr)
}

func TestEvalParametersOverTime(t *testing.T) {
	rules := rule("test.limit", "    when: n > param(\"t.limit\")\n    reason: over\n") +
		rule("test.x", "    value: n * 2\n    output: x\n") +
		rule("test.uses_x", "    when: out.x == 30\n    reason: thirty\n")
	for _, tc := range []struct {
		date string
		n    int
		want []string
	}{
		{"2019-12-31", 15, []string{"over", "thirty"}},
		{"2020-01-01", 15, []string{"thirty"}},
		{"2019-06-01", 10, nil},
		{"2020-06-01", 21, []string{"over"}},
	} {
		env := &testEnv{N: tc.n}
		reasons, err := eval(t, rules, env, tc.date, nil)
		require.NoError(t, err)
		assert.Equal(t, tc.want, nilIfEmpty(wk.Codes(reasons)), "%s n=%d", tc.date, tc.n)
		assert.Equal(t, tc.n*2, env.Out.X)
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestDecimalAndDateOperators(t *testing.T) {
	rules := rule("test.a", "    when: amt * param(\"t.rate\") == dec(\"3.00\")\n    reason: rate_ok\n") +
		rule("test.b", "    when: amt + 1 > 10 and 2 * amt < 21\n    reason: ops_ok\n") +
		rule("test.c", "    when: d >= param(\"t.start\") and add_months(d, 1) == parse_date(\"2023-02-28\")\n    reason: dates_ok\n") +
		rule("test.d", "    when: round_half_up(dec(\"2.345\"), 2) == dec(\"2.35\") and round_bank(dec(\"2.345\"), 2) == dec(\"2.34\")\n    reason: rounding_ok\n") +
		rule("test.i", "    when: 7 / 2 == dec(\"3.5\") and n / 3 == dec(1)\n    reason: int_div_ok\n") +
		rule("test.e", "    when: ceil_div(70, 60) == 2 and ceil_div(60, 60) == 1 and ceil_div(0, 60) == 0\n    reason: ceil_ok\n") +
		rule("test.f", "    when: period_end(parse_date(\"2024-03-01\"), 12) == parse_date(\"2025-02-28\") and days_between(d, add_days(d, 3)) == 3\n    reason: period_ok\n") +
		// Operators on parameters inside a function's arguments (a
		// regression: the overload was once not applied there).
		rule("test.g", "    when: round_half_up(param(\"t.rate\") * n, 2) == dec(\"0.9\") and dec_max(param(\"t.rate\") * amt, dec(\"1\")) == dec(\"3\") and round_half_up(param(\"t.rate\") * (n * param(\"t.limit\")), 1) > 0\n    reason: nested_ok\n")
	reasons, err := eval(t, rules, &testEnv{N: 3, Amt: decimal.RequireFromString("10"), D: wk.MustParseDate("2023-01-31")}, "2024-01-01", nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"rate_ok", "ops_ok", "dates_ok", "rounding_ok", "int_div_ok", "ceil_ok", "period_ok", "nested_ok"}, wk.Codes(reasons))
}

func TestEvalErrors(t *testing.T) {
	t.Run("before any rule is in force", func(t *testing.T) {
		_, err := eval(t, rule("test.a", "    when: n > 1\n    reason: r\n"), &testEnv{}, "2017-12-31", nil)
		var nf *wk.NotInForceError
		require.ErrorAs(t, err, &nf)
		assert.Contains(t, err.Error(), "2017-12-31")
	})
	t.Run("decimal division by zero", func(t *testing.T) {
		_, err := eval(t, rule("test.div", "    value: amt / dec(0)\n    output: amount\n"), &testEnv{Amt: decimal.NewFromInt(1)}, "2024-01-01", nil)
		var re *wk.RuleError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, "test.div", re.Rule)
		assert.Contains(t, err.Error(), "division by zero")
		assert.Contains(t, err.Error(), "r.yaml:")
	})
	t.Run("integer division by zero", func(t *testing.T) {
		_, err := eval(t, rule("test.div", "    when: 1 % n == 0\n    reason: r\n"), &testEnv{}, "2024-01-01", nil)
		var re *wk.RuleError
		require.ErrorAs(t, err, &re)
		_, err = eval(t, rule("test.div", "    when: 1 / n > 0\n    reason: r\n"), &testEnv{}, "2024-01-01", nil)
		require.ErrorAs(t, err, &re)
		assert.Contains(t, err.Error(), "division by zero")
	})
	t.Run("work refused at load", func(t *testing.T) {
		for _, body := range []string{
			"    when: 'len(map(1..10000000, # * 2)) > 0'\n    reason: r\n",
			"    when: 'all(1..10000, {all(1..10000, {# > 0})})'\n    reason: r\n",
			"    when: 'count(1..n, {# > 0}) > 0'\n    reason: r\n",
		} {
			rb, err := testRulebook(t, rule("test.big", body))
			require.NoError(t, err)
			_, err = Compile(rb, testSpec)
			var le *wk.LoadError
			require.ErrorAs(t, err, &le, body)
			assert.Contains(t, err.Error(), "test.big")
			assert.Contains(t, err.Error(), "steps on one evaluation")
		}
		rb, err := testRulebook(t, rule("test.ok", "    when: 'all(1..50, {all(1..50, {# > 0})})'\n    reason: r\n"))
		require.NoError(t, err)
		_, err = Compile(rb, testSpec)
		require.NoError(t, err, "2 500 steps are within the budget")
	})
	t.Run("parameter not in force", func(t *testing.T) {
		_, err := eval(t, rule("test.p", "    when: n > param_at(\"t.limit\", parse_date(\"2017-01-01\"))\n    reason: r\n"), &testEnv{}, "2024-01-01", nil)
		assert.ErrorContains(t, err, "parameter t.limit has no value in force on 2017-01-01")
	})
}

func TestHugeExpressionIsRefused(t *testing.T) {
	expr := "n" + strings.Repeat(" + n", 3000) + " > 0"
	rb, err := testRulebook(t, rule("test.huge", "    when: "+expr+"\n    reason: r\n"))
	if err == nil {
		_, err = Compile(rb, testSpec)
	}
	require.Error(t, err)
	assert.Contains(t, err.Error(), "test.huge")
}

func TestTraceRecordsParameters(t *testing.T) {
	var tr wk.Trace
	_, err := eval(t, rule("test.limit", "    when: n > param(\"t.limit\")\n    reason: over\n"), &testEnv{N: 11}, "2019-03-01", &tr)
	require.NoError(t, err)
	require.Len(t, tr.Steps, 1)
	s := tr.Steps[0]
	assert.Equal(t, "test.limit", s.Rule)
	require.NotNil(t, s.Fired)
	assert.True(t, *s.Fired)
	require.Len(t, s.Params, 1)
	assert.Equal(t, "t.limit", s.Params[0].ID)
	assert.Equal(t, "10", s.Params[0].Value.String())
	assert.Equal(t, "2019-12-31", s.Params[0].To.String())
	assert.Equal(t, "2019-03-01", s.Params[0].At.String())
}

func TestRuleVersions(t *testing.T) {
	rules := "  - id: test.v\n    cite: v1\n    from: 2018-01-01\n    to: 2021-12-31\n    description: {nl: a, en: b}\n    message: {nl: a, en: b}\n    when: n > 1\n    reason: v1\n" +
		"  - id: test.v\n    cite: v2\n    from: 2022-01-01\n    description: {nl: a, en: b}\n    message: {nl: a, en: b}\n    when: n > 5\n    reason: v2\n"
	r, err := eval(t, rules, &testEnv{N: 3}, "2021-12-31", nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"v1"}, wk.Codes(r))
	r, err = eval(t, rules, &testEnv{N: 3}, "2022-01-01", nil)
	require.NoError(t, err)
	assert.Empty(t, r)

	overlapping := strings.Replace(rules, "    to: 2021-12-31\n", "", 1)
	_, err = testRulebook(t, overlapping)
	assert.ErrorContains(t, err, "duplicate rule id")
}

// A rule set compiled for one environment refuses another one: its compiled
// rules read the environment by offsets from the type, and a foreign struct
// would be read as unrelated memory.
func TestEvalRefusesAForeignEnvironment(t *testing.T) {
	type envA struct {
		Env
		N int `expr:"n"`
	}
	type envB struct {
		Env
		S string `expr:"s"`
		N int    `expr:"n"`
	}
	rb, err := wk.Load(fstest.MapFS{"r.yaml": {Data: []byte(`area: eligibility
parameters:
  - {id: x.max, type: integer, cite: t, values: [{from: 2018-01-01, value: 5}]}
rules:
  - id: eligibility.big
    cite: t
    from: 2018-01-01
    description: {nl: x, en: x}
    message: {nl: x, en: x}
    when: n > param("x.max")
    reason: too_big
`)}})
	require.NoError(t, err)
	rs, err := Compile(rb, Spec{Area: "eligibility", Env: &envA{}})
	require.NoError(t, err)
	reasons, err := rs.Eval(&envA{N: 9}, wk.MustParseDate("2024-01-01"), nil)
	require.NoError(t, err)
	require.Len(t, reasons, 1)
	for _, foreign := range []any{&envB{S: "a", N: 9}, envA{N: 9}, (*envA)(nil), nil, 42} {
		_, err := rs.Eval(foreign, wk.MustParseDate("2024-01-01"), nil)
		require.Error(t, err, "%T", foreign)
		_, err = rs.Eval(foreign, wk.MustParseDate("2024-01-01"), &wk.Trace{})
		require.Error(t, err, "traced %T", foreign)
	}
}
