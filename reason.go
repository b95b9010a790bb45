package wijkwerken

import "fmt"

// Reason is why a condition holds: a stable code, the finding in Dutch and
// English, the rule that found it, the article or source it cites and the
// public URLs of its sources.
type Reason struct {
	Code    string   `json:"code"`
	Message Text     `json:"message"`
	Rule    string   `json:"rule"`
	Cite    string   `json:"cite"`
	Sources []string `json:"sources,omitempty"`
}

// MessageIn returns the reason's message in lang: "nl" (Dutch) or "en"
// (English, also for any other lang); in the other language when it has
// none in lang.
func (r Reason) MessageIn(lang string) string { return r.Message.In(lang) }

// Codes returns the codes of reasons, in order.
func Codes(reasons []Reason) []string {
	out := make([]string, len(reasons))
	for i, r := range reasons {
		out[i] = r.Code
	}
	return out
}

// RuleError is a rule that failed to evaluate: a parameter without a value
// on the date, a division by zero, an expression over its memory budget.
type RuleError struct {
	Rule string   // the rule id
	Pos  Position // where the rule (or the failing part of it) is written
	Date Date     // the decision date
	Err  error
}

func (e *RuleError) Error() string {
	return fmt.Sprintf("%s: rule %s on %s: %v", e.Pos, e.Rule, e.Date, e.Err)
}

// Unwrap returns the underlying error.
func (e *RuleError) Unwrap() error { return e.Err }
