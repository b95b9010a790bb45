package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/compare"
	"github.com/openwijkwerken/wijkwerken/scenario"
)

// ScenariosRequest is the body of POST /v1/scenarios/run.
type ScenariosRequest struct {
	// Files are scenario files (scenario.schema.json), YAML or JSON.
	Files []File `json:"files"`
	// Reforms apply, in order, to the service's rulebook for this run.
	Reforms []File `json:"reforms,omitempty"`
	// Run keeps the scenarios whose name matches this regular expression
	// (as wijkwerken test --run).
	Run string `json:"run,omitempty"`
	// Coverage adds the rule coverage of the run.
	Coverage bool `json:"coverage,omitempty"`
}

// scenarioFormat reads ?format=json|junit of POST /v1/scenarios/run.
func scenarioFormat(r *http.Request) (string, *Problem) {
	switch f := r.URL.Query().Get("format"); f {
	case "", "json":
		return "json", nil
	case "junit":
		return f, nil
	default:
		return "", problem(KindMalformed, "?format=%q: want json or junit", f).with(FieldProblem{Field: "format", Message: "want json or junit"})
	}
}

// scenarioReport runs suites and returns the report as wijkwerken test
// --format json writes it.
//
// When scenario offers the report as a Go value (issue 18), return that.
func scenarioReport(ctx context.Context, runner *scenario.Runner, suites []*scenario.Suite, command string, coverage bool) ([]byte, *scenario.Report, error) {
	rep, err := runner.Run(ctx, suites)
	if err != nil {
		return nil, nil, err
	}
	rep.Command = command
	var cov *scenario.Coverage
	if coverage {
		cov = runner.Coverage(rep)
	}
	var b bytes.Buffer
	if err := rep.WriteJSON(&b, cov); err != nil {
		return nil, nil, err
	}
	var c bytes.Buffer
	if err := json.Compact(&c, b.Bytes()); err != nil {
		return nil, nil, err
	}
	return c.Bytes(), rep, nil
}

// readJSON reads a JSON body of at most limit bytes into v strictly, or
// answers with the problem and returns false.
func readJSON(w http.ResponseWriter, r *http.Request, limit int64, v any) bool {
	if !requireType(w, r, "application/json") {
		return false
	}
	body, p := readBody(w, r, limit)
	if p == nil {
		_, p = decodeStrict(body, v)
	}
	if p != nil {
		writeProblem(w, r, p)
		return false
	}
	return true
}

func (s *Server) handleScenarios(w http.ResponseWriter, r *http.Request) {
	format, p := scenarioFormat(r)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	var req ScenariosRequest
	if !readJSON(w, r, s.cfg.MaxUpload, &req) {
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.Timeout)
	defer cancel()
	if len(req.Files) == 0 {
		writeProblem(w, r, problem(KindMalformed, "give at least one scenario file in files").with(FieldProblem{Field: "files", Pointer: "/files", Message: "missing"}))
		return
	}
	suites, err := parseFiles(req.Files, "files", scenario.Parse)
	if err != nil {
		writeProblem(w, r, problem(KindBadScenario, "%v", err).with(loadProblems(err)...))
		return
	}
	if req.Run != "" {
		if suites, err = scenario.Select(suites, req.Run); err != nil {
			writeProblem(w, r, problem(KindMalformed, "run: %v", err).with(FieldProblem{Field: "run", Pointer: "/run", Message: err.Error()}))
			return
		}
	}
	eng, p := s.reformEngine(req.Reforms)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	runner, err := eng.scenarios()
	if err != nil {
		writeProblem(w, r, problem(KindBadReform, "%v", err).with(loadProblems(err)...))
		return
	}
	command := "wijkwerken test"
	for i, f := range req.Reforms {
		command += " --reform " + fileName(f, "reforms", i)
	}
	out, rep, err := scenarioReport(ctx, runner, suites, command, req.Coverage)
	if err != nil {
		if ctx.Err() != nil {
			writeProblem(w, r, timeoutProblem(s.cfg.Timeout))
			return
		}
		writeProblem(w, r, problem(KindInternal, "the run failed: %v", err))
		return
	}
	s.m.decisions.WithLabelValues("scenarios").Add(float64(len(rep.Outcomes)))
	if format == "junit" {
		var b bytes.Buffer
		if err := rep.WriteJUnit(&b); err != nil {
			writeProblem(w, r, problem(KindInternal, "cannot write JUnit: %v", err))
			return
		}
		w.Header().Set("Content-Type", "application/xml")
		w.Header().Set("Content-Disposition", `attachment; filename="junit.xml"`)
		w.Header().Set("X-Wijkwerken-Fingerprint", eng.fingerprint)
		w.Write(b.Bytes())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Wijkwerken-Fingerprint", eng.fingerprint)
	w.Write(append(out, '\n')) // the report names its fingerprint and engine
}

// CompareRequest is the body of POST /v1/compare.
type CompareRequest struct {
	// Population is the cases to decide: {"id", "date", "case"} each, as
	// wijkwerken population writes them (one per line there).
	Population []json.RawMessage `json:"population"`
	// Reforms are compared with the service's rulebook, applied in order.
	Reforms []File `json:"reforms"`
	// Date, when set, decides every case on this date instead of its own.
	Date *string `json:"date,omitempty"`
	// Examples is how many example cases to keep per kind of change
	// (default 3; 0 none).
	Examples *int `json:"examples,omitempty"`
	// Sample, instead of a population, decides the service's sample
	// population (GET /v1/population/sample).
	Sample bool `json:"sample,omitempty"`
}

func (s *Server) handleCompare(w http.ResponseWriter, r *http.Request) {
	html, lang, p := compareFormat(r)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	var req CompareRequest
	if !readJSON(w, r, s.cfg.MaxUpload, &req) {
		return
	}
	if req.Sample {
		if len(req.Population) > 0 {
			writeProblem(w, r, problem(KindMalformed, "give population or sample, not both").with(FieldProblem{Field: "sample", Pointer: "/sample", Message: "beside population"}))
			return
		}
		var err error
		if req.Population, err = s.samplePopulation(); err != nil {
			writeProblem(w, r, problem(KindInternal, "the sample population: %v", err))
			return
		}
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.Timeout)
	defer cancel()
	switch {
	case len(req.Reforms) == 0:
		writeProblem(w, r, problem(KindMalformed, "give at least one reform to compare").with(FieldProblem{Field: "reforms", Pointer: "/reforms", Message: "missing"}))
		return
	case len(req.Reforms) > s.cfg.MaxReforms:
		writeProblem(w, r, problem(KindLimitExceeded, "%d reforms: at most %d per request", len(req.Reforms), s.cfg.MaxReforms))
		return
	case len(req.Population) == 0:
		writeProblem(w, r, problem(KindMalformed, "give a population of at least one case").with(FieldProblem{Field: "population", Pointer: "/population", Message: "missing"}))
		return
	case len(req.Population) > s.cfg.MaxPopulation:
		writeProblem(w, r, problem(KindLimitExceeded, "a population of %d cases: at most %d per request (use wijkwerken compare for more)", len(req.Population), s.cfg.MaxPopulation))
		return
	}
	o := compare.Options{Examples: 3}
	if req.Examples != nil {
		o.Examples = *req.Examples
		if o.Examples == 0 {
			o.Examples = -1
		}
	}
	if req.Date != nil {
		d, err := wk.ParseDate(*req.Date)
		if err != nil {
			writeProblem(w, r, problem(KindBadDate, "date: %v", err).with(FieldProblem{Field: "date", Pointer: "/date", Message: err.Error()}))
			return
		}
		o.Date = d
	}
	reforms, err := parseFiles(req.Reforms, "reforms", wk.ParseReform)
	if err != nil {
		writeProblem(w, r, problem(KindBadReform, "%v", err).with(loadProblems(err)...))
		return
	}
	// The reformed rulebook must load before the population is decided.
	reformed, p := s.reformEngine(req.Reforms)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	var lines bytes.Buffer
	for _, c := range req.Population {
		if err := json.Compact(&lines, c); err != nil {
			writeProblem(w, r, problem(KindMalformed, "population: %v", err))
			return
		}
		lines.WriteByte('\n')
	}
	rep, err := compare.Compare(ctx, &lines, s.base.decide, reforms, o)
	if err != nil {
		switch {
		case ctx.Err() != nil:
			writeProblem(w, r, timeoutProblem(s.cfg.Timeout))
		case isReformError(err) || strings.Contains(err.Error(), "reform"):
			writeProblem(w, r, problem(KindBadReform, "%v", err).with(loadProblems(err)...))
		default:
			var le *wk.LoadError
			if errors.As(err, &le) {
				writeProblem(w, r, problem(KindBadReform, "%v", err).with(loadProblems(err)...))
				return
			}
			writeProblem(w, r, problem(KindInternal, "the comparison failed: %v", err))
		}
		return
	}
	s.m.decisions.WithLabelValues("compare").Add(float64(2 * rep.Decided))
	if html {
		var b bytes.Buffer
		if err := rep.WriteHTMLLang(&b, lang); err != nil {
			writeProblem(w, r, problem(KindInternal, "cannot write the report: %v", err))
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("X-Wijkwerken-Reformed-Fingerprint", reformed.fingerprint)
		w.Write(b.Bytes())
		return
	}
	s.writeJSON(w, CompareResponse{Fingerprint: s.base.fingerprint, ReformedFingerprint: reformed.fingerprint, Report: rep})
}

// compareFormat reads ?format=json|html and, for HTML, ?lang=en|nl of
// POST /v1/compare.
func compareFormat(r *http.Request) (html bool, lang compare.Lang, p *Problem) {
	l, p := queryLang(r)
	if p != nil {
		return false, "", p
	}
	lang = compare.English
	if l == "nl" {
		lang = compare.Dutch
	}
	switch f := r.URL.Query().Get("format"); f {
	case "", "json":
		return false, lang, nil
	case "html":
		return true, lang, nil
	default:
		return false, "", problem(KindMalformed, "?format=%q: want json or html", f).with(FieldProblem{Field: "format", Message: "want json or html"})
	}
}

// CompareResponse is the answer of POST /v1/compare: the report of
// wijkwerken compare --json with the fingerprints of both rulebooks.
type CompareResponse struct {
	Fingerprint         string `json:"fingerprint"`
	ReformedFingerprint string `json:"reformed_fingerprint"`
	*compare.Report
}
