package main

import (
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// wijkwerken -h and wijkwerken CMD -h print the usage once, on standard
// output, and exit 0, as Go's own tools do; nothing goes to standard
// error.
func TestHelpOnceExitsZero(t *testing.T) {
	for _, args := range [][]string{{"-h"}, {"--help"}, {"help"}} {
		code, out, errs := runCLI(t, args...)
		assert.Equal(t, 0, code, "%v", args)
		assert.Equal(t, 1, strings.Count(out, "Usage:"), "%v", args)
		assert.Empty(t, errs)
	}
	for _, name := range commandNames() {
		for _, h := range []string{"-h", "--help", "-help"} {
			code, out, errs := runCLI(t, name, h)
			assert.Equal(t, 0, code, "%s %s", name, h)
			assert.Equal(t, 1, strings.Count(out, "Usage: wijkwerken "+name), "%s %s: the usage once:\n%s", name, h, out)
			assert.Empty(t, errs, "%s %s", name, h)
		}
	}
	code, out, _ := runCLI(t, "help", "params")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "Usage: wijkwerken params")
	assert.Contains(t, out, "-at date", "with the command's flags")
	assert.Contains(t, out, "Exit status: 0 success; 1 the check failed")
}

// A usage error exits 2 in every command, with the problem and the usage
// line on standard error and nothing on standard output.
func TestUsageErrorsExit2(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"frobnicate"},
		{"eval"}, {"eval", "a", "b"}, {"eval", "--lang", "fr", "x.yaml"}, {"eval", "--date", "2024-02-30", "x.yaml"},
		{"test"}, {"test", "--format", "xml", "x"},
		{"params", "extra"}, {"params", "--at", "tomorrow"}, {"rules", "--lang", "de"},
		{"lint", "--strictt"},
		{"workplaces"}, {"population", "x"}, {"bulk"}, {"compare"}, {"mutate"},
		{"version", "extra"},
		{"eval", "--nope", "x"}, {"test", "-x"},
	} {
		code, out, errs := runCLI(t, args...)
		assert.Equal(t, 2, code, "%v", args)
		assert.Empty(t, out, "%v", args)
		assert.NotEmpty(t, errs, "%v", args)
	}
	_, _, errs := runCLI(t, "eval", "a", "b")
	assert.Equal(t, "wijkwerken eval: give one case file, or - for standard input\n"+
		"Usage: wijkwerken eval [--date D] [--json] [--trace] [--lang nl|en] FILE|-\n"+
		"Run 'wijkwerken eval -h' for its flags.\n", errs)
}

// A mistyped command or flag gets a "did you mean".
func TestDidYouMean(t *testing.T) {
	code, _, errs := runCLI(t, "evl", "x.yaml")
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, `wijkwerken: unknown command "evl" (did you mean "eval"?)`)
	_, _, errs = runCLI(t, "compar")
	assert.Contains(t, errs, `(did you mean "compare"?)`)
	_, _, errs = runCLI(t, "eval", "--jsn", "x.yaml")
	assert.Contains(t, errs, "wijkwerken eval: unknown flag -jsn (did you mean --json?)")
	_, _, errs = runCLI(t, "test", "--junt", "x.xml", "x")
	assert.Contains(t, errs, "unknown flag -junt (did you mean --junit?)")
	_, _, errs = runCLI(t, "--json")
	assert.Contains(t, errs, "give a command first")
}

// wijkwerken version and --version print the module, its version and the
// VCS revision from the build information (a test binary has no revision:
// it says so).
func TestVersion(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		code, out, errs := runCLI(t, args...)
		require.Equal(t, 0, code, errs)
		assert.Regexp(t, regexp.MustCompile(`^wijkwerken \S+ \(github\.com/openwijkwerken/wijkwerken, revision (unknown|[0-9a-f]{40})`), out)
		assert.Equal(t, 1, strings.Count(out, "\n"), "one line")
	}
}

// The exit statuses in the command's doc comment and in the README are the
// same table.
func TestExitCodesDocumented(t *testing.T) {
	readme := readRepoFile(t, "README.md")
	for _, row := range []string{"| 0 |", "| 1 |", "| 2 |", "| 130 |"} {
		assert.Contains(t, readme, row, "README's exit status table")
	}
	doc := readRepoFile(t, "cmd/wijkwerken/main.go")
	for _, row := range []string{"//\t0    success", "//\t1    the check failed", "//\t2    usage, or an input that cannot be used", "//\t130  interrupted"} {
		assert.Contains(t, doc, row)
	}
	assert.Equal(t, 0, exitOK)
	assert.Equal(t, 1, exitFail)
	assert.Equal(t, 2, exitUsage)
	assert.Equal(t, 2, exitInput)
	assert.Equal(t, 130, exitInterrupted)
}
