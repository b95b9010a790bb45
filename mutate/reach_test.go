package mutate

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/scenario"
)

// Running only the scenarios that can notice a mutant comes to the same
// verdict, for every mutant of the reference rulebook, as running the whole
// reference suite against it: the scenarios Run skips never kill a mutant
// that the ones it runs let survive. (Under the race detector, which is ten
// times slower, every tenth mutant.)
func TestReachNeverChangesTheVerdict(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the reference suite against every mutant twice")
	}
	rb, err := wk.Reference()
	require.NoError(t, err)
	suites, err := scenario.LoadPaths("../testdata/scenarios")
	require.NoError(t, err)
	mutants, _ := Generate(rb, Options{})
	if raceEnabled {
		var some []*Mutant
		for i := 0; i < len(mutants); i += 10 {
			some = append(some, mutants[i])
		}
		mutants = some
	}
	ctx := context.Background()
	reached, err := Run(ctx, rb, suites, mutants, RunOptions{})
	require.NoError(t, err)
	everything, err := Run(ctx, rb, suites, mutants, RunOptions{All: true})
	require.NoError(t, err)
	assert.Equal(t, statuses(everything), statuses(reached))
	assert.Less(t, reached.Runs, everything.Runs)
	t.Logf("%d mutants: %d scenario runs with reach, %d without (%.1f s against %.1f s)",
		len(mutants), reached.Runs, everything.Runs, reached.Duration.Seconds(), everything.Duration.Seconds())
	// Something survives and something is killed, so the comparison can
	// fail both ways.
	assert.NotZero(t, reached.Survived)
	assert.NotZero(t, reached.Killed)
}
