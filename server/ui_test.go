package server

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/scenario"
)

// page GETs a page of the web interface in English.
func (f *fixture) page(t *testing.T, path string) answer {
	t.Helper()
	return f.do(t, "GET", path, "", "", "Accept-Language", "en-GB,en;q=0.9")
}

func TestUIPages(t *testing.T) {
	f := start(t, Config{})
	for _, tc := range []struct {
		path   string
		status int
		want   []string
	}{
		// The tax reduction's rate: 30 % to 2019, 20 % from 2020 (MD 9).
		{"/?at=2019-06-01", 200, []string{"<h1>The rulebook</h1>", `href="/areas/eligibility?at=2019-06-01"`, `href="/parameters/vouchers.tax_rate?at=2019-06-01"`}},
		{"/areas/eligibility?at=2024-01-01", 200, []string{`id="eligibility.interim"`, "interim_days_last_28", "interim_limit_exceeded", `rel="noreferrer noopener external"`}},
		{"/rules/eligibility.interim?at=2024-01-01", 200, []string{"In force on 2024-01-01", `href="/parameters/eligibility.interim_days_max?at=2024-01-01"`}},
		{"/parameters?at=2021-06-01", 200, []string{"vouchers.tax_rate"}},
		{"/parameters/vouchers.tax_rate?at=2021-06-01", 200, []string{`<svg class="timeline"`, `id="step-2" class="current"`, `href="#step-3"`, "vouchers.tax_reduction", "at least <code>0</code>, at most <code>1</code>"}},
		{"/parameters/hours.per_month_max", 200, []string{`<svg class="timeline"`}},
		{"/search?q=interim_limit_exceeded", 200, []string{`class="hit hit-reason"`}},
		{"/search?q=tax", 200, []string{"vouchers.tax_rate"}},
		{"/changes?from=2019-06-01&to=2021-06-01", 200, []string{"vouchers.tax_rate", "<code>0.3</code>", "<code>0.2</code>"}},
		{"/case", 200, []string{`name="person.income"`, `<option value="leefloon">`, `name="household.partner.income"`, `data-kind="months"`, `<datalist id="activities">`, `<option value="light_garden_maintenance">`}},
		{"/reform", 200, []string{`id="rules-editor"`, `data-rules="{`, `<option value="hours.per_month_max">`}},
		{"/scenarios", 200, []string{`id="scenario-files"`}},
		{"/rules/nope", 404, []string{"The rulebook has no rule"}},
		{"/parameters/nope", 404, []string{"The rulebook has no parameter"}},
		{"/areas/nope", 404, []string{"The rulebook has no area"}},
		{"/?at=2024-02-30", 200, []string{`class="error"`, "2024-02-30"}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			a := f.page(t, tc.path)
			require.Equal(t, tc.status, a.status, string(a.body))
			assert.Equal(t, "text/html; charset=utf-8", a.header.Get("Content-Type"))
			assert.Contains(t, a.header.Get("Content-Security-Policy"), "default-src 'self'")
			body := string(a.body)
			for _, w := range tc.want {
				assert.Contains(t, body, w)
			}
			assert.NotContains(t, body, "{{")
			// Nothing is fetched from elsewhere: every src and stylesheet is
			// the service's own.
			for _, m := range regexp.MustCompile(`<a href="(?:https?:)?//[^"]*"([^>]*)>`).FindAllStringSubmatch(body, -1) {
				assert.Contains(t, m[1], `rel="noreferrer noopener external"`, "an outside address that is not a source link: %s", m[0])
			}
			assert.NotRegexp(t, `<(script|link|img)[^>]+(src|href)="https?:`, body)
		})
	}
}

func TestUILanguage(t *testing.T) {
	f := start(t, Config{})
	nl := f.do(t, "GET", "/case", "", "", "Accept-Language", "nl-BE")
	assert.Contains(t, string(nl.body), `<html lang="nl">`)
	assert.Contains(t, string(nl.body), "Een casus beoordelen")
	en := f.do(t, "GET", "/case?lang=en", "", "", "Accept-Language", "nl-BE")
	assert.Contains(t, string(en.body), `<html lang="en">`)
	assert.Contains(t, string(en.body), "Evaluate a case")
	assert.Contains(t, en.header.Get("Set-Cookie"), "wijkwerken_lang=en")
	again := f.do(t, "GET", "/case", "", "", "Cookie", "wijkwerken_lang=en", "Accept-Language", "nl")
	assert.Contains(t, string(again.body), `<html lang="en">`)
}

// TestUIText checks that every word the templates and the script ask for
// exists in Dutch and in English, and that every field of the case form,
// every area and every group of parameters has its label.
func TestUIText(t *testing.T) {
	for k, v := range uiText {
		assert.NotEmpty(t, v[0], "%s has no Dutch", k)
		assert.NotEmpty(t, v[1], "%s has no English", k)
	}
	files, err := fs.Glob(uiFiles, "ui/templates/*.html")
	require.NoError(t, err)
	key := regexp.MustCompile(`\{\{t \$?[.A-Za-z]+ "([^"]+)"`)
	n := 0
	for _, name := range files {
		b, err := fs.ReadFile(uiFiles, name)
		require.NoError(t, err)
		for _, m := range key.FindAllStringSubmatch(string(b), -1) {
			n++
			_, ok := uiText[m[1]]
			assert.True(t, ok, "%s: no text for %q", name, m[1])
		}
	}
	assert.Greater(t, n, 100)
	js, err := fs.ReadFile(uiFiles, "ui/static/app.js")
	require.NoError(t, err)
	for _, m := range regexp.MustCompile(`\bt\("([a-z]+)"\)`).FindAllStringSubmatch(string(js), -1) {
		_, ok := uiText["js."+m[1]]
		assert.True(t, ok, "app.js: no text for %q", m[1])
	}
	var walk func(fs []formField)
	walk = func(ff []formField) {
		for _, f := range ff {
			_, ok := uiText["field."+f.Path]
			assert.True(t, ok, "the case form's field %s has no label", f.Path)
			walk(f.Fields)
		}
	}
	form := caseForm()
	require.NotEmpty(t, form)
	walk(form)
	f := start(t, Config{})
	for _, a := range f.srv.base.rb.Areas() {
		_, ok := uiText["area."+a]
		assert.True(t, ok, "area %s has no name", a)
	}
	for _, g := range f.srv.ui.paramGroups(sampleDate) {
		_, ok := uiText["area."+g.Name]
		assert.True(t, ok, "parameter group %s has no name", g.Name)
	}
}

// TestCaseForm checks the form built from the case document's schema: the
// sections in the contract's order, each enumeration with its values.
func TestCaseForm(t *testing.T) {
	form := caseForm()
	var sections []string
	kinds := map[string]formField{}
	var walk func(ff []formField)
	walk = func(ff []formField) {
		for _, f := range ff {
			kinds[f.Path] = f
			walk(f.Fields)
		}
	}
	walk(form)
	for _, f := range form {
		sections = append(sections, f.Path)
	}
	assert.Equal(t, sectionOrder, sections)
	assert.Equal(t, "enum", kinds["person.income"].Kind)
	assert.Equal(t, []string{"unemployment_benefit", "leefloon", "leefloon_equivalent", "none"}, kinds["person.income"].Enum)
	assert.Equal(t, "bool", kinds["person.registered_jobseeker"].Kind)
	assert.Equal(t, "date", kinds["trajectory.start"].Kind)
	assert.Equal(t, "dates", kinds["trajectory.evaluations"].Kind)
	assert.Equal(t, "months", kinds["trajectory.hours"].Kind)
	assert.Equal(t, "records", kinds["trajectory.suspensions"].Kind)
	assert.Equal(t, []string{"from", "to"}, kinds["trajectory.suspensions"].Items)
	assert.Equal(t, "decimal", kinds["organiser.cheque_price"].Kind)
	assert.Equal(t, "integer", kinds["request.minutes"].Kind)
	assert.Equal(t, "integers", kinds["trajectory.agreement.hours_plan"].Kind)
	assert.Equal(t, "object", kinds["request.user"].Kind)
	assert.Equal(t, "enum", kinds["request.user.type"].Kind)
}

func TestUIDecide(t *testing.T) {
	f := start(t, Config{})
	// More than 10 interim days in the last 28 exclude (MD 7).
	a := f.post(t, "/ui/decide", `{"date": "2024-03-01", "lang": "en", "case": {"person": {"domicile_region": "flanders", "registered_jobseeker": true, "income": "unemployment_benefit", "interim_days_last_28": 16, "jobseeking_since": "2021-01-01"}}}`)
	require.Equal(t, 200, a.status, string(a.body))
	body := string(a.body)
	assert.Contains(t, body, `<code data-path="eligibility.eligible">false</code>`)
	assert.Contains(t, body, `data-code="interim_limit_exceeded"`)
	assert.Contains(t, body, `<span lang="en">`)
	assert.Contains(t, body, `lang="nl"`)
	assert.Contains(t, body, `href="/rules/eligibility.interim?at=2024-03-01"`)
	assert.Contains(t, body, `href="/parameters/eligibility.interim_days_max?at=2024-03-01"`)
	// Eligibility comes before community service, as in the contract.
	assert.Less(t, strings.Index(body, `id="area-eligibility"`), strings.Index(body, `id="area-community_service"`))

	bad := f.post(t, "/ui/decide", `{"date": "2024-03-01", "lang": "nl", "case": {"person": {"income": "salary"}}}`)
	assert.Equal(t, 422, bad.status)
	assert.Contains(t, string(bad.body), `class="problem"`)
	assert.Contains(t, string(bad.body), "case.person.income")
	early := f.post(t, "/ui/decide", `{"date": "2017-01-01", "case": {"person": {"domicile_region": "flanders", "income": "leefloon"}}}`)
	assert.Equal(t, 422, early.status)
	assert.Contains(t, string(early.body), "2017-01-01")
	f.do(t, "POST", "/ui/decide", "text/plain", "{}").problem(t, 415, KindUnsupportedMedia)
}

func TestUIScenarios(t *testing.T) {
	f := start(t, Config{})
	suite := "scenarios:\n" +
		"  - {name: leefloon refers the OCMW, date: 2024-03-01, case: {person: {domicile_region: flanders, registered_jobseeker: false, income: leefloon}}, expect: {eligibility.referrer: ocmw}}\n" +
		"  - {name: a wrong expectation, date: 2024-03-01, case: {person: {domicile_region: flanders, registered_jobseeker: true, income: none}}, expect: {eligibility.referrer: ocmw}}\n"
	body, _ := json.Marshal(uiScenariosRequest{ScenariosRequest: ScenariosRequest{Files: []File{{Name: "s.yaml", Content: suite}}}, Lang: "en"})
	a := f.post(t, "/ui/scenarios", string(body))
	require.Equal(t, 200, a.status, string(a.body))
	out := string(a.body)
	assert.Contains(t, out, "<strong>1</strong> passed, <strong>1</strong> failed")
	assert.Contains(t, out, "wijkwerken test --run")
	assert.Contains(t, out, "want ocmw")
	assert.Contains(t, out, "got  vdab")
	// Failures come first.
	assert.Less(t, strings.Index(out, "a wrong expectation"), strings.Index(out, "leefloon refers the OCMW"))

	broken := f.post(t, "/ui/scenarios", `{"files": [{"name": "b.yaml", "content": "scenarios: 3"}]}`)
	assert.Equal(t, 422, broken.status)
	assert.Contains(t, string(broken.body), "b.yaml")
	none := f.post(t, "/ui/scenarios", `{"files": []}`)
	assert.Equal(t, 400, none.status)
}

func TestUIStaticAndOff(t *testing.T) {
	f := start(t, Config{})
	js := f.page(t, "/static/app.js")
	require.Equal(t, 200, js.status)
	assert.Contains(t, js.header.Get("Content-Type"), "javascript")
	css := f.page(t, "/static/style.css")
	require.Equal(t, 200, css.status)
	// Nothing from elsewhere: no @import, no url() to another host, no
	// web font.
	assert.NotRegexp(t, `@import|url\(\s*["']?(https?:)?//|@font-face`, string(css.body))
	assert.NotRegexp(t, `https?://`, string(js.body))
	assert.Equal(t, 404, f.page(t, "/static/nope.js").status)

	off := start(t, Config{DisableUI: true})
	assert.Equal(t, 404, off.page(t, "/").status)
	assert.Equal(t, 200, off.page(t, "/v1/version").status)
	tokens := start(t, Config{Tokens: []string{"t"}})
	assert.Equal(t, 404, tokens.page(t, "/case").status, "a browser cannot send a bearer token: no interface")
}

// TestUILogsHoldNoCaseData: the case goes in POST bodies only, and the
// log names routes, never values.
func TestUILogsHoldNoCaseData(t *testing.T) {
	f := start(t, Config{})
	marker := "Zzyzx-private"
	f.post(t, "/ui/decide", `{"date": "2024-03-20", "case": {"request": {"date": "2024-03-20", "minutes": 70, "user": {"type": "private", "municipality": "`+marker+`"}}, "trajectory": {"start": "2024-01-01"}}}`)
	f.post(t, "/v1/cases/check", `{"document": "person: {income: `+marker+`}"}`)
	f.post(t, "/v1/cases/scenario", `{"date": "2024-03-20", "case": {"request": {"date": "2024-03-20", "minutes": 70, "user": {"type": "private", "municipality": "`+marker+`"}}}}`)
	f.page(t, "/search?q="+marker)
	assert.NotContains(t, f.logs.String(), marker)
	assert.Contains(t, f.logs.String(), `"route":"POST /ui/decide"`)
	assert.Contains(t, f.logs.String(), `"route":"GET /search"`)
}

func TestChanges(t *testing.T) {
	f := start(t, Config{})
	a := f.page(t, "/v1/changes?from=2019-06-01&to=2021-06-01")
	require.Equal(t, 200, a.status, string(a.body))
	var c struct {
		Parameters []struct {
			ID            string
			Before, After *struct{ Value any }
		}
	}
	require.NoError(t, json.Unmarshal(a.body, &c))
	type step = struct{ Before, After string }
	ids := map[string]step{}
	for _, p := range c.Parameters {
		ids[p.ID] = step{fmt.Sprint(p.Before.Value), fmt.Sprint(p.After.Value)}
	}
	// MD 9: 30 % to 2019-12-31, 20 % from 2020-01-01; the ceiling of 1 500
	// in 2019 became 1 530 in 2021 (MD 11).
	require.Contains(t, ids, "vouchers.tax_rate")
	assert.Equal(t, "0.3", ids["vouchers.tax_rate"].Before)
	assert.Equal(t, "0.2", ids["vouchers.tax_rate"].After)
	assert.Contains(t, ids, "vouchers.tax_ceiling")
	assert.NotContains(t, ids, "hours.per_month_max")
	// From before any rule: every rule comes into force.
	early := changesBetween(f.srv.base.rb, "", wk.MustParseDate("2017-06-01"), wk.MustParseDate("2024-06-01"))
	assert.NotEmpty(t, early.Rules)
	for _, r := range early.Rules {
		assert.Nil(t, r.Before, r.ID)
		assert.NotNil(t, r.After, r.ID)
	}
	same := changesBetween(f.srv.base.rb, "", wk.MustParseDate("2024-06-01"), wk.MustParseDate("2024-06-01"))
	assert.Empty(t, same.Parameters)
	assert.Empty(t, same.Rules)
	f.page(t, "/v1/changes?from=2019-06-01").problem(t, 422, KindBadDate)
	f.page(t, "/v1/changes?from=2019-13-01&to=2020-01-01").problem(t, 422, KindBadDate)
}

func TestLint(t *testing.T) {
	f := start(t, Config{})
	ok := f.post(t, "/v1/lint", `{"reforms": [{"name": "r.yaml", "content": "reform: cap 80\ncite: t\nset:\n  - {param: hours.per_month_max, from: 2024-01-01, value: 80}\n"}]}`)
	require.Equal(t, 200, ok.status, string(ok.body))
	var res LintResponse
	require.NoError(t, json.Unmarshal(ok.body, &res))
	assert.True(t, res.OK)
	assert.Empty(t, res.Errors)
	assert.NotEqual(t, f.srv.Fingerprint(), res.Fingerprint)

	// A misspelled field: the type check names the rule and the line of
	// its expression (line 5 of the file).
	bad := f.post(t, "/v1/lint", `{"reforms": [{"name": "r.yaml", "content": "reform: x\ncite: t\nreplace_rules:\n  - id: eligibility.interim\n    when: person.interim_dayz > 3\n"}]}`)
	require.Equal(t, 200, bad.status, string(bad.body))
	res = LintResponse{}
	require.NoError(t, json.Unmarshal(bad.body, &res))
	assert.False(t, res.OK)
	require.NotEmpty(t, res.Errors)
	assert.Equal(t, "r.yaml", res.Errors[0].File)
	assert.Equal(t, 5, res.Errors[0].Line)
	assert.Equal(t, "eligibility.interim", res.Errors[0].ID)
	assert.Contains(t, res.Errors[0].Message, "interim_dayz")

	unknown := f.post(t, "/v1/lint", `{"reforms": [{"name": "r.yaml", "content": "reform: x\ncite: t\nset:\n  - {param: hours.per_month_mx, from: 2024-01-01, value: 80}\n"}]}`)
	res = LintResponse{}
	require.NoError(t, json.Unmarshal(unknown.body, &res))
	require.NotEmpty(t, res.Errors)
	assert.Equal(t, 4, res.Errors[0].Line)
	assert.Contains(t, res.Errors[0].Message, "hours.per_month_max", "a did-you-mean")
	f.post(t, "/v1/lint", `{"reforms": []}`).problem(t, 400, KindMalformed)
	f.post(t, "/v1/lint", `{"reform": []}`).problem(t, 400, KindMalformed)
}

func TestCaseCheck(t *testing.T) {
	f := start(t, Config{})
	var res CaseCheckResponse
	a := f.post(t, "/v1/cases/check", `{"document": "date: 2024-03-01\ncase:\n  person:\n    domicile_region: flanders\n    income: leefloon\n"}`)
	require.Equal(t, 200, a.status, string(a.body))
	require.NoError(t, json.Unmarshal(a.body, &res))
	assert.True(t, res.Valid)
	assert.Equal(t, "2024-03-01", res.Date.String())
	assert.Contains(t, res.YAML, "person:\n  domicile_region: flanders\n")
	assert.Contains(t, string(res.Case), `"income":"leefloon"`)

	// Every problem at once, each with its field and line.
	a = f.post(t, "/v1/cases/check", `{"document": "person:\n  income: salary\n  domicile_region: mars\n"}`)
	res = CaseCheckResponse{}
	require.NoError(t, json.Unmarshal(a.body, &res))
	assert.False(t, res.Valid)
	require.Len(t, res.Errors, 2)
	assert.Equal(t, "case.person.income", res.Errors[0].Field)
	assert.Equal(t, 2, res.Errors[0].Line)
	assert.Equal(t, 3, res.Errors[1].Line)

	// The form's JSON; the date beside.
	a = f.post(t, "/v1/cases/check", `{"case": {"trajectory": {"hours": {"2024-13": 3}}}, "date": "2024-02-30"}`)
	res = CaseCheckResponse{}
	require.NoError(t, json.Unmarshal(a.body, &res))
	assert.False(t, res.Valid)
	var fields []string
	for _, e := range res.Errors {
		fields = append(fields, e.Field)
		assert.Zero(t, e.Line, "a line of the case's own text means nothing to the form")
	}
	assert.Contains(t, fields, "date")
	assert.Contains(t, strings.Join(fields, " "), "case.trajectory.hours")

	// The date beside the sections.
	a = f.post(t, "/v1/cases/check", `{"document": "{\"date\": \"2024-03-01\", \"person\": {\"income\": \"none\"}}"}`)
	res = CaseCheckResponse{}
	require.NoError(t, json.Unmarshal(a.body, &res))
	assert.True(t, res.Valid, string(a.body))
	assert.Equal(t, "2024-03-01", res.Date.String())

	f.post(t, "/v1/cases/check", `{}`).problem(t, 400, KindMalformed)
	f.post(t, "/v1/cases/check", `{"document": "x", "case": {}}`).problem(t, 400, KindMalformed)
}

func TestCaseScenario(t *testing.T) {
	f := start(t, Config{})
	a := f.post(t, "/v1/cases/scenario", household)
	require.Equal(t, 200, a.status, string(a.body))
	assert.Equal(t, "application/yaml", a.header.Get("Content-Type"))
	text := string(a.body)
	assert.Contains(t, text, "eligibility.referrer: ocmw") // MD 5
	assert.Contains(t, text, "date: \"2024-03-01\"")
	// The scenario parses and passes against the rulebook it came from.
	suite, err := scenario.Parse("case.yaml", a.body)
	require.NoError(t, err, text)
	require.Len(t, suite.Scenarios, 1)
	assert.NotEmpty(t, suite.Scenarios[0].Expect)
	runner, err := f.srv.base.scenarios()
	require.NoError(t, err)
	rep, err := runner.Run(t.Context(), []*scenario.Suite{suite})
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Passed, text)

	f.post(t, "/v1/cases/scenario", `{"date": "2024-03-01", "case": {"person": {"income": "salary"}}}`).problem(t, 422, KindBadCase)
	f.post(t, "/v1/cases/scenario", `{"date": "2024-03-01"}`).problem(t, 400, KindMalformed)
	f.post(t, "/v1/cases/scenario", `{"case": {"person": {"income": "none"}}}`).problem(t, 422, KindBadDate)
}

func TestSampleAndCompareHTML(t *testing.T) {
	f := start(t, Config{})
	a := f.page(t, "/v1/population/sample")
	require.Equal(t, 200, a.status)
	assert.Equal(t, "application/x-ndjson", a.header.Get("Content-Type"))
	lines := strings.Split(strings.TrimSpace(string(a.body)), "\n")
	assert.Len(t, lines, sampleSize)
	var rec struct {
		ID   string          `json:"id"`
		Date string          `json:"date"`
		Case json.RawMessage `json:"case"`
	}
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &rec))
	assert.NotEmpty(t, rec.ID)
	assert.NotEmpty(t, rec.Case)
	// The same sample every time.
	assert.Equal(t, string(a.body), string(f.page(t, "/v1/population/sample").body))

	cap80 := `{"name": "cap80.yaml", "content": "reform: cap 80\ncite: t\nset:\n  - {param: hours.per_month_max, from: 2018-01-01, value: 80}\n"}`
	h := f.post(t, "/v1/compare?format=html&lang=nl", `{"sample": true, "reforms": [`+cap80+`]}`)
	require.Equal(t, 200, h.status, string(h.body))
	assert.Equal(t, "text/html; charset=utf-8", h.header.Get("Content-Type"))
	assert.Contains(t, string(h.body), `<html lang="nl"`)
	assert.Contains(t, string(h.body), "<svg")
	j := f.post(t, "/v1/compare", `{"sample": true, "reforms": [`+cap80+`]}`)
	require.Equal(t, 200, j.status, string(j.body))
	assert.Equal(t, float64(sampleSize), j.json(t)["cases"])
	f.post(t, "/v1/compare?format=pdf", `{"sample": true, "reforms": [`+cap80+`]}`).problem(t, 400, KindMalformed)
	f.post(t, "/v1/compare", `{"sample": true, "population": [{}], "reforms": [`+cap80+`]}`).problem(t, 400, KindMalformed)
}

func TestScenariosJUnit(t *testing.T) {
	f := start(t, Config{})
	scen := `{"files": [{"name": "s.yaml", "content": "scenarios:\n  - {name: wrong, date: 2024-03-01, case: {person: {domicile_region: flanders, registered_jobseeker: true, income: none}}, expect: {eligibility.referrer: ocmw}}\n"}]}`
	a := f.post(t, "/v1/scenarios/run?format=junit", scen)
	require.Equal(t, 200, a.status, string(a.body))
	assert.Equal(t, "application/xml", a.header.Get("Content-Type"))
	assert.Contains(t, string(a.body), "<testsuite")
	assert.Contains(t, string(a.body), "<failure")
	f.post(t, "/v1/scenarios/run?format=tap", scen).problem(t, 400, KindMalformed)
}

// TestWebDocs keeps docs/web.md naming every page of the interface.
func TestWebDocs(t *testing.T) {
	doc, err := os.ReadFile("../docs/web.md")
	require.NoError(t, err)
	for _, p := range []string{"/changes", "/case", "/reform", "/scenarios", "/parameters/", "/rules/", "/search", "/v1/lint", "/v1/changes", "/v1/cases/check", "/v1/cases/scenario", "/v1/population/sample"} {
		assert.Contains(t, string(doc), p)
	}
}

// TestUIDecisionLog: a decision made from the case page is logged like one
// of /v1/decide, without the case unless the log keeps cases.
func TestUIDecisionLog(t *testing.T) {
	var dlog syncBuffer
	f := start(t, Config{DecisionLog: &dlog})
	a := f.post(t, "/ui/decide", `{"date": "2024-03-01", "case": {"person": {"domicile_region": "flanders", "registered_jobseeker": true, "income": "leefloon"}}}`)
	require.Equal(t, 200, a.status, string(a.body))
	f.srv.dlog.flush()
	assert.Contains(t, dlog.String(), `"endpoint":"ui"`)
	assert.Contains(t, dlog.String(), `"referrer":"ocmw"`) // MD 5
	assert.NotContains(t, dlog.String(), "leefloon\"}}")
}
