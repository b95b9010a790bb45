package decision_test

import (
	"testing"

	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Which reference rules run on expr's VM rather than on the closures: the
// closures cover every construct but these rules' (a list literal in a
// conditional; a closure over a list of structs). An expr upgrade that
// moved rules off the closures, or a new rule with an uncovered construct,
// fails here: say why in the list, or cover the construct.
func TestRulesOnTheVM(t *testing.T) {
	e := engineT(t)
	var onVM []string
	for _, rs := range e.RuleSets() {
		onVM = append(onVM, rs.OnVM()...)
	}
	assert.ElementsMatch(t, []string{}, onVM)
	require.NotEmpty(t, e.RuleSets())
	_ = decision.Paths
}
