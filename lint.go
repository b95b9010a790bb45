package wijkwerken

import (
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
