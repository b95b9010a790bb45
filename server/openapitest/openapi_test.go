package openapitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/server"
)

func document(t *testing.T) (libopenapi.Document, *v3.Document) {
	t.Helper()
	b, err := server.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	doc, err := libopenapi.NewDocument(b)
	if err != nil {
		t.Fatal(err)
	}
	model, err := doc.BuildV3Model()
	if err != nil {
		t.Fatalf("the document does not build: %v", err)
	}
	return doc, &model.Model
}

// TestDocumentIsValidOpenAPI31 validates the served document against the
// OpenAPI 3.1 specification.
func TestDocumentIsValidOpenAPI31(t *testing.T) {
	doc, model := document(t)
	if got := doc.GetVersion(); got != "3.1.0" {
		t.Fatalf("version %s, want 3.1.0", got)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			t.Errorf("%v", e)
		}
	}
	// Every schema a $ref names exists (a typo would validate nothing).
	b, _ := server.OpenAPI()
	for _, ref := range refs(b) {
		name := strings.TrimPrefix(ref, "#/components/schemas/")
		if _, ok := model.Components.Schemas.Get(name); !ok && strings.HasPrefix(ref, "#/components/schemas/") {
			t.Errorf("$ref %s: no such schema", ref)
		}
	}
}

func refs(b []byte) []string {
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				if s, ok := c.(string); ok && k == "$ref" {
					out = append(out, s)
				}
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	var v any
	json.Unmarshal(b, &v)
	walk(v)
	return out
}

// TestEveryRouteDocumented compares the service's routes with the
// document's operations, both ways.
func TestEveryRouteDocumented(t *testing.T) {
	_, model := document(t)
	srv := newServer(t, server.Config{})
	var documented []string
	for path, item := range model.Paths.PathItems.FromOldest() {
		for method := range item.GetOperations().FromOldest() {
			documented = append(documented, strings.ToUpper(method)+" "+path)
		}
	}
	served := srv.Routes()
	sort.Strings(documented)
	sort.Strings(served)
	if fmt.Sprint(documented) != fmt.Sprint(served) {
		t.Errorf("documented:\n  %s\nserved:\n  %s", strings.Join(documented, "\n  "), strings.Join(served, "\n  "))
	}
}

func newServer(t *testing.T, cfg server.Config) *server.Server {
	t.Helper()
	rb, err := wk.Reference()
	if err != nil {
		t.Fatal(err)
	}
	cfg.Rulebook = rb
	cfg.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return srv
}

const (
	household = `{"date": "2024-03-01", "case": {"person": {"domicile_region": "flanders", "registered_jobseeker": true, "income": "none", "jobseeking_since": "2021-01-01"},
	  "household": {"partner": {"income": "leefloon", "registered_jobseeker": false}, "ocmw_option": "refer_both", "vdab_consulted": true}}}`
	request = `{"case": {"trajectory": {"start": "2024-01-01", "hours": {"2024-03": 59}}, "request": {"date": "2024-03-20", "minutes": 70, "km": 12,
	  "user": {"type": "private", "region": "flanders", "municipality": "Gent"}, "activity": "light_garden_maintenance"},
	  "organiser": {"cheque_price": 7.45}, "cheque": {"issued": "2023-05-10"}, "purchase": {"date": "2023-05-10", "count": 10, "unit_price": "7.45", "buyer": "natural_person", "service_cheques_amount": 0}}}`
	reform = `{"name": "cap-80.yaml", "content": "reform: cap 80\ncite: test\nset:\n  - {param: hours.per_month_max, from: 2024-01-01, value: 80}\n"}`
	scen   = `{"name": "s.yaml", "content": "scenarios:\n  - {name: leefloon, date: 2024-03-01, case: {person: {domicile_region: flanders, registered_jobseeker: false, income: leefloon}}, expect: {eligibility.referrer: ocmw}}\n  - {name: wrong, date: 2024-03-01, case: {person: {domicile_region: flanders, registered_jobseeker: true, income: none}}, expect: {eligibility.referrer: ocmw}}\n"}`
	line   = `{"id": "%d", "date": "2024-03-20", "case": {"trajectory": {"start": "2024-01-01", "hours": {"2024-03": 59}}, "request": {"date": "2024-03-20", "minutes": 70, "user": {"type": "private"}}}}`
)

type call struct {
	name, method, path, ctype, body string
	status                          int
	header                          []string
}

// TestResponsesFollowTheContract makes real requests of every endpoint,
// good and bad, and validates each request and response against the
// document.
func TestResponsesFollowTheContract(t *testing.T) {
	doc, model := document(t)
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	srv := newServer(t, server.Config{MaxBody: 64 << 10})
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	authed := newServer(t, server.Config{Tokens: []string{"t0ken"}})
	tsAuth := httptest.NewServer(authed.Handler())
	defer tsAuth.Close()

	pop := "[" + fmt.Sprintf(line, 1) + "," + fmt.Sprintf(line, 2) + "]"
	calls := []call{
		{"decide", "POST", "/v1/decide", "application/json", household, 200, nil},
		{"decide, traced, in Dutch", "POST", "/v1/decide?trace=true&lang=nl", "application/json", request, 200, nil},
		{"decide with a reform", "POST", "/v1/decide", "application/json", strings.TrimSuffix(request, "}") + `, "reforms": [` + reform + `]}`, 200, nil},
		{"decide, a bad case", "POST", "/v1/decide", "application/json", `{"date": "2024-03-01", "case": {"person": {"income": "salary"}}}`, 422, nil},
		{"decide, a bad date", "POST", "/v1/decide", "application/json", `{"date": "2024-02-30", "case": {"person": {}}}`, 422, nil},
		{"decide, not in force", "POST", "/v1/decide", "application/json", `{"date": "2017-01-01", "case": {"person": {"domicile_region": "flanders", "income": "leefloon"}}}`, 422, nil},
		{"decide, a bad reform", "POST", "/v1/decide", "application/json", `{"date": "2024-03-01", "case": {"person": {}}, "reforms": [{"content": "reform: x\n"}]}`, 422, nil},
		{"decide, malformed", "POST", "/v1/decide", "application/json", `{"case": {}, "case": {}}`, 400, nil},
		{"decide, too large", "POST", "/v1/decide", "application/json", `{"case": "` + strings.Repeat("x", 70<<10) + `"}`, 413, nil},
		{"decide, wrong media type", "POST", "/v1/decide", "text/plain", household, 415, nil},
		{"parameters", "GET", "/v1/parameters", "", "", 200, nil},
		{"parameters on a date", "GET", "/v1/parameters?at=2024-06-01", "", "", 200, nil},
		{"parameters, bad date", "GET", "/v1/parameters?at=2024-6-1", "", "", 422, nil},
		{"parameter", "GET", "/v1/parameters/vouchers.tax_rate", "", "", 200, nil},
		{"parameter, unknown", "GET", "/v1/parameters/nope", "", "", 404, nil},
		{"rules", "GET", "/v1/rules", "", "", 200, nil},
		{"rules of an area on a date", "GET", "/v1/rules?area=hours&at=2024-01-01", "", "", 200, nil},
		{"rules, unknown area", "GET", "/v1/rules?area=nope", "", "", 400, nil},
		{"rule", "GET", "/v1/rules/eligibility.interim", "", "", 200, nil},
		{"rule, unknown", "GET", "/v1/rules/nope", "", "", 404, nil},
		{"scenarios", "POST", "/v1/scenarios/run", "application/json", `{"files": [` + scen + `], "coverage": true}`, 200, nil},
		{"scenarios with a reform", "POST", "/v1/scenarios/run", "application/json", `{"files": [` + scen + `], "reforms": [` + reform + `], "run": "leefloon"}`, 200, nil},
		{"scenarios, broken file", "POST", "/v1/scenarios/run", "application/json", `{"files": [{"content": "scenarios: 3"}]}`, 422, nil},
		{"compare", "POST", "/v1/compare", "application/json", `{"population": ` + pop + `, "reforms": [` + reform + `], "examples": 1}`, 200, nil},
		{"compare, no reform", "POST", "/v1/compare", "application/json", `{"population": ` + pop + `, "reforms": []}`, 400, nil},
		{"version", "GET", "/v1/version", "", "", 200, nil},
		{"changes", "GET", "/v1/changes?from=2019-06-01&to=2021-06-01", "", "", 200, nil},
		{"changes, one date", "GET", "/v1/changes?from=2019-06-01", "", "", 422, nil},
		{"lint", "POST", "/v1/lint", "application/json", `{"reforms": [` + reform + `]}`, 200, nil},
		{"lint, problems", "POST", "/v1/lint", "application/json", `{"reforms": [{"name": "r.yaml", "content": "reform: x\ncite: t\nreplace_rules:\n  - {id: eligibility.interim, when: person.nope > 3}\n"}]}`, 200, nil},
		{"lint, none", "POST", "/v1/lint", "application/json", `{"reforms": []}`, 400, nil},
		{"check a case document", "POST", "/v1/cases/check", "application/json", `{"document": "date: 2024-03-01\ncase: {person: {income: leefloon}}\n"}`, 200, nil},
		{"check a bad case", "POST", "/v1/cases/check", "application/json", `{"case": {"person": {"income": "salary"}}}`, 200, nil},
		{"case as a scenario", "POST", "/v1/cases/scenario", "application/json", household, 200, nil},
		{"case as a scenario, bad case", "POST", "/v1/cases/scenario", "application/json", `{"date": "2024-03-01", "case": {"person": {"income": "salary"}}}`, 422, nil},
		{"compare the sample, as HTML", "POST", "/v1/compare?format=html&lang=nl", "application/json", `{"sample": true, "reforms": [` + reform + `]}`, 200, nil},
		{"scenarios as JUnit", "POST", "/v1/scenarios/run?format=junit", "application/json", `{"files": [` + scen + `]}`, 200, nil},
		{"healthz", "GET", "/healthz", "", "", 200, nil},
		{"readyz", "GET", "/readyz", "", "", 200, nil},
		{"metrics", "GET", "/metrics", "", "", 200, nil},
		{"openapi", "GET", "/openapi.json", "", "", 200, nil},
		{"unauthorised", "POST", "/v1/decide", "application/json", household, 401, []string{"auth"}},
		{"authorised", "POST", "/v1/decide", "application/json", household, 200, []string{"auth", "Authorization", "Bearer t0ken"}},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			base := ts.URL
			hdr := c.header
			if len(hdr) > 0 && hdr[0] == "auth" {
				base, hdr = tsAuth.URL, hdr[1:]
			}
			req, _ := http.NewRequest(c.method, base+c.path, strings.NewReader(c.body))
			if c.ctype != "" {
				req.Header.Set("Content-Type", c.ctype)
			}
			for i := 0; i+1 < len(hdr); i += 2 {
				req.Header.Set(hdr[i], hdr[i+1])
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, c.status, body)
			}
			// Validate what was sent and what came back. (A request the
			// service refuses on purpose need not follow the contract.)
			vreq, _ := http.NewRequest(c.method, "http://localhost:8080"+c.path, strings.NewReader(c.body))
			vreq.Header = req.Header.Clone()
			resp.Body = io.NopCloser(bytes.NewReader(body))
			resp.Request = vreq
			var verrs []error
			if c.status < 400 {
				if ok, es := v.ValidateHttpRequest(vreq); !ok {
					for _, e := range es {
						verrs = append(verrs, fmt.Errorf("request: %v %v", e, e.SchemaValidationErrors))
					}
				}
				vreq.Body = io.NopCloser(strings.NewReader(c.body))
			}
			if ok, es := v.ValidateHttpResponse(vreq, resp); !ok {
				for _, e := range es {
					verrs = append(verrs, fmt.Errorf("response: %v %v", e, e.SchemaValidationErrors))
				}
			}
			for _, e := range verrs {
				t.Errorf("%v\n%s", e, trim(body))
			}
		})
	}

	// The sample population is JSON lines: each a BatchLine.
	t.Run("sample population", func(t *testing.T) {
		resp, err := http.Get(ts.URL + "/v1/population/sample")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-ndjson" {
			t.Fatalf("status %d, %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		if n := validateLines(t, model, "BatchLine", string(body)); n < 100 {
			t.Errorf("%d lines", n)
		}
	})

	// The batch endpoint speaks JSON lines: its status and headers are
	// checked as above, each line against BatchLine and BatchResult.
	t.Run("batch", func(t *testing.T) {
		var in strings.Builder
		for i := 0; i < 20; i++ {
			fmt.Fprintf(&in, line+"\n", i)
		}
		in.WriteString(`{"id": "bad", "case": {"person": {"income": "salary"}}}` + "\n")
		resp, err := http.Post(ts.URL+"/v1/decide/batch?explain=true", "application/x-ndjson", strings.NewReader(in.String()))
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/x-ndjson" {
			t.Fatalf("status %d, %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		good := in.String()
		good = good[:strings.LastIndex(strings.TrimSpace(good), "\n")]
		validateLines(t, model, "BatchLine", good)
		n := validateLines(t, model, "BatchResult", string(body))
		if n != 21 {
			t.Errorf("%d lines, want 21", n)
		}
	})
}

func validateLines(t *testing.T, model *v3.Document, schema, lines string) int {
	t.Helper()
	proxy, ok := model.Components.Schemas.Get(schema)
	if !ok {
		t.Fatalf("no schema %s", schema)
	}
	s := proxy.Schema()
	sv := schema_validation.NewSchemaValidator()
	n := 0
	for _, l := range strings.Split(strings.TrimSpace(lines), "\n") {
		n++
		if ok, errs := sv.ValidateSchemaString(s, l); !ok {
			for _, e := range errs {
				t.Errorf("%s line %d: %v %v\n%s", schema, n, e, e.SchemaValidationErrors, trim([]byte(l)))
			}
		}
	}
	return n
}

func trim(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "…"
	}
	return string(b)
}

// TestContractRefusesWrongResponses shows the validation can fail: answers
// that break the document are refused.
func TestContractRefusesWrongResponses(t *testing.T) {
	doc, _ := document(t)
	v, _ := validator.NewValidator(doc)
	for _, tc := range []struct{ path, ctype, body string }{
		{"/v1/version", "application/json", `{"engine": {"module": "m"}}`},
		{"/healthz", "application/json", `{"status": 1}`},
		{"/v1/rules/x", "application/json", `{"fingerprint": "f", "id": "x", "versions": [{"id": 3}]}`},
	} {
		req, _ := http.NewRequest("GET", "http://localhost:8080"+tc.path, nil)
		resp := &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {tc.ctype}}, Body: io.NopCloser(strings.NewReader(tc.body)), Request: req}
		if ok, _ := v.ValidateHttpResponse(req, resp); ok {
			t.Errorf("%s: %s passed", tc.path, tc.body)
		}
	}
}
