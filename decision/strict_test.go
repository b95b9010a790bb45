package decision_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Every line of a bulk stream is read as strictly as a case file
// (docs/contract.md): a bad line becomes an error line naming the field and
// its column, and the stream goes on.
func TestStreamLinesAreStrict(t *testing.T) {
	good := `{"id": "ok", "date": "2024-03-01", "case": {"person": {"domicile_region": "flanders", "registered_jobseeker": true, "income": "none"}}}`
	cases := []struct {
		name, line string
		want       []string // substrings of the error
	}{
		// Last-wins would make this an OCMW case (leefloon): refused.
		{"duplicate case field", `{"id": "d1", "date": "2024-03-01", "case": {"person": {"domicile_region": "flanders", "income": "none", "income": "leefloon"}}}`,
			[]string{"case.person.income", "given twice", "column 105"}},
		{"duplicate line field", `{"id": "d2", "date": "2024-03-01", "date": "2025-03-01", "case": {}}`, []string{"date: given twice"}},
		{"duplicate map key", `{"id": "d3", "case": {"trajectory": {"start": "2024-01-01", "hours": {"2024-02": 3, "2024-02": 60}}}}`,
			[]string{"case.trajectory.hours.2024-02", "given twice"}},
		{"two objects", good + ` {"id": "x"}`, []string{"not a case line", "second JSON value", "column 137"}},
		{"trailing data", good + ` x`, []string{"not a case line", "unexpected character 'x'"}},
		{"null", `null`, []string{"not a case line", "want an object", "got null"}},
		{"empty object", `{}`, []string{`no "case"`}},
		{"unknown field", `{"id": "u", "date": "2024-03-01", "case": {"person": {"incme": "none"}}}`,
			[]string{"case.person.incme", `did you mean "income"`, "column 55"}},
		{"case-sensitive", `{"id": "c", "date": "2024-03-01", "CASE": {}}`, []string{`unknown field "CASE"`}},
		{"wrong type", `{"id": "w", "date": "2024-03-01", "case": {"request": {"minutes": "70"}}}`, []string{"case.request.minutes", "want a whole number"}},
		{"fraction", `{"id": "f", "date": "2024-03-01", "case": {"request": {"minutes": 7.5}}}`, []string{"7.5 is not a whole number"}},
		{"bad date", `{"id": "b", "date": "2024-02-30", "case": {}}`, []string{"date", "2024-02-30"}},
		{"not json", `not json`, []string{"not a case line"}},
	}
	var in strings.Builder
	for _, c := range cases {
		in.WriteString(c.line + "\n")
	}
	in.WriteString(good + "\n")
	var out bytes.Buffer
	st, err := engineT(t).Stream(context.Background(), strings.NewReader(in.String()), &out, decision.StreamOptions{Workers: 2})
	require.NoError(t, err)
	assert.Equal(t, len(cases)+1, st.Cases)
	assert.Equal(t, len(cases), st.Errors)
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, len(cases)+1)
	for i, c := range cases {
		var o struct {
			Line  int    `json:"line"`
			Error string `json:"error"`
		}
		require.NoError(t, json.Unmarshal([]byte(lines[i]), &o), lines[i])
		assert.Equal(t, i+1, o.Line, c.name)
		for _, w := range c.want {
			assert.Contains(t, o.Error, w, c.name)
		}
	}
	assert.Contains(t, lines[len(cases)], `"result":`, "the line after the bad ones is decided")
}

// A line over the limit becomes an error line without being held in
// memory, and the lines after it are decided.
func TestStreamOversizedLine(t *testing.T) {
	good := string(popLines(t, 2, 4))
	long := `{"id": "big", "case": {"person": {"income": "` + strings.Repeat("x", 5000) + `"}}}`
	in := good + long + "\n" + good
	var out bytes.Buffer
	st, err := engineT(t).Stream(context.Background(), strings.NewReader(in), &out, decision.StreamOptions{MaxLine: 4096})
	require.NoError(t, err)
	assert.Equal(t, 5, st.Cases)
	assert.Equal(t, 1, st.Errors)
	sc := bufio.NewScanner(&out)
	var got []string
	for sc.Scan() {
		got = append(got, sc.Text())
	}
	require.Len(t, got, 5)
	assert.Equal(t, `{"line":3,"error":"line 3 is longer than the limit of 4096 bytes: skipped"}`, got[2])
	for _, i := range []int{0, 1, 3, 4} {
		assert.Contains(t, got[i], `"result":`)
	}
	// The default limit takes it.
	out.Reset()
	st, err = engineT(t).Stream(context.Background(), strings.NewReader(in), &out, decision.StreamOptions{})
	require.NoError(t, err)
	assert.Equal(t, 1, st.Errors, "decided, and refused for its unknown income")
	assert.Contains(t, out.String(), `"line":3,"error":"invalid case: case.person.income: unknown value`)
}

// ParseLine is the library's reader of a line: the same strictness.
func TestParseLineStrict(t *testing.T) {
	_, err := decision.ParseLine([]byte(`{"id": "a", "case": {"person": {"income": "none", "income": "leefloon"}}, "date": "2024-01-01"}`), wk.Date{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "case.person.income: given twice")
	l, err := decision.ParseLine([]byte(`{"id": "a", "date": "2024-01-01", "case": {"person": {"income": "none"}}}`), wk.Date{})
	require.NoError(t, err)
	assert.Equal(t, "a", l.ID)
	assert.Equal(t, "none", l.Case.Person.Income)
}
