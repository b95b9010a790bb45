package buildinfo

import (
	"runtime/debug"
	"testing"
)

func TestFromBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{
		Main: debug.Module{Path: "github.com/openwijkwerken/wijkwerken", Version: "v1.2.0"},
		Settings: []debug.BuildSetting{
			{Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: "0123456789abcdef0123456789abcdef01234567"},
			{Key: "vcs.modified", Value: "true"},
		},
	}
	m, v, r, mod := fromBuildInfo(bi)
	if m != "github.com/openwijkwerken/wijkwerken" || v != "v1.2.0" || r != "0123456789abcdef0123456789abcdef01234567" || !mod {
		t.Errorf("got %q %q %q %v", m, v, r, mod)
	}
	_, v, r, mod = fromBuildInfo(&debug.BuildInfo{Main: debug.Module{Path: "x"}})
	if v != "(devel)" || r != "" || mod {
		t.Errorf("no version, no VCS: got %q %q %v", v, r, mod)
	}
}

// A test binary has build information: the module is the package's.
func TestRead(t *testing.T) {
	m, v, _, _ := Read()
	if m == "" || v == "" {
		t.Errorf("Read() = module %q, version %q", m, v)
	}
}
