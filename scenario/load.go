// Package scenario loads regulation scenario files, runs them against a
// rulebook and reports the outcome: the CI contract of docs/contract.md.
//
// A scenario file is YAML (or JSON):
//
//	suite: referrer choice            # optional title
//	scenarios:
//	  - name: a leefloon recipient is referred by the OCMW
//	    cite: BVR wijk-werken art. 2  # optional
//	    date: 2024-03-01              # the decision date
//	    case: { ... }                 # the case document (package dossier)
//	    expect:                       # output path -> expected value
//	      eligibility.eligible: true
//	      eligibility.referrer: ocmw
//	    # or instead of expect:  expect_error: "substring of the error"
//	    expect_absent: [vouchers.price_in_force]   # paths that must not be computed
//
// Expected values are compared with the JSON form of the output: numbers
// and decimals by value (49.2 equals "49.20"), dates as YYYY-MM-DD, lists of
// reason codes as sets. An unknown path in expect is an error of the file; a
// path the decision did not compute fails as "not computed".
//
// A scenario with a cases: table (columns: and rows:) runs its case once
// per row, with the row's fields set, as a scenario of its own: see
// tableRows in table.go for the format.
//
// Runner.Run runs suites and returns a Report, written for a terminal
// (WriteText, with the command that re-runs each failure: Reproduce), as
// JSON (WriteJSON), as GitHub Actions annotations on the failing line
// (WriteGitHub) or as JUnit XML (WriteJUnit); Runner.Coverage says which
// rules the run exercised and with which outcomes. Run and RunWith run
// scenario files as go test subtests.
package scenario

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/internal/casenode"
	"github.com/openwijkwerken/wijkwerken/internal/suggest"
	"github.com/openwijkwerken/wijkwerken/internal/yamldoc"
	"go.yaml.in/yaml/v3"
)

// Suite is one scenario file.
type Suite struct {
	File      string      `json:"file"`
	Title     string      `json:"suite,omitempty"`
	Scenarios []*Scenario `json:"scenarios"`
}

// Scenario is one decision to make and what it must come to.
type Scenario struct {
	Name        string        `json:"name"`
	Cite        string        `json:"cite,omitempty"`
	Description string        `json:"description,omitempty"`
	Date        wk.Date       `json:"date"`
	Case        *dossier.Case `json:"case,omitempty"`
	Expect      []Expectation `json:"expect,omitempty"`
	// ExpectAbsent are output paths the decision must not compute (a value
	// that has no meaning for the case: no price decision in force yet).
	ExpectAbsent []Expectation `json:"expect_absent,omitempty"`
	ExpectError  string        `json:"expect_error,omitempty"`
	Pos          wk.Position   `json:"pos"`

	// inputErr is what was wrong with the scenario's date or case: the
	// decision's error, which expect_error may be about.
	inputErr error
}

// Expectation is one expected output.
type Expectation struct {
	Path string      `json:"path"`
	Pos  wk.Position `json:"pos"`
	want *yaml.Node  // as written
}

// WantString formats the expected value as written.
func (e Expectation) WantString() string { return nodeString(e.want) }

func nodeString(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		items := make([]string, len(n.Content))
		for i, c := range n.Content {
			items[i] = nodeString(c)
		}
		return "[" + strings.Join(items, ", ") + "]"
	case yaml.MappingNode:
		return "{...}"
	}
	if n.Tag == "!!null" {
		return "null"
	}
	return n.Value
}

// LoadPaths reads scenario files from the file system. Each path is a file
// or a directory, searched recursively for *.yaml, *.yml and *.json files.
// Every problem of every file is reported at once in a *wijkwerken.LoadError;
// the suites of the files without problems are returned with it, so that a
// runner can still run them (and report the broken files beside them).
func LoadPaths(paths ...string) ([]*Suite, error) {
	files, err := Files(paths...)
	if err != nil {
		return nil, err
	}
	var suites []*Suite
	var all wk.LoadError
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		s, err := Parse(f, data)
		if err != nil {
			if le, ok := err.(*wk.LoadError); ok {
				all.Problems = append(all.Problems, le.Problems...)
				continue
			}
			return nil, err
		}
		suites = append(suites, s)
	}
	if len(all.Problems) > 0 {
		return suites, &all
	}
	return suites, nil
}

// Files lists the scenario files of paths, in name order: each path is a
// file (taken as it is) or a directory, searched recursively for *.yaml,
// *.yml and *.json files. A path that does not exist, or paths that hold
// no scenario file, are an error.
func Files(paths ...string) ([]string, error) {
	var files []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		err = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && isScenarioFile(path) {
				files = append(files, path)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no scenario files (*.yaml, *.yml, *.json) in %s", strings.Join(paths, ", "))
	}
	sort.Strings(files)
	return files, nil
}

// BrokenFile is a scenario file that could not be read or parsed: none of
// its scenarios ran. A report lists it beside the outcomes (Report.Broken).
type BrokenFile struct {
	File     string       `json:"file"`
	Problems []wk.Problem `json:"problems"`
}

// NewBrokenFile describes file broken by err: the problems of a
// *wijkwerken.LoadError, or err as one problem of the file.
func NewBrokenFile(file string, err error) BrokenFile {
	b := BrokenFile{File: file}
	var le *wk.LoadError
	if errors.As(err, &le) {
		b.Problems = le.Problems
	} else {
		b.Problems = []wk.Problem{{Pos: wk.Position{File: file}, Msg: strings.TrimPrefix(err.Error(), file+": ")}}
	}
	return b
}

func isScenarioFile(p string) bool {
	switch filepath.Ext(p) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

var scenarioKeys = []string{"name", "cite", "description", "date", "case", "expect", "expect_absent", "expect_error", "cases"}

// knownPath reports whether key names an output path of the contract, and
// reports it (with a suggestion) when not.
func knownPath(key *yaml.Node, id string, add func(n *yaml.Node, id, format string, args ...any)) bool {
	if decision.Known(key.Value) {
		return true
	}
	msg := fmt.Sprintf("unknown output path %q", key.Value)
	var all []string
	for _, p := range decision.Paths() {
		all = append(all, p.Path)
	}
	if sg := suggest.Closest(key.Value, all); sg != "" {
		msg += fmt.Sprintf(" (did you mean %q?)", sg)
	}
	add(key, id, "%s", msg)
	return false
}

// Parse reads one scenario file. file names it in errors. Problems of the
// file itself (syntax, unknown keys, unknown output paths, a scenario
// without name, date or expectation) are reported at once in a
// *wijkwerken.LoadError; problems of a scenario's case or date are kept for
// the run, where they are the decision's error.
func Parse(file string, data []byte) (*Suite, error) {
	var ps wk.Problems
	add := func(n *yaml.Node, id, format string, args ...any) {
		pos := wk.Position{File: file}
		if n != nil {
			pos.Line, pos.Column = n.Line, n.Column
		}
		ps.Error(pos, id, format, args...)
	}
	doc, err := yamldoc.Parse(data)
	if err != nil {
		ps.Error(wk.Position{File: file, Line: yamlLine(err)}, "", "%s", strings.TrimPrefix(err.Error(), "yaml: "))
		return nil, ps.Err()
	}
	if len(doc.Content) == 0 {
		add(nil, "", "empty file")
		return nil, ps.Err()
	}
	s := &Suite{File: file}
	root := doc.Content[0]
	var list *yaml.Node
	switch root.Kind {
	case yaml.SequenceNode:
		list = root
	case yaml.MappingNode:
		for i := 0; i+1 < len(root.Content); i += 2 {
			k, v := root.Content[i], root.Content[i+1]
			switch k.Value {
			case "suite":
				s.Title = v.Value
			case "scenarios":
				list = v
			default:
				add(k, "", "unknown key %q (want suite: and scenarios:)", k.Value)
			}
		}
	default:
		add(root, "", "want a mapping with scenarios: (or a list of scenarios)")
	}
	if list == nil {
		if !ps.HasErrors() {
			add(root, "", "no scenarios: list")
		}
		return nil, ps.Err()
	}
	if list.Kind != yaml.SequenceNode {
		add(list, "", "scenarios: want a list")
		return nil, ps.Err()
	}
	names := map[string]int{}
	for _, n := range list.Content {
		sc := &Scenario{Pos: wk.Position{File: file, Line: n.Line}}
		if n.Kind != yaml.MappingNode {
			add(n, "", "a scenario is a mapping with name:, date:, case: and expect:")
			continue
		}
		f := map[string]*yaml.Node{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if !slices.Contains(scenarioKeys, k.Value) {
				msg := fmt.Sprintf("unknown key %q", k.Value)
				if sg := suggest.Closest(k.Value, scenarioKeys); sg != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", sg)
				}
				add(k, "", "%s", msg)
				continue
			}
			f[k.Value] = n.Content[i+1]
		}
		sc.Name = scalarOf(f["name"])
		id := "scenario " + fmt.Sprintf("%q", sc.Name)
		if sc.Name == "" {
			add(n, "", "scenario without name:")
			id = ""
		} else if prev, dup := names[sc.Name]; dup {
			add(f["name"], id, "name used twice in this file (first at line %d)", prev)
		} else {
			names[sc.Name] = n.Line
		}
		sc.Cite = scalarOf(f["cite"])
		sc.Description = scalarOf(f["description"])
		if dn := f["date"]; dn == nil {
			add(n, id, "missing date: (the decision date)")
		} else if d, err := wk.ParseDate(dn.Value); err != nil || dn.Kind != yaml.ScalarNode {
			sc.inputErr = fmt.Errorf("%s:%d: date: %v", file, dn.Line, err)
		} else {
			sc.Date = d
		}
		cn := f["case"]
		if cn == nil {
			add(n, id, "missing case:")
		}
		en, xn, tn, an := f["expect"], f["expect_error"], f["cases"], f["expect_absent"]
		if an != nil {
			if an.Kind != yaml.SequenceNode || len(an.Content) == 0 {
				add(an, id, "expect_absent: want a list of output paths")
			} else {
				for _, k := range an.Content {
					if k.Kind == yaml.ScalarNode && knownPath(k, id, add) {
						sc.ExpectAbsent = append(sc.ExpectAbsent, Expectation{Path: k.Value, Pos: wk.Position{File: file, Line: k.Line}})
					} else if k.Kind != yaml.ScalarNode {
						add(k, id, "expect_absent: want an output path")
					}
				}
			}
		}
		switch {
		case en != nil && xn != nil:
			add(xn, id, "give expect: or expect_error:, not both (expect_absent: goes with either)")
		case tn != nil && xn != nil:
			add(xn, id, "expect_error: goes in a column of the cases: table")
		case en == nil && xn == nil && tn == nil && an == nil:
			add(n, id, "missing expect: (or expect_absent:, expect_error:, or a cases: table)")
		case xn != nil:
			sc.ExpectError = scalarOf(xn)
			if sc.ExpectError == "" {
				add(xn, id, "expect_error: give a part of the expected error message")
			}
		case en != nil:
			if en.Kind != yaml.MappingNode || (len(en.Content) == 0 && tn == nil && an == nil) {
				add(en, id, "expect: want a mapping of output paths to values")
				break
			}
			for i := 0; i+1 < len(en.Content); i += 2 {
				k, v := en.Content[i], en.Content[i+1]
				if !knownPath(k, id, add) {
					continue
				}
				sc.Expect = append(sc.Expect, Expectation{Path: k.Value, want: v, Pos: wk.Position{File: file, Line: k.Line}})
			}
		}
		if tn != nil {
			if cn != nil {
				s.Scenarios = append(s.Scenarios, tableRows(file, sc, cn, tn, id, add)...)
			}
			continue
		}
		if cn != nil {
			c, err := decodeCase(file, cn)
			if err != nil && sc.inputErr == nil {
				sc.inputErr = err
			}
			sc.Case = c
		}
		s.Scenarios = append(s.Scenarios, sc)
	}
	if len(s.Scenarios) == 0 && !ps.HasErrors() {
		add(list, "", "no scenarios")
	}
	if ps.HasErrors() {
		return nil, ps.Err()
	}
	return s, nil
}

func scalarOf(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

func yamlLine(err error) int {
	var line int
	s := err.Error()
	if i := strings.Index(s, "line "); i >= 0 {
		fmt.Sscanf(s[i:], "line %d", &line)
	}
	return line
}

// decodeCase decodes the case of a scenario from its YAML node (package
// dossier's decoder, reached through internal/casenode).
func decodeCase(file string, n *yaml.Node) (*dossier.Case, error) {
	v, err := casenode.Decode(file, n)
	c, _ := v.(*dossier.Case)
	return c, err
}
