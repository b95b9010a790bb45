package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/dossier"
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

// readCaseFile reads a case document: the case itself, or a mapping with
// case: and an optional date: (dossier.ParseDocument).
func readCaseFile(name string, data []byte) (*dossier.Case, wk.Date, error) {
	return dossier.ParseDocument(name, data)
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
			fmt.Fprintf(w, "  %s: %s\n      [%s]\n", r.Code, r.MessageIn(lang), r.Cite)
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
