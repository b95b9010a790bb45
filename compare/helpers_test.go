package compare_test

import (
	"bytes"
	"encoding/json"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/population"
	"github.com/stretchr/testify/require"
)

// popLines is a synthetic population of n cases as JSON lines.
func popLines(t testing.TB, rb *wk.Rulebook, n int) []byte {
	g, err := population.New(rb, wk.MustParseDate("2024-06-30"), 7)
	require.NoError(t, err)
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	for i := 0; i < n; i++ {
		require.NoError(t, enc.Encode(g.Next()))
	}
	return b.Bytes()
}
