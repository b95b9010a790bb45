package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
)

// ProblemBase is where the problem types are documented: a problem's type
// is ProblemBase + its kind ("…#bad-case"), stable across versions.
const ProblemBase = "https://github.com/openwijkwerken/wijkwerken/blob/main/docs/serve.md#"

// The kinds of problem the service answers with, each with its status.
const (
	KindMalformed        = "malformed-request"      // 400: not JSON, a key twice, an unknown or mistyped field, a bad query parameter
	KindBadCase          = "bad-case"               // 422: the case document does not decode or validate, or has nothing to decide
	KindBadDate          = "bad-date"               // 422: the decision date is missing, malformed or impossible
	KindNotInForce       = "not-in-force"           // 422: no rule is in force on the decision date
	KindRuleError        = "rule-error"             // 422: a rule failed to evaluate for this case
	KindBadReform        = "bad-reform"             // 422: a reform in the request does not load or compile
	KindBadScenario      = "bad-scenario"           // 422: a scenario file in the request does not load
	KindNotFound         = "not-found"              // 404: no such route, parameter or rule
	KindMethodNotAllowed = "method-not-allowed"     // 405
	KindUnsupportedMedia = "unsupported-media-type" // 415: a body that is not of the route's content type
	KindLimitExceeded    = "limit-exceeded"         // 413: a body, a line, a population or a list of reforms over its limit
	KindTooManyRequests  = "too-many-requests"      // 429: every slot busy and the queue full; Retry-After
	KindUnavailable      = "unavailable"            // 503: waited too long for a slot, the time budget ran out, or shutting down; Retry-After
	KindUnauthorized     = "unauthorized"           // 401: no or an unknown bearer token
	KindInternal         = "internal"               // 500: a defect of the service (never expected)
)

var kindStatus = map[string]int{
	KindMalformed: 400, KindBadCase: 422, KindBadDate: 422, KindNotInForce: 422, KindRuleError: 422,
	KindBadReform: 422, KindBadScenario: 422, KindNotFound: 404, KindMethodNotAllowed: 405,
	KindUnsupportedMedia: 415, KindLimitExceeded: 413, KindTooManyRequests: 429, KindUnavailable: 503,
	KindUnauthorized: 401, KindInternal: 500,
}

var kindTitle = map[string]string{
	KindMalformed: "Malformed request", KindBadCase: "Invalid case", KindBadDate: "Invalid decision date",
	KindNotInForce: "No rule in force on the date", KindRuleError: "A rule failed", KindBadReform: "Invalid reform",
	KindBadScenario: "Invalid scenario file", KindNotFound: "Not found", KindMethodNotAllowed: "Method not allowed",
	KindUnsupportedMedia: "Unsupported media type", KindLimitExceeded: "Limit exceeded", KindTooManyRequests: "Too many requests",
	KindUnavailable: "Service unavailable", KindUnauthorized: "Unauthorized", KindInternal: "Internal error",
}

// Kinds returns every kind of problem, for documentation and tests.
func Kinds() []string {
	out := make([]string, 0, len(kindStatus))
	for k := range kindStatus {
		out = append(out, k)
	}
	return out
}

// Problem is an RFC 9457 problem details object, as the service writes it
// (application/problem+json).
type Problem struct {
	Type   string `json:"type"`
	Title  string `json:"title"`
	Status int    `json:"status"`
	Detail string `json:"detail,omitempty"`
	// Instance identifies this occurrence: the request's id as a URN.
	Instance  string `json:"instance,omitempty"`
	RequestID string `json:"request_id,omitempty"`
	// Errors lists every problem found, each with its field and, for files
	// and bodies, line and column.
	Errors []FieldProblem `json:"errors,omitempty"`
	// RetryAfter is the Retry-After header's value in seconds (not in the
	// body).
	RetryAfter int `json:"-"`
	kind       string
}

// FieldProblem is one thing wrong with a request.
type FieldProblem struct {
	// Field is the path of the field concerned, as the CLI names it
	// (case.person.income, date, reforms[0]).
	Field string `json:"field,omitempty"`
	// Pointer is the JSON Pointer (RFC 6901) of the field in the request
	// body, when it is in the body's JSON.
	Pointer string `json:"pointer,omitempty"`
	// File, Line and Column locate the problem: in a file of the request
	// (a reform, a scenario file) or, without File, in the request body.
	File   string `json:"file,omitempty"`
	Line   int    `json:"line,omitempty"`
	Column int    `json:"column,omitempty"`
	// ID is the parameter, rule or scenario concerned.
	ID      string `json:"id,omitempty"`
	Message string `json:"message"`
}

// Kind returns the problem's kind (the last part of its type).
func (p *Problem) Kind() string { return p.kind }

func (p *Problem) Error() string { return p.Title + ": " + p.Detail }

func problem(kind, format string, args ...any) *Problem {
	return &Problem{Type: ProblemBase + kind, Title: kindTitle[kind], Status: kindStatus[kind], Detail: fmt.Sprintf(format, args...), kind: kind}
}

func (p *Problem) with(errs ...FieldProblem) *Problem {
	p.Errors = append(p.Errors, errs...)
	return p
}

// writeProblem writes p as application/problem+json.
func writeProblem(w http.ResponseWriter, r *http.Request, p *Problem) {
	info := infoOf(r)
	if info != nil {
		info.problem = p.kind
		p.RequestID = info.id
		p.Instance = "urn:wijkwerken:request:" + info.id
	}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Cache-Control", "no-store")
	h.Del("Content-Length")
	if p.RetryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(p.RetryAfter))
	}
	if p.kind == KindUnauthorized {
		h.Set("WWW-Authenticate", `Bearer realm="wijkwerken"`)
	}
	w.WriteHeader(p.Status)
	b, _ := json.Marshal(p)
	w.Write(append(b, '\n'))
}

// fieldPointer turns a field path (case.person.income, reforms[0],
// case.trajectory.hours.2024-03) into a JSON Pointer.
func fieldPointer(field string) string {
	if field == "" {
		return ""
	}
	var b strings.Builder
	for _, part := range strings.Split(field, ".") {
		name, idx, _ := strings.Cut(part, "[")
		b.WriteByte('/')
		b.WriteString(pointerEscaper.Replace(name))
		for idx != "" {
			n, rest, _ := strings.Cut(idx, "]")
			b.WriteByte('/')
			b.WriteString(n)
			idx = strings.TrimPrefix(rest, "[")
		}
	}
	return b.String()
}

// loadProblems turns a *wijkwerken.LoadError into field problems.
func loadProblems(err error) []FieldProblem {
	var le *wk.LoadError
	if !errors.As(err, &le) {
		return []FieldProblem{{Message: err.Error()}}
	}
	out := make([]FieldProblem, 0, len(le.Problems))
	for _, p := range le.Problems {
		out = append(out, FieldProblem{File: p.Pos.File, Line: p.Pos.Line, Column: p.Pos.Column, ID: p.ID, Message: p.Msg})
	}
	return out
}

// caseProblems turns a *dossier.CaseError into field problems.
func caseProblems(ce *dossier.CaseError) []FieldProblem {
	out := make([]FieldProblem, 0, len(ce.Fields))
	for _, f := range ce.Fields {
		out = append(out, FieldProblem{Field: f.Field, Pointer: fieldPointer(f.Field), Line: f.Pos.Line, Column: f.Pos.Column, Message: f.Msg})
	}
	return out
}

// decisionProblem classifies an error of a decision that decided nothing.
func decisionProblem(err error) *Problem {
	var nf *wk.NotInForceError
	var ce *dossier.CaseError
	var re *wk.RuleError
	switch {
	case errors.As(err, &nf):
		return problem(KindNotInForce, "%v", err).with(FieldProblem{Field: "date", Pointer: "/date", Message: nf.Error()})
	case errors.As(err, &ce):
		return problem(KindBadCase, "%v", err).with(caseProblems(ce)...)
	case errors.As(err, &re):
		return problem(KindRuleError, "%v", err).with(FieldProblem{ID: re.Rule, File: re.Pos.File, Line: re.Pos.Line, Column: re.Pos.Column, Message: re.Err.Error()})
	}
	// Every area failed for want of data (an area's own requirements), or
	// the case has nothing to decide.
	return problem(KindBadCase, "%v", err)
}
