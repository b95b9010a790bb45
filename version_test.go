package wijkwerken

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestVersionInTests(t *testing.T) {
	b := Version()
	assert.Equal(t, "github.com/openwijkwerken/wijkwerken", b.Module)
	assert.Equal(t, "(devel)", b.Version, "the module under test is the main module, built from its work tree")
	assert.Equal(t, runtime.Version(), b.Go)
	assert.True(t, strings.HasPrefix(b.String(), "github.com/openwijkwerken/wijkwerken (devel)"), b.String())
	assert.Equal(t, "m v1.2.3 (0123456789ab, modified)", Build{Module: "m", Version: "v1.2.3", Revision: "0123456789abcdef", Modified: true}.String())
}

// TestVersionOfABinary builds a program that prints Version() and checks
// that go build records the work tree's revision and go run still answers.
func TestVersionOfABinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a program")
	}
	gobin := filepath.Join(runtime.GOROOT(), "bin", "go")
	decode := func(out []byte) Build {
		var b Build
		require.NoError(t, json.Unmarshal(out, &b), string(out))
		return b
	}
	run := exec.Command(gobin, "run", "-buildvcs=false", "./testdata/version")
	out, err := run.Output()
	require.NoError(t, err)
	b := decode(out)
	assert.Equal(t, "(devel)", b.Version)
	assert.Empty(t, b.Revision, "no VCS stamp asked for")

	head, err := exec.Command("git", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skip("not a git work tree: cannot check the recorded revision")
	}
	bin := filepath.Join(t.TempDir(), "version")
	build := exec.Command(gobin, "build", "-buildvcs=true", "-o", bin, "./testdata/version")
	build.Env = append(os.Environ(), "GOFLAGS=")
	if msg, err := build.CombinedOutput(); err != nil {
		t.Skipf("go build -buildvcs=true failed (no git metadata here?): %v\n%s", err, msg)
	}
	out, err = exec.Command(bin).Output()
	require.NoError(t, err)
	b = decode(out)
	if b.Revision == "" {
		// The Go command records nothing in some layouts (a git worktree,
		// with go1.26): a fresh clone, as CI uses, gets the revision.
		t.Skip("go build recorded no VCS revision in this work tree")
	}
	assert.Equal(t, strings.TrimSpace(string(head)), b.Revision)
	assert.NotEmpty(t, b.Time)
	// Go 1.24+ stamps the main module with a pseudo-version from the VCS
	// (+dirty for uncommitted changes); older ones say (devel).
	assert.Regexp(t, `^(\(devel\)|v0\.0\.0-\d{14}-[0-9a-f]{12}(\+dirty)?)$`, b.Version)
}
