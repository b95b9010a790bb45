package dossier

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/internal/casenode"
	"github.com/openwijkwerken/wijkwerken/internal/suggest"
	"github.com/openwijkwerken/wijkwerken/internal/yamldoc"
	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

// FieldError is one problem with one field of a case.
type FieldError struct {
	Field string      `json:"field"` // the field's path: case.person.income
	Pos   wk.Position `json:"pos"`   // where it is written, when read from a file
	Msg   string      `json:"message"`
}

func (e FieldError) String() string {
	if e.Pos.File == "" && e.Pos.Line > 0 {
		// A JSON document read from memory: a line of a stream (one line,
		// whose number the stream gives) or a document of several.
		at := fmt.Sprintf("line %d column %d", e.Pos.Line, e.Pos.Column)
		if e.Pos.Line == 1 {
			at = fmt.Sprintf("column %d", e.Pos.Column)
		}
		if e.Field == "" {
			return at + ": " + e.Msg
		}
		return at + ": " + e.Field + ": " + e.Msg
	}
	if e.Pos.File != "" || e.Pos.Line > 0 {
		return fmt.Sprintf("%s: %s: %s", e.Pos, e.Field, e.Msg)
	}
	return e.Field + ": " + e.Msg
}

// CaseError lists every problem found in a case. Use errors.As to get at it.
type CaseError struct {
	Fields []FieldError `json:"fields"`
}

func (e *CaseError) Error() string {
	if len(e.Fields) == 1 {
		return "invalid case: " + e.Fields[0].String()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "invalid case: %d problems:", len(e.Fields))
	for _, f := range e.Fields {
		b.WriteString("\n  ")
		b.WriteString(f.String())
	}
	return b.String()
}

// ParseCase reads a case document from YAML or JSON. The document is either
// the case itself or a mapping with a single key case:. file names the
// source in errors, which carry file:line.
func ParseCase(file string, data []byte) (*Case, error) {
	doc, err := yamldoc.Parse(data)
	if err != nil {
		return nil, &CaseError{Fields: []FieldError{{Field: "case", Pos: wk.Position{File: file}, Msg: strings.TrimPrefix(err.Error(), "yaml: ")}}}
	}
	if len(doc.Content) == 0 {
		return nil, &CaseError{Fields: []FieldError{{Field: "case", Pos: wk.Position{File: file}, Msg: "empty document"}}}
	}
	root := doc.Content[0]
	if root.Kind == yaml.MappingNode && len(root.Content) == 2 && root.Content[0].Value == "case" {
		root = root.Content[1]
	}
	return decodeCase(file, root)
}

func init() {
	casenode.Decode = func(file string, n *yaml.Node) (any, error) {
		c, err := decodeCase(file, n)
		if c == nil {
			return nil, err // not a typed nil in an interface
		}
		return c, err
	}
}

// decodeCase decodes a case from a YAML node (as found inside a scenario
// file), strictly, and validates it. Errors carry file:line.
func decodeCase(file string, n *yaml.Node) (*Case, error) {
	d := &decoder{file: file, pos: map[string]wk.Position{}}
	c := &Case{}
	d.decode(n, reflect.ValueOf(c).Elem(), "case")
	for _, fe := range validate(c) {
		d.ps.Error(d.position(fe.Field), fe.Field, "%s", fe.Msg)
	}
	err := d.ps.Err()
	if err == nil {
		return c, nil
	}
	le := err.(*wk.LoadError)
	fields := make([]FieldError, len(le.Problems))
	for i, p := range le.Problems {
		fields[i] = FieldError{Field: p.ID, Pos: p.Pos, Msg: p.Msg}
	}
	return nil, &CaseError{Fields: fields}
}

// decoder decodes YAML nodes into the case's Go types by their json names,
// strictly, remembering where each field is written.
type decoder struct {
	file string
	pos  map[string]wk.Position
	ps   wk.Problems // each problem's ID is the field's path
}

// position returns where path, or the nearest enclosing field, is written.
func (d *decoder) position(path string) wk.Position {
	for {
		if p, ok := d.pos[path]; ok {
			return p
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			return wk.Position{File: d.file}
		}
		path = path[:i]
	}
}

func (d *decoder) fail(n *yaml.Node, path, format string, args ...any) {
	d.ps.Error(wk.Position{File: d.file, Line: n.Line, Column: n.Column}, path, format, args...)
}

var (
	dateType    = reflect.TypeOf(wk.Date{})
	decimalType = reflect.TypeOf(decimal.Decimal{})
)

func (d *decoder) decode(n *yaml.Node, v reflect.Value, path string) {
	d.pos[path] = wk.Position{File: d.file, Line: n.Line, Column: n.Column}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return // absent: the zero value
	}
	switch v.Type() {
	case dateType:
		if n.Kind != yaml.ScalarNode {
			d.fail(n, path, "want a date YYYY-MM-DD")
			return
		}
		date, err := wk.ParseDate(n.Value)
		if err != nil {
			d.fail(n, path, "%v", err)
			return
		}
		v.Set(reflect.ValueOf(date))
		return
	case decimalType:
		if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float" && n.Tag != "!!str") {
			d.fail(n, path, "want a number")
			return
		}
		dec, err := decimal.NewFromString(strings.TrimSpace(n.Value))
		if err != nil {
			d.fail(n, path, "%q is not a number", n.Value)
			return
		}
		v.Set(reflect.ValueOf(dec))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.decode(n, v.Elem(), path)
	case reflect.Struct:
		d.decodeStruct(n, v, path)
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.fail(n, path, "want a single word or text")
			return
		}
		v.SetString(n.Value)
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!bool" {
			d.fail(n, path, "want true or false, got %s", describe(n))
			return
		}
		b, _ := strconv.ParseBool(strings.ToLower(n.Value))
		v.SetBool(b)
	case reflect.Int:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			d.fail(n, path, "want a whole number, got %s", describe(n))
			return
		}
		i, err := strconv.Atoi(n.Value)
		if err != nil {
			d.fail(n, path, "%q is not a whole number", n.Value)
			return
		}
		v.SetInt(int64(i))
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			d.fail(n, path, "want a list")
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, c := range n.Content {
			d.decode(c, s.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.fail(n, path, "want a mapping")
			return
		}
		m := reflect.MakeMapWithSize(v.Type(), len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			key := k.Value
			kp := path + "." + key
			if m.MapIndex(reflect.ValueOf(key)).IsValid() {
				d.fail(k, kp, "given twice")
				continue
			}
			ev := reflect.New(v.Type().Elem()).Elem()
			d.decode(val, ev, kp)
			m.SetMapIndex(reflect.ValueOf(key), ev)
		}
		v.Set(m)
	default:
		d.fail(n, path, "cannot decode into %s", v.Type())
	}
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	return strconv.Quote(n.Value)
}

// structFields maps json names to field indexes.
func structFields(t reflect.Type) (map[string]int, []string) {
	m := map[string]int{}
	var names []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		m[name] = i
		names = append(names, name)
	}
	return m, names
}

func (d *decoder) decodeStruct(n *yaml.Node, v reflect.Value, path string) {
	if n.Kind != yaml.MappingNode {
		d.fail(n, path, "want a mapping of fields, got %s", describe(n))
		return
	}
	idx, names := structFields(v.Type())
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, val := n.Content[i], n.Content[i+1]
		fp := path + "." + k.Value
		fi, ok := idx[k.Value]
		if !ok {
			msg := fmt.Sprintf("unknown field %q", k.Value)
			if s := suggest.Closest(k.Value, names); s != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", s)
			} else {
				sorted := append([]string(nil), names...)
				sort.Strings(sorted)
				msg += " (fields: " + strings.Join(sorted, ", ") + ")"
			}
			d.fail(k, fp, "%s", msg)
			continue
		}
		if seen[k.Value] {
			d.fail(k, fp, "given twice")
			continue
		}
		seen[k.Value] = true
		d.decode(val, v.Field(fi), fp)
	}
}

// DecodeJSON decodes a case from JSON (one line of a bulk stream, say),
// in one pass and strictly, as the YAML reader is (UnmarshalJSON): an
// unknown field, a field given twice, a wrong type, an impossible date,
// null, or anything after the document is an error naming the field and
// its line and column; and the case is validated as ParseCase does. It is
// much faster than ParseCase.
func DecodeJSON(data []byte) (*Case, error) {
	c := &Case{}
	if err := UnmarshalJSON(data, c, "case"); err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
}
