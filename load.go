package wijkwerken

import (
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"
	"go.yaml.in/yaml/v3"
)

// Problem is one thing wrong with a rulebook, reform or scenario file.
type Problem struct {
	Pos Position `json:"pos"`
	ID  string   `json:"id,omitempty"` // the parameter, rule or scenario concerned
	Msg string   `json:"message"`
}

func (p Problem) String() string {
	if p.ID != "" {
		return fmt.Sprintf("%s: %s: %s", p.Pos, p.ID, p.Msg)
	}
	return fmt.Sprintf("%s: %s", p.Pos, p.Msg)
}

// LoadError lists every problem found in a rulebook or reform, each with its
// file:line and the id of the entry. Use errors.As to get at it.
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

// problems collects Problems while a file is read.
type problems struct{ list []Problem }

func (ps *problems) add(file string, n *yaml.Node, id, format string, args ...any) {
	pos := Position{File: file}
	if n != nil {
		pos.Line, pos.Column = n.Line, n.Column
	}
	ps.list = append(ps.list, Problem{Pos: pos, ID: id, Msg: fmt.Sprintf(format, args...)})
}

func (ps *problems) err() error {
	if len(ps.list) == 0 {
		return nil
	}
	sort.SliceStable(ps.list, func(i, j int) bool {
		a, b := ps.list[i].Pos, ps.list[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		return a.Line < b.Line
	})
	return &LoadError{Problems: ps.list}
}

var (
	idPattern   = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$`)
	codePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	confidences = []string{"high", "medium", "low"}
)

// Load reads a rulebook from fsys. Each path is a YAML (or JSON) file or a
// directory whose *.yaml, *.yml and *.json files are read in name order;
// with no paths, the files at the root of fsys are read. Every problem found
// is reported at once in a *LoadError.
func Load(fsys fs.FS, paths ...string) (*Rulebook, error) {
	files, err := listFiles(fsys, paths)
	if err != nil {
		return nil, err
	}
	var ps problems
	var params []*Parameter
	var rules []*Rule
	for _, f := range files {
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		p, r := parseRulebookFile(f, data, &ps)
		params = append(params, p...)
		rules = append(rules, r...)
	}
	name := strings.Join(paths, ", ")
	if name == "" {
		name = "."
	}
	rb := build(name, params, rules, &ps)
	if err := ps.err(); err != nil {
		return nil, err
	}
	return rb, nil
}

func listFiles(fsys fs.FS, paths []string) ([]string, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var files []string
	for _, p := range paths {
		p = path.Clean(strings.TrimPrefix(p, "./"))
		st, err := fs.Stat(fsys, p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		entries, err := fs.ReadDir(fsys, p)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, e := range entries {
			if !e.IsDir() && isDataFile(e.Name()) {
				files = append(files, path.Join(p, e.Name()))
				n++
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("%s: no .yaml, .yml or .json files", p)
		}
	}
	return files, nil
}

func isDataFile(name string) bool {
	switch path.Ext(name) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// parseDoc parses data as one YAML (or JSON) document and returns its root
// mapping, or reports why it cannot.
func parseDoc(file string, data []byte, ps *problems) *yaml.Node {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		ps.list = append(ps.list, Problem{Pos: Position{File: file, Line: yamlErrorLine(err)}, Msg: cleanYAMLError(err)})
		return nil
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		ps.add(file, nil, "", "empty file")
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		ps.add(file, root, "", "want a mapping at the top of the file")
		return nil
	}
	return root
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

func yamlErrorLine(err error) int {
	var n int
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		fmt.Sscan(m[1], &n)
	}
	return n
}

func cleanYAMLError(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	return yamlLineRE.ReplaceAllString(strings.TrimPrefix(s, "unmarshal errors:\n  "), "")
}

// fields returns the keys of mapping n, reporting keys that are not allowed
// and keys given twice.
func fields(file string, n *yaml.Node, id string, ps *problems, allowed ...string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n.Kind != yaml.MappingNode {
		ps.add(file, n, id, "want a mapping")
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !slices.Contains(allowed, k.Value) {
			msg := fmt.Sprintf("unknown key %q", k.Value)
			if s := Suggest(k.Value, allowed); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else {
				msg += " (allowed: " + strings.Join(allowed, ", ") + ")"
			}
			ps.add(file, k, id, "%s", msg)
			continue
		}
		if _, dup := out[k.Value]; dup {
			ps.add(file, k, id, "key %q given twice", k.Value)
			continue
		}
		out[k.Value] = v
	}
	return out
}

func scalar(file string, n *yaml.Node, id, what string, ps *problems) (string, bool) {
	if n == nil {
		return "", false
	}
	if n.Kind != yaml.ScalarNode {
		ps.add(file, n, id, "%s: want a single value", what)
		return "", false
	}
	return n.Value, true
}

func dateField(file string, n *yaml.Node, id, what string, ps *problems) Date {
	s, ok := scalar(file, n, id, what, ps)
	if !ok {
		return Date{}
	}
	d, err := ParseDate(s)
	if err != nil {
		ps.add(file, n, id, "%s: %v", what, err)
	}
	return d
}

func textField(file string, n *yaml.Node, id, what string, ps *problems) Text {
	var t Text
	if n == nil {
		return t
	}
	if n.Kind == yaml.ScalarNode {
		ps.add(file, n, id, "%s: want nl: and en: texts", what)
		return t
	}
	f := fields(file, n, id, ps, "nl", "en")
	t.NL, _ = scalar(file, f["nl"], id, what+".nl", ps)
	t.EN, _ = scalar(file, f["en"], id, what+".en", ps)
	return t
}

func checkConfidence(file string, n *yaml.Node, id string, ps *problems) string {
	s, ok := scalar(file, n, id, "confidence", ps)
	if ok && !slices.Contains(confidences, s) {
		ps.add(file, n, id, "confidence %q: want one of %s", s, strings.Join(confidences, ", "))
	}
	return s
}

var paramKeys = []string{"id", "type", "unit", "cite", "sources", "confidence", "source", "description", "values"}
var valueKeys = []string{"from", "to", "value", "cite", "sources", "confidence", "source"}
var ruleKeys = []string{"id", "area", "cite", "sources", "from", "to", "confidence", "source", "description", "message", "when", "reason", "value", "output"}

// sourceList reads a sources: list: the public URLs (http or https) of
// what a citation names.
func sourceList(file string, n *yaml.Node, id string, ps *problems) []string {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		ps.add(file, n, id, "sources: want a list of URLs")
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		s, ok := scalar(file, c, id, "sources", ps)
		if !ok {
			continue
		}
		if u, err := url.Parse(s); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			ps.add(file, c, id, "sources: %q is not an http(s) URL", s)
			continue
		}
		out = append(out, s)
	}
	return out
}

func parseRulebookFile(file string, data []byte, ps *problems) ([]*Parameter, []*Rule) {
	root := parseDoc(file, data, ps)
	if root == nil {
		return nil, nil
	}
	top := fields(file, root, "", ps, "area", "description", "parameters", "rules")
	area, _ := scalar(file, top["area"], "", "area", ps)
	var params []*Parameter
	if n := top["parameters"]; n != nil {
		if n.Kind != yaml.SequenceNode {
			ps.add(file, n, "", "parameters: want a list")
		} else {
			for _, e := range n.Content {
				if p := parseParameter(file, e, ps); p != nil {
					checkParamCite(p, ps)
					params = append(params, p)
				}
			}
		}
	}
	var rules []*Rule
	if n := top["rules"]; n != nil {
		if n.Kind != yaml.SequenceNode {
			ps.add(file, n, "", "rules: want a list")
		} else {
			for _, e := range n.Content {
				if r := parseRule(file, e, area, "", ps); r != nil {
					rules = append(rules, r)
				}
			}
		}
	}
	return params, rules
}

func entryID(file string, f map[string]*yaml.Node, n *yaml.Node, ps *problems) string {
	id, ok := scalar(file, f["id"], "", "id", ps)
	if !ok {
		ps.add(file, n, "", "entry without id")
		return ""
	}
	if !idPattern.MatchString(id) {
		ps.add(file, f["id"], id, "id must be lower-case words joined by dots or underscores")
	}
	return id
}

// peekID returns the id: of an entry before its fields are checked, so that
// every problem of the entry can name it.
func peekID(n *yaml.Node) string {
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == "id" {
				return n.Content[i+1].Value
			}
		}
	}
	return ""
}

func parseParameter(file string, n *yaml.Node, ps *problems) *Parameter {
	f := fields(file, n, peekID(n), ps, paramKeys...)
	id := entryID(file, f, n, ps)
	p := &Parameter{ID: id, Pos: Position{File: file, Line: n.Line}}
	if ts, ok := scalar(file, f["type"], id, "type", ps); ok {
		k, err := ParseKind(ts)
		if err != nil {
			ps.add(file, f["type"], id, "%v", err)
		}
		p.Kind = k
	} else if f["type"] == nil {
		ps.add(file, n, id, "missing type (integer, decimal, date, string, list or bool)")
	}
	p.Unit, _ = scalar(file, f["unit"], id, "unit", ps)
	p.Cite, _ = scalar(file, f["cite"], id, "cite", ps)
	p.Sources = sourceList(file, f["sources"], id, ps)
	p.Source, _ = scalar(file, f["source"], id, "source", ps)
	p.Confidence = checkConfidence(file, f["confidence"], id, ps)
	p.Description = textField(file, f["description"], id, "description", ps)
	vs := f["values"]
	switch {
	case vs == nil:
		ps.add(file, n, id, "missing values")
	case vs.Kind != yaml.SequenceNode || len(vs.Content) == 0:
		ps.add(file, vs, id, "values: want a list of {from, value} entries")
	default:
		for _, vn := range vs.Content {
			if v, ok := parseParamValue(file, vn, id, p.Kind, ps); ok {
				p.Values = append(p.Values, v)
			}
		}
	}
	return p
}

// checkParamCite reports a parameter value without a citation.
func checkParamCite(p *Parameter, ps *problems) {
	if p.Cite != "" {
		return
	}
	for _, v := range p.Values {
		if v.Cite == "" {
			ps.list = append(ps.list, Problem{Pos: p.Pos, ID: p.ID, Msg: "missing cite: give the article or source on the parameter or on each value"})
			return
		}
	}
}

func parseParamValue(file string, n *yaml.Node, id string, k Kind, ps *problems) (ParamValue, bool) {
	f := fields(file, n, id, ps, valueKeys...)
	v := ParamValue{Pos: Position{File: file, Line: n.Line}}
	if f["from"] == nil {
		ps.add(file, n, id, "value without from: date")
	}
	v.From = dateField(file, f["from"], id, "from", ps)
	v.To = dateField(file, f["to"], id, "to", ps)
	if !v.To.IsZero() && v.To.Before(v.From) {
		ps.add(file, f["to"], id, "to %s is before from %s", v.To, v.From)
	}
	v.Cite, _ = scalar(file, f["cite"], id, "cite", ps)
	v.Sources = sourceList(file, f["sources"], id, ps)
	v.Source, _ = scalar(file, f["source"], id, "source", ps)
	v.Confidence = checkConfidence(file, f["confidence"], id, ps)
	vn := f["value"]
	if vn == nil {
		ps.add(file, n, id, "missing value")
		return v, false
	}
	if k == KindInvalid {
		return v, false // the type is reported already
	}
	val, err := nodeValue(vn, k)
	if err != nil {
		ps.add(file, vn, id, "value: %v", err)
		return v, false
	}
	v.Value = val
	return v, k != KindInvalid
}

// nodeValue reads a YAML node as a value of kind k.
func nodeValue(n *yaml.Node, k Kind) (Value, error) {
	if k == KindList {
		if n.Kind != yaml.SequenceNode {
			return Value{}, errors.New("want a list")
		}
		items := make([]string, 0, len(n.Content))
		for _, c := range n.Content {
			if c.Kind != yaml.ScalarNode {
				return Value{}, fmt.Errorf("line %d: want a plain list item", c.Line)
			}
			items = append(items, c.Value)
		}
		return ListValue(items), nil
	}
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" {
		return Value{}, fmt.Errorf("want a single %s", k)
	}
	if k == KindString && n.Tag != "!!str" && n.Style == 0 {
		// A bare number or bool where text is expected is most likely a slip.
		switch n.Tag {
		case "!!int", "!!float", "!!bool":
			return Value{}, fmt.Errorf("%q is not text; quote it if it is meant as text", n.Value)
		}
	}
	return ParseValue(k, n.Value)
}

func parseRule(file string, n *yaml.Node, area, reform string, ps *problems) *Rule {
	r := readRule(file, n, area, reform, ps)
	checkRule(r, ps)
	return r
}

// readRule reads a rule entry, reporting malformed fields but not missing
// ones (a reform's replacement inherits those; see checkRule).
func readRule(file string, n *yaml.Node, area, reform string, ps *problems) *Rule {
	f := fields(file, n, peekID(n), ps, ruleKeys...)
	id := entryID(file, f, n, ps)
	r := &Rule{ID: id, Area: area, Reform: reform, Pos: Position{File: file, Line: n.Line}}
	if a, ok := scalar(file, f["area"], id, "area", ps); ok {
		r.Area = a
		if !codePattern.MatchString(a) {
			ps.add(file, f["area"], id, "area %q: want a lower-case word", a)
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
		ps.add(file, f["value"], id, "a rule has either when: (a condition) or value: (a computed output), not both")
		r.Value = ""
	}
	if f["when"] != nil {
		r.ExprPos, r.exprBlock = exprPosition(file, f["when"])
	} else if f["value"] != nil {
		r.ExprPos, r.exprBlock = exprPosition(file, f["value"])
	}
	if r.Reason != "" && !codePattern.MatchString(r.Reason) {
		ps.add(file, f["reason"], id, "reason %q: want a lower_case_code", r.Reason)
	}
	if r.Output != "" && !codePattern.MatchString(r.Output) {
		ps.add(file, f["output"], id, "output %q: want a lower_case_name", r.Output)
	}
	return r
}

// checkRule reports what a complete rule lacks.
func checkRule(r *Rule, ps *problems) {
	add := func(format string, args ...any) {
		ps.list = append(ps.list, Problem{Pos: r.Pos, ID: r.ID, Msg: fmt.Sprintf(format, args...)})
	}
	if r.Area == "" {
		add("missing area (give area: on the rule or at the top of the file)")
	}
	if r.Cite == "" {
		add("missing cite: give the article or source the rule encodes")
	}
	if r.From.IsZero() {
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

func exprPosition(file string, n *yaml.Node) (Position, bool) {
	block := n.Style == yaml.LiteralStyle || n.Style == yaml.FoldedStyle
	col := n.Column
	if n.Style == yaml.DoubleQuotedStyle || n.Style == yaml.SingleQuotedStyle {
		col++
	}
	return Position{File: file, Line: n.Line, Column: col}, block
}

// exprErrorPos maps a position inside the expression (1-based line, 0-based
// column, as expr reports them) to the file.
func (r *Rule) exprErrorPos(line, col int) Position {
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

// build checks what spans entries and files (duplicate ids, overlapping
// validity, expressions and the parameters they read) and assembles the
// rulebook. Problems go to ps.
func build(name string, params []*Parameter, rules []*Rule, ps *problems) *Rulebook {
	rb := &Rulebook{name: name, params: map[string]*Parameter{}, paramIdx: map[string]int{}}
	for _, p := range params {
		if p.ID == "" {
			continue
		}
		if prev, dup := rb.params[p.ID]; dup {
			ps.list = append(ps.list, Problem{Pos: p.Pos, ID: p.ID, Msg: fmt.Sprintf("duplicate parameter id (first defined at %s)", prev.Pos)})
			continue
		}
		sort.SliceStable(p.Values, func(i, j int) bool { return p.Values[i].From.Before(p.Values[j].From) })
		for i := 1; i < len(p.Values); i++ {
			a, b := p.Values[i-1], p.Values[i]
			if a.To.IsZero() || !b.From.After(a.To) {
				ps.list = append(ps.list, Problem{Pos: b.Pos, ID: p.ID, Msg: fmt.Sprintf("value from %s overlaps the value from %s (line %d); end the earlier one with to:", b.From, a.From, a.Pos.Line)})
			}
		}
		rb.params[p.ID] = p
		rb.paramIdx[p.ID] = len(rb.paramOrder)
		rb.paramOrder = append(rb.paramOrder, p.ID)
	}
	rb.rules = orderRules(rules, ps)
	for _, r := range rb.rules {
		checkExpression(rb, r, ps)
	}
	rb.segments = buildSegments(rb)
	return rb
}

// orderRules keeps the versions of one id together (at the place of its first
// version, sorted by From) and reports overlapping versions.
func orderRules(rules []*Rule, ps *problems) []*Rule {
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
				ps.list = append(ps.list, Problem{Pos: b.Pos, ID: id, Msg: fmt.Sprintf("duplicate rule id: this version (from %s) overlaps the one at %s (from %s); end the earlier one with to:", b.From, a.Pos, a.From)})
			}
			if a.Area != b.Area {
				ps.list = append(ps.list, Problem{Pos: b.Pos, ID: id, Msg: fmt.Sprintf("versions of one rule must share an area (%s here, %s at %s)", b.Area, a.Area, a.Pos)})
			}
		}
		out = append(out, vs...)
	}
	return out
}

// checkExpression parses the rule's expression and checks the parameters it
// reads. Types are checked when an area compiles the rule (see Compile).
func checkExpression(rb *Rulebook, r *Rule, ps *problems) {
	src := r.Expression()
	if strings.TrimSpace(src) == "" {
		return
	}
	tree, err := parser.Parse(src)
	if err != nil {
		ps.list = append(ps.list, exprProblem(r, err))
		return
	}
	for _, ref := range paramRefs(tree.Node) {
		pos := r.exprErrorPos(lineCol(src, ref.offset))
		if ref.err != "" {
			ps.list = append(ps.list, Problem{Pos: pos, ID: r.ID, Msg: ref.err})
			continue
		}
		if _, ok := rb.params[ref.id]; !ok {
			e := &UnknownError{What: "parameter", ID: ref.id, Known: rb.paramOrder}
			ps.list = append(ps.list, Problem{Pos: pos, ID: r.ID, Msg: e.Error()})
		}
	}
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

// paramCall recognises a param("id") or param_at("id", d) call.
func paramCall(n ast.Node) (call *ast.CallNode, at, ok bool) {
	call, ok = n.(*ast.CallNode)
	if !ok {
		return nil, false, false
	}
	ident, ok := call.Callee.(*ast.IdentifierNode)
	if !ok || (ident.Value != "param" && ident.Value != "param_at") {
		return nil, false, false
	}
	return call, ident.Value == "param_at", true
}

func (c *refCollector) Visit(n *ast.Node) {
	call, at, ok := paramCall(*n)
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
	return Problem{Pos: r.exprErrorPos(line, col), ID: r.ID, Msg: msg}
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

// JoinLoadErrors merges the *LoadErrors among errs into one, so that a
// broken rulebook reports every problem of every area at once. Other errors
// are joined beside it. It returns nil when every err is nil.
func JoinLoadErrors(errs ...error) error {
	var merged LoadError
	var other []error
	for _, err := range errs {
		if err == nil {
			continue
		}
		var le *LoadError
		if errors.As(err, &le) {
			merged.Problems = append(merged.Problems, le.Problems...)
		} else {
			other = append(other, err)
		}
	}
	switch {
	case len(other) > 0 && len(merged.Problems) > 0:
		return errors.Join(append(other, &merged)...)
	case len(other) > 0:
		return errors.Join(other...)
	case len(merged.Problems) > 0:
		return &merged
	}
	return nil
}
