package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"slices"
	"sort"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/scenario"
	"github.com/openwijkwerken/wijkwerken/schema"
)

// formField is one field of the case form, built from the case document's
// JSON Schema (schema/case.schema.json): a section or a nested object holds
// fields; every other field is an input of one kind.
type formField struct {
	Path   string      // person.income
	Name   string      // income
	Kind   string      // object, enum, bool, date, integer, decimal, string, list, dates, integers, months, records
	Enum   []string    // the allowed values of an enum
	Fields []formField // an object's fields, in the schema's order
	Items  []string    // records: the fields of each line
	Depth  int
}

// ID is the field's HTML id.
func (f formField) ID() string { return "f-" + strings.NewReplacer(".", "-", "_", "-").Replace(f.Path) }

type schemaNode struct {
	Ref        string                `json:"$ref"`
	Type       any                   `json:"type"`
	Enum       []string              `json:"enum"`
	Format     string                `json:"format"`
	Properties map[string]schemaNode `json:"properties"`
	Items      *schemaNode           `json:"items"`
	AddProps   any                   `json:"additionalProperties"`
}

// sectionOrder is the order of the case document in docs/contract.md; the
// schema's properties are unordered. A section the schema adds later comes
// last.
var sectionOrder = []string{"person", "household", "trajectory", "request", "organiser", "cheque", "purchase", "community_service"}

// caseForm builds the case form from the case document's schema.
func caseForm() []formField {
	raw, err := schema.Get("case")
	if err != nil {
		return nil
	}
	var doc struct {
		Defs map[string]schemaNode `json:"$defs"`
	}
	if json.Unmarshal(raw, &doc) != nil {
		return nil
	}
	resolve := func(n schemaNode) schemaNode {
		for n.Ref != "" {
			n = doc.Defs[strings.TrimPrefix(n.Ref, "#/$defs/")]
		}
		return n
	}
	var build func(path, name string, n schemaNode, depth int) formField
	build = func(path, name string, n schemaNode, depth int) formField {
		n = resolve(n)
		f := formField{Path: path, Name: name, Depth: depth}
		typ, _ := n.Type.(string)
		switch {
		case len(n.Enum) > 0:
			f.Kind, f.Enum = "enum", n.Enum
		case typ == "boolean":
			f.Kind = "bool"
		case typ == "integer":
			f.Kind = "integer"
		case typ == "string" && n.Format == "date":
			f.Kind = "date"
		case typ == "string":
			f.Kind = "string"
		case n.Type != nil && typ == "":
			f.Kind = "decimal" // number or string: an exact decimal
		case typ == "array" && n.Items != nil:
			it := resolve(*n.Items)
			it2, _ := it.Type.(string)
			switch {
			case it2 == "object":
				f.Kind = "records"
				for k := range it.Properties {
					f.Items = append(f.Items, k)
				}
				sort.Strings(f.Items)
			case it2 == "integer":
				f.Kind = "integers"
			case it.Format == "date":
				f.Kind = "dates"
			default:
				f.Kind = "list"
			}
		case typ == "object" && n.AddProps != nil && len(n.Properties) == 0:
			f.Kind = "months"
		case typ == "object":
			f.Kind = "object"
			keys := make([]string, 0, len(n.Properties))
			for k := range n.Properties {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			if depth == 0 {
				sort.SliceStable(keys, func(i, j int) bool { return order(keys[i]) < order(keys[j]) })
			}
			for _, k := range keys {
				p := k
				if path != "" {
					p = path + "." + k
				}
				f.Fields = append(f.Fields, build(p, k, n.Properties[k], depth+1))
			}
		default:
			f.Kind = "string"
		}
		return f
	}
	root := build("", "", doc.Defs["Case"], 0)
	return root.Fields
}

func order(section string) int {
	if i := slices.Index(sectionOrder, section); i >= 0 {
		return i
	}
	return len(sectionOrder)
}

type casePageData struct {
	Form       []formField
	Activities []string
	Date       wk.Date
}

// activities lists every activity code the rulebook's catalogue has ever
// named (the parameters placement.activities_*), for the form to offer.
func activities(rb *wk.Rulebook) []string {
	var out []string
	for _, p := range rb.Parameters() {
		if !strings.HasPrefix(p.ID, "placement.activities_") || p.Kind != wk.KindList {
			continue
		}
		for _, v := range p.Values {
			for _, a := range v.Value.List() {
				if !slices.Contains(out, a) {
					out = append(out, a)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

func (u *ui) casePage(w http.ResponseWriter, r *http.Request) {
	p := u.newPage(w, r, "case", tr(lang(w, r), "case.title"))
	p.At, _ = asOf(r, "at")
	p.Data = casePageData{Form: u.form, Activities: activities(u.s.base.rb), Date: p.At}
	u.render(w, r, "case", http.StatusOK, p)
}

// uiDecideRequest is the body of POST /ui/decide: a DecideRequest and the
// interface's language.
type uiDecideRequest struct {
	DecideRequest
	Lang string `json:"lang,omitempty"`
}

type outputRow struct {
	Path, Field, Value, Meaning string
}

type areaResult struct {
	Area    string
	Outputs []outputRow
	Reasons []wk.Reason
	Error   string
	Steps   []wk.Step
}

type decideData struct {
	L           string
	Date        wk.Date
	Fingerprint string
	Areas       []areaResult
	Problem     *Problem
}

// problemFragment answers a POST /ui/ route with its problem drawn as HTML.
func (u *ui) problemFragment(w http.ResponseWriter, r *http.Request, l, name string, p *Problem) {
	if info := infoOf(r); info != nil {
		info.problem = p.kind
		p.RequestID = info.id
	}
	u.fragment(w, r, name, p.Status, decideData{L: l, Problem: p})
}

func (u *ui) decide(w http.ResponseWriter, r *http.Request) {
	var req uiDecideRequest
	if !readJSON(w, r, u.s.cfg.MaxBody, &req) {
		return
	}
	l := req.Lang
	if l != "en" {
		l = "nl"
	}
	fail := func(p *Problem) { u.problemFragment(w, r, l, "decision", p) }
	if len(req.Case) == 0 {
		fail(problem(KindMalformed, "%s", tr(l, "case.empty")))
		return
	}
	c, err := dossier.ParseCase("case", req.Case)
	if err != nil {
		var ce *dossier.CaseError
		p := problem(KindBadCase, "%v", err)
		if errors.As(err, &ce) {
			p.with(caseProblems(ce)...)
		}
		fail(p)
		return
	}
	date, p := decisionDate(req.Date, c)
	if p != nil {
		fail(p)
		return
	}
	eng, p := u.s.reformEngine(req.Reforms)
	if p != nil {
		fail(p)
		return
	}
	body, _ := json.Marshal(req.DecideRequest)
	res, p := u.s.decideForUI(r.Context(), r, eng, date, c, body)
	if p != nil {
		fail(p)
		return
	}
	u.fragment(w, r, "decision", http.StatusOK, decisionView(l, eng, res))
}

// decisionView groups a result by area: its outputs, its reasons, its
// error and the steps of its trace.
func decisionView(l string, eng *engine, res *decision.Result) decideData {
	d := decideData{L: l, Date: res.Date, Fingerprint: eng.fingerprint}
	meaning := map[string]string{}
	index := map[string]int{}
	at := func(area string) *areaResult {
		i, ok := index[area]
		if !ok {
			i = len(d.Areas)
			index[area] = i
			d.Areas = append(d.Areas, areaResult{Area: area})
		}
		return &d.Areas[i]
	}
	// The areas in the order of the contract's paths (Computed is sorted).
	computed := res.Computed()
	var ordered []string
	for _, p := range decision.Paths() {
		meaning[p.Path] = p.Meaning
		if slices.Contains(computed, p.Path) {
			ordered = append(ordered, p.Path)
		}
	}
	for _, path := range computed {
		if !slices.Contains(ordered, path) {
			ordered = append(ordered, path)
		}
	}
	for _, path := range ordered {
		v, _ := res.Get(path)
		area, field, _ := strings.Cut(path, ".")
		a := at(area)
		a.Outputs = append(a.Outputs, outputRow{Path: path, Field: field, Value: strings.Trim(decision.FormatValue(v), `"`), Meaning: meaning[path]})
	}
	ruleArea := map[string]string{}
	for _, rule := range eng.rb.Rules("") {
		ruleArea[rule.ID] = rule.Area
	}
	for _, reason := range res.Reasons() {
		a := ruleArea[reason.Rule]
		if _, ok := index[a]; !ok {
			a, _, _ = strings.Cut(reason.Rule, ".")
		}
		at(a).Reasons = append(at(a).Reasons, reason)
	}
	for _, e := range res.Errors {
		at(e.Area).Error = e.Err.Error()
	}
	if res.Trace != nil {
		for _, s := range res.Trace.Steps {
			at(s.Area).Steps = append(at(s.Area).Steps, s)
		}
	}
	return d
}

type uiScenariosRequest struct {
	ScenariosRequest
	Lang string `json:"lang,omitempty"`
}

type outcomeRow struct {
	Name, File, Reproduce, Err string
	Line                       int
	Passed                     bool
	Failures                   []scenario.Failure
}

type scenariosData struct {
	L                string
	Passed, Failed   int
	Outcomes         []outcomeRow
	Problem          *Problem
	Fingerprint, Run string
}

func (u *ui) scenarios(w http.ResponseWriter, r *http.Request) {
	var req uiScenariosRequest
	if !readJSON(w, r, u.s.cfg.MaxUpload, &req) {
		return
	}
	l := req.Lang
	if l != "en" {
		l = "nl"
	}
	fail := func(p *Problem) {
		if info := infoOf(r); info != nil {
			info.problem = p.kind
		}
		u.fragment(w, r, "runner", p.Status, scenariosData{L: l, Problem: p})
	}
	if len(req.Files) == 0 {
		fail(problem(KindMalformed, "%s", tr(l, "scenarios.none")))
		return
	}
	suites, err := parseFiles(req.Files, "files", scenario.Parse)
	if err != nil {
		fail(problem(KindBadScenario, "%v", err).with(loadProblems(err)...))
		return
	}
	eng, p := u.s.reformEngine(req.Reforms)
	if p != nil {
		fail(p)
		return
	}
	runner, err := eng.scenarios()
	if err != nil {
		fail(problem(KindBadReform, "%v", err).with(loadProblems(err)...))
		return
	}
	rep, err := runner.Run(r.Context(), suites)
	if err != nil {
		fail(problem(KindInternal, "the run failed: %v", err))
		return
	}
	rep.Command = "wijkwerken test"
	u.s.m.decisions.WithLabelValues("scenarios").Add(float64(len(rep.Outcomes)))
	d := scenariosData{L: l, Passed: rep.Passed, Failed: rep.Failed, Fingerprint: eng.fingerprint}
	for _, o := range rep.Outcomes {
		row := outcomeRow{Name: o.Scenario.Name, File: o.Scenario.Pos.File, Line: o.Scenario.Pos.Line, Passed: o.Passed(), Failures: o.Failures}
		if o.Err != nil {
			row.Err = o.Err.Error()
		}
		if !row.Passed {
			row.Reproduce = rep.Reproduce(o)
		}
		d.Outcomes = append(d.Outcomes, row)
	}
	// Failures first, each group in file order.
	sort.SliceStable(d.Outcomes, func(i, j int) bool { return !d.Outcomes[i].Passed && d.Outcomes[j].Passed })
	u.fragment(w, r, "runner", http.StatusOK, d)
}

type reformPageData struct {
	Params []*wk.Parameter
	Rules  string // the rules' current versions as JSON, for the editor's picker
	IDs    []string
	Sample int
	From   wk.Date
}

func (u *ui) reformPage(w http.ResponseWriter, r *http.Request) {
	p := u.newPage(w, r, "reform", tr(lang(w, r), "reform.title"))
	at, _ := asOf(r, "at")
	p.At = at
	rb := u.s.base.rb
	type ruleInfo struct {
		Area, When, Reason, Value, Output string
		From                              wk.Date
	}
	rules := map[string]ruleInfo{}
	var ids []string
	for _, rule := range rb.Rules("") {
		if _, ok := rules[rule.ID]; !ok {
			ids = append(ids, rule.ID)
		}
		if rule.InForce(at) || rules[rule.ID].Area == "" {
			rules[rule.ID] = ruleInfo{Area: rule.Area, When: rule.When, Reason: rule.Reason, Value: rule.Value, Output: rule.Output, From: rule.From}
		}
	}
	b, _ := json.Marshal(rules)
	p.Data = reformPageData{Params: rb.Parameters(), Rules: string(b), IDs: ids, Sample: sampleSize, From: wk.MustDate(sampleDate.Year(), 1, 1)}
	u.render(w, r, "reform", http.StatusOK, p)
}

func (u *ui) scenariosPage(w http.ResponseWriter, r *http.Request) {
	p := u.newPage(w, r, "scenarios", tr(lang(w, r), "scenarios.title"))
	p.At, _ = asOf(r, "at")
	u.render(w, r, "scenarios", http.StatusOK, p)
}
