package decision_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"testing/iotest"
	"time"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/population"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func popLines(t testing.TB, n int, seed uint64) []byte {
	rb, err := wk.Reference()
	require.NoError(t, err)
	g, err := population.New(rb, wk.MustParseDate("2024-06-30"), seed)
	require.NoError(t, err)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for i := 0; i < n; i++ {
		require.NoError(t, enc.Encode(g.Next()))
	}
	return b.Bytes()
}

func TestPopulationIsDeterministic(t *testing.T) {
	a, b, c := popLines(t, 200, 5), popLines(t, 200, 5), popLines(t, 200, 6)
	assert.Equal(t, a, b, "the same seed gives the same population")
	assert.NotEqual(t, a, c)
}

func engineT(t testing.TB) *decision.Engine {
	rb, err := wk.Reference()
	require.NoError(t, err)
	eng, err := decision.New(rb)
	require.NoError(t, err)
	return eng
}

// The stream writes one line per input line, in order, each the same as
// deciding the case alone; broken lines become error lines.
func TestStream(t *testing.T) {
	eng := engineT(t)
	lines := popLines(t, 2000, 9)
	bad := "{\"id\": \"x1\", \"date\": \"2024-02-30\", \"case\": {}}\nnot json\n\n{\"id\": \"x2\", \"date\": \"2024-03-01\", \"case\": {\"person\": {\"incme\": \"none\"}}}\n{\"id\": \"x3\", \"case\": {\"organiser\": {\"cheque_price\": 7.45}}}\n"
	in := append(append([]byte(bad), lines...), []byte(bad)...)
	var out bytes.Buffer
	st, err := eng.Stream(context.Background(), bytes.NewReader(in), &out, decision.StreamOptions{Workers: 3, Window: 7})
	require.NoError(t, err)
	assert.Equal(t, 2008, st.Cases, "blank lines are skipped")
	assert.Equal(t, 8, st.Errors)

	type outLine struct {
		ID     string          `json:"id"`
		Line   int             `json:"line"`
		Date   wk.Date         `json:"date"`
		Result json.RawMessage `json:"result"`
		Error  string          `json:"error"`
	}
	var got []outLine
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var o outLine
		require.NoError(t, json.Unmarshal(sc.Bytes(), &o))
		got = append(got, o)
	}
	require.Len(t, got, 2008)
	assert.Contains(t, got[0].Error, "2024-02-30")
	assert.Contains(t, got[1].Error, "not a case line")
	assert.Equal(t, 4, got[2].Line)
	assert.Contains(t, got[2].Error, "incme")
	assert.Contains(t, got[3].Error, "no date")
	for i := 1; i < len(got); i++ {
		require.Greater(t, got[i].Line, got[i-1].Line, "in input order")
	}
	// Every population line decided as alone.
	var recs []population.Record
	dec := json.NewDecoder(bytes.NewReader(lines))
	for dec.More() {
		var r population.Record
		require.NoError(t, dec.Decode(&r))
		recs = append(recs, r)
	}
	for i, rec := range recs {
		o := got[4+i]
		require.Equal(t, rec.ID, o.ID)
		res, err := eng.Decide(rec.Date, rec.Case)
		if err != nil && o.Error != "" {
			continue
		}
		require.NoError(t, err, rec.ID)
		want, err := res.OutputsJSON()
		require.NoError(t, err)
		require.JSONEq(t, string(want), string(o.Result), rec.ID)
	}
}

func TestStreamStops(t *testing.T) {
	eng := engineT(t)
	lines := popLines(t, 500, 3)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := eng.Stream(ctx, bytes.NewReader(lines), io.Discard, decision.StreamOptions{})
	assert.ErrorIs(t, err, context.Canceled)

	_, err = eng.Stream(context.Background(), bytes.NewReader(lines), failingWriter{}, decision.StreamOptions{Window: 2})
	assert.ErrorContains(t, err, "disk full")

	_, err = eng.Stream(context.Background(), iotest.ErrReader(errors.New("cable cut")), io.Discard, decision.StreamOptions{})
	assert.ErrorContains(t, err, "cable cut")
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// The memory a stream holds does not grow with its length: the window
// bounds how far reading runs ahead of writing.
func TestStreamMemoryIsBounded(t *testing.T) {
	eng := engineT(t)
	one := popLines(t, 1, 11)
	const n, window = 20000, 16
	var written atomic.Int64
	r := &repeatReader{line: one, left: n, written: &written}
	st, err := eng.Stream(context.Background(), r, &countingWriter{lines: &written}, decision.StreamOptions{Window: window, Workers: 2})
	require.NoError(t, err)
	assert.Equal(t, n, st.Cases)
	assert.Equal(t, int64(n), written.Load())
	// In flight at most: the window of pending results, the jobs queue (as
	// long), one line per worker, one being read, the writer's buffer.
	assert.LessOrEqual(t, r.maxAhead, int64(2*window+2+1+64), "lines read ahead of those written")
}

// repeatReader yields the same line left times, and records how far its
// reading ever ran ahead of the lines written.
type repeatReader struct {
	line      []byte
	left, pos int
	read      int64
	written   *atomic.Int64
	maxAhead  int64
}

func (r *repeatReader) Read(p []byte) (int, error) {
	if r.left == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.line[r.pos:])
	r.pos += n
	if r.pos == len(r.line) {
		r.pos = 0
		r.left--
		r.read++
		r.maxAhead = max(r.maxAhead, r.read-r.written.Load())
	}
	return n, nil
}

type countingWriter struct{ lines *atomic.Int64 }

func (c *countingWriter) Write(p []byte) (int, error) {
	c.lines.Add(int64(bytes.Count(p, []byte("\n"))))
	return len(p), nil
}

func BenchmarkStream(b *testing.B) {
	eng := engineT(b)
	lines := popLines(b, 5000, 21)
	b.ResetTimer()
	var st decision.StreamStats
	for i := 0; i < b.N; i++ {
		var err error
		st, err = eng.Stream(context.Background(), bytes.NewReader(lines), io.Discard, decision.StreamOptions{})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*st.Cases)/b.Elapsed().Seconds(), "cases/s")
}

// BenchmarkDecide decides the cases of a synthetic population in memory,
// on all cores (b.RunParallel): the combined decision's throughput without
// JSON.
func BenchmarkDecide(b *testing.B) {
	eng := engineT(b)
	lines := popLines(b, 2000, 21)
	var recs []population.Record
	dec := json.NewDecoder(bytes.NewReader(lines))
	for dec.More() {
		var r population.Record
		if err := dec.Decode(&r); err != nil {
			b.Fatal(err)
		}
		recs = append(recs, r)
	}
	b.ReportAllocs()
	b.ResetTimer()
	var next atomic.Int64
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r := recs[int(next.Add(1))%len(recs)]
			_, _ = eng.Decide(r.Date, r.Case)
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "decisions/s")
}

// BenchmarkStreamVsDecide measures JSON lines end to end and the same
// cases decided in memory alternately, on all cores, so that the ratio of
// the two rates comes from the same machine state (the machine may be
// shared): stream_pct is JSON lines' rate in percent of the in-memory one.
func BenchmarkStreamVsDecide(b *testing.B) {
	eng := engineT(b)
	lines := popLines(b, 5000, 21)
	recs := popRecords(b, 5000, 21)
	workers := runtime.GOMAXPROCS(0)
	var streamed, decided time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := eng.Stream(context.Background(), bytes.NewReader(lines), io.Discard, decision.StreamOptions{}); err != nil {
			b.Fatal(err)
		}
		streamed += time.Since(start)
		start = time.Now()
		var next atomic.Int64
		var wg sync.WaitGroup
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for k := int(next.Add(1)) - 1; k < len(recs); k = int(next.Add(1)) - 1 {
					_, _ = eng.Decide(recs[k].Date, recs[k].Case)
				}
			}()
		}
		wg.Wait()
		decided += time.Since(start)
	}
	n := float64(b.N * len(recs))
	b.ReportMetric(n/streamed.Seconds(), "lines/s")
	b.ReportMetric(n/decided.Seconds(), "decisions/s")
	b.ReportMetric(100*decided.Seconds()/streamed.Seconds(), "stream_pct")
}
