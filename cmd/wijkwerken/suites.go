package main

import (
	"github.com/openwijkwerken/wijkwerken/scenario"
)

// loadSuites reads the scenario files of paths (each a file, a directory
// searched recursively, or - for standard input) through in. A file that
// cannot be read or parsed is broken: the others load, and the broken
// ones are returned beside them. The error is a path that does not exist,
// or no scenario file at all.
func loadSuites(paths []string, in *inputs) ([]*scenario.Suite, []scenario.BrokenFile, error) {
	var files []string
	for _, p := range paths {
		if p == "-" {
			files = append(files, p)
			continue
		}
		fs, err := scenario.Files(p)
		if err != nil {
			return nil, nil, fileError(p, err)
		}
		files = append(files, fs...)
	}
	var suites []*scenario.Suite
	var broken []scenario.BrokenFile
	for _, f := range files {
		data, name, err := in.read(f)
		if err == nil {
			var s *scenario.Suite
			if s, err = scenario.Parse(name, data); err == nil {
				suites = append(suites, s)
				continue
			}
		}
		broken = append(broken, scenario.NewBrokenFile(name, err))
	}
	return suites, broken, nil
}
