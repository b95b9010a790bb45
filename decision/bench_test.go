package decision_test

import (
	"bytes"
	"encoding/json"
	"sort"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/internal/benchpair"
	"github.com/openwijkwerken/wijkwerken/population"
	"github.com/stretchr/testify/require"
)

func popRecords(t testing.TB, n int, seed uint64) []population.Record {
	dec := json.NewDecoder(bytes.NewReader(popLines(t, n, seed)))
	var recs []population.Record
	for dec.More() {
		var r population.Record
		require.NoError(t, dec.Decode(&r))
		recs = append(recs, r)
	}
	return recs
}

// TestHandWrittenCombinedAgrees keeps the benchmark's baseline honest: over
// a synthetic population, the hand-written rules must compute exactly the
// output paths the combined decision computes, with the same values.
func TestHandWrittenCombinedAgrees(t *testing.T) {
	eng := engineT(t)
	h := newHandCombined(eng.Rulebook())
	for _, rec := range popRecords(t, 3000, 31) {
		want := h.decide(rec.Date, rec.Case).outputs()
		got, err := eng.Decide(rec.Date, rec.Case)
		if got == nil {
			require.Empty(t, want, "case %s: the engine decided nothing (%v)", rec.ID, err)
			continue
		}
		paths := make([]string, 0, len(want))
		for p := range want {
			paths = append(paths, p)
		}
		sort.Strings(paths)
		require.Equal(t, paths, got.Computed(), "case %s on %s: paths (errors: %v)", rec.ID, rec.Date, got.Errors)
		for _, p := range paths {
			v, _ := got.Get(p)
			require.Equal(t, decision.FormatValue(want[p]), decision.FormatValue(v), "case %s on %s: %s", rec.ID, rec.Date, p)
		}
	}
}

// BenchmarkCombined compares, in one run and on one core, the combined
// decision through the rules engine with the hand-written baseline on the
// same synthetic population: read the ratio of ns/op between the
// sub-benchmarks (README, Performance).
func BenchmarkCombined(b *testing.B) {
	eng := engineT(b)
	recs := popRecords(b, 2000, 21)
	b.Run("handwritten", func(b *testing.B) {
		h := newHandCombined(eng.Rulebook())
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			r := recs[i%len(recs)]
			h.decide(r.Date, r.Case)
		}
	})
	b.Run("rules", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			r := recs[i%len(recs)]
			_, _ = eng.Decide(r.Date, r.Case) // a case whose every area fails is an error, decided all the same
		}
	})
	// Both alternately, for a ratio from one machine state.
	b.Run("pair", func(b *testing.B) {
		h := newHandCombined(eng.Rulebook())
		benchpair.Run(b, "handwritten", func(i int) {
			r := recs[i%len(recs)]
			h.decide(r.Date, r.Case)
		}, "rules", func(i int) {
			r := recs[i%len(recs)]
			_, _ = eng.Decide(r.Date, r.Case)
		})
	})
	b.Run("rules_traced", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			r := recs[i%len(recs)]
			_, _ = eng.Decide(r.Date, r.Case, wk.WithTrace())
		}
	})
}

// BenchmarkDelta measures deciding a case under a reform of the tax rate
// (a voucher parameter) in full, beside deciding it from its baseline
// decision through a Delta (the vouchers alone decided again), on the same
// cases alternately.
func BenchmarkDelta(b *testing.B) {
	eng := engineT(b)
	recs := popRecords(b, 2000, 21)
	for _, bc := range []struct{ name, reform string }{
		{"vouchers_reform", "set: [{param: vouchers.tax_rate, from: 2026-01-01, value: 0.20}]"},
		{"hours_reform", "set: [{param: hours.per_month_max, from: 2025-01-01, value: 80}]"},
	} {
		rf, err := wk.ParseReform("r.yaml", []byte("reform: r\ncite: benchmark\n"+bc.reform+"\n"))
		require.NoError(b, err)
		rb, err := eng.Rulebook().Reform(rf)
		require.NoError(b, err)
		alt, err := decision.New(rb)
		require.NoError(b, err)
		d, err := decision.NewDelta(eng, alt)
		require.NoError(b, err)
		base := make([]*decision.Result, len(recs))
		for i, r := range recs {
			base[i], _ = eng.Decide(r.Date, r.Case)
		}
		b.Run(bc.name, func(b *testing.B) {
			benchpair.Run(b, "delta", func(i int) {
				k := i % len(recs)
				_, _ = d.Decide(base[k], recs[k].Date, recs[k].Case)
			}, "full", func(i int) {
				k := i % len(recs)
				_, _ = alt.Decide(recs[k].Date, recs[k].Case)
			})
		})
	}
}
