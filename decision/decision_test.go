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
	var doc map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(b, &doc))
	assert.JSONEq(t, `"2024-03-01"`, string(doc["date"]))
	assert.JSONEq(t, `{"eligible":false,"reasons":["not_domiciled_in_flanders"],"referrer":"ocmw"}`, string(doc["eligibility"]))
	// A person is also judged for gemeenschapsdienst: leefloon is no
	// unemployment benefit, and no jobseeking date shows two years.
	assert.JSONEq(t, `{"eligible":false,"reasons":["not_on_unemployment_benefit","jobseeking_less_than_two_years"]}`, string(doc["community_service"]))
	assert.Contains(t, string(doc["explanations"]), `{"code":"not_domiciled_in_flanders","message":{"nl":"De persoon is niet gedomicilieerd in het Vlaamse Gewest.","en":"The person is not domiciled in the Flemish Region."},"rule":"eligibility.domicile","cite":"Decreet wijk-werken art. 10-11 (doelgroep) [S15, S20, S28]"}`)

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
	// The 30 paths of DESIGN.md and the extensions the README lists.
	assert.Len(t, decision.Paths(), 32)
}
