package server

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"
)

// limiter bounds the requests served at once: a request takes a slot, or
// waits for one among at most queue others for at most wait. It never
// queues without bound.
type limiter struct {
	slots   chan struct{}
	waiting atomic.Int64
	queue   int64
	wait    time.Duration
}

func newLimiter(n, queue int, wait time.Duration) *limiter {
	return &limiter{slots: make(chan struct{}, n), queue: int64(queue), wait: wait}
}

// acquire returns nil with a slot taken (release it with release), or the
// problem to answer with.
func (l *limiter) acquire(r *http.Request) *Problem {
	select {
	case l.slots <- struct{}{}:
		return nil
	default:
	}
	if l.waiting.Add(1) > l.queue {
		l.waiting.Add(-1)
		p := problem(KindTooManyRequests, "every slot is busy and %d requests wait already: retry later", l.queue)
		p.RetryAfter = 1
		return p
	}
	defer l.waiting.Add(-1)
	t := time.NewTimer(l.wait)
	defer t.Stop()
	select {
	case l.slots <- struct{}{}:
		return nil
	case <-t.C:
		p := problem(KindUnavailable, "no slot became free within %s: retry later", l.wait)
		p.RetryAfter = 1
		return p
	case <-r.Context().Done():
		p := problem(KindUnavailable, "the request ended while it waited for a slot")
		p.RetryAfter = 1
		return p
	}
}

func (l *limiter) release() { <-l.slots }

func (l *limiter) inUse() int { return len(l.slots) }

func (s *Server) limited(l *limiter, next http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if p := l.acquire(r); p != nil {
			if l == s.streams {
				p.RetryAfter = 5
			}
			writeProblem(w, r, p)
			return
		}
		defer l.release()
		next(w, r)
	}
}

func digestToken(t string) [32]byte { return sha256.Sum256([]byte(t)) }

// authorized lets a request through when no tokens are configured, or when
// it carries one of them as a bearer token. Tokens are compared as SHA-256
// digests in constant time, each of them, so that neither a token's length
// nor which one matched shows in the timing.
func (s *Server) authorized(next http.HandlerFunc) http.HandlerFunc {
	if len(s.tokens) == 0 {
		return next
	}
	return func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		scheme, token, ok := strings.Cut(auth, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
			writeProblem(w, r, problem(KindUnauthorized, "give a bearer token: Authorization: Bearer TOKEN"))
			return
		}
		got := digestToken(strings.TrimSpace(token))
		match := 0
		for i := range s.tokens {
			match |= subtle.ConstantTimeCompare(got[:], s.tokens[i][:])
		}
		if match != 1 {
			writeProblem(w, r, problem(KindUnauthorized, "the bearer token is not one this service accepts"))
			return
		}
		next(w, r)
	}
}

// cors answers browsers of the configured origins; without any, it adds
// nothing and preflights fall through to 405.
func (s *Server) cors(next http.Handler) http.Handler {
	origins := s.cfg.CORSOrigins
	if len(origins) == 0 {
		return next
	}
	any := slices.Contains(origins, "*")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin == "" || (!any && !slices.Contains(origins, origin)) {
			next.ServeHTTP(w, r)
			return
		}
		h := w.Header()
		h.Add("Vary", "Origin")
		if any {
			h.Set("Access-Control-Allow-Origin", "*")
		} else {
			h.Set("Access-Control-Allow-Origin", origin)
		}
		h.Set("Access-Control-Expose-Headers", "X-Request-Id, X-Wijkwerken-Fingerprint, X-Wijkwerken-Engine, Retry-After")
		if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, POST")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-Id")
			h.Set("Access-Control-Max-Age", "600")
			infoOf(r).route = "preflight"
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next.ServeHTTP(w, r)
	})
}
