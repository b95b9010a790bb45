package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wk "github.com/openwijkwerken/wijkwerken"
)

// The tiny rulebook of package mutate's tests, whose 15 mutants and their
// fate are derived by hand there (TestTinyRulebook): 8 killed, 7 survive.
const (
	tinyRulebook  = "../../mutate/testdata/tiny/rulebook"
	tinyScenarios = "../../mutate/testdata/tiny/scenarios"
)

// tinyFile is how positions name a file of the tiny rulebook: loadDir
// reads a directory outside the working directory from the root, without
// the leading separator.
func tinyFile(t *testing.T, name string) string {
	t.Helper()
	abs, err := filepath.Abs(filepath.Join(tinyRulebook, name))
	require.NoError(t, err)
	return strings.TrimPrefix(filepath.ToSlash(abs), "/")
}

func TestMutateText(t *testing.T) {
	code, out, errs := runCLI(t, "mutate", "--rulebook", tinyRulebook, tinyScenarios)
	require.Equal(t, 0, code, out+errs)
	assert.Contains(t, out, "mutation score 53.3%: 8 of 15 mutants killed, 7 survived\n")
	assert.Contains(t, out, "surviving mutants (7), by rule and parameter:")
	// A survivor: its place, the diff of its value, who reaches it, its id.
	file := tinyFile(t, "eligibility.yaml")
	assert.Contains(t, out, `
param eligibility.interim_days_max  (`+file+`:4)
  reached by 5 scenarios: `)
	assert.Contains(t, out, `
  `+file+`:13:16  number
    - 15
    + 16
    id: param eligibility.interim_days_max@2024-01-01: 15 → 16
`)
	assert.NotContains(t, out, "killed by", "killed mutants are listed with -v only")

	code, out, _ = runCLI(t, "mutate", "-v", "--rulebook", tinyRulebook, tinyScenarios)
	require.Equal(t, 0, code)
	assert.Contains(t, out, "killed mutants (8):")
	assert.Contains(t, out, `killed by `+tinyScenarios+`/interim.yaml:8 "eleven days are too many": eligibility.eligible: want false, got true`)
	assert.Contains(t, out, "left out as equivalent by construction (2):")
}

func TestMutateMinScore(t *testing.T) {
	code, _, errs := runCLI(t, "mutate", "--rulebook", tinyRulebook, "--min-score", "60", tinyScenarios)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "mutation score 53.3% is below --min-score 60%")
	code, _, _ = runCLI(t, "mutate", "--rulebook", tinyRulebook, "--min-score", "53", tinyScenarios)
	assert.Equal(t, 0, code)
	for _, bad := range []string{"NaN", "101", "-1", "x"} {
		code, _, errs = runCLI(t, "mutate", "--rulebook", tinyRulebook, "--min-score", bad, tinyScenarios)
		assert.Equal(t, 2, code, bad)
		if bad != "x" {
			assert.Contains(t, errs, "want a percentage from 0 to 100", bad)
		}
	}
}

func TestMutateJSON(t *testing.T) {
	code, out, errs := runCLI(t, "mutate", "--format", "json", "--rulebook", tinyRulebook, tinyScenarios)
	require.Equal(t, 0, code, errs)
	var doc struct {
		Score    float64 `json:"score"`
		Killed   int     `json:"killed"`
		Survived int     `json:"survived"`
		Mutants  []struct {
			Status string `json:"status"`
			Mutant struct {
				ID       string `json:"id"`
				Operator string `json:"operator"`
				Before   string `json:"before"`
				After    string `json:"after"`
				Pos      struct {
					File   string `json:"file"`
					Line   int    `json:"line"`
					Column int    `json:"column"`
				} `json:"pos"`
			} `json:"mutant"`
			KilledBy *struct {
				Name string `json:"name"`
			} `json:"killed_by"`
			Reached []struct {
				Name string `json:"name"`
			} `json:"reached"`
		} `json:"mutants"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.Equal(t, 8, doc.Killed)
	assert.Equal(t, 7, doc.Survived)
	assert.InDelta(t, 53.33, doc.Score, 0.01)
	require.Len(t, doc.Mutants, 15)
	first := doc.Mutants[0]
	assert.Equal(t, "killed", first.Status)
	assert.Equal(t, "comparison", first.Mutant.Operator)
	assert.Equal(t, `person.interim_days_last_28 >= param("eligibility.interim_days_max")`, first.Mutant.After)
	assert.Equal(t, 27, first.Mutant.Pos.Line)
	assert.Equal(t, 39, first.Mutant.Pos.Column)
	assert.Equal(t, "ten days are allowed", first.KilledBy.Name)
	assert.Len(t, first.Reached, 5)
}

func TestMutateGitHub(t *testing.T) {
	code, out, _ := runCLI(t, "mutate", "--format", "github", "--rulebook", tinyRulebook, tinyScenarios)
	require.Equal(t, 0, code)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	require.Len(t, lines, 8, out) // 7 survivors and the summary
	assert.Equal(t, "::warning file="+tinyFile(t, "eligibility.yaml")+",line=13,col=16,title=surviving mutant of param eligibility.interim_days_max::"+
		"number: 15 → 16%0A- 15%0A+ 16%0Areached by 5 scenarios: "+tinyScenarios+"/interim.yaml:3 \"ten days are allowed\", "+
		tinyScenarios+"/interim.yaml:8 \"eleven days are too many\" and 3 more%0Aid: param eligibility.interim_days_max@2024-01-01: 15 → 16",
		findLine(lines, "line=13,"))
	assert.Equal(t, "mutation score 53.3%: 8 of 15 mutants killed, 7 survived", lines[len(lines)-1])

	// Below --min-score the survivors are errors.
	code, out, _ = runCLI(t, "mutate", "--format", "github", "--min-score", "100", "--rulebook", tinyRulebook, tinyScenarios)
	assert.Equal(t, 1, code)
	assert.True(t, strings.HasPrefix(out, "::error file="), out)
	assert.NotContains(t, out, "::warning")
}

func findLine(lines []string, part string) string {
	for _, l := range lines {
		if strings.Contains(l, part) {
			return l
		}
	}
	return ""
}

// copyTiny copies the tiny rulebook to a directory of its own, with the
// declarations given in mutants/equivalent.yaml.
func copyTiny(t *testing.T, declarations string) string {
	t.Helper()
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join(tinyRulebook, "eligibility.yaml"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "eligibility.yaml"), data, 0o644))
	if declarations != "" {
		require.NoError(t, os.MkdirAll(filepath.Join(dir, "mutants"), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "mutants", "equivalent.yaml"), []byte(declarations), 0o644))
	}
	return dir
}

func TestMutateEquivalents(t *testing.T) {
	// Found beside the rulebook, in mutants/equivalent.yaml (the rulebook
	// loader would read a .yaml file in the directory itself).
	dir := copyTiny(t, `equivalent:
  - mutant: "param eligibility.ocmw_incomes@2018-01-01: drop leefloon_equivalent"
    reason: declared for the test
`)
	code, out, errs := runCLI(t, "mutate", "--rulebook", dir, tinyScenarios)
	require.Equal(t, 0, code, out+errs)
	assert.Contains(t, out, "declared equivalents: "+filepath.Join(dir, "mutants", "equivalent.yaml"))
	assert.Contains(t, out, "declared equivalent (1), not counted:\n  param eligibility.ocmw_incomes@2018-01-01: drop leefloon_equivalent\n    reason: declared for the test\n")
	assert.Contains(t, out, "mutation score 57.1%: 8 of 14 mutants killed, 6 survived, 1 declared equivalent")

	// A declared mutant that a scenario kills, and one that matches no
	// mutant: exit 1, each named.
	stale := writeFile(t, "stale.yaml", `equivalent:
  - mutant: "param eligibility.interim_days_max@2018-01-01: 10 → 9"
    reason: wrong
  - mutant: "param eligibility.interim_days_max@2018-01-01: 10 → 8"
    reason: gone
`)
	code, out, errs = runCLI(t, "mutate", "--rulebook", dir, "--equivalents", stale, tinyScenarios)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "stale declarations (1)")
	assert.Contains(t, out, stale+":2: param eligibility.interim_days_max@2018-01-01: 10 → 9\n    killed by ")
	assert.Contains(t, out, "declarations that match no mutant (1)")
	assert.Contains(t, out, stale+":4: param eligibility.interim_days_max@2018-01-01: 10 → 8")
	assert.Contains(t, errs, "1 declared equivalent mutants are killed and 1 declarations match no mutant")
	code, out, _ = runCLI(t, "mutate", "--format", "github", "--rulebook", dir, "--equivalents", stale, tinyScenarios)
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "::error file="+stale+",line=2,title=stale equivalent declaration::")
	assert.Contains(t, out, "::error file="+stale+",line=4,title=equivalent declaration matches no mutant::")

	broken := writeFile(t, "broken.yaml", "equivalent:\n  - mutant: x\n")
	code, _, errs = runCLI(t, "mutate", "--rulebook", dir, "--equivalents", broken, tinyScenarios)
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, broken+":2: x: missing reason")
}

func TestMutateUsage(t *testing.T) {
	for _, args := range [][]string{
		{"mutate"},
		{"mutate", "--format", "xml", tinyScenarios},
		{"mutate", "--operators", "comparision", tinyScenarios},
		{"mutate", "--rules", "[", tinyScenarios},
		{"mutate", "--workers", "-1", tinyScenarios},
	} {
		code, _, _ := runCLI(t, args...)
		assert.Equal(t, 2, code, args)
	}
	code, _, errs := runCLI(t, "mutate", "--operators", "comparision", tinyScenarios)
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, `did you mean "comparison"?`)

	broken := writeFile(t, "broken.yaml", "scenarios: [\n")
	code, _, _ = runCLI(t, "mutate", "--rulebook", tinyRulebook, broken)
	assert.Equal(t, 2, code)
}

// The scenarios must pass against the rulebook unmutated.
func TestMutateFailingSuite(t *testing.T) {
	code, _, errs := runCLI(t, "mutate", tinyScenarios) // the reference allows 10 days in 2024, not 15
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "fail against the rulebook unmutated")
	assert.Contains(t, errs, `interim.yaml:17: scenario "fifteen days are allowed from 2024": eligibility.eligible: want true, got false`)
}

// A vendor mutates only what its reform changes.
func TestMutateReformOnly(t *testing.T) {
	reform := writeFile(t, "r.yaml", `reform: a longer tolerance from 2025
cite: test
set:
  - param: eligibility.interim_days_max
    from: 2025-01-01
    value: 20
`)
	code, out, errs := runCLI(t, "mutate", "--format", "json", "--rulebook", tinyRulebook, "--reform", reform, tinyScenarios)
	require.Equal(t, 0, code, errs)
	var doc struct {
		Mutants []struct {
			Status string `json:"status"`
			Mutant struct {
				ID string `json:"id"`
			} `json:"mutant"`
		} `json:"mutants"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	got := map[string]string{}
	for _, m := range doc.Mutants {
		got[m.Mutant.ID] = m.Status
	}
	// No scenario is dated 2025: every mutant of the reform survives.
	assert.Equal(t, map[string]string{
		"param eligibility.interim_days_max@2025-01-01: 20 → 21":                      "survived",
		"param eligibility.interim_days_max@2025-01-01: 20 → 19":                      "survived",
		"param eligibility.interim_days_max@2025-01-01: from 2025-01-01 → 2024-12-31": "survived",
		"param eligibility.interim_days_max@2025-01-01: from 2025-01-01 → 2025-01-02": "survived",
	}, got)
	code, out, _ = runCLI(t, "mutate", "--all", "--format", "json", "--rulebook", tinyRulebook, "--reform", reform, tinyScenarios)
	require.Equal(t, 0, code)
	assert.Greater(t, strings.Count(out, `"status"`), 15)
}

// The reference rulebook: the mutated places are in the embedded files.
func TestMutateReference(t *testing.T) {
	code, out, errs := runCLI(t, "mutate", "--rules", "eligibility.interim", "--operators", "comparison", "-v", scenarios)
	require.Equal(t, 0, code, errs)
	// The rule's > is where its one-line expression has it.
	rb, err := wk.Reference()
	require.NoError(t, err)
	r, ok := rb.Rule("eligibility.interim", wk.MustParseDate("2018-01-01"))
	require.True(t, ok)
	require.NotContains(t, r.When, "\n")
	at := r.ExprPos
	at.Column += strings.Index(r.When, ">")
	assert.Contains(t, out, "\n  "+at.String()+"  comparison\n")
	assert.Contains(t, out, "mutation score 100.0%: 1 of 1 mutants killed, 0 survived")
}

func TestMutateInterrupted(t *testing.T) {
	signalled(t, os.Interrupt)
	code, _, errs := runCLI(t, "mutate", "--rulebook", tinyRulebook, tinyScenarios)
	assert.Equal(t, 130, code, "128 + SIGINT, as shells report it")
	assert.Contains(t, errs, "interrupted by SIGINT")
}
