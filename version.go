package wijkwerken

import (
	"reflect"
	"runtime"
	"runtime/debug"
	"strings"
)

// Build describes the build of the engine: which version of this module
// decides, from which source revision, with which Go.
type Build struct {
	// Module is the module path of the engine
	// (github.com/openwijkwerken/wijkwerken).
	Module string `json:"module"`
	// Version is the module version ("v1.4.0", a pseudo-version), or
	// "(devel)" for a build from a work tree (go build, go run, go test in
	// the repository itself).
	Version string `json:"version"`
	// Revision is the VCS revision the binary was built from, when the Go
	// command recorded it (go build in a git work tree, unless
	// -buildvcs=false); Time is that revision's commit time (RFC 3339);
	// Modified says the work tree had uncommitted changes.
	Revision string `json:"revision,omitempty"`
	Time     string `json:"time,omitempty"`
	Modified bool   `json:"modified,omitempty"`
	// Go is the Go version the binary was built with.
	Go string `json:"go"`
}

// String formats the build for people: "module version (revision[, modified])".
func (b Build) String() string {
	s := b.Module + " " + b.Version
	if b.Revision != "" {
		rev := b.Revision
		if len(rev) > 12 {
			rev = rev[:12]
		}
		if b.Modified {
			rev += ", modified"
		}
		s += " (" + rev + ")"
	}
	return s
}

// Version returns the build of the engine, from the build information the Go
// command records in every binary (runtime/debug.ReadBuildInfo). When the
// engine is the main module (its own command, its tests) the version is
// "(devel)" and the revision is the work tree's, if recorded; when it is a
// dependency of another program, the version is the one that program
// requires and no revision is known (a pseudo-version names its commit).
func Version() Build {
	b := Build{Module: modulePath, Version: "(devel)", Go: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	b.Go = bi.GoVersion
	mod := &bi.Main
	if mod.Path != modulePath {
		mod = nil
		for _, d := range bi.Deps {
			if d.Path == modulePath {
				mod = d
				if d.Replace != nil && d.Replace.Version != "" {
					mod = d.Replace
				}
				break
			}
		}
	}
	if mod != nil && mod.Version != "" {
		b.Version = mod.Version
	}
	if mod == &bi.Main {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				b.Revision = s.Value
			case "vcs.time":
				b.Time = s.Value
			case "vcs.modified":
				b.Modified = s.Value == "true"
			}
		}
	}
	return b
}

// modulePath is this module's path, read off one of its types so that it
// cannot drift from go.mod.
var modulePath = strings.TrimSuffix(reflect.TypeOf(Date{}).PkgPath(), "/")
