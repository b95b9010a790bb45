// Package benchpair measures two ways of doing the same work alternately,
// in short rounds, so that their ratio comes from one machine state even
// on a machine shared with other work (where two benchmarks run one after
// the other can see very different loads).
package benchpair

import (
	"testing"
	"time"
)

// Round is how many operations of one side run before the other's turn.
const Round = 64

// Run runs base and other b.N times each, alternating every Round
// operations (each called with the operation's index), and reports the
// ns/op of each ("<baseName>_ns", "<otherName>_ns") and their ratio
// ("x_<baseName>": other's time over base's).
func Run(b *testing.B, baseName string, base func(i int), otherName string, other func(i int)) {
	b.Helper()
	RunRounds(b, Round, baseName, base, otherName, other)
}

// RunRounds is Run with rounds of round operations (1 for long ones).
func RunRounds(b *testing.B, round int, baseName string, base func(i int), otherName string, other func(i int)) {
	b.Helper()
	var tb, to time.Duration
	b.ResetTimer()
	for done := 0; done < b.N; done += round {
		n := min(round, b.N-done)
		start := time.Now()
		for i := done; i < done+n; i++ {
			base(i)
		}
		mid := time.Now()
		for i := done; i < done+n; i++ {
			other(i)
		}
		tb, to = tb+mid.Sub(start), to+time.Since(mid)
	}
	b.ReportMetric(float64(tb.Nanoseconds())/float64(b.N), baseName+"_ns")
	b.ReportMetric(float64(to.Nanoseconds())/float64(b.N), otherName+"_ns")
	b.ReportMetric(float64(to)/float64(tb), "x_"+baseName)
	b.ReportMetric(0, "ns/op") // the op is a pair: read the metrics above
}
