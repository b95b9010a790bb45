package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The README's decision snippet compiles as it stands: the test builds it,
// as the body of a function, in a package that exists only in an overlay
// (nothing is written into the repository).
func TestReadmeDecisionSnippetCompiles(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	readme := readRepoFile(t, "README.md")
	const marker = "<!-- compiled by TestReadmeDecisionSnippetCompiles (cmd/wijkwerken) -->\n```go\n"
	i := strings.Index(readme, marker)
	require.GreaterOrEqual(t, i, 0, "the marked snippet")
	body := readme[i+len(marker):]
	body = body[:strings.Index(body, "```")]
	assert.False(t, strings.Contains(readme, "decision.New(rb).Decide"), "New returns two values")

	src := `package readmecheck

import (
	"fmt"

	wijkwerken "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/dossier"
)

func decide(rb *wijkwerken.Rulebook, date wijkwerken.Date, c *dossier.Case) error {
` + body + `	return nil
}
`
	root, err := filepath.Abs("../..")
	require.NoError(t, err)
	dir := t.TempDir()
	file := filepath.Join(dir, "readme.go")
	require.NoError(t, os.WriteFile(file, []byte(src), 0o644))
	overlay, err := json.Marshal(map[string]any{"Replace": map[string]string{filepath.Join(root, "internal", "readmecheck", "readme.go"): file}})
	require.NoError(t, err)
	ov := filepath.Join(dir, "overlay.json")
	require.NoError(t, os.WriteFile(ov, overlay, 0o644))
	cmd := exec.Command("go", "build", "-overlay", ov, "./internal/readmecheck")
	cmd.Dir = root
	out, err := cmd.CombinedOutput()
	assert.NoError(t, err, "the README's snippet does not compile:\n%s\n%s", out, body)
}

// The files the commands of the READMEs and docs/ write at the root of a
// clone are ignored by git, so that trying them leaves git status clean.
func TestDocumentedOutputsAreIgnored(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("no git")
	}
	root := "../.."
	docs := []string{"README.md"}
	for _, pattern := range []string{"docs/*.md", "examples/*/README.md"} {
		m, err := filepath.Glob(filepath.Join(root, pattern))
		require.NoError(t, err)
		for _, f := range m {
			rel, _ := filepath.Rel(root, f)
			docs = append(docs, rel)
		}
	}
	block := regexp.MustCompile("(?s)```sh\n(.*?)```")
	output := regexp.MustCompile(`(?:>|--html|--junit|-o)\s+([\w./-]+)`)
	seen := map[string]bool{}
	for _, doc := range docs {
		for _, b := range block.FindAllStringSubmatch(readRepoFile(t, doc), -1) {
			for _, m := range output.FindAllStringSubmatch(b[1], -1) {
				f := m[1]
				if seen[f] || strings.HasPrefix(f, "/") || strings.Contains(f, "$") {
					continue
				}
				seen[f] = true
				cmd := exec.Command("git", "check-ignore", "-q", "--no-index", f)
				cmd.Dir = root
				assert.NoError(t, cmd.Run(), "%s writes %s, which git does not ignore", doc, f)
			}
		}
	}
	assert.True(t, seen["pop.jsonl"] && seen["report.html"], "the outputs were found: %v", seen)
}
