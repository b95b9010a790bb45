package server

import (
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestProblemTypesDocumented checks that every problem type resolves to a
// section of docs/serve.md, as its URI promises.
func TestProblemTypesDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/serve.md")
	require.NoError(t, err)
	for _, kind := range Kinds() {
		assert.Contains(t, string(doc), "\n### "+kind+"\n", "docs/serve.md has no section for problem type %s", kind)
		assert.NotEmpty(t, kindTitle[kind], kind)
	}
}

// TestOpenAPIPropertyNames guards the hand-written YAML: a comma in an
// unquoted description of a flow mapping would silently add a property.
func TestOpenAPIPropertyNames(t *testing.T) {
	b, err := OpenAPI()
	require.NoError(t, err)
	var doc any
	require.NoError(t, json.Unmarshal(b, &doc))
	name := regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch x := v.(type) {
		case map[string]any:
			if props, ok := x["properties"].(map[string]any); ok {
				for k := range props {
					assert.Regexp(t, name, k, "a property of %s", path)
				}
			}
			for k, c := range x {
				walk(path+"/"+k, c)
			}
		case []any:
			for _, c := range x {
				walk(path, c)
			}
		}
	}
	walk("", doc)
	for _, r := range []string{"/v1/decide", "/v1/decide/batch", "/openapi.json"} {
		assert.True(t, strings.Contains(string(b), `"`+r+`"`), r)
	}
}
