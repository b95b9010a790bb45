package decision_test

import (
	"encoding/json"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
)

// The result's JSON, written directly from the output paths, is byte for
// byte what encoding/json makes of the result as a map of its outputs,
// over a population decided untraced and traced, with and without the
// explanations.
func TestResultJSONIsWhatEncodingJSONWrites(t *testing.T) {
	eng := engineT(t)
	for i, rec := range popRecords(t, 1000, 5) {
		for _, opts := range [][]wk.Option{nil, {wk.WithTrace()}} {
			if opts != nil && i%8 != 0 {
				continue // a trace is long to write and to compare: every eighth case
			}
			res, err := eng.Decide(rec.Date, rec.Case, opts...)
			if res == nil {
				continue
			}
			_ = err
			for _, explain := range []bool{false, true} {
				got, err := res.AppendJSON(nil, explain)
				if err != nil {
					t.Fatal(err)
				}
				want, _ := json.Marshal(res.DocForTest(explain))
				if string(got) != string(want) {
					t.Fatalf("%s:\n got %s\nwant %s", rec.ID, got, want)
				}
			}
		}
	}
}
