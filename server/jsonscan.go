package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// maxDepth bounds the nesting of a request's JSON.
const maxDepth = 64

// span is where a value lies in a body: data[start:end].
type span struct{ start, end int }

// jsonError is a problem of a body's JSON at a byte offset.
type jsonError struct {
	offset  int
	pointer string
	msg     string
}

func (e *jsonError) Error() string { return e.msg }

// scanJSON checks that data is exactly one JSON value, nested at most
// maxDepth deep, whose objects give no key twice (encoding/json would keep
// the last silently), and returns the spans of the members of the top-level
// object.
func scanJSON(data []byte) (map[string]span, error) {
	if !json.Valid(data) {
		// Let the decoder say where.
		var v any
		err := json.Unmarshal(data, &v)
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, &jsonError{offset: int(se.Offset), msg: "not valid JSON: " + se.Error()}
		}
		return nil, &jsonError{offset: len(data), msg: "not valid JSON"}
	}
	s := scanner{data: data}
	s.ws()
	if s.i < len(data) && data[s.i] != '{' {
		return nil, &jsonError{offset: s.i, msg: "want a JSON object"}
	}
	s.top = map[string]span{}
	if err := s.value(0, nil); err != nil {
		return nil, err
	}
	return s.top, nil
}

type scanner struct {
	data []byte
	i    int
	top  map[string]span
}

func (s *scanner) ws() {
	for s.i < len(s.data) {
		switch s.data[s.i] {
		case ' ', '\t', '\n', '\r':
			s.i++
		default:
			return
		}
	}
}

// value scans one (valid) value at s.i; path holds the keys and indexes
// above it, made into a JSON Pointer only for an error.
func (s *scanner) value(depth int, path []string) error {
	if depth > maxDepth {
		return &jsonError{offset: s.i, pointer: pointerOf(path), msg: fmt.Sprintf("nested more than %d deep", maxDepth)}
	}
	s.ws()
	switch s.data[s.i] {
	case '{':
		s.i++
		var seen map[string]bool
		for {
			s.ws()
			if s.data[s.i] == '}' {
				s.i++
				return nil
			}
			if s.data[s.i] == ',' {
				s.i++
				s.ws()
			}
			keyAt := s.i
			key := s.str()
			p := append(path, key)
			if seen[key] {
				return &jsonError{offset: keyAt, pointer: pointerOf(p), msg: fmt.Sprintf("key %q given twice", key)}
			}
			if seen == nil {
				seen = make(map[string]bool, 8)
			}
			seen[key] = true
			s.ws()
			s.i++ // ':'
			s.ws()
			start := s.i
			if err := s.value(depth+1, p); err != nil {
				return err
			}
			if depth == 0 {
				s.top[key] = span{start, s.i}
			}
		}
	case '[':
		s.i++
		for n := 0; ; n++ {
			s.ws()
			if s.data[s.i] == ']' {
				s.i++
				return nil
			}
			if s.data[s.i] == ',' {
				s.i++
			}
			if err := s.value(depth+1, append(path, strconv.Itoa(n))); err != nil {
				return err
			}
		}
	case '"':
		s.str()
	default:
		for s.i < len(s.data) {
			switch s.data[s.i] {
			case ',', '}', ']', ' ', '\t', '\n', '\r':
				return nil
			}
			s.i++
		}
	}
	return nil
}

// str scans a (valid) string at s.i and returns its value.
func (s *scanner) str() string {
	start := s.i
	s.i++
	escaped := false
	for ; s.i < len(s.data); s.i++ {
		c := s.data[s.i]
		if c == '\\' {
			escaped = true
			s.i++
			continue
		}
		if c == '"' {
			break
		}
	}
	s.i++
	raw := s.data[start:s.i]
	if !escaped {
		return string(raw[1 : len(raw)-1])
	}
	var out string
	json.Unmarshal(raw, &out)
	return out
}

var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

func pointerOf(path []string) string {
	var b strings.Builder
	for _, p := range path {
		b.WriteByte('/')
		b.WriteString(pointerEscaper.Replace(p))
	}
	return b.String()
}

// lineCol converts a byte offset of data to a 1-based line and column.
func lineCol(data []byte, offset int) (int, int) {
	if offset > len(data) {
		offset = len(data)
	}
	line := 1 + bytes.Count(data[:offset], []byte{'\n'})
	col := offset - bytes.LastIndexByte(data[:offset], '\n')
	return line, col
}

// decodeStrict decodes a body into v: one JSON object, no key twice, no
// unknown field, every field of its type. The problem names the field
// (a JSON Pointer) with the line and column.
func decodeStrict(data []byte, v any) (map[string]span, *Problem) {
	spans, err := scanJSON(data)
	if err != nil {
		var je *jsonError
		errors.As(err, &je)
		line, col := lineCol(data, je.offset)
		return nil, problem(KindMalformed, "%s", je.msg).with(FieldProblem{Pointer: je.pointer, Field: pointerField(je.pointer), Line: line, Column: col, Message: je.msg})
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		fp := FieldProblem{Message: strings.TrimPrefix(err.Error(), "json: ")}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			fp.Field = te.Field
			fp.Pointer = fieldPointer(te.Field)
			fp.Line, fp.Column = lineCol(data, int(te.Offset))
			fp.Message = fmt.Sprintf("want %s, got a JSON %s", jsonType(te.Type.String()), te.Value)
		} else if f, ok := strings.CutPrefix(fp.Message, "unknown field "); ok {
			name, _ := strconv.Unquote(f)
			fp.Field, fp.Pointer = name, "/"+name
		}
		return nil, problem(KindMalformed, "%s", fp.Message).with(fp)
	}
	return spans, nil
}

// decodeMembers decodes the members of a body's top-level object one at a
// time from the spans scanJSON found, so that a large member (the case) is
// not decoded twice: each member's problem names it with its line and
// column. fields maps the allowed members to where they go; a member that
// is left as json.RawMessage keeps its bytes.
func decodeMembers(data []byte, spans map[string]span, fields map[string]any) *Problem {
	for name, sp := range spans {
		dst, ok := fields[name]
		line, col := lineCol(data, sp.start)
		if !ok {
			msg := fmt.Sprintf("unknown field %q", name)
			return problem(KindMalformed, "%s", msg).with(FieldProblem{Field: name, Pointer: "/" + pointerEscaper.Replace(name), Line: line, Column: col, Message: msg})
		}
		if raw, ok := dst.(*json.RawMessage); ok {
			*raw = data[sp.start:sp.end] // valid JSON: scanJSON checked it
			continue
		}
		dec := json.NewDecoder(bytes.NewReader(data[sp.start:sp.end]))
		dec.DisallowUnknownFields()
		if err := dec.Decode(dst); err != nil {
			fp := FieldProblem{Field: name, Pointer: "/" + pointerEscaper.Replace(name), Line: line, Column: col, Message: strings.TrimPrefix(err.Error(), "json: ")}
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) {
				if te.Field != "" {
					fp.Field = name + "." + te.Field
					fp.Pointer = fieldPointer(fp.Field)
				}
				fp.Line, fp.Column = lineCol(data, sp.start+int(te.Offset))
				fp.Message = fmt.Sprintf("want %s, got a JSON %s", jsonType(te.Type.String()), te.Value)
			}
			return problem(KindMalformed, "%s: %s", fp.Field, fp.Message).with(fp)
		}
	}
	return nil
}

func jsonType(goType string) string {
	switch {
	case strings.HasPrefix(goType, "[]"):
		return "an array"
	case goType == "string":
		return "a string"
	case goType == "bool":
		return "true or false"
	case strings.HasPrefix(goType, "int"):
		return "a whole number"
	}
	return "an object"
}

// pointerField turns a JSON Pointer into a field path (/case/person/income
// → case.person.income).
func pointerField(p string) string {
	if p == "" {
		return ""
	}
	parts := strings.Split(strings.TrimPrefix(p, "/"), "/")
	var b strings.Builder
	for i, part := range parts {
		part = strings.NewReplacer("~1", "/", "~0", "~").Replace(part)
		if _, err := strconv.Atoi(part); err == nil && i > 0 {
			b.WriteString("[" + part + "]")
			continue
		}
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(part)
	}
	return b.String()
}

// blankOutside returns a copy of data in which everything outside sp is a
// space (newlines kept) and tabs are spaces: the value at sp parses as YAML
// with the line and column it has in data.
func blankOutside(data []byte, sp span) []byte {
	out := make([]byte, len(data))
	for i, c := range data {
		switch {
		case c == '\n':
			out[i] = '\n'
		case i < sp.start || i >= sp.end || c == '\t' || c == '\r':
			out[i] = ' '
		default:
			out[i] = c
		}
	}
	return out
}
