package compare_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/compare"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/population"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// reformFiles are the reforms of the repository: each must compare the
// same incrementally as in full.
func reformFiles(t testing.TB) []string {
	var files []string
	for _, dir := range []string{"../testdata/reforms", "../examples/reform"} {
		m, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
		require.NoError(t, err)
		files = append(files, m...)
	}
	require.GreaterOrEqual(t, len(files), 5)
	return files
}

func loadReform(t testing.TB, file string) *wk.Reform {
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	rf, err := wk.ParseReform(file, data)
	require.NoError(t, err)
	return rf
}

// popAround is n synthetic cases decided around date.
func popAround(t testing.TB, rb *wk.Rulebook, date wk.Date, n int, seed uint64) []byte {
	g, err := population.New(rb, date, seed)
	require.NoError(t, err)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for i := 0; i < n; i++ {
		require.NoError(t, enc.Encode(g.Next()))
	}
	return b.Bytes()
}

// reportJSON is a report without its run time, as JSON.
func reportJSON(t testing.TB, rep any) string {
	switch r := rep.(type) {
	case *compare.Report:
		r.Elapsed = 0
	case *compare.SweepReport:
		r.Elapsed = 0
	}
	b, err := json.Marshal(rep)
	require.NoError(t, err)
	return string(b)
}

// The incremental comparison (only the areas a reform can change decided
// again) gives the report of the full one, for every reform of the
// repository alone and all stacked, over populations before and after the
// reforms take effect, broken down by every group; and a sweep too.
func TestIncrementalCompareIsFull(t *testing.T) {
	e := engine(t)
	rb := e.Rulebook()
	pops := [][]byte{
		popAround(t, rb, wk.MustParseDate("2024-06-30"), 500, 7),
		popAround(t, rb, wk.MustParseDate("2027-06-30"), 500, 8),
	}
	var all []*wk.Reform
	sets := [][]*wk.Reform{}
	for _, f := range reformFiles(t) {
		rf := loadReform(t, f)
		all = append(all, rf)
		sets = append(sets, []*wk.Reform{rf})
	}
	sets = append(sets, all)
	var by []string
	for f := range compare.GroupFields() {
		by = append(by, f)
	}
	sort.Strings(by)
	for i, set := range sets {
		for j, pop := range pops {
			// One worker: with more, a breakdown of over 100 groups (by
			// organiser_price) and the examples kept depend on which worker
			// saw which case first, in full as incrementally.
			o := compare.Options{By: by, Examples: 5, Workers: 1}
			inc, err := compare.Compare(context.Background(), bytes.NewReader(pop), e, set, o)
			require.NoError(t, err)
			o.Full = true
			full, err := compare.Compare(context.Background(), bytes.NewReader(pop), e, set, o)
			require.NoError(t, err)
			require.Greater(t, full.Decided, 450)
			require.Equal(t, reportJSON(t, full), reportJSON(t, inc), "reform set %d, population %d", i, j)
			var a, b bytes.Buffer
			require.NoError(t, full.WriteText(&a))
			require.NoError(t, inc.WriteText(&b))
			require.Equal(t, a.String(), b.String())
		}
	}
	spec, err := compare.ParseSweep("vouchers.allowance_per_cheque=4:5:0.25", rb)
	require.NoError(t, err)
	for _, s := range []compare.SweepSpec{spec, mustSweep(t, "hours.per_month_max=50:90:20", rb)} {
		inc, err := compare.Sweep(context.Background(), bytes.NewReader(pops[0]), e, all[:1], s, compare.Options{})
		require.NoError(t, err)
		full, err := compare.Sweep(context.Background(), bytes.NewReader(pops[0]), e, all[:1], s, compare.Options{Full: true})
		require.NoError(t, err)
		require.Equal(t, reportJSON(t, full), reportJSON(t, inc), s.Param)
	}
}

func mustSweep(t testing.TB, s string, rb *wk.Rulebook) compare.SweepSpec {
	spec, err := compare.ParseSweep(s, rb)
	require.NoError(t, err)
	return spec
}

// What a reform can change follows from what the areas read: a voucher
// parameter changes the vouchers alone; the monthly cap every area that
// counts hours; a replaced eligibility rule eligibility and the assignment
// resting on it.
func TestDeltaChanged(t *testing.T) {
	e := engine(t)
	for file, want := range map[string][]string{
		"../testdata/reforms/tax-reduction-20-kept.yaml": {"vouchers"},
		"../examples/reform/price-band-9-2027.yaml":      {"vouchers"},
		"../testdata/reforms/monthly-cap-80.yaml":        {"trajectory", "status", "agreement", "hours", "vouchers", "assignment"},
		"../testdata/reforms/interim-15-days.yaml":       {"eligibility", "assignment"},
	} {
		rb, err := e.Rulebook().Reform(loadReform(t, file))
		require.NoError(t, err)
		alt, err := decision.New(rb)
		require.NoError(t, err)
		d, err := decision.NewDelta(e, alt)
		require.NoError(t, err)
		assert.ElementsMatch(t, want, d.Changed(), file)
	}
	same, err := decision.NewDelta(e, e)
	require.NoError(t, err)
	assert.Empty(t, same.Changed())
}
