package wijkwerken

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

var paramKeys = []string{"id", "type", "unit", "min", "max", "cite", "sources", "confidence", "source", "description", "values"}
var valueKeys = []string{"from", "to", "value", "cite", "sources", "confidence", "source"}
var ruleKeys = []string{"id", "area", "cite", "sources", "from", "to", "confidence", "source", "description", "message", "when", "reason", "value", "output"}

func entryID(file string, f map[string]*yaml.Node, n *yaml.Node, ps *Problems) string {
	id, ok := scalar(file, f["id"], "", "id", ps)
	if !ok {
		ps.at(file, n, "", "entry without id")
		return ""
	}
	if !idPattern.MatchString(id) {
		ps.at(file, f["id"], id, "id must be lower-case words joined by dots or underscores")
	}
	return id
}

// peekID returns the id: of an entry before its fields are checked, so that
// every problem of the entry can name it.
func peekID(n *yaml.Node) string { return peekKey(n, "id") }

// peekKey returns the value of key in mapping n, or "".
func peekKey(n *yaml.Node, key string) string {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key && n.Content[i+1].Kind == yaml.ScalarNode {
				return n.Content[i+1].Value
			}
		}
	}
	return ""
}

func parseRule(file string, n *yaml.Node, area, reform string, ps *Problems) *Rule {
	r := readRule(file, n, area, reform, ps)
	checkRule(r, ps)
	return r
}

// readRule reads a rule entry, reporting malformed fields but not missing
// ones (a reform's replacement inherits those; see checkRule).
func readRule(file string, n *yaml.Node, area, reform string, ps *Problems) *Rule {
	before := ps.errors()
	r := readRuleFields(file, n, area, reform, ps)
	r.broken = ps.errors() > before
	return r
}

func readRuleFields(file string, n *yaml.Node, area, reform string, ps *Problems) *Rule {
	f := fields(file, n, peekID(n), ps, ruleKeys...)
	id := entryID(file, f, n, ps)
	r := &Rule{ID: id, Area: area, Reform: reform, Pos: Position{File: file, Line: n.Line}, fromGiven: f["from"] != nil}
	if a, ok := scalar(file, f["area"], id, "area", ps); ok {
		r.Area = a
		if !codePattern.MatchString(a) {
			ps.at(file, f["area"], id, "area %q: want a lower-case word", a)
		}
	}
	r.Cite, _ = scalar(file, f["cite"], id, "cite", ps)
	r.Sources = sourceList(file, f["sources"], id, ps)
	r.From = dateField(file, f["from"], id, "from", ps)
	r.To = dateField(file, f["to"], id, "to", ps)
	r.Source, _ = scalar(file, f["source"], id, "source", ps)
	r.Confidence = checkConfidence(file, f["confidence"], id, ps)
	r.Description = textField(file, f["description"], id, "description", ps)
	r.Message = textField(file, f["message"], id, "message", ps)
	r.When, _ = scalar(file, f["when"], id, "when", ps)
	r.Reason, _ = scalar(file, f["reason"], id, "reason", ps)
	r.Value, _ = scalar(file, f["value"], id, "value", ps)
	r.Output, _ = scalar(file, f["output"], id, "output", ps)
	if f["when"] != nil && f["value"] != nil {
		ps.at(file, f["value"], id, "a rule has either when: (a condition) or value: (a computed output), not both")
		r.Value = ""
	}
	if f["when"] != nil {
		r.ExprPos, r.exprBlock = exprPosition(file, f["when"])
	} else if f["value"] != nil {
		r.ExprPos, r.exprBlock = exprPosition(file, f["value"])
	}
	if r.Reason != "" && !codePattern.MatchString(r.Reason) {
		ps.at(file, f["reason"], id, "reason %q: want a lower_case_code", r.Reason)
	}
	if r.Output != "" && !codePattern.MatchString(r.Output) {
		ps.at(file, f["output"], id, "output %q: want a lower_case_name", r.Output)
	}
	return r
}

// checkRule reports what a complete rule lacks.
func checkRule(r *Rule, ps *Problems) {
	add := func(format string, args ...any) {
		ps.Add(Problem{Pos: r.Pos, ID: r.ID, Msg: fmt.Sprintf(format, args...)})
	}
	if r.Area == "" {
		add("missing area (give area: on the rule or at the top of the file)")
	}
	if r.Cite == "" {
		add("missing cite: give the article or source the rule encodes")
	}
	if r.From.IsZero() && !r.fromGiven {
		add("missing from: the date the rule comes into force")
	}
	if !r.To.IsZero() && r.To.Before(r.From) {
		add("to %s is before from %s", r.To, r.From)
	}
	if r.Description.NL == "" || r.Description.EN == "" {
		add("missing description: give nl: and en: texts")
	}
	switch {
	case r.When != "":
		if r.Reason == "" {
			add("a when: rule needs reason: (the reason code it yields)")
		}
		if r.Message.NL == "" || r.Message.EN == "" {
			add("a when: rule needs message: with nl: and en: texts (the finding shown to people)")
		}
		if r.Output != "" {
			add("output: belongs to value: rules")
		}
	case r.Value != "":
		if r.Output == "" {
			add("a value: rule needs output: (the name of what it computes)")
		}
		if r.Reason != "" {
			add("reason: belongs to when: rules")
		}
	default:
		add("missing when: (a condition) or value: (a computed output)")
	}
	if strings.TrimSpace(r.Expression()) == "" && r.ExprPos.Line > 0 {
		add("empty expression")
	}
}

// compilable reports whether an area can type-check the rule: it has an
// id, an area and an expression, and a value rule an output, each well
// formed. A rule with any other problem (a bad date, an unknown key, a
// missing citation) is still type-checked, so that one lint run reports
// its type errors too.
func (r *Rule) compilable() bool {
	switch {
	case r.ID == "" || !codePattern.MatchString(r.Area), strings.TrimSpace(r.Expression()) == "":
		return false
	case !r.IsCondition() && !codePattern.MatchString(r.Output):
		return false
	}
	return true
}

func exprPosition(file string, n *yaml.Node) (Position, bool) {
	block := n.Style == yaml.LiteralStyle || n.Style == yaml.FoldedStyle
	col := n.Column
	if n.Style == yaml.DoubleQuotedStyle || n.Style == yaml.SingleQuotedStyle {
		col++
	}
	return Position{File: file, Line: n.Line, Column: col}, block
}

// PositionOf maps a position inside the rule's expression (1-based line,
// 0-based column, as expr reports them) to its place in the rulebook file.
func (r *Rule) PositionOf(line, col int) Position {
	p := r.ExprPos
	if r.exprBlock {
		p.Line += line
		p.Column = 0
		return p
	}
	p.Line += line - 1
	if line <= 1 {
		p.Column += col
	} else {
		p.Column = 0
	}
	return p
}
