package dossier

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/shopspring/decimal"
)

// Validate checks a case built in Go as DecodeCase checks a decoded one:
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
	if v.IsNegative() {
		k.add(field, "%s is negative", v)
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
			for i, h := range a.HoursPlan {
				if h < 0 {
					k.nonNegative(fmt.Sprintf("case.trajectory.agreement.hours_plan[%d]", i), h)
				}
			}
		}
		badHours := false
		for key, h := range t.Hours {
			if h < 0 || !validMonthKey(key) {
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
			}
		}
	}
	if r := c.Request; r != nil {
		k.nonNegative("case.request.minutes", r.Minutes)
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
		k.nonNegativeDec("case.purchase.unit_price", p.UnitPrice)
		k.enum("case.purchase.buyer", p.Buyer, buyers)
		k.nonNegativeDec("case.purchase.service_cheques_amount", p.ServiceChequesAmount)
	}
	if s := c.CommunityService; s != nil {
		k.notBefore("case.community_service.end", s.End, "community_service.start", s.Start)
		k.nonNegative("case.community_service.hours_per_month", s.HoursPerMonth)
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
