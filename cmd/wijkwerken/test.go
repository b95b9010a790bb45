package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/openwijkwerken/wijkwerken/scenario"
)

func cmdTest(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("test", "[--rulebook DIR] [--reform FILE]... [--run REGEXP] [--format text|json|github] [--junit FILE] [--coverage] [--min-coverage PCT] [-v] PATHS...", stderr)
	var rf rulebookFlags
	rf.register(fs)
	junit := fs.String("junit", "", "also write a JUnit XML report to `FILE`")
	verbose := fs.Bool("v", false, "list passing scenarios too")
	run := fs.String("run", "", "run only the scenarios whose name matches `REGEXP` (as go test -run)")
	format := fs.String("format", "text", "how to report: text, json, or github (GitHub Actions annotations on the scenario's line)")
	cover := fs.Bool("coverage", false, "report per rule how many scenarios exercised it and with which outcomes")
	minCover := fs.Float64("min-coverage", -1, "fail (exit 1) when less than `PCT` percent of the rules are covered with every outcome (implies --coverage)")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return exitCommand
	}
	if len(paths) == 0 {
		fs.Usage()
		return exitCommand
	}
	switch *format {
	case "text", "json", "github":
	default:
		fmt.Fprintf(stderr, "wijkwerken test: --format %q: want text, json or github\n", *format)
		return exitCommand
	}
	if *minCover > 100 {
		fmt.Fprintf(stderr, "wijkwerken test: --min-coverage %g: want a percentage up to 100\n", *minCover)
		return exitCommand
	}
	suites, err := scenario.LoadPaths(paths...)
	if err != nil {
		if *format == "github" {
			scenario.WriteLoadErrorGitHub(stdout, err)
		}
		report(stderr, err)
		return exitBroken
	}
	if *run != "" {
		if suites, err = scenario.Select(suites, *run); err != nil {
			fmt.Fprintf(stderr, "wijkwerken test: %v\n", err)
			return exitCommand
		}
	}
	rb, err := rf.load()
	if err != nil {
		report(stderr, err)
		return exitBroken
	}
	runner, err := scenario.NewRunner(rb)
	if err != nil {
		report(stderr, err)
		return exitBroken
	}
	rep, err := runner.Run(context.Background(), suites)
	if err != nil {
		report(stderr, err)
		return exitBroken
	}
	rep.Command = rf.command("wijkwerken test")
	var cov *scenario.Coverage
	if *cover || *minCover >= 0 {
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
		return exitBroken
	}
	if *junit != "" {
		f, err := os.Create(*junit)
		if err != nil {
			report(stderr, err)
			return exitBroken
		}
		werr := rep.WriteJUnit(f)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			report(stderr, werr)
			return exitBroken
		}
	}
	failed := !rep.OK()
	if cov != nil && *minCover >= 0 && cov.FullPercent() < *minCover {
		fmt.Fprintf(stderr, "wijkwerken test: coverage %.1f%% is below --min-coverage %g%%\n", cov.FullPercent(), *minCover)
		if *format == "github" {
			fmt.Fprintf(stdout, "::error title=rule coverage::%.1f%% of the rules covered with every outcome, below %g%%\n", cov.FullPercent(), *minCover)
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
