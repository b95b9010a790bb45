package yamldoc

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func TestParse(t *testing.T) {
	doc, err := Parse([]byte("a: 1\n"))
	require.NoError(t, err)
	require.Len(t, doc.Content, 1)
	assert.Equal(t, yaml.MappingNode, doc.Content[0].Kind)

	doc, err = Parse(nil)
	require.NoError(t, err)
	assert.Equal(t, yaml.Kind(0), doc.Kind, "an empty input is an empty node, as yaml.Unmarshal gives")

	_, err = Parse([]byte("a: 1\n---\nb: 2\n"))
	require.Error(t, err)
	assert.Equal(t, "yaml: line 3: a second document; a file holds one", err.Error())

	_, err = Parse([]byte(`{"a": 1} {"b": 2}`))
	require.Error(t, err, "data after a JSON document")
	assert.Equal(t, "yaml: data after the document; a file holds one", err.Error())

	_, err = Parse([]byte("a: 1\n---\nb: [\n"))
	require.Error(t, err, "a syntax error in the second document")
	assert.Contains(t, err.Error(), "line")

	_, err = Parse([]byte("a: 1\n---\n"))
	assert.NoError(t, err, "a trailing document marker holds no document")
}
