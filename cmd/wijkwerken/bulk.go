package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/population"
	"github.com/shopspring/decimal"
)

// cmdPopulation writes a synthetic population as JSON lines: uniform
// cases for tests, or a year calibrated to published Flemish figures.
func cmdPopulation(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("population", "--n N [--seed S] [--date D] | --calibrated [--year Y] [--scale F] [--seed S]", stderr)
	var rf rulebookFlags
	rf.register(fs)
	n := fs.Int("n", 1000, "how many cases (uniform population)")
	seed := fs.Uint64("seed", 1, "the random seed: the same seed gives the same population")
	dateFlag := fs.String("date", "2024-06-30", "cases are decided in the year up to this `date` (uniform population)")
	calibrated := fs.Bool("calibrated", false, "a calendar year of wijk-werk calibrated to published Flemish figures (population/flanders.yaml): one case per wijk-werker per month")
	year := fs.Int("year", 0, "the calendar `year` of a calibrated population (default: the year of --date)")
	scaleFlag := fs.String("scale", "1", "a calibrated population's size as a `fraction` of Flanders (0.01: a hundredth)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return exitCommand
	}
	fail := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "wijkwerken population: "+format+"\n", args...)
		return exitCommand
	}
	if len(pos) > 0 {
		return fail("unexpected argument %q", pos[0])
	}
	date, err := wk.ParseDate(*dateFlag)
	if err != nil {
		return fail("--date: %v", err)
	}
	if *n < 0 {
		return fail("--n must not be negative")
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *calibrated && set["n"] {
		return fail("--n and --calibrated exclude each other: a calibrated population's size comes from its figures (use --scale)")
	}
	if !*calibrated && (set["year"] || set["scale"]) {
		return fail("--year and --scale need --calibrated")
	}
	rb, err := rf.load()
	if err != nil {
		report(stderr, err)
		return exitBroken
	}
	bw := bufio.NewWriter(stdout)
	enc := json.NewEncoder(bw)
	var next func() (population.Record, bool)
	if *calibrated {
		scale, err := decimal.NewFromString(*scaleFlag)
		if err != nil {
			return fail("--scale: %q is not a number", *scaleFlag)
		}
		if *year == 0 {
			*year = date.Year()
		}
		cal, err := population.Flanders()
		if err != nil {
			report(stderr, err)
			return exitBroken
		}
		g, err := population.NewCalibrated(rb, cal, *year, scale, *seed)
		if err != nil {
			return fail("%v", err)
		}
		next = g.Next
	} else {
		g, err := population.New(rb, date, *seed)
		if err != nil {
			report(stderr, err)
			return exitBroken
		}
		left := *n
		next = func() (population.Record, bool) {
			if left == 0 {
				return population.Record{}, false
			}
			left--
			return g.Next(), true
		}
	}
	for r, ok := next(); ok; r, ok = next() {
		if err := enc.Encode(r); err != nil {
			fmt.Fprintf(stderr, "wijkwerken population: %v\n", err)
			return exitBroken
		}
	}
	if err := bw.Flush(); err != nil {
		fmt.Fprintf(stderr, "wijkwerken population: %v\n", err)
		return exitBroken
	}
	return exitOK
}

// cmdBulk decides a stream of cases, JSON lines in and out.
func cmdBulk(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("bulk", "[--date D] [--workers K] [--explain] [--trace] [--quiet] FILE|-", stderr)
	var rf rulebookFlags
	rf.register(fs)
	dateFlag := fs.String("date", "", "decide every case on this `date` (default: each line's date, else request.date)")
	workers := fs.Int("workers", 0, "cases decided at once (default: one per core)")
	trace := fs.Bool("trace", false, "include each decision's trace")
	explain := fs.Bool("explain", false, "include each decision's reasons in full (messages, rules, citations)")
	quiet := fs.Bool("quiet", false, "report nothing on stderr: no progress, no throughput")
	fs.BoolVar(quiet, "q", false, "the same as --quiet")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return exitCommand
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "wijkwerken bulk: give one file of JSON lines, or - for standard input")
		return exitCommand
	}
	var o decision.StreamOptions
	o.Workers, o.Explain = *workers, *explain
	if *dateFlag != "" {
		if o.Date, err = wk.ParseDate(*dateFlag); err != nil {
			fmt.Fprintf(stderr, "wijkwerken bulk: --date: %v\n", err)
			return exitCommand
		}
	}
	if *trace {
		o.Options = append(o.Options, wk.WithTrace())
	}
	in, closeIn, err := openInput(pos[0], stdin)
	if err != nil {
		fmt.Fprintf(stderr, "wijkwerken bulk: %v\n", err)
		return exitBroken
	}
	defer closeIn()
	rb, err := rf.load()
	if err != nil {
		report(stderr, err)
		return exitBroken
	}
	eng, err := decision.New(rb)
	if err != nil {
		report(stderr, err)
		return exitBroken
	}
	prog := newProgress("bulk", in, stderr, !*quiet && isTerminal(stderr))
	st, err := eng.Stream(context.Background(), prog, stdout, o)
	prog.Close()
	if !*quiet {
		fmt.Fprintf(stderr, "%d cases (%d errors) in %s: %.0f cases/s\n", st.Cases, st.Errors, st.Elapsed.Round(1e6), st.PerSecond())
	}
	if err != nil {
		fmt.Fprintf(stderr, "wijkwerken bulk: %v\n", err)
		return exitBroken
	}
	return exitOK
}
