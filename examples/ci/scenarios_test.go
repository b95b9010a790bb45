// The vendor's scenarios run with go test, each scenario a subtest, against
// the reference rulebook embedded in the library.
package ci_test

import (
	"testing"

	"github.com/openwijkwerken/wijkwerken/scenario"
)

func TestScenarios(t *testing.T) {
	scenario.Run(t, "scenarios")
}
