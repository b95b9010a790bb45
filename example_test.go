package wijkwerken_test

import (
	"fmt"

	wk "github.com/openwijkwerken/wijkwerken"
)

// The reference rulebook is embedded; parameters are read by date.
func ExampleReference() {
	rb, err := wk.Reference()
	if err != nil {
		panic(err)
	}
	for _, date := range []string{"2019-12-31", "2020-01-01"} {
		rate, _ := rb.Param("vouchers.tax_rate", wk.MustParseDate(date))
		fmt.Println(date, rate)
	}
	limit, _ := rb.Param("hours.per_month_max", wk.MustParseDate("2024-03-01"))
	fmt.Println("monthly limit:", limit)
	// Output:
	// 2019-12-31 0.3
	// 2020-01-01 0.2
	// monthly limit: 60
}

// An analyst's reform changes a parameter from a date, without touching
// the reference.
func ExampleRulebook_Reform() {
	rb, _ := wk.Reference()
	rf, err := wk.ParseReform("cap80.yaml", []byte(`
reform: monthly cap of 80 hours from 2027
cite: policy note (hypothetical)
set:
  - param: hours.per_month_max
    from: 2027-01-01
    value: 80
`))
	if err != nil {
		panic(err)
	}
	reformed, err := rb.Reform(rf)
	if err != nil {
		panic(err)
	}
	for _, date := range []string{"2026-12-31", "2027-01-01"} {
		before, _ := rb.Param("hours.per_month_max", wk.MustParseDate(date))
		after, _ := reformed.Param("hours.per_month_max", wk.MustParseDate(date))
		fmt.Println(date, before, "->", after)
	}
	// Output:
	// 2026-12-31 60 -> 60
	// 2027-01-01 60 -> 80
}

// Month arithmetic clamps to the end of the month; a period of N months
// ends the day before the same day N months later.
func ExampleDate_PeriodEnd() {
	start := wk.MustParseDate("2024-03-01")
	fmt.Println(start.PeriodEnd(12))
	fmt.Println(wk.MustParseDate("2024-01-31").AddMonths(1))
	// Output:
	// 2025-02-28
	// 2024-02-29
}
