package wijkwerken

import (
	"errors"
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

func TestErrorsWorkWithErrorsAs(t *testing.T) {
	_, err := Load(fstest.MapFS{"x.yaml": {Data: []byte("foo: 1\n")}}, "x.yaml")
	var le *LoadError
	assert.True(t, errors.As(err, &le))
	assert.Equal(t, "x.yaml:1:1: unknown key \"foo\" (allowed: area, description, parameters, rules)", le.Problems[0].String())
}
