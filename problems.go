package wijkwerken

import (
	"fmt"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Severity says whether a problem makes a file unusable (an error) or is
// only suspicious (a warning, such as a parameter no rule reads).
type Severity uint8

// The severities of a Problem.
const (
	SeverityError Severity = iota
	SeverityWarning
)

func (s Severity) String() string {
	if s == SeverityWarning {
		return "warning"
	}
	return "error"
}

// MarshalText writes the severity as "error" or "warning".
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// Problem is one thing wrong with a rulebook, reform, scenario or case
// file: where, about which entry, what.
type Problem struct {
	Pos      Position `json:"pos"`
	ID       string   `json:"id,omitempty"` // the parameter, rule, scenario or field concerned
	Msg      string   `json:"message"`
	Severity Severity `json:"severity"`
}

func (p Problem) String() string {
	prefix := ""
	if p.Severity == SeverityWarning {
		prefix = "warning: "
	}
	if p.ID != "" {
		return fmt.Sprintf("%s%s: %s: %s", prefix, p.Pos, p.ID, p.Msg)
	}
	return fmt.Sprintf("%s%s: %s", prefix, p.Pos, p.Msg)
}

// LoadError lists every error found in a rulebook, reform or scenario
// file, each with its file:line and the id of the entry. Use errors.As to
// get at it.
type LoadError struct {
	Problems []Problem
}

func (e *LoadError) Error() string {
	if len(e.Problems) == 1 {
		return e.Problems[0].String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d problems:", len(e.Problems))
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Problems collects the problems found while files are read and checked,
// errors and warnings apart, so that every problem is reported at once.
// The zero Problems is empty and ready to use.
type Problems struct {
	list []Problem
}

// Error records an error at pos about entry id.
func (ps *Problems) Error(pos Position, id, format string, args ...any) {
	ps.list = append(ps.list, Problem{Pos: pos, ID: id, Msg: fmt.Sprintf(format, args...)})
}

// Warn records a warning at pos about entry id.
func (ps *Problems) Warn(pos Position, id, format string, args ...any) {
	ps.list = append(ps.list, Problem{Pos: pos, ID: id, Msg: fmt.Sprintf(format, args...), Severity: SeverityWarning})
}

// Add records problems as they are.
func (ps *Problems) Add(p ...Problem) { ps.list = append(ps.list, p...) }

// AddError records every problem of err when it is a *LoadError, or err
// itself as an error at pos otherwise.
func (ps *Problems) AddError(pos Position, err error) {
	if le, ok := err.(*LoadError); ok {
		ps.list = append(ps.list, le.Problems...)
		return
	}
	ps.Error(pos, "", "%v", err)
}

// at records an error at a YAML node of file.
func (ps *Problems) at(file string, n *yaml.Node, id, format string, args ...any) {
	pos := Position{File: file}
	if n != nil {
		pos.Line, pos.Column = n.Line, n.Column
	}
	ps.Error(pos, id, format, args...)
}

// errors counts the errors (not warnings) recorded so far: a reader
// compares the count before and after an entry to know whether the entry
// has a problem of its own.
func (ps *Problems) errors() int {
	n := 0
	for _, p := range ps.list {
		if p.Severity == SeverityError {
			n++
		}
	}
	return n
}

// HasErrors reports whether an error (not a warning) was recorded.
func (ps *Problems) HasErrors() bool {
	for _, p := range ps.list {
		if p.Severity == SeverityError {
			return true
		}
	}
	return false
}

// sorted returns the problems of severity sev in file, line and column
// order, each once (two stages that find the same problem, or two areas
// that compile the same rule, report it once).
func (ps *Problems) sorted(sev Severity) []Problem {
	var out []Problem
	seen := map[Problem]bool{}
	for _, p := range ps.list {
		if p.Severity == sev && !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i].Pos, out[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return out
}

// Warnings returns the warnings recorded, in file and line order.
func (ps *Problems) Warnings() []Problem { return ps.sorted(SeverityWarning) }

// Err returns the errors recorded as a *LoadError, in file and line
// order, or nil when there is none (warnings alone are no error).
func (ps *Problems) Err() error {
	if errs := ps.sorted(SeverityError); len(errs) > 0 {
		return &LoadError{Problems: errs}
	}
	return nil
}
