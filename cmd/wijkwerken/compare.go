package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/compare"
	"github.com/openwijkwerken/wijkwerken/decision"
)

// cmdCompare decides a population under the baseline and under reforms
// (or under each value of a swept parameter) and reports what changes.
func cmdCompare(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	const use = "--reform FILE [--reform FILE...] [--sweep PARAM=LO:HI:STEP] [--by FIELD]... [--lang nl|en] [--date D] [--json|--csv] [--html FILE] [--quiet] POPULATION|-"
	fs := newFlags("compare", use, stderr)
	var rf rulebookFlags
	rf.register(fs)
	dateFlag := fs.String("date", "", "decide every case on this `date` (default: each line's date, else request.date)")
	sweep := fs.String("sweep", "", "vary a parameter: `PARAM=LO:HI:STEP` or PARAM=V1,V2,... (on top of the reforms)")
	asJSON := fs.Bool("json", false, "write the report as JSON")
	asCSV := fs.Bool("csv", false, "write the report as CSV")
	htmlFile := fs.String("html", "", "also write a self-contained HTML report with charts to `FILE`")
	examples := fs.Int("examples", 3, "example cases kept per kind of change (0: none)")
	workers := fs.Int("workers", 0, "cases decided at once (default: one per core)")
	var by multiFlag
	fs.Var(&by, "by", "break the report down by `FIELD` (repeatable): "+groupFieldList())
	langFlag := fs.String("lang", "en", "the report's language: `en` or nl (text and HTML)")
	quiet := fs.Bool("quiet", false, "report no progress on stderr")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return exitCommand
	}
	fail := func(format string, args ...any) int {
		fmt.Fprintf(stderr, "wijkwerken compare: "+format+"\n", args...)
		return exitCommand
	}
	switch {
	case len(pos) != 1:
		return fail("give one population file of JSON lines (wijkwerken population writes one), or - for standard input")
	case len(rf.reforms) == 0 && *sweep == "":
		return fail("give at least one --reform FILE, or a --sweep")
	case *asJSON && *asCSV:
		return fail("--json and --csv exclude each other")
	}
	lang, err := compare.ParseLang(*langFlag)
	if err != nil {
		return fail("--lang: %v", err)
	}
	if len(by) > 0 && *sweep != "" {
		return fail("--by breaks down a comparison; a --sweep reports totals only")
	}
	o := compare.Options{Workers: *workers, Examples: *examples, By: by}
	if *examples == 0 {
		o.Examples = -1
	}
	if *dateFlag != "" {
		if o.Date, err = wk.ParseDate(*dateFlag); err != nil {
			return fail("--date: %v", err)
		}
	}
	base, err := (&rulebookFlags{dir: rf.dir}).load()
	if err != nil {
		report(stderr, err)
		return exitBroken
	}
	reforms, err := readReforms(rf.reforms)
	if err != nil {
		report(stderr, err)
		return exitBroken
	}
	var spec compare.SweepSpec
	if *sweep != "" {
		// The swept parameter may be one the reforms add.
		reformed, err := base.Reform(reforms...)
		if err != nil {
			report(stderr, err)
			return exitBroken
		}
		if spec, err = compare.ParseSweep(*sweep, reformed); err != nil {
			return fail("--%v", err)
		}
	}
	eng, err := decision.New(base)
	if err != nil {
		report(stderr, err)
		return exitBroken
	}
	in, closeIn, err := openInput(pos[0], stdin)
	if err != nil {
		fmt.Fprintf(stderr, "wijkwerken compare: %v\n", err)
		return exitBroken
	}
	defer closeIn()
	type writer interface {
		WriteTextLang(io.Writer, compare.Lang) error
		WriteCSV(io.Writer) error
		WriteHTMLLang(io.Writer, compare.Lang) error
	}
	var rep writer
	prog := newProgress("compare", in, stderr, !*quiet && isTerminal(stderr))
	if *sweep != "" {
		rep, err = compare.Sweep(context.Background(), prog, eng, reforms, spec, o)
	} else {
		rep, err = compare.Compare(context.Background(), prog, eng, reforms, o)
	}
	prog.Close()
	if err != nil {
		report(stderr, err)
		return exitBroken
	}
	switch {
	case *asJSON:
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(rep)
	case *asCSV:
		err = rep.WriteCSV(stdout)
	default:
		err = rep.WriteTextLang(stdout, lang)
	}
	if err != nil {
		fmt.Fprintf(stderr, "wijkwerken compare: %v\n", err)
		return exitBroken
	}
	if *htmlFile != "" {
		if err := writeFileAtomic(*htmlFile, func(w io.Writer) error { return rep.WriteHTMLLang(w, lang) }); err != nil {
			fmt.Fprintf(stderr, "wijkwerken compare: %v\n", err)
			return exitBroken
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

// writeFileAtomic writes a file whole or not at all: into a temporary
// file beside it, renamed over it once complete.
func writeFileAtomic(name string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	bw := bufio.NewWriter(f)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
	}
	return err
}
