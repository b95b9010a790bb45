package main

import (
	"errors"
	"fmt"
	"io"

	wk "github.com/openwijkwerken/wijkwerken"
)

// report prints an error the way people can act on: every problem of a
// broken file on a line of its own, each once.
func report(stderr io.Writer, err error) {
	for _, line := range errorLines(err) {
		fmt.Fprintln(stderr, line)
	}
}

// errorLines lists the lines report prints for err: the problems of every
// *wijkwerken.LoadError in it (errors.Join included), each once, and any
// other error prefixed with "wijkwerken:".
func errorLines(err error) []string {
	var out []string
	seen := map[string]bool{}
	add := func(s string) {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	var walk func(err error)
	walk = func(err error) {
		var le *wk.LoadError
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				walk(e)
			}
			return
		}
		if errors.As(err, &le) {
			for _, p := range le.Problems {
				add(p.String())
			}
			return
		}
		add("wijkwerken: " + err.Error())
	}
	walk(err)
	return out
}
