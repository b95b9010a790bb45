package schema

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/internal/yamljson"
	"github.com/openwijkwerken/wijkwerken/scenario"
)

// compile compiles every committed schema with a maintained validator of
// draft 2020-12 (which also checks each schema against the metaschema).
func compile(t *testing.T) map[string]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	for _, kind := range Kinds() {
		b, err := Get(kind)
		require.NoError(t, err)
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		require.NoError(t, err, kind)
		require.NoError(t, c.AddResource(schemaURL(kind), doc))
	}
	out := map[string]*jsonschema.Schema{}
	for _, kind := range Kinds() {
		s, err := c.Compile(schemaURL(kind))
		require.NoError(t, err, kind)
		out[kind] = s
	}
	s, err := c.Compile(schemaURL("case") + "#/$defs/Case")
	require.NoError(t, err)
	out["case-only"] = s
	return out
}

func schemaURL(kind string) string { return "file:///schema/" + File(kind) }

// kindOf says which schema a file of testdata/ or examples/ follows; "" for
// files that are not ours to check.
func kindOf(path string) string {
	p := filepath.ToSlash(path)
	switch {
	case strings.Contains(p, "/fuzz/"), strings.Contains(p, "/.github/"), strings.HasPrefix(p, "testdata/version/"):
		return "" // Go fuzz corpora, a GitHub workflow
	case strings.HasPrefix(p, "regulation/mutants/"):
		return "" // the declared equivalent mutants: wijkwerken mutate's own format, checked by its loader
	case strings.HasPrefix(p, "regulation/"), strings.HasPrefix(p, "mutate/testdata/tiny/rulebook/"):
		return "rulebook"
	case strings.HasPrefix(p, "examples/mutate/scenarios/"), strings.HasPrefix(p, "examples/mutate/weak/"), strings.HasPrefix(p, "mutate/testdata/tiny/scenarios/"):
		return "scenario"
	case p == "examples/mutate/reform.yaml":
		return "reform"
	case strings.HasPrefix(p, "testdata/cases/"):
		return "case"
	case strings.HasPrefix(p, "testdata/scenarios/"), strings.HasPrefix(p, "examples/ci/"):
		return "scenario"
	case strings.HasPrefix(p, "testdata/reforms/"), strings.HasPrefix(p, "examples/reform/"):
		return "reform"
	case strings.HasPrefix(p, "testdata/workplaces/"):
		return "register"
	}
	return "unknown"
}

// TestRepositoryFilesValidate validates every YAML and JSON file under
// testdata/ and examples/ (and the reference rulebook) against its schema.
func TestRepositoryFilesValidate(t *testing.T) {
	schemas := compile(t)
	root := ".."
	n := 0
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		if d.IsDir() {
			if strings.HasPrefix(d.Name(), ".") && rel != "." && d.Name() != ".github" || d.Name() == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		inData := strings.HasPrefix(rel, "testdata/") || strings.Contains(rel, "/testdata/") || strings.HasPrefix(rel, "examples/") || strings.HasPrefix(rel, "regulation/")
		ext := filepath.Ext(rel)
		if !inData || (ext != ".yaml" && ext != ".yml" && ext != ".json") {
			return nil
		}
		kind := kindOf(rel)
		switch kind {
		case "":
			return nil
		case "unknown":
			t.Errorf("%s: which schema does this file follow? (teach kindOf)", rel)
			return nil
		}
		n++
		data, err := os.ReadFile(path)
		require.NoError(t, err)
		v, err := yamljson.Decode(data)
		if err != nil {
			t.Errorf("%s: %v", rel, err)
			return nil
		}
		if err := schemas[kind].Validate(v); err != nil {
			t.Errorf("%s does not follow %s:\n%v", rel, File(kind), err)
		}
		return nil
	})
	require.NoError(t, err)
	assert.Greater(t, n, 30, "files checked")
}

// TestSchemasRefuse shows that the schemas do check: each document breaks
// one rule of its format.
func TestSchemasRefuse(t *testing.T) {
	schemas := compile(t)
	for _, tc := range []struct{ kind, doc, why string }{
		{"case", "person: {income: salary}", "an income outside the enumeration"},
		{"case", "person: {incme: leefloon}", "a misspelled field"},
		{"case", "trajectory: {start: 2024-3-1}", "a date not written YYYY-MM-DD"},
		{"case", "trajectory: {hours: {2024-13: 4}}", "a month key that is no month"},
		{"case", "request: {minutes: seventy}", "text where a number goes"},
		{"case", "date: 2024-03-01\ncase: {person: {}}\nperson: {}", "case: beside the case's own sections"},
		{"scenario", "scenarios:\n  - {name: x, date: 2024-03-01, case: {}, expect: {eligibility.eligble: true}}", "an unknown output path"},
		{"scenario", "scenarios:\n  - {name: x, date: 2024-03-01, case: {}}", "no expectation"},
		{"scenario", "scenarios:\n  - {name: x, date: 2024-03-01, case: {person: {income: salary}}, expect: {eligibility.eligible: true}}", "a bad case where no error is expected"},
		{"reform", "set:\n  - {param: hours.per_month_max, from: 2027-01-01, value: 80}", "a reform without its name"},
		{"reform", "reform: x\nset:\n  - {param: hours.per_month_max, value: 80}", "a change without from:"},
		{"rulebook", "rules:\n  - {id: a.b, area: eligibility, cite: c, from: 2020-01-01, description: {nl: a, en: b}, when: 'true', value: '1'}", "a rule that is condition and value"},
		{"rulebook", "rules:\n  - {id: a.b, area: elsewhere, cite: c, from: 2020-01-01, description: {nl: a, en: b}, value: '1', output: x}", "an unknown area"},
		{"register", "authority: x\nworkplaces:\n  - {function: f, service: s, places: 0}", "a workplace without places"},
	} {
		v, err := yamljson.Decode([]byte(tc.doc))
		require.NoError(t, err)
		assert.Error(t, schemas[tc.kind].Validate(v), "%s: %s must be refused", tc.kind, tc.why)
	}
	// And the scenario that expects an error may hold that bad case.
	v, err := yamljson.Decode([]byte("scenarios:\n  - {name: x, date: 2024-03-01, case: {person: {income: salary}}, expect_error: income}"))
	require.NoError(t, err)
	assert.NoError(t, schemas["scenario"].Validate(v))
}

// properties returns the property names of a schema object at path (keys
// into the decoded schema).
func properties(t *testing.T, kind string, path ...string) []string {
	t.Helper()
	b, err := Get(kind)
	require.NoError(t, err)
	var doc any
	require.NoError(t, json.Unmarshal(b, &doc))
	for _, p := range path {
		doc = doc.(map[string]any)[p]
	}
	var out []string
	for k := range doc.(map[string]any)["properties"].(map[string]any) {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

var allowedRE = regexp.MustCompile(`unknown key "zzzzzzzzzzzzzzzz" \(allowed: ([^)]*)\)`)

// allowedKeys reads the keys a parser accepts off its refusal of an
// unknown key (too far from every key for a "did you mean").
func allowedKeys(t *testing.T, err error) []string {
	t.Helper()
	require.Error(t, err)
	m := allowedRE.FindStringSubmatch(err.Error())
	require.NotNil(t, m, "no list of allowed keys in: %v", err)
	keys := strings.Split(m[1], ", ")
	sort.Strings(keys)
	return keys
}

// TestWrittenSchemasMatchParsers checks the schemas written beside the
// parsers (rulebook, reform, scenario) against the keys the parsers accept.
func TestWrittenSchemasMatchParsers(t *testing.T) {
	const bogus = "zzzzzzzzzzzzzzzz: 1\n"
	load := func(src string) error {
		_, err := wk.Load(fstest.MapFS{"rb.yaml": {Data: []byte(src)}}, "rb.yaml")
		return err
	}
	reform := func(src string) error { _, err := wk.ParseReform("r.yaml", []byte(src)); return err }

	assert.Equal(t, allowedKeys(t, load(bogus+"area: eligibility\n")), properties(t, "rulebook"), "top of a rulebook file")
	assert.Equal(t, allowedKeys(t, load("parameters:\n  - "+bogus)), properties(t, "rulebook", "$defs", "Parameter"), "a parameter")
	assert.Equal(t, allowedKeys(t, load("parameters:\n  - {id: a.b, type: integer, cite: c, values: [{from: 2020-01-01, value: 1, zzzzzzzzzzzzzzzz: 1}]}\n")), properties(t, "rulebook", "$defs", "ParamValue"), "a parameter value")
	assert.Equal(t, allowedKeys(t, load("rules:\n  - "+bogus)), properties(t, "rulebook", "$defs", "Rule"), "a rule")
	assert.Equal(t, allowedKeys(t, reform(bogus+"reform: x\n")), properties(t, "reform"), "top of a reform file")
	assert.Equal(t, allowedKeys(t, reform("reform: x\nset:\n  - "+bogus)), properties(t, "reform", "$defs", "Set"), "a change of a parameter")
	assert.Equal(t, allowedKeys(t, reform("reform: x\ndisable_rules:\n  - "+bogus)), properties(t, "reform", "$defs", "Disable"), "a rule disabled")
	assert.Equal(t, allowedKeys(t, reform("reform: x\nreplace_rules:\n  - "+bogus)), properties(t, "reform", "$defs", "RuleChange"), "a rule replaced")

	// Scenarios: the fields of scenario.Scenario plus the cases: table.
	want := []string{"cases"}
	st := reflect.TypeOf(scenario.Scenario{})
	for i := 0; i < st.NumField(); i++ {
		name, _, _ := strings.Cut(st.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" && name != "pos" {
			want = append(want, name)
		}
	}
	sort.Strings(want)
	assert.Equal(t, want, properties(t, "scenario", "$defs", "Scenario"), "a scenario")
	for _, k := range want {
		_, err := scenario.Parse("s.yaml", []byte("scenarios:\n  - {name: x, date: 2024-03-01, case: {}, expect: {eligibility.eligible: true}, "+k+": null}\n"))
		if err != nil {
			assert.NotContains(t, err.Error(), fmt.Sprintf("unknown key %q", k), "the parser refuses a key the schema has")
		}
	}
	_, err := scenario.Parse("s.yaml", []byte("scenarios:\n  - {name: x, date: 2024-03-01, case: {}, expect: {eligibility.eligible: true}, zzzzzzzzzzzzzzzz: 1}\n"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "unknown key")
}

// TestCaseEnumerationsMatchValidate finds every enumerated field of the case
// by giving each string field a value no list has and reading Validate's
// refusal: the schema's enumerations must be exactly those.
func TestCaseEnumerationsMatchValidate(t *testing.T) {
	found := map[string][]string{}
	allowed := regexp.MustCompile(`\(allowed: ([^)]*)\)`)
	var walk func(v reflect.Value, path string)
	walk = func(v reflect.Value, path string) {
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			f := t.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name == "" || name == "-" {
				continue
			}
			fv, fp := v.Field(i), path+"."+name
			switch {
			case f.Type.Kind() == reflect.String:
				c := &dossier.Case{}
				set(c, fp, "zz_not_a_value")
				var ce *dossier.CaseError
				if err := c.Validate(); errors.As(err, &ce) {
					for _, fe := range ce.Fields {
						if m := allowed.FindStringSubmatch(fe.Msg); m != nil && fe.Field == "case"+fp {
							found[strings.TrimPrefix(fp, ".")] = strings.Split(m[1], ", ")
						}
					}
				}
			case f.Type.Kind() == reflect.Pointer && f.Type.Elem().Kind() == reflect.Struct && f.Type.Elem().Name() != "Decimal":
				walk(reflect.New(f.Type.Elem()).Elem(), fp)
			case f.Type.Kind() == reflect.Struct && fv.Type().PkgPath() == t.PkgPath():
				walk(fv, fp)
			}
		}
	}
	walk(reflect.ValueOf(dossier.Case{}), "")
	require.NotEmpty(t, found)
	assert.Equal(t, found, dossier.Enumerations(), "dossier.Enumerations must list what Validate checks")

	b, err := Get("case")
	require.NoError(t, err)
	for path, values := range found {
		// The schema holds each list as the enum of its field.
		enc, _ := json.Marshal(map[string]any{"enum": values})
		assert.True(t, bytes.Contains(compact(b), enc[1:len(enc)-1]), "case.schema.json lacks the values of %s", path)
	}
}

func compact(b []byte) []byte {
	var out bytes.Buffer
	json.Compact(&out, b)
	return out.Bytes()
}

// set writes s into the string field at the dotted json path of c,
// allocating the sections on the way.
func set(c *dossier.Case, path, s string) {
	v := reflect.ValueOf(c).Elem()
	for _, name := range strings.Split(strings.TrimPrefix(path, "."), ".") {
		if v.Kind() == reflect.Pointer {
			if v.IsNil() {
				v.Set(reflect.New(v.Type().Elem()))
			}
			v = v.Elem()
		}
		t := v.Type()
		for i := 0; i < t.NumField(); i++ {
			if n, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); n == name {
				v = v.Field(i)
				break
			}
		}
	}
	v.SetString(s)
}

func TestKindsAndGet(t *testing.T) {
	assert.Equal(t, []string{"case", "reform", "register", "rulebook", "scenario"}, Kinds())
	_, err := Get("cas")
	require.Error(t, err)
	assert.True(t, slices.Contains(strings.Fields(strings.ReplaceAll(err.Error(), ",", " ")), "case"), err.Error())
}
