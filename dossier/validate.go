package dossier

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/shopspring/decimal"
)

// Sanity bounds on what a case may hold. They are not regulation (the
// rulebook decides what is allowed); they keep every computation exact and
// bounded: no whole number can overflow, no list make a rule's work grow
// without bound, no text be read without end.
const (
	// MaxListItems bounds every list and map of a case (evaluations,
	// suspensions, registered months, activities, price decisions, the
	// agreement's lists).
	MaxListItems = 1000
	// MaxTextLength bounds every text of a case, in bytes.
	MaxTextLength = 256
	// MaxMinutes bounds a request's duration (about 69 days).
	MaxMinutes = 100_000
	// MaxHoursInMonth bounds hours of a month (31 days of 24 hours).
	MaxHoursInMonth = 744
	// MaxCount bounds a purchase's number of cheques and an organiser's
	// inhabitants.
	MaxCount = 100_000_000
	// MaxMonths bounds durations in months (100 years).
	MaxMonths = 1200
	// MaxAmount bounds every amount (prices, kilometres, service
	// cheques), and MaxDecimalPlaces their precision.
	MaxAmount        = 1_000_000_000
	MaxDecimalPlaces = 6
)

var maxAmount = decimal.NewFromInt(MaxAmount)

// Validate checks a case built in Go as ParseCase checks a decoded one:
// enumeration values, negative numbers, month keys, dates in the wrong
// order. It returns a *CaseError listing every problem, or nil. What an area
// additionally requires (the person's income for eligibility, say) is
// checked by the area.
func (c *Case) Validate() error {
	if errs := validate(c); len(errs) > 0 {
		return &CaseError{Fields: errs}
	}
	return nil
}

type checker struct{ errs []FieldError }

func (k *checker) add(field, format string, args ...any) {
	k.errs = append(k.errs, FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
}

func (k *checker) enum(field, v string, allowed []string) {
	if v == "" {
		return
	}
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	msg := fmt.Sprintf("unknown value %q (allowed: %s)", v, strings.Join(allowed, ", "))
	k.add(field, "%s", msg)
}

func (k *checker) nonNegative(field string, v int) {
	if v < 0 {
		k.add(field, "%d is negative", v)
	}
}

func (k *checker) nonNegativeDec(field string, v decimal.Decimal) {
	switch {
	case v.IsNegative():
		k.add(field, "%s is negative", v)
	case wk.CheckDecimal(v) != nil:
		k.add(field, "%v", wk.CheckDecimal(v))
	case v.GreaterThan(maxAmount):
		k.add(field, "%s is more than %d", v, MaxAmount)
	case -v.Exponent() > MaxDecimalPlaces && !v.Equal(v.Round(MaxDecimalPlaces)):
		k.add(field, "%s has more than %d decimal places", v, MaxDecimalPlaces)
	}
}

// atMost reports a whole number above max.
func (k *checker) atMost(field string, v, max int) {
	if v > max {
		k.add(field, "%d is more than %d", v, max)
	}
}

// items reports a list or map with more than MaxListItems entries.
func (k *checker) items(field string, n int) {
	if n > MaxListItems {
		k.add(field, "%d items; at most %d", n, MaxListItems)
	}
}

// text reports a text longer than MaxTextLength.
func (k *checker) text(field, v string) {
	if len(v) > MaxTextLength {
		k.add(field, "%d bytes of text; at most %d", len(v), MaxTextLength)
	}
}

// before reports whether both dates are given and d falls before other.
func before(d, other wk.Date) bool {
	return !d.IsZero() && !other.IsZero() && d.Before(other)
}

func (k *checker) notBefore(field string, d wk.Date, otherField string, other wk.Date) {
	if before(d, other) {
		k.add(field, "%s is before %s %s", d, otherField, other)
	}
}

func validate(c *Case) []FieldError {
	var k checker
	if p := c.Person; p != nil {
		k.enum("case.person.domicile_region", p.DomicileRegion, regions)
		k.enum("case.person.income", p.Income, incomes)
		k.nonNegative("case.person.interim_days_last_28", p.InterimDaysLast28)
		if p.InterimDaysLast28 > 28 {
			k.add("case.person.interim_days_last_28", "%d days cannot fall in 28 days", p.InterimDaysLast28)
		}
		k.enum("case.person.community_service_exemption", p.CommunityServiceExemption, exemptions)
	}
	if h := c.Household; h != nil {
		k.enum("case.household.partner.income", h.Partner.Income, incomes)
		k.enum("case.household.ocmw_option", h.OCMWOption, ocmwOptions)
	}
	if t := c.Trajectory; t != nil {
		k.items("case.trajectory.evaluations", len(t.Evaluations))
		k.items("case.trajectory.suspensions", len(t.Suspensions))
		k.items("case.trajectory.hours", len(t.Hours))
		// Field names are built only for a problem found: validating a
		// good case allocates nothing (decisions validate on every call).
		for i, e := range t.Evaluations {
			if e.IsZero() {
				k.add(fmt.Sprintf("case.trajectory.evaluations[%d]", i), "missing date")
			}
			if before(e, t.Start) {
				k.notBefore(fmt.Sprintf("case.trajectory.evaluations[%d]", i), e, "trajectory.start", t.Start)
			}
		}
		k.notBefore("case.trajectory.end", t.End, "trajectory.start", t.Start)
		k.enum("case.trajectory.end_reason", t.EndReason, endReasons)
		if t.EndReason != "" && t.End.IsZero() {
			k.add("case.trajectory.end_reason", "given without trajectory.end")
		}
		for i, s := range t.Suspensions {
			if s.From.IsZero() || before(s.To, s.From) || before(s.From, t.Start) {
				field := fmt.Sprintf("case.trajectory.suspensions[%d]", i)
				if s.From.IsZero() {
					k.add(field+".from", "missing date")
				}
				k.notBefore(field+".to", s.To, "its from", s.From)
				k.notBefore(field+".from", s.From, "trajectory.start", t.Start)
			}
		}
		if a := t.Agreement; a != nil {
			k.nonNegative("case.trajectory.agreement.duration_months", a.DurationMonths)
			k.atMost("case.trajectory.agreement.duration_months", a.DurationMonths, MaxMonths)
			k.items("case.trajectory.agreement.hours_plan", len(a.HoursPlan))
			k.items("case.trajectory.agreement.competences_acquired", len(a.CompetencesAcquired))
			k.items("case.trajectory.agreement.competences_to_acquire", len(a.CompetencesToAcquire))
			k.items("case.trajectory.agreement.preferred_activities", len(a.PreferredActivities))
			k.items("case.trajectory.agreement.next_steps", len(a.NextSteps))
			for i, h := range a.HoursPlan {
				if h < 0 || h > MaxHoursInMonth {
					field := fmt.Sprintf("case.trajectory.agreement.hours_plan[%d]", i)
					k.nonNegative(field, h)
					k.atMost(field, h, MaxHoursInMonth)
				}
			}
		}
		badHours := false
		for key, h := range t.Hours {
			if h < 0 || h > MaxHoursInMonth || !validMonthKey(key) {
				badHours = true
				break
			}
		}
		if badHours {
			// Reported in the order of the months, whatever the map's.
			keys := make([]string, 0, len(t.Hours))
			for key := range t.Hours {
				keys = append(keys, key)
			}
			sort.Strings(keys)
			for _, key := range keys {
				h := t.Hours[key]
				field := "case.trajectory.hours." + key
				if !validMonthKey(key) {
					k.add(field, "month %q: want YYYY-MM", key)
				}
				k.nonNegative(field, h)
				k.atMost(field, h, MaxHoursInMonth)
			}
		}
	}
	if r := c.Request; r != nil {
		k.nonNegative("case.request.minutes", r.Minutes)
		k.atMost("case.request.minutes", r.Minutes, MaxMinutes)
		k.text("case.request.activity", r.Activity)
		k.text("case.request.user.municipality", r.User.Municipality)
		k.enum("case.request.user.type", r.User.Type, userTypes)
		k.enum("case.request.user.region", r.User.Region, regions)
		k.nonNegativeDec("case.request.km", r.Km)
	}
	if o := c.Organiser; o != nil {
		if o.ChequePrice != nil {
			k.nonNegativeDec("case.organiser.cheque_price", *o.ChequePrice)
		}
		if o.Inhabitants != nil {
			k.nonNegative("case.organiser.inhabitants", *o.Inhabitants)
			k.atMost("case.organiser.inhabitants", *o.Inhabitants, MaxCount)
		}
		k.items("case.organiser.activities", len(o.Activities))
		k.items("case.organiser.price_decisions", len(o.PriceDecisions))
		for i, a := range o.Activities {
			if len(a) > MaxTextLength {
				k.text(fmt.Sprintf("case.organiser.activities[%d]", i), a)
			}
		}
		for i, pd := range o.PriceDecisions {
			if pd.Decided.IsZero() || pd.Price.IsNegative() || (i > 0 && !pd.Decided.After(o.PriceDecisions[i-1].Decided)) {
				field := fmt.Sprintf("case.organiser.price_decisions[%d]", i)
				if pd.Decided.IsZero() {
					k.add(field+".decided", "missing date")
				} else if i > 0 && !pd.Decided.After(o.PriceDecisions[i-1].Decided) {
					k.add(field+".decided", "%s is not after the decision before it (%s): list the decisions in the order they were taken", pd.Decided, o.PriceDecisions[i-1].Decided)
				}
				k.nonNegativeDec(field+".price", pd.Price)
			}
		}
	}
	if p := c.Purchase; p != nil {
		k.nonNegative("case.purchase.count", p.Count)
		k.atMost("case.purchase.count", p.Count, MaxCount)
		k.nonNegativeDec("case.purchase.unit_price", p.UnitPrice)
		k.enum("case.purchase.buyer", p.Buyer, buyers)
		k.nonNegativeDec("case.purchase.service_cheques_amount", p.ServiceChequesAmount)
	}
	if s := c.CommunityService; s != nil {
		k.notBefore("case.community_service.end", s.End, "community_service.start", s.Start)
		k.nonNegative("case.community_service.hours_per_month", s.HoursPerMonth)
		k.atMost("case.community_service.hours_per_month", s.HoursPerMonth, MaxHoursInMonth)
		k.enum("case.community_service.host_type", s.HostType, userTypes)
		k.enum("case.community_service.fiche_signed_by", s.FicheSignedBy, ficheSigners)
	}
	return k.errs
}

func validMonthKey(s string) bool {
	if len(s) != 7 || s[4] != '-' {
		return false
	}
	y, err1 := strconv.Atoi(s[:4])
	m, err2 := strconv.Atoi(s[5:])
	return err1 == nil && err2 == nil && y >= 1 && m >= 1 && m <= 12 && s[5] != '+' && s[5] != '-'
}

// Require reports the fields an area needs that the case lacks, as a
// *CaseError naming each with the area, or nil. Each entry pairs a field
// path with whether it is present.
func Require(area string, fields ...Field) error {
	var k checker
	for _, f := range fields {
		if !f.Present {
			k.add(f.Path, "missing (needed for %s)", area)
		}
	}
	if len(k.errs) > 0 {
		return &CaseError{Fields: k.errs}
	}
	return nil
}

// Field is a field path and whether the case gives it, for Require.
type Field struct {
	Path    string
	Present bool
}
