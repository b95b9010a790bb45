package main

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/mutate"
	"github.com/openwijkwerken/wijkwerken/scenario"
)

// equivalentsFile is where declarations of equivalent mutants live beside
// a rulebook directory: in a subdirectory, because the rulebook loader
// reads every .yaml, .yml and .json file of the directory itself.
const equivalentsFile = "mutants/equivalent.yaml"

func cmdMutate(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("mutate", "[--rulebook DIR] [--reform FILE]... [--all] [--rules GLOB]... [--operators LIST] [--equivalents FILE] [--format text|json|github] [--min-score PCT] [--workers N] [--every-scenario] [-v] PATHS...", stdout, stderr)
	var rf rulebookFlags
	rf.register(fs)
	var rules multiFlag
	fs.Var(&rules, "rules", "mutate only the rules and parameters whose id matches `GLOB` (path.Match: 'vouchers.*'; repeatable)")
	operators := fs.String("operators", "", "mutate with these operators only (comma-separated `LIST`: "+strings.Join(mutate.Operators(), ", ")+")")
	everything := fs.Bool("all", false, "with --reform: mutate the whole rulebook, not only what the reforms add or change")
	equivalents := fs.String("equivalents", "", "read the declared equivalent mutants from `FILE` (default: "+equivalentsFile+" in the rulebook directory, regulation/"+equivalentsFile+" for the reference, when it exists)")
	format := fs.String("format", "text", "how to report: text, json, or github (GitHub Actions annotations on the mutated line)")
	var minScore percent
	fs.Var(&minScore, "min-score", "fail (exit 1) when the mutation score is below `PCT` percent (0 to 100)")
	workers := workersFlag(fs, "mutants tried")
	verbose := fs.Bool("v", false, "list the killed mutants too")
	every := fs.Bool("every-scenario", false, "run every scenario against every mutant, not only those that can notice it (slower; the same verdicts)")
	paths, code, ok := fs.parse(args)
	if !ok {
		return code
	}
	if len(paths) == 0 {
		return fs.usage("give the scenario files or directories that should kill the mutants")
	}
	usageErr := fs.fail
	switch *format {
	case "text", "json", "github":
	default:
		return usageErr("--format %q: want text, json or github", *format)
	}
	if msg := checkWorkers(*workers); msg != "" {
		return usageErr("%s", msg)
	}
	if *format == "json" {
		stdout = raw(stdout)
	}
	opts := mutate.Options{Rules: rules, ReformOnly: len(rf.reforms) > 0 && !*everything, Source: readSource}
	if *operators != "" {
		for _, op := range strings.Split(*operators, ",") {
			opts.Operators = append(opts.Operators, strings.TrimSpace(op))
		}
	}
	if err := mutate.CheckOptions(opts); err != nil {
		return usageErr("%v", err)
	}

	in := rf.inputs(stdin)
	suites, broken, err := loadSuites(paths, in)
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	if len(broken) > 0 {
		// Mutants survive a suite with files missing: no score without them.
		var le wk.LoadError
		for _, b := range broken {
			le.Problems = append(le.Problems, b.Problems...)
		}
		if *format == "github" {
			scenario.WriteLoadErrorGitHub(stdout, &le)
		}
		report(stderr, &le)
		return exitInput
	}
	rb, err := rf.load(in)
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	ro := mutate.RunOptions{Workers: *workers, All: *every}
	if ro.Equivalents, err = loadEquivalents(*equivalents, rf.dir); err != nil {
		report(stderr, err)
		return exitInput
	}
	mutants, skipped := mutate.Generate(rb, opts)

	// Every mutant compiles a rulebook: garbage by the megabyte. Collecting
	// it a quarter as often costs a quarter less CPU for some 100 MB more
	// (unless GOGC says otherwise).
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(400))
	}
	ctx, stop := interrupt()
	defer stop()
	rep, err := mutate.Run(ctx, rb, suites, mutants, ro)
	var se *mutate.SuiteError
	switch {
	case errors.As(err, &se):
		report(stderr, err)
		return exitFail
	case err != nil && rep == nil && ctx.Err() != nil:
		msg, code, _ := interrupted(ctx)
		fmt.Fprintf(stderr, "wijkwerken mutate: %s before the first mutant\n", msg)
		return code
	case err != nil && rep == nil:
		report(stderr, err)
		return exitInput
	}
	rep.Skipped = skipped
	below := minScore.set && rep.Score() < minScore.v
	var werr error
	switch *format {
	case "json":
		werr = rep.WriteJSON(stdout)
	case "github":
		werr = rep.WriteGitHub(stdout, below)
	default:
		werr = rep.WriteText(stdout, *verbose)
	}
	if werr != nil {
		report(stderr, werr)
		return exitInput
	}
	if err != nil {
		msg, code, stopped := interrupted(ctx)
		if !stopped {
			report(stderr, err)
			return exitInput
		}
		fmt.Fprintf(stderr, "wijkwerken mutate: %s after %d of %d mutants\n", msg, len(rep.Results), len(mutants))
		return code
	}
	failed := false
	if below {
		fmt.Fprintf(stderr, "wijkwerken mutate: mutation score %.1f%% is below --min-score %g%%\n", rep.Score(), minScore.v)
		failed = true
	}
	if !rep.DeclarationsOK() {
		fmt.Fprintf(stderr, "wijkwerken mutate: %d declared equivalent mutants are killed and %d declarations match no mutant: fix %s\n",
			rep.Stale, len(rep.Unmatched), rep.Equivalents)
		failed = true
	}
	if failed {
		return exitFail
	}
	return exitOK
}

// loadEquivalents reads the declarations of equivalent mutants: the file
// given, else the one beside the rulebook when it exists.
func loadEquivalents(file, rulebookDir string) (*mutate.Equivalents, error) {
	if file == "" {
		dir := "regulation"
		if rulebookDir != "" {
			dir = rulebookDir
		}
		file = filepath.Join(dir, filepath.FromSlash(equivalentsFile))
		if _, err := os.Stat(file); err != nil {
			return nil, nil
		}
	}
	return mutate.LoadEquivalents(file)
}

// readSource reads a rulebook or reform file by the name its positions
// give: the embedded reference regulation's, else from the file system.
func readSource(name string) ([]byte, error) {
	if data, err := fs.ReadFile(wk.RegulationFS(), name); err == nil {
		return data, nil
	}
	data, err := os.ReadFile(name)
	if err != nil && !filepath.IsAbs(name) {
		// loadDir names the files of an absolute directory without the
		// leading separator.
		if d, err2 := os.ReadFile(string(filepath.Separator) + name); err2 == nil {
			return d, nil
		}
	}
	return data, err
}
