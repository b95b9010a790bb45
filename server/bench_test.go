package server

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/population"
)

func benchCases(b *testing.B) ([][]byte, []population.Record) {
	rb, err := wk.Reference()
	if err != nil {
		b.Fatal(err)
	}
	g, err := population.New(rb, wk.MustParseDate("2025-06-30"), 1)
	if err != nil {
		b.Fatal(err)
	}
	var bodies [][]byte
	var recs []population.Record
	for i := 0; i < 1000; i++ {
		rec := g.Next()
		body, _ := json.Marshal(map[string]any{"date": rec.Date, "case": rec.Case})
		bodies = append(bodies, body)
		recs = append(recs, rec)
	}
	return bodies, recs
}

// BenchmarkDecideHandler is one POST /v1/decide through the whole handler
// (no network): decoding, checks, the decision, the JSON written.
// BenchmarkEngineDecide is the decision alone on the same cases: the
// ratio is what the service adds.
func BenchmarkDecideHandler(b *testing.B) {
	bodies, _ := benchCases(b)
	rb, _ := wk.Reference()
	srv, err := New(Config{Rulebook: rb, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	if err != nil {
		b.Fatal(err)
	}
	h := srv.Handler()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		req := httptest.NewRequest("POST", "/v1/decide", bytes.NewReader(bodies[i%len(bodies)]))
		req.Header.Set("Content-Type", "application/json")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK && w.Code != http.StatusUnprocessableEntity {
			b.Fatalf("%d: %s", w.Code, w.Body)
		}
	}
}

func BenchmarkEngineDecide(b *testing.B) {
	_, recs := benchCases(b)
	rb, _ := wk.Reference()
	eng, err := decision.New(rb)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := recs[i%len(recs)]
		res, err := eng.Decide(r.Date, r.Case)
		if err == nil {
			res.MarshalJSON()
		}
	}
}
