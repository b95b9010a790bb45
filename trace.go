package wijkwerken

import (
	"fmt"
	"io"
	"strings"

	"github.com/shopspring/decimal"
)

// Trace is the explanation of a decision: every rule evaluated, in order,
// with its citation, its outcome and the parameter values it read.
type Trace struct {
	Steps []Step `json:"steps"`
}

// Step is one rule evaluated for a decision.
type Step struct {
	Area       string     `json:"area"`
	Rule       string     `json:"rule"`
	Cite       string     `json:"cite"`
	Sources    []string   `json:"sources,omitempty"`
	Confidence string     `json:"confidence,omitempty"`
	From       Date       `json:"from"`
	To         Date       `json:"to,omitzero"`
	Pos        Position   `json:"pos"`
	Expression string     `json:"expression"`
	Kind       string     `json:"kind"`            // "condition" or "value"
	Fired      *bool      `json:"fired,omitempty"` // conditions: whether it holds
	Reason     string     `json:"reason,omitempty"`
	Output     string     `json:"output,omitempty"` // values: what was computed
	Value      any        `json:"value,omitempty"`
	Params     []ParamUse `json:"params,omitempty"`
}

// ParamUse is a parameter value a rule read: which value of the timeline
// (From, To), on which date (At), under which citation, with the public
// URLs of its sources and how sure the rulebook is of it.
type ParamUse struct {
	ID         string   `json:"id"`
	Value      Value    `json:"value"`
	Unit       string   `json:"unit,omitempty"`
	At         Date     `json:"at"`
	From       Date     `json:"from"`
	To         Date     `json:"to,omitzero"`
	Cite       string   `json:"cite"`
	Sources    []string `json:"sources,omitempty"`
	Confidence string   `json:"confidence,omitempty"`
}

// traceWords are the labels of a formatted trace, by language.
var traceWords = map[string]map[string]string{
	"en": {"no": "does not apply", "sources": "sources", "confidence": ", %s confidence", "medium": "medium", "low": "low"},
	"nl": {"no": "niet van toepassing", "sources": "bronnen", "confidence": ", betrouwbaarheid %s", "medium": "middelmatig", "low": "laag"},
}

// Format writes the trace for people to read, in Dutch ("nl") or English.
func (t *Trace) Format(w io.Writer, lang string) {
	words := traceWords["en"]
	if lang == "nl" {
		words = traceWords["nl"]
	}
	for _, s := range t.Steps {
		var outcome string
		switch {
		case s.Kind == "value":
			outcome = fmt.Sprintf("%s = %s", s.Output, formatAny(s.Value))
		case s.Fired != nil && *s.Fired:
			outcome = "→ " + s.Reason
		default:
			outcome = words["no"]
		}
		fmt.Fprintf(w, "  %-44s %s\n", s.Rule, outcome)
		fmt.Fprintf(w, "      %s   [%s]\n", strings.Join(strings.Fields(s.Expression), " "), s.Cite)
		if len(s.Sources) > 0 {
			fmt.Fprintf(w, "      %s: %s\n", words["sources"], strings.Join(s.Sources, " "))
		}
		for _, p := range s.Params {
			to := "…"
			if !p.To.IsZero() {
				to = p.To.String()
			}
			conf := ""
			if p.Confidence != "" && p.Confidence != "high" {
				conf = fmt.Sprintf(words["confidence"], words[p.Confidence])
			}
			fmt.Fprintf(w, "      %s = %s %s (%s..%s%s) [%s]\n", p.ID, p.Value, p.Unit, p.From, to, conf, p.Cite)
			if len(p.Sources) > 0 {
				fmt.Fprintf(w, "        %s: %s\n", words["sources"], strings.Join(p.Sources, " "))
			}
		}
	}
}

func formatAny(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case []string:
		return "[" + strings.Join(x, ", ") + "]"
	case Date:
		if x.IsZero() {
			return "null"
		}
		return x.String()
	case decimal.Decimal:
		// An amount, with the cents written: 8.20.
		places := 0
		if _, frac, ok := strings.Cut(x.String(), "."); ok {
			places = len(frac)
		}
		return x.StringFixed(int32(max(2, places)))
	}
	return fmt.Sprint(v)
}
