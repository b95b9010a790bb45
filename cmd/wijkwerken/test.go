package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/openwijkwerken/wijkwerken/scenario"
)

func cmdTest(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("test", "[--rulebook DIR] [--reform FILE]... [--run REGEXP] [--format text|json|github] [--junit FILE] [--coverage] [--min-coverage PCT] [-v] PATHS...|-", stdout, stderr)
	var rf rulebookFlags
	rf.register(fs)
	junit := fs.String("junit", "", "also write a JUnit XML report to `FILE` (written whole, or not at all)")
	verbose := fs.Bool("v", false, "list passing scenarios too")
	run := fs.String("run", "", "run only the scenarios whose name matches `REGEXP` (as go test -run); matching none is a usage error (exit 2)")
	format := fs.String("format", "text", "how to report: text, json, or github (GitHub Actions annotations on the scenario's line)")
	cover := fs.Bool("coverage", false, "report per rule how many scenarios exercised it and with which outcomes")
	var minCover percent
	fs.Var(&minCover, "min-coverage", "fail (exit 1) when less than `PCT` percent (0 to 100) of the rules are covered with every outcome (implies --coverage)")
	paths, code, ok := fs.parse(args)
	if !ok {
		return code
	}
	if len(paths) == 0 {
		return fs.usage("give the scenario files or directories to run, or - for standard input")
	}
	switch *format {
	case "text", "json", "github":
	default:
		return fs.fail("--format %q: want text, json or github", *format)
	}
	if *format == "json" {
		stdout = raw(stdout)
	}
	in := rf.inputs(stdin)
	suites, broken, err := loadSuites(paths, in)
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	for _, b := range broken {
		for _, p := range b.Problems {
			fmt.Fprintln(stderr, p.String())
		}
	}
	if *run != "" {
		if suites, err = scenario.Select(suites, *run); err != nil {
			return fs.fail("%v", err)
		}
		if len(suites) == 0 {
			return fs.fail("--run %q matches no scenario in %s", *run, strings.Join(paths, " "))
		}
	}
	rb, err := rf.load(in)
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	if *junit != "" {
		if err := in.refuseOutput("--junit", *junit); err != nil {
			return fs.fail("%v", err)
		}
	}
	runner, err := scenario.NewRunner(rb)
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	rep, err := runner.Run(context.Background(), suites)
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	rep.Broken = broken
	rep.Command = rf.command("wijkwerken test")
	var cov *scenario.Coverage
	if *cover || minCover.set {
		cov = runner.Coverage(rep)
	}
	switch *format {
	case "json":
		err = rep.WriteJSON(stdout, cov)
	case "github":
		err = rep.WriteGitHub(stdout)
	default:
		rep.WriteText(stdout, *verbose)
	}
	if err == nil && cov != nil && *format != "json" {
		fmt.Fprintln(stdout)
		err = cov.WriteText(stdout)
	}
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	if *junit != "" {
		if err := writeFileAtomic(*junit, rep.WriteJUnit); err != nil {
			report(stderr, err)
			return exitInput
		}
	}
	if len(broken) > 0 {
		fmt.Fprintf(stderr, "wijkwerken test: %s: fix the broken files\n", rep.Summary())
		return exitInput
	}
	failed := !rep.OK()
	if cov != nil && minCover.set && cov.FullPercent() < minCover.v {
		fmt.Fprintf(stderr, "wijkwerken test: coverage %.1f%% is below --min-coverage %g%%\n", cov.FullPercent(), minCover.v)
		if *format == "github" {
			fmt.Fprintf(stdout, "::error title=rule coverage::%.1f%% of the rules covered with every outcome, below %g%%\n", cov.FullPercent(), minCover.v)
		}
		failed = true
	}
	if failed {
		return exitFail
	}
	return exitOK
}

// command is the command line that selects the same rulebook: prog with
// the --rulebook and --reform flags given.
func (rf *rulebookFlags) command(prog string) string {
	parts := []string{prog}
	if rf.dir != "" {
		parts = append(parts, "--rulebook", quoteArg(rf.dir))
	}
	for _, r := range rf.reforms {
		parts = append(parts, "--reform", quoteArg(r))
	}
	return strings.Join(parts, " ")
}

func quoteArg(s string) string {
	if s != "" && !strings.ContainsAny(s, " \t\n'\"\\$`!*?[](){}<>|&;#~") {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
