package vouchers_test

import (
	"encoding/json"
	"errors"
	"fmt"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/vouchers"
	"github.com/shopspring/decimal"
)

// May an organiser charge this price for a wijk-werkcheque?
func ExampleEngine_Decide_price() {
	rb, _ := wk.Reference()
	eng, _ := vouchers.New(rb)
	p := decimal.RequireFromString("7.50")
	d, _ := eng.Decide(wk.MustParseDate("2024-03-01"), &dossier.Case{Organiser: &dossier.Organiser{ChequePrice: &p}})
	fmt.Println("price valid:", d.Price.Valid, "registration fee:", d.RegistrationFee)
	for _, r := range d.Reasons {
		fmt.Println(r.Code+":", r.Message.EN)
	}
	// Output:
	// price valid: false registration fee: 7.5
	// price_above_maximum: The price of the wijk-werkcheque is above the legal maximum.
}

// Until when may these cheques be used? The COVID measures of 2020 added
// three months.
func ExampleEngine_Decide_validity() {
	rb, _ := wk.Reference()
	eng, _ := vouchers.New(rb)
	c := &dossier.Case{Cheque: &dossier.Cheque{Issued: wk.MustParseDate("2019-04-01")}}
	for _, day := range []string{"2020-06-30", "2020-07-01"} {
		d, _ := eng.Decide(wk.MustParseDate(day), c)
		v := d.Validity
		fmt.Printf("on %s: ordinary last day %s, extended (2020) %v, last day %s, valid %v %v\n",
			day, v.OrdinaryExpiry, v.Covid2020, v.Expires, v.Valid, wk.Codes(d.Reasons))
	}
	// Output:
	// on 2020-06-30: ordinary last day 2020-03-31, extended (2020) true, last day 2020-06-30, valid true []
	// on 2020-07-01: ordinary last day 2020-03-31, extended (2020) true, last day 2020-06-30, valid false [cheque_expired]
}

// What does an assignment of 70 minutes, 8 km away, cost the user and earn
// the worker?
func ExampleEngine_Decide_allowance() {
	rb, _ := wk.Reference()
	eng, _ := vouchers.New(rb)
	c := &dossier.Case{Request: &dossier.Request{Date: wk.MustParseDate("2024-03-20"), Minutes: 70, Km: decimal.NewFromInt(18)}}
	d, _ := eng.Decide(wk.MustParseDate("2024-03-20"), c)
	fmt.Println("cheques:", d.Pay.ChequesNeeded, "hours allowed:", d.Pay.Hours.Allowed)
	fmt.Println("allowance:", d.Pay.Allowance.StringFixed(2), "travel:", d.Pay.TravelAllowance.StringFixed(2))
	// Output:
	// cheques: 2 hours allowed: 2
	// allowance: 8.20 travel: 2.70
}

// What may a private buyer deduct? Service cheques use the shared ceiling
// first.
func ExampleEngine_Decide_tax() {
	rb, _ := wk.Reference()
	eng, _ := vouchers.New(rb)
	c := &dossier.Case{Purchase: &dossier.Purchase{
		Date: wk.MustParseDate("2019-10-01"), Count: 20, UnitPrice: decimal.RequireFromString("7.45"),
		Buyer: "natural_person", ServiceChequesAmount: decimal.NewFromInt(1400),
	}}
	d, _ := eng.Decide(wk.MustParseDate("2020-03-01"), c)
	fmt.Println("paid:", d.Tax.AmountPaid.StringFixed(2), "within the ceiling:", d.Tax.Base.StringFixed(2), "reduction:", d.Tax.Reduction.StringFixed(2))
	// Output:
	// paid: 149.00 within the ceiling: 100.00 reduction: 30.00
}

// An organiser keeps its users' cheques and its workers' pay in a ledger.
func ExampleLedger() {
	rb, _ := wk.Reference()
	eng, _ := vouchers.New(rb)
	l := eng.NewLedger()
	price := decimal.RequireFromString("7.45")
	if _, err := l.Purchase("user-17", wk.MustParseDate("2024-01-10"), 10, price); err != nil {
		panic(err)
	}
	r, err := l.Redeem(vouchers.Work{User: "user-17", Worker: "worker-3", Date: wk.MustParseDate("2024-01-12"),
		Minutes: 150, Km: decimal.NewFromInt(16)})
	if err != nil {
		panic(err)
	}
	fmt.Println("redeemed", r.Cheques, "cheques of batch", r.Allocations[0].Batch)

	// Redeeming more than is left is refused, and changes nothing.
	_, err = l.Redeem(vouchers.Work{User: "user-17", Worker: "worker-3", Date: wk.MustParseDate("2024-01-20"), Minutes: 8 * 60})
	var refused *vouchers.RefusedError
	if errors.As(err, &refused) {
		fmt.Println("refused:", refused.Code)
	}

	b := l.Balance("user-17", wk.MustParseDate("2024-01-31"))
	fmt.Printf("issued %d = redeemed %d + expired %d + available %d; paid %s\n", b.Issued, b.Redeemed, b.Expired, b.Available, b.Paid.StringFixed(2))
	b = l.Balance("user-17", wk.MustParseDate("2025-01-10"))
	fmt.Printf("a year later: expired %d, available %d\n", b.Expired, b.Available)

	pay, _ := l.PayStatement("worker-3", "2024-01")
	fmt.Println("worker-3 in January:", pay.Hours, "hours,", pay.Allowance.StringFixed(2), "+", pay.Travel.StringFixed(2), "=", pay.Total.StringFixed(2))

	// The journal is what a vendor stores; reading it back replays it.
	data, _ := json.Marshal(l)
	again := eng.NewLedger()
	fmt.Println("journal reads back:", json.Unmarshal(data, again) == nil)
	// Output:
	// redeemed 3 cheques of batch 1
	// refused: insufficient_cheques
	// issued 10 = redeemed 3 + expired 0 + available 7; paid 74.50
	// a year later: expired 7, available 0
	// worker-3 in January: 3 hours, 12.30 + 2.40 = 14.70
	// journal reads back: true
}
