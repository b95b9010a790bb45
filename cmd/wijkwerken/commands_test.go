package main

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// compare and bulk given a file of the wrong kind exit 2 with a clear
// message, not a table of zeros.
func TestWrongKindOfPopulation(t *testing.T) {
	code, out, errs := runCLI(t, "compare", "--reform", "../../testdata/reforms/monthly-cap-80.yaml", "../../testdata/cases/vouchers.yaml")
	assert.Equal(t, 2, code)
	assert.Empty(t, out, "no table of zeros")
	assert.Contains(t, errs, "wijkwerken compare: no case of ../../testdata/cases/vouchers.yaml could be decided (14 lines, 14 errors); line 1: not a case line")
	assert.Contains(t, errs, `want a population of JSON lines {"id", "date", "case"}`)

	code, _, errs = runCLI(t, "compare", "--sweep", "hours.per_month_max=60,80", "../../testdata/cases/vouchers.yaml")
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "no case of ../../testdata/cases/vouchers.yaml could be decided")

	code, out, errs = runCLI(t, "bulk", "-q", "../../testdata/cases/vouchers.yaml")
	assert.Equal(t, 2, code)
	assert.Equal(t, 14, strings.Count(out, `"error":`), "the error lines are written")
	assert.Contains(t, errs, "wijkwerken bulk: no line of ../../testdata/cases/vouchers.yaml is a case that could be decided (14 of 14 lines are errors, in the output)")

	// Some lines in error is what bulk is for: exit 0.
	code, out, errs = runCLI(t, "bulk", "-q", "../../compare/testdata/small.jsonl")
	assert.Equal(t, 0, code, errs)
	assert.Contains(t, out, `"error":`)
}

// workplaces given the wrong file says so in the register's own words: no
// Go type, no "mentor mentor 1".
func TestWorkplacesWrongFile(t *testing.T) {
	code, out, errs := runCLI(t, "workplaces", "../../testdata/cases/vouchers.yaml")
	assert.Equal(t, 2, code)
	assert.Empty(t, out)
	assert.Equal(t, "wijkwerken: ../../testdata/cases/vouchers.yaml: not a register of learning workplaces: it has none of authority, call, mentors, workplaces (it has case)\n", errs)

	bad := writeFile(t, "bad.yaml", "authority: X\nworkplaces: [{function: a, servise: b, places: 1}]\nmentors: [{name: m, traind: true}]\n")
	code, _, errs = runCLI(t, "workplaces", bad)
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, bad+`:2:28: unknown key "servise" in an entry of workplaces (did you mean "service"?)`)
	assert.Contains(t, errs, bad+`:3:21: unknown key "traind" in an entry of mentors (did you mean "trained"?)`)
	assert.NotContains(t, errs, "placement.")

	code, out, _ = runCLI(t, "workplaces", "../../testdata/workplaces/opwijk.yaml")
	assert.Equal(t, 1, code)
	assert.NotContains(t, out, "mentor mentor")
	assert.Regexp(t, `(?m)^  mentor 1 +yes +no +0$`, out)
	assert.Contains(t, out, `certificate of participation of mentor "mentor 1"`)
}

// Text eval prints the short decision; the trace only with --trace (as
// --json did already).
func TestEvalTraceOnlyWithTrace(t *testing.T) {
	code, short, errs := runCLI(t, "eval", "../../testdata/cases/placement.yaml")
	require.Equal(t, 0, code, errs)
	assert.NotContains(t, short, "rules evaluated")
	assert.NotContains(t, short, "param(")
	assert.Contains(t, short, "(every rule evaluated, with the parameters it read: --trace)")
	assert.Less(t, strings.Count(short, "\n"), 60)

	code, full, errs := runCLI(t, "eval", "--trace", "../../testdata/cases/placement.yaml")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, full, "\nrules evaluated\n")
	assert.Contains(t, full, "eligibility.referrer")
	assert.True(t, strings.HasPrefix(full, strings.TrimSuffix(short, "(every rule evaluated, with the parameters it read: --trace)\n")), "the same decision, then the trace")
}

// --lang nl translates the labels too, not only the messages.
func TestEvalLangNLLabels(t *testing.T) {
	code, out, errs := runCLI(t, "eval", "--lang", "nl", "--trace", "../../testdata/cases/vouchers.yaml")
	require.Equal(t, 0, code, errs)
	for _, nl := range []string{"Beslissing op 2024-03-20 (regelboek: reference)", "\ngeëvalueerde regels\n", "      bronnen: ", "niet van toepassing"} {
		assert.Contains(t, out, nl)
	}
	for _, en := range []string{"Decision on", "rules evaluated", "sources:", "does not apply", "could not be decided"} {
		assert.NotContains(t, out, en)
	}
	_, out, _ = runCLI(t, "eval", "--lang", "nl", "--date", "2024-03-01", writeFile(t, "c.yaml", "person: {domicile_region: brussels, income: leefloon}\n"))
	assert.Contains(t, out, "\nwaarom\n")
	assert.Contains(t, out, "(elke geëvalueerde regel, met de parameters die ze las: --trace)")

	_, out, _ = runCLI(t, "params", "--lang", "nl", "--at", "2026-06-01")
	assert.Contains(t, out, "    geldig 2026-01-01 .. …, betrouwbaarheid low")
	_, out, _ = runCLI(t, "rules", "--lang", "nl", "--area", "eligibility")
	assert.Contains(t, out, "eligibility.referrer (eligibility): berekent referrer")
}

// params and rules stay readable in 100 columns: every line but a URL
// (which cannot be broken) fits.
func TestParamsAndRulesFit100Columns(t *testing.T) {
	for _, args := range [][]string{{"params"}, {"rules"}, {"params", "--lang", "nl"}} {
		code, out, errs := runCLI(t, args...)
		require.Equal(t, 0, code, errs)
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "http") {
				continue
			}
			assert.LessOrEqual(t, utf8.RuneCountInString(line), 100, "%v: %q", args, line)
		}
	}
}
