package wijkwerken

import (
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

var (
	idPattern   = regexp.MustCompile(`^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$`)
	codePattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	confidences = []string{"high", "medium", "low"}
)

// Load reads a rulebook from fsys. Each path is a YAML (or JSON) file or a
// directory whose *.yaml, *.yml and *.json files are read in name order;
// with no paths, the files at the root of fsys are read. Every problem found
// is reported at once in a *LoadError.
func Load(fsys fs.FS, paths ...string) (*Rulebook, error) {
	var ps Problems
	rb, err := load(fsys, paths, &ps)
	if err != nil {
		return nil, err
	}
	if err := ps.Err(); err != nil {
		return nil, err
	}
	return rb, nil
}

// load reads and builds a rulebook, recording every problem of its files
// in ps; the error is one of reading them.
func load(fsys fs.FS, paths []string, ps *Problems) (*Rulebook, error) {
	files, err := listFiles(fsys, paths)
	if err != nil {
		return nil, err
	}
	var params []*Parameter
	var rules []*Rule
	for _, f := range files {
		data, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		p, r := parseRulebookFile(f, data, ps)
		params = append(params, p...)
		rules = append(rules, r...)
	}
	name := strings.Join(paths, ", ")
	if name == "" {
		name = "."
	}
	return build(name, params, rules, ps), nil
}

func listFiles(fsys fs.FS, paths []string) ([]string, error) {
	if len(paths) == 0 {
		paths = []string{"."}
	}
	var files []string
	for _, p := range paths {
		p = path.Clean(strings.TrimPrefix(p, "./"))
		st, err := fs.Stat(fsys, p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			files = append(files, p)
			continue
		}
		entries, err := fs.ReadDir(fsys, p)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, e := range entries {
			if !e.IsDir() && isDataFile(e.Name()) {
				files = append(files, path.Join(p, e.Name()))
				n++
			}
		}
		if n == 0 {
			return nil, fmt.Errorf("%s: no .yaml, .yml or .json files", p)
		}
	}
	return files, nil
}

func isDataFile(name string) bool {
	switch path.Ext(name) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

func parseRulebookFile(file string, data []byte, ps *Problems) ([]*Parameter, []*Rule) {
	root := parseDoc(file, data, ps)
	if root == nil {
		return nil, nil
	}
	top := fields(file, root, "", ps, "area", "description", "parameters", "rules")
	area, _ := scalar(file, top["area"], "", "area", ps)
	var params []*Parameter
	if n := top["parameters"]; n != nil {
		if n.Kind != yaml.SequenceNode {
			ps.at(file, n, "", "parameters: want a list")
		} else {
			for _, e := range n.Content {
				if p := parseParameter(file, e, ps); p != nil {
					checkParamCite(p, ps)
					params = append(params, p)
				}
			}
		}
	}
	var rules []*Rule
	if n := top["rules"]; n != nil {
		if n.Kind != yaml.SequenceNode {
			ps.at(file, n, "", "rules: want a list")
		} else {
			for _, e := range n.Content {
				if r := parseRule(file, e, area, "", ps); r != nil {
					rules = append(rules, r)
				}
			}
		}
	}
	return params, rules
}
