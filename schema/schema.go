// Package schema holds the JSON Schemas (draft 2020-12) of wijkwerken's file
// formats, so that editors can complete and check the files and programs in
// other languages can read them without the Go types:
//
//	case       a case document (package dossier): the case itself, or
//	           {date, case}, as wijkwerken eval reads it
//	scenario   a scenario file (package scenario)
//	reform     a reform file (wijkwerken.ParseReform)
//	rulebook   a rulebook file (wijkwerken.Load; regulation/*.yaml)
//	register   a register of learning workplaces (placement.ParseRegister)
//
// The files are generated from the Go types where the Go types are the
// format (the case, the register), and written in the generator beside the
// parsers' own key lists otherwise; the package's tests regenerate them and
// fail when the committed files differ (go generate ./schema rewrites them),
// check the written ones against what the parsers accept, and validate every
// YAML and JSON file of testdata/ and examples/ against its schema.
//
// An editor with a YAML language server picks a schema up from a comment on
// the first line of a file:
//
//	# yaml-language-server: $schema=../../schema/scenario.schema.json
package schema

import (
	"embed"
	"fmt"
	"sort"
	"strings"
)

//go:generate go test -run ^TestGenerated$ -update .

//go:embed *.schema.json
var files embed.FS

// Kinds lists the file formats that have a schema, sorted.
func Kinds() []string {
	entries, _ := files.ReadDir(".")
	var out []string
	for _, e := range entries {
		out = append(out, strings.TrimSuffix(e.Name(), ".schema.json"))
	}
	sort.Strings(out)
	return out
}

// Get returns the schema of a file format (see Kinds), as JSON.
func Get(kind string) ([]byte, error) {
	b, err := files.ReadFile(kind + ".schema.json")
	if err != nil {
		return nil, fmt.Errorf("no schema %q (kinds: %s)", kind, strings.Join(Kinds(), ", "))
	}
	return b, nil
}

// File returns the file name of a kind's schema in this directory
// ("case.schema.json").
func File(kind string) string { return kind + ".schema.json" }
