package main

import (
	"io"
	"strings"

	"github.com/openwijkwerken/wijkwerken/schema"
)

// cmdSchema prints the JSON Schema of a file format.
func cmdSchema(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	kinds := strings.Join(schema.Kinds(), "|")
	fs := newFlags("schema", kinds, stdout, stderr)
	pos, code, ok := fs.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return fs.usage("give one format")
	}
	b, err := schema.Get(pos[0])
	if err != nil {
		return fs.fail("%v", err)
	}
	stdout.Write(b)
	return exitOK
}
