package vouchers_test

import (
	"strings"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/trajectory"
	"github.com/openwijkwerken/wijkwerken/vouchers"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func engine(t testing.TB) *vouchers.Engine {
	t.Helper()
	rb, err := wk.Reference()
	require.NoError(t, err)
	e, err := vouchers.New(rb)
	require.NoError(t, err)
	return e
}

func d(s string) wk.Date           { return wk.MustParseDate(s) }
func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }
func price(s string) *decimal.Decimal {
	p := dec(s)
	return &p
}

// assertDec compares amounts by value (7.5 equals 7.50).
func assertDec(t *testing.T, want string, got decimal.Decimal, msg string) {
	t.Helper()
	assert.True(t, dec(want).Equal(got), "%s: want %s, got %s", msg, want, got)
}

// The price band (docs/regulation.md §7.2): 5.95 to 7.45, both included.
func TestPriceBand(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct {
		price  string
		valid  bool
		reason string
	}{
		{"5.94", false, "price_below_minimum"},
		{"5.95", true, ""},
		{"6.45", true, ""},
		{"6.450", true, ""},
		{"6.95", true, ""},
		{"6.70", false, "price_not_allowed_step"},
		{"6.46", false, "price_not_allowed_step"},
		{"7.449", false, "price_not_allowed_step"},
		{"7.45", true, ""},
		{"7.450", true, ""},
		{"7.46", false, "price_above_maximum"},
		{"0", false, "price_below_minimum"},
		{"12", false, "price_above_maximum"},
	} {
		got, err := e.Decide(d("2024-03-01"), &dossier.Case{Organiser: &dossier.Organiser{ChequePrice: price(tc.price)}})
		require.NoError(t, err)
		require.NotNil(t, got.Price)
		assert.Equal(t, tc.valid, got.Price.Valid, tc.price)
		want := []string{}
		if tc.reason != "" {
			want = []string{tc.reason}
		}
		assert.Equal(t, want, wk.Codes(got.Reasons), tc.price)
		assert.Nil(t, got.Pay)
		assert.Nil(t, got.Validity)
		assert.Nil(t, got.Tax)
		require.NotNil(t, got.RegistrationFee)
		assertDec(t, "7.50", *got.RegistrationFee, "fee")
	}
}

// Cheques per started hour and the worker's pay (docs/modelling-decisions.md MD 1-2).
func TestPay(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct {
		name             string
		minutes          int
		km               string
		registered       map[string]int
		start            string
		cheques, allowed int
		allowance, trav  string
	}{
		{"one minute", 1, "", nil, "", 1, 1, "4.10", "0"},
		{"59 minutes", 59, "", nil, "", 1, 1, "4.10", "0"},
		{"60 minutes", 60, "", nil, "", 1, 1, "4.10", "0"},
		{"61 minutes, 3 km round trip", 61, "3", nil, "", 2, 2, "8.20", "0"},
		{"a whole day, 20 km", 8 * 60, "20", nil, "", 8, 8, "32.80", "3.00"},
		{"travel rounds half up", 60, "10.1", nil, "", 1, 1, "4.10", "1.52"},
		{"travel 8.3 km round trip", 60, "8.3", nil, "", 1, 1, "4.10", "0"},
		{"month nearly full", 180, "", map[string]int{"2024-03": 58}, "", 3, 2, "8.20", "0"},
		{"month full, 10 km is no more than 10", 180, "10", map[string]int{"2024-03": 60}, "", 3, 0, "0", "0"},
		{"month full, travel still 15 km", 180, "15", map[string]int{"2024-03": 60}, "", 3, 0, "0", "2.25"},
		{"year nearly full", 120, "", map[string]int{"2024-01": 60, "2024-02": 60, "2023-12": 60}, "", 2, 2, "8.20", "0"},
		{"after the trajectory", 120, "", nil, "2023-01-10", 2, 0, "0", "0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &dossier.Case{Request: &dossier.Request{Date: d("2024-03-20"), Minutes: tc.minutes}}
			if tc.km != "" {
				c.Request.Km = dec(tc.km)
			}
			if tc.registered != nil || tc.start != "" {
				c.Trajectory = &dossier.Trajectory{Hours: tc.registered}
				if tc.start != "" {
					c.Trajectory.Start = d(tc.start)
				}
			}
			got, err := e.Decide(d("2024-03-20"), c)
			require.NoError(t, err)
			require.NotNil(t, got.Pay)
			assert.Equal(t, tc.cheques, got.Pay.ChequesNeeded)
			assert.Equal(t, tc.allowed, got.Pay.Hours.Allowed)
			assertDec(t, tc.allowance, got.Pay.Allowance, "allowance")
			assertDec(t, tc.trav, got.Pay.TravelAllowance, "travel")
			require.NotNil(t, got.RegistrationFee)
			assert.Nil(t, got.Price, "no price given")
		})
	}
}

// The last valid day of a batch (docs/modelling-decisions.md MD 8), each branch and both
// edges of each COVID window.
func TestValidity(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct {
		issued, ordinary, expires string
		c2020, c2021              bool
	}{
		{"2023-01-15", "2024-01-14", "2024-01-14", false, false},
		{"2023-01-31", "2024-01-30", "2024-01-30", false, false},
		{"2020-02-29", "2021-02-27", "2021-02-27", false, false},
		{"2019-03-12", "2020-03-11", "2020-03-11", false, false},
		{"2019-03-13", "2020-03-12", "2020-06-12", true, false},
		{"2019-04-30", "2020-04-29", "2020-07-29", true, false},
		{"2019-05-04", "2020-05-03", "2020-08-03", true, false},
		{"2019-05-05", "2020-05-04", "2020-05-04", false, false},
		{"2020-03-29", "2021-03-28", "2021-03-28", false, false},
		{"2020-03-30", "2021-03-29", "2021-06-29", false, true},
		{"2020-03-31", "2021-03-30", "2021-06-29", false, true},
		{"2020-06-02", "2021-06-01", "2021-09-01", false, true},
		{"2020-12-31", "2021-12-30", "2022-03-30", false, true},
		{"2021-03-29", "2022-03-28", "2022-06-28", false, true},
		{"2021-03-30", "2022-03-29", "2022-03-29", false, false},
	} {
		got, err := e.Decide(d("2022-01-01"), &dossier.Case{Cheque: &dossier.Cheque{Issued: d(tc.issued)}})
		require.NoError(t, err)
		v := got.Validity
		require.NotNil(t, v)
		assert.Equal(t, tc.ordinary, v.OrdinaryExpiry.String(), "ordinary, issued %s", tc.issued)
		assert.Equal(t, tc.expires, v.Expires.String(), "issued %s", tc.issued)
		assert.Equal(t, tc.c2020, v.Covid2020, "2020, issued %s", tc.issued)
		assert.Equal(t, tc.c2021, v.Covid2021, "2021, issued %s", tc.issued)
		assert.Nil(t, got.RegistrationFee, "a cheque alone has no fee")
	}
}

func TestValidOnDate(t *testing.T) {
	e := engine(t)
	c := &dossier.Case{Cheque: &dossier.Cheque{Issued: d("2023-01-15")}}
	for _, tc := range []struct {
		date   string
		valid  bool
		reason []string
	}{
		{"2023-01-14", false, []string{"cheque_not_yet_issued"}},
		{"2023-01-15", true, []string{}},
		{"2024-01-14", true, []string{}},
		{"2024-01-15", false, []string{"cheque_expired"}},
	} {
		got, err := e.Decide(d(tc.date), c)
		require.NoError(t, err)
		assert.Equal(t, tc.valid, got.Validity.Valid, tc.date)
		assert.Equal(t, tc.reason, wk.Codes(got.Reasons), tc.date)
	}
}

// The tax reduction (docs/modelling-decisions.md MD 9).
func TestTaxReduction(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct {
		name, date        string
		count             int
		price, buyer, sc  string
		paid, base, taxed string
	}{
		{"2018 at 30 %", "2018-03-01", 10, "7.45", "natural_person", "0", "74.50", "74.50", "22.35"},
		{"2018 ceiling", "2018-12-31", 200, "7.45", "natural_person", "0", "1490", "1470", "441"},
		{"2019 ceiling", "2019-01-01", 202, "7.45", "natural_person", "0", "1504.90", "1500", "450"},
		{"30 % to 31 December 2019", "2019-12-31", 1, "5.95", "natural_person", "0", "5.95", "5.95", "1.79"},
		{"20 % from 1 January 2020", "2020-01-01", 1, "5.95", "natural_person", "0", "5.95", "5.95", "1.19"},
		{"service cheques first", "2019-05-01", 20, "7.45", "natural_person", "1400", "149", "100", "30"},
		{"service cheques fill the ceiling", "2019-05-01", 20, "7.45", "natural_person", "1500", "149", "0", "0"},
		{"service cheques above the ceiling", "2019-05-01", 20, "7.45", "natural_person", "2000", "149", "0", "0"},
		{"2020 ceiling", "2020-07-01", 300, "7.45", "natural_person", "0", "2235", "1520", "304"},
		{"2021 ceiling", "2021-01-01", 300, "7.45", "natural_person", "0", "2235", "1530", "306"},
		{"ceiling carried forward", "2025-02-01", 300, "7.45", "natural_person", "0", "2235", "1530", "306"},
		{"no reduction from 2026", "2026-01-01", 10, "7.45", "natural_person", "0", "74.50", "74.50", "0"},
		{"legal person", "2019-05-01", 20, "7.45", "legal_person", "0", "149", "0", "0"},
		{"nothing bought", "2019-05-01", 0, "7.45", "natural_person", "0", "0", "0", "0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &dossier.Case{Purchase: &dossier.Purchase{Date: d(tc.date), Count: tc.count, UnitPrice: dec(tc.price),
				Buyer: tc.buyer, ServiceChequesAmount: dec(tc.sc)}}
			got, err := e.Decide(d("2026-01-01"), c)
			require.NoError(t, err)
			require.NotNil(t, got.Tax)
			assertDec(t, tc.paid, got.Tax.AmountPaid, "paid")
			assertDec(t, tc.base, got.Tax.Base, "base")
			assertDec(t, tc.taxed, got.Tax.Reduction, "reduction")
		})
	}
}

func TestBadCases(t *testing.T) {
	e := engine(t)
	for _, tc := range []struct {
		name string
		c    *dossier.Case
		want string
	}{
		{"cheque without issue date", &dossier.Case{Cheque: &dossier.Cheque{}}, "case.cheque.issued"},
		{"purchase without date", &dossier.Case{Purchase: &dossier.Purchase{Buyer: "natural_person"}}, "case.purchase.date"},
		{"purchase without buyer", &dossier.Case{Purchase: &dossier.Purchase{Date: d("2019-01-01")}}, "case.purchase.buyer"},
		{"unknown buyer", &dossier.Case{Purchase: &dossier.Purchase{Date: d("2019-01-01"), Buyer: "firm"}}, "natural_person"},
		{"negative count", &dossier.Case{Purchase: &dossier.Purchase{Date: d("2019-01-01"), Buyer: "legal_person", Count: -1}}, "case.purchase.count"},
		{"negative price", &dossier.Case{Organiser: &dossier.Organiser{ChequePrice: price("-7.45")}}, "case.organiser.cheque_price"},
		{"request without date", &dossier.Case{Request: &dossier.Request{Minutes: 60}}, "case.request.date"},
		{"negative km", &dossier.Case{Request: &dossier.Request{Date: d("2024-01-01"), Minutes: 60, Km: dec("-1")}}, "case.request.km"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.Decide(d("2024-03-01"), tc.c)
			var ce *dossier.CaseError
			require.ErrorAs(t, err, &ce)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
	_, err := e.Decide(d("2024-03-01"), &dossier.Case{Person: &dossier.Person{}})
	assert.ErrorIs(t, err, vouchers.ErrNothingToDecide)
	_, err = e.Decide(d("2024-03-01"), nil)
	assert.ErrorIs(t, err, vouchers.ErrNothingToDecide)
}

func TestBeforeWijkWerkenIsAnError(t *testing.T) {
	e := engine(t)
	_, err := e.Decide(d("2017-12-31"), &dossier.Case{Organiser: &dossier.Organiser{ChequePrice: price("7.45")}})
	var nf *wk.NotInForceError
	require.ErrorAs(t, err, &nf)
	assert.Contains(t, err.Error(), "2017-12-31")

	// A purchase before the tax rate's timeline is a rule error naming the
	// parameter and the date.
	_, err = e.Decide(d("2018-02-01"), &dossier.Case{Purchase: &dossier.Purchase{Date: d("2017-12-01"), Count: 1, UnitPrice: dec("7.45"), Buyer: "natural_person"}})
	var re *wk.RuleError
	require.ErrorAs(t, err, &re)
	assert.Contains(t, err.Error(), "2017-12-01")
}

func TestTraceShowsTheParametersUsed(t *testing.T) {
	e := engine(t)
	c := &dossier.Case{
		Request:  &dossier.Request{Date: d("2019-06-03"), Minutes: 70, Km: dec("4")},
		Purchase: &dossier.Purchase{Date: d("2019-06-01"), Count: 10, UnitPrice: dec("7.45"), Buyer: "natural_person"},
	}
	got, err := e.Decide(d("2019-06-03"), c, wk.WithTrace())
	require.NoError(t, err)
	require.NotNil(t, got.Trace)
	var b strings.Builder
	got.Trace.Format(&b, "en")
	for _, s := range []string{"vouchers.allowance", "vouchers.allowance_per_cheque", "4.1", "vouchers.tax_rate", "0.3", "hours.counted"} {
		assert.Contains(t, b.String(), s)
	}
}

// WithTrajectory decides exactly as New.
func TestWithTrajectory(t *testing.T) {
	rb, _ := wk.Reference()
	te, err := trajectory.New(rb)
	require.NoError(t, err)
	e2, err := vouchers.WithTrajectory(te)
	require.NoError(t, err)
	e1 := engine(t)
	c := &dossier.Case{Request: &dossier.Request{Date: d("2024-03-20"), Minutes: 130, Km: dec("2")},
		Cheque: &dossier.Cheque{Issued: d("2023-04-01")}}
	a, err := e1.Decide(d("2024-03-20"), c)
	require.NoError(t, err)
	b, err := e2.Decide(d("2024-03-20"), c)
	require.NoError(t, err)
	assert.Equal(t, a, b)
}

// An analyst's reform: the band rises to 9 euro from 2027.
func TestReformedPriceBand(t *testing.T) {
	rb, _ := wk.Reference()
	rf, err := wk.ParseReform("band.yaml", []byte(`
reform: band 9 from 2027
cite: test
set:
  - {param: vouchers.price_max, from: 2027-01-01, value: 9.00}
`))
	require.NoError(t, err)
	rb2, err := rb.Reform(rf)
	require.NoError(t, err)
	e, err := vouchers.New(rb2)
	require.NoError(t, err)
	// 8.45 is 5.95 plus five steps of 0.50: above the band until 2027.
	c := &dossier.Case{Organiser: &dossier.Organiser{ChequePrice: price("8.45")}}
	for date, want := range map[string]bool{"2026-12-31": false, "2027-01-01": true} {
		got, err := e.Decide(d(date), c)
		require.NoError(t, err)
		assert.Equal(t, want, got.Price.Valid, date)
	}
}
