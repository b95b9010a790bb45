package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/population"
)

// cmdPopulation writes a synthetic population as JSON lines.
func cmdPopulation(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("population", "--n N [--seed S] [--date D]", stderr)
	var rf rulebookFlags
	rf.register(fs)
	n := fs.Int("n", 1000, "how many cases")
	seed := fs.Uint64("seed", 1, "the random seed: the same seed gives the same population")
	dateFlag := fs.String("date", "2024-06-30", "cases are decided in the year up to this `date`")
	if _, err := parseFlags(fs, args); err != nil {
		return exitCommand
	}
	date, err := wk.ParseDate(*dateFlag)
	if err != nil {
		fmt.Fprintf(stderr, "wijkwerken population: --date: %v\n", err)
		return exitCommand
	}
	if *n < 0 {
		fmt.Fprintln(stderr, "wijkwerken population: --n must not be negative")
		return exitCommand
	}
	rb, err := rf.load()
	if err != nil {
		report(stderr, err)
		return exitBroken
	}
	g, err := population.New(rb, date, *seed)
	if err != nil {
		report(stderr, err)
		return exitBroken
	}
	bw := bufio.NewWriter(stdout)
	enc := json.NewEncoder(bw)
	for i := 0; i < *n; i++ {
		if err := enc.Encode(g.Next()); err != nil {
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
	fs := newFlags("bulk", "[--date D] [--workers K] [--explain] [--trace] FILE|-", stderr)
	var rf rulebookFlags
	rf.register(fs)
	dateFlag := fs.String("date", "", "decide every case on this `date` (default: each line's date, else request.date)")
	workers := fs.Int("workers", 0, "cases decided at once (default: one per core)")
	trace := fs.Bool("trace", false, "include each decision's trace")
	explain := fs.Bool("explain", false, "include each decision's reasons in full (messages, rules, citations)")
	quiet := fs.Bool("q", false, "do not report the throughput on stderr")
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
	st, err := eng.Stream(context.Background(), in, stdout, o)
	if !*quiet {
		fmt.Fprintf(stderr, "%d cases (%d errors) in %s: %.0f cases/s\n", st.Cases, st.Errors, st.Elapsed.Round(1e6), st.PerSecond())
	}
	if err != nil {
		fmt.Fprintf(stderr, "wijkwerken bulk: %v\n", err)
		return exitBroken
	}
	return exitOK
}
