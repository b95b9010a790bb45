package eligibility_test

import (
	"sync"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/eligibility"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func engine(t testing.TB) *eligibility.Engine {
	t.Helper()
	rb, err := wk.Reference()
	require.NoError(t, err)
	e, err := eligibility.New(rb)
	require.NoError(t, err)
	return e
}

var day = wk.MustParseDate("2024-03-01")

func TestDecideTable(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct {
		name     string
		person   dossier.Person
		house    *dossier.Household
		eligible bool
		referrer string
		reasons  []string
	}{
		{"jobseeker on benefit", dossier.Person{DomicileRegion: "flanders", RegisteredJobseeker: true, Income: "unemployment_benefit"}, nil, true, "vdab", nil},
		{"leefloon, not registered", dossier.Person{DomicileRegion: "flanders", Income: "leefloon"}, nil, true, "ocmw", nil},
		{"benefit, not registered", dossier.Person{DomicileRegion: "flanders", Income: "unemployment_benefit"}, nil, false, "vdab", []string{"not_registered_jobseeker"}},
		{"Brussels", dossier.Person{DomicileRegion: "brussels", RegisteredJobseeker: true, Income: "none"}, nil, false, "vdab", []string{"not_domiciled_in_flanders"}},
		{"interim 10", dossier.Person{DomicileRegion: "flanders", RegisteredJobseeker: true, Income: "none", InterimDaysLast28: 10}, nil, true, "vdab", nil},
		{"interim 11", dossier.Person{DomicileRegion: "flanders", RegisteredJobseeker: true, Income: "none", InterimDaysLast28: 11}, nil, false, "vdab", []string{"interim_limit_exceeded"}},
		{"household option A", dossier.Person{DomicileRegion: "flanders", RegisteredJobseeker: true, Income: "none"},
			&dossier.Household{Partner: dossier.Partner{Income: "leefloon"}, OCMWOption: "refer_both", VDABConsulted: true}, true, "ocmw", nil},
		{"household option B", dossier.Person{DomicileRegion: "flanders", RegisteredJobseeker: true, Income: "none"},
			&dossier.Household{Partner: dossier.Partner{Income: "leefloon"}, OCMWOption: "ask_vdab", VDABConsulted: true}, true, "vdab", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.person
			d, err := e.Decide(day, &dossier.Case{Person: &p, Household: tc.house})
			require.NoError(t, err)
			assert.Equal(t, tc.eligible, d.Eligible)
			assert.Equal(t, tc.referrer, d.Referrer)
			assert.Equal(t, tc.reasons, nilIfEmpty(wk.Codes(d.Reasons)))
			for _, r := range d.Reasons {
				assert.NotEmpty(t, r.Message.NL)
				assert.NotEmpty(t, r.Message.EN)
				assert.NotEmpty(t, r.Cite)
			}
		})
	}
}

func nilIfEmpty(s []string) []string {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestDecideBadInput(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct {
		name string
		c    *dossier.Case
		want string
	}{
		{"no case", nil, "case.person: missing (needed for eligibility)"},
		{"no person", &dossier.Case{}, "case.person: missing"},
		{"no income", &dossier.Case{Person: &dossier.Person{DomicileRegion: "flanders"}}, "case.person.income: missing"},
		{"unknown income", &dossier.Case{Person: &dossier.Person{DomicileRegion: "flanders", Income: "salary"}},
			`case.person.income: unknown value "salary" (allowed: unemployment_benefit, leefloon, leefloon_equivalent, none)`},
		{"negative interim", &dossier.Case{Person: &dossier.Person{DomicileRegion: "flanders", Income: "none", InterimDaysLast28: -1}}, "is negative"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.Decide(day, tc.c)
			var ce *dossier.CaseError
			require.ErrorAs(t, err, &ce)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	_, err := e.Decide(wk.MustParseDate("2017-12-31"), &dossier.Case{Person: &dossier.Person{DomicileRegion: "flanders", Income: "none"}})
	var nf *wk.NotInForceError
	require.ErrorAs(t, err, &nf)
	assert.Contains(t, err.Error(), "2017-12-31")
}

func TestTrace(t *testing.T) {
	e := engine(t)
	d, err := e.Decide(day, &dossier.Case{Person: &dossier.Person{DomicileRegion: "flanders", Income: "none", RegisteredJobseeker: true, InterimDaysLast28: 12}}, wk.WithTrace())
	require.NoError(t, err)
	require.NotNil(t, d.Trace)
	var ids []string
	for _, s := range d.Trace.Steps {
		ids = append(ids, s.Rule)
		assert.NotEmpty(t, s.Cite)
	}
	assert.Equal(t, []string{"eligibility.domicile", "eligibility.registration", "eligibility.social_economy", "eligibility.faster_route", "eligibility.interim", "eligibility.medical_adviser_consent", "eligibility.referrer"}, ids)
	interim := d.Trace.Steps[4]
	require.Len(t, interim.Params, 1)
	assert.Equal(t, "eligibility.interim_days_max", interim.Params[0].ID)
	assert.Equal(t, "10", interim.Params[0].Value.String())
	assert.True(t, *interim.Fired)
}

func TestReformChangesTheDecision(t *testing.T) {
	rb, err := wk.Reference()
	require.NoError(t, err)
	rf, err := wk.ParseReform("r.yaml", []byte("reform: 15 interim days\ncite: test\nset: [{param: eligibility.interim_days_max, from: 2025-01-01, value: 15}]\n"))
	require.NoError(t, err)
	nrb, err := rb.Reform(rf)
	require.NoError(t, err)
	e, err := eligibility.New(nrb)
	require.NoError(t, err)
	c := &dossier.Case{Person: &dossier.Person{DomicileRegion: "flanders", Income: "none", RegisteredJobseeker: true, InterimDaysLast28: 12}}
	before, err := e.Decide(wk.MustParseDate("2024-12-31"), c)
	require.NoError(t, err)
	after, err := e.Decide(wk.MustParseDate("2025-01-01"), c)
	require.NoError(t, err)
	assert.False(t, before.Eligible)
	assert.True(t, after.Eligible)
}

func TestBrokenReformRuleFailsNew(t *testing.T) {
	rb, err := wk.Reference()
	require.NoError(t, err)
	rf, err := wk.ParseReform("r.yaml", []byte("reform: typo\ncite: test\nreplace_rules:\n  - id: eligibility.interim\n    when: person.interim_days > 3\n"))
	require.NoError(t, err)
	nrb, err := rb.Reform(rf)
	require.NoError(t, err) // types are checked by the area
	_, err = eligibility.New(nrb)
	var le *wk.LoadError
	require.ErrorAs(t, err, &le)
	assert.Contains(t, err.Error(), "r.yaml:5")
	assert.Contains(t, err.Error(), "eligibility.interim")
	assert.Contains(t, err.Error(), "interim_days")
}

func TestConcurrentDecisionsMatchSequential(t *testing.T) {
	e := engine(t)
	cases := []*dossier.Case{
		{Person: &dossier.Person{DomicileRegion: "flanders", Income: "leefloon"}},
		{Person: &dossier.Person{DomicileRegion: "wallonia", Income: "none", InterimDaysLast28: 20}},
		{Person: &dossier.Person{DomicileRegion: "flanders", Income: "none", RegisteredJobseeker: true},
			Household: &dossier.Household{Partner: dossier.Partner{Income: "leefloon"}, OCMWOption: "refer_both", VDABConsulted: true}},
	}
	want := make([]*eligibility.Decision, len(cases))
	for i, c := range cases {
		d, err := e.Decide(day, c)
		require.NoError(t, err)
		want[i] = d
	}
	var wg sync.WaitGroup
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 200; n++ {
				i := (g + n) % len(cases)
				d, err := e.Decide(day, cases[i])
				if !assert.NoError(t, err) || !assert.Equal(t, want[i], d) {
					return
				}
			}
		}()
	}
	wg.Wait()
}
