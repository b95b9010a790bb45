package compare_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"strings"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/compare"
	"github.com/openwijkwerken/wijkwerken/decision"
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
// regulation, on 2027-03-15, under the reference and under a monthly cap
// of 80 hours and a price band up to 9.00 from 2027:
//
//	A  58 hours registered in March; asks 300 min (5 h), a 12 km round
//	   trip; organiser sells at 8.45 (5.95 + 5 steps of 0.50). Before:
//	   60-58 = 2 hours allowed (month_limit), pay 2 x 4.10 = 8.20, travel
//	   12 x 0.15 = 1.80 (more than 10 km), price above 7.45 so no revenue
//	   counted, fee 7.50; the assignment is refused (month_limit). After:
//	   80-58 = 22 left, all 5 hours, pay 20.50; the price is legal (a step
//	   within 9.00): revenue 5 cheques x 8.45 = 42.25; the assignment is
//	   allowed.
//	   Community service: no jobseeking date, so not eligible either way.
//	B  a request alone, 90 min: 2 hours, pay 8.20, fee 7.50, either way;
//	   only its month_remaining changes, 60 to 80.
//	C  a purchase on 2025-11-01 of 100 x 7.45 = 745.00 with 1000.00 of
//	   service cheques: base min(745, 1530-1000) = 530 (the 2021 ceiling
//	   carried forward), reduction 20 % = 106.00.
//	D  an organiser selling at 7.45: fee 7.50, nothing else.
//	E  a date that does not exist (line 6): an error, not a case.
func TestCompareHandCount(t *testing.T) {
	rep, err := compare.Compare(context.Background(), small(t), engine(t),
		reforms(t, "../examples/reform/cap-80-2027.yaml", "../examples/reform/price-band-9-2027.yaml"), compare.Options{})
	require.NoError(t, err)
	assert.Equal(t, 5, rep.Cases)
	assert.Equal(t, 4, rep.Decided)
	assert.Equal(t, 1, rep.Errors)
	require.Len(t, rep.ErrorLines, 1)
	assert.Equal(t, 6, rep.ErrorLines[0].Line)
	assert.Equal(t, "E", rep.ErrorLines[0].ID)
	assert.Equal(t, 2, rep.Changed, "A changes, and B's month_remaining")

	assert.Equal(t, map[string][2]string{
		"worker allowances":              {"16.4", "28.7"},
		"travel allowances":              {"1.8", "1.8"},
		"tax reductions":                 {"106", "106"},
		"cheque revenue":                 {"0", "42.25"},
		"registration fees":              {"22.5", "22.5"},
		"community service allowances":   {"0", "0"},
		"hours allowed":                  {"4", "7"},
		"eligible":                       {"1", "1"},
		"placements allowed":             {"1", "1"},
		"assignments allowed":            {"0", "1"},
		"community service eligible":     {"0", "0"},
		"cases with an area not decided": {"0", "0"},
	}, totals(rep.Totals))

	changed := map[string]string{}
	for _, o := range rep.Outputs {
		if o.Changed > 0 {
			var kinds []string
			for _, d := range o.Directions {
				kinds = append(kinds, d.Kind)
				assert.Equal(t, "A", d.Examples[0].ID)
				if o.Path == "hours.month_remaining" {
					require.Len(t, d.Examples, 2)
					assert.Equal(t, compare.Example{Line: 2, ID: "B", Before: "60", After: "80"}, d.Examples[1])
				} else {
					require.Len(t, d.Examples, 1)
				}
			}
			changed[o.Path] = strings.Join(kinds, ", ")
		}
	}
	assert.Equal(t, map[string]string{
		"hours.allowed":                "increased",
		"hours.month_remaining":        "increased",
		"hours.reasons":                "lost month_limit",
		"vouchers.allowance":           "increased",
		"vouchers.price_valid":         "false → true",
		"vouchers.reasons":             "lost price_above_maximum",
		"placement.assignment_allowed": "false → true",
		"placement.assignment_reasons": "lost month_limit",
	}, changed)

	rules := map[string][2]int{}
	for _, r := range rep.Rules {
		rules[r.Rule] = [2]int{r.Started, r.Stopped}
		assert.NotEmpty(t, r.Cite)
	}
	assert.Equal(t, map[string][2]int{"hours.month_limit": {0, 1}, "vouchers.price_above_maximum": {0, 1}}, rules)

	require.Len(t, rep.Reforms, 2)
	assert.Equal(t, []string{"hours.per_month_max = 80 from 2027-01-01"}, rep.Reforms[0].Changes)
	assert.Equal(t, []string{"vouchers.price_max = 9 from 2027-01-01"}, rep.Reforms[1].Changes)

	// Hours allowed: A 2 then 5, B 2; pay: A 8.20 then 20.50, B 8.20.
	h := rep.Histograms[0]
	assert.Equal(t, 2, h.Before[2])
	assert.Equal(t, 1, h.After[2])
	assert.Equal(t, 1, h.After[5])
	pay := rep.Histograms[1]
	assert.Equal(t, 2, pay.Before[1], "two requests paid 5-10 euro before")
	assert.Equal(t, 1, pay.After[4], "A paid 20-25 euro after")
}

// The sweep of the monthly cap, by hand: A has 58 hours registered in
// March and asks 5; B asks 2 with nothing registered.
//
//	cap 58: A 0 allowed, B 2: pay 8.20
//	cap 60: A 2, B 2: pay 16.40 (the reference)
//	cap 80: A 5, B 2: pay 28.70
func TestSweepHandCount(t *testing.T) {
	e := engine(t)
	spec, err := compare.ParseSweep("hours.per_month_max=58,60,80", e.Rulebook())
	require.NoError(t, err)
	rep, err := compare.Sweep(context.Background(), small(t), e, nil, spec, compare.Options{Workers: 2})
	require.NoError(t, err)
	assert.Equal(t, wk.MustParseDate("2018-01-01"), rep.From, "the value holds over the parameter's whole timeline")
	assert.Equal(t, 4, rep.Decided)
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
	assert.Equal(t, "16.4", get(rep.BaseTotals, "worker allowances"))
	var pay, hours []string
	for _, p := range rep.Points {
		pay = append(pay, get(p.Totals, "worker allowances"))
		hours = append(hours, get(p.Totals, "hours allowed"))
	}
	assert.Equal(t, []string{"8.2", "16.4", "28.7"}, pay)
	assert.Equal(t, []string{"2", "4", "7"}, hours)
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
		"worker allowances", "16.40", "28.70", "+12.30", "hours.month_limit", "A (line 1): [month_limit] → []", "line 6 E:"} {
		assert.Contains(t, text.String(), want)
	}

	var c bytes.Buffer
	require.NoError(t, rep.WriteCSV(&c))
	rows, err := csv.NewReader(&c).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, []string{"section", "item", "kind", "unit", "before", "after", "change", "cases"}, rows[0])
	assert.Contains(t, rows, []string{"total", "cheque revenue", "", "EUR", "0", "42.25", "42.25", ""})
	assert.Contains(t, rows, []string{"direction", "vouchers.price_valid", "false → true", "cases", "", "", "", "1"})

	var h bytes.Buffer
	require.NoError(t, rep.WriteHTML(&h))
	page := h.String()
	assert.Contains(t, page, "<svg")
	assert.Contains(t, page, "42.25")
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
	assert.True(t, decimal.RequireFromString("28.7").Equal(back.Totals[0].After))
}

func TestSweepFormats(t *testing.T) {
	e := engine(t)
	spec, err := compare.ParseSweep("hours.per_month_max=58,60,80", e.Rulebook())
	require.NoError(t, err)
	rep, err := compare.Sweep(context.Background(), small(t), e, nil, spec, compare.Options{})
	require.NoError(t, err)
	var text, c, h bytes.Buffer
	require.NoError(t, rep.WriteText(&text))
	assert.Contains(t, text.String(), "Sweep of hours.per_month_max from 2018-01-01")
	assert.Regexp(t, `worker allowances\s+EUR\s+16.40\s+8.20\s+16.40\s+28.70`, text.String())
	require.NoError(t, rep.WriteCSV(&c))
	assert.Contains(t, c.String(), "hours.per_month_max,80,worker allowances,EUR,28.7")
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

	_, err = compare.Compare(context.Background(), strings.NewReader(strings.Repeat("x", 200)), e, nil, compare.Options{MaxLine: 100})
	assert.ErrorContains(t, err, "line 1")
}

// BenchmarkCompare compares a synthetic population under the reference and
// a reform, on all cores: cases/s (each case decided twice).
func BenchmarkCompare(b *testing.B) {
	e := engine(b)
	pop := popLines(b, e.Rulebook(), 5000)
	rfs := reforms(b, "../testdata/reforms/monthly-cap-80.yaml")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := compare.Compare(context.Background(), bytes.NewReader(pop), e, rfs, compare.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*5000)/b.Elapsed().Seconds(), "cases/s")
}
