package organiser_test

import (
	"fmt"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/organiser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func engine(t *testing.T, rb *wk.Rulebook) *organiser.Engine {
	t.Helper()
	e, err := organiser.New(rb)
	require.NoError(t, err)
	return e
}

func reference(t *testing.T) *wk.Rulebook {
	rb, err := wk.Reference()
	require.NoError(t, err)
	return rb
}

func withInhabitants(n int) *dossier.Case {
	return &dossier.Case{Organiser: &dossier.Organiser{Inhabitants: &n}}
}

// Decree art. 14 §1: at least 60 000 inhabitants.
func TestMinimumArea(t *testing.T) {
	e := engine(t, reference(t))
	for n, valid := range map[int]bool{0: false, 59999: false, 60000: true, 60001: true, 1_000_000: true} {
		d, err := e.Decide(wk.MustParseDate("2024-03-01"), withInhabitants(n))
		require.NoError(t, err)
		assert.Equal(t, valid, d.Valid, n)
		assert.Equal(t, n, d.Inhabitants)
		if valid {
			assert.Empty(t, d.Reasons, n)
		} else {
			require.Len(t, d.Reasons, 1, n)
			assert.Equal(t, "organiser_area_too_small", d.Reasons[0].Code)
			assert.NotEmpty(t, d.Reasons[0].Sources, "the reason names its public sources")
		}
	}
}

func TestErrors(t *testing.T) {
	e := engine(t, reference(t))
	_, err := e.Decide(wk.MustParseDate("2024-03-01"), &dossier.Case{Organiser: &dossier.Organiser{}})
	var ce *dossier.CaseError
	require.ErrorAs(t, err, &ce)
	assert.Contains(t, err.Error(), "case.organiser.inhabitants")

	_, err = e.Decide(wk.MustParseDate("2024-03-01"), withInhabitants(-1))
	require.ErrorAs(t, err, &ce)

	_, err = e.Decide(wk.MustParseDate("2017-12-31"), withInhabitants(70000))
	var nf *wk.NotInForceError
	require.ErrorAs(t, err, &nf)
	assert.Contains(t, err.Error(), "2017-12-31")
}

// The minimum is data: a reform changes it from a date.
func TestReformedMinimum(t *testing.T) {
	rf, err := wk.ParseReform("r.yaml", []byte("reform: 50 000 from 2027\ncite: test\nset:\n  - {param: organiser.min_inhabitants, from: 2027-01-01, value: 50000}\n"))
	require.NoError(t, err)
	rb, err := reference(t).Reform(rf)
	require.NoError(t, err)
	e := engine(t, rb)
	for date, valid := range map[string]bool{"2026-12-31": false, "2027-01-01": true} {
		d, err := e.Decide(wk.MustParseDate(date), withInhabitants(55000))
		require.NoError(t, err)
		assert.Equal(t, valid, d.Valid, date)
	}
}

func TestTrace(t *testing.T) {
	e := engine(t, reference(t))
	d, err := e.Decide(wk.MustParseDate("2024-03-01"), withInhabitants(45000), wk.WithTrace())
	require.NoError(t, err)
	require.NotNil(t, d.Trace)
	require.Len(t, d.Trace.Steps, 1)
	st := d.Trace.Steps[0]
	assert.Equal(t, "organiser.area_too_small", st.Rule)
	require.Len(t, st.Params, 1)
	assert.Equal(t, "organiser.min_inhabitants", st.Params[0].ID)
	assert.Equal(t, "60000", st.Params[0].Value.String())
}

// Does an intermunicipal organiser of 45 000 inhabitants meet the decree?
func ExampleEngine_Decide() {
	rb, _ := wk.Reference()
	e, _ := organiser.New(rb)
	n := 45000
	d, _ := e.Decide(wk.MustParseDate("2024-03-01"), &dossier.Case{Organiser: &dossier.Organiser{Inhabitants: &n}})
	fmt.Println("valid:", d.Valid)
	for _, r := range d.Reasons {
		fmt.Println(r.Code+":", r.Message.EN)
	}
	// Output:
	// valid: false
	// organiser_area_too_small: The organiser's area has fewer inhabitants than the decree requires.
}
