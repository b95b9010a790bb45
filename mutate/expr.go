package mutate

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/parser"
	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/shopspring/decimal"
)

// exprMutation is one change of an expression: the whole expression after
// it, the mutated node before and after (printed), the operator, and the
// rune offset in the source of the place it concerns.
type exprMutation struct {
	Operator      string
	After         string
	Before, Local string // the mutated node, printed, before and after
	Offset        int
}

// swaps are the binary operators the comparison, equality and logical
// operators exchange.
var swaps = map[string]struct{ to, op string }{
	"<":   {"<=", OpComparison},
	"<=":  {"<", OpComparison},
	">":   {">=", OpComparison},
	">=":  {">", OpComparison},
	"==":  {"!=", OpEquality},
	"!=":  {"==", OpEquality},
	"and": {"or", OpLogical},
	"or":  {"and", OpLogical},
	"&&":  {"||", OpLogical},
	"||":  {"&&", OpLogical},
}

// printed parses an expression and prints it back with the expr printer,
// and checks that the printed form reads back to itself: the mutants are
// printed the same way, so that a difference between an expression and its
// mutant is the mutation alone.
func printed(src string) (*parser.Tree, string, error) {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil, "", err
	}
	p := tree.Node.String()
	again, err := parser.Parse(p)
	if err != nil {
		return nil, "", fmt.Errorf("the expression printed back (%s) does not parse: %v", p, err)
	}
	if q := again.Node.String(); q != p {
		return nil, "", fmt.Errorf("the expression printed back does not read back the same: %s, then %s", p, q)
	}
	return tree, p, nil
}

// exprMutations returns every mutation of the expression src the operators
// make, in the order of the expression's nodes (innermost first, left to
// right), without duplicates. The first result is src as the expr printer
// writes it.
func exprMutations(src string) (string, []exprMutation, error) {
	tree, before, err := printed(src)
	if err != nil {
		return "", nil, err
	}
	var sites []*ast.Node
	ast.Walk(&tree.Node, collector(func(n *ast.Node) { sites = append(sites, n) }))
	seen := map[string]bool{before: true}
	var out []exprMutation
	for _, site := range sites {
		orig := *site
		for _, c := range nodeChanges(orig) {
			local := c.apply(site)
			after := tree.Node.String()
			restore := c.undo
			if restore != nil {
				restore()
			}
			*site = orig
			if seen[after] {
				continue
			}
			// A mutant must read back as printed, as the original does.
			if re, err := parser.Parse(after); err != nil || re.Node.String() != after {
				continue
			}
			seen[after] = true
			was := short(orig.String())
			if c.id != nil {
				was = c.id()
			} else {
				local = short(local)
			}
			out = append(out, exprMutation{Operator: c.op, After: after, Before: was, Local: local, Offset: c.offset(orig)})
		}
	}
	return before, out, nil
}

type collector func(*ast.Node)

func (c collector) Visit(n *ast.Node) { c(n) }

// change is one mutation of one node: apply makes it at *site and returns
// the node as it then prints; undo (if not nil) reverts what apply changed
// inside the node (a replaced node is restored by the caller).
type change struct {
	op     string
	apply  func(site *ast.Node) string
	undo   func()
	offset func(orig ast.Node) int
	// id, when not nil, prints the node before the change for a mutant's
	// id (else the node prints whole, shortened).
	id func() string
}

func at(n ast.Node) int { return n.Location().From }

// leftmost is the offset of a node's first token: where an expression such
// as a conditional starts.
func leftmost(n ast.Node) int {
	first := n.Location().From
	ast.Walk(&n, collector(func(c *ast.Node) {
		if f := (*c).Location().From; f < first {
			first = f
		}
	}))
	return first
}

// replace is a change that puts another node in the place of the site.
func replace(op string, with ast.Node, offset func(ast.Node) int) change {
	return change{op: op, offset: offset, apply: func(site *ast.Node) string {
		*site = with
		return with.String()
	}}
}

// nodeChanges lists the mutations the operators make of one node.
func nodeChanges(n ast.Node) []change {
	switch n := n.(type) {
	case *ast.BinaryNode:
		s, ok := swaps[n.Operator]
		if !ok {
			return nil
		}
		old := n.Operator
		return []change{{op: s.op, offset: at,
			apply: func(*ast.Node) string { n.Operator = s.to; return binaryID(n) },
			undo:  func() { n.Operator = old },
			id:    func() string { return binaryID(n) }}}
	case *ast.UnaryNode:
		if n.Operator == "not" || n.Operator == "!" {
			return []change{replace(OpNegation, n.Node, at)}
		}
	case *ast.IntegerNode:
		return []change{
			replace(OpNumber, &ast.IntegerNode{Value: n.Value + 1}, at),
			replace(OpNumber, &ast.IntegerNode{Value: n.Value - 1}, at),
		}
	case *ast.CallNode:
		name := ""
		if id, ok := n.Callee.(*ast.IdentifierNode); ok {
			name = id.Value
		}
		switch name {
		case "is_set":
			return []change{replace(OpIsSet, &ast.BoolNode{Value: true}, at)}
		case "dec":
			if s, ok := singleString(n); ok {
				d, err := decimal.NewFromString(s)
				if err != nil {
					return nil
				}
				step := decimalStep(d)
				return []change{
					replace(OpNumber, callWith(n, d.Add(step).String()), at),
					replace(OpNumber, callWith(n, d.Sub(step).String()), at),
				}
			}
		case "parse_date":
			if s, ok := singleString(n); ok {
				d, err := wk.ParseDate(s)
				if err != nil {
					return nil
				}
				return []change{
					replace(OpDate, callWith(n, d.AddDays(1).String()), at),
					replace(OpDate, callWith(n, d.AddDays(-1).String()), at),
				}
			}
		}
	case *ast.ArrayNode:
		var cs []change
		for i := range n.Nodes {
			rest := append(append([]ast.Node(nil), n.Nodes[:i]...), n.Nodes[i+1:]...)
			cs = append(cs, replace(OpList, &ast.ArrayNode{Nodes: rest}, func(ast.Node) int { return at(n.Nodes[i]) }))
		}
		return cs
	case *ast.ConditionalNode:
		return []change{
			replace(OpConditional, n.Exp1, leftmost),
			replace(OpConditional, n.Exp2, leftmost),
		}
	}
	return nil
}

// singleString returns the argument of a call with one string literal.
func singleString(n *ast.CallNode) (string, bool) {
	if len(n.Arguments) != 1 {
		return "", false
	}
	s, ok := n.Arguments[0].(*ast.StringNode)
	if !ok {
		return "", false
	}
	return s.Value, true
}

func callWith(n *ast.CallNode, arg string) *ast.CallNode {
	return &ast.CallNode{Callee: n.Callee, Arguments: []ast.Node{&ast.StringNode{Value: arg}}}
}

// decimalStep is what a decimal mutant adds or takes away: 1 for a whole
// number (1470 EUR, where a cent would vanish in rounding), else a cent.
func decimalStep(d decimal.Decimal) decimal.Decimal {
	if d.Equal(d.Truncate(0)) {
		return decimal.NewFromInt(1)
	}
	return decimal.New(1, -2)
}

// paramRef is a parameter an expression reads: with param("id"), at the
// decision date, or with param_at("id", d), at another date (at).
type paramRef struct {
	id string
	at bool
}

// paramReads returns the parameters an expression reads.
func paramReads(src string) []paramRef {
	tree, err := parser.Parse(src)
	if err != nil {
		return nil
	}
	var ids []paramRef
	ast.Walk(&tree.Node, collector(func(n *ast.Node) {
		call, ok := (*n).(*ast.CallNode)
		if !ok || len(call.Arguments) == 0 {
			return
		}
		id, ok := call.Callee.(*ast.IdentifierNode)
		if !ok || (id.Value != "param" && id.Value != "param_at") {
			return
		}
		if s, ok := call.Arguments[0].(*ast.StringNode); ok {
			ids = append(ids, paramRef{s.Value, id.Value == "param_at"})
		}
	}))
	return ids
}

// short elides the middle of a long printed node, for a mutant's id,
// cutting at spaces so that no token is cut in two.
func short(s string) string {
	const max, half = 72, 34
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	r := []rune(s)
	head, tail := string(r[:half]), string(r[len(r)-half:])
	if k := strings.LastIndexByte(head, ' '); k > 0 && r[half] != ' ' {
		head = head[:k]
	}
	if k := strings.IndexByte(tail, ' '); k >= 0 && k+1 < len(tail) && r[len(r)-half-1] != ' ' {
		tail = tail[k+1:]
	}
	return head + " … " + tail
}

// binaryID prints a binary node for a mutant's id: the operator with the
// end of its left operand and the start of its right one, cut at spaces, so
// that a change of the operator of a long expression reads as the
// operator's.
func binaryID(n *ast.BinaryNode) string {
	const side = 32
	left, right := n.Left.String(), n.Right.String()
	if len(left) > side {
		s := len(left) - side
		if k := strings.LastIndexByte(left[:s], ' '); k >= 0 {
			s = k + 1
		} else {
			s = 0 // a long last token stays whole
		}
		if s > 0 {
			left = "… " + left[s:]
		}
	}
	if len(right) > side {
		e := side
		if k := strings.LastIndexByte(right[:e], ' '); k > 0 {
			e = k
		} else if k := strings.IndexByte(right[e:], ' '); k >= 0 {
			e += k // a long first token stays whole
		} else {
			e = len(right)
		}
		for e > 0 && e < len(right) && !utf8.RuneStart(right[e]) {
			e--
		}
		if e < len(right) {
			right = right[:e] + " …"
		}
	}
	return left + " " + n.Operator + " " + right
}
