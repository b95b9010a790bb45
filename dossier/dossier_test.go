package dossier_test

import (
	"encoding/json"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const full = `case:
  person:
    domicile_region: flanders
    registered_jobseeker: true
    income: unemployment_benefit
    jobseeking_since: 2021-01-01
    social_economy_highest: false
    faster_route_available: false
    pwa_agreement_on_2017_09_30: false
    interim_days_last_28: 0
  household:
    partner: { income: leefloon, registered_jobseeker: true }
    ocmw_option: refer_both
    vdab_consulted: true
  trajectory:
    start: 2024-03-01
    evaluations: [2024-08-20]
    last_activity: 2024-06-30
    hours: { "2024-03": 40, "2024-04": 60 }
  request:
    date: 2024-03-20
    minutes: 70
    user: { type: private, region: flanders, municipality: Gent }
    activity: light_garden_maintenance
    km: 8
  organiser: { cheque_price: 7.45, inhabitants: 70000, activities: [light_garden_maintenance] }
  cheque: { issued: 2019-05-10 }
  purchase: { date: 2019-06-01, count: 100, unit_price: 7.45, buyer: natural_person,
              service_cheques_amount: 0 }
  community_service:
    start: 2023-09-01
    end: 2024-02-29
    hours_per_month: 48
    host_type: municipality
    mentor_certified: true
    fiche_signed_by: hr_manager
`

// The docs/contract.md case document decodes as a whole.
func TestParseTheDesignCase(t *testing.T) {
	c, err := dossier.ParseCase("case.yaml", []byte(full))
	require.NoError(t, err)
	assert.Equal(t, "unemployment_benefit", c.Person.Income)
	assert.Equal(t, "2021-01-01", c.Person.JobseekingSince.String())
	assert.Equal(t, "refer_both", c.Household.OCMWOption)
	assert.Equal(t, 60, c.Trajectory.Hours["2024-04"])
	assert.Equal(t, []wk.Date{wk.MustParseDate("2024-08-20")}, c.Trajectory.Evaluations)
	assert.Equal(t, "7.45", c.Organiser.ChequePrice.String())
	assert.Equal(t, "8", c.Request.Km.String())
	assert.Equal(t, "Gent", c.Request.User.Municipality)
	assert.Equal(t, 48, c.CommunityService.HoursPerMonth)

	// JSON round trip: what a vendor stores reads back the same.
	b, err := json.Marshal(c)
	require.NoError(t, err)
	c2, err := dossier.ParseCase("case.json", b)
	require.NoError(t, err)
	assert.Equal(t, c, c2)
}

func TestParseCaseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"unknown enum", "person: {domicile_region: flanders, income: salary}\n",
			[]string{`case.yaml:1:45: case.person.income: unknown value "salary" (allowed: unemployment_benefit, leefloon, leefloon_equivalent, none)`}},
		{"unknown field", "person:\n  domicile_region: flanders\n  incom: none\n",
			[]string{`case.yaml:3:3: case.person.incom: unknown field "incom" (did you mean "income"?)`}},
		{"impossible date", "trajectory:\n  start: 2024-02-30\n",
			[]string{`case.yaml:2:10: case.trajectory.start: invalid date "2024-02-30"`}},
		{"malformed date", "cheque: {issued: 10/05/2019}\n", []string{"want YYYY-MM-DD"}},
		{"bool as text", "person: {domicile_region: flanders, income: none, registered_jobseeker: yes please}\n", []string{"want true or false"}},
		{"number as text", "request: {minutes: seventy}\n", []string{"case.request.minutes: want a whole number"}},
		{"bad month key", "trajectory: {start: 2024-01-01, hours: {\"2024-13\": 10}}\n", []string{`case.trajectory.hours.2024-13: month "2024-13": want YYYY-MM`}},
		{"negative hours", "trajectory: {start: 2024-01-01, hours: {\"2024-02\": -4}}\n", []string{"-4 is negative"}},
		{"evaluation before start", "trajectory:\n  start: 2024-03-01\n  evaluations: [2024-02-01]\n",
			[]string{"case.yaml:3:17: case.trajectory.evaluations[0]: 2024-02-01 is before trajectory.start 2024-03-01"}},
		{"end before start", "community_service: {start: 2024-03-01, end: 2024-01-01}\n", []string{"case.community_service.end: 2024-01-01 is before"}},
		{"several at once", "person: {domicile_region: mars, income: salary}\n", []string{"2 problems", "mars", "salary"}},
		{"not a mapping", "- 1\n", []string{"want a mapping of fields"}},
		{"yaml syntax", "person: {\n", []string{"case"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := dossier.ParseCase("case.yaml", []byte(tc.src))
			var ce *dossier.CaseError
			require.ErrorAs(t, err, &ce)
			for _, w := range tc.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestValidateGoCase(t *testing.T) {
	c := &dossier.Case{Request: &dossier.Request{Minutes: -5, User: dossier.User{Type: "company"}}}
	err := c.Validate()
	var ce *dossier.CaseError
	require.ErrorAs(t, err, &ce)
	require.Len(t, ce.Fields, 2)
	assert.Equal(t, "case.request.minutes", ce.Fields[0].Field)
	assert.Contains(t, ce.Fields[1].Msg, `unknown value "company" (allowed: private, municipality, ocmw, school, nonprofit, agriculture)`)
	assert.NoError(t, (&dossier.Case{}).Validate())
}
