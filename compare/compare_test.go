package compare_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/compare"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/internal/benchpair"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func engine(t testing.TB) *decision.Engine {
	rb, err := wk.Reference()
	require.NoError(t, err)
	e, err := decision.New(rb)
	require.NoError(t, err)
	return e
}

func reforms(t testing.TB, files ...string) []*wk.Reform {
	var out []*wk.Reform
	for _, f := range files {
		data, err := os.ReadFile(f)
		require.NoError(t, err)
		rf, err := wk.ParseReform(f, data)
		require.NoError(t, err)
		out = append(out, rf)
	}
	return out
}

func small(t testing.TB) *bytes.Reader {
	data, err := os.ReadFile("testdata/small.jsonl")
	require.NoError(t, err)
	return bytes.NewReader(data)
}

func totals(ts []compare.TotalChange) map[string][2]string {
	m := map[string][2]string{}
	for _, t := range ts {
		m[t.Name] = [2]string{t.Before.String(), t.After.String()}
	}
	return m
}

// The small population (testdata/small.jsonl), counted by hand from the
// regulation, under the reference and under a monthly cap of 80 hours and
// a price band up to 9.00 from 2027 (A-D and H on 2027-03-15, G on
// 2027-12-15):
//
//	A  vdab (unemployment benefit), trajectory from 2026-10-01 (5 months:
//	   "3-5 months"), 58 hours registered in March; asks 300 min (5 h),
//	   12 km, private user; organiser sells at 8.45. Before: 60-58 = 2
//	   hours allowed (month_limit), pay 2 x 4.10 = 8.20, travel 12 x 0.15
//	   = 1.80, price above 7.45 so no revenue counted, fee 7.50; the
//	   assignment is refused (month_limit). After: 80-58 = 22 left, all 5
//	   hours, pay 20.50; the price is legal (5.95 + 5 x 0.50): revenue 5
//	   cheques x 8.45 = 42.25, which the user now pays; the assignment is allowed. A
//	   decision changes. Community service: no jobseeking date, not
//	   eligible either way.
//	B  a request alone, 90 min: 2 hours, pay 8.20, fee 7.50, either way;
//	   only its month_remaining changes, 60 to 80: bookkeeping only.
//	C  a purchase in 2025 of 10 x 7.45 = 74.50, no service cheques: below
//	   the ceiling, reduction 20 % = 14.90. Unchanged.
//	D  an organiser selling at 7.45: fee 7.50, nothing else. Unchanged.
//	E  a date that does not exist (line 6): an error, not a case.
//	G  ocmw (leefloon), school user, trajectory from 2027-01-01 (11 months:
//	   "9-11 months"); 10 x 57 = 570 hours to October and 58 in December:
//	   year 630-628 = 2 left, month 60-58 = 2 (80-58 = 22 after). Asks 5
//	   hours: 2 allowed either way (pay 8.20, travel 0 for 0 km, 5
//	   cheques x 7.45 = 37.25, fee 7.50); reasons [month_limit,
//	   year_limit] become [year_limit]: its reasons change, no decision.
//	H  vdab, private user, trajectory from 2027-01-01 (2 months: "0-2
//	   months"); asks 90 min: 2 hours either way, pay 8.20, travel 12 x
//	   0.15 = 1.80 (more than 10 km), 2 x 7.45 = 14.90, fee 7.50; only its
//	   month_remaining changes: bookkeeping only.
func TestCompareHandCount(t *testing.T) {
	rep, err := compare.Compare(context.Background(), small(t), engine(t),
		reforms(t, "../examples/reform/cap-80-2027.yaml", "../examples/reform/price-band-9-2027.yaml"),
		compare.Options{By: []string{"referrer", "user_type", "trajectory_age"}})
	require.NoError(t, err)
	assert.Equal(t, 7, rep.Cases)
	assert.Equal(t, 6, rep.Decided)
	assert.Equal(t, 1, rep.Errors)
	require.Len(t, rep.ErrorLines, 1)
	assert.Equal(t, 6, rep.ErrorLines[0].Line)
	assert.Equal(t, "E", rep.ErrorLines[0].ID)
	assert.Equal(t, 4, rep.Changed, "A, G, and the month_remaining of B and H")
	assert.Equal(t, compare.Headline{DecisionChanged: 1, ReasonsOnly: 1, BookkeepingOnly: 2, Unchanged: 2}, rep.Headline,
		"A's decision; G's reasons; B and H bookkeeping; C and D nothing")

	assert.Equal(t, map[string][2]string{
		"worker allowances":              {"32.8", "45.1"},  // A 8.20, B 8.20, G 8.20, H 8.20; A 20.50 after
		"travel allowances":              {"3.6", "3.6"},    // A 1.80, H 1.80
		"tax reductions":                 {"14.9", "14.9"},  // C
		"cheque revenue":                 {"52.15", "94.4"}, // G 37.25 + H 14.90; + A 42.25
		"registration fees":              {"37.5", "37.5"},  // A, B, D, G, H
		"community service allowances":   {"0", "0"},
		"hours allowed":                  {"8", "11"}, // A 2, B 2, G 2, H 2; A 5
		"eligible":                       {"3", "3"},  // A, G, H
		"placements allowed":             {"3", "3"},
		"assignments allowed":            {"1", "2"}, // H; A too
		"community service eligible":     {"0", "0"},
		"cases with an area not decided": {"0", "0"},
	}, totals(rep.Totals))

	changed := map[string]string{}
	kinds := map[string]decision.Kind{}
	for _, o := range rep.Outputs {
		if o.Changed > 0 {
			var ks []string
			for _, d := range o.Directions {
				ks = append(ks, fmt.Sprintf("%s %d", d.Kind, d.Cases))
			}
			changed[o.Path] = strings.Join(ks, ", ")
			kinds[o.Path] = o.Kind
		}
	}
	assert.Equal(t, map[string]string{
		"hours.allowed":                "increased 1",                // A
		"hours.month_remaining":        "increased 4",                // A, B, G, H
		"hours.reasons":                "lost month_limit 2",         // A, G
		"vouchers.allowance":           "increased 1",                // A
		"vouchers.price_valid":         "false → true 1",             // A
		"vouchers.reasons":             "lost price_above_maximum 1", // A
		"placement.assignment_allowed": "false → true 1",             // A
		"placement.assignment_reasons": "lost month_limit 2",         // A, G
	}, changed)
	assert.Equal(t, decision.Bookkeeping, kinds["hours.month_remaining"])
	assert.Equal(t, decision.Reasons, kinds["hours.reasons"])
	assert.Equal(t, decision.Decision, kinds["hours.allowed"])
	for _, o := range rep.Outputs {
		if o.Path == "hours.month_remaining" {
			require.Len(t, o.Directions[0].Examples, 3)
			assert.Equal(t, compare.Example{Line: 2, ID: "B", Before: "60", After: "80"}, o.Directions[0].Examples[1])
		}
	}

	rules := map[string][2]int{}
	for _, r := range rep.Rules {
		rules[r.Rule] = [2]int{r.Started, r.Stopped}
		assert.NotEmpty(t, r.Cite)
	}
	assert.Equal(t, map[string][2]int{"hours.month_limit": {0, 2}, "vouchers.price_above_maximum": {0, 1}}, rules)

	require.Len(t, rep.Reforms, 2)
	assert.Equal(t, []string{"hours.per_month_max = 80 from 2027-01-01"}, rep.Reforms[0].Changes)
	assert.Equal(t, []string{"vouchers.price_max = 9 from 2027-01-01"}, rep.Reforms[1].Changes)

	// Winners and losers, per measure: the cases it applies to, gain /
	// lose / same, totals before and after.
	type wl struct {
		cases, gain, lose, same int
		before, after, mean     string
	}
	got := map[string]wl{}
	for _, a := range rep.Actors {
		got[a.Key] = wl{a.Cases, a.Gain, a.Lose, a.Same, a.Before.String(), a.After.String(), a.Mean.String()}
	}
	assert.Equal(t, map[string]wl{
		// A, B, G, H have a request: pay 10.00, 8.20, 8.20, 10.00; A 22.30 after.
		"worker_pay": {4, 1, 0, 3, "36.4", "48.7", "12.3"},
		// hours 2, 2, 2, 2; A 5 after: mean +3.0.
		"worker_hours": {4, 1, 0, 3, "8", "11", "3"},
		// A 0 then 42.25 (a cost: A's user loses), C -14.90 (tax only), G
		// 37.25, H 14.90; B has no organiser, D no request.
		"user_net_cost": {4, 0, 1, 3, "37.25", "79.5", "42.25"},
		// A 0 then 42.25, G 37.25, H 14.90.
		"organiser_revenue": {3, 1, 0, 2, "52.15", "94.4", "42.25"},
		// no case has a community service plan
		"community_service_allowance": {0, 0, 0, 0, "0", "0", "0"},
	}, got)
	for _, a := range rep.Actors {
		if a.Key == "worker_pay" {
			assert.Equal(t, "12.3", a.Median.String())
			assert.Equal(t, "12.3", a.GainTotal.String())
			require.NotEmpty(t, a.Distribution)
			n := 0
			for _, b := range a.Distribution {
				n += b.Cases
				if b.Cases > 0 {
					assert.True(t, !b.From.GreaterThan(a.Median) && b.To.GreaterThan(a.Median), "the bin holds +12.30")
				}
			}
			assert.Equal(t, 1, n, "the distribution is over the changed cases only")
		}
		if a.Key == "user_net_cost" {
			assert.Equal(t, "less", a.Better)
			assert.Equal(t, "42.25", a.LoseTotal.String())
		}
	}

	// The budget of 2027 (every case), line by line.
	require.Len(t, rep.Budget, 1)
	y := rep.Budget[0]
	assert.Equal(t, 2027, y.Year)
	assert.Equal(t, 6, y.Cases)
	lines := map[string][3]string{}
	for _, l := range y.Lines {
		lines[l.Section+": "+l.Name] = [3]string{l.Before.String(), l.After.String(), l.Change.String()}
		assert.NotEmpty(t, l.Formula, l.Name)
	}
	assert.Equal(t, map[string][3]string{
		"government: worker allowances":                {"32.8", "45.1", "12.3"},
		"government: travel allowances":                {"3.6", "3.6", "0"},
		"government: tax expenditure (tax reductions)": {"14.9", "14.9", "0"},
		"government: community service allowances":     {"0", "0", "0"},
		"government: total":                            {"51.3", "63.6", "12.3"},
		"users: cheques bought":                        {"52.15", "94.4", "42.25"},
		"users: tax reductions received":               {"-14.9", "-14.9", "0"},
		"users: registration fees":                     {"37.5", "37.5", "0"},
		"users: net cost":                              {"74.75", "117", "42.25"}, // 52.15 - 14.90 + 37.50
		"organisers: cheque revenue":                   {"52.15", "94.4", "42.25"},
		"organisers: less the workers' allowances":     {"-32.8", "-45.1", "-12.3"},
		"organisers: revenue less allowances":          {"19.35", "49.3", "29.95"},
	}, lines)

	// Group breakdowns: cases, decisions changed, and per measure gain /
	// lose / net change (pay, hours, user cost, revenue).
	type row struct {
		cases, changed int
		pay, hours     string
		cost, revenue  string
	}
	groups := map[string]map[string]row{}
	for _, g := range rep.Groups {
		m := map[string]row{}
		for _, r := range g.Rows {
			f := func(i int) string {
				x := r.Measures[i]
				return fmt.Sprintf("%d/%d %s", x.Gain, x.Lose, x.Change)
			}
			m[r.Value] = row{r.Cases, r.DecisionChanged, f(0), f(1), f(2), f(3)}
		}
		groups[g.Field] = m
	}
	aRow := row{1, 1, "1/0 12.3", "1/0 3", "0/1 42.25", "1/0 42.25"}
	still := row{1, 0, "0/0 0", "0/0 0", "0/0 0", "0/0 0"}
	none := row{3, 0, "0/0 0", "0/0 0", "0/0 0", "0/0 0"} // B, C, D
	assert.Equal(t, map[string]map[string]row{
		"referrer":       {"vdab": {2, 1, "1/0 12.3", "1/0 3", "0/1 42.25", "1/0 42.25"}, "ocmw": still, "(none)": none}, // A, H; G
		"user_type":      {"private": {2, 1, "1/0 12.3", "1/0 3", "0/1 42.25", "1/0 42.25"}, "school": still, "(none)": none},
		"trajectory_age": {"3-5 months": aRow, "9-11 months": still, "0-2 months": still, "(none)": none},
	}, groups)
}

// The sweep of the monthly cap, by hand: A has 58 hours registered in
// March and asks 5; B and H ask 2 with nothing registered; G has 58 in
// December and 2 left in the year, asks 5.
//
//	cap 58: A 0 allowed, B 2, G 0 (58 of 58 used), H 2: pay 4 x 4.10 = 16.40
//	cap 60: A 2, B 2, G 2, H 2: pay 32.80 (the reference)
//	cap 80: A 5, B 2, G 2, H 2: pay 45.10
func TestSweepHandCount(t *testing.T) {
	e := engine(t)
	spec, err := compare.ParseSweep("hours.per_month_max=58,60,80", e.Rulebook())
	require.NoError(t, err)
	rep, err := compare.Sweep(context.Background(), small(t), e, nil, spec, compare.Options{Workers: 2})
	require.NoError(t, err)
	assert.Equal(t, wk.MustParseDate("2018-01-01"), rep.From, "the value holds over the parameter's whole timeline")
	assert.Equal(t, 6, rep.Decided)
	assert.Equal(t, 1, rep.Errors)
	get := func(ts []compare.Total, name string) string {
		for _, x := range ts {
			if x.Name == name {
				return x.Value.String()
			}
		}
		t.Fatalf("no total %q", name)
		return ""
	}
	assert.Equal(t, "32.8", get(rep.BaseTotals, "worker allowances"))
	var pay, hours []string
	for _, p := range rep.Points {
		pay = append(pay, get(p.Totals, "worker allowances"))
		hours = append(hours, get(p.Totals, "hours allowed"))
	}
	assert.Equal(t, []string{"16.4", "32.8", "45.1"}, pay)
	assert.Equal(t, []string{"4", "8", "11"}, hours)
	assert.Equal(t, []string{"58", "60", "80"}, []string{rep.Points[0].Value, rep.Points[1].Value, rep.Points[2].Value})
}

func TestParseSweep(t *testing.T) {
	rb, err := wk.Reference()
	require.NoError(t, err)
	s, err := compare.ParseSweep("vouchers.price_max=7.45:9:0.5", rb)
	require.NoError(t, err)
	var got []string
	for _, v := range s.Values {
		got = append(got, v.String())
	}
	assert.Equal(t, []string{"7.45", "7.95", "8.45", "8.95"}, got)
	s, err = compare.ParseSweep("hours.per_month_max = 40:80:10", rb)
	require.NoError(t, err)
	assert.Len(t, s.Values, 5)

	for in, want := range map[string]string{
		"hours.per_month_max":                "want param=",
		"nope=1:2:1":                         "unknown parameter",
		"hours.per_month_max=80:40:10":       "lo <= hi",
		"hours.per_month_max=40:80:0":        "positive step",
		"hours.per_month_max=40:x:10":        "not a number",
		"hours.per_month_max=1:1000:1":       "more than 50 values",
		"eligibility.domicile_regions=1:2:1": "a range needs an integer or decimal parameter",
		"hours.per_month_max=40:80:2.5":      "integer",
		"vouchers.covid2021_date=2021-02-30": "2021-02-30",
	} {
		_, err := compare.ParseSweep(in, rb)
		if assert.Error(t, err, in) {
			assert.Contains(t, err.Error(), want, in)
		}
	}
}

// One worker or several, the report is the same (examples are the first
// cases by line whatever the order they were decided in).
func TestCompareIsDeterministic(t *testing.T) {
	e := engine(t)
	g := popLines(t, e.Rulebook(), 3000)
	rfs := reforms(t, "../testdata/reforms/monthly-cap-80.yaml")
	a, err := compare.Compare(context.Background(), bytes.NewReader(g), e, rfs, compare.Options{Workers: 1})
	require.NoError(t, err)
	b, err := compare.Compare(context.Background(), bytes.NewReader(g), e, rfs, compare.Options{Workers: 4})
	require.NoError(t, err)
	a.Elapsed, b.Elapsed = 0, 0
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	assert.JSONEq(t, string(ja), string(jb))
	assert.Positive(t, a.Changed)
}

func TestReportFormats(t *testing.T) {
	rep, err := compare.Compare(context.Background(), small(t), engine(t),
		reforms(t, "../examples/reform/cap-80-2027.yaml", "../examples/reform/price-band-9-2027.yaml"), compare.Options{})
	require.NoError(t, err)

	var text bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	for _, want := range []string{"Reform: monthly cap of 80 hours from 2027", "hours.per_month_max = 80 from 2027-01-01",
		"worker allowances", "32.80", "45.10", "+12.30", "hours.month_limit", "A (line 1): [month_limit] → []", "line 6 E:",
		"1 cases whose decision changes (16.7 %)"} {
		assert.Contains(t, text.String(), want)
	}

	var c bytes.Buffer
	require.NoError(t, rep.WriteCSV(&c))
	rows, err := csv.NewReader(&c).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, []string{"section", "item", "kind", "unit", "before", "after", "change", "cases"}, rows[0])
	assert.Contains(t, rows, []string{"total", "cheque revenue", "", "EUR", "52.15", "94.4", "42.25", ""})
	assert.Contains(t, rows, []string{"direction", "vouchers.price_valid", "false → true", "cases", "", "", "", "1"})

	var h bytes.Buffer
	require.NoError(t, rep.WriteHTML(&h))
	page := h.String()
	assert.Contains(t, page, "<svg")
	assert.Contains(t, page, "94.40")
	for _, banned := range []string{"<script", "<link", "@import", "http://", "https://"} {
		if banned == "http://" {
			page = strings.ReplaceAll(page, `xmlns="http://www.w3.org/2000/svg"`, "")
		}
		assert.NotContains(t, page, banned, "the page is self-contained")
	}

	j, err := json.Marshal(rep)
	require.NoError(t, err)
	var back compare.Report
	require.NoError(t, json.Unmarshal(j, &back))
	assert.Equal(t, rep.Totals[0].After.String(), back.Totals[0].After.String())
	assert.True(t, decimal.RequireFromString("45.1").Equal(back.Totals[0].After))
}

func TestSweepFormats(t *testing.T) {
	e := engine(t)
	spec, err := compare.ParseSweep("hours.per_month_max=58,60,80", e.Rulebook())
	require.NoError(t, err)
	rep, err := compare.Sweep(context.Background(), small(t), e, nil, spec, compare.Options{})
	require.NoError(t, err)
	var text, c, h bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	assert.Contains(t, text.String(), "Sweep of hours.per_month_max from 2018-01-01 (Baseline: reference)")
	assert.Regexp(t, `worker allowances\s+EUR\s+32.80\s+16.40\s+32.80\s+45.10`, text.String())
	require.NoError(t, rep.WriteCSV(&c))
	assert.Contains(t, c.String(), "hours.per_month_max,80,worker allowances,EUR,45.1")
	require.NoError(t, rep.WriteHTML(&h))
	assert.Equal(t, len(rep.BaseTotals), strings.Count(h.String(), "<polyline"), "a line chart per total")
	assert.NotContains(t, h.String(), "<script")
}

func TestCompareErrors(t *testing.T) {
	e := engine(t)
	_, err := compare.Compare(context.Background(), strings.NewReader(""), nil, nil, compare.Options{})
	assert.Error(t, err)
	bad := &wk.Reform{Name: "bad", Set: []wk.ParamChange{{Param: "no.such", From: wk.MustParseDate("2027-01-01"), Value: wk.IntValue(1)}}}
	_, err = compare.Compare(context.Background(), strings.NewReader(""), e, []*wk.Reform{bad}, compare.Options{})
	assert.ErrorContains(t, err, "no.such")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = compare.Compare(ctx, bytes.NewReader(popLines(t, e.Rulebook(), 500)), e, nil, compare.Options{})
	assert.ErrorIs(t, err, context.Canceled)

	// A line over the limit is a line error, counted and kept; the lines
	// after it are decided.
	in := strings.Repeat("x", 200) + "\n" + string(popLines(t, e.Rulebook(), 3))
	rep, err := compare.Compare(context.Background(), strings.NewReader(in), e, nil, compare.Options{MaxLine: 2000})
	require.NoError(t, err)
	assert.Equal(t, 4, rep.Cases)
	assert.Equal(t, 1, rep.Errors)
	assert.Equal(t, 3, rep.Decided)
	rep, err = compare.Compare(context.Background(), strings.NewReader(strings.Repeat("x", 200)), e, nil, compare.Options{MaxLine: 100})
	require.NoError(t, err)
	require.Len(t, rep.ErrorLines, 1)
	assert.Equal(t, 1, rep.ErrorLines[0].Line)
	assert.Contains(t, rep.ErrorLines[0].Err, "longer than the limit of 100 bytes")
}

// BenchmarkCompare compares a synthetic population under the reference and
// a reform, on all cores: cases/s (each case decided twice).
func BenchmarkCompare(b *testing.B) {
	e := engine(b)
	pop := popLines(b, e.Rulebook(), 5000)
	// A reform of voucher parameters alone (the tax rate), compared by
	// re-deciding every area under it (full) and by re-deciding only the
	// areas it can change (incremental, the default); and the monthly cap,
	// which reaches every area that counts hours.
	for _, bc := range []struct {
		name, reform string
		full         bool
	}{
		{"vouchers_reform/full", "../testdata/reforms/tax-reduction-20-kept.yaml", true},
		{"vouchers_reform/incremental", "../testdata/reforms/tax-reduction-20-kept.yaml", false},
		{"hours_reform/full", "../testdata/reforms/monthly-cap-80.yaml", true},
		{"hours_reform/incremental", "../testdata/reforms/monthly-cap-80.yaml", false},
	} {
		rfs := reforms(b, bc.reform)
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := compare.Compare(context.Background(), bytes.NewReader(pop), e, rfs, compare.Options{Full: bc.full}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N*5000)/b.Elapsed().Seconds(), "cases/s")
		})
	}
	// Full and incremental alternately, for a ratio from one machine state.
	for _, bc := range []struct{ name, reform string }{
		{"vouchers_reform/pair", "../testdata/reforms/tax-reduction-20-kept.yaml"},
		{"hours_reform/pair", "../testdata/reforms/monthly-cap-80.yaml"},
	} {
		rfs := reforms(b, bc.reform)
		run := func(full bool) func(int) {
			return func(int) {
				if _, err := compare.Compare(context.Background(), bytes.NewReader(pop), e, rfs, compare.Options{Full: full}); err != nil {
					b.Fatal(err)
				}
			}
		}
		b.Run(bc.name, func(b *testing.B) { benchpair.RunRounds(b, 1, "incremental", run(false), "full", run(true)) })
	}
}
