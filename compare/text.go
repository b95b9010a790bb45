package compare

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/openwijkwerken/wijkwerken/internal/errwriter"
	"github.com/shopspring/decimal"
)

// WriteText writes the report as tables for a terminal.
func (r *Report) WriteText(w io.Writer) error {
	ew := errwriter.New(w)
	ew.Printf("Compare: %s\n", r.Baseline)
	writeReforms(ew, r.Reforms)
	ew.Printf("Population: %d cases, %d decided under both, %d errors; %d changed (%s)", r.Cases, r.Decided, r.Errors, r.Changed, percent(r.Changed, r.Decided))
	if !r.Date.IsZero() {
		ew.Printf("; decided on %s", r.Date)
	}
	ew.Printf("; %.1f s\n\n", r.Elapsed.Seconds())

	tw := tabwriter.NewWriter(ew, 2, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "total\tunit\tbefore\tafter\tchange\t")
	for _, t := range r.Totals {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t\n", t.Name, t.Unit, amount(t.Before, t.Unit), amount(t.After, t.Unit), signed(t.Change, t.Unit))
	}
	tw.Flush()

	ew.Printf("\nOutputs that change\n")
	tw = tabwriter.NewWriter(ew, 2, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  output\tcomputed before\tafter\tchanged\thow")
	any := false
	for _, o := range r.Outputs {
		if o.Changed == 0 {
			continue
		}
		any = true
		var how []string
		for _, d := range o.Directions {
			how = append(how, fmt.Sprintf("%s %d", d.Kind, d.Cases))
		}
		fmt.Fprintf(tw, "  %s\t%d\t%d\t%d\t%s\n", o.Path, o.Before, o.After, o.Changed, strings.Join(how, ", "))
	}
	tw.Flush()
	if !any {
		ew.Printf("  (none)\n")
	}

	if len(r.Rules) > 0 {
		ew.Printf("\nRules whose reasons appear or disappear\n")
		tw = tabwriter.NewWriter(ew, 2, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  rule\treason\tstarted\tstopped\tcite")
		for _, rc := range r.Rules {
			fmt.Fprintf(tw, "  %s\t%s\t%d\t%d\t%s\n", rc.Rule, rc.Reason, rc.Started, rc.Stopped, rc.Cite)
		}
		tw.Flush()
	}

	examples := false
	for _, o := range r.Outputs {
		for _, d := range o.Directions {
			if len(d.Examples) == 0 {
				continue
			}
			if !examples {
				ew.Printf("\nExamples (case id, line: before → after)\n")
				examples = true
			}
			var xs []string
			for _, e := range d.Examples {
				xs = append(xs, fmt.Sprintf("%s (line %d): %s → %s", e.ID, e.Line, e.Before, e.After))
			}
			ew.Printf("  %s %s: %s\n", o.Path, d.Kind, strings.Join(xs, "; "))
		}
	}
	writeErrorLines(ew, r.ErrorLines, r.Errors)
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

// WriteText writes the sweep as a table: one row per total, one column
// per value, the baseline first.
func (s *SweepReport) WriteText(w io.Writer) error {
	ew := errwriter.New(w)
	ew.Printf("Sweep of %s from %s over %s\n", s.Param, s.From, s.Baseline)
	writeReforms(ew, s.Reforms)
	ew.Printf("Population: %d cases, %d decided under every rulebook, %d errors", s.Cases, s.Decided, s.Errors)
	if !s.Date.IsZero() {
		ew.Printf("; decided on %s", s.Date)
	}
	ew.Printf("; %.1f s\n\n", s.Elapsed.Seconds())
	tw := tabwriter.NewWriter(ew, 2, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprint(tw, "total\tunit\tbaseline\t")
	for _, p := range s.Points {
		fmt.Fprintf(tw, "%s\t", p.Value)
	}
	fmt.Fprintln(tw)
	for i, t := range s.BaseTotals {
		fmt.Fprintf(tw, "%s\t%s\t%s\t", t.Name, t.Unit, amount(t.Value, t.Unit))
		for _, p := range s.Points {
			fmt.Fprintf(tw, "%s\t", amount(p.Totals[i].Value, t.Unit))
		}
		fmt.Fprintln(tw)
	}
	tw.Flush()
	writeErrorLines(ew, s.ErrorLines, s.Errors)
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

func writeReforms(ew *errwriter.Writer, rs []ReformSummary) {
	for _, rf := range rs {
		ew.Printf("Reform: %s", rf.Name)
		if rf.File != "" {
			ew.Printf(" (%s)", rf.File)
		}
		ew.Printf("\n")
		for _, c := range rf.Changes {
			ew.Printf("  %s\n", c)
		}
	}
}

func writeErrorLines(ew *errwriter.Writer, lines []LineError, n int) {
	if n == 0 {
		return
	}
	ew.Printf("\n%d lines could not be decided", n)
	if len(lines) < n {
		ew.Printf(" (the first %d)", len(lines))
	}
	ew.Printf(":\n")
	for _, e := range lines {
		ew.Printf("  line %d %s: %s\n", e.Line, e.ID, e.Err)
	}
}

// amount writes euro with their cents, hours and cases as they are.
func amount(d decimal.Decimal, unit string) string {
	if unit == "EUR" {
		return d.StringFixed(2)
	}
	return d.String()
}

func signed(d decimal.Decimal, unit string) string {
	if d.IsPositive() {
		return "+" + amount(d, unit)
	}
	return amount(d, unit)
}

func percent(n, of int) string {
	if of == 0 {
		return "0%"
	}
	return strconv.FormatFloat(100*float64(n)/float64(of), 'f', 1, 64) + "%"
}

func itoa(i int) string { return strconv.Itoa(i) }
