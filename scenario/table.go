package scenario

import (
	"fmt"
	"reflect"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"go.yaml.in/yaml/v3"
)

// A table scenario decides one base case many times, a row at a time:
//
//	- name: interim work in the last 28 days
//	  date: 2024-03-01
//	  case:                       # the base case every row starts from
//	    person: {domicile_region: flanders, registered_jobseeker: true, income: none}
//	  cases:
//	    columns: [person.interim_days_last_28, eligibility.eligible, eligibility.reasons]
//	    rows:
//	      - [0,  true,  []]
//	      - [10, true,  []]
//	      - [11, false, [interim_limit_exceeded]]
//
// A column is an output path of the contract (an expected value), date
// (the row's decision date), expect_error (part of the error the row
// expects, its output cells then null; leave it empty, or null, for none) or a field of the case
// document written as a dotted path (person.income, request.user.type),
// which the row sets in its copy of the base case. A scenario-level
// expect: holds for every row. Each row runs, passes and fails as a
// scenario of its own, named "name (row N)", at the row's line.

// tableRows expands a cases: table into one scenario per row.
func tableRows(file string, base *Scenario, caseNode, table *yaml.Node, id string, add func(n *yaml.Node, id, format string, args ...any)) []*Scenario {
	if table.Kind != yaml.MappingNode {
		add(table, id, "cases: want a mapping with columns: and rows:")
		return nil
	}
	var cols, rows *yaml.Node
	for i := 0; i+1 < len(table.Content); i += 2 {
		switch k := table.Content[i]; k.Value {
		case "columns":
			cols = table.Content[i+1]
		case "rows":
			rows = table.Content[i+1]
		default:
			add(k, id, "cases: unknown key %q (want columns: and rows:)", k.Value)
		}
	}
	if cols == nil || cols.Kind != yaml.SequenceNode || len(cols.Content) == 0 {
		add(table, id, "cases: want columns: a list of output paths, date, expect_error or case fields")
		return nil
	}
	if rows == nil || rows.Kind != yaml.SequenceNode || len(rows.Content) == 0 {
		add(table, id, "cases: want rows: a list of rows, each a list of one value per column")
		return nil
	}
	type column struct {
		node  *yaml.Node
		kind  string // "output", "date", "error" or "input"
		input []string
	}
	var cs []column
	seen := map[string]bool{}
	ok := true
	for _, c := range cols.Content {
		name := strings.TrimSpace(c.Value)
		if c.Kind != yaml.ScalarNode || name == "" {
			add(c, id, "cases: a column is a name")
			ok = false
			continue
		}
		if seen[name] {
			add(c, id, "cases: column %q given twice", name)
			ok = false
		}
		seen[name] = true
		col := column{node: c}
		switch {
		case name == "date":
			col.kind = "date"
		case name == "expect_error":
			col.kind = "error"
		case decision.Known(name):
			col.kind = "output"
		case decision.AreaOf(name) == "" && isOutputArea(name):
			// An output area's path that is not in the contract: a typo.
			knownPath(c, id, add)
			ok = false
			continue
		default:
			col.kind = "input"
			col.input = strings.Split(strings.TrimPrefix(name, "case."), ".")
		}
		cs = append(cs, col)
	}
	if !ok {
		return nil
	}
	var out []*Scenario
	for i, row := range rows.Content {
		rid := fmt.Sprintf("%s row %d", id, i+1)
		if row.Kind != yaml.SequenceNode || len(row.Content) != len(cs) {
			add(row, rid, "want a list of %d values, one per column", len(cs))
			continue
		}
		sc := &Scenario{Name: fmt.Sprintf("%s (row %d)", base.Name, i+1), Cite: base.Cite, Description: base.Description,
			Date: base.Date, inputErr: base.inputErr, Pos: wk.Position{File: file, Line: row.Line}}
		caseCopy := clone(caseNode)
		expect := map[string]int{}
		for j, cell := range row.Content {
			c := cs[j]
			switch c.kind {
			case "date":
				if d, err := wk.ParseDate(cell.Value); err != nil || cell.Kind != yaml.ScalarNode {
					sc.inputErr = fmt.Errorf("%s:%d: date: %v", file, cell.Line, err)
				} else {
					sc.Date = d
				}
			case "error":
				if cell.Tag != "!!null" {
					sc.ExpectError = cell.Value
				}
			case "output":
				expect[c.node.Value] = len(sc.Expect)
				sc.Expect = append(sc.Expect, Expectation{Path: c.node.Value, want: cell, Pos: wk.Position{File: file, Line: cell.Line}})
			case "input":
				if err := setPath(caseCopy, c.input, cell, c.node); err != nil {
					add(cell, rid, "column %s: %v", c.node.Value, err)
				}
			}
		}
		if sc.ExpectError != "" {
			// A row that expects an error leaves its output cells null.
			mixed := false
			for _, e := range sc.Expect {
				mixed = mixed || e.want.Tag != "!!null"
			}
			if mixed {
				add(row, rid, "a row expects an error and outputs at once (leave its output cells null)")
				continue
			}
			sc.Expect = nil
		} else {
			// The scenario's own expect: holds for every row, unless a
			// column says otherwise.
			for _, e := range base.Expect {
				if _, dup := expect[e.Path]; !dup {
					sc.Expect = append(sc.Expect, e)
				}
			}
		}
		sc.ExpectAbsent = base.ExpectAbsent
		if sc.ExpectError == "" && len(sc.Expect) == 0 && len(sc.ExpectAbsent) == 0 {
			add(row, rid, "the row expects nothing (give output columns, or expect_error)")
			continue
		}
		c, err := decodeCase(file, caseCopy)
		if err != nil && sc.inputErr == nil {
			sc.inputErr = err
		}
		sc.Case = c
		out = append(out, sc)
	}
	return out
}

// caseParts are the top-level fields of the case document.
var caseParts = func() map[string]bool {
	m := map[string]bool{}
	t := reflect.TypeOf(dossier.Case{})
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		m[name] = true
	}
	return m
}()

// isOutputArea reports whether a dotted name starts with an area of the
// output contract (eligibility., hours., ...) that is no part of the case
// (trajectory. and community_service. are both: those are case fields).
func isOutputArea(name string) bool {
	area, _, _ := strings.Cut(strings.TrimPrefix(name, "case."), ".")
	if caseParts[area] {
		return false
	}
	for _, p := range decision.Paths() {
		if strings.HasPrefix(p.Path, area+".") {
			return true
		}
	}
	return false
}

// setPath sets the field at path in the case mapping root to value,
// making the mappings on the way; keys made take the column's position, so
// that the case decoder's errors point at the column.
func setPath(root *yaml.Node, path []string, value, col *yaml.Node) error {
	n := root
	for i, key := range path {
		if n.Kind != yaml.MappingNode {
			return fmt.Errorf("%s is not a mapping in the case", strings.Join(path[:i], "."))
		}
		var next *yaml.Node
		for k := 0; k+1 < len(n.Content); k += 2 {
			if n.Content[k].Value == key {
				next = n.Content[k+1]
				if i == len(path)-1 {
					n.Content[k+1] = value
					return nil
				}
			}
		}
		if i == len(path)-1 {
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, Line: col.Line, Column: col.Column}, value)
			return nil
		}
		if next == nil || (next.Kind == yaml.ScalarNode && next.Tag == "!!null") {
			next = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: col.Line, Column: col.Column}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key, Line: col.Line, Column: col.Column}, next)
		}
		n = next
	}
	return nil
}

// clone copies a YAML tree so that a row's changes stay in its copy.
func clone(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	c := *n // an alias keeps pointing at its anchor: rows never change what it names
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, x := range n.Content {
		c.Content[i] = clone(x)
	}
	return &c
}
