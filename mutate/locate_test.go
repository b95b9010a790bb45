package mutate

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wk "github.com/openwijkwerken/wijkwerken"
)

// Each rule's mutants are placed where their node is written, whatever
// YAML style holds the expression; the lines and columns are counted by
// hand in the file below.
func TestPositions(t *testing.T) {
	src := `area: eligibility
rules:
  - id: a.plain
    cite: x
    from: 2018-01-01
    description: {nl: x, en: x}
    when: person.x > 1
    reason: r
    message: {nl: x, en: x}
  - id: a.double
    cite: x
    from: 2018-01-01
    description: {nl: x, en: x}
    when: "person.s == \"a\" && person.x >= 2"
    reason: r
    message: {nl: x, en: x}
  - id: a.single
    cite: x
    from: 2018-01-01
    description: {nl: x, en: x}
    when: 'person.s == ''b'' || person.x < 3'
    reason: r
    message: {nl: x, en: x}
  - id: a.literal
    cite: x
    from: 2018-01-01
    description: {nl: x, en: x}
    when: |
      person.x > 4
        && not person.y
    reason: r
    message: {nl: x, en: x}
  - id: a.folded
    cite: x
    from: 2018-01-01
    description: {nl: x, en: x}
    when: >-
      person.x > 5
      and person.y
    reason: r
    message: {nl: x, en: x}
  - id: a.multiline
    cite: x
    from: 2018-01-01
    description: {nl: x, en: x}
    when: person.x > 6
      or person.y
    reason: r
    message: {nl: x, en: x}
`
	rb, err := wk.Load(fstest.MapFS{"r.yaml": {Data: []byte(src)}}, "r.yaml")
	require.NoError(t, err)
	read := func(string) ([]byte, error) { return []byte(src), nil }
	mutants, _ := Generate(rb, Options{Source: read, Operators: []string{OpComparison, OpEquality, OpLogical, OpNegation}})
	got := map[string]string{}
	for _, m := range mutants {
		got[m.Target+" "+strings.SplitN(m.Change, " → ", 2)[0]] = m.Pos.String()
	}
	assert.Equal(t, map[string]string{
		"a.plain person.x > 1":                      "r.yaml:7:20",
		`a.double person.s == "a"`:                  "r.yaml:14:21",
		"a.double person.x >= 2":                    "r.yaml:14:42",
		`a.double person.s == "a" && person.x >= 2`: "r.yaml:14:30",
		`a.single person.s == "b"`:                  "r.yaml:21:21",
		"a.single person.x < 3":                     "r.yaml:21:42",
		`a.single person.s == "b" || person.x < 3`:  "r.yaml:21:30",
		"a.literal person.x > 4":                    "r.yaml:29:16",
		"a.literal not person.y":                    "r.yaml:30:12",
		"a.literal person.x > 4 && not person.y":    "r.yaml:30:9",
		"a.folded person.x > 5":                     "r.yaml:38:16",
		"a.folded person.x > 5 and person.y":        "r.yaml:39:7",
		"a.multiline person.x > 6":                  "r.yaml:46:20",
		"a.multiline person.x > 6 or person.y":      "r.yaml:47:7",
	}, got)

	// Without the file, a mutant is placed at the start of its expression.
	mutants, _ = Generate(rb, Options{Rules: []string{"a.folded"}, Operators: []string{OpLogical}})
	require.Len(t, mutants, 1)
	assert.Equal(t, "r.yaml:37:11", mutants[0].Pos.String())
}

func TestValuePositions(t *testing.T) {
	src := `parameters:
  - id: p.list
    type: list
    cite: x
    values:
      - from: 2018-01-01
        to: 2019-12-31
        value: [a, "b", c]
      - from: 2020-01-01
        value:
          - a
          - d
`
	rb, err := wk.Load(fstest.MapFS{"p.yaml": {Data: []byte(src)}}, "p.yaml")
	require.NoError(t, err)
	read := func(string) ([]byte, error) { return []byte(src), nil }
	mutants, _ := Generate(rb, Options{Source: read})
	got := map[string]string{}
	for _, m := range mutants {
		got[m.ID] = m.Pos.String()
	}
	assert.Equal(t, map[string]string{
		"param p.list@2018-01-01: drop a":                       "p.yaml:8:17",
		"param p.list@2018-01-01: drop b":                       "p.yaml:8:20",
		"param p.list@2018-01-01: drop c":                       "p.yaml:8:25",
		"param p.list@2018-01-01: from 2018-01-01 → 2017-12-31": "p.yaml:6:15",
		"param p.list@2020-01-01: drop a":                       "p.yaml:11:13",
		"param p.list@2020-01-01: drop d":                       "p.yaml:12:13",
		"param p.list@2020-01-01: from 2020-01-01 → 2019-12-31": "p.yaml:9:15",
		"param p.list@2020-01-01: from 2020-01-01 → 2020-01-02": "p.yaml:9:15",
	}, got)
}
