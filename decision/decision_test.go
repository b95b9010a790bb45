package decision_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/area"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/population"
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
	assert.Contains(t, string(doc["explanations"]), `{"code":"not_domiciled_in_flanders","message":{"nl":"De persoon is niet gedomicilieerd in het Vlaamse Gewest.","en":"The person is not domiciled in the Flemish Region."},"rule":"eligibility.domicile","cite":"Decreet wijk-werken art. 10-11 (doelgroep) [S15, S20, S28]","sources":[`)

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
	assert.Equal(t, "placement", decision.AreaOf("placement.assignment_allowed"))
	for _, p := range decision.Paths() {
		assert.NotEmpty(t, p.Meaning, "%s declares no meaning (doc tag)", p.Path)
	}
}

var update = flag.Bool("update", false, "rewrite the generated parts of docs/contract.md")

// The contract document lists every output path, as the areas declare it:
// the table between its paths markers is generated from the declarations
// (go test ./decision -run TestContractListsEveryPath -update), so that a
// new output is documented with the meaning its field gives, and a table
// that drifts from the code fails here.
func TestContractListsEveryPath(t *testing.T) {
	const file = "../docs/contract.md"
	doc, err := os.ReadFile(file)
	require.NoError(t, err)
	var b strings.Builder
	b.WriteString("| path | kind | meaning |\n|---|---|---|\n")
	for _, p := range decision.Paths() {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", p.Path, p.Kind, p.Meaning)
	}
	begin, end := "<!-- paths: ", "<!-- /paths -->"
	i := strings.Index(string(doc), begin)
	j := strings.Index(string(doc), end)
	require.True(t, i >= 0 && j > i, "docs/contract.md has no paths markers")
	i += strings.Index(string(doc)[i:], "-->\n") + len("-->\n")
	want := string(doc[:i]) + b.String() + string(doc[j:])
	if *update {
		require.NoError(t, os.WriteFile(file, []byte(want), 0o644))
		return
	}
	assert.Equal(t, want, string(doc), "docs/contract.md's paths table is not the declared one: run go test ./decision -run TestContractListsEveryPath -update")
}

// timeline is a reform that changes, from mid-2020 and again from 2022,
// parameters the rules read with param(), so that folding them in is tested
// across changes and not only on the reference's constant values.
const timeline = `reform: timeline
cite: test
set:
  - {param: eligibility.interim_days_max, from: 2020-07-01, value: 5}
  - {param: eligibility.interim_days_max, from: 2022-03-01, value: 15}
  - {param: trajectory.max_months, from: 2020-07-01, value: 18}
  - {param: trajectory.evaluation_interval_months, from: 2022-03-01, value: 3}
  - {param: vouchers.price_min, from: 2020-07-01, value: 6.5}
  - {param: vouchers.price_max, from: 2022-03-01, value: 8}
  - {param: vouchers.allowance_per_cheque, from: 2020-07-01, value: 4.5}
  - {param: vouchers.travel_per_km, from: 2022-03-01, value: 0.2}
  - {param: vouchers.registration_fee, from: 2021-01-01, value: 10}
  - {param: vouchers.validity_months, from: 2021-06-01, value: 6}
  - {param: placement.activities_private, from: 2022-03-01, value: [household_help, companionship]}
  - {param: community_service.allowance_per_hour, from: 2024-01-01, value: 1.5}
`

// A rule runs three ways: traced, on expr's VM, reading its parameters as
// it goes; untraced, compiled with its parameters folded in as constants,
// on the closures; and, where the closures give up, folded on the VM. Over
// a population decided on dates from 2018 to 2027 (across every change of
// a parameter), the three must give exactly the same outputs and errors,
// with the reference rulebook and with one whose parameters change over
// time: traced against folded on the VM tests the folding, folded on the
// VM against folded on the closures tests the closures.
func TestFoldedRulesMatchTraced(t *testing.T) {
	rf, err := wk.ParseReform("timeline.yaml", []byte(timeline))
	require.NoError(t, err)
	ref, err := wk.Reference()
	require.NoError(t, err)
	reformed, err := ref.Reform(rf)
	require.NoError(t, err)
	lines := popLines(t, 1000, 77)
	start := wk.MustParseDate("2018-01-01")
	for _, rb := range []*wk.Rulebook{ref, reformed} {
		eng, err := decision.New(rb)
		require.NoError(t, err)
		dec := json.NewDecoder(bytes.NewReader(lines))
		for i := 0; dec.More(); i++ {
			var rec population.Record
			require.NoError(t, dec.Decode(&rec))
			for _, date := range []wk.Date{rec.Date, start.AddDays((i * 131) % 3400)} {
				fast, fastErr := eng.Decide(date, rec.Case)
				folded, foldedErr := eng.Decide(date, rec.Case, area.VMOnly())
				slow, slowErr := eng.Decide(date, rec.Case, wk.WithTrace())
				require.Equal(t, fmt.Sprint(slowErr), fmt.Sprint(foldedErr), "folding: case %s on %s", rec.ID, date)
				require.Equal(t, fmt.Sprint(foldedErr), fmt.Sprint(fastErr), "closures: case %s on %s", rec.ID, date)
				if fast == nil {
					continue
				}
				a, err := fast.OutputsJSON()
				require.NoError(t, err)
				f, err := folded.OutputsJSON()
				require.NoError(t, err)
				slow.Trace = nil
				b, err := slow.OutputsJSON()
				require.NoError(t, err)
				require.JSONEq(t, string(b), string(f), "folding: case %s on %s", rec.ID, date)
				require.JSONEq(t, string(f), string(a), "closures: case %s on %s", rec.ID, date)
			}
		}
	}
}
