package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
)

// textWidth is the width text output is wrapped to (a URL, which cannot
// be broken, may run longer).
const textWidth = 100

// paramLabels are the words of params and rules, by language.
var paramLabels = map[string]map[string]string{
	"en": {"in force": "in force", "confidence": "confidence", "reform": "reform", "yields reason": "yields reason", "computes": "computes"},
	"nl": {"in force": "geldig", "confidence": "betrouwbaarheid", "reform": "hervorming", "yields reason": "geeft reden", "computes": "berekent"},
}

func cmdParams(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("params", "[--at D] [--lang nl|en] [--json]", stdout, stderr)
	var rf rulebookFlags
	rf.register(fs)
	at := fs.dateVar("at", "show only the values in force on `date` YYYY-MM-DD")
	asJSON := fs.Bool("json", false, "write JSON")
	lang := fs.langVar()
	pos, code, ok := fs.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return fs.usage("unexpected argument %q", pos[0])
	}
	date := *at
	rb, err := rf.load(rf.inputs(stdin))
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	type row struct {
		ID         string   `json:"id"`
		Value      wk.Value `json:"value"`
		Unit       string   `json:"unit,omitempty"`
		From       wk.Date  `json:"from"`
		To         wk.Date  `json:"to,omitzero"`
		Confidence string   `json:"confidence,omitempty"`
		Cite       string   `json:"cite"`
		Sources    []string `json:"sources,omitempty"`
		Reform     string   `json:"reform,omitempty"`
	}
	var rows []row
	for _, p := range rb.Parameters() {
		for _, v := range p.Values {
			if !date.IsZero() && (date.Before(v.From) || (!v.To.IsZero() && date.After(v.To))) {
				continue
			}
			cite, sources, conf := p.Provenance(&v)
			rows = append(rows, row{ID: p.ID, Value: v.Value, Unit: p.Unit, From: v.From, To: v.To, Confidence: conf, Cite: cite, Sources: sources, Reform: v.Reform})
		}
	}
	if *asJSON {
		enc := json.NewEncoder(raw(stdout))
		enc.SetIndent("", "  ")
		if err := enc.Encode(rows); err != nil {
			report(stderr, err)
			return exitFail
		}
		return exitOK
	}
	// One block per value: the value and its validity on the first line,
	// then the citation and the source URLs, wrapped to textWidth.
	l := paramLabels[*lang]
	for _, r := range rows {
		conf := ""
		if r.Confidence != "" {
			conf = ", " + l["confidence"] + " " + r.Confidence
		}
		writeWrapped(stdout, "", fmt.Sprintf("%s = %s %s", r.ID, r.Value, r.Unit))
		fmt.Fprintf(stdout, "    %s %s .. %s%s\n", l["in force"], r.From, openEnd(r.To), conf)
		cite := r.Cite
		if r.Reform != "" {
			cite = l["reform"] + " " + r.Reform + ": " + cite
		}
		writeWrapped(stdout, "    ", cite)
		for _, u := range r.Sources {
			fmt.Fprintf(stdout, "    %s\n", u)
		}
	}
	return exitOK
}

func openEnd(d wk.Date) string {
	if d.IsZero() {
		return "…"
	}
	return d.String()
}

// writeWrapped writes text on lines of at most textWidth characters, each
// starting with indent (a word longer than a line, such as a URL, stands
// on a line of its own).
func writeWrapped(w io.Writer, indent, text string) {
	for _, line := range wrap(text, textWidth-len([]rune(indent))) {
		fmt.Fprintf(w, "%s%s\n", indent, line)
	}
}

func wrap(text string, width int) []string {
	var lines []string
	var cur []string
	n := 0
	for _, word := range strings.Fields(text) {
		wl := len([]rune(word))
		if len(cur) > 0 && n+1+wl > width {
			lines = append(lines, strings.Join(cur, " "))
			cur, n = nil, 0
		}
		if len(cur) > 0 {
			n++
		}
		cur = append(cur, word)
		n += wl
	}
	if len(cur) > 0 {
		lines = append(lines, strings.Join(cur, " "))
	}
	return lines
}

func cmdRules(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("rules", "[--area A] [--at D] [--lang nl|en] [--json]", stdout, stderr)
	var rf rulebookFlags
	rf.register(fs)
	area := fs.String("area", "", "show only the rules of `area`")
	at := fs.dateVar("at", "show only the rules in force on `date` YYYY-MM-DD")
	asJSON := fs.Bool("json", false, "write JSON")
	lang := fs.langVar()
	pos, code, ok := fs.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return fs.usage("unexpected argument %q", pos[0])
	}
	date := *at
	rb, err := rf.load(rf.inputs(stdin))
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	if *area != "" {
		found := false
		for _, a := range rb.Areas() {
			found = found || a == *area
		}
		if !found {
			return fs.fail("%v", &wk.UnknownError{What: "area", ID: *area, Known: rb.Areas()})
		}
	}
	rules := rb.Rules(*area)
	if !date.IsZero() {
		rules = rb.RulesAt(*area, date)
	}
	if *asJSON {
		enc := json.NewEncoder(raw(stdout))
		enc.SetIndent("", "  ")
		if err := enc.Encode(rules); err != nil {
			report(stderr, err)
			return exitFail
		}
		return exitOK
	}
	l := paramLabels[*lang]
	for _, r := range rules {
		yields := l["yields reason"] + " " + r.Reason
		if !r.IsCondition() {
			yields = l["computes"] + " " + r.Output
		}
		writeWrapped(stdout, "", fmt.Sprintf("%s (%s): %s", r.ID, r.Area, yields))
		fmt.Fprintf(stdout, "    %s %s .. %s\n", l["in force"], r.From, openEnd(r.To))
		writeWrapped(stdout, "    ", r.Cite)
	}
	return exitOK
}
