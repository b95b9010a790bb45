package wijkwerken

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/openwijkwerken/wijkwerken/internal/suggest"
	"github.com/openwijkwerken/wijkwerken/internal/yamldoc"
	"go.yaml.in/yaml/v3"
)

// YAML node helpers: reading the entries of rulebook and reform files
// strictly, every problem recorded with its file:line.

// parseDoc parses data as one YAML (or JSON) document and returns its root
// mapping, or reports why it cannot.
func parseDoc(file string, data []byte, ps *Problems) *yaml.Node {
	doc, err := yamldoc.Parse(data)
	if err != nil {
		ps.Add(Problem{Pos: Position{File: file, Line: yamlErrorLine(err)}, Msg: cleanYAMLError(err)})
		return nil
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		ps.at(file, nil, "", "empty file")
		return nil
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		ps.at(file, root, "", "want a mapping at the top of the file")
		return nil
	}
	return root
}

var yamlLineRE = regexp.MustCompile(`line (\d+)`)

func yamlErrorLine(err error) int {
	var n int
	if m := yamlLineRE.FindStringSubmatch(err.Error()); m != nil {
		fmt.Sscan(m[1], &n)
	}
	return n
}

func cleanYAMLError(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	return yamlLineRE.ReplaceAllString(strings.TrimPrefix(s, "unmarshal errors:\n  "), "")
}

// fields returns the keys of mapping n, reporting keys that are not allowed
// and keys given twice.
func fields(file string, n *yaml.Node, id string, ps *Problems, allowed ...string) map[string]*yaml.Node {
	out := map[string]*yaml.Node{}
	if n.Kind != yaml.MappingNode {
		ps.at(file, n, id, "want a mapping")
		return out
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !slices.Contains(allowed, k.Value) {
			msg := fmt.Sprintf("unknown key %q", k.Value)
			if s := suggest.Closest(k.Value, allowed); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else {
				msg += " (allowed: " + strings.Join(allowed, ", ") + ")"
			}
			ps.at(file, k, id, "%s", msg)
			continue
		}
		if _, dup := out[k.Value]; dup {
			ps.at(file, k, id, "key %q given twice", k.Value)
			continue
		}
		out[k.Value] = v
	}
	return out
}

func scalar(file string, n *yaml.Node, id, what string, ps *Problems) (string, bool) {
	if n == nil {
		return "", false
	}
	if n.Kind != yaml.ScalarNode {
		ps.at(file, n, id, "%s: want a single value", what)
		return "", false
	}
	return n.Value, true
}

func dateField(file string, n *yaml.Node, id, what string, ps *Problems) Date {
	s, ok := scalar(file, n, id, what, ps)
	if !ok {
		return Date{}
	}
	d, err := ParseDate(s)
	if err != nil {
		ps.at(file, n, id, "%s: %v", what, err)
	}
	return d
}

func textField(file string, n *yaml.Node, id, what string, ps *Problems) Text {
	var t Text
	if n == nil {
		return t
	}
	if n.Kind == yaml.ScalarNode {
		ps.at(file, n, id, "%s: want nl: and en: texts", what)
		return t
	}
	f := fields(file, n, id, ps, "nl", "en")
	t.NL, _ = scalar(file, f["nl"], id, what+".nl", ps)
	t.EN, _ = scalar(file, f["en"], id, what+".en", ps)
	return t
}

func checkConfidence(file string, n *yaml.Node, id string, ps *Problems) string {
	s, ok := scalar(file, n, id, "confidence", ps)
	if ok && !slices.Contains(confidences, s) {
		ps.at(file, n, id, "confidence %q: want one of %s", s, strings.Join(confidences, ", "))
	}
	return s
}

// sourceList reads a sources: list: the public URLs (http or https) of
// what a citation names.
func sourceList(file string, n *yaml.Node, id string, ps *Problems) []string {
	if n == nil {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		ps.at(file, n, id, "sources: want a list of URLs")
		return nil
	}
	out := make([]string, 0, len(n.Content))
	for _, c := range n.Content {
		s, ok := scalar(file, c, id, "sources", ps)
		if !ok {
			continue
		}
		if u, err := url.Parse(s); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			ps.at(file, c, id, "sources: %q is not an http(s) URL", s)
			continue
		}
		out = append(out, s)
	}
	return out
}
