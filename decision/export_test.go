package decision

import (
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
)

// DocForTest is the result as a map, the way the result's JSON was built
// before it was written directly: encoding/json's marshalling of it is
// the reference the direct writer must equal byte for byte.
func (r *Result) DocForTest(explain bool) map[string]any {
	doc := map[string]any{"date": r.Date, "engine": wk.Version().Version, "fingerprint": r.eng.rb.Fingerprint()}
	for p, v := range r.outs() {
		section, field, _ := strings.Cut(p, ".")
		m, _ := doc[section].(map[string]any)
		if m == nil {
			m = map[string]any{}
			doc[section] = m
		}
		m[field] = v
	}
	if expl := r.Reasons(); explain && len(expl) > 0 {
		doc["explanations"] = expl
	}
	if len(r.Errors) > 0 {
		errs := map[string]string{}
		for _, ae := range r.Errors {
			errs[ae.Area] = ae.Err.Error()
		}
		doc["errors"] = errs
	}
	if r.Trace != nil {
		doc["trace"] = r.Trace
	}
	return doc
}
