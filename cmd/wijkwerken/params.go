package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
)

func cmdParams(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("params", "[--at D] [--json]", stderr)
	var rf rulebookFlags
	rf.register(fs)
	at := fs.String("at", "", "show only the values in force on `date` YYYY-MM-DD")
	asJSON := fs.Bool("json", false, "write JSON")
	if pos, err := parseFlags(fs, args); err != nil || len(pos) > 0 {
		fs.Usage()
		return exitCommand
	}
	var date wk.Date
	if *at != "" {
		var err error
		if date, err = wk.ParseDate(*at); err != nil {
			fmt.Fprintf(stderr, "wijkwerken params: --at: %v\n", err)
			return exitCommand
		}
	}
	rb, err := rf.load()
	if err != nil {
		report(stderr, err)
		return exitBroken
	}
	type row struct {
		ID         string   `json:"id"`
		Value      wk.Value `json:"value"`
		Unit       string   `json:"unit,omitempty"`
		From       wk.Date  `json:"from"`
		To         wk.Date  `json:"to,omitzero"`
		Confidence string   `json:"confidence,omitempty"`
		Cite       string   `json:"cite"`
		Sources    []string `json:"sources,omitempty"`
		Reform     string   `json:"reform,omitempty"`
	}
	var rows []row
	for _, p := range rb.Parameters() {
		for _, v := range p.Values {
			if !date.IsZero() && (date.Before(v.From) || (!v.To.IsZero() && date.After(v.To))) {
				continue
			}
			cite, sources, conf := p.Provenance(&v)
			rows = append(rows, row{ID: p.ID, Value: v.Value, Unit: p.Unit, From: v.From, To: v.To, Confidence: conf, Cite: cite, Sources: sources, Reform: v.Reform})
		}
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			report(stderr, err)
			return exitFail
		}
		return exitOK
	}
	// One block per value: the value and its validity on the first line,
	// then the citation and the source URLs, so that no line runs wide.
	for _, r := range rows {
		to := "…"
		if !r.To.IsZero() {
			to = r.To.String()
		}
		conf := ""
		if r.Confidence != "" {
			conf = ", confidence " + r.Confidence
		}
		fmt.Fprintf(stdout, "%s = %s %s\n    in force %s .. %s%s\n", r.ID, r.Value, r.Unit, r.From, to, conf)
		cite := r.Cite
		if r.Reform != "" {
			cite = "reform " + r.Reform + ": " + cite
		}
		fmt.Fprintf(stdout, "    %s\n", cite)
		for _, u := range r.Sources {
			fmt.Fprintf(stdout, "    %s\n", u)
		}
	}
	return exitOK
}

func cmdRules(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("rules", "[--area A] [--at D] [--json]", stderr)
	var rf rulebookFlags
	rf.register(fs)
	area := fs.String("area", "", "show only the rules of `area`")
	at := fs.String("at", "", "show only the rules in force on `date` YYYY-MM-DD")
	asJSON := fs.Bool("json", false, "write JSON")
	if pos, err := parseFlags(fs, args); err != nil || len(pos) > 0 {
		fs.Usage()
		return exitCommand
	}
	rb, err := rf.load()
	if err != nil {
		report(stderr, err)
		return exitBroken
	}
	if *area != "" {
		found := false
		for _, a := range rb.Areas() {
			found = found || a == *area
		}
		if !found {
			report(stderr, &wk.UnknownError{What: "area", ID: *area, Known: rb.Areas()})
			return exitCommand
		}
	}
	rules := rb.Rules(*area)
	if *at != "" {
		d, err := wk.ParseDate(*at)
		if err != nil {
			fmt.Fprintf(stderr, "wijkwerken rules: --at: %v\n", err)
			return exitCommand
		}
		rules = rb.RulesAt(*area, d)
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rules); err != nil {
			report(stderr, err)
			return exitFail
		}
		return exitOK
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RULE\tAREA\tYIELDS\tFROM\tTO\tCITE")
	for _, r := range rules {
		yields := "reason " + r.Reason
		if !r.IsCondition() {
			yields = "output " + r.Output
		}
		to := "…"
		if !r.To.IsZero() {
			to = r.To.String()
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ID, r.Area, yields, r.From, to, r.Cite)
	}
	tw.Flush()
	return exitOK
}

func cmdLint(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("lint", "[--rulebook DIR] [--reform FILE]... [--strict] [RULEBOOK DIR | REFORM FILES...]", stderr)
	var rf rulebookFlags
	rf.register(fs)
	strict := fs.Bool("strict", false, "exit 1 on warnings too (a parameter no rule reads)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return exitCommand
	}
	for _, p := range pos {
		// A directory is a rulebook (lint regulation/), a file a reform.
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			if rf.dir != "" {
				fmt.Fprintf(stderr, "wijkwerken lint: two rulebooks: %s and %s\n", rf.dir, p)
				return exitCommand
			}
			rf.dir = p
			continue
		}
		rf.reforms = append(rf.reforms, p)
	}
	rb, err := rf.load()
	if err == nil {
		_, err = decision.New(rb) // type-checks every rule against its area
	}
	if err != nil {
		report(stderr, err)
		return exitFail
	}
	warnings := rb.Warnings()
	for _, w := range warnings {
		fmt.Fprintln(stderr, "warning: "+w.String())
	}
	fmt.Fprintf(stdout, "ok: %s: %d parameters, %d rules, %d warnings\n", rb.Name(), len(rb.Parameters()), len(rb.Rules("")), len(warnings))
	if *strict && len(warnings) > 0 {
		return exitFail
	}
	return exitOK
}
