package scenario

import (
	"regexp"
	"strings"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
)

// Run runs scenario files (or directories of them) as go test subtests,
// against the reference rulebook: one subtest per file, one per scenario.
// A failing expectation is reported as
// file:line: scenario "name": path: want X, got Y, with the trace.
func Run(t *testing.T, paths ...string) {
	t.Helper()
	rb, err := wk.Reference()
	if err != nil {
		t.Fatal(err)
	}
	RunWith(t, rb, paths...)
}

// runPattern is the go test -run pattern that selects exactly the test
// named name: each level anchored and quoted. (A level with a slash, as a
// file's path, splits into levels the same way in the name and the
// pattern.)
func runPattern(name string) string {
	parts := strings.Split(name, "/")
	for i, p := range parts {
		parts[i] = "^" + regexp.QuoteMeta(p) + "$"
	}
	return strings.Join(parts, "/")
}

// RunWith is Run against the given rulebook (a loaded or reformed one).
func RunWith(t *testing.T, rb *wk.Rulebook, paths ...string) {
	t.Helper()
	suites, err := LoadPaths(paths...)
	if err != nil {
		// A broken file fails the test; the scenarios of the others run.
		t.Error(err)
	}
	r, err := NewRunner(rb)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range suites {
		t.Run(s.File, func(t *testing.T) {
			for _, sc := range s.Scenarios {
				t.Run(sc.Name, func(t *testing.T) {
					o := r.RunScenario(sc)
					for _, f := range o.Failures {
						t.Error(f.Format(sc.Name))
					}
					if !o.Passed() {
						t.Log("reproduce: go test -run " + shellQuote(runPattern(t.Name())))
					}
					if !o.Passed() && o.Trace != nil {
						var b strings.Builder
						o.Trace.Format(&b, "en")
						t.Log("trace:\n" + b.String())
					}
				})
			}
		})
	}
}
