// Command loadtest measures `wijkwerken serve` on loopback: it starts the
// service in this process on 127.0.0.1, sends it synthetic cases, and
// reports throughput and latency of /v1/decide at 1, 16 and 64 concurrent
// clients, the batch endpoint beside decision.Engine.Stream (what
// `wijkwerken bulk` runs) on the same cases, and an overload run against a
// service with few slots, which must answer 429/503 quickly and keep its
// memory bounded instead of queueing. Every run is bounded in requests and
// in time; nothing leaves the machine.
//
//	go run ./server/loadtest                 # 5 s per run
//	go run ./server/loadtest -duration 1s -short   # what CI runs
//
// The load generator shares the machine's cores with the service, so the
// figures are a floor of what the service does on its own.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/pprof"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/population"
	"github.com/openwijkwerken/wijkwerken/server"
)

func main() {
	duration := flag.Duration("duration", 5*time.Second, "length of each run")
	maxRequests := flag.Int("requests", 200_000, "most requests of each run")
	batchCases := flag.Int("batch", 50_000, "cases of the batch run")
	short := flag.Bool("short", false, "a quick pass: 16 clients only and a smaller batch (for CI)")
	check := flag.Bool("check", false, "exit 1 when a target is missed (5 000 decisions/s with p99 <= 10 ms at 16 clients; batch >= 80 % of bulk)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to `FILE`")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "loadtest:", err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if err := run(*duration, *maxRequests, *batchCases, *short, *check); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

type service struct {
	srv    *server.Server
	url    string
	cancel context.CancelFunc
	done   chan error
}

func startService(cfg server.Config) (*service, error) {
	rb, err := wk.Reference()
	if err != nil {
		return nil, err
	}
	cfg.Rulebook = rb
	cfg.Logger = slog.New(slog.NewJSONHandler(io.Discard, nil))
	srv, err := server.New(cfg)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &service{srv: srv, url: "http://" + ln.Addr().String(), cancel: cancel, done: make(chan error, 1)}
	go func() { s.done <- srv.Serve(ctx, ln, 5*time.Second) }()
	return s, nil
}

func (s *service) stop() error {
	s.cancel()
	return <-s.done
}

// cases returns n synthetic cases as decide bodies and as batch lines.
func cases(n int) (bodies [][]byte, lines []byte, err error) {
	rb, err := wk.Reference()
	if err != nil {
		return nil, nil, err
	}
	g, err := population.New(rb, wk.MustParseDate("2025-06-30"), 1)
	if err != nil {
		return nil, nil, err
	}
	var buf bytes.Buffer
	for i := 0; i < n; i++ {
		rec := g.Next()
		line, err := json.Marshal(rec)
		if err != nil {
			return nil, nil, err
		}
		buf.Write(line)
		buf.WriteByte('\n')
		if i < 4096 {
			body, _ := json.Marshal(map[string]any{"date": rec.Date, "case": rec.Case})
			bodies = append(bodies, body)
		}
	}
	return bodies, buf.Bytes(), nil
}

type runResult struct {
	clients    int
	requests   int
	byStatus   map[int]int
	elapsed    time.Duration
	p50, p99   time.Duration
	maxHeapMiB float64
}

func (r runResult) perSecond() float64 { return float64(r.requests) / r.elapsed.Seconds() }

// hammer runs clients that post decide bodies until d passes or max
// requests are sent, and measures each request's latency.
func hammer(url string, bodies [][]byte, clients int, d time.Duration, max int) (runResult, error) {
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr, Timeout: 30 * time.Second}
	var sent atomic.Int64
	deadline := time.Now().Add(d)
	lat := make([][]time.Duration, clients)
	status := make([]map[int]int, clients)
	errs := make(chan error, clients)
	var peak atomic.Uint64
	stopSampling := sampleHeap(&peak)
	start := time.Now()
	var wg sync.WaitGroup
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			status[c] = map[int]int{}
			for i := c; time.Now().Before(deadline); i += clients {
				if sent.Add(1) > int64(max) {
					return
				}
				t0 := time.Now()
				resp, err := hc.Post(url+"/v1/decide", "application/json", bytes.NewReader(bodies[i%len(bodies)]))
				if err != nil {
					errs <- err
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat[c] = append(lat[c], time.Since(t0))
				status[c][resp.StatusCode]++
			}
		}(c)
	}
	wg.Wait()
	elapsed := time.Since(start)
	stopSampling()
	close(errs)
	if err := <-errs; err != nil {
		return runResult{}, err
	}
	r := runResult{clients: clients, byStatus: map[int]int{}, elapsed: elapsed, maxHeapMiB: float64(peak.Load()) / (1 << 20)}
	var all []time.Duration
	for c := range lat {
		all = append(all, lat[c]...)
		for k, v := range status[c] {
			r.byStatus[k] += v
		}
	}
	r.requests = len(all)
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	if len(all) > 0 {
		r.p50 = all[len(all)/2]
		r.p99 = all[len(all)*99/100]
	}
	return r, nil
}

// sampleHeap records the largest heap in use until stopped.
func sampleHeap(peak *atomic.Uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapInuse > peak.Load() {
				peak.Store(ms.HeapInuse)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

func run(d time.Duration, maxRequests, batchCases int, short, check bool) error {
	if short {
		batchCases = min(batchCases, 10_000)
	}
	bodies, lines, err := cases(batchCases)
	if err != nil {
		return err
	}
	fmt.Printf("loadtest: %d cores, Go %s, %s per run (at most %d requests), the generator on the same cores\n\n",
		runtime.GOMAXPROCS(0), runtime.Version(), d, maxRequests)

	// The measured service sheds no load: a busy shared machine must not
	// turn a slow answer into a 503 here (the overload run below tests that).
	svc, err := startService(server.Config{QueueWait: 10 * time.Second})
	if err != nil {
		return err
	}
	// Warm up: connections, pools, the first decisions.
	if _, err := hammer(svc.url, bodies, 4, 300*time.Millisecond, 2000); err != nil {
		return err
	}
	levels := []int{1, 16, 64}
	if short {
		levels = []int{16}
	}
	var failures []string
	fmt.Println("POST /v1/decide")
	fmt.Printf("  %7s %10s %12s %9s %9s %10s\n", "clients", "requests", "decisions/s", "p50 ms", "p99 ms", "non-200")
	for _, c := range levels {
		r, err := hammer(svc.url, bodies, c, d, maxRequests)
		if err != nil {
			return err
		}
		bad := r.requests - r.byStatus[200]
		fmt.Printf("  %7d %10d %12.0f %9.2f %9.2f %10d\n", c, r.requests, r.perSecond(), ms(r.p50), ms(r.p99), bad)
		if bad > 0 {
			failures = append(failures, fmt.Sprintf("%d answers other than 200 at %d clients: %v", bad, c, r.byStatus))
		}
		if c == 16 && check && (r.perSecond() < 5000 || r.p99 > 10*time.Millisecond) {
			failures = append(failures, fmt.Sprintf("target missed at 16 clients: %.0f/s (want >= 5000), p99 %.2f ms (want <= 10)", r.perSecond(), ms(r.p99)))
		}
	}

	// The batch endpoint beside the engine's own stream on the same lines.
	eng, err := decision.New(mustReference())
	if err != nil {
		return err
	}
	t0 := time.Now()
	st, err := eng.Stream(context.Background(), bytes.NewReader(lines), io.Discard, decision.StreamOptions{})
	if err != nil {
		return err
	}
	bulk := time.Since(t0)
	t0 = time.Now()
	resp, err := http.Post(svc.url+"/v1/decide/batch", "application/x-ndjson", bytes.NewReader(lines))
	if err != nil {
		return err
	}
	n, err := countLines(resp.Body)
	resp.Body.Close()
	if err != nil {
		return err
	}
	batch := time.Since(t0)
	if resp.StatusCode != 200 || n != st.Cases {
		return fmt.Errorf("batch: status %d, %d lines for %d cases", resp.StatusCode, n, st.Cases)
	}
	bulkRate := float64(st.Cases) / bulk.Seconds()
	batchRate := float64(n) / batch.Seconds()
	fmt.Printf("\nbatch of %d cases (%.1f MB of JSON lines)\n", st.Cases, float64(len(lines))/1e6)
	fmt.Printf("  %-34s %10.0f cases/s\n", "decision.Engine.Stream (bulk)", bulkRate)
	fmt.Printf("  %-34s %10.0f cases/s  (%.0f %% of bulk)\n", "POST /v1/decide/batch", batchRate, 100*batchRate/bulkRate)
	if check && batchRate < 0.8*bulkRate {
		failures = append(failures, fmt.Sprintf("batch at %.0f %% of bulk (want >= 80 %%)", 100*batchRate/bulkRate))
	}
	if err := svc.stop(); err != nil {
		return err
	}

	// Overload: 256 clients against one slot.
	runtime.GC()
	var ms0 runtime.MemStats
	runtime.ReadMemStats(&ms0)
	// Few slots, a short queue and a short wait: the engine decides so fast
	// that 4 slots and a queue of 16 no longer fill on two cores shared with
	// the generator.
	const slots, queue, wait = 1, 2, 2 * time.Millisecond
	small, err := startService(server.Config{MaxInFlight: slots, MaxQueue: queue, QueueWait: wait})
	if err != nil {
		return err
	}
	clients := 256
	r, err := hammer(small.url, bodies, clients, d, maxRequests)
	if err != nil {
		return err
	}
	if err := small.stop(); err != nil {
		return err
	}
	fmt.Printf("\noverload: %d clients against %d slot(s) and a queue of %d (%v)\n", clients, slots, queue, wait)
	fmt.Printf("  %d requests in %.1f s: %d decided (200), %d refused at once (429), %d after waiting (503), p99 %.2f ms\n",
		r.requests, r.elapsed.Seconds(), r.byStatus[200], r.byStatus[429], r.byStatus[503], ms(r.p99))
	fmt.Printf("  heap in use: %.1f MiB before, at most %.1f MiB during the run\n", float64(ms0.HeapInuse)/(1<<20), r.maxHeapMiB)
	if r.byStatus[429]+r.byStatus[503] == 0 {
		failures = append(failures, "overload: no 429 or 503")
	}
	if r.byStatus[200] == 0 {
		failures = append(failures, "overload: nothing decided")
	}
	for code := range r.byStatus {
		if code != 200 && code != 429 && code != 503 {
			failures = append(failures, fmt.Sprintf("overload: status %d", code))
		}
	}
	if r.maxHeapMiB > 512 {
		failures = append(failures, fmt.Sprintf("overload: heap grew to %.0f MiB", r.maxHeapMiB))
	}
	if len(failures) > 0 {
		return errors.New("\n  " + joinLines(failures))
	}
	fmt.Println("\nloadtest: ok")
	return nil
}

func mustReference() *wk.Rulebook {
	rb, err := wk.Reference()
	if err != nil {
		panic(err)
	}
	return rb
}

func countLines(r io.Reader) (int, error) {
	buf := make([]byte, 64<<10)
	n := 0
	for {
		k, err := r.Read(buf)
		n += bytes.Count(buf[:k], []byte{'\n'})
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

func joinLines(s []string) string {
	out := ""
	for i, l := range s {
		if i > 0 {
			out += "\n  "
		}
		out += l
	}
	return out
}
