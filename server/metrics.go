package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the service's Prometheus metrics. Labels are bounded: routes
// are the patterns, never paths; problems are kinds.
type metrics struct {
	reg         *prometheus.Registry
	requests    *prometheus.CounterVec
	latency     *prometheus.HistogramVec
	errors      *prometheus.CounterVec
	decisions   *prometheus.CounterVec
	inFlight    prometheus.Gauge
	cacheHits   prometheus.Counter
	cacheMisses prometheus.Counter
}

func newMetrics(reg *prometheus.Registry, s *Server) *metrics {
	if reg == nil {
		reg = prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	}
	m := &metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wijkwerken_http_requests_total", Help: "HTTP requests served, by route pattern and status code.",
		}, []string{"route", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "wijkwerken_http_request_duration_seconds", Help: "Time to serve a request, by route pattern.",
			Buckets: []float64{.0001, .00025, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"route"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wijkwerken_errors_total", Help: "Problem answers, by kind (the last part of the problem type).",
		}, []string{"kind"}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "wijkwerken_decisions_total", Help: "Cases decided, by endpoint (decide, batch, scenarios, compare).",
		}, []string{"endpoint"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "wijkwerken_http_requests_in_flight", Help: "Requests being served.",
		}),
		cacheHits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wijkwerken_reform_cache_hits_total", Help: "Requests with reforms whose compiled rulebook was cached.",
		}),
		cacheMisses: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "wijkwerken_reform_cache_misses_total", Help: "Reformed rulebooks compiled.",
		}),
	}
	build := prometheus.NewGauge(prometheus.GaugeOpts{
		Name: "wijkwerken_build_info", Help: "The engine's version and the rulebook's fingerprint (always 1).",
		ConstLabels: prometheus.Labels{"version": s.build.Version, "revision": s.build.Revision, "fingerprint": s.base.fingerprint},
	})
	build.Set(1)
	cached := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "wijkwerken_reform_cache_entries", Help: "Reformed rulebooks kept compiled.",
	}, func() float64 { return float64(s.cache.len()) })
	busy := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "wijkwerken_slots_in_use", Help: "Slots of the concurrency limit taken.",
	}, func() float64 { return float64(s.slots.inUse()) })
	queued := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "wijkwerken_slots_waiting", Help: "Requests waiting for a slot.",
	}, func() float64 { return float64(s.slots.waiting.Load()) })
	reg.MustRegister(m.requests, m.latency, m.errors, m.decisions, m.inFlight, m.cacheHits, m.cacheMisses, build, cached, busy, queued)
	return m
}

func (m *metrics) observe(route string, status int, problem string, d time.Duration) {
	m.requests.WithLabelValues(route, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(route).Observe(d.Seconds())
	if problem != "" {
		m.errors.WithLabelValues(problem).Inc()
	}
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
