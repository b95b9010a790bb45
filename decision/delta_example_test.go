package decision_test

import (
	"fmt"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/shopspring/decimal"
)

// A reform of the tax rate can change the voucher decisions only: under it
// a case is decided from its baseline decision, the other areas kept.
func ExampleNewDelta() {
	ref, _ := wk.Reference()
	base, _ := decision.New(ref)
	rf, _ := wk.ParseReform("r.yaml", []byte(`reform: the 20 % tax reduction kept
cite: example
set:
  - {param: vouchers.tax_rate, from: 2026-01-01, value: 0.20}
`))
	rb, _ := ref.Reform(rf)
	reformed, _ := decision.New(rb)
	d, _ := decision.NewDelta(base, reformed)
	fmt.Println(d.Changed())

	date := wk.MustParseDate("2026-03-01")
	c := &dossier.Case{
		Person:   &dossier.Person{DomicileRegion: "flanders", RegisteredJobseeker: true, Income: "unemployment_benefit"},
		Purchase: &dossier.Purchase{Date: date, Count: 20, UnitPrice: decimal.RequireFromString("7.45"), Buyer: "natural_person"},
	}
	before, _ := base.Decide(date, c)
	after, _ := d.Decide(before, date, c)
	for _, p := range []string{"vouchers.tax_reduction", "eligibility.eligible"} {
		b, _ := before.Get(p)
		a, _ := after.Get(p)
		fmt.Println(p, b, "->", a)
	}
	// Output:
	// [vouchers]
	// vouchers.tax_reduction 0 -> 29.8
	// eligibility.eligible true -> true
}
