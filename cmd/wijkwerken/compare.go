package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"sort"
	"strings"

	"github.com/openwijkwerken/wijkwerken/compare"
	"github.com/openwijkwerken/wijkwerken/decision"
)

// cmdCompare decides a population under the baseline and under reforms
// (or under each value of a swept parameter) and reports what changes.
func cmdCompare(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	const use = "--reform FILE [--reform FILE...] [--sweep PARAM=LO:HI:STEP] [--by FIELD]... [--lang nl|en] [--date D] [--json|--csv] [--html FILE] [--quiet] POPULATION|-"
	fs := newFlags("compare", use, stdout, stderr)
	var rf rulebookFlags
	rf.register(fs)
	dateFlag := fs.dateVar("date", "decide every case on this `date` (default: each line's date, else request.date)")
	sweep := fs.String("sweep", "", "vary a parameter: `PARAM=LO:HI:STEP` or PARAM=V1,V2,... (on top of the reforms)")
	asJSON := fs.Bool("json", false, "write the report as JSON")
	asCSV := fs.Bool("csv", false, "write the report as CSV")
	htmlFile := fs.String("html", "", "also write a self-contained HTML report with charts to `FILE` (written whole, or not at all)")
	examples := fs.Int("examples", 3, "example cases kept per kind of change (0: none)")
	workers := workersFlag(fs, "cases decided")
	var by multiFlag
	fs.Var(&by, "by", "break the report down by `FIELD` (repeatable): "+groupFieldList())
	langFlag := fs.String("lang", "en", "the report's language: `en` or nl (text and HTML)")
	quiet := fs.Bool("quiet", false, "report no progress on stderr")
	maxLine := byteSize(defaultMaxLine)
	fs.Var(&maxLine, "max-line-bytes", "the longest population line accepted, in `N` bytes (suffixes KiB, MiB)")
	pos, code, ok := fs.parse(args)
	if !ok {
		return code
	}
	fail := fs.fail
	switch {
	case len(pos) != 1:
		return fs.usage("give one population file of JSON lines (wijkwerken population writes one), or - for standard input")
	case len(rf.reforms) == 0 && *sweep == "":
		return fs.usage("give at least one --reform FILE, or a --sweep")
	case *asJSON && *asCSV:
		return fail("--json and --csv exclude each other")
	}
	if msg := checkWorkers(*workers); msg != "" {
		return fail("%s", msg)
	}
	lang, err := compare.ParseLang(*langFlag)
	if err != nil {
		return fail("--lang: %v", err)
	}
	if len(by) > 0 && *sweep != "" {
		return fail("--by breaks down a comparison; a --sweep reports totals only")
	}
	o := compare.Options{Workers: *workers, Examples: *examples, By: by, MaxLine: int(min(int64(maxLine), int64(math.MaxInt32)))}
	if *examples == 0 {
		o.Examples = -1
	}
	o.Date = *dateFlag
	in := rf.inputs(stdin)
	base, err := (&rulebookFlags{dir: rf.dir}).load(in)
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	reforms, err := readReforms(rf.reforms, in)
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	var spec compare.SweepSpec
	if *sweep != "" {
		// The swept parameter may be one the reforms add.
		reformed, err := base.Reform(reforms...)
		if err != nil {
			report(stderr, err)
			return exitInput
		}
		if spec, err = compare.ParseSweep(*sweep, reformed); err != nil {
			return fail("--%v", err)
		}
	}
	eng, err := decision.New(base)
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	r, file, err := in.stream(pos[0])
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	if file != nil && file != stdin {
		defer file.Close()
	}
	if *htmlFile != "" {
		if err := in.refuseOutput("--html", *htmlFile); err != nil {
			return fail("%v", err)
		}
	}
	if err := in.refuseStdout(stdout); err != nil {
		return fail("%v", err)
	}
	type writer interface {
		WriteTextLang(io.Writer, compare.Lang) error
		WriteCSV(io.Writer) error
		WriteHTMLLang(io.Writer, compare.Lang) error
	}
	var rep writer
	var cases, decided, errs int
	var firstErrs []compare.LineError
	ctx, stop := interrupt()
	defer stop()
	r, release := interruptible(ctx, r)
	prog := newProgress("compare", r, stderr, !*quiet && isTerminal(raw(stderr)))
	if *sweep != "" {
		var sr *compare.SweepReport
		if sr, err = compare.Sweep(ctx, prog, eng, reforms, spec, o); sr != nil {
			rep, cases, decided, errs, firstErrs = sr, sr.Cases, sr.Decided, sr.Errors, sr.ErrorLines
		}
	} else {
		var cr *compare.Report
		if cr, err = compare.Compare(ctx, prog, eng, reforms, o); cr != nil {
			rep, cases, decided, errs, firstErrs = cr, cr.Cases, cr.Decided, cr.Errors, cr.ErrorLines
		}
	}
	prog.Close()
	release()
	if msg, code, stopped := interrupted(ctx); stopped {
		fmt.Fprintf(stderr, "wijkwerken compare: %s: no report written\n", msg)
		return code
	}
	if errors.Is(err, bufio.ErrTooLong) {
		fmt.Fprintf(stderr, "wijkwerken compare: %s\n", streamError(displayName(pos[0]), int64(maxLine), err))
		return exitInput
	}
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	if decided == 0 {
		msg := fmt.Sprintf("no case of %s could be decided (%d lines, %d errors)", displayName(pos[0]), cases, errs)
		if len(firstErrs) > 0 {
			msg += fmt.Sprintf("; line %d: %s", firstErrs[0].Line, firstErrs[0].Err)
		}
		fmt.Fprintf(stderr, "wijkwerken compare: %s: want a population of JSON lines {\"id\", \"date\", \"case\"}, as wijkwerken population writes\n", msg)
		return exitInput
	}
	switch {
	case *asJSON:
		enc := json.NewEncoder(raw(stdout))
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	case *asCSV:
		err = rep.WriteCSV(raw(stdout))
	default:
		err = rep.WriteTextLang(stdout, lang)
	}
	if err != nil {
		fmt.Fprintf(stderr, "wijkwerken compare: %v\n", err)
		return exitInput
	}
	if *htmlFile != "" {
		if err := writeFileAtomic(*htmlFile, func(w io.Writer) error { return rep.WriteHTMLLang(w, lang) }); err != nil {
			fmt.Fprintf(stderr, "wijkwerken compare: %v\n", err)
			return exitInput
		}
	}
	return exitOK
}

// groupFieldList lists the fields --by takes.
func groupFieldList() string {
	fields := compare.GroupFields()
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
