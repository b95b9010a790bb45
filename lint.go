package wijkwerken

import (
	"io/fs"
	"sort"

	"github.com/expr-lang/expr/parser"
)

// Warnings returns what is suspicious in the rulebook without making it
// unusable: today, parameters that no rule reads (a value nobody decides
// with is either dead data or a rule that forgot it). A loaded or reformed
// rulebook has no errors; wijkwerken lint prints these beside them.
func (rb *Rulebook) Warnings() []Problem {
	read := map[string]bool{}
	for _, r := range rb.rules {
		tree, err := parser.Parse(r.Expression())
		if err != nil {
			continue // cannot happen: build parsed it
		}
		for _, ref := range paramRefs(tree.Node) {
			read[ref.id] = true
		}
	}
	var out []Problem
	for _, id := range rb.paramOrder {
		if !read[id] {
			p := rb.params[id]
			out = append(out, Problem{Pos: p.Pos, ID: id, Msg: "no rule reads this parameter (remove it, or read it with param(\"" + id + "\"))"})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Pos.Line < out[j].Pos.Line })
	return out
}

// ReformFile is a reform to read: the name its problems give (a path) and
// its contents.
type ReformFile struct {
	Name string
	Data []byte
}

// Lint checks reforms against base the way ParseReform and Rulebook.Reform
// do, in order, but goes on past every problem so that one run reports
// them all: each file's structure and values (unknown keys, bad dates),
// what applying it finds (unknown parameters and rules, values of the
// wrong type), and the expressions (syntax, parameters read), every
// problem recorded in ps. An entry with a problem of its own is checked as
// far as it can be and never applied, but for rules: a rule whose
// expression an area could type-check is kept.
//
// It returns the rulebook as far as it could be built, for the areas to
// type-check (decision.New reports type errors of every area at once): a
// rulebook to lint with, never to decide with, unless ps holds no error.
// A file that holds no reform at all (a syntax error) is skipped.
// wijkwerken lint runs Lint.
func Lint(base *Rulebook, reforms []ReformFile, ps *Problems) *Rulebook {
	cur := base
	for _, f := range reforms {
		if rf := readReform(f.Name, f.Data, ps); rf != nil {
			cur = cur.apply(rf, ps)
		}
	}
	return cur
}

// LintLoad reads a rulebook as Load does, recording every problem of its
// files in ps instead of refusing it: the rulebook returned holds the
// entries that could be read, for Lint and the areas to check further.
// The error is one of reading the files (a missing file or directory).
func LintLoad(fsys fs.FS, ps *Problems, paths ...string) (*Rulebook, error) {
	return load(fsys, paths, ps)
}
