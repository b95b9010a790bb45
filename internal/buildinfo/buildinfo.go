// Package buildinfo reads what the Go toolchain recorded in the running
// binary about how it was built: the module and its version, and the
// version-control revision it was built from.
package buildinfo

import "runtime/debug"

// Read returns the main module's path and version and the VCS revision the
// binary was built from, and whether the work tree had uncommitted changes.
//
// The version is the module version the binary was installed at
// ("v1.2.0" from go install ...@v1.2.0), a pseudo-version the toolchain
// derives from the revision, or "(devel)"; the revision is empty when the
// toolchain recorded none (go run, go test, or a build outside a
// repository, or with -buildvcs=false). Without build information at all
// (a binary built without module support), every result is zero but the
// version, "(unknown)".
func Read() (module, version, revision string, modified bool) {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "", "(unknown)", "", false
	}
	return fromBuildInfo(bi)
}

func fromBuildInfo(bi *debug.BuildInfo) (module, version, revision string, modified bool) {
	module, version = bi.Main.Path, bi.Main.Version
	if version == "" {
		version = "(devel)"
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			revision = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	return module, version, revision, modified
}
