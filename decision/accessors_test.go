package decision_test

import (
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The typed accessors read the values the regulation gives for a leefloon
// recipient with a request of 90 minutes: eligible, referred by the OCMW,
// two started hours, two cheques, 2 × 4.10 euro.
func TestTypedAccessors(t *testing.T) {
	eng := engineT(t)
	c := &dossier.Case{
		Person:     &dossier.Person{DomicileRegion: dossier.RegionFlanders, Income: dossier.IncomeLeefloon},
		Trajectory: &dossier.Trajectory{Start: wk.MustParseDate("2024-01-01")},
		Request:    &dossier.Request{Date: wk.MustParseDate("2024-03-01"), Minutes: 90},
	}
	r, err := eng.Decide(wk.MustParseDate("2024-03-01"), c)
	require.NoError(t, err)
	eligible, ok := r.GetBool("eligibility.eligible")
	assert.True(t, ok)
	assert.True(t, eligible)
	referrer, ok := r.GetText("eligibility.referrer")
	assert.True(t, ok)
	assert.Equal(t, "ocmw", referrer)
	hours, ok := r.GetInt("hours.allowed")
	assert.True(t, ok)
	assert.Equal(t, 2, hours)
	allowance, ok := r.GetDecimal("vouchers.allowance")
	assert.True(t, ok)
	assert.Equal(t, "8.2", allowance.String())
	last, ok := r.GetDate("trajectory.last_day")
	assert.True(t, ok)
	assert.Equal(t, "2024-12-31", last.String())
	codes, ok := r.GetCodes("eligibility.reasons")
	assert.True(t, ok)
	assert.Empty(t, codes)

	_, ok = r.GetInt("eligibility.eligible")
	assert.False(t, ok, "a path of another type")
	_, ok = r.GetBool("community_service.plan_valid")
	assert.False(t, ok, "a path not computed for this case")
	_, ok = r.GetBool("no.such_path")
	assert.False(t, ok)
}
