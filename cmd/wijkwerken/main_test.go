package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

const scenarios = "../../testdata/scenarios"

func TestTestCommandPasses(t *testing.T) {
	code, out, errs := runCLI(t, "test", scenarios)
	require.Equal(t, 0, code, out+errs)
	assert.Regexp(t, `(?m)^\d+ passed, 0 failed$`, out)
}

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

func TestTestCommandFailureExits1WithFileLine(t *testing.T) {
	p := writeFile(t, "wrong.yaml", `scenarios:
  - name: wrong expectation
    date: 2024-03-01
    case:
      person: {domicile_region: flanders, registered_jobseeker: true, income: leefloon}
    expect:
      eligibility.referrer: vdab
`)
	code, out, _ := runCLI(t, "test", p)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, p+`:7: scenario "wrong expectation": eligibility.referrer: want vdab, got ocmw`)
	assert.Contains(t, out, "0 passed, 1 failed")
}

func TestTestCommandBrokenFileExits2(t *testing.T) {
	p := writeFile(t, "broken.yaml", "scenarios:\n  - name: x\n    date: 2024-03-01\n    case: {}\n    expect: {eligibility.elegible: true}\n")
	code, _, errs := runCLI(t, "test", p)
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, p+`:5:14: scenario "x": unknown output path "eligibility.elegible"`)

	p = writeFile(t, "syntax.yaml", "scenarios: [\n")
	code, _, _ = runCLI(t, "test", p)
	assert.Equal(t, 2, code)

	code, _, _ = runCLI(t, "test", "--rulebook", t.TempDir(), scenarios)
	assert.Equal(t, 2, code, "an empty rulebook directory is a broken rulebook")
}

func TestTestCommandJUnitHasOneTestcasePerScenario(t *testing.T) {
	junit := filepath.Join(t.TempDir(), "junit.xml")
	code, out, _ := runCLI(t, "test", "--junit", junit, scenarios)
	require.Equal(t, 0, code)
	data, err := os.ReadFile(junit)
	require.NoError(t, err)
	var doc struct {
		Tests  int `xml:"tests,attr"`
		Suites []struct {
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(data, &doc))
	n := 0
	for _, s := range doc.Suites {
		n += len(s.Cases)
	}
	assert.Equal(t, doc.Tests, n)
	assert.Contains(t, out, strings.TrimSpace(strings.Split(out, "\n")[0]))
	assert.GreaterOrEqual(t, n, 30)
}

func TestReformFlipsExactlyTheInterimScenarios(t *testing.T) {
	code, out, _ := runCLI(t, "test", "--reform", "../../testdata/reforms/interim-15-days.yaml", scenarios+"/eligibility")
	assert.Equal(t, 1, code)
	var failed []string
	for _, l := range strings.Split(out, "\n") {
		if i := strings.Index(l, `scenario "`); i >= 0 && strings.Contains(l, "want") {
			failed = append(failed, l[i:])
		}
	}
	// 11, 12 and 15 days become tolerated (not more than 15); 28 days stays
	// over the limit, and 10 days was tolerated already.
	assert.ElementsMatch(t, []string{
		`scenario "11 days of interim work in 28 days ends the right": eligibility.eligible: want false, got true`,
		`scenario "11 days of interim work in 28 days ends the right": eligibility.reasons: want [interim_limit_exceeded], got []`,
		`scenario "a leefloon recipient with too much interim work is excluded too": eligibility.reasons: want [interim_limit_exceeded], got []`,
		`scenario "every reason at once": eligibility.reasons: want [not_domiciled_in_flanders, not_registered_jobseeker, social_economy_highest, faster_route_available, interim_limit_exceeded], got [not_domiciled_in_flanders, not_registered_jobseeker, social_economy_highest, faster_route_available]`,
	}, failed)
}

func TestEval(t *testing.T) {
	code, out, errs := runCLI(t, "eval", "../../testdata/cases/leefloon-household.yaml")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "Decision on 2024-03-01 (rulebook: reference)")
	assert.Contains(t, out, "referrer               ocmw")
	assert.NotContains(t, out, "eligibility.referrer", "the trace only with --trace")

	code, out, _ = runCLI(t, "eval", "--json", "--date", "2025-01-01", "../../testdata/cases/leefloon-household.yaml")
	require.Equal(t, 0, code)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.Equal(t, "2025-01-01", doc["date"])
	assert.Equal(t, map[string]any{"eligible": true, "reasons": []any{}, "referrer": "ocmw"}, doc["eligibility"])

	code, out, _ = runCLI(t, "eval", "--lang", "nl", "--date", "2024-03-01", writeFile(t, "c.yaml", "person: {domicile_region: brussels, income: leefloon}\n"))
	require.Equal(t, 0, code)
	assert.Contains(t, out, "niet gedomicilieerd in het Vlaamse Gewest")

	code, _, errs = runCLI(t, "eval", writeFile(t, "c.yaml", "person: {domicile_region: flanders, income: salary}\n"))
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, `c.yaml:1:45: case.person.income: unknown value "salary"`)

	code, _, errs = runCLI(t, "eval", writeFile(t, "c.yaml", "person: {domicile_region: flanders, income: none}\n"))
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "no decision date")

	code, _, errs = runCLI(t, "eval", "--date", "2017-06-01", "../../testdata/cases/leefloon-household.yaml")
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "2017-06-01")
}

func TestParamsRulesLint(t *testing.T) {
	code, out, _ := runCLI(t, "params", "--at", "2020-01-01")
	require.Equal(t, 0, code)
	assert.Regexp(t, `(?m)^vouchers\.tax_rate = 0\.2 share`, out)
	assert.NotRegexp(t, `vouchers\.tax_rate = 0\.3 `, out)

	// From 2026 the rate is 0, with its low confidence and its sources.
	code, out, _ = runCLI(t, "params", "--at", "2026-06-01")
	require.Equal(t, 0, code)
	assert.Regexp(t, `(?m)^vouchers\.tax_rate = 0 share of the amount paid\n    in force 2026-01-01 \.\. …, confidence low\n    .*\n    .*De Tijd.*\n    https://www\.tijd\.be/`, out)

	code, out, _ = runCLI(t, "params", "--reform", "../../testdata/reforms/interim-15-days.yaml", "--at", "2024-06-01")
	require.Equal(t, 0, code)
	assert.Regexp(t, `(?m)^eligibility\.interim_days_max = 15 days per 28 days\n.*\n    reform interim tolerance of 15 days from 2024`, out)

	code, out, _ = runCLI(t, "rules", "--area", "eligibility")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "eligibility.referrer")
	assert.Contains(t, out, "computes referrer")

	code, _, errs := runCLI(t, "rules", "--area", "eligibilty")
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, `did you mean "eligibility"`)

	code, out, _ = runCLI(t, "lint")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "ok: reference")

	bad := writeFile(t, "bad.yaml", "reform: bad\ncite: x\nreplace_rules:\n  - id: eligibility.interim\n    when: person.interim > 3\n")
	code, _, errs = runCLI(t, "lint", bad)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, bad+":5")
	assert.Contains(t, errs, "eligibility.interim")
}

func TestUsage(t *testing.T) {
	code, _, errs := runCLI(t)
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "Usage")
	code, _, _ = runCLI(t, "frobnicate")
	assert.Equal(t, 2, code)
	code, _, _ = runCLI(t, "test")
	assert.Equal(t, 2, code)
}

// flippedScenarios runs the suite under a reform and returns the names of
// the scenarios that fail.
func flippedScenarios(t *testing.T, reform string, paths ...string) []string {
	t.Helper()
	code, out, errs := runCLI(t, append([]string{"test", "--reform", reform}, paths...)...)
	require.Contains(t, []int{0, 1}, code, errs)
	seen := map[string]bool{}
	var names []string
	for _, l := range strings.Split(out, "\n") {
		i := strings.Index(l, `scenario "`)
		if i < 0 || !strings.Contains(l, "want") {
			continue
		}
		name := l[i+len(`scenario "`):]
		name = name[:strings.Index(name, `"`)]
		if !seen[name] {
			seen[name] = true
			names = append(names, name)
		}
	}
	return names
}

// A monthly cap of 80 hours changes exactly the scenarios that depend on the
// 60 hours of a month, and no other (worked out from the scenarios by hand).
func TestReformMonthlyCapFlipsExactlyTheMonthScenarios(t *testing.T) {
	got := flippedScenarios(t, "../../testdata/reforms/monthly-cap-80.yaml", scenarios)
	assert.ElementsMatch(t, []string{
		"70 minutes count as 2 started hours",                                  // month_remaining 60 -> 80
		"reaching exactly the 60th hour of the month is allowed",               // 2 -> 22
		"the 61st hour of the month is refused",                                // now allowed
		"a full month allows nothing more",                                     // 20 remain
		"hours of other months do not count against this month",                // 60 -> 80
		"reaching exactly the 630th hour of the year is allowed",               // month_remaining 60 -> 80
		"a full year allows nothing more, even in a fresh month",               // month_remaining 60 -> 80
		"both limits at once",                                                  // the month limit no longer binds
		"a progressive plan that goes above 60 hours in a month is refused",    // 61 <= 80
		"75 hours in a month is more than the regulation ever allowed",         // 75 <= 80 now
		"registered hours count even when the trajectory's start is not given", // 1 -> 21
		"the worker is paid only for the hours left in the month",              // 21 free: both hours paid, 8.20
		"every reason against the assignment, from every area",                 // 59 + 2 fit under 80: no month_limit
	}, got)
}

func TestEvalTrajectoryCase(t *testing.T) {
	code, out, errs := runCLI(t, "eval", "--json", "../../testdata/cases/trajectory-request.yaml")
	require.Equal(t, 0, code, errs)
	var raw map[string]json.RawMessage
	require.NoError(t, json.Unmarshal([]byte(out), &raw))
	doc := map[string]map[string]any{}
	for _, area := range []string{"hours", "trajectory", "agreement"} {
		var m map[string]any
		require.NoError(t, json.Unmarshal(raw[area], &m))
		doc[area] = m
	}
	assert.Equal(t, map[string]any{"allowed": 1.0, "counted": 2.0, "month_remaining": 1.0, "year_remaining": 451.0, "reasons": []any{"month_limit"}}, doc["hours"])
	assert.Equal(t, "2025-02-28", doc["trajectory"]["last_day"])
	assert.Equal(t, "2025-02-19", doc["trajectory"]["next_evaluation_due"])
	assert.Equal(t, true, doc["agreement"]["valid"])
}

// eval shows the voucher outputs, worked out by hand: 70 minutes are 2
// cheques and 2 paid hours (8.20), a round trip of 18 km is 2.70 (more than
// 10 km: every km at 0.15), the batch of 2023-05-10 is valid to 2024-05-09,
// and of 745 paid in 2023 the 1 530 ceiling (2021's, carried forward)
// leaves 630 after 900 of service cheques: 20 % is 126.
func TestEvalVouchersCase(t *testing.T) {
	code, out, errs := runCLI(t, "eval", "--json", "--date", "2024-03-20", "../../testdata/cases/vouchers.yaml")
	require.Equal(t, 0, code, errs)
	var doc struct {
		Vouchers map[string]any `json:"vouchers"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.Equal(t, map[string]any{
		"cheques_needed": 2.0, "allowance": "8.2", "travel_allowance": "2.7", "registration_fee": "7.5",
		"price_valid": true, "expires": "2024-05-09", "valid": true, "tax_reduction": "126", "reasons": []any{},
	}, doc.Vouchers)

	code, out, errs = runCLI(t, "eval", "--trace", "--date", "2024-03-20", "../../testdata/cases/vouchers.yaml")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "tax_reduction          126.00")
	assert.Contains(t, out, "vouchers.covid2021_extension")
}

func TestLintRefusesAnUnknownArea(t *testing.T) {
	bad := writeFile(t, "bad.yaml", "reform: r\ncite: x\nadd_rules:\n  - id: eligibilty.x\n    area: eligibilty\n    from: 2024-01-01\n    description: {nl: a, en: b}\n    message: {nl: a, en: b}\n    when: \"true\"\n    reason: x\n")
	code, _, errs := runCLI(t, "lint", bad)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, `unknown area "eligibilty" (did you mean "eligibility"?)`)
}

func TestLintADirectoryIsARulebook(t *testing.T) {
	code, out, errs := runCLI(t, "lint", "../../regulation", "../../testdata/reforms/monthly-cap-80.yaml")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "regulation + monthly cap of 80 hours")
	code, _, _ = runCLI(t, "lint", "--rulebook", "../../regulation", "../../regulation")
	assert.Equal(t, 2, code, "two rulebooks")
}

// eval shows placement and gemeenschapsdienst, worked out by hand: a school
// may have its bus accompanied (and the organiser offers it); the worker is
// eligible, in the trajectory, with 10 hours free for 2; two years of
// jobseeking since 2021-01-01; the plan's fiche is signed by the mentor
// alone; 40 hours at 1.30 are 52.00 a month.
func TestEvalPlacementCase(t *testing.T) {
	code, out, errs := runCLI(t, "eval", "--json", "--date", "2024-03-20", "../../testdata/cases/placement.yaml")
	require.Equal(t, 0, code, errs)
	var doc struct {
		Placement        map[string]any `json:"placement"`
		CommunityService map[string]any `json:"community_service"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.Equal(t, map[string]any{"allowed": true, "reasons": []any{}, "assignment_allowed": true, "assignment_reasons": []any{}}, doc.Placement)
	assert.Equal(t, map[string]any{"eligible": true, "plan_valid": false, "allowance": "52", "reasons": []any{"fiche_not_validly_signed"}}, doc.CommunityService)
}

func TestWorkplacesReport(t *testing.T) {
	code, out, _ := runCLI(t, "workplaces", "../../testdata/workplaces/opwijk.yaml")
	assert.Equal(t, 1, code, "proof is missing")
	assert.Contains(t, out, "6 learning places in 5 unique workplaces, 3 mentors")
	assert.Contains(t, out, "missing (8)")
	code, out, errs := runCLI(t, "workplaces", "--json", "--date", "2023-07-15", "../../testdata/workplaces/opwijk-complete.yaml")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, `"complete": true`)
	bad := writeFile(t, "bad.yaml", "authority: X\nworkplaces: [{function: a, servise: b, places: 1}]\n")
	code, _, errs = runCLI(t, "workplaces", bad)
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "servise")
}

// population | bulk: the analyst's pipeline from the command line.
func TestPopulationAndBulk(t *testing.T) {
	code, pop, errs := runCLI(t, "population", "--n", "300", "--seed", "4")
	require.Equal(t, 0, code, errs)
	assert.Equal(t, 300, strings.Count(pop, "\n"))
	_, again, _ := runCLI(t, "population", "--n", "300", "--seed", "4")
	assert.Equal(t, pop, again, "deterministic")

	file := writeFile(t, "pop.jsonl", pop)
	code, out, errs := runCLI(t, "bulk", file)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, errs, "300 cases (0 errors)")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 300)
	var first struct {
		ID     string                     `json:"id"`
		Result map[string]json.RawMessage `json:"result"`
	}
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &first))
	assert.Equal(t, "c0000001", first.ID)
	assert.Contains(t, first.Result, "eligibility")
	assert.NotContains(t, first.Result, "explanations")

	code, out, errs = runCLI(t, "bulk", "--explain", "-q", "--date", "2024-01-01", file)
	require.Equal(t, 0, code)
	assert.Empty(t, errs, "-q: nothing on stderr")
	_, _, errs = runCLI(t, "bulk", "--quiet", file)
	assert.Empty(t, errs, "--quiet: nothing on stderr")
	assert.Contains(t, out, `"explanations"`)
	assert.Contains(t, out, `"date":"2024-01-01"`)

	code, _, _ = runCLI(t, "population", "--n", "-1")
	assert.Equal(t, 2, code)
}

func TestCompare(t *testing.T) {
	pop := "../../compare/testdata/small.jsonl"
	cap80, price9 := "../../examples/reform/cap-80-2027.yaml", "../../examples/reform/price-band-9-2027.yaml"
	html := filepath.Join(t.TempDir(), "report.html")
	code, out, errOut := runCLI(t, "compare", "--reform", cap80, "--reform", price9, "--html", html, "--by", "referrer", pop)
	require.Equal(t, 0, code, errOut)
	assert.Empty(t, errOut, "no progress when stderr is not a terminal")
	// The hand count of compare/testdata/small.jsonl (compare_test.go).
	assert.Contains(t, out, "Headline: 1 cases whose decision changes (16.7 %); 1 more only in their reasons; 2 only in bookkeeping; 2 unchanged cases.")
	assert.Regexp(t, `worker allowances\s+32.80\s+45.10\s+\+12.30`, out)
	assert.Regexp(t, `cheque revenue\s+52.15\s+94.40\s+\+42.25`, out)
	assert.Regexp(t, `(?m)^\s+vdab\s+2\s+1\s`, out)
	page, err := os.ReadFile(html)
	require.NoError(t, err)
	assert.Contains(t, string(page), "<svg")
	assert.Contains(t, string(page), `id="groups-referrer"`)

	code, out, errOut = runCLI(t, "compare", "--reform", cap80, "--lang", "nl", "--html", html, pop)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "Kern: 1 gevallen waarvan een beslissing verandert (16,7 %)")
	page, err = os.ReadFile(html)
	require.NoError(t, err)
	assert.Contains(t, string(page), `<html lang="nl">`)
	assert.Contains(t, string(page), "Wie wint, wie verliest")

	code, out, errOut = runCLI(t, "compare", "--reform", cap80, "--json", pop)
	require.Equal(t, 0, code, errOut)
	var rep struct {
		Cases, Decided, Errors, Changed int
		Headline                        struct {
			DecisionChanged int `json:"decision_changed"`
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, 7, rep.Cases)
	assert.Equal(t, 1, rep.Errors)
	assert.Equal(t, 1, rep.Headline.DecisionChanged)

	code, out, errOut = runCLI(t, "compare", "--sweep", "hours.per_month_max=58,60,80", "--csv", pop)
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "hours.per_month_max,58,worker allowances,EUR,16.4\n")

	for _, args := range [][]string{
		{"compare", pop},               // neither reform nor sweep
		{"compare", "--reform", cap80}, // no population
		{"compare", "--reform", cap80, "--json", "--csv", pop},
		{"compare", "--sweep", "nope=1,2", pop},
		{"compare", "--reform", cap80, "--date", "2027-02-30", pop},
		{"compare", "--reform", cap80, "--lang", "fr", pop},
		{"compare", "--sweep", "hours.per_month_max=60,80", "--by", "referrer", pop},
	} {
		code, _, errOut := runCLI(t, args...)
		assert.Equal(t, 2, code, "%v", args)
		assert.Contains(t, errOut, "wijkwerken compare:", "%v", args)
	}
	code, _, errOut = runCLI(t, "compare", "--reform", cap80, "--by", "shoe_size", pop)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, `cannot group by "shoe_size": want one of income, municipality,`)
	code, _, errOut = runCLI(t, "compare", "--reform", "../../testdata/reforms/does-not-exist.yaml", pop)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "does-not-exist.yaml")
}

// The calibrated population from the command line: a hundredth of
// Flanders (60 wijk-werkers a month), twelve months, the same for a seed.
func TestPopulationCalibrated(t *testing.T) {
	code, pop, errs := runCLI(t, "population", "--calibrated", "--year", "2027", "--scale", "0.01", "--seed", "3")
	require.Equal(t, 0, code, errs)
	// 60 wijk-werkers and 5 people in gemeenschapsdienst, each month.
	assert.Equal(t, 12*(60+5), strings.Count(pop, "\n"))
	_, again, _ := runCLI(t, "population", "--calibrated", "--year", "2027", "--scale", "0.01", "--seed", "3")
	assert.Equal(t, pop, again, "deterministic")
	file := writeFile(t, "fl.jsonl", pop)
	code, out, errs := runCLI(t, "compare", "--reform", "../../examples/reform/cap-80-2027.yaml", "--by", "user_type", file)
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "Budget per year 2027 (780 cases)")
	for _, args := range [][]string{
		{"population", "--calibrated", "--n", "5"},
		{"population", "--scale", "0.5"},
		{"population", "--calibrated", "--scale", "zero"},
		{"population", "--calibrated", "--scale", "0"},
		{"population", "--calibrated", "--year", "2016"},
	} {
		code, _, errOut := runCLI(t, args...)
		assert.Equal(t, 2, code, "%v", args)
		assert.Contains(t, errOut, "wijkwerken population:", "%v", args)
	}
}

// A broken scenario in examples/ci shows as an annotation on its exact
// line: the expectation that fails (line 10 of broken.yaml).
func TestTestGitHubAnnotationOnTheLine(t *testing.T) {
	code, out, errOut := runCLI(t, "test", "--format", "github", "../../examples/ci/broken")
	require.Equal(t, 1, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 2)
	assert.Equal(t, "::error file=../../examples/ci/broken/broken.yaml,line=10,title=scenario the pay is wrong on purpose::"+
		"vouchers.allowance: want 5.00, got 4.10%0Areproduce: wijkwerken test --run '^the pay is wrong on purpose$' ../../examples/ci/broken/broken.yaml", lines[0])
	assert.Equal(t, "0 passed, 1 failed", lines[1])

	// A broken file is annotated on the line of each problem.
	bad := writeFile(t, "bad.yaml", "scenarios:\n  - name: x\n    date: 2024-01-01\n    case: {}\n    expect: {eligibility.eligble: true}\n")
	code, out, _ = runCLI(t, "test", "--format", "github", bad)
	assert.Equal(t, 2, code)
	assert.Contains(t, out, "::error file="+strings.NewReplacer(":", "%3A", ",", "%2C").Replace(bad)+",line=5,col=14,title=broken scenario file::")
	assert.Contains(t, out, `did you mean "eligibility.eligible"?`)
}

func TestTestCoverage(t *testing.T) {
	code, out, errOut := runCLI(t, "test", "--coverage", "--min-coverage", "100", scenarios)
	require.Equal(t, 0, code, errOut)
	rb, err := wk.Reference()
	require.NoError(t, err)
	n := len(rb.Rules(""))
	assert.Contains(t, out, fmt.Sprintf("coverage: %d of %d rules reached (100.0%%), %d with every outcome (100.0%%)", n, n, n))
	assert.Regexp(t, `(?m)^eligibility\.interim\s+condition\s+\d+\s+\d+\s+\d+`, out)

	// The vendor example covers part of the rulebook: the workflow's own
	// command passes; a threshold of 100 fails it.
	code, out, errOut = runCLI(t, "test", "--format", "github", "--coverage", "--junit", filepath.Join(t.TempDir(), "s.xml"), "../../examples/ci/scenarios")
	require.Equal(t, 0, code, out+errOut)
	assert.Contains(t, out, "rules no scenario reaches:")
	code, _, errOut = runCLI(t, "test", "--min-coverage", "100", "../../examples/ci/scenarios")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "is below --min-coverage 100%")
}

func TestTestRunAndJSON(t *testing.T) {
	code, out, errOut := runCLI(t, "test", "--run", `^clients by income and domicile \(row [12]\)$`, "-v", "../../examples/ci/scenarios")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "2 passed, 0 failed")
	code, _, errOut = runCLI(t, "test", "--run", "(", scenarios)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "--run")

	code, out, _ = runCLI(t, "test", "--format", "json", "--reform", "../../testdata/reforms/monthly-cap-80.yaml", "../../examples/ci/scenarios")
	require.Equal(t, 1, code, "the monthly cap changes the month's last hours")
	var rep struct {
		Passed, Failed int
		Scenarios      []struct {
			Name, Reproduce string
			Passed          bool
		}
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Positive(t, rep.Failed)
	for _, s := range rep.Scenarios {
		if !s.Passed {
			assert.True(t, strings.HasPrefix(s.Reproduce, "wijkwerken test --reform ../../testdata/reforms/monthly-cap-80.yaml --run '^"), s.Reproduce)
		}
	}
	code, _, errOut = runCLI(t, "test", "--format", "xml", scenarios)
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "want text, json or github")
}

// The progress line counts the cases read and the share of the input, and
// is never shown on what is not a terminal.
func TestProgress(t *testing.T) {
	file := writeFile(t, "three.jsonl", "{}\n{}\n{}\n")
	f, err := os.Open(file)
	require.NoError(t, err)
	defer f.Close()
	var errOut bytes.Buffer
	p := newProgress("bulk", f, newEscaper(&errOut), true) // stderr as run gives it
	_, err = io.ReadAll(p)
	require.NoError(t, err)
	assert.Regexp(t, `^bulk: 3 cases read \(100% of the input\), \d+ cases/s$`, p.line())
	p.Close()
	assert.Contains(t, errOut.String(), "\r\033[K", "the line is cleared at the end")
	assert.False(t, isTerminal(&errOut))
	assert.False(t, isTerminal(f), "a regular file is no terminal")
}
