package wijkwerken

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func ref(t testing.TB) *Rulebook {
	t.Helper()
	rb, err := Reference()
	require.NoError(t, err)
	return rb
}

func TestReferenceParameters(t *testing.T) {
	rb := ref(t)
	for _, tc := range []struct {
		id, date, want string
	}{
		{"hours.per_month_max", "2018-01-01", "60"},
		{"hours.per_year_max", "2026-11-23", "630"},
		{"trajectory.max_months", "2024-03-01", "12"},
		{"vouchers.price_min", "2019-01-01", "5.95"},
		{"vouchers.price_max", "2019-01-01", "7.45"},
		{"vouchers.allowance_per_cheque", "2018-06-01", "4.1"},
		{"vouchers.tax_rate", "2019-12-31", "0.3"},
		{"vouchers.tax_rate", "2020-01-01", "0.2"},
		{"vouchers.tax_ceiling", "2018-12-31", "1470"},
		{"vouchers.tax_ceiling", "2019-01-01", "1500"},
		{"community_service.hours_per_month_min", "2023-01-01", "32"},
		{"eligibility.interim_days_max", "2024-01-01", "10"},
		{"eligibility.ocmw_incomes", "2024-01-01", "[leefloon, leefloon_equivalent]"},
	} {
		v, err := rb.Param(tc.id, MustParseDate(tc.date))
		require.NoError(t, err, tc.id)
		assert.Equal(t, tc.want, v.String(), "%s on %s", tc.id, tc.date)
	}
	for _, p := range rb.Parameters() {
		for _, v := range p.Values {
			assert.NotEmpty(t, p.CiteAt(v.From), "parameter %s has no citation", p.ID)
		}
		assert.NotEmpty(t, p.Description.NL, p.ID)
		assert.NotEmpty(t, p.Description.EN, p.ID)
	}
}

func TestParamErrors(t *testing.T) {
	rb := ref(t)
	_, err := rb.Param("hours.per_mont_max", MustParseDate("2024-01-01"))
	var ue *UnknownError
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, err.Error(), `did you mean "hours.per_month_max"`)

	_, err = rb.Param("hours.per_month_max", MustParseDate("2017-12-31"))
	var nf *NotInForceError
	require.ErrorAs(t, err, &nf)
	assert.Contains(t, err.Error(), "2017-12-31")
	assert.Contains(t, err.Error(), "2018-01-01")
}

// line returns the 1-based line of the first occurrence of s in src.
func line(src, s string) int {
	i := strings.Index(src, s)
	if i < 0 {
		panic("not found: " + s)
	}
	return strings.Count(src[:i], "\n") + 1
}

const brokenParams = `parameters:
  - id: a.one
    type: integer
    cite: "x"
    valus: []
  - id: a.two
    type: integer
    values:
      - from: 2018-01-01
        value: 3
  - id: a.three
    type: decimal
    cite: "x"
    confidence: certain
    values:
      - from: 2018-01-01
        value: twelve
  - id: a.four
    type: date
    cite: "x"
    values:
      - from: 2018-02-30
        value: 2018-01-01
  - id: a.five
    type: integer
    cite: "x"
    values:
      - {from: 2018-01-01, value: 1}
      - {from: 2019-01-01, value: 2}
  - id: a.five
    type: integer
    cite: "x"
    values: [{from: 2018-01-01, value: 1}]
  - id: a.six
    type: number
    cite: "x"
    values: [{from: 2018-01-01, value: 1}]
`

const brokenRules = `area: test
rules:
  - id: test.no_reason
    cite: "x"
    from: 2018-01-01
    description: {nl: a, en: b}
    message: {nl: a, en: b}
    when: n > 1
  - id: test.syntax
    cite: "x"
    from: 2018-01-01
    description: {nl: a, en: b}
    message: {nl: a, en: b}
    when: n > > 1
    reason: bad
  - id: test.unknown_param
    cite: "x"
    from: 2018-01-01
    description: {nl: a, en: b}
    message: {nl: a, en: b}
    when: n > param("a.sevn")
    reason: bad
  - id: test.no_cite
    from: 2018-01-01
    description: {nl: a, en: b}
    value: n
    output: x
  - id: test.both
    cite: "x"
    from: 2018-01-01
    description: {nl: a, en: b}
    when: "true"
    value: n + 0
`

func TestLoadReportsEveryProblem(t *testing.T) {
	fsys := fstest.MapFS{
		"rb/params.yaml": {Data: []byte(brokenParams)},
		"rb/rules.yaml":  {Data: []byte(brokenRules)},
	}
	_, err := Load(fsys, "rb")
	var le *LoadError
	require.ErrorAs(t, err, &le)
	msg := err.Error()
	for _, want := range []struct {
		file, at, id, text string
	}{
		{"params", "valus", "a.one", `unknown key "valus" (did you mean "values"?)`},
		{"params", "- id: a.one", "a.one", "missing values"},
		{"params", "- id: a.two", "a.two", "missing cite"},
		{"params", "confidence: certain", "a.three", `confidence "certain"`},
		{"params", "value: twelve", "a.three", `"twelve" is not a decimal number`},
		{"params", "from: 2018-02-30", "a.four", "day 30 out of range"},
		{"params", "{from: 2019-01-01, value: 2}", "a.five", "overlaps"},
		{"params", "- id: a.five\n    type: integer\n    cite: \"x\"\n    values: [", "a.five", "duplicate parameter id"},
		{"params", "type: number", "a.six", `unknown type "number"`},
		{"rules", "- id: test.no_reason", "test.no_reason", "needs reason:"},
		{"rules", "when: n > > 1", "test.syntax", "unexpected token"},
		{"rules", "when: n > param(\"a.sevn\")", "test.unknown_param", `unknown parameter "a.sevn"`},
		{"rules", "- id: test.no_cite", "test.no_cite", "missing cite"},
		{"rules", "value: n + 0", "test.both", "either when:"},
	} {
		src := brokenParams
		if want.file == "rules" {
			src = brokenRules
		}
		prefix := "rb/" + want.file + ".yaml:" + itoa(line(src, want.at))
		found := false
		for _, p := range le.Problems {
			s := p.String()
			if strings.HasPrefix(s, prefix) && p.ID == want.id && strings.Contains(s, want.text) {
				found = true
			}
		}
		assert.True(t, found, "want a problem %s: %s: ...%s... in\n%s", prefix, want.id, want.text, msg)
	}
}

func itoa(i int) string { return decimal.NewFromInt(int64(i)).String() }

func TestLoadBrokenYAML(t *testing.T) {
	_, err := Load(fstest.MapFS{"x.yaml": {Data: []byte("parameters:\n  - id: a\n   bad indent: [\n")}}, "x.yaml")
	var le *LoadError
	require.ErrorAs(t, err, &le)
	assert.Regexp(t, `^x\.yaml:\d+: `, le.Problems[0].String())
	_, err = Load(fstest.MapFS{"x.yaml": {Data: []byte("")}}, "x.yaml")
	assert.ErrorContains(t, err, "empty file")
	_, err = Load(fstest.MapFS{"x.yaml": {Data: []byte("- 1\n")}}, "x.yaml")
	assert.ErrorContains(t, err, "want a mapping")
}

// testEnv is an area environment for engine tests.
type testEnv struct {
	Env
	N   int             `expr:"n"`
	Amt decimal.Decimal `expr:"amt"`
	D   Date            `expr:"d"`
	S   string          `expr:"s"`
	Out struct {
		X int `expr:"x"`
	} `expr:"out"`
}

var testSpec = AreaSpec{Area: "test", Env: &testEnv{}, Outputs: []Output{
	{Name: "x", Type: reflect.TypeOf(0), Set: func(e, v any) { e.(*testEnv).Out.X = v.(int) }},
	{Name: "amount", Type: reflect.TypeOf(decimal.Decimal{}), Set: func(e, v any) {}},
}}

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

func testRulebook(t *testing.T, rules string) (*Rulebook, error) {
	t.Helper()
	return Load(fstest.MapFS{
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
		{"float builtins are refused", "    when: round(n) > 3\n    reason: r\n", "floating-point value"},
		{"clock disabled", "    when: now() > 0\n    reason: r\n", "now"},
		{"param kind checked", "    when: param(\"t.start\") > 3\n    reason: r\n", "invalid operation"},
		{"out read before computed", "    when: out.x > 1\n    reason: r\n", "reads out.x before"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rb, err := testRulebook(t, rule("test.r", tc.body))
			require.NoError(t, err)
			_, err = Compile(rb, testSpec)
			var le *LoadError
			require.ErrorAs(t, err, &le, "%v", err)
			assert.Contains(t, err.Error(), "r.yaml:")
			assert.Contains(t, err.Error(), "test.r")
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

func eval(t *testing.T, rules string, env *testEnv, date string, tr *Trace) ([]Reason, error) {
	t.Helper()
	rb, err := testRulebook(t, rules)
	require.NoError(t, err)
	rs, err := Compile(rb, testSpec)
	require.NoError(t, err)
	return rs.Eval(env, MustParseDate(date), tr)
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
		assert.Equal(t, tc.want, nilIfEmpty(Codes(reasons)), "%s n=%d", tc.date, tc.n)
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
	reasons, err := eval(t, rules, &testEnv{N: 3, Amt: decimal.RequireFromString("10"), D: MustParseDate("2023-01-31")}, "2024-01-01", nil)
	require.NoError(t, err)
	assert.Equal(t, []string{"rate_ok", "ops_ok", "dates_ok", "rounding_ok", "int_div_ok", "ceil_ok", "period_ok", "nested_ok"}, Codes(reasons))
}

func TestEvalErrors(t *testing.T) {
	t.Run("before any rule is in force", func(t *testing.T) {
		_, err := eval(t, rule("test.a", "    when: n > 1\n    reason: r\n"), &testEnv{}, "2017-12-31", nil)
		var nf *NotInForceError
		require.ErrorAs(t, err, &nf)
		assert.Contains(t, err.Error(), "2017-12-31")
	})
	t.Run("decimal division by zero", func(t *testing.T) {
		_, err := eval(t, rule("test.div", "    value: amt / dec(0)\n    output: amount\n"), &testEnv{Amt: decimal.NewFromInt(1)}, "2024-01-01", nil)
		var re *RuleError
		require.ErrorAs(t, err, &re)
		assert.Equal(t, "test.div", re.Rule)
		assert.Contains(t, err.Error(), "division by zero")
		assert.Contains(t, err.Error(), "r.yaml:")
	})
	t.Run("integer division by zero", func(t *testing.T) {
		_, err := eval(t, rule("test.div", "    when: 1 % n == 0\n    reason: r\n"), &testEnv{}, "2024-01-01", nil)
		var re *RuleError
		require.ErrorAs(t, err, &re)
		_, err = eval(t, rule("test.div", "    when: 1 / n > 0\n    reason: r\n"), &testEnv{}, "2024-01-01", nil)
		require.ErrorAs(t, err, &re)
		assert.Contains(t, err.Error(), "division by zero")
	})
	t.Run("memory budget", func(t *testing.T) {
		_, err := eval(t, rule("test.big", "    when: 'len(map(1..10000000, # * 2)) > 0'\n    reason: r\n"), &testEnv{}, "2024-01-01", nil)
		var re *RuleError
		require.ErrorAs(t, err, &re)
		assert.Contains(t, err.Error(), "memory budget")
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
	var tr Trace
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
	assert.Equal(t, []string{"v1"}, Codes(r))
	r, err = eval(t, rules, &testEnv{N: 3}, "2022-01-01", nil)
	require.NoError(t, err)
	assert.Empty(t, r)

	overlapping := strings.Replace(rules, "    to: 2021-12-31\n", "", 1)
	_, err = testRulebook(t, overlapping)
	assert.ErrorContains(t, err, "duplicate rule id")
}

func TestErrorsWorkWithErrorsAs(t *testing.T) {
	_, err := Load(fstest.MapFS{"x.yaml": {Data: []byte("foo: 1\n")}}, "x.yaml")
	var le *LoadError
	assert.True(t, errors.As(err, &le))
	assert.Equal(t, "x.yaml:1:1: unknown key \"foo\" (allowed: area, description, parameters, rules)", le.Problems[0].String())
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
	rb, err := Load(fstest.MapFS{"r.yaml": {Data: []byte(`area: eligibility
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
	rs, err := Compile(rb, AreaSpec{Area: "eligibility", Env: &envA{}})
	require.NoError(t, err)
	reasons, err := rs.Eval(&envA{N: 9}, MustParseDate("2024-01-01"), nil)
	require.NoError(t, err)
	require.Len(t, reasons, 1)
	for _, foreign := range []any{&envB{S: "a", N: 9}, envA{N: 9}, (*envA)(nil), nil, 42} {
		_, err := rs.Eval(foreign, MustParseDate("2024-01-01"), nil)
		require.Error(t, err, "%T", foreign)
		_, err = rs.Eval(foreign, MustParseDate("2024-01-01"), &Trace{})
		require.Error(t, err, "traced %T", foreign)
	}
}
