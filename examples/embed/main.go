// Command embed shows a vendor's case software deciding eligibility from Go:
// compile the rulebook once at start-up, then decide per case, with the
// reasons (Dutch and English, cited) and, on request, the trace.
//
//	go run ./examples/embed
package main

import (
	"encoding/json"
	"fmt"
	"log"
	"os"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/eligibility"
)

func main() {
	// At start-up: the embedded reference rulebook, compiled once. The
	// engine is immutable and safe to share between request handlers.
	rb, err := wk.Reference()
	if err != nil {
		log.Fatal(err)
	}
	eng, err := eligibility.New(rb)
	if err != nil {
		log.Fatal(err)
	}

	// Per case: the case software fills a dossier.Case from its own records
	// (or decodes one with dossier.ParseCase) and decides on a date.
	cases := map[string]*dossier.Case{
		"Amira (leefloon)": {Person: &dossier.Person{DomicileRegion: "flanders", Income: "leefloon"}},
		"Bram (benefit, 12 interim days)": {Person: &dossier.Person{
			DomicileRegion: "flanders", RegisteredJobseeker: true, Income: "unemployment_benefit", InterimDaysLast28: 12,
		}},
		"Chloé (free jobseeker, partner on leefloon, option A)": {
			Person:    &dossier.Person{DomicileRegion: "flanders", RegisteredJobseeker: true, Income: "none"},
			Household: &dossier.Household{Partner: dossier.Partner{Income: "leefloon"}, OCMWOption: "refer_both", VDABConsulted: true},
		},
	}
	date := wk.MustParseDate("2024-03-01")
	for _, name := range []string{"Amira (leefloon)", "Bram (benefit, 12 interim days)", "Chloé (free jobseeker, partner on leefloon, option A)"} {
		d, err := eng.Decide(date, cases[name])
		if err != nil {
			log.Fatalf("%s: %v", name, err)
		}
		fmt.Printf("%s: eligible=%v referrer=%s\n", name, d.Eligible, d.Referrer)
		for _, r := range d.Reasons {
			fmt.Printf("  - %s\n    nl: %s\n    en: %s\n    [%s]\n", r.Code, r.Message.NL, r.Message.EN, r.Cite)
		}
	}

	// Bad input is an error naming the field and what is allowed, never a
	// silent "not eligible".
	_, err = eng.Decide(date, &dossier.Case{Person: &dossier.Person{DomicileRegion: "flanders", Income: "salary"}})
	fmt.Println("\nbad input:", err)

	// Decisions are plain structs that marshal to JSON for storage; the
	// trace explains every rule with the parameter values it read.
	d, _ := eng.Decide(date, cases["Bram (benefit, 12 interim days)"], wk.WithTrace())
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	fmt.Println("\nstored decision with its trace (first step):")
	_ = enc.Encode(d.Trace.Steps[0])
}
