package server

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/shopspring/decimal"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/internal/schemagen"
	"github.com/openwijkwerken/wijkwerken/internal/yamljson"
	"github.com/openwijkwerken/wijkwerken/scenario"
	"github.com/openwijkwerken/wijkwerken/schema"
)

//go:embed openapi.yaml
var openapiYAML []byte

const componentRef = "#/components/schemas/"

// outputTypes are the JSON types of the decision's outputs, by path. Every
// path of decision.Paths must be here (OpenAPI fails otherwise), so that a
// new output cannot go undocumented. (When the paths declare their Go
// types, derive these from them.)
var outputTypes = map[string]string{
	"eligibility.eligible": "boolean", "eligibility.reasons": "codes", "eligibility.referrer": "string",
	"trajectory.last_day": "date-or-null", "trajectory.transitional": "boolean", "trajectory.next_evaluation_due": "date",
	"trajectory.evaluation_overdue": "boolean", "trajectory.status": "string",
	"agreement.valid": "boolean", "agreement.reasons": "codes",
	"hours.allowed": "integer", "hours.counted": "integer", "hours.month_remaining": "integer", "hours.year_remaining": "integer", "hours.reasons": "codes",
	"vouchers.cheques_needed": "integer", "vouchers.price_valid": "boolean", "vouchers.expires": "date", "vouchers.valid": "boolean",
	"vouchers.allowance": "decimal", "vouchers.travel_allowance": "decimal", "vouchers.registration_fee": "decimal",
	"vouchers.tax_reduction": "decimal", "vouchers.reasons": "codes",
	"placement.allowed": "boolean", "placement.reasons": "codes", "placement.assignment_allowed": "boolean", "placement.assignment_reasons": "codes",
	"community_service.eligible": "boolean", "community_service.plan_valid": "boolean", "community_service.reasons": "codes",
	"community_service.allowance": "decimal",
	// Outputs of DESIGN.md that the engine on main computes already: kept
	// here so that the contract follows when it is merged.
	"vouchers.price_in_force": "decimal", "vouchers.covid_compensation": "decimal",
	"organiser.valid": "boolean", "organiser.reasons": "codes",
}

func outputSchema(kind string) (schemagen.Schema, error) {
	switch kind {
	case "boolean", "string", "integer":
		return schemagen.Schema{"type": kind}, nil
	case "codes":
		return schemagen.Schema{"type": "array", "items": schemagen.Schema{"type": "string"}, "description": "reason codes"}, nil
	case "date":
		return schemagen.Schema{"type": "string", "format": "date"}, nil
	case "date-or-null":
		return schemagen.Schema{"type": []any{"string", "null"}, "format": "date"}, nil
	case "decimal":
		return schemagen.Schema{"$ref": componentRef + "Decimal"}, nil
	}
	return nil, fmt.Errorf("output type %q", kind)
}

var openapiOnce = sync.OnceValues(buildOpenAPI)

// OpenAPI returns the service's OpenAPI 3.1 document as JSON: the paths
// and hand-written schemas of openapi.yaml, the case document's schemas
// from package schema, the decision's outputs from decision.Paths, and the
// schemas of the Go types the service reads and writes.
func OpenAPI() ([]byte, error) { return openapiOnce() }

func buildOpenAPI() ([]byte, error) {
	v, err := yamljson.Decode(openapiYAML)
	if err != nil {
		return nil, fmt.Errorf("openapi.yaml: %w", err)
	}
	doc := v.(map[string]any)
	schemas := doc["components"].(map[string]any)["schemas"].(map[string]any)
	add := func(name string, s any) error {
		if _, dup := schemas[name]; dup {
			return fmt.Errorf("openapi: two schemas named %s", name)
		}
		schemas[name] = s
		return nil
	}

	// The case document, from its JSON Schema.
	caseJSON, err := schema.Get("case")
	if err != nil {
		return nil, err
	}
	var caseDoc struct {
		Defs map[string]json.RawMessage `json:"$defs"`
	}
	if err := json.Unmarshal(caseJSON, &caseDoc); err != nil {
		return nil, err
	}
	for name, raw := range caseDoc.Defs {
		var s any
		if err := json.Unmarshal([]byte(strings.ReplaceAll(string(raw), "#/$defs/", componentRef)), &s); err != nil {
			return nil, err
		}
		if err := add(name, s); err != nil {
			return nil, err
		}
	}

	// The decision's outputs, an object per area.
	areas := map[string]schemagen.Schema{}
	var order []string
	for _, p := range decision.Paths() {
		kind, ok := outputTypes[p.Path]
		if !ok {
			return nil, fmt.Errorf("openapi: output %s has no type in outputTypes", p.Path)
		}
		s, err := outputSchema(kind)
		if err != nil {
			return nil, err
		}
		s["description"] = p.Meaning
		area, field, _ := strings.Cut(p.Path, ".")
		if areas[area] == nil {
			areas[area] = schemagen.Schema{"type": "object", "properties": schemagen.Schema{}}
			order = append(order, area)
		}
		areas[area]["properties"].(schemagen.Schema)[field] = s
	}
	decisionDoc := schemas["Decision"].(map[string]any)
	outputs := map[string]any{"type": "object", "required": []any{"date"}, "description": "the outputs of a decision, as a batch line's result holds them"}
	outProps := map[string]any{}
	for k, v := range decisionDoc["properties"].(map[string]any) {
		if k != "fingerprint" && k != "engine" {
			outProps[k] = v
		}
	}
	for _, a := range order {
		decisionDoc["properties"].(map[string]any)[a] = areas[a]
		outProps[a] = areas[a]
	}
	outputs["properties"] = outProps
	if err := add("DecisionOutputs", outputs); err != nil {
		return nil, err
	}

	// What the service reads: strict, as it decodes.
	in := &schemagen.Generator{RefPrefix: componentRef, Strict: true, Overrides: map[reflect.Type]schemagen.Schema{
		reflect.TypeOf(json.RawMessage{}): {},
	}, Fields: map[string]schemagen.Schema{
		"DecideRequest.case":          {"$ref": componentRef + "Case"},
		"DecideRequest.date":          {"format": "date"},
		"CompareRequest.population":   {"items": schemagen.Schema{"$ref": componentRef + "BatchLine"}},
		"CompareRequest.date":         {"format": "date"},
		"ScenariosRequest.files":      {"minItems": 1},
		"File.content":                {"description": "the file's text, YAML or JSON"},
		"File.name":                   {"description": "names the file in errors and reports"},
		"ScenariosRequest.reforms":    {"maxItems": 8},
		"DecideRequest.reforms":       {"maxItems": 8},
		"CompareRequest.reforms":      {"minItems": 1, "maxItems": 8},
		"CompareRequest.examples":     {"minimum": 0},
		"ScenariosRequest.coverage":   {"description": "add the rule coverage of the run"},
		"ScenariosRequest.run":        {"description": "a regular expression: run the scenarios whose name matches"},
		"CompareRequest.sample":       {"description": "compare the service's sample population instead of population"},
		"LintRequest.reforms":         {"minItems": 1, "maxItems": 8},
		"CaseCheckRequest.case":       {"type": "object", "description": "a case as JSON: what is checked, so it need not be valid"},
		"CaseCheckRequest.document":   {"description": "a case document as text: YAML or JSON, the case itself or {date, case}"},
		"CaseCheckRequest.date":       {"format": "date"},
		"CaseScenarioRequest.case":    {"$ref": componentRef + "Case"},
		"CaseScenarioRequest.date":    {"format": "date"},
		"CaseScenarioRequest.reforms": {"maxItems": 8},
	}}
	for _, t := range []any{DecideRequest{}, ScenariosRequest{}, CompareRequest{}, LintRequest{}, CaseCheckRequest{}, CaseScenarioRequest{}} {
		in.Ref(reflect.TypeOf(t))
	}
	if err := in.Err(); err != nil {
		return nil, err
	}
	schemas["DecideRequest"] = in.Defs["DecideRequest"]
	schemas["ScenariosRequest"] = in.Defs["ScenariosRequest"]
	schemas["CompareRequest"] = in.Defs["CompareRequest"]
	schemas["File"] = in.Defs["File"]
	for _, name := range []string{"LintRequest", "CaseCheckRequest", "CaseScenarioRequest"} {
		schemas[name] = in.Defs[name]
	}
	in.Defs["LintRequest"]["required"] = []any{"reforms"}
	in.Defs["CaseScenarioRequest"]["required"] = []any{"case"}
	in.Defs["DecideRequest"]["required"] = []any{"case"}
	in.Defs["CompareRequest"]["required"] = []any{"reforms"} // and population, or sample
	in.Defs["ScenariosRequest"]["required"] = []any{"files"}
	in.Defs["File"]["required"] = []any{"content"}

	// What the service writes: every field it always writes is required.
	dateOrNull := schemagen.Schema{"type": []any{"string", "null"}, "format": "date"}
	out := &schemagen.Generator{RefPrefix: componentRef, Required: true, Nullable: true,
		Overrides: map[reflect.Type]schemagen.Schema{
			reflect.TypeOf(wk.Date{}):         dateOrNull,
			reflect.TypeOf(wk.Value{}):        {"description": "a parameter's value: an integer, a decimal as a string, a date, a string, a list of strings or a boolean"},
			reflect.TypeOf(wk.Kind(0)):        {"enum": []any{"integer", "decimal", "date", "string", "list", "bool"}},
			reflect.TypeOf(decimal.Decimal{}): {"$ref": componentRef + "Decimal"},
			reflect.TypeOf(time.Duration(0)):  {"type": "integer", "description": "nanoseconds"},
			reflect.TypeOf(wk.Text{}):         {"$ref": componentRef + "Text"},
			reflect.TypeOf(json.RawMessage{}): {},
		},
		Fields: map[string]schemagen.Schema{
			"Problem.type":           {"format": "uri", "description": "the kind of problem: " + ProblemBase + "KIND"},
			"Problem.instance":       {"description": "this occurrence: urn:wijkwerken:request:ID"},
			"Step.value":             {"description": "the value a value rule computed"},
			"CaseCheckResponse.case": {"$ref": componentRef + "Case"},
		},
	}
	for _, t := range []any{
		Problem{}, ParametersResponse{}, ParameterResponse{}, RulesResponse{}, RuleResponse{}, VersionResponse{}, Health{},
		CompareResponse{}, wk.Trace{}, scenario.Failure{}, scenario.Coverage{},
		ChangesResponse{}, LintResponse{}, CaseCheckResponse{},
	} {
		out.Ref(reflect.TypeOf(t))
	}
	if err := out.Err(); err != nil {
		return nil, err
	}
	for name, s := range out.Defs {
		if err := add(name, s); err != nil {
			return nil, err
		}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	return b, nil
}
