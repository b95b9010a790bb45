package dossier

import (
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/internal/yamldoc"
	"go.yaml.in/yaml/v3"
)

// ParseDocument reads a case document as wijkwerken eval and the service's
// web interface read it, from YAML or JSON: the case itself; or a mapping
// with case: and an optional date: (the decision date); or the case's
// sections beside a date:. The date is zero when the document gives none.
// Errors are *CaseError with file:line, the date's included.
func ParseDocument(file string, data []byte) (*Case, wk.Date, error) {
	doc, err := yamldoc.Parse(data)
	if err != nil {
		return nil, wk.Date{}, &CaseError{Fields: []FieldError{{Field: "case", Pos: wk.Position{File: file, Line: yamldoc.Line(err)}, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}}}
	}
	if len(doc.Content) == 0 {
		return nil, wk.Date{}, &CaseError{Fields: []FieldError{{Field: "case", Pos: wk.Position{File: file}, Msg: "empty document"}}}
	}
	root := doc.Content[0]
	var date wk.Date
	if root.Kind == yaml.MappingNode {
		caseNode, rest := root, []*yaml.Node{}
		for i := 0; i+1 < len(root.Content); i += 2 {
			k, v := root.Content[i], root.Content[i+1]
			switch k.Value {
			case "case":
				caseNode = v
			case "date":
				d, err := wk.ParseDate(v.Value)
				if err != nil {
					return nil, wk.Date{}, &CaseError{Fields: []FieldError{{Field: "date", Pos: wk.Position{File: file, Line: v.Line, Column: v.Column}, Msg: err.Error()}}}
				}
				date = d
			default:
				rest = append(rest, k, v)
			}
		}
		if caseNode == root && !date.IsZero() {
			// date: beside the case's own sections.
			caseNode = &yaml.Node{Kind: yaml.MappingNode, Content: rest, Line: root.Line, Column: root.Column}
		}
		root = caseNode
	}
	c, err := decodeCase(file, root)
	return c, date, err
}
