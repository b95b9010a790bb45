package schema

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/internal/schemagen"
	"github.com/openwijkwerken/wijkwerken/placement"
	"github.com/openwijkwerken/wijkwerken/scenario"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite the committed *.schema.json files from the generator")

type S = schemagen.Schema

const dialect = "https://json-schema.org/draft/2020-12/schema"

// Shared pieces of the formats.
var (
	dateSchema = S{"type": "string", "format": "date", "pattern": `^[0-9]{4}-[0-9]{2}-[0-9]{2}$`,
		"description": "a civil date, YYYY-MM-DD"}
	decimalSchema = S{"type": []any{"number", "string"}, "pattern": `^-?[0-9]+(\.[0-9]+)?$`,
		"description": "an exact decimal number, as a number or a string (\"7.45\")"}
	textSchema = S{"type": "object", "description": "a text in Dutch and English",
		"properties": S{"nl": S{"type": "string"}, "en": S{"type": "string"}}, "additionalProperties": false}
	idPattern   = `^[a-z][a-z0-9_]*(\.[a-z0-9_]+)*$`
	codePattern = `^[a-z][a-z0-9_]*$`
	confidences = []any{"high", "medium", "low"}
	// sourcesSchema is a sources: list, where the parsers take one.
	sourcesSchema = S{"type": "array", "items": S{"type": "string"}, "description": "where the value or the rule was checked (URLs, documents)"}
)

// caseGenerator describes the Go types of the case document: strict (the
// decoders reject unknown fields), with the enumerations Validate checks.
func caseGenerator() *schemagen.Generator {
	g := &schemagen.Generator{
		Strict: true,
		Overrides: map[reflect.Type]S{
			reflect.TypeOf(wk.Date{}):          dateSchema,
			reflect.TypeOf(decimal.Decimal{}):  decimalSchema,
			reflect.TypeOf(&decimal.Decimal{}): decimalSchema,
		},
		Fields: map[string]S{
			"Trajectory.hours": {"propertyNames": S{"pattern": `^[0-9]{4}-(0[1-9]|1[0-2])$`},
				"description": "started hours already registered per month, keyed YYYY-MM"},
		},
	}
	// The enumerations are keyed by path in the document; the generator
	// by the definition that holds the field.
	holder := map[string]string{
		"person": "Person", "household": "Household", "household.partner": "Partner", "trajectory": "Trajectory",
		"request": "Request", "request.user": "User", "purchase": "Purchase", "community_service": "CommunityService",
	}
	for path, values := range dossier.Enumerations() {
		i := len(path) - 1
		for path[i] != '.' {
			i--
		}
		def, ok := holder[path[:i]]
		if !ok {
			panic("schema: no definition holds " + path)
		}
		enum := make([]any, len(values))
		for j, v := range values {
			enum[j] = v
		}
		g.Fields[def+"."+path[i+1:]] = S{"enum": enum}
	}
	return g
}

func caseSchema() (S, error) {
	g := caseGenerator()
	ref := g.Ref(reflect.TypeOf(dossier.Case{}))
	if err := g.Err(); err != nil {
		return nil, err
	}
	// A case file is the case itself, or {date, case} (what wijkwerken eval
	// reads; date may also stand beside the case's own sections).
	caseDef := g.Defs["Case"]
	beside := S{}
	for k, v := range caseDef["properties"].(S) {
		beside[k] = v
	}
	beside["date"] = S{"$ref": "#/$defs/Date"}
	defs := S{"Date": dateSchema}
	for k, v := range g.Defs {
		defs[k] = v
	}
	return S{
		"$schema":     dialect,
		"title":       "wijkwerken case document",
		"description": "A case of wijk-werken or gemeenschapsdienst: every section is optional; each area of the regulation decides from the sections it reads. A file holds the case itself, or {date, case}.",
		"oneOf": []any{
			S{"type": "object", "required": []any{"case"}, "additionalProperties": false,
				"properties": S{"date": S{"$ref": "#/$defs/Date"}, "case": ref}},
			S{"type": "object", "additionalProperties": false, "properties": beside},
		},
		"$defs": defs,
	}, nil
}

func registerSchema() (S, error) {
	g := &schemagen.Generator{
		Strict:    true,
		Overrides: map[reflect.Type]S{reflect.TypeOf(wk.Date{}): dateSchema},
		Fields: map[string]S{
			"Workplace.places": {"minimum": 1},
		},
	}
	ref := g.Ref(reflect.TypeOf(placement.Register{}))
	if err := g.Err(); err != nil {
		return nil, err
	}
	// ParseRegister requires these (its own checks).
	g.Defs["Register"]["required"] = []any{"authority"}
	g.Defs["Workplace"]["required"] = []any{"function", "service", "places"}
	g.Defs["Mentor"]["required"] = []any{"name"}
	return S{
		"$schema":     dialect,
		"title":       "wijkwerken register of learning workplaces",
		"description": "A local authority's learning workplaces for gemeenschapsdienst and the mentors it trained (wijkwerken workplaces).",
		"$ref":        ref["$ref"],
		"$defs":       g.Defs,
	}, nil
}

func outputPaths() []any {
	var out []any
	for _, p := range decision.Paths() {
		out = append(out, p.Path)
	}
	return out
}

func scenarioSchema() S {
	scenario := S{
		"type": "object", "additionalProperties": false, "required": []any{"name", "date", "case"},
		"properties": S{
			"name":         S{"type": "string", "minLength": 1, "description": "unique in its file"},
			"cite":         S{"type": "string", "description": "what decides it: an article, a source"},
			"description":  S{"type": "string"},
			"date":         S{"$ref": "#/$defs/Date", "description": "the decision date"},
			"case":         S{"description": "the case document (case.schema.json)"},
			"expect":       S{"$ref": "#/$defs/Expect"},
			"expect_error": S{"type": "string", "minLength": 1, "description": "a part of the error the decision must give"},
			"cases":        S{"$ref": "#/$defs/Table"},
		},
		"anyOf": []any{
			S{"required": []any{"expect"}}, S{"required": []any{"expect_error"}}, S{"required": []any{"cases"}},
		},
		"not": S{"anyOf": []any{S{"required": []any{"expect", "expect_error"}}, S{"required": []any{"cases", "expect_error"}}}},
		// A scenario that expects an error may hold a case the decoder
		// refuses (that is what it tests): its case is not checked here.
		"if":   S{"required": []any{"expect_error"}},
		"else": S{"properties": S{"case": S{"$ref": "case.schema.json#/$defs/Case"}}},
	}
	if accepts.scenario("expect_absent") {
		scenario["properties"].(S)["expect_absent"] = S{"type": "array", "items": S{"enum": outputPaths()},
			"description": "output paths that must not be computed"}
		scenario["anyOf"] = append(scenario["anyOf"].([]any), S{"required": []any{"expect_absent"}})
	}
	return S{
		"$schema":     dialect,
		"title":       "wijkwerken scenario file",
		"description": "Regulation scenarios: a decision to make and what it must come to (wijkwerken test). A file is a mapping with suite: and scenarios:, or the list of scenarios alone.",
		"oneOf": []any{
			S{"type": "object", "additionalProperties": false, "required": []any{"scenarios"},
				"properties": S{"suite": S{"type": "string"}, "scenarios": S{"type": "array", "items": S{"$ref": "#/$defs/Scenario"}}}},
			S{"type": "array", "items": S{"$ref": "#/$defs/Scenario"}},
		},
		"$defs": S{
			"Date":     dateSchema,
			"Scenario": scenario,
			"Expect": S{"type": "object", "description": "output path → expected value: numbers by value, dates as YYYY-MM-DD, reason lists as sets, null for a computed null",
				"propertyNames": S{"enum": outputPaths()}},
			"Table": S{"type": "object", "additionalProperties": false, "required": []any{"columns", "rows"},
				"description": "one scenario per row: columns are output paths (expected values), date, expect_error, or case fields as dotted paths (person.income)",
				"properties": S{
					"columns": S{"type": "array", "minItems": 1, "items": S{"type": "string"}},
					"rows":    S{"type": "array", "items": S{"type": "array"}},
				}},
		},
	}
}

// rulebookDefs are the entries of rulebook files, which reforms reuse.
func rulebookDefs(areas []string) S {
	defs := writtenRulebookDefs(areas)
	// Keys of the format newer than this generator's own list, added once
	// the parsers accept them.
	for def, probe := range map[string]string{"Parameter": "parameter", "ParamValue": "value", "Rule": "rule", "RuleChange": "rule"} {
		if accepts.rulebook(probe, "sources") {
			defs[def].(S)["properties"].(S)["sources"] = sourcesSchema
		}
	}
	return defs
}

func writtenRulebookDefs(areas []string) S {
	kinds := []any{}
	for k := wk.KindInteger; k <= wk.KindBool; k++ {
		kinds = append(kinds, k.String())
	}
	areaEnum := []any{}
	for _, a := range areas {
		areaEnum = append(areaEnum, a)
	}
	ruleProps := S{
		"id":          S{"type": "string", "pattern": idPattern},
		"area":        S{"enum": areaEnum},
		"cite":        S{"type": "string", "minLength": 1, "description": "the article or source the rule encodes"},
		"from":        S{"$ref": "#/$defs/Date"},
		"to":          S{"$ref": "#/$defs/Date"},
		"confidence":  S{"enum": confidences},
		"source":      S{"type": "string"},
		"description": S{"$ref": "#/$defs/Text"},
		"message":     S{"$ref": "#/$defs/Text", "description": "the finding people read (conditions)"},
		"when":        S{"type": "string", "minLength": 1, "description": "a condition (an expr expression): when true, the rule yields its reason"},
		"reason":      S{"type": "string", "pattern": codePattern},
		"value":       S{"type": "string", "minLength": 1, "description": "an expression that computes the output"},
		"output":      S{"type": "string", "pattern": codePattern},
	}
	return S{
		"Date": dateSchema,
		"Text": textSchema,
		"Parameter": S{
			"type": "object", "additionalProperties": false, "required": []any{"id", "type", "values"},
			"properties": S{
				"id":          S{"type": "string", "pattern": idPattern},
				"type":        S{"enum": kinds},
				"unit":        S{"type": "string"},
				"min":         S{"description": "the least value a decision can work with (integer, decimal or date parameters)"},
				"max":         S{"description": "the greatest value a decision can work with (integer, decimal or date parameters)"},
				"cite":        S{"type": "string"},
				"confidence":  S{"enum": confidences},
				"source":      S{"type": "string"},
				"description": S{"$ref": "#/$defs/Text"},
				"values":      S{"type": "array", "minItems": 1, "items": S{"$ref": "#/$defs/ParamValue"}},
			},
		},
		"ParamValue": S{
			"type": "object", "additionalProperties": false, "required": []any{"from", "value"},
			"properties": S{
				"from":       S{"$ref": "#/$defs/Date"},
				"to":         S{"$ref": "#/$defs/Date"},
				"value":      S{"description": "of the parameter's type; a list is a list of words"},
				"cite":       S{"type": "string"},
				"confidence": S{"enum": confidences},
				"source":     S{"type": "string"},
			},
		},
		"Rule": S{
			"type": "object", "additionalProperties": false, "required": []any{"id", "cite", "from", "description"},
			"properties": ruleProps,
			"oneOf": []any{
				S{"required": []any{"when", "reason", "message"}, "not": S{"anyOf": []any{S{"required": []any{"value"}}, S{"required": []any{"output"}}}}},
				S{"required": []any{"value", "output"}, "not": S{"anyOf": []any{S{"required": []any{"when"}}, S{"required": []any{"reason"}}}}},
			},
		},
		"RuleChange": S{
			"type": "object", "additionalProperties": false, "required": []any{"id"},
			"description": "a rule entry of which only the fields given change",
			"properties":  ruleProps,
		},
	}
}

func rulebookSchema(areas []string) S {
	return S{
		"$schema":     dialect,
		"title":       "wijkwerken rulebook file",
		"description": "Parameters with their timelines and rules with their versions, each citing its source (regulation/*.yaml).",
		"type":        "object", "additionalProperties": false,
		"properties": S{
			"area":        S{"enum": rulebookDefs(areas)["Rule"].(S)["properties"].(S)["area"].(S)["enum"], "description": "the area of the file's rules, unless a rule gives its own"},
			"description": S{"type": "string"},
			"parameters":  S{"type": "array", "items": S{"$ref": "#/$defs/Parameter"}},
			"rules":       S{"type": "array", "items": S{"$ref": "#/$defs/Rule"}},
		},
		"$defs": rulebookDefs(areas),
	}
}

func reformSchema(areas []string) S {
	defs := rulebookDefs(areas)
	defs["Set"] = S{
		"type": "object", "additionalProperties": false, "required": []any{"param", "from", "value"},
		"properties": S{
			"param": S{"type": "string", "pattern": idPattern},
			"from":  S{"$ref": "#/$defs/Date"},
			"to":    S{"$ref": "#/$defs/Date"},
			"value": S{"description": "of the parameter's type"},
			"cite":  S{"type": "string"},
		},
	}
	if accepts.reformSet("sources") {
		defs["Set"].(S)["properties"].(S)["sources"] = sourcesSchema
	}
	defs["Disable"] = S{
		"type": "object", "additionalProperties": false, "required": []any{"rule"},
		"properties": S{
			"rule": S{"type": "string", "pattern": idPattern},
			"from": S{"$ref": "#/$defs/Date"},
			"to":   S{"$ref": "#/$defs/Date"},
		},
	}
	return S{
		"$schema":     dialect,
		"title":       "wijkwerken reform file",
		"description": "A change to a rulebook: parameters set from a date, parameters and rules added, rules replaced (only the fields given change) or disabled.",
		"type":        "object", "additionalProperties": false, "required": []any{"reform"},
		"properties": S{
			"reform":         S{"type": "string", "minLength": 1, "description": "the reform's name, shown in reports"},
			"description":    S{"type": "string"},
			"cite":           S{"type": "string", "description": "the default citation of every change"},
			"set":            S{"type": "array", "items": S{"$ref": "#/$defs/Set"}},
			"add_parameters": S{"type": "array", "items": S{"$ref": "#/$defs/Parameter"}},
			"replace_rules":  S{"type": "array", "items": S{"$ref": "#/$defs/RuleChange"}},
			"add_rules":      S{"type": "array", "items": S{"$ref": "#/$defs/Rule"}},
			"disable_rules":  S{"type": "array", "items": S{"$ref": "#/$defs/Disable"}},
		},
		"$defs": defs,
	}
}

// accepts asks the parsers whether they take a key, for the keys of the
// formats that are newer than the written schemas.
var accepts = struct {
	scenario  func(key string) bool
	rulebook  func(entry, key string) bool
	reformSet func(key string) bool
}{
	reformSet: func(key string) bool {
		_, err := wk.ParseReform("r.yaml", []byte("reform: x\nset:\n  - {param: a.b, from: 2020-01-01, value: 1, "+key+": [x]}\n"))
		return err == nil || !strings.Contains(err.Error(), fmt.Sprintf("unknown key %q", key))
	},
	scenario: func(key string) bool {
		_, err := scenario.Parse("s.yaml", []byte("scenarios:\n  - {name: x, date: 2024-03-01, case: {}, expect: {eligibility.eligible: true}, "+key+": []}\n"))
		return err == nil || !strings.Contains(err.Error(), fmt.Sprintf("unknown key %q", key))
	},
	rulebook: func(entry, key string) bool {
		src := map[string]string{
			"parameter": "parameters:\n  - {id: a.b, type: integer, cite: c, " + key + ": [x], values: [{from: 2020-01-01, value: 1}]}\n",
			"value":     "parameters:\n  - {id: a.b, type: integer, cite: c, values: [{from: 2020-01-01, value: 1, " + key + ": [x]}]}\n",
			"rule":      "rules:\n  - {id: a.b, area: eligibility, " + key + ": [x]}\n",
		}[entry]
		_, err := wk.Load(fstest.MapFS{"rb.yaml": {Data: []byte(src)}}, "rb.yaml")
		return err == nil || !strings.Contains(err.Error(), fmt.Sprintf("unknown key %q", key))
	},
}

// generated returns every schema file, by kind.
func generated(t *testing.T) map[string]S {
	rb, err := wk.Reference()
	require.NoError(t, err)
	areas := rb.Areas()
	sort.Strings(areas)
	c, err := caseSchema()
	require.NoError(t, err)
	r, err := registerSchema()
	require.NoError(t, err)
	return map[string]S{
		"case":     c,
		"register": r,
		"scenario": scenarioSchema(),
		"rulebook": rulebookSchema(areas),
		"reform":   reformSchema(areas),
	}
}

func encode(s S) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(s); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// TestGenerated fails when a committed schema differs from what the
// generator makes of today's Go types; go generate ./schema (or go test
// ./schema -run TestGenerated -update) rewrites them.
func TestGenerated(t *testing.T) {
	for kind, s := range generated(t) {
		want := encode(s)
		if *update {
			require.NoError(t, os.WriteFile(File(kind), want, 0o644))
			continue
		}
		got, err := Get(kind)
		require.NoError(t, err, "a new kind: run go generate ./schema")
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from what the Go types give: run go generate ./schema", File(kind))
		}
	}
	if !*update {
		require.Len(t, Kinds(), len(generated(t)), "a schema file without a generator")
	}
}
