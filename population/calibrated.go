package population

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/internal/yamldoc"
	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

//go:embed flanders.yaml
var flandersYAML []byte

// Figure is one figure of a calibration: its value with the unit, where it
// comes from and how sure it is.
type Figure[T any] struct {
	Value T      `yaml:"value"`
	Unit  string `yaml:"unit"`
	// Cite says what the source states (or that none was found); Source
	// is its address, or "none found".
	Cite   string `yaml:"cite"`
	Source string `yaml:"source"`
	// Confidence is high, medium or low.
	Confidence string `yaml:"confidence"`
	Note       string `yaml:"note"`
}

// Band is a range of whole numbers (both ends included) with its share.
type Band struct {
	From  int             `yaml:"from"`
	To    int             `yaml:"to"`
	Share decimal.Decimal `yaml:"share"`
}

// ServiceCheques is the share of private users who also buy service
// cheques, and the range of their yearly amount in euro.
type ServiceCheques struct {
	Share decimal.Decimal `yaml:"share"`
	From  int             `yaml:"from"`
	To    int             `yaml:"to"`
}

// Calibration is the figures a calibrated population is drawn from
// (population/flanders.yaml for Flanders).
type Calibration struct {
	Name                   string                                      `yaml:"name"`
	Description            string                                      `yaml:"description"`
	WorkersPerMonth        Figure[int]                                 `yaml:"workers_per_month"`
	HoursPerMonthMean      Figure[decimal.Decimal]                     `yaml:"hours_per_month_mean"`
	HoursDemand            Figure[[]Band]                              `yaml:"hours_demand"`
	TransitionalShare      Figure[decimal.Decimal]                     `yaml:"transitional_share"`
	OCMWShare              Figure[decimal.Decimal]                     `yaml:"ocmw_share"`
	VDABIncome             Figure[map[string]decimal.Decimal]          `yaml:"vdab_income"`
	UserTypes              Figure[map[string]decimal.Decimal]          `yaml:"user_types"`
	Prices                 Figure[map[string]decimal.Decimal]          `yaml:"prices"`
	RoundTripKm            Figure[[]Band]                              `yaml:"round_trip_km"`
	ServiceCheques         Figure[ServiceCheques]                      `yaml:"service_cheques"`
	Municipalities         Figure[[]string]                            `yaml:"municipalities"`
	CommunityServicePeople Figure[int]                                 `yaml:"community_service_people"`
	Context                []struct{ What, Source, Confidence string } `yaml:"context"`
}

// Flanders returns the calibration to Flemish figures embedded in the
// package (population/flanders.yaml).
func Flanders() (*Calibration, error) { return ParseCalibration("flanders.yaml", flandersYAML) }

// ParseCalibration reads a calibration file; every problem is an error
// naming the figure.
func ParseCalibration(file string, data []byte) (*Calibration, error) {
	var c Calibration
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if err := yamldoc.Rest(dec); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &c, nil
}

var one = decimal.NewFromInt(1)

func (c *Calibration) check() error {
	var errs []error
	source := func(name, cite, src, conf string) {
		if strings.TrimSpace(cite) == "" || strings.TrimSpace(src) == "" {
			errs = append(errs, fmt.Errorf("%s: give cite and source (\"none found\" when there is none)", name))
		}
		switch conf {
		case "high", "medium":
			if src == "none found" || strings.HasPrefix(src, "none found") {
				errs = append(errs, fmt.Errorf("%s: a figure without a source has confidence low, not %s", name, conf))
			}
		case "low":
		default:
			errs = append(errs, fmt.Errorf("%s: confidence %q: want high, medium or low", name, conf))
		}
	}
	share := func(name string, d decimal.Decimal) {
		if d.IsNegative() || d.GreaterThan(one) {
			errs = append(errs, fmt.Errorf("%s: share %s is not between 0 and 1", name, d))
		}
	}
	shares := func(name string, m map[string]decimal.Decimal) {
		sum := decimal.Zero
		for k, v := range m {
			share(name+"."+k, v)
			sum = sum.Add(v)
		}
		if !sum.Equal(one) {
			errs = append(errs, fmt.Errorf("%s: shares add up to %s, not 1", name, sum))
		}
	}
	bands := func(name string, bs []Band) {
		sum := decimal.Zero
		for i, b := range bs {
			if b.From < 0 || b.To < b.From {
				errs = append(errs, fmt.Errorf("%s[%d]: want 0 <= from <= to", name, i))
			}
			share(fmt.Sprintf("%s[%d]", name, i), b.Share)
			sum = sum.Add(b.Share)
		}
		if !sum.Equal(one) {
			errs = append(errs, fmt.Errorf("%s: shares add up to %s, not 1", name, sum))
		}
	}
	f := func(name string, cite, src, conf string) { source(name, cite, src, conf) }
	f("workers_per_month", c.WorkersPerMonth.Cite, c.WorkersPerMonth.Source, c.WorkersPerMonth.Confidence)
	if c.WorkersPerMonth.Value <= 0 || c.WorkersPerMonth.Value > 1_000_000 {
		errs = append(errs, errors.New("workers_per_month: want 1 to 1 000 000"))
	}
	f("hours_per_month_mean", c.HoursPerMonthMean.Cite, c.HoursPerMonthMean.Source, c.HoursPerMonthMean.Confidence)
	f("hours_demand", c.HoursDemand.Cite, c.HoursDemand.Source, c.HoursDemand.Confidence)
	bands("hours_demand", c.HoursDemand.Value)
	for i, b := range c.HoursDemand.Value {
		if b.From < 1 {
			errs = append(errs, fmt.Errorf("hours_demand[%d]: a worker asks for at least 1 hour", i))
		}
	}
	f("transitional_share", c.TransitionalShare.Cite, c.TransitionalShare.Source, c.TransitionalShare.Confidence)
	share("transitional_share", c.TransitionalShare.Value)
	f("ocmw_share", c.OCMWShare.Cite, c.OCMWShare.Source, c.OCMWShare.Confidence)
	share("ocmw_share", c.OCMWShare.Value)
	f("vdab_income", c.VDABIncome.Cite, c.VDABIncome.Source, c.VDABIncome.Confidence)
	shares("vdab_income", c.VDABIncome.Value)
	f("user_types", c.UserTypes.Cite, c.UserTypes.Source, c.UserTypes.Confidence)
	shares("user_types", c.UserTypes.Value)
	for t := range c.UserTypes.Value {
		if !slices.Contains(dossier.UserTypes(), t) {
			errs = append(errs, fmt.Errorf("user_types: unknown user type %q", t))
		}
	}
	f("prices", c.Prices.Cite, c.Prices.Source, c.Prices.Confidence)
	shares("prices", c.Prices.Value)
	for p := range c.Prices.Value {
		if _, err := decimal.NewFromString(p); err != nil {
			errs = append(errs, fmt.Errorf("prices: %q is not a price", p))
		}
	}
	f("round_trip_km", c.RoundTripKm.Cite, c.RoundTripKm.Source, c.RoundTripKm.Confidence)
	bands("round_trip_km", c.RoundTripKm.Value)
	f("service_cheques", c.ServiceCheques.Cite, c.ServiceCheques.Source, c.ServiceCheques.Confidence)
	share("service_cheques.share", c.ServiceCheques.Value.Share)
	if c.ServiceCheques.Value.To < c.ServiceCheques.Value.From || c.ServiceCheques.Value.From < 0 {
		errs = append(errs, errors.New("service_cheques: want 0 <= from <= to"))
	}
	f("municipalities", c.Municipalities.Cite, c.Municipalities.Source, c.Municipalities.Confidence)
	if len(c.Municipalities.Value) == 0 {
		errs = append(errs, errors.New("municipalities: give at least one"))
	}
	f("community_service_people", c.CommunityServicePeople.Cite, c.CommunityServicePeople.Source, c.CommunityServicePeople.Confidence)
	if c.CommunityServicePeople.Value < 0 || c.CommunityServicePeople.Value > 1_000_000 {
		errs = append(errs, errors.New("community_service_people: want 0 to 1 000 000"))
	}
	return errors.Join(errs...)
}

// Calibrated generates one calendar year of wijk-werk from a
// calibration: per month, one case per wijk-werker working that month
// (its request for the month's hours, the organiser's price, the user's
// purchase of the cheques, the hours registered earlier in the year), and
// one per person in gemeenschapsdienst. Summed over the population,
// money and hours are the year's totals for the region the calibration
// stands for. It is not safe for concurrent use.
type Calibrated struct {
	cal   *Calibration
	year  int
	rng   *rand.Rand
	acts  map[string][]string
	slots []*slot
	month int // 1..12, the month being written
	next  int // the next slot to write in the month
	cs    int // the community-service cases written in the month
	n     int
	ids   int
	// monthMax and yearMax are the hour limits of the rulebook, read on
	// each month's first day, to register the hours of earlier months as
	// the rulebook allowed them.
	monthMax, yearMax             [13]int
	prices                        map[string]decimal.Decimal // municipality → organiser price
	inhabitants                   map[string]int
	userTypes, incomes, priceKeys []string
}

type slot struct {
	id           string
	person       dossier.Person
	start        wk.Date
	transitional bool
	band         Band
	registered   map[string]int // month key → hours registered
	yearHours    int
	end          wk.Date // the last day of the trajectory (non-transitional)
}

// NewCalibrated returns a generator of the calendar year year from cal,
// scaled by scale (1 is the region's size; 0.01 a hundredth, for tests),
// seeded with seed. The activity codes and the hour limits come from rb.
func NewCalibrated(rb *wk.Rulebook, cal *Calibration, year int, scale decimal.Decimal, seed uint64) (*Calibrated, error) {
	if year < 2018 || year > 9999 {
		return nil, fmt.Errorf("population: year %d: wijk-werken starts in 2018", year)
	}
	if !scale.IsPositive() || scale.GreaterThan(decimal.NewFromInt(100)) {
		return nil, fmt.Errorf("population: scale %s: want more than 0 and at most 100", scale)
	}
	g := &Calibrated{cal: cal, year: year, rng: rand.New(rand.NewPCG(seed, seed^0x2545f4914f6cdd1d)), acts: map[string][]string{},
		month: 1, prices: map[string]decimal.Decimal{}, inhabitants: map[string]int{}}
	mid := wk.MustDate(year, time.July, 1)
	for t, id := range catalogueParams {
		v, err := rb.Param(id, mid)
		if err != nil {
			return nil, fmt.Errorf("population: %w", err)
		}
		g.acts[t] = v.List()
	}
	for m := 1; m <= 12; m++ {
		d := wk.MustDate(year, time.Month(m), 1)
		mm, err := rb.Param("hours.per_month_max", d)
		if err != nil {
			return nil, fmt.Errorf("population: %w", err)
		}
		ym, err := rb.Param("hours.per_year_max", d)
		if err != nil {
			return nil, fmt.Errorf("population: %w", err)
		}
		g.monthMax[m], g.yearMax[m] = mm.Int(), ym.Int()
	}
	g.userTypes = sortedKeys(cal.UserTypes.Value)
	g.incomes = sortedKeys(cal.VDABIncome.Value)
	g.priceKeys = sortedKeys(cal.Prices.Value)
	for _, m := range cal.Municipalities.Value {
		g.prices[m] = decimal.RequireFromString(g.pickShare(g.priceKeys, cal.Prices.Value))
		g.inhabitants[m] = 60000 + g.rng.IntN(240001)
	}
	n := scale.Mul(decimal.NewFromInt(int64(cal.WorkersPerMonth.Value))).Round(0).IntPart()
	for i := 0; i < int(max(n, 1)); i++ {
		s := g.newSlot(wk.MustDate(year, time.January, 1).AddMonths(-g.rng.IntN(12)), true)
		g.slots = append(g.slots, s)
	}
	return g, nil
}

func sortedKeys(m map[string]decimal.Decimal) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// draw is true with probability p.
func (g *Calibrated) draw(p decimal.Decimal) bool {
	return decimal.NewFromInt(int64(g.rng.IntN(1_000_000))).LessThan(p.Shift(6))
}

// pickShare picks a key by its share.
func (g *Calibrated) pickShare(keys []string, shares map[string]decimal.Decimal) string {
	x := decimal.NewFromInt(int64(g.rng.IntN(1_000_000))).Shift(-6)
	acc := decimal.Zero
	for _, k := range keys {
		acc = acc.Add(shares[k])
		if x.LessThan(acc) {
			return k
		}
	}
	return keys[len(keys)-1]
}

func (g *Calibrated) pickBand(bs []Band) Band {
	x := decimal.NewFromInt(int64(g.rng.IntN(1_000_000))).Shift(-6)
	acc := decimal.Zero
	for _, b := range bs {
		acc = acc.Add(b.Share)
		if x.LessThan(acc) {
			return b
		}
	}
	return bs[len(bs)-1]
}

func (g *Calibrated) in(b Band) int { return b.From + g.rng.IntN(b.To-b.From+1) }

// newSlot is a new wijk-werker whose trajectory starts on start (the
// first of a month). Only the workers of the year's first month may be
// former PWA workers: nobody enters under the transitional measure later.
func (g *Calibrated) newSlot(start wk.Date, initial bool) *slot {
	g.ids++
	s := &slot{id: fmt.Sprintf("w%06d", g.ids), band: g.pickBand(g.cal.HoursDemand.Value), registered: map[string]int{}}
	s.transitional = initial && g.draw(g.cal.TransitionalShare.Value)
	p := dossier.Person{DomicileRegion: "flanders", RegisteredJobseeker: true}
	if g.draw(g.cal.OCMWShare.Value) {
		p.Income = "leefloon"
	} else {
		p.Income = g.pickShare(g.incomes, g.cal.VDABIncome.Value)
	}
	if s.transitional {
		p.PWAAgreement = true
		start = wk.MustDate(2018, time.January, 1)
	} else {
		s.end = start.PeriodEnd(12)
	}
	p.JobseekingSince = start.AddMonths(-(12 + g.rng.IntN(60)))
	s.person, s.start = p, start
	return s
}

// Size is the number of cases the generator writes in all.
func (g *Calibrated) Size() int {
	return 12 * (len(g.slots) + g.cal.CommunityServicePeople.Value)
}

// Next returns the next case, and false when the year is written.
func (g *Calibrated) Next() (Record, bool) {
	for g.month <= 12 {
		if g.next < len(g.slots) {
			i := g.next
			g.next++
			return g.workerCase(i), true
		}
		if g.cs < g.cal.CommunityServicePeople.Value {
			g.cs++
			return g.communityCase(g.cs), true
		}
		g.month++
		g.next, g.cs = 0, 0
	}
	return Record{}, false
}

func (g *Calibrated) workerCase(i int) Record {
	first := wk.MustDate(g.year, time.Month(g.month), 1)
	s := g.slots[i]
	if !s.transitional && s.end.Before(first) {
		// The trajectory has ended: the next wijk-werker takes the place.
		s = g.newSlot(first, false)
		g.slots[i] = s
	}
	date := first.AddDays(g.rng.IntN(28))
	demand := g.in(s.band)
	g.n++
	c := &dossier.Case{}
	person := s.person
	c.Person = &person
	t := &dossier.Trajectory{Start: s.start, Hours: map[string]int{}}
	for k, h := range s.registered {
		t.Hours[k] = h
	}
	for e := s.start.AddMonths(6); !e.After(date); e = e.AddMonths(6) {
		t.Evaluations = []wk.Date{e} // the latest evaluation held
	}
	c.Trajectory = t
	ut := g.pickShare(g.userTypes, g.cal.UserTypes.Value)
	muni := g.cal.Municipalities.Value[g.rng.IntN(len(g.cal.Municipalities.Value))]
	acts := g.acts[ut]
	q := &dossier.Request{Date: date, Minutes: 60 * demand, User: dossier.User{Type: ut, Region: "flanders", Municipality: muni}}
	if len(acts) > 0 {
		q.Activity = acts[g.rng.IntN(len(acts))]
	}
	q.Km = decimal.NewFromInt(int64(g.in(g.pickBand(g.cal.RoundTripKm.Value))))
	c.Request = q
	price := g.prices[muni]
	inhabitants := g.inhabitants[muni]
	c.Organiser = &dossier.Organiser{ChequePrice: &price, Inhabitants: &inhabitants}
	buyer, service := "legal_person", decimal.Zero
	if ut == "private" {
		buyer = "natural_person"
		if sc := g.cal.ServiceCheques.Value; g.draw(sc.Share) {
			service = decimal.NewFromInt(int64(sc.From + g.rng.IntN(sc.To-sc.From+1)))
		}
	}
	c.Purchase = &dossier.Purchase{Date: date, Count: demand, UnitPrice: price, Buyer: buyer, ServiceChequesAmount: service}
	// Register the month's hours as the rulebook allows them, for the
	// months that follow (the year limit).
	allowed := min(demand, g.monthMax[g.month], max(0, g.yearMax[g.month]-s.yearHours))
	s.registered[date.MonthKey()] = allowed
	s.yearHours += allowed
	return Record{ID: fmt.Sprintf("%s-%02d", s.id, g.month), Date: date, Case: c}
}

func (g *Calibrated) communityCase(k int) Record {
	first := wk.MustDate(g.year, time.Month(g.month), 1)
	date := first.AddDays(14)
	// Two six-month plans a year per place: January and July.
	start := wk.MustDate(g.year, time.January, 1)
	if g.month > 6 {
		start = wk.MustDate(g.year, time.July, 1)
	}
	c := &dossier.Case{
		Person: &dossier.Person{DomicileRegion: "flanders", RegisteredJobseeker: true, Income: "unemployment_benefit",
			JobseekingSince: start.AddMonths(-(24 + g.rng.IntN(36)))},
		CommunityService: &dossier.CommunityService{Start: start, End: start.PeriodEnd(6), HoursPerMonth: 32 + g.rng.IntN(33),
			HostType: []string{"municipality", "ocmw", "school", "nonprofit"}[g.rng.IntN(4)], MentorCertified: true, FicheSignedBy: "hr_manager"},
	}
	return Record{ID: fmt.Sprintf("g%03d-%02d", k, g.month), Date: date, Case: c}
}
