package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/openwijkwerken/wijkwerken/schema"
)

// cmdSchema prints the JSON Schema of a file format.
func cmdSchema(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	kinds := strings.Join(schema.Kinds(), "|")
	fs := newFlags("schema", kinds, stderr)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return exitCommand
	}
	if len(pos) != 1 {
		fs.Usage()
		return exitCommand
	}
	b, err := schema.Get(pos[0])
	if err != nil {
		fmt.Fprintf(stderr, "wijkwerken schema: %v\n", err)
		return exitCommand
	}
	stdout.Write(b)
	return exitOK
}
