package wijkwerken

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    string
		wantErr string
	}{
		{in: "2024-02-29", want: "2024-02-29"},
		{in: "2000-02-29", want: "2000-02-29"},
		{in: "0001-01-01", want: "0001-01-01"},
		{in: "9999-12-31", want: "9999-12-31"},
		{in: "2023-02-29", wantErr: "day 29 out of range for 2023-02"},
		{in: "1900-02-29", wantErr: "out of range"},
		{in: "2024-13-01", wantErr: "month 13"},
		{in: "2024-00-10", wantErr: "month 0"},
		{in: "2024-04-31", wantErr: "day 31"},
		{in: "2024-4-1", wantErr: "want YYYY-MM-DD"},
		{in: "2024/04/01", wantErr: "want YYYY-MM-DD"},
		{in: "0000-01-01", wantErr: "year 0"},
		{in: "abcd-ef-gh", wantErr: "want YYYY-MM-DD"},
		{in: "2024-+1-01", wantErr: "want YYYY-MM-DD"},
		{in: "", wantErr: "want YYYY-MM-DD"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			d, err := ParseDate(tc.in)
			if tc.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.wantErr)
				var de *DateError
				assert.ErrorAs(t, err, &de)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, d.String())
		})
	}
}

func TestAddMonthsClampsToMonthEnd(t *testing.T) {
	for _, tc := range []struct {
		from   string
		months int
		want   string
	}{
		{"2024-01-31", 1, "2024-02-29"}, // leap year
		{"2023-01-31", 1, "2023-02-28"},
		{"2024-03-31", 1, "2024-04-30"},
		{"2024-03-31", -1, "2024-02-29"},
		{"2024-02-29", 12, "2025-02-28"},
		{"2024-08-31", 6, "2025-02-28"},
		{"2024-12-15", 1, "2025-01-15"},
		{"2024-01-15", -1, "2023-12-15"},
		{"2024-05-10", 0, "2024-05-10"},
		{"2021-01-01", 24, "2023-01-01"},
	} {
		got := MustParseDate(tc.from).AddMonths(tc.months)
		assert.Equal(t, tc.want, got.String(), "%s + %d months", tc.from, tc.months)
	}
}

func TestPeriodEnd(t *testing.T) {
	// docs/contract.md: a period of N months starting on D ends on the day before D + N months.
	for _, tc := range []struct {
		start  string
		months int
		want   string
	}{
		{"2024-03-01", 12, "2025-02-28"}, // the docs/contract.md example
		{"2024-01-01", 12, "2024-12-31"},
		{"2024-01-31", 1, "2024-02-28"}, // 31 Jan + 1 month = 29 Feb; the day before
		{"2023-09-01", 6, "2024-02-29"},
		{"2024-08-31", 6, "2025-02-27"},
		{"2019-05-10", 12, "2020-05-09"},
		{"2019-05-10", 15, "2020-08-09"},
	} {
		got := MustParseDate(tc.start).PeriodEnd(tc.months)
		assert.Equal(t, tc.want, got.String(), "%d months from %s", tc.months, tc.start)
	}
}

func TestDaysRoundTrip(t *testing.T) {
	d := MustParseDate("1999-12-25")
	for i := 0; i < 20000; i++ {
		next := d.AddDays(1)
		require.Equal(t, 1, d.DaysUntil(next))
		require.True(t, next.After(d))
		require.Equal(t, d.Time().AddDate(0, 0, 1).Format("2006-01-02"), next.String())
		d = next
	}
	assert.Equal(t, MustParseDate("2018-01-01"), MustParseDate("2017-12-31").AddDays(1))
	assert.Equal(t, 366, MustParseDate("2024-01-01").DaysUntil(MustParseDate("2025-01-01")))
}

func TestDateOrderAndParts(t *testing.T) {
	a, b := MustParseDate("2024-02-29"), MustParseDate("2024-03-01")
	assert.True(t, a.Before(b))
	assert.True(t, b.After(a))
	assert.Equal(t, -1, a.Compare(b))
	assert.Equal(t, 0, a.Compare(a))
	assert.Equal(t, 2024, a.Year())
	assert.Equal(t, time.February, a.Month())
	assert.Equal(t, 29, a.Day())
	assert.Equal(t, "2024-02", a.MonthKey())
	assert.Equal(t, "2024-02-01", a.StartOfMonth().String())
	assert.Equal(t, "2023-02-28", MustParseDate("2023-02-03").EndOfMonth().String())
	assert.True(t, Date{}.IsZero())
	assert.Equal(t, "", Date{}.String())
	assert.Equal(t, a, DateOf(time.Date(2024, 2, 29, 23, 59, 0, 0, time.UTC)))
}

func TestDateJSONAndYAML(t *testing.T) {
	type doc struct {
		D Date `json:"d" yaml:"d"`
	}
	b, err := json.Marshal(doc{MustParseDate("2024-03-01")})
	require.NoError(t, err)
	assert.JSONEq(t, `{"d":"2024-03-01"}`, string(b))
	b, err = json.Marshal(doc{})
	require.NoError(t, err)
	assert.JSONEq(t, `{"d":null}`, string(b))

	var got doc
	require.NoError(t, json.Unmarshal([]byte(`{"d":"2025-02-28"}`), &got))
	assert.Equal(t, "2025-02-28", got.D.String())
	assert.ErrorContains(t, json.Unmarshal([]byte(`{"d":"2025-02-29"}`), &got), "day 29")
	assert.ErrorContains(t, json.Unmarshal([]byte(`{"d":20250228}`), &got), "want a string")

	require.NoError(t, yaml.Unmarshal([]byte("d: 2024-12-31\n"), &got))
	assert.Equal(t, "2024-12-31", got.D.String())
	err = yaml.Unmarshal([]byte("x: 1\nd: 2024-02-30\n"), &got)
	assert.ErrorContains(t, err, "line 2")
	out, err := yaml.Marshal(doc{MustParseDate("2024-01-02")})
	require.NoError(t, err)
	assert.Equal(t, "d: \"2024-01-02\"\n", string(out))
}
