package schemagen

import (
	"reflect"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type inner struct {
	N int `json:"n"`
}

type embedded struct {
	E string `json:"e"`
}

type outer struct {
	embedded
	Name    string          `json:"name"`
	Opt     *inner          `json:"opt,omitempty"`
	List    []inner         `json:"list"`
	Map     map[string]bool `json:"map,omitempty"`
	Any     any             `json:"any,omitempty"`
	Skipped string          `json:"-"`
	Tagged  string          `json:"tagged,omitempty"`
	hidden  int
	Extra   map[string]string `json:"extra"`
}

func TestGenerator(t *testing.T) {
	g := &Generator{Strict: true, Required: true, Nullable: true, Fields: map[string]Schema{"outer.tagged": {"enum": []any{"a", "b"}}}}
	ref := g.Ref(reflect.TypeOf(outer{}))
	require.NoError(t, g.Err())
	assert.Equal(t, Schema{"$ref": "#/$defs/outer"}, ref)
	def := g.Defs["outer"]
	props := def["properties"].(Schema)
	assert.Equal(t, Schema{"type": "string"}, props["e"], "an embedded struct's fields are the outer's")
	assert.Equal(t, Schema{"$ref": "#/$defs/inner"}, props["opt"])
	assert.Equal(t, Schema{"anyOf": []any{Schema{"type": "array", "items": Schema{"$ref": "#/$defs/inner"}}, Schema{"type": "null"}}}, props["list"], "a nil slice is written as null")
	assert.Equal(t, Schema{"type": "object", "additionalProperties": Schema{"type": "boolean"}}, props["map"])
	assert.Equal(t, Schema{}, props["any"])
	assert.Equal(t, Schema{"type": "string", "enum": []any{"a", "b"}}, props["tagged"])
	assert.NotContains(t, props, "Skipped")
	assert.NotContains(t, props, "hidden")
	assert.Equal(t, false, def["additionalProperties"])
	assert.Equal(t, []string{"e", "name", "list", "extra"}, def["required"], "the fields always written")
	assert.Contains(t, g.Defs, "inner")
}

func TestGeneratorRefusesTypesWithTheirOwnJSON(t *testing.T) {
	g := &Generator{}
	g.Ref(reflect.TypeOf(struct {
		T time.Time `json:"t"`
	}{}))
	assert.Error(t, g.Err(), "an anonymous struct, and time.Time without an override")
	g = &Generator{Overrides: map[reflect.Type]Schema{reflect.TypeOf(time.Time{}): {"type": "string", "format": "date-time"}}}
	s := g.Ref(reflect.TypeOf(time.Time{}))
	require.NoError(t, g.Err())
	assert.Equal(t, "date-time", s["format"])
}
