package scenario_test

import (
	"bytes"
	"context"
	"encoding/xml"
	"strings"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/scenario"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The reference suite runs under go test.
func TestReferenceScenarios(t *testing.T) {
	scenario.Run(t, "../testdata/scenarios")
}

func TestMatch(t *testing.T) {
	d := wk.MustParseDate("2025-02-28")
	for _, tc := range []struct {
		want string
		got  any
		ok   bool
	}{
		{`49.2`, decimal.RequireFromString("49.20"), true},
		{`"49.20"`, decimal.RequireFromString("49.2"), true},
		{`49.21`, decimal.RequireFromString("49.2"), false},
		{`2`, 2, true},
		{`2.0`, 2, true},
		{`3`, 2, false},
		{`true`, true, true},
		{`"true"`, true, false},
		{`false`, true, false},
		{`ocmw`, "ocmw", true},
		{`vdab`, "ocmw", false},
		{`2025-02-28`, d, true},
		{`"2025-02-28"`, d, true},
		{`2025-03-01`, d, false},
		{`null`, nil, true},
		{`null`, wk.Date{}, true},
		{`null`, d, false},
		{`2025-02-28`, nil, false},
		{`[a, b]`, []string{"b", "a"}, true},
		{`[a]`, []string{"a", "b"}, false},
		{`[]`, []string{}, true},
		{`a`, []string{"a"}, true},
		{`[]`, []string{"a"}, false},
	} {
		ok, err := scenario.Match(tc.want, tc.got)
		require.NoError(t, err)
		assert.Equal(t, tc.ok, ok, "want %s, got %#v", tc.want, tc.got)
	}
	_, err := scenario.Match("[a, b", nil)
	assert.Error(t, err)
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"unknown key", "scenarios:\n  - name: a\n    date: 2024-01-01\n    case: {}\n    expct: {}\n", `s.yaml:5:5: unknown key "expct" (did you mean "expect"?)`},
		{"missing date", "scenarios:\n  - name: a\n    case: {}\n    expect: {eligibility.eligible: true}\n", `s.yaml:2:5: scenario "a": missing date:`},
		{"unknown path", "scenarios:\n  - name: a\n    date: 2024-01-01\n    case: {}\n    expect:\n      eligibility.eligble: true\n", `s.yaml:6:7: scenario "a": unknown output path "eligibility.eligble" (did you mean "eligibility.eligible"?)`},
		{"no expectation", "scenarios:\n  - name: a\n    date: 2024-01-01\n    case: {}\n", "missing expect:"},
		{"both", "scenarios:\n  - name: a\n    date: 2024-01-01\n    case: {}\n    expect: {eligibility.eligible: true}\n    expect_error: x\n", "not both"},
		{"twice", "scenarios:\n  - {name: a, date: 2024-01-01, case: {}, expect_error: x}\n  - {name: a, date: 2024-01-01, case: {}, expect_error: x}\n", "name used twice"},
		{"syntax", "scenarios:\n  - name: [\n", "s.yaml:"},
		{"empty", "", "empty file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := scenario.Parse("s.yaml", []byte(tc.src))
			var le *wk.LoadError
			require.ErrorAs(t, err, &le)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

const suite = `suite: demo
scenarios:
  - name: passes
    date: 2024-03-01
    case:
      person: {domicile_region: flanders, registered_jobseeker: true, income: leefloon}
    expect:
      eligibility.eligible: true
      eligibility.referrer: ocmw
  - name: wrong referrer
    date: 2024-03-01
    case:
      person: {domicile_region: flanders, registered_jobseeker: true, income: leefloon}
    expect:
      eligibility.eligible: true
      eligibility.referrer: vdab
  - name: not computed
    date: 2024-03-01
    case:
      person: {domicile_region: flanders, registered_jobseeker: true, income: leefloon}
    expect:
      hours.allowed: 2
  - name: expected error that does not come
    date: 2024-03-01
    case:
      person: {domicile_region: flanders, registered_jobseeker: true, income: leefloon}
    expect_error: boom
  - name: unexpected error
    date: 2017-01-01
    case:
      person: {domicile_region: flanders, registered_jobseeker: true, income: leefloon}
    expect:
      eligibility.eligible: true
`

func runSuite(t *testing.T) *scenario.Report {
	t.Helper()
	s, err := scenario.Parse("demo.yaml", []byte(suite))
	require.NoError(t, err)
	rb, err := wk.Reference()
	require.NoError(t, err)
	r, err := scenario.NewRunner(rb)
	require.NoError(t, err)
	rep, err := r.Run(context.Background(), []*scenario.Suite{s})
	require.NoError(t, err)
	return rep
}

func TestReport(t *testing.T) {
	rep := runSuite(t)
	assert.Equal(t, 1, rep.Passed)
	assert.Equal(t, 4, rep.Failed)
	var out bytes.Buffer
	rep.WriteText(&out, false)
	text := out.String()
	assert.Contains(t, text, `demo.yaml:16: scenario "wrong referrer": eligibility.referrer: want vdab, got ocmw`)
	assert.Contains(t, text, "eligibility.referrer                         referrer = ocmw", "the trace follows a failure")
	assert.Contains(t, text, `demo.yaml:22: scenario "not computed": hours.allowed: want 2, got not computed`)
	assert.Contains(t, text, `demo.yaml:23: scenario "expected error that does not come": want an error containing "boom", got no error`)
	assert.Contains(t, text, `demo.yaml:33: scenario "unexpected error": eligibility.eligible: want true, got not computed: no eligibility rules in force on 2017-01-01`)
	assert.True(t, strings.HasSuffix(text, "1 passed, 4 failed\n"))
}

func TestJUnit(t *testing.T) {
	rep := runSuite(t)
	var out bytes.Buffer
	require.NoError(t, rep.WriteJUnit(&out))
	var doc struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Suites   []struct {
			Cases []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(out.Bytes(), &doc))
	assert.Equal(t, 5, doc.Tests)
	assert.Equal(t, 4, doc.Failures)
	require.Len(t, doc.Suites, 1)
	require.Len(t, doc.Suites[0].Cases, 5)
	assert.Nil(t, doc.Suites[0].Cases[0].Failure)
	assert.Contains(t, doc.Suites[0].Cases[1].Failure.Message, "want vdab, got ocmw")
}
