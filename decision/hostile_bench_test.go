package decision_test

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/stretchr/testify/require"
)

// hostileReform adds to eligibility the costliest rule a reform may add: a
// loop as long as the work budget leaves a reform (wijkwerken.DefaultWorkBudget
// less what the reference rules may take), over the case. Its variant on
// expr's VM (reduce) is as long as the budget lets such a loop be
// (area.VMStepCost); TestHostileReforms holds both at the limit.
const hostileReform = `reform: hostile
cite: benchmark
add_rules:
  - id: eligibility.hostile
    area: eligibility
    cite: benchmark
    from: 2018-01-01
    description: {nl: lus, en: loop}
    message: {nl: lus, en: loop}
    when: 'count(1..1000, {# < person.interim_days_last_28}) < 0'
    reason: hostile
`

const benignReform = `reform: benign
cite: benchmark
set:
  - param: hours.per_month_max
    from: 2024-01-01
    value: 80
`

func reformEngine(tb testing.TB, src string) *decision.Engine {
	rb, err := wk.Reference()
	require.NoError(tb, err)
	rf, err := wk.ParseReform("bench.yaml", []byte(src))
	require.NoError(tb, err)
	rb, err = rb.Reform(rf)
	require.NoError(tb, err)
	eng, err := decision.New(rb)
	require.NoError(tb, err)
	return eng
}

// BenchmarkStreamUnderReform is bulk throughput under a benign reform and
// under the most hostile one the work budget lets load: the ratio of the
// two is the cost a reform can impose on a host.
func BenchmarkStreamUnderReform(b *testing.B) {
	lines := popLines(b, 2000, 7)
	hostileVM := strings.Replace(hostileReform, `count(1..1000, {# < person.interim_days_last_28}) < 0`, `reduce(1..31, #acc + # * person.interim_days_last_28, 0) < 0`, 1)
	for _, bc := range []struct{ name, reform string }{{"benign", benignReform}, {"hostile", hostileReform}, {"hostile-vm", hostileVM}} {
		eng := reformEngine(b, bc.reform)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			cases := 0
			for i := 0; i < b.N; i++ {
				st, err := eng.Stream(context.Background(), bytes.NewReader(lines), io.Discard, decision.StreamOptions{Workers: 1})
				require.NoError(b, err)
				cases += st.Cases
			}
			b.ReportMetric(float64(cases)/b.Elapsed().Seconds(), "cases/s")
		})
	}
}
