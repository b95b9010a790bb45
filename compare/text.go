package compare

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/internal/errwriter"
	"github.com/shopspring/decimal"
)

// WriteText writes the report as tables for a terminal, in English.
func (r *Report) WriteText(w io.Writer) error { return r.WriteTextLang(w, English) }

// WriteTextLang writes the report as tables for a terminal in lang: the
// headline, the winners and losers, the budget per year, the group
// breakdowns, the outputs that change (decisions and reasons; bookkeeping
// apart), the rules and examples of changed decisions.
func (r *Report) WriteTextLang(w io.Writer, l Lang) error {
	ew := errwriter.New(w)
	ew.Printf("%s: %s\n", l.t("Baseline"), r.Baseline)
	ew.Printf("%s: %s %s, %s %s; %s: %s\n", l.t("Fingerprints"), l.t("baseline"), r.Fingerprints.Baseline,
		l.t("with the reforms"), r.Fingerprints.Reformed, l.t("Engine"), "wijkwerken "+r.Engine)
	writeReforms(ew, l, r.Reforms)
	ew.Printf("%s: %s %s, %s %s, %s %s", l.t("Population"), l.integer(r.Cases), l.t("cases"), l.integer(r.Decided), l.t("decided under both rulebooks"), l.integer(r.Errors), l.t("errors"))
	if !r.Date.IsZero() {
		ew.Printf("; %s %s", l.t("decided on"), r.Date)
	}
	ew.Printf("; %s s\n\n", l.decimal(decimal.NewFromFloat(r.Elapsed.Seconds()), 1))

	h := r.Headline
	ew.Printf("%s: %s %s (%s); %s %s; %s %s; %s %s.\n\n", l.t("Headline"),
		l.integer(h.DecisionChanged), l.t("cases whose decision changes"), l.percent(h.DecisionChanged, r.Decided),
		l.integer(h.ReasonsOnly), l.t("more only in their reasons"), l.integer(h.BookkeepingOnly), l.t("only in bookkeeping"),
		l.integer(h.Unchanged), l.t("unchanged cases"))

	ew.Printf("%s\n", l.t("Winners and losers"))
	tw := tabwriter.NewWriter(ew, 2, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", l.t("actor"), l.t("measure"), l.t("better when"), l.t("gain"), l.t("lose"),
		l.t("unchanged"), l.t("net change"), l.t("mean change"), l.t("10th–90th percentile"))
	for _, a := range r.Actors {
		mean, spread := "", ""
		if a.Changed > 0 {
			mean, spread = l.signed(a.Mean, a.Unit), l.signed(a.P10, a.Unit)+" … "+l.signed(a.P90, a.Unit)
		}
		fmt.Fprintf(tw, "%s\t%s (%s)\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", l.t(a.Actor), l.t(a.Measure), l.unit(a.Unit), l.t(a.Better),
			l.integer(a.Gain), l.integer(a.Lose), l.integer(a.Same), l.signed(a.Change, a.Unit), mean, spread)
	}
	tw.Flush()

	for _, y := range r.Budget {
		ew.Printf("\n%s %d (%s %s)\n", l.t("Budget per year"), y.Year, l.integer(y.Cases), l.t("cases"))
		tw = tabwriter.NewWriter(ew, 2, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "  \t%s\t%s\t%s\t%s\n", l.t("before"), l.t("after"), l.t("change"), l.t("formula"))
		section := ""
		for _, b := range y.Lines {
			if b.Section != section {
				section = b.Section
				name := l.t(section)
				if section == "government" {
					name = l.t("Flemish government and the cheque system")
				}
				fmt.Fprintf(tw, "  %s\t\t\t\t\n", name)
			}
			fmt.Fprintf(tw, "    %s\t%s\t%s\t%s\t%s\n", l.t(b.Name), l.amount(b.Before, "EUR"), l.amount(b.After, "EUR"), l.signed(b.Change, "EUR"), b.Formula)
		}
		tw.Flush()
	}

	for _, g := range r.Groups {
		ew.Printf("\n%s %s (%s)\n", l.t("Groups by"), g.Field, g.Doc)
		tw = tabwriter.NewWriter(ew, 2, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "%s\t%s\t%s\t", l.t("group"), l.t("cases"), l.t("decision changes"))
		var keys []ActorChange
		for _, a := range r.Actors {
			if a.Changed > 0 {
				keys = append(keys, a)
				fmt.Fprintf(tw, "%s %s/%s\t%s\t", l.t(a.Measure), l.t("gain"), l.t("lose"), l.unit(a.Unit))
			}
		}
		fmt.Fprintln(tw)
		for _, row := range g.Rows {
			fmt.Fprintf(tw, "%s\t%s\t%s\t", row.Value, l.integer(row.Cases), l.integer(row.DecisionChanged))
			for _, a := range keys {
				for _, m := range row.Measures {
					if m.Key == a.Key {
						fmt.Fprintf(tw, "%s/%s\t%s\t", l.integer(m.Gain), l.integer(m.Lose), l.signed(m.Change, a.Unit))
					}
				}
			}
			fmt.Fprintln(tw)
		}
		tw.Flush()
	}

	writeOutputs := func(title string, keep func(decision.Kind) bool) {
		ew.Printf("\n%s: %s\n", l.t("Outputs that change"), title)
		tw := tabwriter.NewWriter(ew, 2, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", l.t("output"), l.t("computed before"), l.t("after"), l.t("changed"), l.t("how"))
		any := false
		for _, o := range r.Outputs {
			if o.Changed == 0 || !keep(o.Kind) {
				continue
			}
			any = true
			var how []string
			for _, d := range o.Directions {
				how = append(how, fmt.Sprintf("%s %s", d.Kind, l.integer(d.Cases)))
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", o.Path, l.integer(o.Before), l.integer(o.After), l.integer(o.Changed), strings.Join(how, ", "))
		}
		tw.Flush()
		if !any {
			ew.Printf("  %s\n", l.t("None."))
		}
	}
	writeOutputs(l.t("decisions")+", "+l.t("reasons"), func(k decision.Kind) bool { return k != decision.Bookkeeping })
	writeOutputs(l.t("bookkeeping"), func(k decision.Kind) bool { return k == decision.Bookkeeping })

	if len(r.Rules) > 0 {
		ew.Printf("\n%s\n", l.t("Rules whose reasons appear or disappear"))
		tw = tabwriter.NewWriter(ew, 2, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", l.t("rule"), l.t("reason"), l.t("appears in"), l.t("disappears from"), l.t("Cites"))
		for _, rc := range r.Rules {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", rc.Rule, rc.Reason, l.integer(rc.Started), l.integer(rc.Stopped), rc.Cite)
		}
		tw.Flush()
	}

	examples := false
	for _, o := range r.Outputs {
		if o.Kind == decision.Bookkeeping {
			continue
		}
		for _, d := range o.Directions {
			if len(d.Examples) == 0 {
				continue
			}
			if !examples {
				ew.Printf("\n%s (%s: %s → %s)\n", l.t("Examples"), l.t("case (line)"), l.t("before"), l.t("after"))
				examples = true
			}
			var xs []string
			for _, e := range d.Examples {
				xs = append(xs, fmt.Sprintf("%s (%s %d): %s → %s", e.ID, l.t("line"), e.Line, e.Before, e.After))
			}
			ew.Printf("  %s %s: %s\n", o.Path, d.Kind, strings.Join(xs, "; "))
		}
	}

	ew.Printf("\n%s\n", l.t("Other totals"))
	tw = tabwriter.NewWriter(ew, 2, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", l.t("total"), l.t("unit"), l.t("before"), l.t("after"), l.t("change"))
	for _, t := range r.Totals {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", l.t(t.Name), l.unit(t.Unit), l.amount(t.Before, t.Unit), l.amount(t.After, t.Unit), l.signed(t.Change, t.Unit))
	}
	tw.Flush()
	writeErrorLines(ew, l, r.ErrorLines, r.Errors)
	return ew.Err()
}

// WriteCSV writes the report as one long table for spreadsheets:
// section (total, output, direction, rule), item, kind, unit, before,
// after, change, cases.
func (r *Report) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	rows := [][]string{{"section", "item", "kind", "unit", "before", "after", "change", "cases"}}
	for _, t := range r.Totals {
		rows = append(rows, []string{"total", t.Name, "", t.Unit, t.Before.String(), t.After.String(), t.Change.String(), ""})
	}
	for _, o := range r.Outputs {
		rows = append(rows, []string{"output", o.Path, "", "cases", itoa(o.Before), itoa(o.After), "", itoa(o.Changed)})
		for _, d := range o.Directions {
			rows = append(rows, []string{"direction", o.Path, d.Kind, "cases", "", "", "", itoa(d.Cases)})
		}
	}
	for _, rc := range r.Rules {
		rows = append(rows, []string{"rule", rc.Rule, rc.Reason, "cases", itoa(rc.Stopped), itoa(rc.Started), "", itoa(rc.Started + rc.Stopped)})
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

// WriteText writes the sweep as a table in English.
func (s *SweepReport) WriteText(w io.Writer) error { return s.WriteTextLang(w, English) }

// WriteTextLang writes the sweep as a table in lang: one row per total,
// one column per value, the baseline first.
func (s *SweepReport) WriteTextLang(w io.Writer, l Lang) error {
	ew := errwriter.New(w)
	ew.Printf("%s %s %s %s (%s: %s)\n", l.t("Sweep of"), s.Param, l.t("from"), s.From, l.t("Baseline"), s.Baseline)
	ew.Printf("%s: %s %s; %s: %s\n", l.t("Fingerprints"), l.t("baseline"), s.Fingerprint, l.t("Engine"), "wijkwerken "+s.Engine)
	writeReforms(ew, l, s.Reforms)
	ew.Printf("%s: %s %s, %s %s %s, %s %s", l.t("Population"), l.integer(s.Cases), l.t("cases"), l.integer(s.Decided), l.t("decided"), l.t("under every rulebook"), l.integer(s.Errors), l.t("errors"))
	if !s.Date.IsZero() {
		ew.Printf("; %s %s", l.t("decided on"), s.Date)
	}
	ew.Printf("; %s s\n\n", l.decimal(decimal.NewFromFloat(s.Elapsed.Seconds()), 1))
	tw := tabwriter.NewWriter(ew, 2, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\t%s\t%s\t", l.t("total"), l.t("unit"), l.t("baseline"))
	for _, p := range s.Points {
		fmt.Fprintf(tw, "%s\t", p.Value)
	}
	fmt.Fprintln(tw)
	for i, t := range s.BaseTotals {
		fmt.Fprintf(tw, "%s\t%s\t%s\t", l.t(t.Name), l.unit(t.Unit), l.amount(t.Value, t.Unit))
		for _, p := range s.Points {
			fmt.Fprintf(tw, "%s\t", l.amount(p.Totals[i].Value, t.Unit))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	writeErrorLines(ew, l, s.ErrorLines, s.Errors)
	return ew.Err()
}

// WriteCSV writes the sweep as a long table: value, total, unit, amount
// (the baseline's rows have the value "baseline").
func (s *SweepReport) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	rows := [][]string{{"param", "value", "total", "unit", "amount"}}
	for _, t := range s.BaseTotals {
		rows = append(rows, []string{s.Param, "baseline", t.Name, t.Unit, t.Value.String()})
	}
	for _, p := range s.Points {
		for _, t := range p.Totals {
			rows = append(rows, []string{s.Param, p.Value, t.Name, t.Unit, t.Value.String()})
		}
	}
	if err := cw.WriteAll(rows); err != nil {
		return err
	}
	return cw.Error()
}

func writeReforms(ew *errwriter.Writer, l Lang, rs []ReformSummary) {
	for _, rf := range rs {
		ew.Printf("%s: %s", l.t("Reform"), rf.Name)
		if rf.File != "" {
			ew.Printf(" (%s)", rf.File)
		}
		ew.Printf("\n")
		for _, c := range rf.Changes {
			ew.Printf("  %s\n", c)
		}
	}
}

func writeErrorLines(ew *errwriter.Writer, l Lang, lines []LineError, n int) {
	if n == 0 {
		return
	}
	ew.Printf("\n%s: %s", l.t("Lines that could not be decided"), l.integer(n))
	ew.Printf(":\n")
	for _, e := range lines {
		ew.Printf("  %s %d %s: %s\n", l.t("line"), e.Line, e.ID, e.Err)
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
