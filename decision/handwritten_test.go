package decision_test

import (
	"slices"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/shopspring/decimal"
)

// handCombined is the reference rulebook's rules for a whole case written
// directly in Go: the baseline the combined decision is measured against
// (BenchmarkCombined) and checked against (TestHandWrittenCombinedAgrees).
// Like a vendor's own implementation reading a rulebook, it resolves the
// parameters it needs on each decision's dates with Rulebook.Param and
// keeps what it resolved (one instance per goroutine: the cache is not
// locked).
type handCombined struct {
	rb                    *wk.Rulebook
	monthMaxEver, yearMax int
	userTypeCatalogue     map[string]string
	cache                 map[paramKey]cachedParam
}

type paramKey struct {
	id   string
	date wk.Date
}

type cachedParam struct {
	v    wk.Value
	list []string
}

func newHandCombined(rb *wk.Rulebook) *handCombined {
	h := &handCombined{rb: rb, userTypeCatalogue: map[string]string{
		"private": "placement.activities_private", "school": "placement.activities_school",
		"municipality": "placement.activities_municipality", "ocmw": "placement.activities_ocmw",
		"nonprofit": "placement.activities_nonprofit", "agriculture": "placement.activities_agriculture"},
		cache: map[paramKey]cachedParam{}}
	for _, id := range []string{"hours.per_month_max", "hours.per_year_max"} {
		p, _ := rb.Parameter(id)
		most := 0
		for _, v := range p.Values {
			most = max(most, v.Value.Int())
		}
		if id == "hours.per_month_max" {
			h.monthMaxEver = most
		} else {
			h.yearMax = most
		}
	}
	return h
}

// handOut holds what the hand-written decision computes, typed; ok flags
// say which parts were decided.
type handOut struct {
	eligOK, trajOK, hoursOK, vouchOK, placeOK, assignOK, csOK bool

	eligible bool
	referrer string
	eligWhy  []string

	transitional, overdue bool
	lastDay, nextEval     wk.Date
	status                string

	counted, allowed, monthRem, yearRem int
	hoursWhy                            []string

	priceSet, priceValid             bool
	paySet                           bool
	cheques                          int
	allowance, travel                decimal.Decimal
	feeSet                           bool
	fee                              decimal.Decimal
	validSet, valid                  bool
	expires                          wk.Date
	taxSet                           bool
	tax                              decimal.Decimal
	vouchWhy, placeWhy, assignWhy    []string
	placeAllowed                     bool
	csEligSet, csElig, planSet, plan bool
	csAllowance                      decimal.Decimal
	csWhy                            []string
	inForce, covid                   *decimal.Decimal
	orgOK, orgValid                  bool
}

func (h *handCombined) get(id string, d wk.Date) cachedParam {
	k := paramKey{id, d}
	c, ok := h.cache[k]
	if !ok {
		c.v, _ = h.rb.Param(id, d)
		if c.v.Kind() == wk.KindList {
			c.list = c.v.List()
		}
		h.cache[k] = c
	}
	return c
}

func (h *handCombined) p(id string, d wk.Date) wk.Value { return h.get(id, d).v }

func (h *handCombined) list(id string, d wk.Date) []string { return h.get(id, d).list }

func roundMoney(x decimal.Decimal, places int) decimal.Decimal { return x.Round(int32(places)) }

func ceilDiv(a, b int) int {
	if a <= 0 {
		return -((-a) / b)
	}
	return (a + b - 1) / b
}

func monthSum(hours map[string]int, from, to wk.Date) int {
	lo, hi := from.MonthKey(), to.MonthKey()
	sum := 0
	for k, v := range hours {
		if k >= lo && k <= hi {
			sum += v
		}
	}
	return sum
}

func (h *handCombined) decide(date wk.Date, c *dossier.Case) *handOut {
	o := &handOut{}
	if p := c.Person; p != nil {
		o.eligOK = true
		if !slices.Contains(h.list("eligibility.domicile_regions", date), p.DomicileRegion) {
			o.eligWhy = append(o.eligWhy, "not_domiciled_in_flanders")
		}
		if !p.RegisteredJobseeker && !slices.Contains(h.list("eligibility.registration_exempt_incomes", date), p.Income) {
			o.eligWhy = append(o.eligWhy, "not_registered_jobseeker")
		}
		if p.SocialEconomyHighest {
			o.eligWhy = append(o.eligWhy, "social_economy_highest")
		}
		if p.FasterRouteAvailable {
			o.eligWhy = append(o.eligWhy, "faster_route_available")
		}
		if p.InterimDaysLast28 > h.p("eligibility.interim_days_max", date).Int() {
			o.eligWhy = append(o.eligWhy, "interim_limit_exceeded")
		}
		if p.IncapacityRecognised && !p.MedicalAdviserConsent {
			o.eligWhy = append(o.eligWhy, "medical_adviser_consent_missing")
		}
		o.eligible = len(o.eligWhy) == 0
		ocmw := h.list("eligibility.ocmw_incomes", date)
		hh := c.Household
		o.referrer = "vdab"
		if slices.Contains(ocmw, p.Income) || (p.Income == "none" && hh != nil && slices.Contains(ocmw, hh.Partner.Income) && hh.OCMWOption == "refer_both" && hh.VDABConsulted) {
			o.referrer = "ocmw"
		}
	}
	// Registered hours above what the regulation ever allowed make the
	// trajectory, the hours and the request's vouchers undecidable.
	hoursValid := true
	if t := c.Trajectory; t != nil {
		years := map[string]int{}
		for k, v := range t.Hours {
			years[k[:4]] += v
			hoursValid = hoursValid && v <= h.monthMaxEver
		}
		for _, v := range years {
			hoursValid = hoursValid && v <= h.yearMax
		}
	}
	var lastDay wk.Date
	if t := c.Trajectory; t != nil && hoursValid {
		o.trajOK = true
		o.transitional = c.Person != nil && c.Person.PWAAgreement &&
			!(!t.LastActivity.IsZero() && date.After(t.LastActivity.AddDays(1).PeriodEnd(h.p("trajectory.transitional_lapse_months", date).Int())))
		if !o.transitional {
			lastDay = t.Start.PeriodEnd(h.p("trajectory.max_months", date).Int())
		}
		o.lastDay = lastDay
		anchor := t.Start
		for _, e := range t.Evaluations {
			if !e.After(date) && e.After(anchor) {
				anchor = e
			}
		}
		o.nextEval = anchor.PeriodEnd(h.p("trajectory.evaluation_interval_months", date).Int())
		o.overdue = date.After(o.nextEval)
		o.status = "active"
		switch {
		case date.Before(t.Start):
			o.status = "not_started"
		case !t.End.IsZero() && date.After(t.End):
			o.status = "ended"
		case !lastDay.IsZero() && date.After(lastDay):
			o.status = "expired"
		default:
			for _, s := range t.Suspensions {
				if !date.Before(s.From) && (s.To.IsZero() || !date.After(s.To)) {
					o.status = "suspended"
				}
			}
		}
	}
	if r := c.Request; r != nil && hoursValid {
		o.hoursOK = true
		var hours map[string]int
		var end wk.Date
		if c.Trajectory != nil {
			hours, end = c.Trajectory.Hours, c.Trajectory.End
		}
		o.counted = ceilDiv(r.Minutes, h.p("hours.counting_unit_minutes", date).Int())
		o.monthRem = max(0, h.p("hours.per_month_max", r.Date).Int()-monthSum(hours, r.Date, r.Date))
		jan := r.Date.AddMonths(1 - int(r.Date.Month())).StartOfMonth()
		o.yearRem = max(0, h.p("hours.per_year_max", r.Date).Int()-monthSum(hours, jan, jan.AddMonths(11)))
		ended := (!lastDay.IsZero() && r.Date.After(lastDay)) || (!end.IsZero() && r.Date.After(end))
		switch {
		case ended:
			o.hoursWhy = []string{"trajectory_ended"}
		default:
			if o.counted > o.monthRem {
				o.hoursWhy = append(o.hoursWhy, "month_limit")
			}
			if o.counted > o.yearRem {
				o.hoursWhy = append(o.hoursWhy, "year_limit")
			}
			o.allowed = min(o.counted, o.monthRem, o.yearRem)
		}
	}
	hasHours := c.Trajectory != nil && c.Trajectory.Hours != nil
	if (c.Request != nil && hoursValid) || (c.Request == nil && (c.Organiser != nil || c.Cheque != nil || c.Purchase != nil || hasHours)) {
		h.vouchers(o, date, c)
	}
	if g := c.Organiser; g != nil && g.Inhabitants != nil {
		o.orgOK, o.orgValid = true, *g.Inhabitants >= h.p("organiser.min_inhabitants", date).Int()
	}
	if r := c.Request; r != nil && (r.Activity != "" || r.User.Type != "") {
		o.placeOK = true
		var catalogue []string
		if id, ok := h.userTypeCatalogue[r.User.Type]; ok {
			catalogue = h.list(id, date)
		}
		if !slices.Contains(h.list("placement.user_regions", date), r.User.Region) {
			o.placeWhy = append(o.placeWhy, "user_outside_flanders")
		}
		if !slices.Contains(catalogue, r.Activity) {
			o.placeWhy = append(o.placeWhy, "activity_not_allowed_for_user_type")
		}
		if g := c.Organiser; g != nil && len(g.Activities) > 0 && !slices.Contains(g.Activities, r.Activity) {
			o.placeWhy = append(o.placeWhy, "activity_not_offered_by_organiser")
		}
		o.placeAllowed = len(o.placeWhy) == 0
		if t := c.Trajectory; c.Person != nil && t != nil && !t.Start.IsZero() && o.hoursOK {
			o.assignOK = true
			o.assignWhy = append(o.assignWhy, o.eligWhy...)
			if r.Date.Before(t.Start) {
				o.assignWhy = append(o.assignWhy, "trajectory_not_started")
			}
			o.assignWhy = append(append(o.assignWhy, o.hoursWhy...), o.placeWhy...)
		}
	}
	if c.Person != nil || c.CommunityService != nil {
		h.communityService(o, date, c)
	}
	return o
}

func (h *handCombined) vouchers(o *handOut, date wk.Date, c *dossier.Case) {
	o.vouchOK = true
	places := h.p("vouchers.money_places", date).Int()
	if g := c.Organiser; g != nil && g.ChequePrice != nil {
		o.priceSet = true
		lo, hi := h.p("vouchers.price_min", date).Decimal(), h.p("vouchers.price_max", date).Decimal()
		if g.ChequePrice.LessThan(lo) {
			o.vouchWhy = append(o.vouchWhy, "price_below_minimum")
		}
		if g.ChequePrice.GreaterThan(hi) {
			o.vouchWhy = append(o.vouchWhy, "price_above_maximum")
		}
		inBand := !g.ChequePrice.LessThan(lo) && !g.ChequePrice.GreaterThan(hi)
		onStep := g.ChequePrice.Sub(lo).Mod(h.p("vouchers.price_step", date).Decimal()).IsZero()
		if inBand && !onStep {
			o.vouchWhy = append(o.vouchWhy, "price_not_allowed_step")
		}
		o.priceValid = inBand && onStep
	}
	if g := c.Organiser; g != nil {
		// A decision applies from 1 January of the year after it.
		lag := h.p("vouchers.price_decision_lag_years", date).Int()
		for _, pd := range g.PriceDecisions {
			if !wk.MustDate(pd.Decided.Year()+lag, 1, 1).After(date) {
				price := pd.Price
				o.inForce = &price
			}
		}
	}
	if t := c.Trajectory; t != nil && t.Hours != nil {
		from, to := h.p("vouchers.covid2020_compensation_from", date).Date(), h.p("vouchers.covid2020_compensation_to", date).Date()
		if !date.Before(from) && !date.After(to) {
			n := h.p("vouchers.covid2020_compensation_reference_months", date).Int()
			hours := monthSum(t.Hours, from.StartOfMonth().AddMonths(-n), from.StartOfMonth().AddMonths(-1))
			amount := roundMoney(decimal.NewFromInt(int64(hours*h.p("vouchers.cheques_per_hour", date).Int())).
				Mul(h.p("vouchers.allowance_per_cheque", date).Decimal()).
				Mul(h.p("vouchers.covid2020_compensation_share", date).Decimal()).
				Div(decimal.NewFromInt(int64(n))), places)
			o.covid = &amount
		}
	}
	if r := c.Request; r != nil {
		o.paySet = true
		perHour := h.p("vouchers.cheques_per_hour", r.Date).Int()
		o.cheques = ceilDiv(r.Minutes, h.p("hours.counting_unit_minutes", r.Date).Int()) * perHour
		o.allowance = roundMoney(h.p("vouchers.allowance_per_cheque", r.Date).Decimal().Mul(decimal.NewFromInt(int64(o.allowed*perHour))), places)
		o.travel = decimal.Zero
		if r.Km.GreaterThan(h.p("vouchers.travel_min_round_trip_km", r.Date).Decimal()) {
			o.travel = roundMoney(h.p("vouchers.travel_per_km", r.Date).Decimal().Mul(r.Km), places)
		}
	}
	if c.Organiser != nil || c.Request != nil {
		o.feeSet, o.fee = true, h.p("vouchers.registration_fee", date).Decimal()
	}
	if q := c.Cheque; q != nil {
		o.validSet = true
		ordinary := q.Issued.PeriodEnd(h.p("vouchers.validity_months", q.Issued).Int())
		d21 := h.p("vouchers.covid2021_date", date).Date()
		covid := (!ordinary.Before(h.p("vouchers.covid2020_expiry_from", date).Date()) && !ordinary.After(h.p("vouchers.covid2020_expiry_to", date).Date())) ||
			(!q.Issued.After(d21) && !ordinary.Before(d21))
		o.expires = ordinary
		if covid {
			o.expires = q.Issued.PeriodEnd(h.p("vouchers.covid_validity_months", q.Issued).Int())
		}
		o.valid = !date.Before(q.Issued) && !date.After(o.expires)
		if date.After(o.expires) {
			o.vouchWhy = append(o.vouchWhy, "cheque_expired")
		}
		if date.Before(q.Issued) {
			o.vouchWhy = append(o.vouchWhy, "cheque_not_yet_issued")
		}
	}
	if p := c.Purchase; p != nil {
		o.taxSet = true
		o.tax = decimal.Zero
		if p.Buyer == "natural_person" {
			paid := p.UnitPrice.Mul(decimal.NewFromInt(int64(p.Count)))
			base := decimal.Min(paid, decimal.Max(decimal.Zero, h.p("vouchers.tax_ceiling", p.Date).Decimal().Sub(p.ServiceChequesAmount)))
			o.tax = roundMoney(h.p("vouchers.tax_rate", p.Date).Decimal().Mul(base), places)
		}
	}
}

func (h *handCombined) communityService(o *handOut, date wk.Date, c *dossier.Case) {
	o.csOK = true
	// Gemeenschapsdienst starts when its parameters do.
	incomes, _ := h.rb.Parameter("community_service.incomes")
	start := incomes.Values[0].From
	began := !date.Before(start)
	add := func(code string) {
		if !slices.Contains(o.csWhy, code) {
			o.csWhy = append(o.csWhy, code)
		}
	}
	if p := c.Person; p != nil {
		n := len(o.csWhy)
		if !began {
			add("before_community_service_start")
		} else {
			if !slices.Contains(h.list("community_service.incomes", date), p.Income) {
				add("not_on_unemployment_benefit")
			}
			if p.JobseekingSince.IsZero() || p.JobseekingSince.AddMonths(h.p("community_service.min_jobseeking_months", date).Int()).After(date) {
				add("jobseeking_less_than_two_years")
			}
			if p.CommunityServiceExemption != "" {
				add("community_service_exempt")
			}
		}
		o.csEligSet, o.csElig = true, len(o.csWhy) == n
	}
	if s := c.CommunityService; s != nil {
		var planWhy []string
		if !began {
			planWhy = append(planWhy, "before_community_service_start")
		} else {
			if s.HoursPerMonth < h.p("community_service.hours_per_month_min", date).Int() {
				planWhy = append(planWhy, "hours_below_minimum")
			}
			if s.HoursPerMonth > h.p("community_service.hours_per_month_max", date).Int() {
				planWhy = append(planWhy, "hours_above_maximum")
			}
			if s.End.After(s.Start.PeriodEnd(h.p("community_service.max_months", date).Int())) {
				planWhy = append(planWhy, "duration_too_long")
			}
			if !slices.Contains(h.list("community_service.host_types", date), s.HostType) {
				planWhy = append(planWhy, "host_type_not_allowed")
			}
			if !s.MentorCertified {
				planWhy = append(planWhy, "mentor_not_certified")
			}
			if !slices.Contains(h.list("community_service.fiche_signatories", date), s.FicheSignedBy) {
				planWhy = append(planWhy, "fiche_not_validly_signed")
			}
		}
		o.planSet, o.plan = true, len(planWhy) == 0
		o.csAllowance = decimal.Zero
		if began {
			o.csAllowance = roundMoney(h.p("community_service.allowance_per_hour", date).Decimal().Mul(decimal.NewFromInt(int64(s.HoursPerMonth))), h.p("vouchers.money_places", date).Int())
		}
		for _, code := range planWhy {
			add(code)
		}
	}
}

// outputs is the hand-written decision as output paths, the form the
// agreement test compares with the combined decision's.
func (o *handOut) outputs() map[string]any {
	m := map[string]any{}
	codes := func(xs []string) []string {
		if xs == nil {
			return []string{}
		}
		return xs
	}
	if o.eligOK {
		m["eligibility.eligible"], m["eligibility.reasons"], m["eligibility.referrer"] = o.eligible, codes(o.eligWhy), o.referrer
	}
	if o.trajOK {
		var last any
		if !o.lastDay.IsZero() {
			last = o.lastDay
		}
		m["trajectory.last_day"], m["trajectory.transitional"] = last, o.transitional
		m["trajectory.next_evaluation_due"], m["trajectory.evaluation_overdue"], m["trajectory.status"] = o.nextEval, o.overdue, o.status
	}
	if o.hoursOK {
		m["hours.allowed"], m["hours.counted"], m["hours.month_remaining"], m["hours.year_remaining"], m["hours.reasons"] =
			o.allowed, o.counted, o.monthRem, o.yearRem, codes(o.hoursWhy)
	}
	if o.vouchOK {
		if o.priceSet {
			m["vouchers.price_valid"] = o.priceValid
		}
		if o.paySet {
			m["vouchers.cheques_needed"], m["vouchers.allowance"], m["vouchers.travel_allowance"] = o.cheques, o.allowance, o.travel
		}
		if o.feeSet {
			m["vouchers.registration_fee"] = o.fee
		}
		if o.validSet {
			m["vouchers.expires"], m["vouchers.valid"] = o.expires, o.valid
		}
		if o.taxSet {
			m["vouchers.tax_reduction"] = o.tax
		}
		if o.inForce != nil {
			m["vouchers.price_in_force"] = *o.inForce
		}
		if o.covid != nil {
			m["vouchers.covid_compensation"] = *o.covid
		}
		if o.priceSet || o.paySet || o.feeSet || o.validSet || o.taxSet || o.inForce != nil {
			m["vouchers.reasons"] = codes(o.vouchWhy)
		}
	}
	if o.orgOK {
		m["organiser.valid"] = o.orgValid
		m["organiser.reasons"] = []string{}
		if !o.orgValid {
			m["organiser.reasons"] = []string{"organiser_area_too_small"}
		}
	}
	if o.placeOK {
		m["placement.allowed"], m["placement.reasons"] = o.placeAllowed, codes(o.placeWhy)
	}
	if o.assignOK {
		m["placement.assignment_allowed"], m["placement.assignment_reasons"] = len(o.assignWhy) == 0, codes(o.assignWhy)
	}
	if o.csOK {
		if o.csEligSet {
			m["community_service.eligible"] = o.csElig
		}
		if o.planSet {
			m["community_service.plan_valid"], m["community_service.allowance"] = o.plan, o.csAllowance
		}
		m["community_service.reasons"] = codes(o.csWhy)
	}
	return m
}
