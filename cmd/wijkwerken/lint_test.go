package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A reform with twelve different mistakes: one lint run reports every one
// of them, structure, values, references and types together (they took
// four runs when a bad date hid the unknown parameter and structure errors
// hid the type errors). Each expectation is the problem a reader needs,
// with its line.
func TestLintReportsEveryProblemInOneRun(t *testing.T) {
	reform := writeFile(t, "mistakes.yaml", `reform: twelve mistakes
cite: a test
set:
  - param: eligibility.interim_days_max
    from: 2024-13-01
    value: 15
  - param: eligibility.interim_days_mx
    from: 2024-01-01
    value: 15
  - param: hours.per_month_max
    from: 2024-01-01
    value: eighty
  - param: hours.per_year_max
    from: 2024-01-01
    vlaue: 700
replace_rules:
  - id: eligibility.interim
    from: 2025-01-01
    when: person.interim_dayz > 3
  - id: eligibility.interm
    when: "true"
add_rules:
  - id: eligibility.no_message
    area: eligibility
    from: 2024-01-01
    description: {nl: a, en: b}
    when: person.income == 3
    reason: no_message
  - id: eligibility.unknown_param
    area: eligibility
    from: 2024-01-01
    description: {nl: a, en: b}
    message: {nl: a, en: b}
    when: 'param("eligibility.nope") > 3'
    reason: unknown_param
  - id: eligibility.syntax
    area: eligibility
    from: 2024-01-01
    description: {nl: a, en: b}
    message: {nl: a, en: b}
    when: "person.income =="
    reason: syntax
  - id: eligibilty.area
    area: eligibilty
    from: 2024-01-01
    description: {nl: a, en: b}
    message: {nl: a, en: b}
    when: "true"
    reason: Bad-Code
disable_rules:
  - rule: eligibility.faster_rout
`)
	code, out, errs := runCLI(t, "lint", reform)
	assert.Equal(t, 1, code, "lint found problems")
	assert.Empty(t, out)
	for _, want := range []string{
		// the structure and values of the file
		reform + `:5:11: eligibility.interim_days_max: from: invalid date "2024-13-01": month 13 out of range 1..12`,
		reform + `:15:5: hours.per_year_max: unknown key "vlaue" (did you mean "value"?)`,
		reform + `:49:13: eligibilty.area: reason "Bad-Code": want a lower_case_code`,
		// what applying the reform finds
		reform + `:7: eligibility.interim_days_mx: set: unknown parameter "eligibility.interim_days_mx" (did you mean "eligibility.interim_days_max"?)`,
		reform + `:12: hours.per_month_max: value: "eighty" is not an integer (the parameter is an integer)`,
		reform + `:20: eligibility.interm: replace_rules: unknown rule "eligibility.interm" (did you mean "eligibility.interim"?)`,
		reform + `:23: eligibility.no_message: a when: rule needs message: with nl: and en: texts`,
		reform + `:51: eligibility.faster_rout: disable_rules: unknown rule "eligibility.faster_rout" (did you mean "eligibility.faster_route"?)`,
		// the expressions
		reform + `:34:12: eligibility.unknown_param: unknown parameter "eligibility.nope"`,
		reform + `:41:27: eligibility.syntax: unexpected token EOF`,
		// the types, in the expression's names
		reform + `:19:18: eligibility.interim: unknown field person.interim_dayz (did you mean interim_days_last_28?)`,
		reform + `:27:25: eligibility.no_message: invalid operation: == (mismatched types string and int)`,
		// the areas
		reform + `:43: eligibilty.area: unknown area "eligibilty" (did you mean "eligibility"?)`,
	} {
		assert.Contains(t, errs, want)
	}
	assert.NotContains(t, errs, "dossier.", "no Go type in a message")
	assert.NotContains(t, errs, "missing from", "a bad date is not a missing one")
	assert.Equal(t, 1, strings.Count(errs, "interim_dayz (did you mean"), "a problem two areas find is reported once")
	assert.Contains(t, errs, "wijkwerken lint: 14 problems")
}

// lint reads a broken rulebook directory the same way: its YAML problems
// and its rules' type errors in one run.
func TestLintRulebookDirectoryInOneRun(t *testing.T) {
	dir := t.TempDir()
	writeAt(t, dir, "a.yaml", `parameters:
  - id: x.limit
    type: integer
    cite: c
    description: {nl: a, en: b}
    values:
      - {from: 2018-02-30, value: 3}
area: eligibility
rules:
  - id: eligibility.too_much
    cite: c
    from: 2018-01-01
    description: {nl: a, en: b}
    message: {nl: a, en: b}
    when: person.interim_dayz > param("x.limit")
    reason: too_much
`)
	code, _, errs := runCLI(t, "lint", dir)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, `a.yaml:7:16: x.limit: from: invalid date "2018-02-30"`)
	assert.Contains(t, errs, `a.yaml:15:18: eligibility.too_much: unknown field person.interim_dayz (did you mean interim_days_last_28?)`)
}

// writeAt writes a file into dir and returns its path.
func writeAt(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
	return p
}

// readRepoFile reads a file of the repository by its path from the root.
func readRepoFile(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("../..", name))
	require.NoError(t, err)
	return string(data)
}

// A rule costlier than the work budget is a lint problem at its line; a
// host that trusts it raises the budget with --work-budget.
func TestLintWorkBudget(t *testing.T) {
	reform := filepath.Join(t.TempDir(), "loops.yaml")
	require.NoError(t, os.WriteFile(reform, []byte(`reform: loops
cite: test
add_rules:
  - id: eligibility.loops
    area: eligibility
    cite: test
    from: 2018-01-01
    description: {nl: a, en: b}
    message: {nl: a, en: b}
    when: 'all(1..100, {all(1..100, {# > person.interim_days_last_28})})'
    reason: loops
`), 0o644))
	code, _, errs := runCLI(t, "lint", reform)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "loops.yaml:10:12: eligibility.loops: the rule may take up to 20200 steps on one evaluation")
	code, out, errs := runCLI(t, "lint", "--work-budget", "50000", reform)
	assert.Equal(t, 0, code, errs)
	assert.Contains(t, out, "ok: reference + loops")
	code, _, errs = runCLI(t, "lint", "--work-budget", "-1", reform)
	assert.Equal(t, 2, code, errs)
}
