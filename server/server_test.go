package server

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wk "github.com/openwijkwerken/wijkwerken"
)

// syncBuffer is a buffer the service's logger and the test share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type fixture struct {
	srv  *Server
	ts   *httptest.Server
	logs *syncBuffer
}

func start(t *testing.T, cfg Config) *fixture {
	t.Helper()
	rb, err := wk.Reference()
	require.NoError(t, err)
	if cfg.Rulebook == nil {
		cfg.Rulebook = rb
	}
	logs := &syncBuffer{}
	cfg.Logger = slog.New(slog.NewJSONHandler(logs, nil))
	srv, err := New(cfg)
	require.NoError(t, err)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return &fixture{srv: srv, ts: ts, logs: logs}
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func (a answer) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(a.body, &m), string(a.body))
	return m
}

// problem decodes a problem answer and checks its form.
func (a answer) problem(t *testing.T, status int, kind string) Problem {
	t.Helper()
	require.Equal(t, status, a.status, string(a.body))
	assert.Equal(t, "application/problem+json", a.header.Get("Content-Type"))
	var p Problem
	require.NoError(t, json.Unmarshal(a.body, &p), string(a.body))
	assert.Equal(t, ProblemBase+kind, p.Type, string(a.body))
	assert.Equal(t, status, p.Status)
	assert.NotEmpty(t, p.Title)
	assert.NotEmpty(t, p.RequestID)
	assert.Equal(t, a.header.Get("X-Request-Id"), p.RequestID)
	return p
}

func (f *fixture) do(t *testing.T, method, path, ctype, body string, hdr ...string) answer {
	t.Helper()
	req, err := http.NewRequest(method, f.ts.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := f.ts.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return answer{resp.StatusCode, resp.Header, b}
}

func (f *fixture) post(t *testing.T, path, body string, hdr ...string) answer {
	return f.do(t, "POST", path, "application/json", body, hdr...)
}

// household is the case of testdata/cases/leefloon-household.yaml: DESIGN.md
// MD 5 says the OCMW refers a person with income none whose partner
// receives leefloon when it chose refer_both after consulting VDAB.
const household = `{"date": "2024-03-01", "case": {"person": {"domicile_region": "flanders", "registered_jobseeker": true,
  "income": "none", "jobseeking_since": "2021-01-01", "interim_days_last_28": 3},
  "household": {"partner": {"income": "leefloon", "registered_jobseeker": false}, "ocmw_option": "refer_both", "vdab_consulted": true}}}`

func TestDecide(t *testing.T) {
	f := start(t, Config{})
	a := f.post(t, "/v1/decide", household)
	require.Equal(t, 200, a.status, string(a.body))
	m := a.json(t)
	el := m["eligibility"].(map[string]any)
	assert.Equal(t, true, el["eligible"])
	assert.Equal(t, "ocmw", el["referrer"])
	assert.Equal(t, "2024-03-01", m["date"])
	assert.Equal(t, f.srv.Fingerprint(), m["fingerprint"])
	assert.Equal(t, f.srv.Fingerprint(), a.header.Get("X-Wijkwerken-Fingerprint"))
	assert.Nil(t, m["trace"])
	// Interim days 3 of at most 10: no reason. Jobseeking since 2021 but
	// not on unemployment benefit: gemeenschapsdienst does not apply.
	expl := m["explanations"].([]any)
	codes := []string{}
	for _, e := range expl {
		x := e.(map[string]any)
		codes = append(codes, x["code"].(string))
		msg := x["message"].(map[string]any)
		assert.NotEmpty(t, msg["nl"])
		assert.NotEmpty(t, msg["en"])
		assert.NotEmpty(t, x["cite"])
	}
	assert.Contains(t, codes, "not_on_unemployment_benefit")

	traced := f.post(t, "/v1/decide?trace=true&lang=en", household).json(t)
	steps := traced["trace"].(map[string]any)["steps"].([]any)
	assert.Greater(t, len(steps), 5)
	for _, e := range traced["explanations"].([]any) {
		msg := e.(map[string]any)["message"].(map[string]any)
		assert.NotEmpty(t, msg["en"])
		assert.Nil(t, msg["nl"], "?lang=en: English only")
	}

	// The date comes from the case's request when the body has none:
	// 70 minutes are two started hours (MD 1).
	a = f.post(t, "/v1/decide", `{"case": {"request": {"date": "2024-03-20", "minutes": 70, "user": {"type": "private"}}, "trajectory": {"start": "2024-03-01"}}}`)
	require.Equal(t, 200, a.status, string(a.body))
	m = a.json(t)
	assert.Equal(t, "2024-03-20", m["date"])
	assert.Equal(t, float64(2), m["hours"].(map[string]any)["counted"])
}

func TestDecideWithReform(t *testing.T) {
	f := start(t, Config{})
	// 59 hours registered in the month: the reference allows one of the two (60 a
	// month, MD 2); a reform of 80 hours allows both hours the request counts.
	body := func(reforms string) string {
		return `{"date": "2024-03-20", "case": {"trajectory": {"start": "2024-01-01", "hours": {"2024-03": 59}},
		  "request": {"date": "2024-03-20", "minutes": 70, "user": {"type": "private"}}}` + reforms + `}`
	}
	base := f.post(t, "/v1/decide", body("")).json(t)
	assert.Equal(t, float64(1), base["hours"].(map[string]any)["allowed"])
	reform := `, "reforms": [{"name": "cap-80.yaml", "content": "reform: cap 80\ncite: test\nset:\n  - {param: hours.per_month_max, from: 2024-01-01, value: 80}\n"}]`
	a := f.post(t, "/v1/decide", body(reform))
	require.Equal(t, 200, a.status, string(a.body))
	m := a.json(t)
	assert.Equal(t, float64(2), m["hours"].(map[string]any)["allowed"])
	assert.NotEqual(t, f.srv.Fingerprint(), m["fingerprint"], "the reformed rulebook's fingerprint")
	assert.Equal(t, m["fingerprint"], a.header.Get("X-Wijkwerken-Fingerprint"))
	// Sent again, the compiled rulebook comes from the cache.
	again := f.post(t, "/v1/decide", body(reform)).json(t)
	assert.Equal(t, m["fingerprint"], again["fingerprint"])
	assert.Equal(t, 1, f.srv.cache.len())

	// A broken reform: every problem with its file, line and column.
	bad := `, "reforms": [{"name": "bad.yaml", "content": "reform: x\ncite: c\nset:\n  - {param: hours.per_mont_max, from: 2024-01-01, value: 80}\n"}]`
	p := f.post(t, "/v1/decide", body(bad)).problem(t, 422, KindBadReform)
	require.NotEmpty(t, p.Errors)
	assert.Equal(t, "bad.yaml", p.Errors[0].File)
	assert.Equal(t, 4, p.Errors[0].Line)
	assert.Contains(t, p.Errors[0].Message, `did you mean "hours.per_month_max"`)

	// A hostile reform: a rule that would build a list of 10^8 numbers is
	// refused when the reform loads, fast, naming its line.
	hostile := `{"date": "2024-03-01", "case": {"person": {"domicile_region": "flanders", "registered_jobseeker": false, "income": "leefloon"}},
	  "reforms": [{"name": "hostile.yaml", "content": "reform: hostile\ncite: c\nadd_rules:\n  - id: eligibility.hostile\n    area: eligibility\n    from: 2018-01-01\n    description: {nl: x, en: x}\n    when: 'len(map(1..100000000, # * 2)) > 0'\n    reason: hostile\n    message: {nl: x, en: x}\n"}]}`
	start := time.Now()
	p = f.post(t, "/v1/decide", hostile).problem(t, 422, KindBadReform)
	assert.Less(t, time.Since(start), 5*time.Second)
	require.NotEmpty(t, p.Errors)
	assert.Equal(t, 8, p.Errors[0].Line)
	assert.Contains(t, p.Errors[0].Message, "steps on one evaluation")

	// A rule that fails only when it runs (a division by zero) is the
	// error of its area; the other areas are decided.
	divides := `{"date": "2024-03-01", "case": {"person": {"domicile_region": "flanders", "registered_jobseeker": false, "income": "leefloon"}},
	  "reforms": [{"name": "hostile.yaml", "content": "reform: hostile\ncite: c\nadd_rules:\n  - id: eligibility.hostile\n    area: eligibility\n    from: 2018-01-01\n    description: {nl: x, en: x}\n    when: 'dec(1) / dec(person.interim_days_last_28) > dec(1)'\n    reason: hostile\n    message: {nl: x, en: x}\n"}]}`
	a = f.post(t, "/v1/decide", divides)
	require.Equal(t, 200, a.status, string(a.body))
	m = a.json(t)
	assert.Contains(t, m["errors"].(map[string]any)["eligibility"], "division by zero")
	assert.NotNil(t, m["community_service"])

	// When the only area of the case fails so, nothing is decided: a
	// rule-error problem naming the rule and where it is written.
	onlyTrajectory := `{"date": "2024-03-01", "case": {"trajectory": {"start": "2024-01-01"}},
	  "reforms": [{"name": "hostile.yaml", "content": "reform: hostile\ncite: c\nadd_rules:\n  - id: trajectory.hostile\n    area: trajectory\n    from: 2018-01-01\n    description: {nl: x, en: x}\n    when: 'add_days(trajectory.start, 3000000) > date'\n    reason: hostile\n    message: {nl: x, en: x}\n"}]}`
	p = f.post(t, "/v1/decide", onlyTrajectory).problem(t, 422, KindRuleError)
	require.NotEmpty(t, p.Errors)
	assert.Equal(t, "trajectory.hostile", p.Errors[0].ID)
	assert.Equal(t, "hostile.yaml", p.Errors[0].File)
	assert.Equal(t, 8, p.Errors[0].Line)
}

// TestBadInput sends each kind of bad request and checks its problem: the
// right status and type, never a 500 and never a crash.
func TestBadInput(t *testing.T) {
	f := start(t, Config{MaxBody: 4096, MaxReforms: 2})
	big := `{"case": {"person": {"income": "` + strings.Repeat("x", 5000) + `"}}}`
	for _, tc := range []struct {
		name, method, path, ctype, body string
		status                          int
		kind, field                     string
		line                            int
	}{
		{"not JSON", "POST", "/v1/decide", "application/json", `{"case": `, 400, KindMalformed, "", 1},
		{"not an object", "POST", "/v1/decide", "application/json", `[1, 2]`, 400, KindMalformed, "", 1},
		{"unknown field", "POST", "/v1/decide", "application/json", `{"case": {}, "cse": {}}`, 400, KindMalformed, "cse", 0},
		{"key twice", "POST", "/v1/decide", "application/json", "{\"case\": {\"person\": {\"income\": \"none\",\n \"income\": \"leefloon\"}}}", 400, KindMalformed, "case.person.income", 2},
		{"wrong type", "POST", "/v1/decide", "application/json", `{"date": 20240301, "case": {}}`, 400, KindMalformed, "date", 1},
		{"no case", "POST", "/v1/decide", "application/json", `{"date": "2024-03-01"}`, 400, KindMalformed, "case", 0},
		{"too deep", "POST", "/v1/decide", "application/json", `{"case": ` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`, 400, KindMalformed, "", 1},
		{"bad case", "POST", "/v1/decide", "application/json", "{\"date\": \"2024-03-01\",\n \"case\": {\"person\": {\"domicile_region\": \"mars\"}}}", 422, KindBadCase, "case.person.domicile_region", 2},
		{"nothing to decide", "POST", "/v1/decide", "application/json", `{"date": "2024-03-01", "case": {}}`, 422, KindBadCase, "", 0},
		{"bad date", "POST", "/v1/decide", "application/json", `{"date": "2024-02-30", "case": {"person": {}}}`, 422, KindBadDate, "date", 0},
		{"no date", "POST", "/v1/decide", "application/json", `{"case": {"person": {}}}`, 422, KindBadDate, "date", 0},
		{"before wijk-werken", "POST", "/v1/decide", "application/json", `{"date": "2017-12-31", "case": {"person": {"domicile_region": "flanders", "income": "leefloon"}}}`, 422, KindNotInForce, "date", 0},
		{"too many reforms", "POST", "/v1/decide", "application/json", `{"date": "2024-03-01", "case": {"person": {}}, "reforms": [{"content": "a"}, {"content": "b"}, {"content": "c"}]}`, 413, KindLimitExceeded, "", 0},
		{"oversized body", "POST", "/v1/decide", "application/json", big, 413, KindLimitExceeded, "", 0},
		{"wrong content type", "POST", "/v1/decide", "text/plain", household, 415, KindUnsupportedMedia, "", 0},
		{"no content type", "POST", "/v1/decide", "", household, 415, KindUnsupportedMedia, "", 0},
		{"batch as JSON", "POST", "/v1/decide/batch", "application/json", "{}", 415, KindUnsupportedMedia, "", 0},
		{"unknown route", "GET", "/v1/decisions", "", "", 404, KindNotFound, "", 0},
		{"unknown parameter", "GET", "/v1/parameters/hours.per_mont_max", "", "", 404, KindNotFound, "", 0},
		{"unknown rule", "GET", "/v1/rules/eligibility.nope", "", "", 404, KindNotFound, "", 0},
		{"wrong method", "GET", "/v1/decide", "", "", 405, KindMethodNotAllowed, "", 0},
		{"wrong method on a GET route", "POST", "/v1/parameters", "application/json", "{}", 405, KindMethodNotAllowed, "", 0},
		{"bad trace flag", "POST", "/v1/decide?trace=yes", "application/json", household, 400, KindMalformed, "trace", 0},
		{"bad lang", "POST", "/v1/decide?lang=fr", "application/json", household, 400, KindMalformed, "lang", 0},
		{"bad at", "GET", "/v1/parameters?at=2024-13-01", "", "", 422, KindBadDate, "at", 0},
		{"unknown area", "GET", "/v1/rules?area=eligibilty", "", "", 400, KindMalformed, "area", 0},
		{"scenario file broken", "POST", "/v1/scenarios/run", "application/json", `{"files": [{"name": "s.yaml", "content": "scenarios:\n  - {name: x, date: 2024-03-01, case: {}, expect: {eligibility.eligble: true}}\n"}]}`, 422, KindBadScenario, "", 0},
		{"no scenario files", "POST", "/v1/scenarios/run", "application/json", `{"files": []}`, 400, KindMalformed, "files", 0},
		{"bad run pattern", "POST", "/v1/scenarios/run", "application/json", `{"run": "(", "files": [{"content": "scenarios:\n  - {name: x, date: 2024-03-01, case: {person: {}}, expect: {eligibility.eligible: true}}\n"}]}`, 400, KindMalformed, "run", 0},
		{"compare without reforms", "POST", "/v1/compare", "application/json", `{"population": [{"id": "a", "date": "2024-03-01", "case": {"person": {}}}], "reforms": []}`, 400, KindMalformed, "reforms", 0},
		{"compare with a broken reform", "POST", "/v1/compare", "application/json", `{"population": [{"id": "a", "date": "2024-03-01", "case": {"person": {}}}], "reforms": [{"content": "reform: x\n"}]}`, 422, KindBadReform, "", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := f.do(t, tc.method, tc.path, tc.ctype, tc.body)
			p := a.problem(t, tc.status, tc.kind)
			if tc.field != "" {
				require.NotEmpty(t, p.Errors, string(a.body))
				assert.Equal(t, tc.field, p.Errors[0].Field, string(a.body))
			}
			if tc.line > 0 {
				require.NotEmpty(t, p.Errors, string(a.body))
				assert.Equal(t, tc.line, p.Errors[0].Line, string(a.body))
				assert.Greater(t, p.Errors[0].Column, 0)
			}
		})
	}
	assert.NotContains(t, f.logs.String(), `"status":500`)
}

func TestBadCasePositions(t *testing.T) {
	f := start(t, Config{})
	body := "{\n  \"date\": \"2024-03-01\",\n  \"case\": {\n    \"person\": {\n\t\"income\": \"salary\",\n      \"incme\": 1\n    }\n  }\n}"
	p := f.post(t, "/v1/decide", body).problem(t, 422, KindBadCase)
	got := map[string][2]int{}
	for _, e := range p.Errors {
		got[e.Field] = [2]int{e.Line, e.Column}
		assert.Equal(t, fieldPointer(e.Field), e.Pointer)
	}
	assert.Equal(t, [2]int{5, 12}, got["case.person.income"], "the value's line and column in the body")
	assert.Equal(t, [2]int{6, 7}, got["case.person.incme"], "the key's line and column in the body")
}

func TestParametersAndRules(t *testing.T) {
	f := start(t, Config{})
	// REGULATION.md: 60 hours a calendar month from 2018.
	m := f.do(t, "GET", "/v1/parameters?at=2024-06-01", "", "").json(t)
	var found bool
	for _, v := range m["values"].([]any) {
		x := v.(map[string]any)
		if x["id"] == "hours.per_month_max" {
			found = true
			assert.Equal(t, float64(60), x["value"])
			assert.NotEmpty(t, x["cite"])
		}
	}
	assert.True(t, found)
	all := f.do(t, "GET", "/v1/parameters", "", "").json(t)
	assert.Len(t, all["parameters"], len(f.srv.base.rb.Parameters()))

	one := f.do(t, "GET", "/v1/parameters/vouchers.tax_rate", "", "").json(t)
	values := one["values"].([]any)
	require.GreaterOrEqual(t, len(values), 2, "the tax rate changed in 2020 (MD 9)")
	assert.Equal(t, "0.3", values[0].(map[string]any)["value"])
	assert.Equal(t, "vouchers.tax_rate", one["id"])

	rules := f.do(t, "GET", "/v1/rules?area=eligibility&at=2024-01-01", "", "").json(t)
	for _, r := range rules["rules"].([]any) {
		assert.Equal(t, "eligibility", r.(map[string]any)["area"])
	}
	assert.NotEmpty(t, rules["rules"])
	rule := f.do(t, "GET", "/v1/rules/eligibility.interim", "", "").json(t)
	assert.Equal(t, "eligibility.interim", rule["id"])
	assert.NotEmpty(t, rule["versions"])
}

func TestScenariosAndCompare(t *testing.T) {
	f := start(t, Config{})
	suite := "suite: s\nscenarios:\n" +
		"  - {name: leefloon refers the OCMW, date: 2024-03-01, case: {person: {domicile_region: flanders, registered_jobseeker: false, income: leefloon}}, expect: {eligibility.referrer: ocmw}}\n" +
		"  - {name: a wrong expectation, date: 2024-03-01, case: {person: {domicile_region: flanders, registered_jobseeker: true, income: none}}, expect: {eligibility.referrer: ocmw}}\n"
	body, _ := json.Marshal(ScenariosRequest{Files: []File{{Name: "s.yaml", Content: suite}}, Coverage: true})
	a := f.post(t, "/v1/scenarios/run", string(body))
	require.Equal(t, 200, a.status, string(a.body))
	m := a.json(t)
	assert.Equal(t, float64(1), m["passed"])
	assert.Equal(t, float64(1), m["failed"])
	assert.NotNil(t, m["coverage"])
	assert.Equal(t, f.srv.Fingerprint(), m["fingerprint"])
	sc := m["scenarios"].([]any)[1].(map[string]any)
	assert.Equal(t, false, sc["passed"])
	assert.Contains(t, sc["reproduce"], "wijkwerken test --run")

	// Two cases at 59 hours in the month: an 80-hour cap allows both
	// requests' two hours instead of one.
	line := `{"id": "%s", "date": "2024-03-20", "case": {"trajectory": {"start": "2024-01-01", "hours": {"2024-03": 59}}, "request": {"date": "2024-03-20", "minutes": 70, "user": {"type": "private"}}}}`
	cmp := fmt.Sprintf(`{"population": [%s, %s], "reforms": [{"name": "cap80.yaml", "content": "reform: cap 80\ncite: t\nset:\n  - {param: hours.per_month_max, from: 2024-01-01, value: 80}\n"}]}`,
		fmt.Sprintf(line, "a"), fmt.Sprintf(line, "b"))
	a = f.post(t, "/v1/compare", cmp)
	require.Equal(t, 200, a.status, string(a.body))
	m = a.json(t)
	assert.Equal(t, float64(2), m["cases"])
	assert.Equal(t, float64(2), m["decided"])
	assert.Equal(t, float64(2), m["changed"])
	assert.NotEqual(t, m["fingerprint"], m["reformed_fingerprint"])

	f2 := start(t, Config{MaxPopulation: 1})
	f2.post(t, "/v1/compare", cmp).problem(t, 413, KindLimitExceeded)
}

func TestBatch(t *testing.T) {
	f := start(t, Config{MaxBody: 2048, MaxUpload: 64 << 10})
	var in strings.Builder
	for i := 0; i < 50; i++ {
		fmt.Fprintf(&in, `{"id": "c%d", "date": "2024-03-01", "case": {"person": {"domicile_region": "flanders", "registered_jobseeker": true, "income": "leefloon"}}}`+"\n", i)
	}
	in.WriteString("\n" + `{"id": "bad", "date": "2024-03-01", "case": {"person": {"income": "salary"}}}` + "\n")
	a := f.do(t, "POST", "/v1/decide/batch", "application/x-ndjson", in.String())
	require.Equal(t, 200, a.status, string(a.body))
	assert.Equal(t, "application/x-ndjson", a.header.Get("Content-Type"))
	lines := strings.Split(strings.TrimSpace(string(a.body)), "\n")
	require.Len(t, lines, 51)
	for i, l := range lines[:50] {
		var out struct {
			ID     string
			Line   int
			Result map[string]any
		}
		require.NoError(t, json.Unmarshal([]byte(l), &out))
		assert.Equal(t, fmt.Sprintf("c%d", i), out.ID, "in order")
		assert.Equal(t, i+1, out.Line)
		assert.Equal(t, "ocmw", out.Result["eligibility"].(map[string]any)["referrer"])
	}
	assert.Contains(t, lines[50], `"error"`)
	assert.Contains(t, lines[50], `"line":52`)

	// Over the upload limit after the first lines: the stream says so last.
	var huge strings.Builder
	for huge.Len() < 80<<10 {
		huge.WriteString(`{"id": "x", "date": "2024-03-01", "case": {"person": {"income": "leefloon"}}}` + "\n")
	}
	a = f.do(t, "POST", "/v1/decide/batch", "application/x-ndjson", huge.String())
	require.Equal(t, 200, a.status)
	all := strings.Split(strings.TrimSpace(string(a.body)), "\n")
	last := all[len(all)-1]
	assert.Contains(t, last, KindLimitExceeded, last)
	// A line over the line limit is an error line, and the stream goes on.
	a = f.do(t, "POST", "/v1/decide/batch", "application/x-ndjson", `{"id": "`+strings.Repeat("x", 4000)+`"}`+"\n"+`{"id": "y", "date": "2024-03-01", "case": {"person": {"domicile_region": "flanders", "income": "leefloon"}}}`+"\n")
	require.Equal(t, 200, a.status)
	lines = strings.Split(strings.TrimSpace(string(a.body)), "\n")
	require.Len(t, lines, 2)
	assert.Equal(t, `{"line":1,"error":"line 1 is longer than the limit of 2048 bytes: skipped"}`, lines[0])
	assert.Contains(t, lines[1], `"id":"y"`)
	assert.Contains(t, lines[1], `"referrer":"ocmw"`)
	// An empty stream: no lines.
	a = f.do(t, "POST", "/v1/decide/batch", "application/x-ndjson", "")
	assert.Equal(t, 200, a.status)
	assert.Empty(t, a.body)
}

func TestVersionHealthMetricsOpenAPI(t *testing.T) {
	f := start(t, Config{})
	v := f.do(t, "GET", "/v1/version", "", "").json(t)
	assert.Equal(t, "github.com/openwijkwerken/wijkwerken", v["engine"].(map[string]any)["module"])
	assert.Equal(t, f.srv.Fingerprint(), v["rulebook"].(map[string]any)["fingerprint"])
	assert.Equal(t, "ok", f.do(t, "GET", "/healthz", "", "").json(t)["status"])
	assert.Equal(t, "ready", f.do(t, "GET", "/readyz", "", "").json(t)["status"])
	f.post(t, "/v1/decide", household)
	f.post(t, "/v1/decide", `{"case": {}}`)
	met := f.do(t, "GET", "/metrics", "", "")
	require.Equal(t, 200, met.status)
	text := string(met.body)
	for _, want := range []string{
		`wijkwerken_http_requests_total{code="200",route="POST /v1/decide"} 1`,
		`wijkwerken_decisions_total{endpoint="decide"} 1`,
		`wijkwerken_errors_total{kind="bad-date"} 1`,
		`wijkwerken_http_request_duration_seconds_bucket{route="POST /v1/decide"`,
		`wijkwerken_build_info{fingerprint="` + f.srv.Fingerprint(),
		"go_goroutines",
	} {
		assert.Contains(t, text, want)
	}
	doc := f.do(t, "GET", "/openapi.json", "", "").json(t)
	assert.Equal(t, "3.1.0", doc["openapi"])
}

// TestLogsHoldNoCaseData decides cases whose fields carry markers, good and
// bad, and finds none of them in the logs, while each request is logged
// with its id, status and latency.
func TestLogsHoldNoCaseData(t *testing.T) {
	f := start(t, Config{})
	marker := "Zzyzx-private"
	f.post(t, "/v1/decide", `{"date": "2024-03-20", "case": {"request": {"date": "2024-03-20", "minutes": 70, "user": {"type": "private", "municipality": "`+marker+`"}}, "trajectory": {"start": "2024-01-01"}}}`)
	f.post(t, "/v1/decide", `{"date": "2024-03-20", "case": {"person": {"income": "`+marker+`"}}}`)
	f.post(t, "/v1/decide?x="+marker, `{"date": "2024-03-20", "case": {"person": {"`+marker+`": 1}}}`)
	f.do(t, "POST", "/v1/decide/batch", "application/x-ndjson", `{"id": "`+marker+`", "case": {"person": {"income": "`+marker+`"}}}`)
	logs := f.logs.String()
	assert.NotContains(t, logs, marker)
	sc := bufio.NewScanner(strings.NewReader(logs))
	n := 0
	for sc.Scan() {
		var rec map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &rec))
		if rec["msg"] != "request" {
			continue
		}
		n++
		assert.NotEmpty(t, rec["request_id"])
		assert.NotNil(t, rec["status"])
		assert.NotNil(t, rec["latency_ms"])
	}
	assert.Equal(t, 4, n)
}

func TestAuth(t *testing.T) {
	f := start(t, Config{Tokens: []string{"s3cret-one", "s3cret-two"}})
	f.post(t, "/v1/decide", household).problem(t, 401, KindUnauthorized)
	a := f.post(t, "/v1/decide", household, "Authorization", "Bearer wrong")
	a.problem(t, 401, KindUnauthorized)
	assert.Contains(t, a.header.Get("WWW-Authenticate"), "Bearer")
	f.post(t, "/v1/decide", household, "Authorization", "Basic czNjcmV0LW9uZQ==").problem(t, 401, KindUnauthorized)
	assert.Equal(t, 200, f.post(t, "/v1/decide", household, "Authorization", "Bearer s3cret-two").status)
	f.do(t, "GET", "/metrics", "", "").problem(t, 401, KindUnauthorized)
	// Probes and the contract need no token.
	assert.Equal(t, 200, f.do(t, "GET", "/healthz", "", "").status)
	assert.Equal(t, 200, f.do(t, "GET", "/readyz", "", "").status)
	assert.Equal(t, 200, f.do(t, "GET", "/openapi.json", "", "").status)
	_, err := New(Config{Rulebook: f.srv.base.rb, Tokens: []string{" "}})
	assert.Error(t, err)
}

func TestCORS(t *testing.T) {
	off := start(t, Config{})
	a := off.post(t, "/v1/decide", household, "Origin", "https://case.example")
	assert.Empty(t, a.header.Get("Access-Control-Allow-Origin"), "no CORS unless configured")
	off.do(t, "OPTIONS", "/v1/decide", "", "", "Origin", "https://case.example", "Access-Control-Request-Method", "POST").problem(t, 405, KindMethodNotAllowed)

	on := start(t, Config{CORSOrigins: []string{"https://case.example"}})
	a = on.do(t, "OPTIONS", "/v1/decide", "", "", "Origin", "https://case.example", "Access-Control-Request-Method", "POST")
	assert.Equal(t, 204, a.status)
	assert.Equal(t, "https://case.example", a.header.Get("Access-Control-Allow-Origin"))
	assert.Contains(t, a.header.Get("Access-Control-Allow-Headers"), "Authorization")
	a = on.post(t, "/v1/decide", household, "Origin", "https://case.example")
	assert.Equal(t, "https://case.example", a.header.Get("Access-Control-Allow-Origin"))
	a = on.post(t, "/v1/decide", household, "Origin", "https://evil.example")
	assert.Empty(t, a.header.Get("Access-Control-Allow-Origin"))
}

func TestDecisionLog(t *testing.T) {
	var dl syncBuffer
	f := start(t, Config{DecisionLog: &dl})
	f.post(t, "/v1/decide", household)
	lineA := `{"id": "a", "date": "2024-03-01", "case": {"person": {"domicile_region": "flanders", "income": "leefloon"}}}`
	lineC := `{"id": "c", "date": "2024-03-01", "case": {"person": {"domicile_region": "flanders", "income": "none"}}}`
	f.do(t, "POST", "/v1/decide/batch", "application/x-ndjson", lineA+"\n\n"+`{"id": "b", "case": {}}`+"\n"+lineC+"\n")
	lines := strings.Split(strings.TrimSpace(dl.String()), "\n")
	require.Len(t, lines, 3, "decide, and the two batch lines that decided (b had no date)")
	var recs []decisionRecord
	for _, l := range lines {
		var r decisionRecord
		require.NoError(t, json.Unmarshal([]byte(l), &r))
		recs = append(recs, r)
		assert.Equal(t, f.srv.Fingerprint(), r.Fingerprint)
		assert.Nil(t, r.Input, "no case without LogCases")
		assert.NotContains(t, l, "leefloon\"}}", "no input")
		assert.False(t, r.Time.IsZero())
	}
	assert.Equal(t, digest([]byte(household)), recs[0].InputDigest, "the digest of the body as sent")
	assert.Equal(t, "ocmw", gjson(t, recs[1].Outputs, "eligibility", "referrer"))
	assert.Equal(t, digest([]byte(lineC)), recs[2].InputDigest, "line c with its own input")
	assert.Equal(t, 4, recs[2].Line)

	var dl2 syncBuffer
	f2 := start(t, Config{DecisionLog: &dl2, LogCases: true})
	f2.post(t, "/v1/decide", household)
	var r decisionRecord
	require.NoError(t, json.Unmarshal(bytes.TrimSpace([]byte(dl2.String())), &r))
	assert.Contains(t, string(r.Input), `"ocmw_option":"refer_both"`)
}

func gjson(t *testing.T, raw json.RawMessage, path ...string) any {
	var v any
	require.NoError(t, json.Unmarshal(raw, &v))
	for _, p := range path {
		v = v.(map[string]any)[p]
	}
	return v
}

// TestOverload fills every slot and the queue: the next request gets 429
// at once, one that waits too long 503, both with Retry-After.
func TestOverload(t *testing.T) {
	f := start(t, Config{MaxInFlight: 1, MaxQueue: 1, QueueWait: 300 * time.Millisecond})
	release := make(chan struct{})
	f.srv.slots.slots <- struct{}{} // the one slot, taken
	go func() {
		<-release
		<-f.srv.slots.slots
	}()
	var wg sync.WaitGroup
	var waited answer
	wg.Add(1)
	go func() { defer wg.Done(); waited = f.post(t, "/v1/decide", household) }()
	require.Eventually(t, func() bool { return f.srv.slots.waiting.Load() == 1 }, 2*time.Second, time.Millisecond)
	a := f.post(t, "/v1/decide", household)
	p := a.problem(t, 429, KindTooManyRequests)
	assert.Equal(t, "1", a.header.Get("Retry-After"))
	assert.Contains(t, p.Detail, "retry")
	wg.Wait()
	waited.problem(t, 503, KindUnavailable)
	assert.Equal(t, "1", waited.header.Get("Retry-After"))
	close(release)
	require.Eventually(t, func() bool { return f.srv.slots.inUse() == 0 }, time.Second, time.Millisecond)
	assert.Equal(t, 200, f.post(t, "/v1/decide", household).status)

	// Streams have their own limit and no queue.
	f.srv.streams.slots <- struct{}{}
	f.srv.streams.slots <- struct{}{}
	a = f.do(t, "POST", "/v1/decide/batch", "application/x-ndjson", "")
	a.problem(t, 429, KindTooManyRequests)
	assert.Equal(t, "5", a.header.Get("Retry-After"))
}

// TestGracefulShutdown starts a stream that is still being sent, shuts
// the service down, and sees the stream finish whole while /readyz says
// 503 and new connections are refused.
func TestGracefulShutdown(t *testing.T) {
	rb, err := wk.Reference()
	require.NoError(t, err)
	srv, err := New(Config{Rulebook: rb, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln, 10*time.Second) }()
	url := "http://" + ln.Addr().String()

	pr, pw := io.Pipe()
	req, _ := http.NewRequest("POST", url+"/v1/decide/batch", pr)
	req.Header.Set("Content-Type", "application/x-ndjson")
	type result struct {
		lines int
		err   error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{strings.Count(string(b), "\n"), err}
	}()
	line := `{"id": "x", "date": "2024-03-01", "case": {"person": {"income": "leefloon"}}}` + "\n"
	for i := 0; i < 10; i++ {
		_, err := pw.Write([]byte(line))
		require.NoError(t, err)
	}
	require.Eventually(t, func() bool { return srv.streams.inUse() == 1 }, 2*time.Second, time.Millisecond)
	cancel() // SIGTERM, as the command does
	require.Eventually(t, func() bool { return !srv.ready.Load() }, 2*time.Second, time.Millisecond)
	if c, err := net.DialTimeout("tcp", ln.Addr().String(), 200*time.Millisecond); err == nil {
		c.Close()
		t.Error("a new connection was accepted after shutdown began")
	}
	for i := 0; i < 10; i++ {
		_, err := pw.Write([]byte(line))
		require.NoError(t, err, "the stream in flight goes on")
	}
	pw.Close()
	r := <-got
	require.NoError(t, r.err)
	assert.Equal(t, 20, r.lines, "every line of the stream in flight answered")
	require.NoError(t, <-done)
}

func TestPointers(t *testing.T) {
	assert.Equal(t, "/case/person/income", fieldPointer("case.person.income"))
	assert.Equal(t, "/reforms/0", fieldPointer("reforms[0]"))
	assert.Equal(t, "/case/trajectory/agreement/hours_plan/2", fieldPointer("case.trajectory.agreement.hours_plan[2]"))
	assert.Equal(t, "case.person.income", pointerField("/case/person/income"))
	assert.Equal(t, "population[3].case", pointerField("/population/3/case"))
}

func TestMain(m *testing.M) {
	os.Exit(m.Run())
}

// failingWriter is a decision log on a full disk.
type failingWriter struct{ after int }

func (f *failingWriter) Write(p []byte) (int, error) {
	if f.after <= 0 {
		return 0, fmt.Errorf("no space left on device")
	}
	f.after--
	return len(p), nil
}

// TestDecisionLogFailure: a decision that cannot be logged is not answered.
func TestDecisionLogFailure(t *testing.T) {
	f := start(t, Config{DecisionLog: &failingWriter{after: 2}})
	assert.Equal(t, 200, f.post(t, "/v1/decide", household).status)
	var in strings.Builder
	for i := 0; i < 5; i++ {
		in.WriteString(`{"id": "x", "date": "2024-03-01", "case": {"person": {"domicile_region": "flanders", "income": "leefloon"}}}` + "\n")
	}
	a := f.do(t, "POST", "/v1/decide/batch", "application/x-ndjson", in.String())
	lines := strings.Split(strings.TrimSpace(string(a.body)), "\n")
	require.Len(t, lines, 2, "one result logged and answered, then the line that says why the stream stops")
	assert.Contains(t, lines[0], `"result"`)
	assert.Contains(t, lines[1], KindUnavailable)
	f.post(t, "/v1/decide", household).problem(t, 503, KindUnavailable)
	assert.NotContains(t, f.logs.String(), "leefloon")
}

// TestShutdownDelay: told to stop, the service goes on serving for the
// delay with /readyz answering 503.
func TestShutdownDelay(t *testing.T) {
	rb, err := wk.Reference()
	require.NoError(t, err)
	srv, err := New(Config{Rulebook: rb, ShutdownDelay: 500 * time.Millisecond, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln, time.Second) }()
	url := "http://" + ln.Addr().String()
	get := func(path string) int {
		tr := &http.Transport{DisableKeepAlives: true}
		defer tr.CloseIdleConnections()
		resp, err := (&http.Client{Transport: tr}).Get(url + path)
		if err != nil {
			return 0
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	require.Eventually(t, func() bool { return get("/readyz") == 200 }, 2*time.Second, 10*time.Millisecond)
	cancel()
	require.Eventually(t, func() bool { return !srv.ready.Load() }, time.Second, time.Millisecond)
	assert.Equal(t, 503, get("/readyz"), "not ready, still serving")
	assert.Equal(t, 200, get("/healthz"))
	require.NoError(t, <-done)
	assert.Equal(t, 0, get("/healthz"), "closed after the delay")
}
