package dossier_test

import (
	"errors"
	"fmt"

	"github.com/openwijkwerken/wijkwerken/dossier"
)

// A case document is read from YAML or JSON, strictly: a problem names its
// field and where it is written.
func ExampleParseDocument() {
	c, date, err := dossier.ParseDocument("case.yaml", []byte(`
date: 2024-03-01
case:
  person:
    domicile_region: flanders
    income: leefloon
`))
	if err != nil {
		panic(err)
	}
	fmt.Println(date, c.Person.Income == dossier.IncomeLeefloon)

	_, _, err = dossier.ParseDocument("bad.yaml", []byte("person:\n  domicile_region: mars\n  income: salary\n"))
	var ce *dossier.CaseError
	if errors.As(err, &ce) {
		for _, f := range ce.Fields {
			fmt.Println(f.Pos, f.Field)
		}
	}
	// Output:
	// 2024-03-01 true
	// bad.yaml:2:20 case.person.domicile_region
	// bad.yaml:3:11 case.person.income
}

// A case built in Go is checked as a decoded one is, every problem at once.
func ExampleCase_Validate() {
	c := &dossier.Case{
		Person:  &dossier.Person{DomicileRegion: dossier.RegionFlanders, Income: "salary"},
		Request: &dossier.Request{Minutes: -30},
	}
	var ce *dossier.CaseError
	if errors.As(c.Validate(), &ce) {
		for _, f := range ce.Fields {
			fmt.Println(f.Field)
		}
	}
	// Output:
	// case.person.income
	// case.request.minutes
}
