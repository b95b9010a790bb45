package area_test

import (
	"fmt"
	"testing/fstest"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/area"
)

// A toy area: its environment embeds area.Env and names, with expr tags,
// what its rules read (visits) and where value rules store their outputs
// (out). Compile type-checks the rules once; Eval runs those in force.
type visitEnv struct {
	area.Env
	Visits int          `expr:"visits"`
	Out    *visitResult `expr:"out"`
}

type visitResult struct {
	Fee int `expr:"fee"`
}

func ExampleCompile() {
	rb, err := wk.Load(fstest.MapFS{"visits.yaml": {Data: []byte(`
parameters:
  - id: visits.max
    type: integer
    cite: example
    description: {nl: maximum, en: maximum}
    values: [{from: 2024-01-01, value: 3}]
area: visits
rules:
  - id: visits.too_many
    cite: example
    from: 2024-01-01
    description: {nl: te veel, en: too many}
    when: visits > param("visits.max")
    reason: too_many_visits
    message: {nl: Te veel bezoeken., en: Too many visits.}
  - id: visits.fee
    cite: example
    from: 2024-01-01
    description: {nl: prijs, en: fee}
    value: visits * 5
    output: fee
`)}}, "visits.yaml")
	if err != nil {
		panic(err)
	}
	rs, err := area.Compile(rb, area.Spec{Area: "visits", Env: &visitEnv{}})
	if err != nil {
		panic(err)
	}
	env := &visitEnv{Visits: 4, Out: &visitResult{}}
	reasons, err := rs.Eval(env, wk.MustParseDate("2024-06-01"), nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(wk.Codes(reasons), env.Out.Fee)
	// Output:
	// [too_many_visits] 20
}
