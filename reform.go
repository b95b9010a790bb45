package wijkwerken

import (
	"fmt"
	"io/fs"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Reform is a change to a rulebook: parameter values set from a date, new
// parameters, rules replaced, added or disabled. Reforms are small files an
// analyst writes (see ParseReform and README.md); Rulebook.Reform applies
// them, in order, to a copy of the rulebook.
type Reform struct {
	Name        string // required: what the reform is called in reports
	Description string
	Cite        string // the default citation of every change
	File        string // where the reform was read from, if anywhere

	Set           []ParamChange // new values for existing parameters
	AddParameters []*Parameter  // parameters that do not exist yet
	ReplaceRules  []*Rule       // new versions of existing rules
	AddRules      []*Rule       // rules that do not exist yet
	DisableRules  []RuleDisable // rules switched off

	parsed bool // read from a file (readReform), which reports a missing name
}

// ParamChange sets parameter Param to Value from From to To (zero To: from
// then on). The values the parameter had in that window are cut away; the
// rest of its timeline stays.
type ParamChange struct {
	Param   string
	From    Date
	To      Date
	Value   Value
	Cite    string
	Sources []string // public URLs of what Cite names
	Pos     Position
	raw     *yaml.Node // the value as read, typed once the parameter is known
	broken  bool       // the entry has a problem of its own (Lint): checked, not applied
}

// RuleDisable switches a rule off from From to To (zero From: from the
// start; zero To: from then on).
type RuleDisable struct {
	Rule string
	From Date
	To   Date
	Pos  Position

	broken bool // the entry has a problem of its own (Lint): checked, not applied
}

// LoadReform reads a reform file from fsys (see ParseReform).
func LoadReform(fsys fs.FS, name string) (*Reform, error) {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, err
	}
	return ParseReform(name, data)
}

// ParseReform reads a reform from YAML (or JSON). file names it in errors.
// The format:
//
//	reform: Monthly limit of 80 hours from 2027
//	cite: Policy note 2026/14
//	set:
//	  - param: hours.per_month_max
//	    from: 2027-01-01
//	    value: 80
//	replace_rules:        # only the fields given change; the rest is inherited
//	  - id: eligibility.interim_limit
//	    from: 2027-01-01
//	    when: person.interim_days_last_28 > 15
//	add_parameters: [...] # full parameter entries
//	add_rules: [...]      # full rule entries
//	disable_rules:
//	  - rule: eligibility.faster_route
//	    from: 2027-01-01
//
// Every problem is reported at once in a *LoadError with file:line.
func ParseReform(file string, data []byte) (*Reform, error) {
	var ps Problems
	rf := readReform(file, data, &ps)
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return rf, nil
}

// readReform reads a reform, recording every problem in ps. An entry with
// a problem of its own is kept, marked broken, so that Lint can still check
// what applying it would find; nil when the file holds no reform at all (a
// syntax error, not a mapping).
func readReform(file string, data []byte, ps *Problems) *Reform {
	before := ps.errors()
	root := parseDoc(file, data, ps)
	if root == nil {
		return nil
	}
	f := fields(file, root, "", ps, "reform", "description", "cite", "set", "add_parameters", "replace_rules", "add_rules", "disable_rules")
	rf := &Reform{File: file, parsed: true}
	rf.Name, _ = scalar(file, f["reform"], "", "reform", ps)
	if rf.Name == "" {
		ps.at(file, root, "", "missing reform: (the reform's name, shown in reports)")
	}
	rf.Description, _ = scalar(file, f["description"], "", "description", ps)
	rf.Cite, _ = scalar(file, f["cite"], "", "cite", ps)
	each := func(key string, fn func(n *yaml.Node)) {
		n := f[key]
		if n == nil {
			return
		}
		if n.Kind != yaml.SequenceNode {
			ps.at(file, n, "", "%s: want a list", key)
			return
		}
		for _, e := range n.Content {
			fn(e)
		}
	}
	each("set", func(n *yaml.Node) {
		before := ps.errors()
		ff := fields(file, n, peekKey(n, "param"), ps, "param", "from", "to", "value", "cite", "sources")
		c := ParamChange{Pos: Position{File: file, Line: n.Line}, raw: ff["value"]}
		c.Param, _ = scalar(file, ff["param"], "", "param", ps)
		if c.Param == "" {
			ps.at(file, n, "", "set: missing param: (the parameter's id)")
		}
		if ff["from"] == nil {
			ps.at(file, n, c.Param, "set: missing from: (the date the new value applies from)")
		}
		c.From = dateField(file, ff["from"], c.Param, "from", ps)
		c.To = dateField(file, ff["to"], c.Param, "to", ps)
		if !c.To.IsZero() && c.To.Before(c.From) {
			ps.at(file, ff["to"], c.Param, "to %s is before from %s", c.To, c.From)
		}
		c.Cite, _ = scalar(file, ff["cite"], c.Param, "cite", ps)
		c.Sources = sourceList(file, ff["sources"], c.Param, ps)
		if c.raw == nil {
			ps.at(file, n, c.Param, "set: missing value:")
		}
		c.broken = ps.errors() > before
		rf.Set = append(rf.Set, c)
	})
	each("add_parameters", func(n *yaml.Node) {
		if p := parseParameter(file, n, ps); p != nil {
			rf.AddParameters = append(rf.AddParameters, p)
		}
	})
	each("replace_rules", func(n *yaml.Node) {
		rf.ReplaceRules = append(rf.ReplaceRules, readRule(file, n, "", "", ps))
	})
	each("add_rules", func(n *yaml.Node) {
		rf.AddRules = append(rf.AddRules, readRule(file, n, "", "", ps))
	})
	each("disable_rules", func(n *yaml.Node) {
		before := ps.errors()
		ff := fields(file, n, peekKey(n, "rule"), ps, "rule", "from", "to")
		d := RuleDisable{Pos: Position{File: file, Line: n.Line}}
		d.Rule, _ = scalar(file, ff["rule"], "", "rule", ps)
		if d.Rule == "" {
			ps.at(file, n, "", "disable_rules: missing rule: (the rule's id)")
		}
		d.From = dateField(file, ff["from"], d.Rule, "from", ps)
		d.To = dateField(file, ff["to"], d.Rule, "to", ps)
		d.broken = ps.errors() > before
		rf.DisableRules = append(rf.DisableRules, d)
	})
	if len(rf.Set)+len(rf.AddParameters)+len(rf.ReplaceRules)+len(rf.AddRules)+len(rf.DisableRules) == 0 && ps.errors() == before {
		ps.at(file, root, "", "the reform changes nothing: give set:, add_parameters:, replace_rules:, add_rules: or disable_rules:")
	}
	return rf
}

// Reform returns a new rulebook: this one with the reforms applied in
// order. The result is validated like a loaded rulebook; every problem is
// reported at once in a *LoadError. The receiver is not changed.
func (rb *Rulebook) Reform(reforms ...*Reform) (*Rulebook, error) {
	cur := rb
	for _, rf := range reforms {
		var ps Problems
		next := cur.apply(rf, &ps)
		if err := ps.Err(); err != nil {
			return nil, err
		}
		cur = next
	}
	return cur, nil
}

// apply returns the rulebook with rf applied, recording every problem in
// ps. Entries marked broken (Lint) are checked against the rulebook but not
// applied, but for rules, which are put in for the areas to type-check.
func (rb *Rulebook) apply(rf *Reform, ps *Problems) *Rulebook {
	file := rf.File
	problem := func(pos Position, id, format string, args ...any) {
		if pos.File == "" {
			pos.File = file
		}
		ps.Add(Problem{Pos: pos, ID: id, Msg: fmt.Sprintf(format, args...)})
	}
	if rf.Name == "" && !rf.parsed {
		problem(Position{}, "", "reform without a name")
	}
	// Copy everything the reform may change.
	params := make([]*Parameter, 0, len(rb.paramOrder)+len(rf.AddParameters))
	byID := map[string]*Parameter{}
	for _, id := range rb.paramOrder {
		p := *rb.params[id]
		p.Values = append([]ParamValue(nil), p.Values...)
		params = append(params, &p)
		byID[id] = &p
	}
	rules := make([]*Rule, 0, len(rb.rules)+len(rf.AddRules))
	for _, r := range rb.rules {
		c := *r
		rules = append(rules, &c)
	}
	ruleIDs := func() []string {
		var ids []string
		for _, r := range rules {
			if len(ids) == 0 || ids[len(ids)-1] != r.ID {
				ids = append(ids, r.ID)
			}
		}
		return ids
	}

	for _, p := range rf.AddParameters {
		if p.ID == "" || p.Kind == KindInvalid {
			continue // reported: an entry without id or type
		}
		if _, exists := byID[p.ID]; exists {
			problem(p.Pos, p.ID, "add_parameters: the parameter exists already; change it with set:")
			continue
		}
		np := *p
		np.Values = append([]ParamValue(nil), p.Values...)
		if np.Cite == "" {
			np.Cite = rf.Cite
		}
		checkParamCite(&np, ps)
		for i := range np.Values {
			np.Values[i].Reform = rf.Name
		}
		params = append(params, &np)
		byID[np.ID] = &np
	}
	setAt := map[string]Position{} // param and from -> the set: entry
	for _, c := range rf.Set {
		if c.Param == "" {
			continue // reported: an entry without param:
		}
		key := c.Param + "@" + c.From.String()
		if first, dup := setAt[key]; dup {
			problem(c.Pos, c.Param, "set: %s from %s is set twice in this reform (first at line %d)", c.Param, c.From, first.Line)
			continue
		}
		setAt[key] = c.Pos
		p, ok := byID[c.Param]
		if !ok {
			e := &UnknownError{What: "parameter", ID: c.Param, Known: keys(byID)}
			problem(c.Pos, c.Param, "set: %v", e)
			continue
		}
		val := c.Value
		if c.raw != nil {
			v, err := nodeValue(c.raw, p.Kind)
			if err != nil {
				problem(Position{File: file, Line: c.raw.Line}, c.Param, "value: %v (the parameter is %s)", err, kindWithArticle(p.Kind))
				continue
			}
			val = v
		} else if c.broken {
			continue // reported: the entry has no value
		} else if val.Kind() != p.Kind {
			problem(c.Pos, c.Param, "value %s is %s, the parameter %s", val, kindWithArticle(val.Kind()), kindWithArticle(p.Kind))
			continue
		}
		if c.broken {
			continue // checked; its own problems are reported
		}
		cite := c.Cite
		if cite == "" {
			cite = rf.Cite
		}
		if cite == "" {
			problem(c.Pos, c.Param, "missing cite: give cite: on the change or on the reform")
		}
		p.Values = overlayValues(p.Values, ParamValue{From: c.From, To: c.To, Value: val, Cite: cite, Sources: c.Sources, Reform: rf.Name, Pos: c.Pos})
	}

	existing := map[string]bool{}
	for _, r := range rules {
		existing[r.ID] = true
	}
	for _, d := range rf.DisableRules {
		if d.Rule == "" {
			continue // reported: an entry without rule:
		}
		if !existing[d.Rule] {
			problem(d.Pos, d.Rule, "disable_rules: %v", &UnknownError{What: "rule", ID: d.Rule, Known: ruleIDs()})
			continue
		}
		if d.broken {
			continue
		}
		rules = cutRules(rules, d.Rule, d.From, d.To)
	}
	for _, nr := range rf.ReplaceRules {
		if nr.ID == "" {
			continue // reported: an entry without id
		}
		if !existing[nr.ID] {
			problem(nr.Pos, nr.ID, "replace_rules: %v (add a new rule with add_rules:)", &UnknownError{What: "rule", ID: nr.ID, Known: ruleIDs()})
			continue
		}
		base := baseVersion(rules, nr.ID, nr.From)
		if base == nil {
			problem(nr.Pos, nr.ID, "replace_rules: no version of the rule to replace (was it disabled?)")
			continue
		}
		merged := mergeRule(base, nr, rf)
		if merged.Area != base.Area {
			problem(nr.Pos, nr.ID, "replace_rules: a replacement keeps the rule's area (%s)", base.Area)
			continue
		}
		checkRule(merged, ps)
		rules = replaceVersions(rules, merged)
	}
	for _, ar := range rf.AddRules {
		if ar.ID == "" {
			continue // reported: an entry without id
		}
		if existing[ar.ID] {
			problem(ar.Pos, ar.ID, "add_rules: the rule exists already; change it with replace_rules:")
			continue
		}
		r := *ar
		r.Reform = rf.Name
		if r.Cite == "" {
			r.Cite = rf.Cite
		}
		checkRule(&r, ps)
		rules = append(rules, &r)
	}
	name := rb.name + " + " + rf.Name
	out := build(name, params, rules, ps)
	out.reforms = append(append([]string(nil), rb.reforms...), rf.Name)
	out.workBudget = rb.workBudget // a reform cannot raise its own budget
	return out
}

// kindWithArticle names a kind of value as a sentence does: "an integer",
// "a decimal".
func kindWithArticle(k Kind) string {
	if s := k.String(); s != "" && strings.ContainsRune("aeiou", rune(s[0])) {
		return "an " + s
	}
	return "a " + k.String()
}

func keys(m map[string]*Parameter) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

// overlayValues puts nv over a timeline: the parts of existing values that
// fall inside nv's window are cut away.
func overlayValues(values []ParamValue, nv ParamValue) []ParamValue {
	out := make([]ParamValue, 0, len(values)+2)
	for _, v := range values {
		out = append(out, cutWindow(v.From, v.To, nv.From, nv.To, func(from, to Date) ParamValue {
			w := v
			w.From, w.To = from, to
			return w
		})...)
	}
	out = append(out, nv)
	sortValues(out)
	return out
}

// cutWindow returns what remains of the span [from, to] (zero to: open)
// once the window [wf, wt] (zero wf: from the start, zero wt: open) is
// removed, built by mk.
func cutWindow[T any](from, to, wf, wt Date, mk func(from, to Date) T) []T {
	var out []T
	if !wf.IsZero() && from.Before(wf) {
		end := to
		if end.IsZero() || !end.Before(wf) {
			end = wf.AddDays(-1)
		}
		out = append(out, mk(from, end))
	}
	if !wt.IsZero() && (to.IsZero() || to.After(wt)) {
		start := from
		if !start.After(wt) {
			start = wt.AddDays(1)
		}
		out = append(out, mk(start, to))
	}
	return out
}

func sortValues(vs []ParamValue) {
	for i := 1; i < len(vs); i++ {
		for j := i; j > 0 && vs[j].From.Before(vs[j-1].From); j-- {
			vs[j], vs[j-1] = vs[j-1], vs[j]
		}
	}
}

// cutRules removes the window [from, to] from every version of rule id,
// keeping the versions' place in the order.
func cutRules(rules []*Rule, id string, from, to Date) []*Rule {
	out := make([]*Rule, 0, len(rules)+1)
	for _, r := range rules {
		if r.ID != id {
			out = append(out, r)
			continue
		}
		out = append(out, cutWindow(r.From, r.To, from, to, func(f, t Date) *Rule {
			c := *r
			c.From, c.To = f, t
			return &c
		})...)
	}
	return out
}

// baseVersion is the version a replacement inherits from: the one in force
// on from, or else the latest.
func baseVersion(rules []*Rule, id string, from Date) *Rule {
	var latest *Rule
	for _, r := range rules {
		if r.ID != id {
			continue
		}
		if !from.IsZero() && r.InForce(from) {
			return r
		}
		latest = r
	}
	return latest
}

// replaceVersions cuts r's window out of the versions of its id and puts r
// among what remains of them, at the rule's place in the order: rules read
// the outputs of the rules above them, so a replacement must not move (even
// when it replaces every version of the rule).
func replaceVersions(rules []*Rule, r *Rule) []*Rule {
	// The place of the rule: the number of other rules before its first
	// version, which cutting its versions does not change.
	place := len(rules)
	for i, x := range rules {
		if x.ID == r.ID {
			place = i
			break
		}
	}
	rules = cutRules(rules, r.ID, r.From, r.To)
	at := place
	for i, x := range rules {
		if x.ID == r.ID && !r.From.Before(x.From) {
			at = i + 1 // after the versions that start before it
		}
	}
	rules = append(rules, nil)
	copy(rules[at+1:], rules[at:])
	rules[at] = r
	return rules
}

// mergeRule builds a replacement version: the fields nr gives, the rest
// from base. A new expression replaces the old one with its shape.
func mergeRule(base, nr *Rule, rf *Reform) *Rule {
	m := *base
	m.Reform = rf.Name
	m.Pos = nr.Pos
	m.Cite = firstNonEmpty(nr.Cite, rf.Cite, base.Cite)
	if len(nr.Sources) > 0 {
		m.Sources = nr.Sources
	} else if nr.Cite != "" || rf.Cite != "" {
		m.Sources = nil // a new citation: the old one's sources do not stand behind it
	}
	if nr.From.IsZero() {
		m.From = base.From
	} else {
		m.From = nr.From
	}
	m.To = nr.To
	if nr.Area != "" {
		m.Area = nr.Area
	}
	if nr.Confidence != "" {
		m.Confidence = nr.Confidence
	}
	if nr.Source != "" {
		m.Source = nr.Source
	}
	if nr.Description != (Text{}) {
		m.Description = nr.Description
	}
	if nr.Message != (Text{}) {
		m.Message = nr.Message
	}
	switch {
	case nr.When != "":
		m.When, m.Value, m.Output = nr.When, "", ""
		m.Reason = firstNonEmpty(nr.Reason, base.Reason)
		m.ExprPos, m.exprBlock = nr.ExprPos, nr.exprBlock
	case nr.Value != "":
		m.Value, m.When, m.Reason = nr.Value, "", ""
		m.Output = firstNonEmpty(nr.Output, base.Output)
		m.ExprPos, m.exprBlock = nr.ExprPos, nr.exprBlock
	default:
		if nr.Reason != "" {
			m.Reason = nr.Reason
		}
		if nr.Output != "" {
			m.Output = nr.Output
		}
	}
	return &m
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if strings.TrimSpace(s) != "" {
			return s
		}
	}
	return ""
}
