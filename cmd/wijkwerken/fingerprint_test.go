package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A decision, a bulk line, a JUnit file and a compare report made with the
// same rulebook and reforms name the same fingerprint, and the reform
// changes it.
func TestSameFingerprintEverywhere(t *testing.T) {
	reform := "../../testdata/reforms/monthly-cap-80.yaml"
	fpRE := regexp.MustCompile(`sha256:[0-9a-f]{64}`)

	code, out, errs := runCLI(t, "eval", "--json", "--reform", reform, "../../testdata/cases/vouchers.yaml")
	require.Equal(t, 0, code, errs)
	var decision struct{ Fingerprint, Engine string }
	require.NoError(t, json.Unmarshal([]byte(out), &decision))
	require.Regexp(t, fpRE, decision.Fingerprint)
	assert.NotEmpty(t, decision.Engine)

	code, out, errs = runCLI(t, "bulk", "-q", "--reform", reform, "../../compare/testdata/small.jsonl")
	require.Equal(t, 0, code, errs)
	var line struct {
		Result struct{ Fingerprint string }
	}
	require.NoError(t, json.Unmarshal([]byte(strings.SplitN(out, "\n", 3)[1]), &line))
	assert.Equal(t, decision.Fingerprint, line.Result.Fingerprint, "bulk")

	junit := filepath.Join(t.TempDir(), "junit.xml")
	code, _, errs = runCLI(t, "test", "--reform", reform, "--junit", junit, "../../testdata/scenarios/eligibility")
	require.Contains(t, []int{0, 1}, code, errs)
	x, err := os.ReadFile(junit)
	require.NoError(t, err)
	assert.Contains(t, string(x), `<property name="wijkwerken.fingerprint" value="`+decision.Fingerprint+`">`, "JUnit")

	code, out, errs = runCLI(t, "compare", "--json", "--reform", reform, "../../compare/testdata/small.jsonl")
	require.Equal(t, 0, code, errs)
	var rep struct {
		Fingerprints struct{ Baseline, Reformed string }
		Engine       string
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	assert.Equal(t, decision.Fingerprint, rep.Fingerprints.Reformed, "compare")
	assert.Equal(t, decision.Engine, rep.Engine)

	code, out, errs = runCLI(t, "eval", "--json", "../../testdata/cases/vouchers.yaml")
	require.Equal(t, 0, code, errs)
	var reference struct{ Fingerprint string }
	require.NoError(t, json.Unmarshal([]byte(out), &reference))
	assert.Equal(t, rep.Fingerprints.Baseline, reference.Fingerprint, "the baseline is the reference")
	assert.NotEqual(t, reference.Fingerprint, decision.Fingerprint, "a reform changes the fingerprint")
}
