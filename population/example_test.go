package population_test

import (
	"fmt"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/population"
)

// A generator makes synthetic cases that the rulebook can decide: the same
// seed gives the same cases on every machine.
func ExampleNew() {
	rb, _ := wk.Reference()
	eng, _ := decision.New(rb)
	a, err := population.New(rb, wk.MustParseDate("2024-06-30"), 7)
	if err != nil {
		panic(err)
	}
	b, _ := population.New(rb, wk.MustParseDate("2024-06-30"), 7)
	same, decided := true, 0
	for i := 0; i < 1000; i++ {
		ra, rb := a.Next(), b.Next()
		same = same && ra.ID == rb.ID && ra.Date == rb.Date
		if _, err := eng.Decide(ra.Date, ra.Case); err == nil {
			decided++
		}
	}
	fmt.Println("same cases:", same, "decided:", decided)
	// Output:
	// same cases: true decided: 1000
}
