// Package schemagen derives JSON Schemas (draft 2020-12, the dialect of
// OpenAPI 3.1) from Go types by their json tags, so that the schemas of the
// file formats and of the service's responses follow the Go types that read
// and write them instead of being kept by hand.
//
// Structs become named definitions ($defs, or components of an OpenAPI
// document); pointers their element; slices arrays; maps with string keys
// objects. Types with a JSON form of their own (dates, decimals) must be
// given in Overrides: a type that marshals itself and has none is an error,
// never a silently wrong schema.
package schemagen

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// Schema is a JSON Schema object.
type Schema = map[string]any

// Generator collects the definitions of the structs it meets.
type Generator struct {
	// RefPrefix is prepended to a definition's name in $ref: "#/$defs/"
	// (the default) or "#/components/schemas/".
	RefPrefix string
	// Overrides give the schema of types with a JSON form of their own.
	Overrides map[reflect.Type]Schema
	// Fields add keywords to the schema of one field (an enum, a pattern, a
	// description), keyed "Type.json_name" with the struct's definition
	// name.
	Fields map[string]Schema
	// Strict forbids properties a struct does not have
	// (additionalProperties: false), as strict decoders do.
	Strict bool
	// Required marks the fields that are always written (no omitempty or
	// omitzero) as required: for schemas of what Go writes, not reads.
	Required bool
	// Nullable lets pointer, slice and map fields that are always written
	// be null, as encoding/json writes their nil value.
	Nullable bool
	// Rename names definitions: a type's name by default; Rename may map a
	// type to another (to keep apart types of the same name in two
	// packages).
	Rename map[reflect.Type]string

	Defs  map[string]Schema
	names map[reflect.Type]string
	used  map[string]reflect.Type
	err   error
}

// Err returns the first problem met (a type without a schema).
func (g *Generator) Err() error { return g.err }

var (
	jsonMarshaler = reflect.TypeOf((*json.Marshaler)(nil)).Elem()
	textMarshaler = reflect.TypeOf((*encoding.TextMarshaler)(nil)).Elem()
)

// Ref returns the schema of t: a $ref for a struct (whose definition goes
// into Defs), else an inline schema.
func (g *Generator) Ref(t reflect.Type) Schema {
	if g.Defs == nil {
		g.Defs = map[string]Schema{}
		g.names = map[reflect.Type]string{}
		g.used = map[string]reflect.Type{}
	}
	if g.RefPrefix == "" {
		g.RefPrefix = "#/$defs/"
	}
	if s, ok := g.Overrides[t]; ok {
		return clone(s)
	}
	if t.Kind() == reflect.Pointer {
		return g.Ref(t.Elem())
	}
	if t.Implements(jsonMarshaler) || reflect.PointerTo(t).Implements(jsonMarshaler) ||
		(t.Kind() != reflect.String && (t.Implements(textMarshaler) || reflect.PointerTo(t).Implements(textMarshaler))) {
		g.fail("%s writes its own JSON: give its schema in Overrides", t)
		return Schema{}
	}
	switch t.Kind() {
	case reflect.Bool:
		return Schema{"type": "boolean"}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return Schema{"type": "integer"}
	case reflect.Float32, reflect.Float64:
		return Schema{"type": "number"}
	case reflect.String:
		return Schema{"type": "string"}
	case reflect.Interface:
		return Schema{}
	case reflect.Slice, reflect.Array:
		return Schema{"type": "array", "items": g.Ref(t.Elem())}
	case reflect.Map:
		if t.Key().Kind() != reflect.String {
			g.fail("%s: map keys must be strings", t)
			return Schema{}
		}
		return Schema{"type": "object", "additionalProperties": g.Ref(t.Elem())}
	case reflect.Struct:
		return Schema{"$ref": g.RefPrefix + g.define(t)}
	}
	g.fail("%s: no JSON Schema for kind %s", t, t.Kind())
	return Schema{}
}

func (g *Generator) fail(format string, args ...any) {
	if g.err == nil {
		g.err = fmt.Errorf("schemagen: "+format, args...)
	}
}

// define adds the definition of struct t and returns its name.
func (g *Generator) define(t reflect.Type) string {
	if name, ok := g.names[t]; ok {
		return name
	}
	name := t.Name()
	if n, ok := g.Rename[t]; ok {
		name = n
	}
	if name == "" {
		g.fail("%s: anonymous struct types need a name in Rename", t)
		name = "Anonymous"
	}
	if other, taken := g.used[name]; taken && other != t {
		g.fail("two types named %s (%s and %s): name one in Rename", name, other, t)
	}
	g.names[t], g.used[name] = name, t
	def := Schema{"type": "object"}
	g.Defs[name] = def // before the fields, for recursive types
	props := Schema{}
	var required []string
	g.fields(name, t, props, &required)
	def["properties"] = props
	if g.Strict {
		def["additionalProperties"] = false
	}
	if len(required) > 0 {
		def["required"] = required
	}
	return name
}

func (g *Generator) fields(def string, t reflect.Type, props Schema, required *[]string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				g.fields(def, ft, props, required)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		s := g.Ref(f.Type)
		omitted := strings.Contains(opts, "omitempty") || strings.Contains(opts, "omitzero")
		if g.Nullable && !omitted {
			switch f.Type.Kind() {
			case reflect.Pointer, reflect.Slice, reflect.Map:
				if _, over := g.Overrides[f.Type]; !over {
					s = Schema{"anyOf": []any{s, Schema{"type": "null"}}}
				}
			}
		}
		for k, v := range g.Fields[def+"."+name] {
			s[k] = v
		}
		props[name] = s
		if g.Required && !omitted {
			*required = append(*required, name)
		}
	}
}

func clone(s Schema) Schema {
	out := make(Schema, len(s))
	for k, v := range s {
		out[k] = v
	}
	return out
}
