package yamljson

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecode(t *testing.T) {
	v, err := Decode([]byte("date: 2024-03-01\nprice: 7.450\nn: 12\nok: true\nnone: ~\nlist: [a, 2]\nquoted: '7'\nhex: 0x1F\n"))
	require.NoError(t, err)
	assert.Equal(t, map[string]any{
		"date":  "2024-03-01", // YAML 1.2 core: a string, as editors read it
		"price": json.Number("7.450"), "n": json.Number("12"), "ok": true, "none": nil,
		"list": []any{"a", json.Number("2")}, "quoted": "7",
		"hex": "0x1F", // no JSON form: kept as written
	}, v)
	_, err = Decode([]byte("a: 1\na: 2\n"))
	assert.ErrorContains(t, err, `key "a" given twice`)
	b, err := ToJSON([]byte("a: {b: [1, x]}\n"))
	require.NoError(t, err)
	assert.Equal(t, `{"a":{"b":[1,"x"]}}`, string(b))
}

func TestDecodeBoundsAliases(t *testing.T) {
	// A billion laughs: each alias expands the one before.
	doc := "a: &a [x, x]\nb: &b [*a, *a]\nc: &c [*b, *b]\nd: &d [*c, *c]\n"
	_, err := Decode([]byte(doc))
	require.NoError(t, err, "shallow aliases expand")
	deep := "a: &a [x]\n"
	prev := "a"
	for i := 0; i < 250; i++ {
		name := "n" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		deep += name + ": &" + name + " [*" + prev + "]\n"
		prev = name
	}
	_, err = Decode([]byte(deep))
	assert.ErrorContains(t, err, "nested more than")
}
