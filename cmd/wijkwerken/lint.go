package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
)

// cmdLint checks a rulebook and reforms and reports every problem in one
// run: the structure and values of each file, what applying each reform
// finds, the expressions, and the types every area checks them against.
func cmdLint(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("lint", "[--rulebook DIR] [--reform FILE]... [--strict] [RULEBOOK DIR] [REFORM FILES...|-]", stdout, stderr)
	var rf rulebookFlags
	rf.register(fs)
	strict := fs.Bool("strict", false, "exit 1 on warnings too (a parameter no rule reads)")
	pos, code, ok := fs.parse(args)
	if !ok {
		return code
	}
	for _, p := range pos {
		// A directory is a rulebook (lint regulation/), a file a reform.
		if st, err := os.Stat(p); p != "-" && err == nil && st.IsDir() {
			if rf.dir != "" {
				return fs.fail("two rulebooks: %s and %s", rf.dir, p)
			}
			rf.dir = p
			continue
		}
		rf.reforms = append(rf.reforms, p)
	}
	in := rf.inputs(stdin)
	var ps wk.Problems
	base, err := wk.Reference()
	if rf.dir != "" {
		var fsys *limitFS
		var path string
		if fsys, path, err = rulebookRoot(rf.dir, in); err == nil {
			base, err = wk.LintLoad(fsys, &ps, path)
		}
	}
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	base = base.WithWorkBudget(rf.workBudget)
	var files []wk.ReformFile
	for _, f := range rf.reforms {
		data, name, err := in.read(f)
		if err != nil {
			report(stderr, err)
			return exitInput
		}
		files = append(files, wk.ReformFile{Name: name, Data: data})
	}
	rb := wk.Lint(base, files, &ps)
	if _, err := decision.New(rb); err != nil { // type-checks every rule against its area
		addProblems(&ps, err)
	}
	if err := ps.Err(); err != nil {
		report(stderr, err)
		n := len(errorLines(err))
		fmt.Fprintf(stderr, "wijkwerken lint: %d %s\n", n, plural(n, "problem", "problems"))
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

// addProblems records the problems of err (every *wijkwerken.LoadError in
// it, errors.Join included) in ps, and any other error as it is.
func addProblems(ps *wk.Problems, err error) {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			addProblems(ps, e)
		}
		return
	}
	var le *wk.LoadError
	if errors.As(err, &le) {
		ps.Add(le.Problems...)
		return
	}
	ps.Error(wk.Position{}, "", "%v", err)
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
