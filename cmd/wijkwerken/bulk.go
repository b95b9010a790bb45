package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/population"
	"github.com/shopspring/decimal"
)

// cmdPopulation writes a synthetic population as JSON lines: uniform
// cases for tests, or a year calibrated to published Flemish figures.
func cmdPopulation(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("population", "--n N [--seed S] [--date D] | --calibrated [--year Y] [--scale F] [--seed S]", stdout, stderr)
	var rf rulebookFlags
	rf.register(fs)
	n := fs.Int("n", 1000, "how many cases (uniform population)")
	seed := fs.Uint64("seed", 1, "the random seed: the same seed gives the same population")
	dateFlag := fs.String("date", "2024-06-30", "cases are decided in the year up to this `date` (uniform population)")
	calibrated := fs.Bool("calibrated", false, "a calendar year of wijk-werk calibrated to published Flemish figures (population/flanders.yaml): one case per wijk-werker per month")
	year := fs.Int("year", 0, "the calendar `year` of a calibrated population (default: the year of --date)")
	scaleFlag := fs.String("scale", "1", "a calibrated population's size as a `fraction` of Flanders (0.01: a hundredth)")
	pos, code, ok := fs.parse(args)
	if !ok {
		return code
	}
	fail := fs.fail
	if len(pos) > 0 {
		return fs.usage("unexpected argument %q", pos[0])
	}
	date, err := wk.ParseDate(*dateFlag)
	if err != nil {
		return fail("--date: %v", err)
	}
	if *n < 0 {
		return fail("--n must not be negative")
	}
	if *calibrated && fs.given("n") {
		return fail("--n and --calibrated exclude each other: a calibrated population's size comes from its figures (use --scale)")
	}
	if !*calibrated && (fs.given("year") || fs.given("scale")) {
		return fail("--year and --scale need --calibrated")
	}
	rb, err := rf.load(rf.inputs(stdin))
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	bw := bufio.NewWriter(raw(stdout))
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
			return exitInput
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
			return exitInput
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
			return exitInput
		}
	}
	if err := bw.Flush(); err != nil {
		fmt.Fprintf(stderr, "wijkwerken population: %v\n", err)
		return exitInput
	}
	return exitOK
}

// defaultMaxLine is the longest line of a stream (bulk, compare) unless
// --max-line-bytes says otherwise: the library's default.
const defaultMaxLine = 1 << 20

// cmdBulk decides a stream of cases, JSON lines in and out.
func cmdBulk(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("bulk", "[--date D] [--workers K] [--explain] [--trace] [--quiet] FILE|-", stdout, stderr)
	var rf rulebookFlags
	rf.register(fs)
	dateFlag := fs.dateVar("date", "decide every case on this `date` (default: each line's date, else request.date)")
	workers := workersFlag(fs, "cases decided")
	trace := fs.Bool("trace", false, "include each decision's trace")
	explain := fs.Bool("explain", false, "include each decision's reasons in full (messages, rules, citations)")
	quiet := fs.Bool("quiet", false, "report nothing on stderr: no progress, no throughput")
	fs.BoolVar(quiet, "q", false, "the same as --quiet")
	maxLine := byteSize(defaultMaxLine)
	fs.Var(&maxLine, "max-line-bytes", "the longest input line accepted, in `N` bytes (suffixes KiB, MiB)")
	pos, code, ok := fs.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return fs.usage("give one file of JSON lines, or - for standard input")
	}
	if msg := checkWorkers(*workers); msg != "" {
		return fs.fail("%s", msg)
	}
	var o decision.StreamOptions
	o.Workers, o.Explain, o.MaxLine = *workers, *explain, int(min(int64(maxLine), int64(math.MaxInt32)))
	o.Date = *dateFlag
	if *trace {
		o.Options = append(o.Options, wk.WithTrace())
	}
	in := rf.inputs(stdin)
	r, file, err := in.stream(pos[0])
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	if file != nil && file != stdin {
		defer file.Close()
	}
	rb, err := rf.load(in)
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	if err := in.refuseStdout(stdout); err != nil {
		return fs.fail("%v", err)
	}
	eng, err := decision.New(rb)
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	ctx, stop := interrupt()
	defer stop()
	r, release := interruptible(ctx, r)
	prog := newProgress("bulk", r, stderr, !*quiet && isTerminal(raw(stderr)))
	st, err := eng.Stream(ctx, prog, raw(stdout), o)
	prog.Close()
	release()
	if msg, code, stopped := interrupted(ctx); stopped {
		fmt.Fprintf(stderr, "wijkwerken bulk: %s after %d cases: the output holds their %d complete lines\n", msg, st.Cases, st.Cases)
		return code
	}
	if !*quiet {
		fmt.Fprintf(stderr, "%d cases (%d errors) in %s: %.0f cases/s\n", st.Cases, st.Errors, st.Elapsed.Round(1e6), st.PerSecond())
	}
	if err != nil {
		fmt.Fprintf(stderr, "wijkwerken bulk: %s\n", streamError(displayName(pos[0]), int64(maxLine), err))
		return exitInput
	}
	if st.Cases > 0 && st.Errors == st.Cases {
		fmt.Fprintf(stderr, "wijkwerken bulk: no line of %s is a case that could be decided (%d of %d lines are errors, in the output): "+
			"want JSON lines {\"id\", \"date\", \"case\"} as wijkwerken population writes\n", displayName(pos[0]), st.Errors, st.Cases)
		return exitInput
	}
	return exitOK
}

// displayName is how messages name an input: its path, or <stdin>.
func displayName(name string) string {
	if name == "-" {
		return stdinName
	}
	return name
}

// streamError says what stopped the reading of a stream: a line over the
// limit with the flag that raises it.
func streamError(name string, maxLine int64, err error) string {
	if errors.Is(err, bufio.ErrTooLong) {
		where := strings.TrimSuffix(err.Error(), ": "+bufio.ErrTooLong.Error())
		return fmt.Sprintf("%s: %s is longer than the limit of %s (raise it with --max-line-bytes)", name, where, formatBytes(maxLine))
	}
	return fmt.Sprintf("%s: %v", name, err)
}
