package eligibility_test

import (
	"slices"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/area"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/eligibility"
	"github.com/openwijkwerken/wijkwerken/internal/benchpair"
)

// handWritten is the reference eligibility rules written directly in Go,
// the baseline the rules engine is measured against. Parameters are read
// from the rulebook once, as a hand-written implementation would hold them.
type handWritten struct {
	regions, exempt, ocmw []string
	interimMax            int
}

func newHandWritten(rb *wk.Rulebook, d wk.Date) handWritten {
	get := func(id string) wk.Value { v, _ := rb.Param(id, d); return v }
	return handWritten{
		regions:    get("eligibility.domicile_regions").List(),
		exempt:     get("eligibility.registration_exempt_incomes").List(),
		ocmw:       get("eligibility.ocmw_incomes").List(),
		interimMax: get("eligibility.interim_days_max").Int(),
	}
}

func (h handWritten) decide(c *dossier.Case) (bool, string, []string) {
	p := c.Person
	var reasons []string
	if !slices.Contains(h.regions, p.DomicileRegion) {
		reasons = append(reasons, "not_domiciled_in_flanders")
	}
	if !p.RegisteredJobseeker && !slices.Contains(h.exempt, p.Income) {
		reasons = append(reasons, "not_registered_jobseeker")
	}
	if p.SocialEconomyHighest {
		reasons = append(reasons, "social_economy_highest")
	}
	if p.FasterRouteAvailable {
		reasons = append(reasons, "faster_route_available")
	}
	if p.InterimDaysLast28 > h.interimMax {
		reasons = append(reasons, "interim_limit_exceeded")
	}
	referrer := "vdab"
	hh := c.Household
	if slices.Contains(h.ocmw, p.Income) || (p.Income == "none" && hh != nil && slices.Contains(h.ocmw, hh.Partner.Income) && hh.OCMWOption == "refer_both" && hh.VDABConsulted) {
		referrer = "ocmw"
	}
	return len(reasons) == 0, referrer, reasons
}

var benchCases = []*dossier.Case{
	{Person: &dossier.Person{DomicileRegion: "flanders", RegisteredJobseeker: true, Income: "unemployment_benefit"}},
	{Person: &dossier.Person{DomicileRegion: "flanders", Income: "leefloon", InterimDaysLast28: 12}},
	{Person: &dossier.Person{DomicileRegion: "brussels", Income: "none", SocialEconomyHighest: true}},
	{Person: &dossier.Person{DomicileRegion: "flanders", RegisteredJobseeker: true, Income: "none"},
		Household: &dossier.Household{Partner: dossier.Partner{Income: "leefloon"}, OCMWOption: "refer_both", VDABConsulted: true}},
}

// TestHandWrittenAgrees keeps the baseline honest: it must decide exactly
// as the rulebook does.
func TestHandWrittenAgrees(t *testing.T) {
	rb, _ := wk.Reference()
	e := engine(t)
	h := newHandWritten(rb, day)
	for i, c := range benchCases {
		d, err := e.Decide(day, c)
		if err != nil {
			t.Fatal(err)
		}
		ok, ref, reasons := h.decide(c)
		if ok != d.Eligible || ref != d.Referrer || !slices.Equal(reasons, wk.Codes(d.Reasons)) {
			t.Errorf("case %d: hand-written %v %s %v, rules %v %s %v", i, ok, ref, reasons, d.Eligible, d.Referrer, wk.Codes(d.Reasons))
		}
	}
}

// BenchmarkEligibility compares, in one run, the rules engine with the
// hand-written baseline: read the ratio of ns/op between the sub-benchmarks.
func BenchmarkEligibility(b *testing.B) {
	rb, _ := wk.Reference()
	b.Run("handwritten", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			// The baseline resolves its parameters per decision date too.
			h := newHandWritten(rb, day)
			h.decide(benchCases[i%len(benchCases)])
		}
	})
	b.Run("handwritten_params_once", func(b *testing.B) {
		b.ReportAllocs()
		h := newHandWritten(rb, day)
		for i := 0; i < b.N; i++ {
			h.decide(benchCases[i%len(benchCases)])
		}
	})
	// The baseline does not validate its case: rules decides a validated
	// one, as a combined decision does; rules_validating is the public call
	// validating it too.
	b.Run("rules", func(b *testing.B) {
		e, _ := eligibility.New(rb)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := e.Decide(day, benchCases[i%len(benchCases)], area.CaseValidated()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("rules_validating", func(b *testing.B) {
		e, _ := eligibility.New(rb)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := e.Decide(day, benchCases[i%len(benchCases)]); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Both alternately, for a ratio from one machine state.
	b.Run("pair", func(b *testing.B) {
		e, _ := eligibility.New(rb)
		benchpair.Run(b, "handwritten", func(i int) {
			newHandWritten(rb, day).decide(benchCases[i%len(benchCases)])
		}, "rules", func(i int) {
			if _, err := e.Decide(day, benchCases[i%len(benchCases)], area.CaseValidated()); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("rules_traced", func(b *testing.B) {
		e, _ := eligibility.New(rb)
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			if _, err := e.Decide(day, benchCases[i%len(benchCases)], wk.WithTrace()); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkNew measures compiling the eligibility rules.
func BenchmarkNew(b *testing.B) {
	rb, _ := wk.Reference()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := eligibility.New(rb); err != nil {
			b.Fatal(err)
		}
	}
}
