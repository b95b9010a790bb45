package compare_test

import (
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
)

// popLines is a synthetic population of n cases as JSON lines.
func popLines(t testing.TB, rb *wk.Rulebook, n int) []byte {
	return popAround(t, rb, wk.MustParseDate("2024-06-30"), n, 7)
}
