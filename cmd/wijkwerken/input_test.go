package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runCLIStdin runs the command line with stdin as standard input.
func runCLIStdin(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func readTestdata(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("../..", name))
	require.NoError(t, err)
	return string(data)
}

// - reads standard input wherever a command reads a file, and positions
// name it <stdin>.
func TestStdinEverywhere(t *testing.T) {
	scen := readTestdata(t, "testdata/scenarios/eligibility/referrer.yaml")
	code, out, errs := runCLIStdin(t, scen, "test", "-")
	require.Equal(t, 0, code, errs)
	assert.Regexp(t, `(?m)^\d+ passed, 0 failed$`, out)

	code, out, errs = runCLIStdin(t, "reform: r\ncite: c\nset: [{param: hours.per_month_max, from: 2024-01-01, value: 80}]\n", "lint", "-")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "ok: reference + r:")
	code, _, errs = runCLIStdin(t, "reform: r\ncite: c\nset: [{param: hours.per_mont_max, from: 2024-01-01, value: 80}]\n", "lint", "-")
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "<stdin>:3: hours.per_mont_max: set: unknown parameter")

	code, out, errs = runCLIStdin(t, readTestdata(t, "testdata/workplaces/opwijk.yaml"), "workplaces", "-")
	assert.Equal(t, 1, code, errs)
	assert.Contains(t, out, "6 learning places in 5 unique workplaces")

	code, out, errs = runCLIStdin(t, readTestdata(t, "testdata/cases/leefloon-household.yaml"), "eval", "-")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "referrer               ocmw")

	pop := readTestdata(t, "compare/testdata/small.jsonl")
	code, out, errs = runCLIStdin(t, pop, "bulk", "-q", "-")
	require.Equal(t, 0, code, errs)
	assert.Equal(t, nonEmptyLines(pop), strings.Count(out, "\n"), "a line out per case in")

	code, out, errs = runCLIStdin(t, pop, "compare", "--reform", "../../examples/reform/cap-80-2027.yaml", "-")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "Headline:")

	// A reform from standard input, beside a file read as usual.
	code, out, errs = runCLIStdin(t, readTestdata(t, "testdata/reforms/interim-15-days.yaml"), "params", "--reform", "-", "--at", "2024-06-01")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "eligibility.interim_days_max = 15")

	// Standard input is read once.
	code, _, errs = runCLIStdin(t, scen, "test", "--reform", "-", "-")
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "standard input (-) given twice")
}

// A missing file exits 2, with the same message, in every command.
func TestMissingFileExits2Everywhere(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nosuch.yaml")
	cap80 := "../../examples/reform/cap-80-2027.yaml"
	for _, args := range [][]string{
		{"eval", missing},
		{"test", missing},
		{"lint", missing},
		{"workplaces", missing},
		{"bulk", missing},
		{"compare", "--reform", cap80, missing},
		{"compare", "--reform", missing, "../../compare/testdata/small.jsonl"},
		{"mutate", missing},
		{"params", "--reform", missing},
		{"rules", "--rulebook", missing},
		{"eval", "--reform", missing, "../../testdata/cases/vouchers.yaml"},
	} {
		code, out, errs := runCLI(t, args...)
		assert.Equal(t, 2, code, "%v", args)
		assert.Empty(t, out, "%v", args)
		assert.Contains(t, errs, missing+": no such file or directory", "%v", args)
		assert.NotContains(t, errs, "open "+missing, "%v: no Go operation names", args)
	}
}

// Every input read whole is bounded by --max-input-bytes: over it, a clear
// error naming the file, the limit and the flag, exit 2; raised, it reads.
func TestInputSizeLimit(t *testing.T) {
	dir := t.TempDir()
	caseFile := filepath.Join(dir, "case.yaml")
	require.NoError(t, os.WriteFile(caseFile, []byte(readTestdata(t, "testdata/cases/vouchers.yaml")), 0o644))
	reform := "../../testdata/reforms/monthly-cap-80.yaml"
	scen := "../../testdata/scenarios/eligibility/referrer.yaml"
	register := "../../testdata/workplaces/opwijk.yaml"
	for _, c := range []struct {
		args []string
		file string
	}{
		{[]string{"eval", "--max-input-bytes", "100", caseFile}, caseFile},
		{[]string{"test", "--max-input-bytes", "100", scen}, scen},
		{[]string{"lint", "--max-input-bytes", "100", reform}, reform},
		{[]string{"params", "--max-input-bytes", "100", "--reform", reform}, reform},
		{[]string{"workplaces", "--max-input-bytes", "100", register}, register},
		{[]string{"rules", "--max-input-bytes", "1KiB", "--rulebook", "../../regulation"}, "regulation/"},
		{[]string{"lint", "--max-input-bytes", "1KiB", "../../regulation"}, "regulation/"},
	} {
		code, _, errs := runCLI(t, c.args...)
		assert.Equal(t, 2, code, "%v", c.args)
		assert.Contains(t, errs, c.file, "%v", c.args)
		assert.Contains(t, errs, "larger than the limit of", "%v", c.args)
		assert.Contains(t, errs, "(raise it with --max-input-bytes)", "%v", c.args)
	}
	code, _, errs := runCLIStdin(t, strings.Repeat("# padding\n", 20), "eval", "--max-input-bytes", "100", "-")
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "<stdin>: larger than the limit of 100 bytes (raise it with --max-input-bytes)")

	code, _, errs = runCLI(t, "eval", "--max-input-bytes", "64KiB", caseFile)
	assert.Equal(t, 0, code, errs)
	code, _, errs = runCLI(t, "lint", "--max-input-bytes", "1MiB", "../../regulation")
	assert.Equal(t, 0, code, errs)

	for _, bad := range []string{"0", "-5", "lots", "99999999999GiB"} {
		code, _, errs = runCLI(t, "eval", "--max-input-bytes", bad, caseFile)
		assert.Equal(t, 2, code, bad)
		assert.Contains(t, errs, "want a positive number of bytes", bad)
	}
}

// /dev/zero, or a symlink to it, is refused at once, never read without
// end: a named input is read only when it is a regular file (a stream may
// also be a pipe).
func TestDevicesRefused(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	dir := t.TempDir()
	link := filepath.Join(dir, "zero.yaml")
	require.NoError(t, os.Symlink("/dev/zero", link))
	for _, args := range [][]string{
		{"eval", "/dev/zero"}, {"eval", link}, {"test", link}, {"lint", link}, {"workplaces", link},
		{"params", "--reform", link}, {"bulk", "/dev/zero"}, {"compare", "--reform", "../../examples/reform/cap-80-2027.yaml", "/dev/zero"},
	} {
		code, _, errs := runCLI(t, args...)
		assert.Equal(t, 2, code, "%v", args)
		assert.Contains(t, errs, "not a regular file", "%v", args)
		assert.Contains(t, errs, "a character device", "%v", args)
	}
	// In a rulebook directory too.
	rb := t.TempDir()
	for _, f := range []string{"eligibility.yaml", "parameters.yaml"} {
		data := readTestdata(t, "regulation/"+f)
		require.NoError(t, os.WriteFile(filepath.Join(rb, f), []byte(data), 0o644))
	}
	require.NoError(t, os.Symlink("/dev/zero", filepath.Join(rb, "zzz.yaml")))
	code, _, errs := runCLI(t, "rules", "--rulebook", rb)
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "zzz.yaml: not a regular file, but a character device")
	code, _, errs = runCLI(t, "eval", filepath.Join(dir))
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, fmt.Sprintf("%s: is a directory, not a file", dir))
}

func nonEmptyLines(s string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			n++
		}
	}
	return n
}

// A stream is read line by line, each line bounded by --max-line-bytes: a
// longer line is an error line (bulk) or a line error (compare), and the
// stream goes on.
func TestStreamLineLimit(t *testing.T) {
	pop := "../../compare/testdata/small.jsonl" // lines 2, 4 and 6 are shorter than 100 bytes, 5 is blank
	code, out, errs := runCLI(t, "bulk", "-q", "--max-line-bytes", "100", pop)
	assert.Equal(t, 0, code, errs)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 7, "a line out per line in, the blank one aside")
	assert.Equal(t, `{"line":1,"error":"line 1 is longer than the limit of 100 bytes: skipped"}`, lines[0])
	assert.Contains(t, lines[1], `"id":"B"`)
	code, out, errs = runCLI(t, "compare", "--max-line-bytes", "100", "--reform", "../../examples/reform/cap-80-2027.yaml", pop)
	assert.Equal(t, 0, code, errs)
	assert.Contains(t, out, "line 1 is longer than the limit of 100 bytes: skipped")
	code, _, errs = runCLI(t, "compare", "--max-line-bytes", "64KiB", "--reform", "../../examples/reform/cap-80-2027.yaml", pop)
	assert.Equal(t, 0, code, errs)
	// Every line too long: nothing is a case.
	code, _, errs = runCLI(t, "bulk", "-q", "--max-line-bytes", "10", pop)
	assert.Equal(t, 2, code, errs)
}
