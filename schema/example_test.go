package schema_test

import (
	"encoding/json"
	"fmt"

	"github.com/openwijkwerken/wijkwerken/schema"
)

// Every file format has a JSON Schema (draft 2020-12); an editor with a
// YAML language server uses one from a comment on a file's first line:
//
//	# yaml-language-server: $schema=../../schema/scenario.schema.json
func ExampleGet() {
	fmt.Println(schema.Kinds())
	b, err := schema.Get("case")
	if err != nil {
		panic(err)
	}
	var s struct {
		Schema string `json:"$schema"`
	}
	if err := json.Unmarshal(b, &s); err != nil {
		panic(err)
	}
	fmt.Println(s.Schema)
	fmt.Println(schema.File("case"))
	// Output:
	// [case reform register rulebook scenario]
	// https://json-schema.org/draft/2020-12/schema
	// case.schema.json
}
