package placement_test

import (
	"context"
	"os"
	"strings"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/placement"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func engine(t testing.TB) *placement.Engine {
	t.Helper()
	rb, err := wk.Reference()
	require.NoError(t, err)
	e, err := placement.New(rb)
	require.NoError(t, err)
	return e
}

func d(s string) wk.Date { return wk.MustParseDate(s) }

func request(userType, region, activity string) *dossier.Request {
	return &dossier.Request{Date: d("2024-03-20"), Minutes: 120, User: dossier.User{Type: userType, Region: region, Municipality: "Gent"}, Activity: activity}
}

// The reference catalogue per user type (docs/regulation.md, activities),
// with the eight activities added from organisers' public pages.
func TestActivityCatalogue(t *testing.T) {
	e := engine(t)
	catalogue := map[string][]string{
		"private": {"light_garden_maintenance", "small_home_repairs", "childcare_supervision", "household_help", "companionship", "pet_sitting", "furniture_assembly", "grave_maintenance",
			"transport_of_persons", "homework_help", "moving_help"},
		"school": {"school_supervision", "bus_accompaniment", "school_logistics", "meal_distribution"},
		"municipality": {"event_logistics", "library_support", "litter_picking", "crossing_guard", "reception_backup", "meal_distribution", "hygiene_measures",
			"event_stewarding", "flyer_distribution", "community_warden", "winter_shelter_help", "disaster_help"},
		"ocmw": {"event_logistics", "library_support", "litter_picking", "crossing_guard", "reception_backup", "meal_distribution", "hygiene_measures",
			"event_stewarding", "flyer_distribution", "community_warden", "winter_shelter_help", "disaster_help"},
		"nonprofit": {"cafeteria_support", "logistics_support", "administrative_support", "meal_distribution",
			"event_stewarding", "flyer_distribution", "winter_shelter_help", "disaster_help"},
		"agriculture": {"seasonal_help", "packing"},
	}
	all := map[string]bool{}
	for _, acts := range catalogue {
		for _, a := range acts {
			all[a] = true
		}
	}
	for userType, acts := range catalogue {
		for a := range all {
			want := false
			for _, x := range acts {
				want = want || x == a
			}
			got, err := e.Decide(d("2024-03-20"), &dossier.Case{Request: request(userType, "flanders", a)})
			require.NoError(t, err)
			assert.Equal(t, want, got.Allowed, "%s asks for %s", userType, a)
			if !want {
				assert.Equal(t, []string{"activity_not_allowed_for_user_type"}, wk.Codes(got.Reasons), "%s %s", userType, a)
			}
			assert.ElementsMatch(t, acts, got.Catalogue, userType)
		}
	}
}

func TestActivityReasons(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct {
		name      string
		req       *dossier.Request
		organiser []string
		want      []string
	}{
		{"allowed", request("private", "flanders", "pet_sitting"), nil, []string{}},
		{"organiser offers it", request("private", "flanders", "pet_sitting"), []string{"pet_sitting", "household_help"}, []string{}},
		{"organiser does not offer it", request("private", "flanders", "pet_sitting"), []string{"household_help"}, []string{"activity_not_offered_by_organiser"}},
		{"in Brussels", request("private", "brussels", "pet_sitting"), nil, []string{"user_outside_flanders"}},
		{"in Wallonia, a school job for a private user", request("private", "wallonia", "bus_accompaniment"), nil, []string{"user_outside_flanders", "activity_not_allowed_for_user_type"}},
		{"every reason at once", request("agriculture", "abroad", "pet_sitting"), []string{"packing"}, []string{"user_outside_flanders", "activity_not_allowed_for_user_type", "activity_not_offered_by_organiser"}},
		{"an unknown activity", request("school", "flanders", "window_cleaning"), nil, []string{"activity_not_allowed_for_user_type"}},
	} {
		c := &dossier.Case{Request: tc.req}
		if tc.organiser != nil {
			c.Organiser = &dossier.Organiser{Activities: tc.organiser}
		}
		got, err := e.Decide(d("2024-03-20"), c)
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, wk.Codes(got.Reasons), tc.name)
		assert.Equal(t, len(tc.want) == 0, got.Allowed, tc.name)
	}
}

func TestActivityNeedsItsFields(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct {
		req  *dossier.Request
		want string
	}{
		{&dossier.Request{User: dossier.User{Type: "private", Region: "flanders"}}, "case.request.activity"},
		{&dossier.Request{User: dossier.User{Region: "flanders"}, Activity: "pet_sitting"}, "case.request.user.type"},
		{&dossier.Request{User: dossier.User{Type: "private"}, Activity: "pet_sitting"}, "case.request.user.region"},
		{&dossier.Request{User: dossier.User{Type: "company", Region: "flanders"}, Activity: "pet_sitting"}, "nonprofit"},
	} {
		_, err := e.Decide(d("2024-03-20"), &dossier.Case{Request: tc.req})
		var ce *dossier.CaseError
		require.ErrorAs(t, err, &ce)
		assert.Contains(t, err.Error(), tc.want)
	}
	_, err := e.Decide(d("2017-12-31"), &dossier.Case{Request: request("private", "flanders", "pet_sitting")})
	var nf *wk.NotInForceError
	require.ErrorAs(t, err, &nf)
	assert.Contains(t, err.Error(), "2017-12-31")
}

func worker() *dossier.Case {
	return &dossier.Case{
		Person:     &dossier.Person{DomicileRegion: "flanders", RegisteredJobseeker: true, Income: "unemployment_benefit"},
		Trajectory: &dossier.Trajectory{Start: d("2024-01-08"), Hours: map[string]int{"2024-03": 50}},
	}
}

// An assignment check gives every reason, from every area.
func TestCheckAssignment(t *testing.T) {
	e := engine(t)
	ok := worker()
	ok.Request = request("private", "flanders", "pet_sitting")
	got, err := e.CheckAssignment(d("2024-03-20"), ok)
	require.NoError(t, err)
	assert.True(t, got.Allowed)
	assert.Equal(t, []string{}, wk.Codes(got.Reasons))

	bad := worker()
	bad.Person.InterimDaysLast28 = 11
	bad.Trajectory.Hours["2024-03"] = 59
	bad.Request = request("school", "brussels", "pet_sitting")
	got, err = e.CheckAssignment(d("2024-03-20"), bad)
	require.NoError(t, err)
	assert.False(t, got.Allowed)
	assert.Equal(t, []string{"interim_limit_exceeded", "month_limit", "user_outside_flanders", "activity_not_allowed_for_user_type"}, wk.Codes(got.Reasons))

	early := worker()
	early.Request = request("private", "flanders", "pet_sitting")
	early.Request.Date = d("2024-01-07")
	got, err = e.CheckAssignment(d("2024-01-07"), early)
	require.NoError(t, err)
	assert.Equal(t, []string{"trajectory_not_started"}, wk.Codes(got.Reasons))

	late := worker()
	late.Request = request("private", "flanders", "pet_sitting")
	late.Request.Date = d("2025-01-08")
	got, err = e.CheckAssignment(d("2025-01-08"), late)
	require.NoError(t, err)
	assert.Equal(t, []string{"trajectory_ended"}, wk.Codes(got.Reasons))

	noTrajectory := worker()
	noTrajectory.Trajectory = nil
	noTrajectory.Request = request("private", "flanders", "pet_sitting")
	_, err = e.CheckAssignment(d("2024-03-20"), noTrajectory)
	assert.ErrorContains(t, err, "case.trajectory.start")
}

// Gemeenschapsdienst (docs/modelling-decisions.md MD 10).
func TestCommunityServicePerson(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct {
		name, date, income, since string
		want                      []string
	}{
		{"two years to the day", "2023-03-01", "unemployment_benefit", "2021-03-01", []string{}},
		{"a day short of two years", "2023-02-28", "unemployment_benefit", "2021-03-01", []string{"jobseeking_less_than_two_years"}},
		{"since 29 February: two years end on 28 February (clamped)", "2026-02-28", "unemployment_benefit", "2024-02-29", []string{}},
		{"since 29 February: the day before", "2026-02-27", "unemployment_benefit", "2024-02-29", []string{"jobseeking_less_than_two_years"}},
		{"long ago", "2023-02-28", "unemployment_benefit", "2020-12-31", []string{}},
		{"no jobseeking date", "2024-01-01", "unemployment_benefit", "", []string{"jobseeking_less_than_two_years"}},
		{"leefloon", "2024-01-01", "leefloon", "2019-01-01", []string{"not_on_unemployment_benefit"}},
		{"none and too short", "2024-01-01", "none", "2023-01-01", []string{"not_on_unemployment_benefit", "jobseeking_less_than_two_years"}},
		{"before 2023", "2022-12-31", "unemployment_benefit", "2019-01-01", []string{"before_community_service_start"}},
		{"first day", "2023-01-01", "unemployment_benefit", "2019-01-01", []string{}},
	} {
		p := &dossier.Person{Income: tc.income}
		if tc.since != "" {
			p.JobseekingSince = d(tc.since)
		}
		got, err := e.CommunityService(d(tc.date), &dossier.Case{Person: p})
		require.NoError(t, err, tc.name)
		require.NotNil(t, got.Eligible)
		assert.Equal(t, len(tc.want) == 0, *got.Eligible, tc.name)
		assert.Equal(t, tc.want, wk.Codes(got.Reasons), tc.name)
		assert.Nil(t, got.PlanValid, tc.name)
	}
}

func plan() *dossier.CommunityService {
	return &dossier.CommunityService{Start: d("2023-09-01"), End: d("2024-02-29"), HoursPerMonth: 48,
		HostType: "municipality", MentorCertified: true, FicheSignedBy: "hr_manager"}
}

func TestCommunityServicePlan(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct {
		name      string
		change    func(p *dossier.CommunityService)
		want      []string
		allowance string
	}{
		{"the design's plan", func(p *dossier.CommunityService) {}, []string{}, "62.40"},
		{"32 hours", func(p *dossier.CommunityService) { p.HoursPerMonth = 32 }, []string{}, "41.60"},
		{"31 hours", func(p *dossier.CommunityService) { p.HoursPerMonth = 31 }, []string{"hours_below_minimum"}, "40.30"},
		{"64 hours", func(p *dossier.CommunityService) { p.HoursPerMonth = 64 }, []string{}, "83.20"},
		{"65 hours", func(p *dossier.CommunityService) { p.HoursPerMonth = 65 }, []string{"hours_above_maximum"}, "84.50"},
		{"six months to the day before", func(p *dossier.CommunityService) { p.Start, p.End = d("2023-09-01"), d("2024-02-29") }, []string{}, "62.40"},
		{"a day more", func(p *dossier.CommunityService) { p.Start, p.End = d("2023-09-01"), d("2024-03-01") }, []string{"duration_too_long"}, "62.40"},
		{"from 31 August: the end clamps", func(p *dossier.CommunityService) { p.Start, p.End = d("2023-08-31"), d("2024-02-28") }, []string{}, "62.40"},
		{"a school hosts", func(p *dossier.CommunityService) { p.HostType = "school" }, []string{}, "62.40"},
		{"a private person cannot host", func(p *dossier.CommunityService) { p.HostType = "private" }, []string{"host_type_not_allowed"}, "62.40"},
		{"a farm cannot host", func(p *dossier.CommunityService) { p.HostType = "agriculture" }, []string{"host_type_not_allowed"}, "62.40"},
		{"uncertified mentor", func(p *dossier.CommunityService) { p.MentorCertified = false }, []string{"mentor_not_certified"}, "62.40"},
		{"signed by the mentor alone", func(p *dossier.CommunityService) { p.FicheSignedBy = "mentor" }, []string{"fiche_not_validly_signed"}, "62.40"},
		{"not signed", func(p *dossier.CommunityService) { p.FicheSignedBy = "" }, []string{"fiche_not_validly_signed"}, "62.40"},
		{"signed by the direct supervisor", func(p *dossier.CommunityService) { p.FicheSignedBy = "direct_supervisor" }, []string{}, "62.40"},
		{"signed by the general director", func(p *dossier.CommunityService) { p.FicheSignedBy = "general_director" }, []string{}, "62.40"},
	} {
		p := plan()
		tc.change(p)
		got, err := e.CommunityService(d("2023-09-01"), &dossier.Case{CommunityService: p})
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, wk.Codes(got.Reasons), tc.name)
		assert.Equal(t, len(tc.want) == 0, *got.PlanValid, tc.name)
		assert.True(t, decimal.RequireFromString(tc.allowance).Equal(*got.Allowance), "%s: allowance %s", tc.name, got.Allowance)
		assert.Nil(t, got.Eligible, "no person")
	}
	// Before 2023 the plan cannot be valid, and pays nothing.
	got, err := e.CommunityService(d("2022-06-01"), &dossier.Case{CommunityService: plan(), Person: &dossier.Person{Income: "unemployment_benefit"}})
	require.NoError(t, err)
	assert.False(t, *got.PlanValid)
	assert.False(t, *got.Eligible)
	assert.True(t, got.Allowance.IsZero())
	assert.Equal(t, []string{"before_community_service_start"}, wk.Codes(got.Reasons), "the code once")
}

func TestMatch(t *testing.T) {
	e := engine(t)
	km := func(s string) *decimal.Decimal { v := decimal.RequireFromString(s); return &v }
	mk := func(mutate func(c *dossier.Case)) *dossier.Case {
		c := worker()
		c.Trajectory.Hours = map[string]int{}
		mutate(c)
		return c
	}
	cands := []placement.Candidate{
		{ID: "far-pref", Case: mk(func(*dossier.Case) {}), PreferredActivities: []string{"pet_sitting"}, DistanceKm: km("12")},
		{ID: "near-pref", Case: mk(func(*dossier.Case) {}), PreferredActivities: []string{"pet_sitting"}, DistanceKm: km("3")},
		{ID: "local", Case: mk(func(*dossier.Case) {}), Municipality: "Gent"},
		{ID: "near-busy", Case: mk(func(c *dossier.Case) { c.Trajectory.Hours["2024-03"] = 55 }), DistanceKm: km("1")},
		{ID: "near-free", Case: mk(func(*dossier.Case) {}), DistanceKm: km("1")},
		{ID: "unknown", Case: mk(func(*dossier.Case) {})},
		{ID: "b-tie", Case: mk(func(*dossier.Case) {})},
		{ID: "exhausted", Case: mk(func(c *dossier.Case) { c.Trajectory.Hours["2024-03"] = 60 }), DistanceKm: km("0.5")},
		{ID: "ineligible", Case: mk(func(c *dossier.Case) { c.Person.DomicileRegion = "brussels" }), PreferredActivities: []string{"pet_sitting"}},
		{ID: "ended", Case: mk(func(c *dossier.Case) { c.Trajectory.Start = d("2023-01-01") })},
		{ID: "broken", Case: mk(func(c *dossier.Case) { c.Person.Income = "salary" })},
	}
	a := placement.Assignment{Date: d("2024-03-20"), User: dossier.User{Type: "private", Region: "flanders", Municipality: "Gent"}, Activity: "pet_sitting", HoursPerMonth: 8}
	r, err := e.Match(context.Background(), a, cands)
	require.NoError(t, err)
	var order []string
	for _, x := range r.Ranked {
		order = append(order, x.ID)
	}
	assert.Equal(t, []string{"near-pref", "far-pref", "local", "near-free", "near-busy", "b-tie", "unknown", "broken", "ended", "exhausted", "ineligible"}, order)
	byID := map[string]placement.Ranked{}
	for _, x := range r.Ranked {
		byID[x.ID] = x
	}
	assert.Equal(t, 1, byID["near-pref"].Rank)
	assert.Equal(t, 5, byID["near-busy"].Headroom)
	assert.Contains(t, byID["near-busy"].Explanation, "5 of 8 hours free this month")
	assert.Equal(t, []string{"month_limit"}, wk.Codes(byID["exhausted"].Reasons))
	assert.Equal(t, []string{"not_domiciled_in_flanders"}, wk.Codes(byID["ineligible"].Reasons))
	assert.Equal(t, []string{"trajectory_ended"}, wk.Codes(byID["ended"].Reasons))
	assert.Contains(t, byID["broken"].Error, "salary")
	assert.True(t, byID["exhausted"].Excluded)
	assert.Equal(t, 0, byID["exhausted"].Rank)

	// The same candidates in another order give the same ranking.
	rev := append([]placement.Candidate(nil), cands...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	r2, err := e.Match(context.Background(), a, rev)
	require.NoError(t, err)
	assert.Equal(t, r.Ranked, r2.Ranked)

	// An activity the user may not have done excludes everyone.
	a.Activity = "packing"
	r3, err := e.Match(context.Background(), a, cands[:2])
	require.NoError(t, err)
	assert.True(t, r3.Ranked[0].Excluded && r3.Ranked[1].Excluded)
	assert.Equal(t, []string{"activity_not_allowed_for_user_type"}, wk.Codes(r3.Ranked[0].Reasons))

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = e.Match(ctx, a, cands)
	assert.ErrorIs(t, err, context.Canceled)
}

// The Opwijk learning workplaces of seed 000: six places in five unique
// workplaces, three trained mentors.
func TestOpwijkProof(t *testing.T) {
	e := engine(t)
	read := func(name string) *placement.Register {
		data, err := os.ReadFile("../testdata/workplaces/" + name)
		require.NoError(t, err)
		r, err := placement.ParseRegister(name, data)
		require.NoError(t, err)
		return r
	}
	rep, err := e.Proof(d("2023-07-15"), read("opwijk.yaml"))
	require.NoError(t, err)
	assert.Equal(t, 6, rep.Places)
	assert.Len(t, rep.Unique, 5)
	assert.Equal(t, 2, rep.Unique[0].Places, "'t Kapstokske's two shop places are one workplace")
	assert.Len(t, rep.Mentors, 3)
	assert.Len(t, rep.Missing, 8, "five fiches and three certificates")
	assert.False(t, rep.Complete)
	assert.Contains(t, rep.Missing, "fiche for winkelmedewerker at 't Kapstokske: none")
	assert.Contains(t, rep.Missing, `certificate of participation of mentor "mentor 2"`)

	rep, err = e.Proof(d("2023-07-15"), read("opwijk-complete.yaml"))
	require.NoError(t, err)
	assert.True(t, rep.Complete, "%v", rep.Missing)
	assert.Equal(t, 3, rep.Mentors[2].Supervising)

	// A fiche signed by the mentor alone is not proof; nor is a mentor who
	// is not in the register or not trained.
	r := read("opwijk-complete.yaml")
	r.Workplaces[1].FicheSignedBy = "mentor"
	r.Workplaces[2].Mentor = "mentor 4"
	r.Mentors[0].Trained, r.Mentors[0].Certificate = false, wk.Date{}
	rep, err = e.Proof(d("2023-07-15"), r)
	require.NoError(t, err)
	assert.Equal(t, []string{
		"fiche for medewerker groendienst at Groendienst: signed by mentor; it must be signed by one of direct_supervisor, hr_manager, general_director",
		`mentor training of "mentor 1", who supervises 1 workplace(s)`,
		`mentor "mentor 4" of logistiek medewerker dagopvang at dagopvang is not in the register`,
	}, rep.Missing)
}

func TestParseRegisterErrors(t *testing.T) {
	_, err := placement.ParseRegister("r.yaml", []byte("authority: X\nworkplaces:\n  - {function: a, servise: b, places: 1}\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "r.yaml")
	assert.Contains(t, err.Error(), "line 3")
	_, err = placement.ParseRegister("r.yaml", []byte("workplaces:\n  - {function: a, service: b, places: 0}\n"))
	require.Error(t, err)
	assert.True(t, strings.Contains(err.Error(), "missing authority") && strings.Contains(err.Error(), "places 0"), err.Error())
	_, err = placement.ParseRegister("r.yaml", []byte("authority: X\nmentors: [{name: m, certificate: 2023-02-30}]\n"))
	assert.Error(t, err)
}

// An analyst's reform adds an activity for private users from 2027.
func TestReformAddsAnActivity(t *testing.T) {
	rb, _ := wk.Reference()
	rf, err := wk.ParseReform("window.yaml", []byte(`
reform: window cleaning for private users from 2027
cite: test
set:
  - param: placement.activities_private
    from: 2027-01-01
    value: [light_garden_maintenance, small_home_repairs, childcare_supervision, household_help, companionship, pet_sitting, furniture_assembly, grave_maintenance, window_cleaning]
`))
	require.NoError(t, err)
	rb2, err := rb.Reform(rf)
	require.NoError(t, err)
	e, err := placement.New(rb2)
	require.NoError(t, err)
	for date, want := range map[string]bool{"2026-12-31": false, "2027-01-01": true} {
		req := request("private", "flanders", "window_cleaning")
		req.Date = d(date)
		got, err := e.Decide(d(date), &dossier.Case{Request: req})
		require.NoError(t, err)
		assert.Equal(t, want, got.Allowed, date)
	}
}

func FuzzParseRegister(f *testing.F) {
	data, err := os.ReadFile("../testdata/workplaces/opwijk-complete.yaml")
	require.NoError(f, err)
	f.Add(string(data))
	f.Add("authority: X\nmentors: [{name: m, certificate: 2023-02-30}]\n")
	f.Add("workplaces: [{places: -1}]")
	e := engine(f)
	f.Fuzz(func(t *testing.T, s string) {
		r, err := placement.ParseRegister("fuzz.yaml", []byte(s))
		if err != nil {
			return
		}
		if _, err := e.Proof(d("2024-01-01"), r); err != nil {
			t.Fatal(err)
		}
	})
}
