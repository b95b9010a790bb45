package mutate

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/internal/suggest"
	"github.com/openwijkwerken/wijkwerken/internal/yamldoc"
	"go.yaml.in/yaml/v3"
)

// Equivalents are mutants declared equivalent: no case can tell them from
// the rulebook, so no scenario can kill them. Each declaration gives the
// reason, to be reviewed like code. The file:
//
//	equivalent:
//	  - mutant: "param community_service.start@2018-01-01: from 2018-01-01 → 2017-12-31"
//	    reason: no rule that reads it is in force before 2018-01-01
//
// A mutant is named by its ID as reports print it.
type Equivalents struct {
	File string
	List []Declaration
}

// Declaration is one mutant declared equivalent.
type Declaration struct {
	Mutant string      `json:"mutant"`
	Reason string      `json:"reason"`
	Pos    wk.Position `json:"pos"`
}

// maxEquivalentsSize bounds a file of declarations: a few hundred bytes a
// declaration, thousands of declarations.
const maxEquivalentsSize = 4 << 20

// LoadEquivalents reads a file of declarations (see ParseEquivalents), of
// at most 4 MiB.
func LoadEquivalents(name string) (*Equivalents, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxEquivalentsSize+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxEquivalentsSize {
		return nil, fmt.Errorf("%s: larger than %d MiB: not a file of declarations", name, maxEquivalentsSize>>20)
	}
	return ParseEquivalents(name, data)
}

// ParseEquivalents reads declarations of equivalent mutants from YAML. file
// names it in errors. Every problem (an unknown key, a declaration without
// mutant or reason, a mutant declared twice) is reported at once in a
// *wijkwerken.LoadError with file:line.
func ParseEquivalents(file string, data []byte) (*Equivalents, error) {
	var ps []wk.Problem
	add := func(n *yaml.Node, format string, args ...any) {
		pos := wk.Position{File: file}
		if n != nil {
			pos.Line = n.Line
		}
		ps = append(ps, wk.Problem{Pos: pos, Msg: fmt.Sprintf(format, args...)})
	}
	eq := &Equivalents{File: file}
	doc, err := yamldoc.Parse(data)
	if err != nil {
		add(nil, "%s", strings.TrimPrefix(err.Error(), "yaml: "))
		return nil, &wk.LoadError{Problems: ps}
	}
	if len(doc.Content) == 0 {
		return eq, nil // an empty file declares nothing
	}
	root := doc.Content[0]
	var list *yaml.Node
	if root.Kind != yaml.MappingNode {
		add(root, "want a mapping with equivalent: (a list of {mutant, reason})")
	} else {
		for i := 0; i+1 < len(root.Content); i += 2 {
			k, v := root.Content[i], root.Content[i+1]
			if k.Value != "equivalent" {
				add(k, "unknown key %q (want equivalent:)", k.Value)
				continue
			}
			list = v
		}
	}
	if list != nil && list.Kind != yaml.SequenceNode && !(list.Kind == yaml.ScalarNode && list.Tag == "!!null") {
		add(list, "equivalent: want a list of {mutant, reason}")
		list = nil
	}
	seen := map[string]int{}
	if list != nil {
		for _, n := range list.Content {
			if n.Kind != yaml.MappingNode {
				add(n, "a declaration is a mapping with mutant: and reason:")
				continue
			}
			d := Declaration{Pos: wk.Position{File: file, Line: n.Line}}
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				if v.Kind == yaml.AliasNode && v.Alias != nil {
					v = v.Alias // one reason for several mutants
				}
				if v.Kind != yaml.ScalarNode {
					add(v, "%s: want text", k.Value)
					continue
				}
				switch k.Value {
				case "mutant":
					d.Mutant = strings.TrimSpace(v.Value)
				case "reason":
					d.Reason = strings.TrimSpace(v.Value)
				default:
					msg := fmt.Sprintf("unknown key %q (want mutant: and reason:)", k.Value)
					if s := suggest.Closest(k.Value, []string{"mutant", "reason"}); s != "" {
						msg = fmt.Sprintf("unknown key %q (did you mean %q?)", k.Value, s)
					}
					add(k, "%s", msg)
				}
			}
			switch {
			case d.Mutant == "":
				add(n, "missing mutant: (the mutant's id, as the report prints it)")
			case d.Reason == "":
				add(n, "%s: missing reason: say why no case can tell the mutant from the rulebook", d.Mutant)
			}
			if d.Mutant != "" {
				if prev, dup := seen[d.Mutant]; dup {
					add(n, "%s: declared twice (first at line %d)", d.Mutant, prev)
					continue
				}
				seen[d.Mutant] = n.Line
			}
			eq.List = append(eq.List, d)
		}
	}
	if len(ps) > 0 {
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].Pos.Line < ps[j].Pos.Line })
		return nil, &wk.LoadError{Problems: ps}
	}
	return eq, nil
}
