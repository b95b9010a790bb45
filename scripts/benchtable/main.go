// Command benchtable reads the output of scripts/bench's go test -bench run
// and prints the README's performance table: each decision through the
// rules engine beside its hand-written baseline, with the ratio, and the
// throughput rows, all from that one run.
//
//	go test -run '^$' -bench . -benchmem ./... | go run ./scripts/benchtable
package main

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
)

// result is one benchmark's metrics by unit (ns/op, allocs/op, cases/s...).
type result map[string]float64

var (
	pkgLine   = regexp.MustCompile(`^pkg: (\S+)`)
	benchLine = regexp.MustCompile(`^(Benchmark\S+?)(-\d+)?\s+\d+\s+(.*)$`)
)

func main() {
	results := map[string]result{} // "pkg/Benchmark.../sub"
	pkg := ""
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := pkgLine.FindStringSubmatch(line); m != nil {
			pkg = m[1][strings.LastIndex(m[1], "/")+1:]
			continue
		}
		m := benchLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		r := result{}
		f := strings.Fields(m[3])
		for i := 0; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				r[f[i+1]] = v
			}
		}
		results[pkg+"/"+m[1]] = r
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "benchtable:", err)
		os.Exit(2)
	}
	get := func(key, unit string) (float64, bool) {
		r, ok := results[key]
		if !ok {
			return 0, false
		}
		v, ok := r[unit]
		return v, ok
	}
	ns := func(v float64) string {
		switch {
		case v >= 1e6:
			return fmt.Sprintf("%.1f ms", v/1e6)
		case v >= 1e4:
			return group(int(v+0.5)) + " ns"
		}
		return fmt.Sprintf("%.0f ns", v)
	}
	cell := func(key string) string {
		v, ok := get(key, "ns/op")
		if !ok {
			return "(not run)"
		}
		s := ns(v)
		if a, ok := get(key, "allocs/op"); ok {
			s += fmt.Sprintf(", %.0f allocs", a)
		}
		return s
	}
	ratio := func(a, b string) string {
		x, ok1 := get(a, "ns/op")
		y, ok2 := get(b, "ns/op")
		if !ok1 || !ok2 || y == 0 {
			return ""
		}
		return fmt.Sprintf("%.1f", x/y)
	}
	allocs := func(key string) string {
		if a, ok := get(key, "allocs/op"); ok {
			return fmt.Sprintf(", %.0f allocs", a)
		}
		return ""
	}
	// pairCells are a baseline and the rules measured alternately (the
	// pair sub-benchmark), with the allocations of their own runs.
	pairCells := func(prefix string) (hand, rules, x string) {
		h, ok1 := get(prefix+"/pair", "handwritten_ns")
		r, ok2 := get(prefix+"/pair", "rules_ns")
		q, ok3 := get(prefix+"/pair", "x_handwritten")
		if !ok1 || !ok2 || !ok3 {
			return cell(prefix + "/handwritten"), cell(prefix + "/rules"), ratio(prefix+"/rules", prefix+"/handwritten")
		}
		return ns(h) + allocs(prefix+"/handwritten"), ns(r) + allocs(prefix+"/rules"), fmt.Sprintf("%.1f", q)
	}
	fmt.Println("| what | hand-written | rules engine | × hand-written |")
	fmt.Println("|---|---:|---:|---:|")
	for _, row := range []struct{ name, prefix string }{
		{"eligibility (`eligibility.Decide`)", "eligibility/BenchmarkEligibility"},
		{"hours of a request (period and hours: `trajectory.Hours`)", "trajectory/BenchmarkHours"},
		{"voucher decision (price, hours and pay, validity, tax: `vouchers.Decide`)", "vouchers/BenchmarkDecide"},
		{"assignment check (`placement.CheckAssignment`)", "placement/BenchmarkAssignment"},
	} {
		h, r, x := pairCells(row.prefix)
		fmt.Printf("| %s | %s | %s | %s |\n", row.name, h, r, x)
		fmt.Printf("| … the public call, validating its case (run after the baseline) | %s | %s | %s |\n",
			cell(row.prefix+"/handwritten"), cell(row.prefix+"/rules_validating"), ratio(row.prefix+"/rules_validating", row.prefix+"/handwritten"))
	}
	h, r, x := pairCells("decision/BenchmarkCombined")
	fmt.Printf("| **combined decision of a synthetic case** (`decision.Decide`, validating it) | **%s** | **%s** | **%s** |\n", h, r, x)
	fmt.Printf("| the same with the full trace | | %s | %s |\n", cell("decision/BenchmarkCombined/rules_traced"),
		ratio("decision/BenchmarkCombined/rules_traced", "decision/BenchmarkCombined/handwritten"))
	h, r, x = pairCells("placement/BenchmarkMatch")
	fmt.Printf("| rank 10 000 candidates (`placement.Match`, all cores; the baseline on one) | %s | %s | %s |\n", h, r, x)
	fmt.Println()
	fmt.Println("| throughput and start-up | measured | |")
	fmt.Println("|---|---:|---:|")
	if l, ok := get("decision/BenchmarkStreamVsDecide", "lines/s"); ok {
		d, _ := get("decision/BenchmarkStreamVsDecide", "decisions/s")
		p, _ := get("decision/BenchmarkStreamVsDecide", "stream_pct")
		fmt.Printf("| JSON lines in and out against the same cases in memory, alternately, all cores (`BenchmarkStreamVsDecide`) | %s lines/s against %s decisions/s | %.0f %% |\n", group(int(l)), group(int(d)), p)
	}
	if l, ok := get("decision/BenchmarkStream", "cases/s"); ok {
		d, _ := get("decision/BenchmarkDecide", "decisions/s")
		fmt.Printf("| `BenchmarkStream` beside `BenchmarkDecide` (run one after the other) | %s lines/s, %s decisions/s | %.0f %% |\n", group(int(l)), group(int(d)), 100*l/d)
	}
	for _, r := range []struct{ name, key string }{
		{"compare one reform of voucher parameters (the tax rate) over 5 000 cases", "compare/BenchmarkCompare/vouchers_reform/pair"},
		{"compare the monthly cap of 80 hours over 5 000 cases", "compare/BenchmarkCompare/hours_reform/pair"},
	} {
		f, ok1 := get(r.key, "full_ns")
		i, ok2 := get(r.key, "incremental_ns")
		if ok1 && ok2 {
			fmt.Printf("| %s, alternately: re-deciding every area, against only the areas it can change | %s, %s | %.2f× faster |\n", r.name, ns(f), ns(i), f/i)
		}
	}
	if v, ok := get("vouchers/BenchmarkLedger", "ops/s"); ok {
		fmt.Printf("| ledger: a purchase and a redemption, 1 000 users and workers (`BenchmarkLedger`) | %s operations/s | |\n", group(int(v)))
	}
	if v, ok := get("decision/BenchmarkDelta/vouchers_reform", "x_delta"); ok {
		fmt.Printf("| decide under a voucher reform from the baseline decision (`decision.Delta`) against in full, alternately (`BenchmarkDelta`) | %.1f× faster | |\n", v)
	}
	if v, ok := get("decision/BenchmarkDelta/hours_reform", "x_delta"); ok {
		fmt.Printf("| … under the monthly cap of 80 hours | %.1f× faster | |\n", v)
	}
	if v, ok := get("decision/BenchmarkLoadCompile", "ns/op"); ok {
		fmt.Printf("| load the reference rulebook from YAML and compile every area (`BenchmarkLoadCompile`) | %s | target < 20 ms |\n", ns(v))
	}
}

// group writes n with thin groups of three digits: 12 345.
func group(n int) string {
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteRune(' ')
		}
		b.WriteRune(c)
	}
	return b.String()
}
