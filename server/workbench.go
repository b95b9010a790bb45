package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/population"
)

// The endpoints the web interface needs beside the service's own, each
// usable without it: what changed between two dates, linting a reform,
// checking a case document, a case as a scenario, the sample population.

// ParameterStep is the value of a parameter in force on a date, with what
// stands behind it.
type ParameterStep struct {
	Value      wk.Value `json:"value"`
	From       wk.Date  `json:"from"`
	To         wk.Date  `json:"to,omitzero"`
	Cite       string   `json:"cite"`
	Sources    []string `json:"sources,omitempty"`
	Confidence string   `json:"confidence,omitempty"`
	Reform     string   `json:"reform,omitempty"`
}

// ParameterChange is a parameter whose value differs between two dates;
// Before or After is null when none is in force then.
type ParameterChange struct {
	ID     string         `json:"id"`
	Unit   string         `json:"unit,omitempty"`
	Before *ParameterStep `json:"before"`
	After  *ParameterStep `json:"after"`
}

// RuleVersionChange is a rule whose version in force differs between two
// dates; Before or After is null when none is in force then.
type RuleVersionChange struct {
	ID     string   `json:"id"`
	Area   string   `json:"area"`
	Before *wk.Rule `json:"before"`
	After  *wk.Rule `json:"after"`
}

// ChangesResponse is the answer of GET /v1/changes: the parameters and
// rules that differ between the dates from and to.
type ChangesResponse struct {
	Fingerprint string              `json:"fingerprint"`
	From        wk.Date             `json:"from"`
	To          wk.Date             `json:"to"`
	Parameters  []ParameterChange   `json:"parameters"`
	Rules       []RuleVersionChange `json:"rules"`
}

// stepAt is the step of prm in force on d, nil when none is.
func stepAt(prm *wk.Parameter, d wk.Date) *ParameterStep {
	v, ok := prm.At(d)
	if !ok {
		return nil
	}
	cite, sources, conf := prm.Provenance(v)
	return &ParameterStep{Value: v.Value, From: v.From, To: v.To, Cite: cite, Sources: sources, Confidence: conf, Reform: v.Reform}
}

// changesBetween lists what differs between the rulebook on from and on to:
// a parameter whose value differs (or that is in force on one date only),
// a rule whose version in force differs.
func changesBetween(rb *wk.Rulebook, fingerprint string, from, to wk.Date) ChangesResponse {
	out := ChangesResponse{Fingerprint: fingerprint, From: from, To: to, Parameters: []ParameterChange{}, Rules: []RuleVersionChange{}}
	for _, prm := range rb.Parameters() {
		b, a := stepAt(prm, from), stepAt(prm, to)
		if b == nil && a == nil || b != nil && a != nil && b.Value.Equal(a.Value) {
			continue
		}
		out.Parameters = append(out.Parameters, ParameterChange{ID: prm.ID, Unit: prm.Unit, Before: b, After: a})
	}
	seen := map[string]bool{}
	for _, r := range rb.Rules("") {
		if seen[r.ID] {
			continue
		}
		seen[r.ID] = true
		b, okb := rb.Rule(r.ID, from)
		a, oka := rb.Rule(r.ID, to)
		if !okb && !oka || okb && oka && b == a {
			continue
		}
		c := RuleVersionChange{ID: r.ID, Area: r.Area}
		if okb {
			c.Before = b
		}
		if oka {
			c.After = a
		}
		out.Rules = append(out.Rules, c)
	}
	return out
}

func (s *Server) handleChanges(w http.ResponseWriter, r *http.Request) {
	from, p := queryDate(r, "from")
	if p == nil {
		var to wk.Date
		to, p = queryDate(r, "to")
		if p == nil {
			if from.IsZero() || to.IsZero() {
				p = problem(KindBadDate, "give both dates: ?from=YYYY-MM-DD&to=YYYY-MM-DD").with(FieldProblem{Field: "from", Message: "want from and to"})
			} else {
				s.writeJSON(w, changesBetween(s.base.rb, s.base.fingerprint, from, to))
				return
			}
		}
	}
	writeProblem(w, r, p)
}

// LintRequest is the body of POST /v1/lint.
type LintRequest struct {
	// Reforms are linted as applied, in order, to the service's rulebook.
	Reforms []File `json:"reforms"`
}

// LintResponse is the answer of POST /v1/lint: every problem of the
// reforms as wijkwerken lint finds them (each with its file, line and
// column), the warnings apart. A reform with problems is a normal answer
// (200), not an error.
type LintResponse struct {
	OK bool `json:"ok"`
	// Fingerprint is the reformed rulebook's, when it loads.
	Fingerprint string         `json:"fingerprint,omitempty"`
	Errors      []FieldProblem `json:"errors"`
	Warnings    []FieldProblem `json:"warnings"`
	Parameters  int            `json:"parameters"`
	Rules       int            `json:"rules"`
}

// lint parses, applies and compiles reforms, as wijkwerken lint does. It
// does not use the cache of compiled rulebooks: a reform being typed is a
// new text each time, and would push out the ones in use.
func lint(base *wk.Rulebook, files []File) LintResponse {
	out := LintResponse{Errors: []FieldProblem{}, Warnings: []FieldProblem{}}
	reforms, err := parseFiles(files, "reforms", wk.ParseReform)
	var rb *wk.Rulebook
	if err == nil {
		rb, err = base.Reform(reforms...)
	}
	if err == nil {
		_, err = decision.New(rb) // type-checks every rule against its area
	}
	if err != nil {
		out.Errors = loadProblems(err)
		return out
	}
	out.OK, out.Fingerprint = true, rb.Fingerprint()
	out.Parameters, out.Rules = len(rb.Parameters()), len(rb.Rules(""))
	for _, w := range rb.Warnings() {
		out.Warnings = append(out.Warnings, FieldProblem{File: w.Pos.File, Line: w.Pos.Line, Column: w.Pos.Column, ID: w.ID, Message: w.Msg})
	}
	return out
}

func (s *Server) handleLint(w http.ResponseWriter, r *http.Request) {
	var req LintRequest
	if !readJSON(w, r, s.cfg.MaxBody, &req) {
		return
	}
	switch {
	case len(req.Reforms) == 0:
		writeProblem(w, r, problem(KindMalformed, "give at least one reform to lint").with(FieldProblem{Field: "reforms", Pointer: "/reforms", Message: "missing"}))
	case len(req.Reforms) > s.cfg.MaxReforms:
		writeProblem(w, r, problem(KindLimitExceeded, "%d reforms: at most %d per request", len(req.Reforms), s.cfg.MaxReforms))
	default:
		w.Header().Set("Cache-Control", "no-store")
		s.writeJSON(w, lint(s.base.rb, req.Reforms))
	}
}

// CaseCheckRequest is the body of POST /v1/cases/check: a case document as
// text (YAML or JSON: the case itself, or {date, case}), or a case as JSON.
type CaseCheckRequest struct {
	Document *string         `json:"document,omitempty"`
	Case     json.RawMessage `json:"case,omitempty"`
	Date     *string         `json:"date,omitempty"`
}

// CaseCheckResponse is the answer of POST /v1/cases/check: whether the case
// is valid, every problem with its field (and, for a document, its line),
// and the case as JSON and as YAML when it is valid.
type CaseCheckResponse struct {
	Valid  bool            `json:"valid"`
	Date   wk.Date         `json:"date,omitzero"`
	Case   json.RawMessage `json:"case,omitempty"`
	YAML   string          `json:"yaml,omitempty"`
	Errors []FieldProblem  `json:"errors"`
}

// readCaseDocument reads a case document: the case itself, or a mapping
// with case: and an optional date:, or the case's sections beside a date:
// (dossier.ParseDocument).
func readCaseDocument(name string, data []byte) (*dossier.Case, wk.Date, error) {
	return dossier.ParseDocument(name, data)
}

// caseYAML writes JSON as block-style YAML, keeping the order of its keys.
func caseYAML(j []byte) (string, error) {
	var n yaml.Node
	if err := yaml.Unmarshal(j, &n); err != nil {
		return "", err
	}
	plain(&n)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&n); err != nil {
		return "", err
	}
	return b.String(), nil
}

// plain drops the flow and quoting styles JSON gives a YAML node, so that it
// is written as block YAML (strings that need quotes keep them).
func plain(n *yaml.Node) {
	n.Style = 0
	for _, c := range n.Content {
		plain(c)
	}
}

func (s *Server) handleCaseCheck(w http.ResponseWriter, r *http.Request) {
	var req CaseCheckRequest
	if !readJSON(w, r, s.cfg.MaxBody, &req) {
		return
	}
	var c *dossier.Case
	var date wk.Date
	var err error
	switch {
	case req.Document != nil && len(req.Case) > 0:
		writeProblem(w, r, problem(KindMalformed, "give document or case, not both").with(FieldProblem{Field: "document", Pointer: "/document", Message: "beside case"}))
		return
	case req.Document != nil:
		c, date, err = readCaseDocument("document", []byte(*req.Document))
	case len(req.Case) > 0:
		// Read as YAML, which JSON is, to report every problem at once.
		c, err = dossier.ParseCase("case", req.Case)
	default:
		writeProblem(w, r, problem(KindMalformed, "give document (YAML or JSON text) or case").with(FieldProblem{Field: "case", Pointer: "/case", Message: "missing"}))
		return
	}
	out := CaseCheckResponse{Errors: []FieldProblem{}}
	if req.Date != nil {
		d, derr := wk.ParseDate(*req.Date)
		if derr != nil {
			out.Errors = append(out.Errors, FieldProblem{Field: "date", Pointer: "/date", Message: derr.Error()})
		}
		date = d
	}
	var ce *dossier.CaseError
	switch {
	case errors.As(err, &ce):
		for _, p := range caseProblems(ce) {
			if req.Document == nil {
				p.Line, p.Column = 0, 0 // positions in the case's own text, not the body's
			}
			out.Errors = append(out.Errors, p)
		}
	case err != nil:
		out.Errors = append(out.Errors, FieldProblem{Field: "case", Message: err.Error()})
	}
	if len(out.Errors) == 0 {
		out.Valid, out.Date = true, date
		out.Case, _ = json.Marshal(c)
		if out.YAML, err = caseYAML(out.Case); err != nil {
			writeProblem(w, r, problem(KindInternal, "cannot write the case as YAML: %v", err))
			return
		}
	}
	w.Header().Set("Cache-Control", "no-store")
	s.writeJSON(w, out)
}

// CaseScenarioRequest is the body of POST /v1/cases/scenario.
type CaseScenarioRequest struct {
	// Name names the suite and the scenario; default "case".
	Name    string          `json:"name,omitempty"`
	Date    *string         `json:"date,omitempty"`
	Case    json.RawMessage `json:"case"`
	Reforms []File          `json:"reforms,omitempty"`
}

// caseScenario decides a case and writes it as a scenario file whose
// expectations are every output the decision computed.
func caseScenario(name string, date wk.Date, c *dossier.Case, res *decision.Result, fingerprint string) ([]byte, error) {
	j, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	var caseNode yaml.Node
	if err := yaml.Unmarshal(j, &caseNode); err != nil {
		return nil, err
	}
	str := func(v string) *yaml.Node { return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v} }
	expect := &yaml.Node{Kind: yaml.MappingNode}
	for _, p := range res.Computed() {
		v, _ := res.Get(p)
		var vn yaml.Node
		if err := yaml.Unmarshal([]byte(decision.FormatValue(v)), &vn); err != nil {
			return nil, err
		}
		expect.Content = append(expect.Content, str(p), vn.Content[0])
	}
	sc := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		str("name"), str(name), str("date"), str(date.String()), str("case"), caseNode.Content[0], str("expect"), expect,
	}}
	doc := &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
		str("suite"), str(name), str("scenarios"), {Kind: yaml.SequenceNode, Content: []*yaml.Node{sc}},
	}}
	plain(doc)
	var b bytes.Buffer
	b.WriteString("# The outputs of this case as the rulebook " + fingerprint + " decided them: check each\n# expectation against the regulation before this file goes into a suite.\n")
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func (s *Server) handleCaseScenario(w http.ResponseWriter, r *http.Request) {
	var req CaseScenarioRequest
	if !readJSON(w, r, s.cfg.MaxBody, &req) {
		return
	}
	if len(req.Case) == 0 {
		writeProblem(w, r, problem(KindMalformed, "missing case").with(FieldProblem{Field: "case", Pointer: "/case", Message: "missing"}))
		return
	}
	c, err := dossier.ParseCase("case", req.Case)
	if err != nil {
		var ce *dossier.CaseError
		if errors.As(err, &ce) {
			writeProblem(w, r, problem(KindBadCase, "%v", err).with(caseProblems(ce)...))
		} else {
			writeProblem(w, r, problem(KindBadCase, "%v", err))
		}
		return
	}
	date, p := decisionDate(req.Date, c)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	eng, p := s.reformEngine(req.Reforms)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	res, err := decideContext(r.Context(), eng.decide, date, c)
	if err != nil && (res == nil || len(res.Computed()) == 0) {
		writeProblem(w, r, decisionProblem(err))
		return
	}
	name := strings.TrimSpace(req.Name)
	if name == "" {
		name = "case"
	}
	out, err := caseScenario(name, date, c, res, eng.fingerprint)
	if err != nil {
		writeProblem(w, r, problem(KindInternal, "cannot write the scenario: %v", err))
		return
	}
	s.m.decisions.WithLabelValues("decide").Inc()
	w.Header().Set("Content-Type", "application/yaml")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Disposition", `attachment; filename="scenario.yaml"`)
	w.Header().Set("X-Wijkwerken-Fingerprint", eng.fingerprint)
	w.Write(out)
}

// sample is the sample population: synthetic cases made by package
// population, the same on every start (a fixed seed and date).
type sample struct {
	once  sync.Once
	lines []json.RawMessage
	err   error
}

// The sample population's size, seed and date: synthetic cases of 2025.
const (
	sampleSize = 400
	sampleSeed = 23
)

var sampleDate = wk.MustDate(2025, 12, 31)

func (s *Server) samplePopulation() ([]json.RawMessage, error) {
	s.sample.once.Do(func() {
		g, err := population.New(s.base.rb, sampleDate, sampleSeed)
		if err != nil {
			s.sample.err = err
			return
		}
		for range sampleSize {
			b, err := json.Marshal(g.Next())
			if err != nil {
				s.sample.err = err
				return
			}
			s.sample.lines = append(s.sample.lines, b)
		}
	})
	return s.sample.lines, s.sample.err
}

func (s *Server) handleSample(w http.ResponseWriter, r *http.Request) {
	lines, err := s.samplePopulation()
	if err != nil {
		writeProblem(w, r, problem(KindInternal, "the sample population: %v", err))
		return
	}
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.Header().Set("Content-Disposition", `attachment; filename="sample-population.jsonl"`)
	for _, l := range lines {
		w.Write(append(slices.Clip(l), '\n'))
	}
}

// decideForUI decides a case for the web interface as /v1/decide does,
// traced, and logs the decision when the service keeps a decision log.
func (s *Server) decideForUI(ctx context.Context, r *http.Request, eng *engine, date wk.Date, c *dossier.Case, body []byte) (*decision.Result, *Problem) {
	res, err := decideContext(ctx, eng.decide, date, c, wk.WithTrace())
	if err != nil && (res == nil || len(res.Computed()) == 0) {
		if ctx.Err() != nil {
			return nil, timeoutProblem(s.cfg.Timeout)
		}
		return nil, decisionProblem(err)
	}
	s.m.decisions.WithLabelValues("decide").Inc()
	if p := s.logDecision(r, "ui", eng, res, body); p != nil {
		return nil, p
	}
	return res, nil
}
