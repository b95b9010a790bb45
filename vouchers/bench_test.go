package vouchers_test

import (
	"fmt"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/area"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/internal/ledgerbench"

	"github.com/openwijkwerken/wijkwerken/internal/benchpair"
	"github.com/openwijkwerken/wijkwerken/vouchers"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// handWritten is the reference voucher rules (and the hours they pay for)
// written directly in Go: the baseline the rules engine is measured
// against. Parameters are read from the rulebook per decision, as the
// engine does; a hand-written implementation would hold no numbers either.
type handWritten struct{ rb *wk.Rulebook }

type handResult struct {
	priceValid                bool
	cheques, allowed          int
	allowance, travel, fee    decimal.Decimal
	expires                   wk.Date
	valid                     bool
	taxReduction              decimal.Decimal
	reasons                   []string
	hasPay, hasCheque, hasTax bool
	covid                     *decimal.Decimal
}

func (h handWritten) p(id string, d wk.Date) wk.Value {
	v, _ := h.rb.Param(id, d)
	return v
}

func (h handWritten) decide(date wk.Date, c *dossier.Case) handResult {
	var r handResult
	places := int32(h.p("vouchers.money_places", date).Int())
	if o := c.Organiser; o != nil && o.ChequePrice != nil {
		lo, hi := h.p("vouchers.price_min", date).Decimal(), h.p("vouchers.price_max", date).Decimal()
		step := h.p("vouchers.price_step", date).Decimal()
		switch {
		case o.ChequePrice.LessThan(lo):
			r.reasons = append(r.reasons, "price_below_minimum")
		case o.ChequePrice.GreaterThan(hi):
			r.reasons = append(r.reasons, "price_above_maximum")
		case !o.ChequePrice.Sub(lo).Mod(step).IsZero():
			r.reasons = append(r.reasons, "price_not_allowed_step")
		default:
			r.priceValid = true
		}
	}
	if q := c.Request; q != nil {
		r.hasPay = true
		rd := q.Date
		unit := h.p("hours.counting_unit_minutes", rd).Int()
		counted := (q.Minutes + unit - 1) / unit
		perHour := h.p("vouchers.cheques_per_hour", rd).Int()
		r.cheques = counted * perHour
		month, year := 0, 0
		var lastDay wk.Date
		if t := c.Trajectory; t != nil {
			for k, v := range t.Hours {
				if k == rd.MonthKey() {
					month += v
				}
				if k[:4] == rd.MonthKey()[:4] {
					year += v
				}
			}
			if !t.Start.IsZero() {
				lastDay = t.Start.PeriodEnd(h.p("trajectory.max_months", date).Int())
			}
		}
		monthRem := max(0, h.p("hours.per_month_max", rd).Int()-month)
		yearRem := max(0, h.p("hours.per_year_max", rd).Int()-year)
		r.allowed = min(counted, monthRem, yearRem)
		if !lastDay.IsZero() && rd.After(lastDay) {
			r.allowed = 0
		}
		r.allowance = h.p("vouchers.allowance_per_cheque", rd).Decimal().Mul(decimal.NewFromInt(int64(r.allowed * perHour))).Round(places)
		r.travel = decimal.Zero
		if q.Km.GreaterThan(h.p("vouchers.travel_min_round_trip_km", rd).Decimal()) {
			r.travel = h.p("vouchers.travel_per_km", rd).Decimal().Mul(q.Km).Round(places)
		}
	}
	if c.Organiser != nil || c.Request != nil {
		r.fee = h.p("vouchers.registration_fee", date).Decimal()
	}
	if t := c.Trajectory; t != nil && t.Hours != nil {
		from, to := h.p("vouchers.covid2020_compensation_from", date).Date(), h.p("vouchers.covid2020_compensation_to", date).Date()
		if !date.Before(from) && !date.After(to) {
			n := h.p("vouchers.covid2020_compensation_reference_months", date).Int()
			first := from.StartOfMonth().AddMonths(-n).MonthKey()
			last := from.StartOfMonth().AddMonths(-1).MonthKey()
			hours := 0
			for k, v := range t.Hours {
				if k >= first && k <= last {
					hours += v
				}
			}
			amount := decimal.NewFromInt(int64(hours * h.p("vouchers.cheques_per_hour", date).Int())).
				Mul(h.p("vouchers.allowance_per_cheque", date).Decimal()).
				Mul(h.p("vouchers.covid2020_compensation_share", date).Decimal()).
				Div(decimal.NewFromInt(int64(n))).Round(places)
			r.covid = &amount
		}
	}
	if ch := c.Cheque; ch != nil {
		r.hasCheque = true
		ordinary := ch.Issued.PeriodEnd(h.p("vouchers.validity_months", ch.Issued).Int())
		covid2020 := !ordinary.Before(h.p("vouchers.covid2020_expiry_from", date).Date()) && !ordinary.After(h.p("vouchers.covid2020_expiry_to", date).Date())
		c21 := h.p("vouchers.covid2021_date", date).Date()
		covid2021 := !ch.Issued.After(c21) && !ordinary.Before(c21)
		r.expires = ordinary
		if covid2020 || covid2021 {
			r.expires = ch.Issued.PeriodEnd(h.p("vouchers.covid_validity_months", ch.Issued).Int())
		}
		r.valid = !date.Before(ch.Issued) && !date.After(r.expires)
		if date.After(r.expires) {
			r.reasons = append(r.reasons, "cheque_expired")
		}
		if date.Before(ch.Issued) {
			r.reasons = append(r.reasons, "cheque_not_yet_issued")
		}
	}
	if p := c.Purchase; p != nil {
		r.hasTax = true
		r.taxReduction = decimal.Zero
		if p.Buyer == "natural_person" {
			paid := p.UnitPrice.Mul(decimal.NewFromInt(int64(p.Count)))
			room := decimal.Max(decimal.Zero, h.p("vouchers.tax_ceiling", p.Date).Decimal().Sub(p.ServiceChequesAmount))
			r.taxReduction = h.p("vouchers.tax_rate", p.Date).Decimal().Mul(decimal.Min(paid, room)).Round(places)
		}
	}
	return r
}

func benchCases() []*dossier.Case {
	p745, p8 := dec("7.45"), dec("8")
	return []*dossier.Case{
		{
			Trajectory: &dossier.Trajectory{Start: d("2024-01-08"), Hours: map[string]int{"2024-02": 40, "2024-03": 58}},
			Request:    &dossier.Request{Date: d("2024-03-20"), Minutes: 190, Km: dec("8.3")},
			Organiser:  &dossier.Organiser{ChequePrice: &p745},
			Cheque:     &dossier.Cheque{Issued: d("2023-05-10")},
			Purchase:   &dossier.Purchase{Date: d("2024-02-01"), Count: 40, UnitPrice: p745, Buyer: "natural_person", ServiceChequesAmount: dec("1300")},
		},
		{
			Request:  &dossier.Request{Date: d("2020-04-02"), Minutes: 60},
			Cheque:   &dossier.Cheque{Issued: d("2019-04-01")},
			Purchase: &dossier.Purchase{Date: d("2019-12-31"), Count: 3, UnitPrice: p745, Buyer: "natural_person"},
		},
		{
			Organiser: &dossier.Organiser{ChequePrice: &p8},
			Cheque:    &dossier.Cheque{Issued: d("2020-03-30")},
			Purchase:  &dossier.Purchase{Date: d("2020-06-01"), Count: 300, UnitPrice: p745, Buyer: "legal_person"},
		},
		{
			Trajectory: &dossier.Trajectory{Start: d("2018-01-10")},
			Request:    &dossier.Request{Date: d("2020-04-02"), Minutes: 61, Km: dec("1")},
			Cheque:     &dossier.Cheque{Issued: d("2021-03-30")},
		},
		{
			Trajectory: &dossier.Trajectory{Start: d("2019-08-01"), Hours: map[string]int{"2019-09": 30, "2019-12": 41, "2020-02": 12, "2020-03": 8}},
			Request:    &dossier.Request{Date: d("2020-04-02"), Minutes: 95, Km: dec("14")},
			Organiser:  &dossier.Organiser{ChequePrice: price("6.50")},
		},
	}
}

var benchDates = []string{"2024-03-20", "2020-04-02", "2021-05-01", "2020-04-02", "2020-04-02"}

func benchDecisionDates() []wk.Date {
	dates := make([]wk.Date, len(benchDates))
	for i, s := range benchDates {
		dates[i] = d(s)
	}
	return dates
}

// TestHandWrittenAgrees keeps the baseline honest: it must decide exactly
// as the rulebook does.
func TestHandWrittenAgrees(t *testing.T) {
	rb, _ := wk.Reference()
	e := engine(t)
	h := handWritten{rb}
	for i, c := range benchCases() {
		date := d(benchDates[i])
		got, err := e.Decide(date, c)
		require.NoError(t, err)
		want := h.decide(date, c)
		if c.Organiser != nil {
			require.Equal(t, want.priceValid, got.Price.Valid, "case %d", i)
		}
		require.Equal(t, fmt.Sprint(want.reasons), fmt.Sprint(wk.Codes(got.Reasons)), "case %d", i)
		if want.hasPay {
			require.Equal(t, want.cheques, got.Pay.ChequesNeeded, "case %d", i)
			require.Equal(t, want.allowed, got.Pay.Hours.Allowed, "case %d", i)
			require.True(t, want.allowance.Equal(got.Pay.Allowance), "case %d: %s %s", i, want.allowance, got.Pay.Allowance)
			require.True(t, want.travel.Equal(got.Pay.TravelAllowance), "case %d", i)
			require.True(t, want.fee.Equal(*got.RegistrationFee), "case %d", i)
		}
		if want.hasCheque {
			require.Equal(t, want.expires, got.Validity.Expires, "case %d", i)
			require.Equal(t, want.valid, got.Validity.Valid, "case %d", i)
		}
		if want.hasTax {
			require.True(t, want.taxReduction.Equal(got.Tax.Reduction), "case %d: %s %s", i, want.taxReduction, got.Tax.Reduction)
		}
		if want.covid == nil {
			require.Nil(t, got.CovidCompensation, "case %d", i)
		} else {
			require.NotNil(t, got.CovidCompensation, "case %d", i)
			require.True(t, want.covid.Equal(*got.CovidCompensation), "case %d: %s %s", i, want.covid, got.CovidCompensation)
		}
	}
}

// BenchmarkDecide measures one voucher decision (price, the request's hours
// and pay, validity, tax) through the rules, beside the same reference
// rules written in Go, in the same run. The baseline does not validate its
// case: rules decides a validated one, as a combined decision does;
// rules_validating is the public call validating it too.
func BenchmarkDecide(b *testing.B) {
	rb, _ := wk.Reference()
	cases, dates := benchCases(), benchDecisionDates()
	b.Run("handwritten", func(b *testing.B) {
		h := handWritten{rb}
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			k := i % len(cases)
			_ = h.decide(dates[k], cases[k])
		}
	})
	e := engine(b)
	b.Run("rules", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			k := i % len(cases)
			if _, err := e.Decide(dates[k], cases[k], area.CaseValidated()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rules_validating", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			k := i % len(cases)
			if _, err := e.Decide(dates[k], cases[k]); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Both alternately, for a ratio from one machine state.
	b.Run("pair", func(b *testing.B) {
		h := handWritten{rb}
		benchpair.Run(b, "handwritten", func(i int) {
			k := i % len(cases)
			_ = h.decide(dates[k], cases[k])
		}, "rules", func(i int) {
			k := i % len(cases)
			if _, err := e.Decide(dates[k], cases[k], area.CaseValidated()); err != nil {
				b.Fatal(err)
			}
		})
	})
}

// BenchmarkLedger measures ledger operations: per iteration a purchase and
// a redemption, over 1 000 users and workers, the date moving a day every
// 1 000 iterations. It reports operations per second.
func BenchmarkLedger(b *testing.B) {
	ledgerbench.Run(b, engine(b).NewLedger(), 1000)
}

// BenchmarkLedgerBalance measures a balance of a user with 100 batches and
// 400 redemptions.
func BenchmarkLedgerBalance(b *testing.B) {
	e := engine(b)
	l := e.NewLedger()
	price := dec("7.45")
	start := d("2022-01-01")
	for i := 0; i < 100; i++ {
		if _, err := l.Purchase("u", start.AddDays(3*i), 10, price); err != nil {
			b.Fatal(err)
		}
		for j := 0; j < 4; j++ {
			if _, err := l.Redeem(vouchers.Work{User: "u", Worker: fmt.Sprint("w", j), Date: start.AddDays(3*i + 1), Minutes: 60}); err != nil {
				b.Fatal(err)
			}
		}
	}
	on := start.AddDays(200)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = l.Balance("u", on)
	}
}
