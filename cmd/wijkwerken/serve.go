package main

import (
	"bufio"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/openwijkwerken/wijkwerken/server"
)

// cmdServe runs the rulebook as an HTTP/JSON service until SIGTERM or
// SIGINT, then shuts down gracefully.
func cmdServe(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("serve", "[--addr ADDR] [--rulebook DIR] [--reform FILE]... [--tokens FILE] [--cors-origin ORIGIN]... [--decision-log FILE [--decision-log-cases]] [--no-ui]", stdout, stderr)
	var rf rulebookFlags
	rf.register(fs)
	addr := fs.String("addr", "localhost:8080", "listen on `ADDR` (host:port; :8080 for every interface)")
	tokens := fs.String("tokens", "", "require a bearer token from `FILE` (one per line, # comments) for /v1/ and /metrics")
	var origins multiFlag
	fs.Var(&origins, "cors-origin", "let browsers call from `ORIGIN` (repeatable; * for any); default: no CORS")
	dlog := fs.String("decision-log", "", "append a JSON line per decision to `FILE` (fingerprint, input digest, outputs, time)")
	dlogCases := fs.Bool("decision-log-cases", false, "with --decision-log: also log each input (personal data: only with a basis to keep it)")
	timeout := fs.Duration("timeout", 30*time.Second, "time budget of a request (batch streams: --stream-timeout)")
	streamTimeout := fs.Duration("stream-timeout", 10*time.Minute, "time budget of a batch stream")
	inFlight := fs.Int("max-in-flight", 0, "requests served at once (default 8 per core)")
	queue := fs.Int("max-queue", 0, "requests that may wait for a slot; more get 429 (default 100 per core)")
	queueWait := fs.Duration("queue-wait", 2*time.Second, "longest wait for a slot; then 503")
	streams := fs.Int("max-streams", 2, "batch, scenario and compare requests at once")
	maxBody := fs.Int64("max-body", 1<<20, "largest decide body and batch line, in bytes")
	maxUpload := fs.Int64("max-upload", 64<<20, "largest batch, scenario or compare body, in bytes")
	maxPop := fs.Int("max-population", 10000, "largest population of a compare request")
	cache := fs.Int("cache", 16, "reformed rulebooks kept compiled")
	drain := fs.Duration("drain", 30*time.Second, "on SIGTERM, how long requests in flight may take to finish")
	delay := fs.Duration("shutdown-delay", 0, "on SIGTERM, serve this long with /readyz answering 503 before closing the listener")
	logLevel := fs.String("log-level", "info", "debug, info, warn or error")
	noUI := fs.Bool("no-ui", false, "serve the API only, without the web interface at /")
	pos, code, ok := fs.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return fs.usage("unexpected argument %q", pos[0])
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return fs.fail("--log-level %q: want debug, info, warn or error", *logLevel)
	}
	logger := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))
	rb, err := rf.load(rf.inputs(stdin))
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	cfg := server.Config{Rulebook: rb, Logger: logger, Timeout: *timeout, StreamTimeout: *streamTimeout,
		MaxInFlight: *inFlight, MaxQueue: *queue, QueueWait: *queueWait, MaxStreams: *streams,
		MaxBody: *maxBody, MaxUpload: *maxUpload, MaxPopulation: *maxPop, CacheSize: *cache, CORSOrigins: origins, ShutdownDelay: *delay, DisableUI: *noUI}
	if *tokens != "" {
		if cfg.Tokens, err = readTokens(*tokens); err != nil {
			report(stderr, err)
			return exitInput
		}
	}
	if *dlog != "" {
		f, err := os.OpenFile(*dlog, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
		if err != nil {
			report(stderr, err)
			return exitInput
		}
		defer f.Close()
		cfg.DecisionLog, cfg.LogCases = f, *dlogCases
	} else if *dlogCases {
		return fs.fail("--decision-log-cases needs --decision-log FILE")
	}
	srv, err := server.New(cfg)
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	defer stop()
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	if err := srv.Serve(ctx, ln, *drain); err != nil {
		report(stderr, err)
		return exitFail
	}
	return exitOK
}

// readTokens reads bearer tokens, one per line; blank lines and lines
// starting with # are skipped.
func readTokens(file string) ([]string, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if t := strings.TrimSpace(sc.Text()); t != "" && !strings.HasPrefix(t, "#") {
			out = append(out, t)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, errors.New(file + ": no tokens (one per line)")
	}
	return out, nil
}
