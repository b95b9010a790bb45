package main

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// An output path that is one of the inputs is refused (exit 2) and the
// input is left as it was: a command never overwrites its input.
func TestOutputThatIsAnInputRefused(t *testing.T) {
	dir := t.TempDir()
	scen := writeAt(t, dir, "s.yaml", goodScenario)
	reform := writeAt(t, dir, "r.yaml", readTestdata(t, "examples/reform/cap-80-2027.yaml"))
	pop := writeAt(t, dir, "pop.jsonl", readTestdata(t, "compare/testdata/small.jsonl"))
	for _, c := range []struct {
		args  []string
		input string
	}{
		{[]string{"test", "--junit", scen, scen}, scen},
		{[]string{"test", "--junit", filepath.Join(dir, ".", "s.yaml"), dir}, scen},
		{[]string{"test", "--reform", reform, "--junit", reform, scen}, reform},
		{[]string{"compare", "--reform", reform, "--html", pop, pop}, pop},
		{[]string{"compare", "--reform", reform, "--html", reform, pop}, reform},
	} {
		before, err := os.ReadFile(c.input)
		require.NoError(t, err)
		code, _, errs := runCLI(t, c.args...)
		assert.Equal(t, 2, code, "%v", c.args)
		assert.Contains(t, errs, "that is an input", "%v", c.args)
		after, err := os.ReadFile(c.input)
		require.NoError(t, err)
		assert.Equal(t, string(before), string(after), "%v: the input is unchanged", c.args)
	}
}

// bulk refuses to write its output over its input (`bulk pop.jsonl >>
// pop.jsonl` would read its own output without end).
func TestBulkStdoutThatIsTheInputRefused(t *testing.T) {
	pop := writeFile(t, "pop.jsonl", readTestdata(t, "compare/testdata/small.jsonl"))
	f, err := os.OpenFile(pop, os.O_WRONLY|os.O_APPEND, 0)
	require.NoError(t, err)
	defer f.Close()
	var errb []byte
	ew := &sliceWriter{&errb}
	code := run([]string{"bulk", pop}, nil, f, ew)
	assert.Equal(t, 2, code)
	assert.Contains(t, string(errb), "standard output is "+pop+", an input")
}

type sliceWriter struct{ b *[]byte }

func (w *sliceWriter) Write(p []byte) (int, error) { *w.b = append(*w.b, p...); return len(p), nil }

// Output files are written whole or not at all: through a temporary file
// in the same directory, renamed once complete; none is left behind, and
// a failure leaves the old file as it was.
func TestOutputsWrittenWholeOrNotAtAll(t *testing.T) {
	dir := t.TempDir()
	junit := filepath.Join(dir, "junit.xml")
	require.NoError(t, os.WriteFile(junit, []byte("old"), 0o644))
	code, _, errs := runCLI(t, "test", "--junit", junit, "../../examples/ci/scenarios")
	require.Equal(t, 0, code, errs)
	data, err := os.ReadFile(junit)
	require.NoError(t, err)
	assert.Contains(t, string(data), "<testsuites")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 1, "no temporary file left behind")

	err = writeFileAtomic(junit, func(w io.Writer) error {
		w.Write([]byte("half"))
		return errors.New("disk full")
	})
	assert.ErrorContains(t, err, "disk full")
	data, _ = os.ReadFile(junit)
	assert.Contains(t, string(data), "<testsuites", "the old file stays whole")
	entries, _ = os.ReadDir(dir)
	assert.Len(t, entries, 1)

	code, _, errs = runCLI(t, "test", "--junit", filepath.Join(dir, "no", "such", "dir.xml"), "../../examples/ci/scenarios")
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "dir.xml")
}

// Percentages outside 0–100, or NaN, are usage errors: a gate that can
// never fail is no gate.
func TestPercentFlagsBounded(t *testing.T) {
	for _, v := range []string{"NaN", "-5", "100.1", "lots", "Inf"} {
		code, _, errs := runCLI(t, "test", "--min-coverage", v, scenarios)
		assert.Equal(t, 2, code, v)
		assert.Contains(t, errs, "want a percentage from 0 to 100", v)
		code, _, errs = runCLI(t, "mutate", "--min-score", v, scenarios)
		assert.Equal(t, 2, code, v)
		assert.Contains(t, errs, "want a percentage from 0 to 100", v)
	}
	code, _, errs := runCLI(t, "test", "--min-coverage", "0", "../../examples/ci/scenarios")
	assert.Equal(t, 0, code, errs)
}

// --workers is bounded: above the maximum (or negative) a usage error,
// never a billion goroutines.
func TestWorkersBounded(t *testing.T) {
	pop := "../../compare/testdata/small.jsonl"
	for _, args := range [][]string{
		{"bulk", "--workers", "1000000000", pop},
		{"bulk", "--workers", "-1", pop},
		{"compare", "--workers", "1025", "--reform", "../../examples/reform/cap-80-2027.yaml", pop},
		{"mutate", "--workers", "5000", scenarios},
	} {
		code, _, errs := runCLI(t, args...)
		assert.Equal(t, 2, code, "%v", args)
		assert.Contains(t, errs, "want 0 (one per core) up to 1024", "%v", args)
	}
	code, _, errs := runCLI(t, "bulk", "-q", "--workers", "1024", pop)
	assert.Equal(t, 0, code, errs)
}
