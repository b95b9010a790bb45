package decision_test

import (
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
)

// BenchmarkLoadCompile loads the embedded reference rulebook from its YAML
// and compiles every area: what a program pays once at start-up (target:
// under 20 ms).
func BenchmarkLoadCompile(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		rb, err := wk.Load(wk.RegulationFS(), "regulation")
		if err != nil {
			b.Fatal(err)
		}
		if _, err := decision.New(rb); err != nil {
			b.Fatal(err)
		}
	}
}
