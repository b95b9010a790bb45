// Package yamldoc reads a YAML (or JSON) file that must hold exactly one
// document, as every reader of wijkwerken's formats does: a second
// document after "---" is an error with its line, never silently ignored.
package yamldoc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Parse parses data into its document node, as yaml.Unmarshal into a
// yaml.Node does (an empty input gives a node of kind 0), and fails when a
// second document follows. A syntax error is yaml's, whose message names
// its line.
func Parse(data []byte) (yaml.Node, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return yaml.Node{}, nil
		}
		return yaml.Node{}, err
	}
	if err := Rest(dec); err != nil {
		return yaml.Node{}, err
	}
	return doc, nil
}

// Rest fails when dec, having decoded a file's document, holds another.
func Rest(dec *yaml.Decoder) error {
	for {
		var extra yaml.Node
		switch err := dec.Decode(&extra); {
		case errors.Is(err, io.EOF):
			return nil
		case err != nil && strings.Contains(err.Error(), "did not find expected <document start>"):
			// {"a": 1} {"b": 2}: yaml names no line.
			return errors.New("yaml: data after the document; a file holds one")
		case err != nil:
			return err
		}
		if empty(&extra) {
			continue // a "---" with nothing after it
		}
		line := extra.Line
		if len(extra.Content) > 0 {
			line = extra.Content[0].Line
		}
		return fmt.Errorf("yaml: line %d: a second document; a file holds one", line)
	}
}

func empty(n *yaml.Node) bool {
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	return n.Kind == 0 || n.Kind == yaml.DocumentNode && len(n.Content) == 0 ||
		n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == ""
}

var lineRE = regexp.MustCompile(`line (\d+)`)

// Line is the line a yaml error names, or 0.
func Line(err error) int {
	if m := lineRE.FindStringSubmatch(err.Error()); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}
