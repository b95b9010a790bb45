// Package server is the rulebook as an HTTP/JSON service, for case software
// that is not written in Go: decisions one at a time and as streams of JSON
// lines, the parameters and rules with their citations, scenario runs and
// reform comparisons, under an OpenAPI 3.1 contract (served at
// /openapi.json). `wijkwerken serve` runs it.
//
// The service is stateless: one compiled rulebook shared by all requests,
// reformed rulebooks compiled on demand and kept in a bounded cache by
// fingerprint. It behaves as a production service must: errors as RFC 9457
// problem details with a stable type per kind (see the Kind constants),
// bounded bodies, a time budget per request, a concurrency limit that
// answers 429 or 503 with Retry-After instead of queueing without bound,
// read, write and idle timeouts, graceful shutdown, structured logs with
// request id, status and latency and never the case, optional bearer
// tokens, CORS off unless configured, an opt-in decision log, and
// Prometheus metrics.
package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	wk "github.com/openwijkwerken/wijkwerken"
)

// Config configures a Server. Zero values take the defaults named.
type Config struct {
	// Rulebook is the rulebook decisions are made with (with any reforms
	// of the command line applied). Required.
	Rulebook *wk.Rulebook
	// Logger receives one record per request (request id, method, route,
	// status, latency, bytes, the problem's kind) and the service's own
	// events; never a case or a value from one. Default: JSON to stderr.
	Logger *slog.Logger

	// MaxBody bounds the body of a JSON request (decide); default 1 MiB.
	MaxBody int64
	// MaxUpload bounds the body of batch, scenario and compare requests;
	// default 64 MiB.
	MaxUpload int64
	// MaxPopulation bounds the cases of a compare request; default 10 000.
	MaxPopulation int
	// MaxReforms bounds the reforms of one request; default 8.
	MaxReforms int
	// CacheSize is how many reformed rulebooks are kept compiled; default 16.
	CacheSize int

	// Timeout is the time budget of a request (batch streams excepted);
	// default 30 s. StreamTimeout is a batch stream's; default 10 min.
	Timeout, StreamTimeout time.Duration
	// MaxInFlight is how many requests are served at once; default 8 per
	// core. MaxQueue is how many more may wait for a slot, each at most
	// QueueWait (default 100 per core and 2 s): a request that finds the
	// queue full gets 429, one that waits too long 503, both with
	// Retry-After.
	MaxInFlight, MaxQueue int
	QueueWait             time.Duration
	// MaxStreams is how many batch, scenario and compare requests run at
	// once (each uses every core); default 2. One more gets 429.
	MaxStreams int

	// Tokens, when any, are the bearer tokens that may call /v1/ and
	// /metrics; compared in constant time. None: no authentication.
	Tokens []string
	// CORSOrigins are the origins browsers may call from ("*" for any);
	// none: no CORS headers, preflights refused.
	CORSOrigins []string
	// DecisionLog, when set, receives one JSON line per decision: time,
	// request id, fingerprint, engine version, the input's digest and the
	// outputs. LogCases adds the input itself (personal data: only with a
	// basis to keep it).
	DecisionLog io.Writer
	LogCases    bool

	// ShutdownDelay is how long Serve goes on serving after it is told to
	// stop, with /readyz answering 503, so that load balancers stop sending
	// before the listener closes; default 0.
	ShutdownDelay time.Duration

	// DisableUI turns the web interface at / off (docs/web.md). It is off
	// too when Tokens are set: a browser cannot send a bearer token.
	DisableUI bool

	// Registry receives the service's metrics; default a new registry
	// with the Go and process collectors.
	Registry *prometheus.Registry
}

func (c *Config) defaults() {
	cores := runtime.GOMAXPROCS(0)
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.MaxPopulation, 10_000)
	def(&c.MaxReforms, 8)
	def(&c.CacheSize, 16)
	def(&c.MaxInFlight, 8*cores)
	def(&c.MaxQueue, 100*cores)
	def(&c.MaxStreams, 2)
	if c.MaxBody <= 0 {
		c.MaxBody = 1 << 20
	}
	if c.MaxUpload <= 0 {
		c.MaxUpload = 64 << 20
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	if c.StreamTimeout <= 0 {
		c.StreamTimeout = 10 * time.Minute
	}
	if c.QueueWait <= 0 {
		c.QueueWait = 2 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
}

// Server is the service. Its Handler is safe for concurrent use.
type Server struct {
	cfg     Config
	log     *slog.Logger
	base    *engine
	cache   *engineCache
	build   wk.Build
	mux     *http.ServeMux
	handler http.Handler
	m       *metrics
	slots   *limiter
	streams *limiter
	tokens  [][32]byte
	dlog    *decisionLog
	openapi []byte
	ready   atomic.Bool
	sample  sample
	ui      *ui // the web interface; nil when it is off
}

// New compiles the rulebook and returns the service.
func New(cfg Config) (*Server, error) {
	if cfg.Rulebook == nil {
		return nil, errors.New("server: Config.Rulebook is required")
	}
	cfg.defaults()
	base, err := newEngine(cfg.Rulebook)
	if err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, log: cfg.Logger, base: base, cache: newEngineCache(cfg.CacheSize), build: wk.Version()}
	for _, t := range cfg.Tokens {
		if strings.TrimSpace(t) == "" {
			return nil, errors.New("server: an empty bearer token")
		}
		s.tokens = append(s.tokens, digestToken(t))
	}
	s.m = newMetrics(cfg.Registry, s)
	s.cache.hits, s.cache.misses = s.m.cacheHits.Inc, s.m.cacheMisses.Inc
	s.slots = newLimiter(cfg.MaxInFlight, cfg.MaxQueue, cfg.QueueWait)
	s.streams = newLimiter(cfg.MaxStreams, 0, 0)
	if cfg.DecisionLog != nil {
		s.dlog = &decisionLog{w: cfg.DecisionLog, cases: cfg.LogCases, engine: s.build.Version}
	}
	if s.openapi, err = OpenAPI(); err != nil {
		return nil, err
	}
	s.routes()
	s.ready.Store(true)
	return s, nil
}

// Fingerprint is the fingerprint of the service's rulebook.
func (s *Server) Fingerprint() string { return s.base.fingerprint }

// Handler returns the service's HTTP handler.
func (s *Server) Handler() http.Handler { return s.handler }

// route is one endpoint: its pattern, whether it takes a slot of the
// concurrency limit (and which), and whether it needs a token.
type route struct {
	pattern string
	h       http.HandlerFunc
	limit   *limiter
	open    bool // no token needed (probes, the contract)
}

func (s *Server) routeTable() []route {
	return []route{
		{"POST /v1/decide", s.handleDecide, s.slots, false},
		{"POST /v1/decide/batch", s.handleBatch, s.streams, false},
		{"GET /v1/parameters", s.handleParameters, s.slots, false},
		{"GET /v1/parameters/{id}", s.handleParameter, s.slots, false},
		{"GET /v1/rules", s.handleRules, s.slots, false},
		{"GET /v1/rules/{id}", s.handleRule, s.slots, false},
		{"POST /v1/scenarios/run", s.handleScenarios, s.streams, false},
		{"POST /v1/compare", s.handleCompare, s.streams, false},
		{"GET /v1/version", s.handleVersion, s.slots, false},
		{"GET /v1/changes", s.handleChanges, s.slots, false},
		{"POST /v1/lint", s.handleLint, s.slots, false},
		{"POST /v1/cases/check", s.handleCaseCheck, s.slots, false},
		{"POST /v1/cases/scenario", s.handleCaseScenario, s.slots, false},
		{"GET /v1/population/sample", s.handleSample, s.slots, false},
		{"GET /healthz", s.handleHealth, nil, true},
		{"GET /readyz", s.handleReady, nil, true},
		{"GET /metrics", s.m.handler().ServeHTTP, nil, false},
		{"GET /openapi.json", s.handleOpenAPI, nil, true},
	}
}

// Routes lists the patterns the service serves ("POST /v1/decide").
func (s *Server) Routes() []string {
	var out []string
	for _, r := range s.routeTable() {
		out = append(out, r.pattern)
	}
	return out
}

func (s *Server) routes() {
	s.mux = http.NewServeMux()
	for _, rt := range s.routeTable() {
		h := rt.h
		if rt.limit != nil {
			h = s.limited(rt.limit, h)
		}
		if !rt.open {
			h = s.authorized(h)
		}
		s.mux.HandleFunc(rt.pattern, h)
	}
	if !s.cfg.DisableUI && len(s.tokens) == 0 {
		s.ui = newUI(s)
	}
	s.handler = s.observe(s.cors(http.HandlerFunc(s.dispatch)))
}

// dispatch routes a request, answering unknown routes and methods with
// problems instead of the mux's plain text.
func (s *Server) dispatch(w http.ResponseWriter, r *http.Request) {
	_, pattern := s.mux.Handler(r)
	if pattern != "" {
		infoOf(r).route = pattern
		s.mux.ServeHTTP(w, r)
		return
	}
	if s.ui != nil {
		if _, pattern := s.ui.mux.Handler(r); pattern != "" {
			infoOf(r).route = pattern
			s.ui.mux.ServeHTTP(w, r)
			return
		}
	}
	s.mux.ServeHTTP(&notFoundWriter{ResponseWriter: w, r: r}, r)
}

// notFoundWriter turns the mux's own 404 and 405 answers into problems.
type notFoundWriter struct {
	http.ResponseWriter
	r       *http.Request
	swallow bool
}

func (w *notFoundWriter) WriteHeader(code int) {
	switch code {
	case http.StatusNotFound:
		w.swallow = true
		writeProblem(w.ResponseWriter, w.r, problem(KindNotFound, "no route %s %s", w.r.Method, w.r.URL.Path))
	case http.StatusMethodNotAllowed:
		w.swallow = true
		allow := w.Header().Get("Allow")
		writeProblem(w.ResponseWriter, w.r, problem(KindMethodNotAllowed, "%s takes %s, not %s", w.r.URL.Path, allow, w.r.Method))
	default:
		w.ResponseWriter.WriteHeader(code)
	}
}

func (w *notFoundWriter) Write(b []byte) (int, error) {
	if w.swallow {
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// requestInfo is what the middleware learns of a request.
type requestInfo struct {
	id      string
	route   string
	status  int
	bytes   int64
	problem string
}

type infoKey struct{}

func infoOf(r *http.Request) *requestInfo {
	i, _ := r.Context().Value(infoKey{}).(*requestInfo)
	return i
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	info *requestInfo
}

func (w *statusWriter) WriteHeader(code int) {
	if w.info.status == 0 {
		w.info.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.info.status == 0 {
		w.info.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.info.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (flushing,
// deadlines, full duplex).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// requestID keeps a well-formed X-Request-Id of the caller, else makes one.
func requestID(r *http.Request) string {
	if id := r.Header.Get("X-Request-Id"); len(id) > 0 && len(id) <= 64 && strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == "" {
		return id
	}
	var b [12]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// observe gives each request its id, recovers from a panic, counts and
// times it, and logs it: method, route, status, latency, bytes and the kind
// of problem, never the body, the query or a value from the case.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		info := &requestInfo{id: requestID(r)}
		r = r.WithContext(context.WithValue(r.Context(), infoKey{}, info))
		h := w.Header()
		h.Set("X-Request-Id", info.id)
		h.Set("X-Wijkwerken-Fingerprint", s.base.fingerprint)
		h.Set("X-Wijkwerken-Engine", s.build.Version)
		sw := &statusWriter{ResponseWriter: w, info: info}
		s.m.inFlight.Inc()
		defer func() {
			s.m.inFlight.Dec()
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				// The panic's value may hold case data: log where, not what.
				s.log.Error("panic", "request_id", info.id, "route", info.route, "stack", string(debug.Stack()))
				if info.status == 0 {
					writeProblem(sw, r, problem(KindInternal, "the service failed on this request (request id %s)", info.id))
				}
			}
			route := info.route
			if route == "" {
				route = "unmatched"
			}
			if info.status == 0 {
				info.status = http.StatusOK
			}
			elapsed := time.Since(start)
			s.m.observe(route, info.status, info.problem, elapsed)
			attrs := []slog.Attr{
				slog.String("request_id", info.id), slog.String("method", r.Method), slog.String("route", route),
				slog.Int("status", info.status), slog.Float64("latency_ms", float64(elapsed.Microseconds())/1000),
				slog.Int64("bytes_in", r.ContentLength), slog.Int64("bytes_out", info.bytes),
			}
			if info.problem != "" {
				attrs = append(attrs, slog.String("problem", info.problem))
			}
			level := slog.LevelInfo
			if info.status >= 500 {
				level = slog.LevelWarn
			}
			s.log.LogAttrs(r.Context(), level, "request", attrs...)
		}()
		next.ServeHTTP(sw, r)
	})
}

// Serve serves on ln until ctx is done, then shuts down gracefully: it
// stops accepting, answers /readyz with 503, lets the requests in flight
// finish for up to drain, then closes what is left. It returns nil after a
// graceful shutdown.
func (s *Server) Serve(ctx context.Context, ln net.Listener, drain time.Duration) error {
	hard, cancelHard := context.WithCancel(context.Background())
	defer cancelHard()
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       s.cfg.Timeout + 30*time.Second, // a stream extends its own
		WriteTimeout:      s.cfg.Timeout + 30*time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return hard },
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	url := ""
	if s.ui != nil {
		url = "http://" + ln.Addr().String() + "/"
	}
	s.log.Info("serving", "addr", ln.Addr().String(), "ui", url, "fingerprint", s.base.fingerprint, "engine", s.build.String(), "rulebook", s.cfg.Rulebook.Name())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	s.ready.Store(false)
	if d := s.cfg.ShutdownDelay; d > 0 {
		s.log.Info("not ready: shutting down soon", "delay", d.String())
		time.Sleep(d)
	}
	s.log.Info("shutting down", "drain", drain.String())
	sctx, cancel := context.WithTimeout(context.Background(), drain)
	defer cancel()
	err := srv.Shutdown(sctx)
	if err != nil {
		// Requests still running at the deadline are cancelled, then cut.
		cancelHard()
		srv.Close()
		s.log.Warn("shutdown deadline passed: closed the remaining connections")
	}
	if e := <-errc; !errors.Is(e, http.ErrServerClosed) {
		return e
	}
	if s.dlog != nil {
		s.dlog.flush()
	}
	s.log.Info("stopped")
	if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	return nil
}
