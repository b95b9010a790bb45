package wijkwerken

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"github.com/openwijkwerken/wijkwerken/internal/paramcall"
)

// build checks what spans entries and files (duplicate ids, overlapping
// validity, expressions and the parameters they read) and assembles the
// rulebook. Problems go to ps.
func build(name string, params []*Parameter, rules []*Rule, ps *Problems) *Rulebook {
	rb := &Rulebook{name: name, params: map[string]*Parameter{}, paramIdx: map[string]int{}}
	for _, p := range params {
		if p.ID == "" || p.Kind == KindInvalid {
			continue // reported: an entry without id or type
		}
		if prev, dup := rb.params[p.ID]; dup {
			ps.Add(Problem{Pos: p.Pos, ID: p.ID, Msg: fmt.Sprintf("duplicate parameter id (first defined at %s)", prev.Pos)})
			continue
		}
		sort.SliceStable(p.Values, func(i, j int) bool { return p.Values[i].From.Before(p.Values[j].From) })
		for i := 1; i < len(p.Values); i++ {
			a, b := p.Values[i-1], p.Values[i]
			if a.To.IsZero() || !b.From.After(a.To) {
				ps.Add(Problem{Pos: b.Pos, ID: p.ID, Msg: fmt.Sprintf("value from %s overlaps the value from %s (line %d); end the earlier one with to:", b.From, a.From, a.Pos.Line)})
			}
		}
		checkBounds(p, ps)
		rb.params[p.ID] = p
		rb.paramIdx[p.ID] = len(rb.paramOrder)
		rb.paramOrder = append(rb.paramOrder, p.ID)
	}
	rb.rules = orderRules(rules, ps)
	// Keep the rules an area can type-check: with problems elsewhere the
	// rulebook is refused anyway (Load, Reform), and Lint type-checks what
	// remains without reporting an expression's problems twice.
	kept := rb.rules[:0]
	for _, r := range rb.rules {
		if checkExpression(rb, r, ps) && r.compilable() {
			kept = append(kept, r)
		}
	}
	rb.rules = kept
	return rb
}

// orderRules keeps the versions of one id together (at the place of its first
// version, sorted by From) and reports overlapping versions.
func orderRules(rules []*Rule, ps *Problems) []*Rule {
	byID := map[string][]*Rule{}
	var order []string
	for _, r := range rules {
		if r.ID == "" {
			continue
		}
		if _, seen := byID[r.ID]; !seen {
			order = append(order, r.ID)
		}
		byID[r.ID] = append(byID[r.ID], r)
	}
	out := make([]*Rule, 0, len(rules))
	for _, id := range order {
		vs := byID[id]
		sort.SliceStable(vs, func(i, j int) bool { return vs[i].From.Before(vs[j].From) })
		for i := 1; i < len(vs); i++ {
			a, b := vs[i-1], vs[i]
			if a.To.IsZero() || !b.From.After(a.To) {
				ps.Add(Problem{Pos: b.Pos, ID: id, Msg: fmt.Sprintf("duplicate rule id: this version (from %s) overlaps the one at %s (from %s); end the earlier one with to:", b.From, a.Pos, a.From)})
			}
			if a.Area != b.Area {
				ps.Add(Problem{Pos: b.Pos, ID: id, Msg: fmt.Sprintf("versions of one rule must share an area (%s here, %s at %s)", b.Area, a.Area, a.Pos)})
			}
		}
		out = append(out, vs...)
	}
	return out
}

// checkExpression parses the rule's expression and checks the parameters it
// reads, and reports whether it found no problem. Types are checked when an
// area compiles the rule (see Compile).
func checkExpression(rb *Rulebook, r *Rule, ps *Problems) bool {
	src := r.Expression()
	if strings.TrimSpace(src) == "" {
		return false
	}
	if off, err := CheckExpressionSize(src); err != nil {
		ps.Error(r.PositionOf(lineCol(src, runeOffset(src, off))), r.ID, "%v", err)
		return false
	}
	tree, err := parser.Parse(src)
	if err != nil {
		ps.Add(exprProblem(r, err))
		return false
	}
	ok := true
	for _, ref := range paramRefs(tree.Node) {
		pos := r.PositionOf(lineCol(src, ref.offset))
		if ref.err != "" {
			ps.Add(Problem{Pos: pos, ID: r.ID, Msg: ref.err})
			ok = false
			continue
		}
		if _, known := rb.params[ref.id]; !known {
			e := &UnknownError{What: "parameter", ID: ref.id, Known: rb.paramOrder}
			ps.Add(Problem{Pos: pos, ID: r.ID, Msg: e.Error()})
			ok = false
		}
	}
	return ok
}

type paramRef struct {
	id     string
	at     bool // param_at(id, date)
	offset int  // rune offset of the call in the expression
	err    string
}

// paramRefs finds the param("id") and param_at("id", date) calls of a
// parsed expression.
func paramRefs(root ast.Node) []paramRef {
	var c refCollector
	ast.Walk(&root, &c)
	return c.refs
}

type refCollector struct{ refs []paramRef }

func (c *refCollector) Visit(n *ast.Node) {
	call, at, ok := paramcall.Of(*n)
	if !ok {
		return
	}
	ref := paramRef{at: at, offset: call.Location().From}
	name, want := "param", 1
	if at {
		name, want = "param_at", 2
	}
	if len(call.Arguments) != want {
		ref.err = fmt.Sprintf("%s takes %d argument(s), got %d", name, want, len(call.Arguments))
	} else if s, ok := call.Arguments[0].(*ast.StringNode); !ok {
		ref.err = name + `: the parameter id must be a quoted literal, e.g. param("hours.per_month_max")`
	} else {
		ref.id = s.Value
	}
	c.refs = append(c.refs, ref)
}

func exprProblem(r *Rule, err error) Problem {
	msg := err.Error()
	line, col := 1, 0
	var fe *file.Error
	if errors.As(err, &fe) {
		line, col = fe.Line, fe.Column
		msg = fe.Message + fe.Snippet
	}
	return Problem{Pos: r.PositionOf(line, col), ID: r.ID, Msg: msg}
}

// lineCol converts a rune offset in src to a 1-based line and 0-based column.
func lineCol(src string, offset int) (int, int) {
	line, col, n := 1, 0, 0
	for _, c := range src {
		if n == offset {
			break
		}
		if c == '\n' {
			line, col = line+1, 0
		} else {
			col++
		}
		n++
	}
	return line, col
}

// runeOffset converts a byte offset in src to a rune offset.
func runeOffset(src string, b int) int {
	if b > len(src) {
		b = len(src)
	}
	return len([]rune(src[:b]))
}
