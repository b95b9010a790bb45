package server

import (
	"encoding/json"
	"net/http"
	"slices"

	wk "github.com/openwijkwerken/wijkwerken"
)

func (s *Server) writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(append(b, '\n'))
}

// ParameterValue is one value of a parameter in force on a date, as
// GET /v1/parameters?at= lists them.
type ParameterValue struct {
	ID         string   `json:"id"`
	Type       wk.Kind  `json:"type"`
	Value      wk.Value `json:"value"`
	Unit       string   `json:"unit,omitempty"`
	From       wk.Date  `json:"from"`
	To         wk.Date  `json:"to,omitzero"`
	Cite       string   `json:"cite"`
	Confidence string   `json:"confidence,omitempty"`
	Source     string   `json:"source,omitempty"`
	Reform     string   `json:"reform,omitempty"`
	// Description says what the parameter is.
	Description wk.Text `json:"description"`
}

// ParametersResponse is the answer of GET /v1/parameters: every parameter
// with its timeline, or with ?at= the value each has on that date.
type ParametersResponse struct {
	Fingerprint string            `json:"fingerprint"`
	At          wk.Date           `json:"at,omitzero"`
	Parameters  []*wk.Parameter   `json:"parameters,omitempty"`
	Values      []*ParameterValue `json:"values,omitempty"`
}

func (s *Server) handleParameters(w http.ResponseWriter, r *http.Request) {
	at, p := queryDate(r, "at")
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	rb := s.base.rb
	resp := ParametersResponse{Fingerprint: s.base.fingerprint, At: at}
	if at.IsZero() {
		resp.Parameters = rb.Parameters()
		s.writeJSON(w, resp)
		return
	}
	resp.Values = []*ParameterValue{}
	for _, prm := range rb.Parameters() {
		v, ok := prm.At(at)
		if !ok {
			continue
		}
		pv := &ParameterValue{ID: prm.ID, Type: prm.Kind, Value: v.Value, Unit: prm.Unit, From: v.From, To: v.To,
			Cite: prm.Cite, Confidence: prm.Confidence, Source: prm.Source, Reform: v.Reform, Description: prm.Description}
		if v.Cite != "" {
			pv.Cite = v.Cite
		}
		if v.Confidence != "" {
			pv.Confidence = v.Confidence
		}
		if v.Source != "" {
			pv.Source = v.Source
		}
		resp.Values = append(resp.Values, pv)
	}
	s.writeJSON(w, resp)
}

func (s *Server) handleParameter(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	prm, ok := s.base.rb.Parameter(id)
	if !ok {
		var known []string
		for _, p := range s.base.rb.Parameters() {
			known = append(known, p.ID)
		}
		writeProblem(w, r, problem(KindNotFound, "%v", &wk.UnknownError{What: "parameter", ID: id, Known: known}))
		return
	}
	s.writeJSON(w, ParameterResponse{Fingerprint: s.base.fingerprint, Parameter: prm})
}

// ParameterResponse is the answer of GET /v1/parameters/{id}: the
// parameter with its whole timeline.
type ParameterResponse struct {
	Fingerprint string `json:"fingerprint"`
	*wk.Parameter
}

// RulesResponse is the answer of GET /v1/rules.
type RulesResponse struct {
	Fingerprint string     `json:"fingerprint"`
	Area        string     `json:"area,omitempty"`
	At          wk.Date    `json:"at,omitzero"`
	Rules       []*wk.Rule `json:"rules"`
}

func (s *Server) handleRules(w http.ResponseWriter, r *http.Request) {
	at, p := queryDate(r, "at")
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	rb := s.base.rb
	area := r.URL.Query().Get("area")
	if area != "" && !slices.Contains(rb.Areas(), area) {
		writeProblem(w, r, problem(KindMalformed, "?area: %v", &wk.UnknownError{What: "area", ID: area, Known: rb.Areas()}).
			with(FieldProblem{Field: "area", Message: "want one of the rulebook's areas"}))
		return
	}
	rules := rb.Rules(area)
	if !at.IsZero() {
		rules = rb.RulesAt(area, at)
	}
	if rules == nil {
		rules = []*wk.Rule{}
	}
	s.writeJSON(w, RulesResponse{Fingerprint: s.base.fingerprint, Area: area, At: at, Rules: rules})
}

// RuleResponse is the answer of GET /v1/rules/{id}: every version of the
// rule, in order.
type RuleResponse struct {
	Fingerprint string     `json:"fingerprint"`
	ID          string     `json:"id"`
	Versions    []*wk.Rule `json:"versions"`
}

func (s *Server) handleRule(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	var versions []*wk.Rule
	var known []string
	for _, rule := range s.base.rb.Rules("") {
		if rule.ID == id {
			versions = append(versions, rule)
		}
		known = append(known, rule.ID)
	}
	if len(versions) == 0 {
		writeProblem(w, r, problem(KindNotFound, "%v", &wk.UnknownError{What: "rule", ID: id, Known: known}))
		return
	}
	s.writeJSON(w, RuleResponse{Fingerprint: s.base.fingerprint, ID: id, Versions: versions})
}

// VersionResponse is the answer of GET /v1/version.
type VersionResponse struct {
	Engine   wk.Build     `json:"engine"`
	Rulebook RulebookInfo `json:"rulebook"`
}

// RulebookInfo names the rulebook the service decides with.
type RulebookInfo struct {
	Name        string   `json:"name"`
	Fingerprint string   `json:"fingerprint"`
	Reforms     []string `json:"reforms"`
	Parameters  int      `json:"parameters"`
	Rules       int      `json:"rules"`
}

func (s *Server) handleVersion(w http.ResponseWriter, r *http.Request) {
	rb := s.base.rb
	reforms := rb.Reforms()
	if reforms == nil {
		reforms = []string{}
	}
	s.writeJSON(w, VersionResponse{Engine: s.build, Rulebook: RulebookInfo{Name: rb.Name(), Fingerprint: s.base.fingerprint,
		Reforms: reforms, Parameters: len(rb.Parameters()), Rules: len(rb.Rules(""))}})
}

// Health is the answer of the probes.
type Health struct {
	Status string `json:"status"`
}

func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	s.writeJSON(w, Health{Status: "ok"})
}

func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	if !s.ready.Load() {
		p := problem(KindUnavailable, "shutting down")
		p.RetryAfter = 1
		writeProblem(w, r, p)
		return
	}
	s.writeJSON(w, Health{Status: "ready"})
}

func (s *Server) handleOpenAPI(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=300")
	w.Write(s.openapi)
}
