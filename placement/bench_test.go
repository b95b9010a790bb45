package placement_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/internal/benchpair"
	"github.com/openwijkwerken/wijkwerken/placement"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// population builds n varied candidates, deterministically.
func population(n int) []placement.Candidate {
	rng := rand.New(rand.NewPCG(1, 2))
	regions := []string{"flanders", "flanders", "flanders", "flanders", "brussels"}
	incomes := []string{"unemployment_benefit", "leefloon", "none", "unemployment_benefit"}
	towns := []string{"Gent", "Aalst", "Lokeren", "Deinze"}
	acts := []string{"light_garden_maintenance", "pet_sitting", "household_help", "small_home_repairs"}
	out := make([]placement.Candidate, n)
	for i := range out {
		start := wk.MustParseDate("2023-04-01").AddDays(rng.IntN(400))
		c := &dossier.Case{
			Person: &dossier.Person{DomicileRegion: regions[rng.IntN(len(regions))], RegisteredJobseeker: rng.IntN(10) > 0,
				Income: incomes[rng.IntN(len(incomes))], InterimDaysLast28: rng.IntN(13)},
			Trajectory: &dossier.Trajectory{Start: start, Hours: map[string]int{"2024-03": rng.IntN(61), "2024-02": rng.IntN(61)}},
		}
		cand := placement.Candidate{ID: fmt.Sprintf("w%05d", i), Case: c, Municipality: towns[rng.IntN(len(towns))],
			PreferredActivities: []string{acts[rng.IntN(len(acts))]}}
		if rng.IntN(2) == 0 {
			km := decimal.New(int64(rng.IntN(300)), -1)
			cand.DistanceKm = &km
		}
		out[i] = cand
	}
	return out
}

var benchAssignment = placement.Assignment{Date: wk.MustParseDate("2024-03-20"), Activity: "light_garden_maintenance", HoursPerMonth: 8,
	User: dossier.User{Type: "private", Region: "flanders", Municipality: "Gent"}}

// handMatch is the same ranking written directly in Go, parameters read
// once per ranking: the baseline the rules engine is measured against.
func handMatch(rb *wk.Rulebook, a placement.Assignment, cands []placement.Candidate) []string {
	p := func(id string) wk.Value { v, _ := rb.Param(id, a.Date); return v }
	regions, exempt := p("eligibility.domicile_regions").List(), p("eligibility.registration_exempt_incomes").List()
	interimMax, months := p("eligibility.interim_days_max").Int(), p("trajectory.max_months").Int()
	monthMax, yearMax := p("hours.per_month_max").Int(), p("hours.per_year_max").Int()
	type row struct {
		id       string
		pref     bool
		km       *decimal.Decimal
		headroom int
	}
	var rows []row
	key, year := a.Date.MonthKey(), a.Date.MonthKey()[:4]
	for _, c := range cands {
		per := c.Case.Person
		t := c.Case.Trajectory
		if !slices.Contains(regions, per.DomicileRegion) || (!per.RegisteredJobseeker && !slices.Contains(exempt, per.Income)) ||
			per.SocialEconomyHighest || per.FasterRouteAvailable || per.InterimDaysLast28 > interimMax {
			continue
		}
		if a.Date.Before(t.Start) || a.Date.After(t.Start.PeriodEnd(months)) {
			continue
		}
		m, y := 0, 0
		for k, h := range t.Hours {
			if k == key {
				m += h
			}
			if k[:4] == year {
				y += h
			}
		}
		head := min(max(0, monthMax-m), max(0, yearMax-y), a.HoursPerMonth)
		if head == 0 {
			continue
		}
		r := row{id: c.ID, pref: slices.Contains(c.PreferredActivities, a.Activity), headroom: head, km: c.DistanceKm}
		if r.km == nil && c.Municipality == a.User.Municipality {
			z := decimal.Zero
			r.km = &z
		}
		rows = append(rows, r)
	}
	sort.Slice(rows, func(i, j int) bool {
		x, y := rows[i], rows[j]
		if x.pref != y.pref {
			return x.pref
		}
		switch {
		case x.km != nil && y.km == nil:
			return true
		case x.km == nil && y.km != nil:
			return false
		case x.km != nil && y.km != nil && !x.km.Equal(*y.km):
			return x.km.LessThan(*y.km)
		}
		if x.headroom != y.headroom {
			return x.headroom > y.headroom
		}
		return x.id < y.id
	})
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.id
	}
	return ids
}

// TestHandMatchAgrees keeps the baseline honest: the same candidates, in
// the same order.
func TestHandMatchAgrees(t *testing.T) {
	e := engine(t)
	cands := population(2000)
	r, err := e.Match(context.Background(), benchAssignment, cands)
	require.NoError(t, err)
	var got []string
	for _, x := range r.Ranked {
		if !x.Excluded {
			got = append(got, x.ID)
		}
	}
	rb, _ := wk.Reference()
	want := handMatch(rb, benchAssignment, cands)
	require.Greater(t, len(want), 200, "the population must have candidates to rank")
	require.Less(t, len(want), 1800, "and candidates to exclude")
	require.Equal(t, want, got)
}

// BenchmarkMatch ranks 10 000 candidates for one assignment through the
// rules, beside the hand-written ranking in the same run; both report
// candidates/s.
func BenchmarkMatch(b *testing.B) {
	cands := population(10_000)
	b.Run("rules", func(b *testing.B) {
		e := engine(b)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := e.Match(context.Background(), benchAssignment, cands); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N*len(cands))/b.Elapsed().Seconds(), "candidates/s")
	})
	b.Run("handwritten", func(b *testing.B) {
		rb, _ := wk.Reference()
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			_ = handMatch(rb, benchAssignment, cands)
		}
		b.ReportMetric(float64(b.N*len(cands))/b.Elapsed().Seconds(), "candidates/s")
	})
	// Both alternately, for a ratio from one machine state.
	b.Run("pair", func(b *testing.B) {
		rb, _ := wk.Reference()
		e := engine(b)
		benchpair.RunRounds(b, 1, "handwritten", func(int) { _ = handMatch(rb, benchAssignment, cands) }, "rules", func(int) {
			if _, err := e.Match(context.Background(), benchAssignment, cands); err != nil {
				b.Fatal(err)
			}
		})
	})
}
