package scenario_test

import (
	"testing"

	"github.com/openwijkwerken/wijkwerken/scenario"
)

// FuzzParse: any scenario file parses or is a clear error, never a panic.
func FuzzParse(f *testing.F) {
	f.Add([]byte(suite))
	f.Add([]byte("scenarios:\n  - name: a\n    date: 2024-01-01\n    case: {}\n    expct: {}\n"))
	f.Add([]byte("- {name: a, date: 2024-13-01, case: {person: {}}, expect_error: x}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := scenario.Parse("f.yaml", data)
		if err == nil && s == nil {
			t.Fatal("no suite and no error")
		}
	})
}
