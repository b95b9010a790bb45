package mutate

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/openwijkwerken/wijkwerken/internal/errwriter"
	"github.com/openwijkwerken/wijkwerken/scenario"
)

// listed is how many reaching scenarios a text line names.
const listed = 2

// WriteText writes the report for a terminal: the surviving mutants
// grouped by rule or parameter, each with its place, the change as a diff
// of the expression or value, the scenarios that reach it and its id; then
// the declared equivalents, the stale and unmatched declarations, the
// mutants that do not compile, and the score. verbose lists the killed
// mutants too, each with the scenario that killed it.
func (r *Report) WriteText(w io.Writer, verbose bool) error {
	ew := errwriter.New(w)
	ew.Printf("mutation testing of %s: %d mutants, %d scenarios, %d workers, %.1f s\n",
		r.Rulebook, len(r.Results), r.Scenarios, r.Workers, r.Duration.Seconds())
	if r.Equivalents != "" {
		ew.Printf("declared equivalents: %s\n", r.Equivalents)
	}
	trivial := 0
	for _, s := range r.Skipped {
		if s.Trivial {
			trivial++
			continue
		}
		ew.Printf("%s: %s: not mutated: %s\n", s.Pos, s.What, s.Why)
	}
	if surv := r.Survivors(); len(surv) > 0 {
		ew.Printf("\nsurviving mutants (%d), by rule and parameter:\n", len(surv))
		writeGroups(ew, surv, true)
	}
	if verbose {
		if killed := r.with(Killed); len(killed) > 0 {
			ew.Printf("\nkilled mutants (%d):\n", len(killed))
			writeGroups(ew, killed, false)
		}
		if trivial > 0 {
			ew.Printf("\nleft out as equivalent by construction (%d):\n", trivial)
			for _, s := range r.Skipped {
				if s.Trivial {
					ew.Printf("  %s: %s\n    %s\n", s.Pos, s.What, s.Why)
				}
			}
		}
	}
	if eq := r.with(Equivalent); len(eq) > 0 {
		ew.Printf("\ndeclared equivalent (%d), not counted:\n", len(eq))
		for _, res := range eq {
			ew.Printf("  %s\n    reason: %s\n", res.Mutant.ID, res.Reason)
		}
	}
	if st := r.with(Stale); len(st) > 0 {
		ew.Printf("\nstale declarations (%d): declared equivalent, but a scenario kills them; remove the declaration:\n", len(st))
		for _, res := range st {
			ew.Printf("  %s: %s\n    killed by %s: %s\n", res.DeclaredAt, res.Mutant.ID, res.KilledBy, res.Failure)
		}
	}
	if len(r.Unmatched) > 0 {
		ew.Printf("\ndeclarations that match no mutant (%d): the rule or value changed; update or remove them:\n", len(r.Unmatched))
		for _, d := range r.Unmatched {
			ew.Printf("  %s: %s\n", d.Pos, d.Mutant)
		}
	}
	if inv := r.with(Invalid); len(inv) > 0 {
		ew.Printf("\nmutants that do not compile (%d), not counted:\n", len(inv))
		for _, res := range inv {
			ew.Printf("  %s: %s\n    %s\n", res.Mutant.Pos, res.Mutant.ID, res.Error)
		}
	}
	r.writeOperators(ew)
	if trivial > 0 && !verbose {
		ew.Printf("%d mutants left out as equivalent by construction (a parameter moved onto a day no rule reading it is in force; -v lists them)\n", trivial)
	}
	ew.Printf("\n%s\n", r.summary())
	return ew.Err()
}

// writeOperators writes a table of the statuses per operator.
func (r *Report) writeOperators(ew *errwriter.Writer) {
	if len(r.Results) == 0 {
		return
	}
	count := map[string]map[Status]int{}
	for _, res := range r.Results {
		op := res.Mutant.Operator
		if count[op] == nil {
			count[op] = map[Status]int{}
		}
		count[op][res.Status]++
	}
	statuses := []Status{Killed, Survived, Equivalent, Stale, Invalid}
	ew.Printf("\n%-12s", "operator")
	for _, st := range statuses {
		ew.Printf(" %10s", st)
	}
	ew.Printf("\n")
	for _, op := range Operators() {
		if count[op] == nil {
			continue
		}
		ew.Printf("%-12s", op)
		for _, st := range statuses {
			ew.Printf(" %10d", count[op][st])
		}
		ew.Printf("\n")
	}
}

func (r *Report) summary() string {
	s := fmt.Sprintf("mutation score %.1f%%: %d of %d mutants killed, %d survived", r.Score(), r.Killed+r.Stale, r.Killed+r.Stale+r.Survived, r.Survived)
	if r.Equivalent > 0 {
		s += fmt.Sprintf(", %d declared equivalent", r.Equivalent)
	}
	if r.Invalid > 0 {
		s += fmt.Sprintf(", %d do not compile", r.Invalid)
	}
	if r.Stale > 0 {
		s += fmt.Sprintf(", %d stale declarations", r.Stale)
	}
	if len(r.Unmatched) > 0 {
		s += fmt.Sprintf(", %d declarations match no mutant", len(r.Unmatched))
	}
	if r.Interrupted {
		s += " (interrupted: not every mutant was tried)"
	}
	return s
}

func (r *Report) with(st Status) []*Result {
	var out []*Result
	for _, res := range r.Results {
		if res.Status == st {
			out = append(out, res)
		}
	}
	return out
}

// writeGroups writes mutants under a heading per rule or parameter, each
// with its place, operator, diff and id; with reach, the scenarios that
// reach it (once under the heading when they are the same for the whole
// group), else the scenario that killed it.
func writeGroups(ew *errwriter.Writer, rs []*Result, reach bool) {
	for i := 0; i < len(rs); {
		m := rs[i].Mutant
		j := i
		same := true
		for j < len(rs) && rs[j].Mutant.Kind == m.Kind && rs[j].Mutant.Target == m.Target {
			same = same && reachText(rs[j]) == reachText(rs[i])
			j++
		}
		ew.Printf("\n%s %s  (%s)\n", m.Kind, m.Target, m.Entry)
		if reach && same {
			ew.Printf("  %s\n", reachText(rs[i]))
		}
		for _, res := range rs[i:j] {
			m := res.Mutant
			ew.Printf("  %s  %s\n", m.Pos, m.Operator)
			before, after := diff(m.Before, m.After)
			ew.Printf("    - %s\n    + %s\n", before, after)
			switch {
			case !reach:
				ew.Printf("    killed by %s: %s\n", res.KilledBy, res.Failure)
			case !same:
				ew.Printf("    %s\n", reachText(res))
			}
			ew.Printf("    id: %s\n", m.ID)
		}
		i = j
	}
}

func reachText(res *Result) string {
	if res.Unread {
		return "no rule reads this parameter"
	}
	n := len(res.Reached)
	if n == 0 {
		return "reached by no scenario"
	}
	names := make([]string, 0, listed)
	for i := 0; i < n && i < listed; i++ {
		names = append(names, res.Reached[i].String())
	}
	s := fmt.Sprintf("reached by %d scenario", n)
	if n > 1 {
		s += "s"
	}
	s += ": " + strings.Join(names, ", ")
	if n > listed {
		s += fmt.Sprintf(" and %d more", n-listed)
	}
	return s
}

// diff shortens two long lines to where they differ, with some context on
// each side.
func diff(a, b string) (string, string) {
	const whole, context = 100, 36
	ra, rb := []rune(a), []rune(b)
	if len(ra) <= whole && len(rb) <= whole {
		return a, b
	}
	p := 0
	for p < len(ra) && p < len(rb) && ra[p] == rb[p] {
		p++
	}
	s := 0
	for s < len(ra)-p && s < len(rb)-p && ra[len(ra)-1-s] == rb[len(rb)-1-s] {
		s++
	}
	cut := func(r []rune) string {
		from, to := max(0, p-context), min(len(r), len(r)-s+context)
		out := string(r[from:to])
		if from > 0 {
			out = "…" + out
		}
		if to < len(r) {
			out += "…"
		}
		return out
	}
	return cut(ra), cut(rb)
}

type jsonReport struct {
	*Report
	Score      float64 `json:"score"`
	DurationMS float64 `json:"duration_ms"`
}

// WriteJSON writes the report as JSON: the counts, the score, and every
// mutant with its status, place, change, the scenarios that reach it and
// the one that killed it.
func (r *Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonReport{Report: r, Score: r.Score(), DurationMS: float64(r.Duration.Microseconds()) / 1000})
}

// WriteGitHub writes GitHub Actions annotations: each surviving mutant on
// its line of the rulebook or reform file (as an error when failing is
// true, the score being below what the run requires, else as a warning),
// each stale or unmatched declaration as an error on its line of the
// declarations, each mutant that does not compile as a notice; then the
// summary line.
func (r *Report) WriteGitHub(w io.Writer, failing bool) error {
	ew := errwriter.New(w)
	level := "warning"
	if failing {
		level = "error"
	}
	for _, res := range r.Survivors() {
		m := res.Mutant
		msg := fmt.Sprintf("%s: %s\n- %s\n+ %s\n%s\nid: %s", m.Operator, m.Change, m.Before, m.After, reachText(res), m.ID)
		ew.Printf("%s", scenario.Annotation(level, m.Pos, "surviving mutant of "+m.Kind+" "+m.Target, msg))
	}
	for _, res := range r.with(Stale) {
		msg := fmt.Sprintf("%s is declared equivalent, but %s kills it: %s", res.Mutant.ID, res.KilledBy, res.Failure)
		ew.Printf("%s", scenario.Annotation("error", res.DeclaredAt, "stale equivalent declaration", msg))
	}
	for _, d := range r.Unmatched {
		ew.Printf("%s", scenario.Annotation("error", d.Pos, "equivalent declaration matches no mutant", d.Mutant))
	}
	for _, res := range r.with(Invalid) {
		ew.Printf("%s", scenario.Annotation("notice", res.Mutant.Pos, "mutant does not compile", res.Mutant.ID+": "+res.Error))
	}
	ew.Printf("%s\n", r.summary())
	return ew.Err()
}
