package area

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/internal/fn"
)

// Work is the most work a rule set's rules can take on one evaluation, in
// steps: an iteration of a closure over a list or range, an element of a
// list or map a function walks. It is found when the rules compile, from
// what each can iterate over: case lists are bounded by
// dossier.MaxListItems, ranges by their literal bounds (the memory budget
// otherwise), parameter lists by their values. So the bound found at load
// holds at run time, and a rulebook or reform whose rules could take more
// than the rulebook's WorkBudget does not load: no rule makes a decision
// hang, and a reform costs a host a bounded share of its time.
type Work struct {
	// Steps is the sum over the rules of the most steps any version of
	// each may take (versions of one rule are never in force together).
	Steps int
	// Costliest is the rule that may take the most steps, and Most its
	// steps (nil, 0 when no rule iterates).
	Costliest *wk.Rule
	Most      int
	slots     []int // by rule slot, its costliest version's steps
}

func (w *Work) add(slot int, r *wk.Rule, steps int) {
	for len(w.slots) <= slot {
		w.slots = append(w.slots, 0)
	}
	if steps > w.slots[slot] {
		w.Steps = add(w.Steps, steps-w.slots[slot])
		w.slots[slot] = steps
	}
	if steps > w.Most {
		w.Costliest, w.Most = r, steps
	}
}

// Merge adds the work of another rule set to w.
func (w *Work) Merge(o Work) {
	w.Steps = add(w.Steps, o.Steps)
	if o.Most > w.Most {
		w.Costliest, w.Most = o.Costliest, o.Most
	}
}

// Work returns the most work the rule set's rules can take on one
// evaluation.
func (rs *RuleSet) Work() Work { return rs.work }

// builtins are expr's builtins rules may use; the others are disabled
// (floating point, string building, JSON, the clock, sorting and grouping
// that no rule of the regulation needs).
var builtins = map[string]bool{
	"all": true, "none": true, "any": true, "one": true, "filter": true, "map": true,
	"find": true, "findIndex": true, "findLast": true, "findLastIndex": true, "count": true,
	"sum": true, "reduce": true, "len": true, "abs": true, "int": true, "string": true,
	"max": true, "min": true, "first": true, "last": true, "get": true, "take": true,
	"keys": true, "values": true, "reverse": true, "uniq": true, "concat": true,
	"hasPrefix": true, "hasSuffix": true, "indexOf": true, "lastIndexOf": true,
}

// restricted disables every builtin rules may not use.
var restricted = func() []expr.Option {
	var opts []expr.Option
	for _, name := range []string{"groupBy", "sortBy", "type", "ceil", "floor", "round", "float",
		"trim", "trimPrefix", "trimSuffix", "upper", "lower", "split", "splitAfter", "replace", "repeat",
		"join", "mean", "median", "toJSON", "fromJSON", "now", "duration", "date", "timezone",
		"toPairs", "fromPairs", "flatten", "sort", "bitnot"} {
		if !builtins[name] {
			opts = append(opts, expr.DisableBuiltin(name))
		}
	}
	return opts
}()

// workOf estimates the most steps the checked expression root can take,
// and reports a construct rules may not use (building strings, a regular
// expression that is not a literal). unbounded is the size assumed for a
// collection whose size the expression does not bound (a range between
// computed ints: the memory budget bounds it).
type workEstimate struct {
	tab     *paramTable
	problem string
}

func estimateWork(root ast.Node, tab *paramTable) (int, string) {
	w := &workEstimate{tab: tab}
	n := w.cost(root)
	return n, w.problem
}

// limit adds, multiplies and caps step counts without overflowing.
func add(a, b int) int {
	if a > MemoryBudget*MemoryBudget-b {
		return MemoryBudget * MemoryBudget
	}
	return a + b
}

func mul(a, b int) int {
	if a != 0 && b > MemoryBudget*MemoryBudget/a {
		return MemoryBudget * MemoryBudget
	}
	return a * b
}

func (w *workEstimate) cost(n ast.Node) int {
	if n == nil {
		return 0
	}
	switch x := n.(type) {
	case *ast.BinaryNode:
		if x.Operator == "+" && (isString(x.Left) || isString(x.Right)) && w.problem == "" {
			w.problem = "rules do not build strings (" + strings.TrimSpace(x.String()) + ")"
		}
		if x.Operator == "matches" {
			if _, ok := x.Right.(*ast.StringNode); !ok && w.problem == "" {
				w.problem = "a regular expression must be a literal (" + strings.TrimSpace(x.String()) + ")"
			}
		}
		c := add(w.cost(x.Left), w.cost(x.Right))
		if x.Operator == ".." {
			c = add(c, w.size(x))
		}
		return c
	case *ast.BuiltinNode:
		c := 0
		var pred *ast.PredicateNode
		for _, a := range x.Arguments {
			if p, ok := a.(*ast.PredicateNode); ok {
				pred = p
				continue
			}
			c = add(c, w.cost(a))
		}
		if len(x.Arguments) > 0 {
			walks := false
			if t := x.Arguments[0].Type(); t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Map || t.Kind() == reflect.Interface) {
				walks = x.Name == "sum" || x.Name == "max" || x.Name == "min" || x.Name == "uniq" || x.Name == "reverse" || x.Name == "concat"
			}
			if pred != nil || walks {
				per := 1
				if pred != nil {
					per = add(w.cost(pred.Node), 1)
				}
				c = add(c, mul(w.size(x.Arguments[0]), per))
			}
		}
		return c
	case *ast.CallNode:
		c := 0
		for _, a := range x.Arguments {
			c = add(c, w.cost(a))
			// A function walks the lists and maps it is given.
			if t := a.Type(); t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Map) {
				c = add(c, w.size(a))
			}
		}
		return c
	case *ast.PredicateNode:
		return w.cost(x.Node)
	case *ast.UnaryNode:
		return w.cost(x.Node)
	case *ast.ConditionalNode:
		return add(w.cost(x.Cond), max(w.cost(x.Exp1), w.cost(x.Exp2)))
	case *ast.MemberNode:
		return add(w.cost(x.Node), w.cost(x.Property))
	case *ast.SliceNode:
		return add(add(w.cost(x.Node), add(w.cost(x.From), w.cost(x.To))), w.size(x.Node))
	case *ast.ChainNode:
		return w.cost(x.Node)
	case *ast.ArrayNode:
		c := 0
		for _, e := range x.Nodes {
			c = add(c, w.cost(e))
		}
		return c
	case *ast.MapNode:
		c := 0
		for _, p := range x.Pairs {
			c = add(c, w.cost(p))
		}
		return c
	case *ast.PairNode:
		return add(w.cost(x.Key), w.cost(x.Value))
	case *ast.VariableDeclaratorNode:
		return add(w.cost(x.Value), w.cost(x.Expr))
	case *ast.SequenceNode:
		c := 0
		for _, e := range x.Nodes {
			c = add(c, w.cost(e))
		}
		return c
	}
	return 0
}

// size bounds the number of items a collection node can hold.
func (w *workEstimate) size(n ast.Node) int {
	switch x := n.(type) {
	case *ast.BinaryNode:
		if x.Operator == ".." {
			lo, ok1 := x.Left.(*ast.IntegerNode)
			hi, ok2 := x.Right.(*ast.IntegerNode)
			if ok1 && ok2 {
				return max(0, min(hi.Value-lo.Value+1, MemoryBudget))
			}
			return MemoryBudget
		}
	case *ast.ArrayNode:
		return len(x.Nodes)
	case *ast.ConstantNode:
		if v := reflect.ValueOf(x.Value); v.Kind() == reflect.Slice || v.Kind() == reflect.Map {
			return v.Len()
		}
	case *ast.BuiltinNode:
		switch x.Name {
		case "filter", "map", "reverse", "uniq", "take", "keys", "values":
			if len(x.Arguments) > 0 {
				return w.size(x.Arguments[0])
			}
		case "concat":
			s := 0
			for _, a := range x.Arguments {
				s = add(s, w.size(a))
			}
			return s
		}
	case *ast.CallNode:
		if id, ok := x.Callee.(*ast.IdentifierNode); ok && (strings.HasPrefix(id.Value, "_p_") || strings.HasPrefix(id.Value, "_pa_")) && len(x.Arguments) >= 2 {
			if idx, ok := x.Arguments[1].(*ast.IntegerNode); ok && idx.Value < len(w.tab.params) {
				most := 0
				for _, v := range w.tab.params[idx.Value].Values {
					most = max(most, len(v.Value.List()))
				}
				return most
			}
		}
	case *ast.MemberNode, *ast.IdentifierNode:
		// A list or map of the case: bounded by validation.
		return dossier.MaxListItems
	}
	return MemoryBudget
}

func isString(n ast.Node) bool { return n.Type() == fn.TypeStr }

// VMStepCost is what a step of a rule that runs on expr's VM counts for in
// the work budget: a closure the VM runs per item (reduce, map, filter, a
// predicate the closures do not cover) costs about thirty times an
// iteration of the typed closures (count, any, all, none and one over
// lists and ranges), measured by BenchmarkStreamUnderReform.
const VMStepCost = 32

// overBudgetMessage is the load error of a rule that could take more steps
// than allowed.
func overBudgetMessage(steps, maxSteps int, onVM bool) string {
	msg := fmt.Sprintf("the rule may take up to %d steps on one evaluation (loops over ranges and lists, nested", steps)
	if onVM {
		msg += fmt.Sprintf("; it runs on expr's VM, each step counted %d times", VMStepCost)
	}
	return msg + fmt.Sprintf("); at most %d", maxSteps)
}
