package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/dossier"
)

// File is a file sent in a request: a reform or a scenario file, YAML or
// JSON. Name names it in errors and reports.
type File struct {
	Name    string `json:"name,omitempty"`
	Content string `json:"content"`
}

// DecideRequest is the body of POST /v1/decide.
type DecideRequest struct {
	// Date is the decision date; absent, the case's request.date.
	Date *string `json:"date,omitempty"`
	// Case is the case document (case.schema.json).
	Case json.RawMessage `json:"case"`
	// Reforms apply, in order, to the service's rulebook for this
	// decision.
	Reforms []File `json:"reforms,omitempty"`
}

// requireType answers 415 unless the request's body is of one of the
// media types.
func requireType(w http.ResponseWriter, r *http.Request, types ...string) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err == nil {
		for _, t := range types {
			if mt == t {
				return true
			}
		}
	}
	got := r.Header.Get("Content-Type")
	if got == "" {
		got = "none"
	}
	w.Header().Set("Accept-Post", strings.Join(types, ", "))
	writeProblem(w, r, problem(KindUnsupportedMedia, "send %s (Content-Type: %s)", strings.Join(types, " or "), got))
	return false
}

// readBody reads a whole body of at most limit bytes.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, *Problem) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return nil, problem(KindLimitExceeded, "the body is larger than %d bytes", limit)
		}
		return nil, problem(KindMalformed, "the body could not be read: %v", err)
	}
	return body, nil
}

// queryBool reads a true/false query parameter.
func queryBool(r *http.Request, name string) (bool, *Problem) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(v)
	if err != nil {
		return false, problem(KindMalformed, "?%s=%q: want true or false", name, v).with(FieldProblem{Field: name, Message: "want true or false"})
	}
	return b, nil
}

// queryLang reads ?lang=nl|en ("" when absent).
func queryLang(r *http.Request) (string, *Problem) {
	switch l := r.URL.Query().Get("lang"); l {
	case "", "nl", "en":
		return l, nil
	default:
		return "", problem(KindMalformed, "?lang=%q: want nl or en", l).with(FieldProblem{Field: "lang", Message: "want nl or en"})
	}
}

// queryDate reads a date query parameter (zero when absent).
func queryDate(r *http.Request, name string) (wk.Date, *Problem) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return wk.Date{}, nil
	}
	d, err := wk.ParseDate(v)
	if err != nil {
		return wk.Date{}, problem(KindBadDate, "?%s: %v", name, err).with(FieldProblem{Field: name, Message: err.Error()})
	}
	return d, nil
}

// reformEngine returns the engine for a request's reforms: the service's
// own without any, else the cached or newly compiled reformed one.
func (s *Server) reformEngine(files []File) (*engine, *Problem) {
	if len(files) == 0 {
		return s.base, nil
	}
	if len(files) > s.cfg.MaxReforms {
		return nil, problem(KindLimitExceeded, "%d reforms: at most %d per request", len(files), s.cfg.MaxReforms)
	}
	e, err := s.cache.reformed(s.base, files, func() ([]*wk.Reform, error) {
		out, err := parseFiles(files, "reforms", wk.ParseReform)
		if err != nil {
			return nil, &reformError{err}
		}
		return out, nil
	})
	if err != nil {
		return nil, problem(KindBadReform, "%v", err).with(loadProblems(err)...)
	}
	return e, nil
}

// fileName is how a file of a request is named in errors and reports: its
// name, else its place in the request (reforms[0]).
func fileName(f File, list string, i int) string {
	if f.Name != "" {
		return f.Name
	}
	return fmt.Sprintf("%s[%d]", list, i)
}

// parseFiles parses every file of a request's list, reporting the problems
// of all of them at once (a *wijkwerken.LoadError).
func parseFiles[T any](files []File, list string, parse func(name string, data []byte) (T, error)) ([]T, error) {
	var out []T
	var errs []error
	for i, f := range files {
		v, err := parse(fileName(f, list, i), []byte(f.Content))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, v)
	}
	if err := joinLoadErrors(errs); err != nil {
		return nil, err
	}
	return out, nil
}

// joinLoadErrors merges the problems of the *wijkwerken.LoadErrors among
// errs into one, so that every file's problems are reported at once; any
// other error is joined beside it.
func joinLoadErrors(errs []error) error {
	var merged wk.LoadError
	var other []error
	for _, err := range errs {
		var le *wk.LoadError
		if errors.As(err, &le) {
			merged.Problems = append(merged.Problems, le.Problems...)
		} else if err != nil {
			other = append(other, err)
		}
	}
	if len(merged.Problems) > 0 {
		other = append(other, &merged)
	}
	switch len(other) {
	case 0:
		return nil
	case 1:
		return other[0]
	}
	return errors.Join(other...)
}

// decodeCase decodes the case of a body strictly. When it does not decode,
// the case is read again as YAML in place, so that each field's problem
// carries its line and column in the body.
func decodeCase(body []byte, sp span, raw json.RawMessage) (*dossier.Case, *Problem) {
	c, err := dossier.DecodeJSON(raw)
	if err == nil {
		return c, nil
	}
	var ce *dossier.CaseError
	if !errors.As(err, &ce) {
		return nil, problem(KindBadCase, "%v", err)
	}
	if _, perr := dossier.ParseCase("body", blankOutside(body, sp)); perr != nil {
		var pce *dossier.CaseError
		if errors.As(perr, &pce) && len(pce.Fields) > 0 && pce.Fields[0].Pos.Line > 0 {
			ce = pce
			err = perr
		}
	}
	return nil, problem(KindBadCase, "%v", err).with(caseProblems(ce)...)
}

// decisionDate is the request's date, else the case's request.date.
func decisionDate(date *string, c *dossier.Case) (wk.Date, *Problem) {
	if date != nil {
		d, err := wk.ParseDate(*date)
		if err != nil {
			return wk.Date{}, problem(KindBadDate, "date: %v", err).with(FieldProblem{Field: "date", Pointer: "/date", Message: err.Error()})
		}
		return d, nil
	}
	if c.Request != nil && !c.Request.Date.IsZero() {
		return c.Request.Date, nil
	}
	return wk.Date{}, problem(KindBadDate, "no decision date: give date, or case.request.date").with(FieldProblem{Field: "date", Pointer: "/date", Message: "missing"})
}

// decideContext decides a case, honouring ctx before it starts.
//
// The engine's Decide takes no context yet: a decision takes microseconds
// and the engine bounds every rule's work, so the request's deadline is
// checked around it. When decision.Engine gains a context-aware Decide
// (with the work budget of issue 16), call it here.
func decideContext(ctx context.Context, e *decision.Engine, date wk.Date, c *dossier.Case, opts ...wk.Option) (*decision.Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return e.Decide(date, c, opts...)
}

func (s *Server) handleDecide(w http.ResponseWriter, r *http.Request) {
	if !requireType(w, r, "application/json") {
		return
	}
	trace, p := queryBool(r, "trace")
	if p == nil {
		var lang string
		lang, p = queryLang(r)
		if p == nil {
			s.decide(w, r, trace, lang)
			return
		}
	}
	writeProblem(w, r, p)
}

func (s *Server) decide(w http.ResponseWriter, r *http.Request, trace bool, lang string) {
	ctx, cancel := context.WithTimeout(r.Context(), s.cfg.Timeout)
	defer cancel()
	body, p := readBody(w, r, s.cfg.MaxBody)
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	var req DecideRequest
	spans, err := scanJSON(body)
	if err != nil {
		_, p = decodeStrict(body, &req) // says where
		writeProblem(w, r, p)
		return
	}
	if p := decodeMembers(body, spans, map[string]any{"date": &req.Date, "case": &req.Case, "reforms": &req.Reforms}); p != nil {
		writeProblem(w, r, p)
		return
	}
	if len(req.Case) == 0 {
		writeProblem(w, r, problem(KindMalformed, "missing case").with(FieldProblem{Field: "case", Pointer: "/case", Message: "missing"}))
		return
	}
	c, p := decodeCase(body, spans["case"], req.Case)
	if p != nil {
		writeProblem(w, r, p)
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
	// The case has passed Validate (DecodeJSON); Decide checks it once
	// more for all its areas. (With the engine's option that says it is
	// validated already, wire it in here.)
	var opts []wk.Option
	if trace {
		opts = append(opts, wk.WithTrace())
	}
	res, err := decideContext(ctx, eng.decide, date, c, opts...)
	if err != nil && (res == nil || len(res.Computed()) == 0) {
		if ctx.Err() != nil {
			writeProblem(w, r, timeoutProblem(s.cfg.Timeout))
			return
		}
		writeProblem(w, r, decisionProblem(err))
		return
	}
	s.m.decisions.WithLabelValues("decide").Inc()
	out, err := resultJSON(res, lang)
	if err != nil {
		writeProblem(w, r, problem(KindInternal, "cannot write the result: %v", err))
		return
	}
	doc := out // the result names its fingerprint and engine
	if p := s.logDecision(r, "decide", eng, res, body); p != nil {
		writeProblem(w, r, p)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Wijkwerken-Fingerprint", eng.fingerprint)
	w.Write(append(doc, '\n'))
}

// logDecision writes a decision to the decision log, when the service keeps
// one; a decision that cannot be logged is not answered.
func (s *Server) logDecision(r *http.Request, endpoint string, eng *engine, res *decision.Result, body []byte) *Problem {
	if s.dlog == nil {
		return nil
	}
	outputs, _ := res.OutputsJSON()
	if err := s.dlog.write(decisionRecord{Time: time.Now().UTC(), RequestID: infoOf(r).id, Endpoint: endpoint, Fingerprint: eng.fingerprint, Outputs: outputs}, body); err != nil {
		s.log.Error("decision log", "request_id", infoOf(r).id, "error", err.Error())
		return problem(KindUnavailable, "the decision could not be logged, so it is not answered")
	}
	return nil
}

func timeoutProblem(d time.Duration) *Problem {
	p := problem(KindUnavailable, "the request took longer than its time budget of %s", d)
	p.RetryAfter = 1
	return p
}

// resultJSON is the result as Result.MarshalJSON writes it; with a language,
// each explanation's message is in that language only.
func resultJSON(res *decision.Result, lang string) ([]byte, error) {
	if lang == "" {
		return res.MarshalJSON()
	}
	out, err := res.OutputsJSON()
	if err != nil {
		return nil, err
	}
	reasons := res.Reasons()
	if len(reasons) == 0 {
		return out, nil
	}
	type msg struct {
		NL string `json:"nl,omitempty"`
		EN string `json:"en,omitempty"`
	}
	type reason struct {
		Code    string `json:"code"`
		Message msg    `json:"message"`
		Rule    string `json:"rule"`
		Cite    string `json:"cite"`
	}
	rs := make([]reason, len(reasons))
	for i, x := range reasons {
		rs[i] = reason{Code: x.Code, Rule: x.Rule, Cite: x.Cite}
		if lang == "nl" {
			rs[i].Message.NL = x.Message.NL
		} else {
			rs[i].Message.EN = x.Message.EN
		}
	}
	b, err := json.Marshal(rs)
	if err != nil {
		return nil, err
	}
	return splice(out, "explanations", b), nil
}

// splice puts "key": value first in the JSON object obj.
func splice(obj []byte, key string, value []byte) []byte {
	var b bytes.Buffer
	b.Grow(len(obj) + len(key) + len(value) + 8)
	b.WriteString(`{"`)
	b.WriteString(key)
	b.WriteString(`":`)
	b.Write(value)
	if rest := bytes.TrimSpace(obj[1:]); len(rest) > 0 && rest[0] != '}' {
		b.WriteByte(',')
	}
	b.Write(obj[1:])
	return b.Bytes()
}

// handleBatch decides a stream of JSON lines ({"id", "date", "case"} each)
// into a stream of JSON lines, in order, with decision.Engine.Stream:
// memory stays bounded by its window whatever the stream's length.
func (s *Server) handleBatch(w http.ResponseWriter, r *http.Request) {
	if !requireType(w, r, "application/x-ndjson", "application/jsonl") {
		return
	}
	q := r.URL.Query()
	explain, p := queryBool(r, "explain")
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	trace, p := queryBool(r, "trace")
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	date, p := queryDate(r, "date")
	if p != nil {
		writeProblem(w, r, p)
		return
	}
	_ = q
	rc := http.NewResponseController(w)
	deadline := time.Now().Add(s.cfg.StreamTimeout)
	rc.SetReadDeadline(deadline)
	rc.SetWriteDeadline(deadline)
	// Read the lines while the results go out (HTTP/1 would otherwise
	// read the whole body first).
	rc.EnableFullDuplex()
	// In full duplex, net/http (go1.26) starts a background read when it
	// discards an unread rest of the body after the handler, which races
	// with the next request's read ("invalid concurrent Body.Read call"):
	// read a short rest here instead; a long one closes the connection.
	defer io.CopyN(io.Discard, r.Body, 256<<10)
	ctx, cancel := context.WithDeadline(r.Context(), deadline)
	defer cancel()

	o := decision.StreamOptions{Date: date, Explain: explain, MaxLine: int(s.cfg.MaxBody)}
	if trace {
		o.Options = []wk.Option{wk.WithTrace()}
	}
	var in io.Reader = http.MaxBytesReader(w, r.Body, s.cfg.MaxUpload)
	out := &firstWrite{w: w, header: func() {
		w.Header().Set("Content-Type", "application/x-ndjson")
		w.Header().Set("Cache-Control", "no-store")
	}}
	var sink io.Writer = out
	if s.dlog != nil {
		tap := &batchTap{r: in}
		in = tap
		sink = &logWriter{w: out, tap: tap, log: s.dlog, rec: decisionRecord{RequestID: infoOf(r).id, Endpoint: "batch", Fingerprint: s.base.fingerprint}}
	}
	st, err := s.base.decide.Stream(ctx, in, sink, o)
	s.m.decisions.WithLabelValues("batch").Add(float64(st.Cases - st.Errors))
	if err == nil {
		if !out.started {
			out.header()
			w.WriteHeader(http.StatusOK) // an empty stream: no lines
		}
		return
	}
	var mbe *http.MaxBytesError
	var p2 *Problem
	var lw *logWriter
	if l, ok := sink.(*logWriter); ok {
		lw = l
	}
	switch {
	case lw != nil && lw.logErr != nil:
		s.log.Error("decision log", "request_id", infoOf(r).id, "error", lw.logErr.Error())
		p2 = problem(KindUnavailable, "decisions could not be logged: the stream stops")
	case errors.As(err, &mbe):
		p2 = problem(KindLimitExceeded, "the stream is larger than %d bytes", s.cfg.MaxUpload)
	case errors.Is(err, context.DeadlineExceeded):
		p2 = timeoutProblem(s.cfg.StreamTimeout)
	case strings.Contains(err.Error(), "token too long"):
		p2 = problem(KindLimitExceeded, "a line is longer than %d bytes (%v)", s.cfg.MaxBody, err)
	default:
		p2 = problem(KindMalformed, "the stream stopped: %v", err)
	}
	if !out.started {
		// The rest of the body is not read: the connection cannot carry
		// another request.
		w.Header().Set("Connection", "close")
		writeProblem(w, r, p2)
		return
	}
	// The status is sent: say why the stream stops in a last line.
	infoOf(r).problem = p2.kind
	line, _ := json.Marshal(map[string]any{"line": st.Cases + 1, "error": p2.Detail, "type": p2.Type})
	w.Write(append(line, '\n'))
}

// firstWrite sets the headers before the first byte of a stream.
type firstWrite struct {
	w       http.ResponseWriter
	header  func()
	started bool
}

func (f *firstWrite) Write(b []byte) (int, error) {
	if !f.started {
		f.started = true
		f.header()
	}
	return f.w.Write(b)
}
