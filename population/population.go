// Package population generates synthetic, deterministic populations of
// wijk-werk cases for analysts and benchmarks: realistic and varied cases
// across every area (eligibility, trajectory and hours, vouchers, placement,
// gemeenschapsdienst), the same for the same seed.
//
// The activity codes come from the rulebook's catalogue, so a population
// follows the rulebook it is made for. The mix of cases is not regulation:
// it only aims to exercise every rule, with most cases ordinary and some at
// the edges.
package population

import (
	"fmt"
	"math/rand/v2"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/shopspring/decimal"
)

// Record is one case of a population with its decision date: the JSON line
// the bulk evaluation reads.
type Record struct {
	ID   string        `json:"id"`
	Date wk.Date       `json:"date"`
	Case *dossier.Case `json:"case"`
}

// Generator makes cases. It is not safe for concurrent use; make one per
// goroutine.
type Generator struct {
	rng     *rand.Rand
	date    wk.Date
	acts    map[string][]string
	types   []string
	n       int
	minDate wk.Date
	// priceMin and priceMax are the cheque price band on the date, in cents.
	priceMin, priceMax int
	priceTop           decimal.Decimal
}

// catalogueParams maps user types to the rulebook's catalogue parameters.
var catalogueParams = map[string]string{
	"private": "placement.activities_private", "school": "placement.activities_school",
	"municipality": "placement.activities_municipality", "ocmw": "placement.activities_ocmw",
	"nonprofit": "placement.activities_nonprofit", "agriculture": "placement.activities_agriculture",
}

// New returns a generator of cases decided around date (each case's own date
// lies in the year before it), seeded with seed. The activity codes are the
// rulebook's catalogue on date.
func New(rb *wk.Rulebook, date wk.Date, seed uint64) (*Generator, error) {
	g := &Generator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), date: date, acts: map[string][]string{},
		minDate: rb.Earliest("")}
	for _, t := range dossier.UserTypes() {
		id, ok := catalogueParams[t]
		if !ok {
			continue
		}
		v, err := rb.Param(id, date)
		if err != nil {
			return nil, fmt.Errorf("population: %w", err)
		}
		g.acts[t] = v.List()
		g.types = append(g.types, t)
	}
	if len(g.types) == 0 {
		return nil, fmt.Errorf("population: the rulebook has no activity catalogue")
	}
	lo, err := rb.Param("vouchers.price_min", date)
	if err != nil {
		return nil, fmt.Errorf("population: %w", err)
	}
	hi, err := rb.Param("vouchers.price_max", date)
	if err != nil {
		return nil, fmt.Errorf("population: %w", err)
	}
	g.priceTop = hi.Decimal()
	g.priceMin, g.priceMax = int(lo.Decimal().Shift(2).IntPart()), int(hi.Decimal().Shift(2).IntPart())
	return g, nil
}

func (g *Generator) pick(xs []string) string { return xs[g.rng.IntN(len(xs))] }

// chance is true with probability p percent.
func (g *Generator) chance(p int) bool { return g.rng.IntN(100) < p }

func (g *Generator) day(from wk.Date, days int) wk.Date {
	d := from.AddDays(g.rng.IntN(days + 1))
	if d.Before(g.minDate) {
		return g.minDate
	}
	return d
}

func (g *Generator) money(lo, hi int) decimal.Decimal {
	return decimal.New(int64(lo+g.rng.IntN(hi-lo+1)), -2)
}

// Next returns the next record.
func (g *Generator) Next() Record {
	g.n++
	date := g.day(g.date.AddDays(-365), 365)
	c := &dossier.Case{}
	r := Record{ID: fmt.Sprintf("c%07d", g.n), Date: date, Case: c}

	c.Person = &dossier.Person{
		DomicileRegion:       g.pick([]string{"flanders", "flanders", "flanders", "flanders", "flanders", "flanders", "brussels", "wallonia"}),
		RegisteredJobseeker:  g.chance(85),
		Income:               g.pick([]string{"unemployment_benefit", "unemployment_benefit", "leefloon", "leefloon_equivalent", "none"}),
		JobseekingSince:      g.day(date.AddDays(-6*365), 6*365),
		SocialEconomyHighest: g.chance(5),
		FasterRouteAvailable: g.chance(5),
		PWAAgreement:         g.chance(4),
		InterimDaysLast28:    g.sometimes(10, 15),
	}
	if c.Person.Income == "none" && g.chance(40) {
		c.Household = &dossier.Household{Partner: dossier.Partner{Income: g.pick([]string{"leefloon", "unemployment_benefit"}), RegisteredJobseeker: g.chance(50)},
			OCMWOption: g.pick([]string{"refer_both", "ask_vdab"}), VDABConsulted: g.chance(80)}
	}
	if g.chance(80) {
		start := g.day(date.AddDays(-450), 450)
		t := &dossier.Trajectory{Start: start, Hours: map[string]int{}}
		for m := start; !m.After(date); m = m.AddMonths(1) {
			if g.chance(70) {
				t.Hours[m.MonthKey()] = 1 + g.rng.IntN(60)
			}
		}
		if g.chance(50) {
			t.Evaluations = []wk.Date{g.day(start, max(0, start.DaysUntil(date)))}
		}
		if c.Person.PWAAgreement {
			t.LastActivity = g.day(date.AddDays(-500), 500)
		}
		c.Trajectory = t
	}
	if g.chance(85) {
		ut := g.pick(g.types)
		act := g.pick(g.acts[ut])
		if g.chance(8) {
			act = g.pick(g.acts[g.pick(g.types)]) // sometimes another type's activity
		}
		c.Request = &dossier.Request{Date: date, Minutes: 15 + g.rng.IntN(8*60), Activity: act,
			User: dossier.User{Type: ut, Region: g.pick([]string{"flanders", "flanders", "flanders", "flanders", "flanders", "flanders", "flanders", "flanders", "flanders", "brussels"}), Municipality: g.pick([]string{"Gent", "Aalst", "Opwijk", "Genk", "Ieper"})}}
		if g.chance(70) {
			c.Request.Km = decimal.New(int64(g.rng.IntN(300)), -1)
		}
	}
	if g.chance(60) {
		// Most organisers charge the band's top; some another price, a
		// few outside the band.
		price := g.priceTop
		if g.chance(20) {
			margin := (g.priceMax - g.priceMin) / 10
			price = g.money(g.priceMin-margin, g.priceMax+margin)
		}
		inhabitants := 20000 + g.rng.IntN(200000)
		o := &dossier.Organiser{ChequePrice: &price, Inhabitants: &inhabitants}
		if c.Request != nil && g.chance(50) {
			o.Activities = []string{c.Request.Activity}
			if g.chance(30) {
				o.Activities = []string{g.pick(g.acts[g.pick(g.types)])}
			}
		}
		c.Organiser = o
	}
	if g.chance(50) {
		c.Cheque = &dossier.Cheque{Issued: g.day(date.AddDays(-500), 500)}
	}
	if g.chance(40) {
		c.Purchase = &dossier.Purchase{Date: g.day(date.AddDays(-365), 365), Count: 1 + g.rng.IntN(250),
			UnitPrice: g.priceTop, Buyer: g.pick([]string{"natural_person", "natural_person", "natural_person", "legal_person"}),
			ServiceChequesAmount: g.money(0, 180000)}
	}
	if g.chance(15) {
		start := g.day(date.AddDays(-90), 180)
		c.CommunityService = &dossier.CommunityService{Start: start, End: start.AddMonths(3 + g.rng.IntN(5)).AddDays(-1),
			HoursPerMonth: 24 + g.rng.IntN(48), HostType: g.pick([]string{"municipality", "ocmw", "school", "nonprofit", "private"}),
			MentorCertified: g.chance(85), FicheSignedBy: g.pick([]string{"direct_supervisor", "hr_manager", "general_director", "mentor"})}
	}
	// Drawn last, so that the fields above come out as they always did.
	if g.chance(5) {
		c.Person.IncapacityRecognised = true
		c.Person.MedicalAdviserConsent = g.chance(60)
	}
	if g.chance(5) {
		c.Person.CommunityServiceExemption = g.pick([]string{"sick", "vdab_unfit"})
	}
	if o := c.Organiser; o != nil && g.chance(30) {
		decided := g.day(date.AddDays(-4*365), 365)
		for range 1 + g.rng.IntN(3) {
			price := g.money(g.priceMin, g.priceMax)
			if g.chance(70) {
				price = g.priceTop
			}
			o.PriceDecisions = append(o.PriceDecisions, dossier.PriceDecision{Decided: decided, Price: price})
			decided = decided.AddDays(1 + g.rng.IntN(500))
		}
	}
	return r
}

// sometimes is 1..hi with probability p percent, else 0.
func (g *Generator) sometimes(p, hi int) int {
	if g.chance(p) {
		return 1 + g.rng.IntN(hi)
	}
	return 0
}
