package main

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What the READMEs say the monthly cap flips is what the command prints:
// the numbers are the command's, not written by hand.
func TestReadmesQuoteTheFlips(t *testing.T) {
	var out strings.Builder
	flipped, total, err := flips(&out, "../../testdata/reforms/monthly-cap-80.yaml", []string{"../../testdata/scenarios"})
	require.NoError(t, err)
	claim := fmt.Sprintf("%d of %d scenarios change under the reform", flipped, total)
	assert.Contains(t, out.String(), "\n"+claim+"\n")
	assert.NotContains(t, out.String(), "\n    : ", "every changed output is named")
	for _, readme := range []string{"../../README.md", "README.md"} {
		data, err := os.ReadFile(readme)
		require.NoError(t, err)
		assert.Contains(t, string(data), claim, readme)
	}
}
