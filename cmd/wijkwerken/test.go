package main

import (
	"context"
	"io"
	"os"

	"github.com/openwijkwerken/wijkwerken/scenario"
)

func cmdTest(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("test", "[--rulebook DIR] [--reform FILE]... [--junit FILE] [-v] PATHS...", stderr)
	var rf rulebookFlags
	rf.register(fs)
	junit := fs.String("junit", "", "also write a JUnit XML report to `FILE`")
	verbose := fs.Bool("v", false, "list passing scenarios too")
	paths, err := parseFlags(fs, args)
	if err != nil {
		return exitCommand
	}
	if len(paths) == 0 {
		fs.Usage()
		return exitCommand
	}
	suites, err := scenario.LoadPaths(paths...)
	if err != nil {
		report(stderr, err)
		return exitBroken
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
	rep.WriteText(stdout, *verbose)
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
	if !rep.OK() {
		return exitFail
	}
	return exitOK
}
