package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"go.yaml.in/yaml/v3"
)

func cmdEval(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("eval", "[--date D] [--json] [--trace] [--lang nl|en] FILE|-", stderr)
	var rf rulebookFlags
	rf.register(fs)
	dateFlag := fs.String("date", "", "decision `date` YYYY-MM-DD (default: the file's date:, else request.date)")
	asJSON := fs.Bool("json", false, "write the decision as JSON (the paths scenarios address)")
	trace := fs.Bool("trace", false, "with --json: include the full trace")
	lang := fs.String("lang", "en", "language of messages: nl or en")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return exitCommand
	}
	if len(pos) != 1 {
		fs.Usage()
		return exitCommand
	}
	if *lang != "nl" && *lang != "en" {
		fmt.Fprintf(stderr, "wijkwerken eval: --lang %q: want nl or en\n", *lang)
		return exitCommand
	}
	name := pos[0]
	var data []byte
	if name == "-" {
		data, err = io.ReadAll(stdin)
		name = "<stdin>"
	} else {
		data, err = os.ReadFile(name)
	}
	if err != nil {
		report(stderr, err)
		return exitBroken
	}
	c, fileDate, err := readCaseFile(name, data)
	if err != nil {
		report(stderr, err)
		return exitBroken
	}
	date := fileDate
	if *dateFlag != "" {
		if date, err = wk.ParseDate(*dateFlag); err != nil {
			fmt.Fprintf(stderr, "wijkwerken eval: --date: %v\n", err)
			return exitCommand
		}
	}
	if date.IsZero() && c.Request != nil {
		date = c.Request.Date
	}
	if date.IsZero() {
		fmt.Fprintln(stderr, "wijkwerken eval: no decision date: give --date YYYY-MM-DD (or date: in the file)")
		return exitCommand
	}
	rb, err := rf.load()
	if err != nil {
		report(stderr, err)
		return exitBroken
	}
	eng, err := decision.New(rb)
	if err != nil {
		report(stderr, err)
		return exitBroken
	}
	var opts []wk.Option
	if !*asJSON || *trace {
		opts = append(opts, wk.WithTrace())
	}
	res, err := eng.Decide(date, c, opts...)
	if err != nil {
		report(stderr, err)
		return exitFail
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
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

func writeDecision(w io.Writer, rb *wk.Rulebook, res *decision.Result, lang string) {
	fmt.Fprintf(w, "Decision on %s (rulebook: %s)\n", res.Date, rb.Name())
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
		fmt.Fprintln(w, "\nwhy")
		for _, r := range reasons {
			msg := r.Message.EN
			if lang == "nl" {
				msg = r.Message.NL
			}
			fmt.Fprintf(w, "  %s: %s\n      [%s]\n", r.Code, msg, r.Cite)
		}
	}
	for _, ae := range res.Errors {
		fmt.Fprintf(w, "\n%s could not be decided: %v\n", ae.Area, ae.Err)
	}
	if res.Trace != nil && len(res.Trace.Steps) > 0 {
		fmt.Fprintln(w, "\nrules evaluated")
		res.Trace.Format(w, lang)
	}
}
