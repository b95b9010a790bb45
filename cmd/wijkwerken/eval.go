package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"go.yaml.in/yaml/v3"
)

func cmdEval(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("eval", "[--date D] [--json] [--trace] [--lang nl|en] FILE|-", stdout, stderr)
	var rf rulebookFlags
	rf.register(fs)
	dateFlag := fs.dateVar("date", "decision `date` YYYY-MM-DD (default: the file's date:, else request.date)")
	asJSON := fs.Bool("json", false, "write the decision as JSON (the paths scenarios address)")
	trace := fs.Bool("trace", false, "include the full trace: every rule evaluated, with the parameters it read")
	lang := fs.langVar()
	pos, code, ok := fs.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return fs.usage("give one case file, or - for standard input")
	}
	date := *dateFlag
	in := rf.inputs(stdin)
	data, name, err := in.read(pos[0])
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	c, fileDate, err := readCaseFile(name, data)
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	if date.IsZero() {
		date = fileDate
	}
	if date.IsZero() && c.Request != nil {
		date = c.Request.Date
	}
	if date.IsZero() {
		return fs.fail("no decision date: give --date YYYY-MM-DD (or date: in the file)")
	}
	rb, err := rf.load(in)
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	eng, err := decision.New(rb)
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	var opts []wk.Option
	if *trace {
		opts = append(opts, wk.WithTrace())
	}
	res, err := eng.Decide(date, c, opts...)
	if err != nil {
		report(stderr, err)
		return exitFail
	}
	if *asJSON {
		enc := json.NewEncoder(raw(stdout))
		enc.SetIndent("", "  ")
		if err := enc.Encode(res); err != nil {
			report(stderr, err)
			return exitFail
		}
	} else {
		writeDecision(stdout, rb, res, *lang)
	}
	if len(res.Errors) > 0 {
		return exitFail
	}
	return exitOK
}

// readCaseFile reads a case document: either the case itself, or a mapping
// with case: and an optional date:.
func readCaseFile(name string, data []byte) (*dossier.Case, wk.Date, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, wk.Date{}, fmt.Errorf("%s: %v", name, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return nil, wk.Date{}, fmt.Errorf("%s: empty file", name)
	}
	root := doc.Content[0]
	var date wk.Date
	caseNode := root
	if root.Kind == yaml.MappingNode {
		var rest []*yaml.Node
		for i := 0; i+1 < len(root.Content); i += 2 {
			k, v := root.Content[i], root.Content[i+1]
			switch k.Value {
			case "case":
				caseNode = v
			case "date":
				d, err := wk.ParseDate(v.Value)
				if err != nil {
					return nil, wk.Date{}, fmt.Errorf("%s:%d: date: %v", name, v.Line, err)
				}
				date = d
			default:
				rest = append(rest, k, v)
			}
		}
		if caseNode == root && !date.IsZero() {
			// date: beside the case's own sections.
			caseNode = &yaml.Node{Kind: yaml.MappingNode, Content: rest, Line: root.Line, Column: root.Column}
		}
	}
	c, err := dossier.DecodeCase(name, caseNode)
	return c, date, err
}

// evalLabels are the words of eval's text, by language.
var evalLabels = map[string]map[string]string{
	"en": {
		"decision": "Decision on %s (rulebook: %s)", "why": "why", "undecided": "%s could not be decided: %v",
		"rules": "rules evaluated", "hint": "(every rule evaluated, with the parameters it read: --trace)",
	},
	"nl": {
		"decision": "Beslissing op %s (regelboek: %s)", "why": "waarom", "undecided": "%s kon niet beslist worden: %v",
		"rules": "geëvalueerde regels", "hint": "(elke geëvalueerde regel, met de parameters die ze las: --trace)",
	},
}

// writeDecision writes the decision for people: the outputs per area, the
// reasons with their messages and citations, and the trace when the
// decision has one (--trace).
func writeDecision(w io.Writer, rb *wk.Rulebook, res *decision.Result, lang string) {
	l := evalLabels[lang]
	fmt.Fprintf(w, l["decision"]+"\n", res.Date, rb.Name())
	var cur string
	for _, p := range res.Computed() {
		area, field, _ := strings.Cut(p, ".")
		if area != cur {
			fmt.Fprintf(w, "\n%s\n", area)
			cur = area
		}
		v, _ := res.Get(p)
		fmt.Fprintf(w, "  %-22s %s\n", field, decision.FormatValue(v))
	}
	if reasons := res.Reasons(); len(reasons) > 0 {
		fmt.Fprintf(w, "\n%s\n", l["why"])
		for _, r := range reasons {
			msg := r.Message.EN
			if lang == "nl" {
				msg = r.Message.NL
			}
			fmt.Fprintf(w, "  %s: %s\n      [%s]\n", r.Code, msg, r.Cite)
		}
	}
	for _, ae := range res.Errors {
		fmt.Fprintf(w, "\n"+l["undecided"]+"\n", ae.Area, ae.Err)
	}
	if res.Trace != nil && len(res.Trace.Steps) > 0 {
		fmt.Fprintf(w, "\n%s\n", l["rules"])
		res.Trace.Format(w, lang)
	} else {
		fmt.Fprintf(w, "\n%s\n", l["hint"])
	}
}
