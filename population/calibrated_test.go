package population_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/population"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func reference(t *testing.T) *wk.Rulebook {
	rb, err := wk.Reference()
	require.NoError(t, err)
	return rb
}

func generate(t *testing.T, scale string, seed uint64) []population.Record {
	cal, err := population.Flanders()
	require.NoError(t, err)
	g, err := population.NewCalibrated(reference(t), cal, 2027, decimal.RequireFromString(scale), seed)
	require.NoError(t, err)
	var out []population.Record
	for r, ok := g.Next(); ok; r, ok = g.Next() {
		out = append(out, r)
	}
	assert.Len(t, out, g.Size())
	return out
}

// The generated year matches the figures of flanders.yaml it is drawn
// from: the number of wijk-werkers a month, the mean hours worked under
// the reference rulebook, the split by referrer, the transitional share.
func TestCalibratedMatchesItsFigures(t *testing.T) {
	cal, err := population.Flanders()
	require.NoError(t, err)
	recs := generate(t, "0.1", 1)
	workers := cal.WorkersPerMonth.Value / 10 // 600 a month at a tenth
	assert.Len(t, recs, 12*(workers+cal.CommunityServicePeople.Value))

	eng, err := decision.New(reference(t))
	require.NoError(t, err)
	perMonth := map[string]int{}
	hours, ocmw, transitional, jan := 0, 0, 0, 0
	for _, r := range recs {
		res, err := eng.Decide(r.Date, r.Case)
		require.NoError(t, err, r.ID)
		require.Empty(t, res.Errors, r.ID)
		if r.Case.Request == nil {
			continue // gemeenschapsdienst
		}
		perMonth[r.Date.MonthKey()]++
		v, ok := res.Get("hours.allowed")
		require.True(t, ok, r.ID)
		hours += v.(int)
		if ref, _ := res.Get("eligibility.referrer"); ref == "ocmw" {
			ocmw++
		}
		if r.Date.Month() == 1 {
			jan++
			if tr, _ := res.Get("trajectory.transitional"); tr == true {
				transitional++
			}
		}
	}
	require.Len(t, perMonth, 12)
	for m, n := range perMonth {
		assert.Equal(t, workers, n, m)
	}
	n := 12 * workers
	mean := decimal.NewFromInt(int64(hours)).Div(decimal.NewFromInt(int64(n)))
	assert.True(t, mean.Sub(cal.HoursPerMonthMean.Value).Abs().LessThan(decimal.RequireFromString("1.5")),
		"mean hours worked %s, published %s", mean.StringFixed(2), cal.HoursPerMonthMean.Value)
	share := func(k, of int) decimal.Decimal {
		return decimal.NewFromInt(int64(k)).Div(decimal.NewFromInt(int64(of)))
	}
	near := func(got, want decimal.Decimal, what string) {
		assert.True(t, got.Sub(want).Abs().LessThan(decimal.RequireFromString("0.05")), "%s: %s, want %s", what, got.StringFixed(3), want)
	}
	near(share(ocmw, n), cal.OCMWShare.Value, "OCMW share")
	near(share(transitional, jan), cal.TransitionalShare.Value, "transitional share in January")
}

func TestCalibratedIsDeterministic(t *testing.T) {
	enc := func(rs []population.Record) string {
		var b bytes.Buffer
		for _, r := range rs {
			require.NoError(t, json.NewEncoder(&b).Encode(r))
		}
		return b.String()
	}
	a, b, c := enc(generate(t, "0.01", 5)), enc(generate(t, "0.01", 5)), enc(generate(t, "0.01", 6))
	assert.Equal(t, a, b)
	assert.NotEqual(t, a, c)
}

// Every figure of the data file has its citation, source and confidence;
// a figure without a source cannot claim more than low confidence.
func TestFlandersFiguresAreCited(t *testing.T) {
	data, err := os.ReadFile("flanders.yaml")
	require.NoError(t, err)
	_, err = population.ParseCalibration("flanders.yaml", data)
	require.NoError(t, err)
	for _, tc := range []struct{ from, to, want string }{
		{"  confidence: medium\n  note: >-\n    Active", "  confidence: certain\n  note: >-\n    Active", `workers_per_month: confidence "certain"`},
		{"  source: https://www.hildecrevits.be/minister_crevits_trekt_450_000_euro_per_maand_uit_voor_extra_ondersteuning_wijk_werkers\n  confidence: medium\n  note: >-\n    Active",
			"  source: none found\n  confidence: medium\n  note: >-\n    Active", "workers_per_month: a figure without a source has confidence low"},
		{"{from: 61, to: 90, share: 0.09}", "{from: 61, to: 90, share: 0.19}", "hours_demand: shares add up to 1.1, not 1"},
		{"private: 0.55", "private: 0.55, robots: 0", `user_types: unknown user type "robots"`},
		{"community_service_people:", "community_servise_people:", "field community_servise_people not found"},
	} {
		broken := strings.Replace(string(data), tc.from, tc.to, 1)
		require.NotEqual(t, string(data), broken, tc.want)
		_, err := population.ParseCalibration("flanders.yaml", []byte(broken))
		if assert.Error(t, err, tc.want) {
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), "flanders.yaml")
		}
	}
}

func TestNewCalibratedRefuses(t *testing.T) {
	cal, err := population.Flanders()
	require.NoError(t, err)
	_, err = population.NewCalibrated(reference(t), cal, 2017, decimal.NewFromInt(1), 1)
	assert.ErrorContains(t, err, "2017")
	_, err = population.NewCalibrated(reference(t), cal, 2027, decimal.Zero, 1)
	assert.ErrorContains(t, err, "scale 0")
	_, err = population.NewCalibrated(reference(t), cal, 2027, decimal.NewFromInt(1000), 1)
	assert.ErrorContains(t, err, "scale 1000")
}
