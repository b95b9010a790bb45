package decision_test

import (
	"encoding/json"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecide(t *testing.T) {
	rb, err := wk.Reference()
	require.NoError(t, err)
	eng, err := decision.New(rb)
	require.NoError(t, err)
	day := wk.MustParseDate("2024-03-01")

	_, err = eng.Decide(day, &dossier.Case{})
	assert.ErrorContains(t, err, "nothing to decide")

	res, err := eng.Decide(day, &dossier.Case{Person: &dossier.Person{DomicileRegion: "brussels", Income: "leefloon"}})
	require.NoError(t, err)
	v, ok := res.Get("eligibility.eligible")
	assert.True(t, ok)
	assert.Equal(t, false, v)
	_, ok = res.Get("hours.allowed")
	assert.False(t, ok, "no request: not computed")
	b, err := json.Marshal(res)
	require.NoError(t, err)
	assert.JSONEq(t, `{"date":"2024-03-01","eligibility":{"eligible":false,"reasons":["not_domiciled_in_flanders"],"referrer":"ocmw"},
		"explanations":[{"code":"not_domiciled_in_flanders","rule":"eligibility.domicile","cite":"Decreet wijk-werken art. 10-11 (doelgroep) [S15, S20, S28]",
		"message":{"nl":"De persoon is niet gedomicilieerd in het Vlaamse Gewest.","en":"The person is not domiciled in the Flemish Region."}}]}`, string(b))

	res, err = eng.Decide(wk.MustParseDate("2017-12-31"), &dossier.Case{Person: &dossier.Person{DomicileRegion: "flanders", Income: "none"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "2017-12-31")
	require.NotNil(t, res)
	assert.ErrorContains(t, res.Err("eligibility.eligible"), "2017-12-31")
}

func TestPathsAreTheContract(t *testing.T) {
	assert.True(t, decision.Known("trajectory.last_day"))
	assert.True(t, decision.Known("community_service.allowance"))
	assert.False(t, decision.Known("eligibility.eligble"))
	assert.Equal(t, "hours", decision.AreaOf("hours.reasons"))
	assert.Len(t, decision.Paths(), 30)
}
