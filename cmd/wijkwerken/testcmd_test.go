package main

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const goodScenario = `scenarios:
  - name: a leefloon recipient is referred by the OCMW
    date: 2024-03-01
    case:
      person: {domicile_region: flanders, registered_jobseeker: false, income: leefloon}
    expect:
      eligibility.referrer: ocmw
  - name: the referrer is wrong on purpose
    date: 2024-03-01
    case:
      person: {domicile_region: flanders, registered_jobseeker: false, income: leefloon}
    expect:
      eligibility.referrer: vdab
`

// One broken scenario file no longer stops the run: the valid files run
// (their failures reported), the broken one is reported on its line, the
// run exits 2 (a file is broken), and the JUnit file is written with the
// broken file as a testcase in error.
func TestTestBrokenFileDoesNotStopTheRun(t *testing.T) {
	dir := t.TempDir()
	writeAt(t, dir, "a-good.yaml", goodScenario)
	broken := writeAt(t, dir, "b-broken.yaml", "scenarios:\n  - name: x\n    date: 2024-03-01\n    case: {}\n    expect: {eligibility.elegible: true}\n")
	junit := filepath.Join(t.TempDir(), "junit.xml")
	code, out, errs := runCLI(t, "test", "--junit", junit, dir)
	assert.Equal(t, 2, code, "a broken file: exit 2")
	assert.Contains(t, errs, broken+`:5:14: scenario "x": unknown output path "eligibility.elegible" (did you mean "eligibility.eligible"?)`)
	assert.Contains(t, out, `scenario "the referrer is wrong on purpose": eligibility.referrer: want vdab, got ocmw`, "the good file ran")
	assert.Contains(t, out, "1 passed, 1 failed, 1 broken file not run")

	var doc struct {
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Errors   int    `xml:"errors,attr"`
		Time     string `xml:"time,attr"`
		Suites   []struct {
			Name   string `xml:"name,attr"`
			Tests  int    `xml:"tests,attr"`
			Errors int    `xml:"errors,attr"`
			Time   string `xml:"time,attr"`
			Cases  []struct {
				Name  string `xml:"name,attr"`
				File  string `xml:"file,attr"`
				Line  int    `xml:"line,attr"`
				Time  string `xml:"time,attr"`
				Error *struct {
					Message string `xml:"message,attr"`
					Text    string `xml:",chardata"`
				} `xml:"error"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	data, err := os.ReadFile(junit)
	require.NoError(t, err, "the JUnit file is written")
	require.NoError(t, xml.Unmarshal(data, &doc))
	assert.Equal(t, 3, doc.Tests)
	assert.Equal(t, 1, doc.Failures)
	assert.Equal(t, 1, doc.Errors)
	require.Len(t, doc.Suites, 2)
	b := doc.Suites[1]
	assert.Equal(t, broken, b.Name)
	require.Len(t, b.Cases, 1)
	require.NotNil(t, b.Cases[0].Error)
	assert.Equal(t, 5, b.Cases[0].Line)
	assert.Contains(t, b.Cases[0].Error.Message, `unknown output path "eligibility.elegible"`)

	// Every time is a number of seconds (the schema's xs:decimal).
	times := []string{doc.Time}
	for _, s := range doc.Suites {
		times = append(times, s.Time)
		for _, c := range s.Cases {
			times = append(times, c.Time)
		}
	}
	for _, tm := range times {
		_, err := strconv.ParseFloat(tm, 64)
		assert.NoError(t, err, "time=%q", tm)
	}

	// A syntax error is a broken file too; GitHub annotations name it.
	writeAt(t, dir, "c-syntax.yaml", "scenarios: [\n")
	code, out, _ = runCLI(t, "test", "--format", "github", dir)
	assert.Equal(t, 2, code)
	assert.Contains(t, out, "title=broken scenario file::")
	assert.Contains(t, out, "1 passed, 1 failed, 2 broken files not run")
}

// The testsuite time of a passing suite is a number too.
func TestJUnitSuiteTimeIsANumber(t *testing.T) {
	junit := filepath.Join(t.TempDir(), "junit.xml")
	code, _, errs := runCLI(t, "test", "--junit", junit, "../../examples/ci/scenarios")
	require.Equal(t, 0, code, errs)
	data, err := os.ReadFile(junit)
	require.NoError(t, err)
	assert.NotContains(t, string(data), `time=""`)
	assert.Regexp(t, `<testsuite name="[^"]*" tests="\d+" failures="0" errors="0" time="\d+\.\d{6}">`, string(data))
}

// --run that matches no scenario is a usage error (exit 2): a CI job that
// runs nothing must not pass.
func TestRunMatchingNothingExits2(t *testing.T) {
	code, out, errs := runCLI(t, "test", "--run", "^nomatch$", scenarios)
	assert.Equal(t, 2, code)
	assert.Empty(t, out)
	assert.Equal(t, "wijkwerken test: --run \"^nomatch$\" matches no scenario in "+scenarios+"\n", errs)
}

// Amounts in failures are written with their cents, want and got alike.
func TestMoneyWithTwoDecimals(t *testing.T) {
	code, out, _ := runCLI(t, "test", "../../examples/ci/broken")
	assert.Equal(t, 1, code)
	assert.Contains(t, out, "vouchers.allowance: want 5.00, got 4.10")

	p := writeFile(t, "pay.yaml", `scenarios:
  - name: whole euros
    date: 2025-09-15
    case:
      trajectory: {start: 2025-03-01}
      request: {date: 2025-09-15, minutes: 60}
    expect:
      vouchers.allowance: 5
`)
	_, out, _ = runCLI(t, "test", p)
	assert.Contains(t, out, "vouchers.allowance: want 5.00, got 4.10")

	// eval writes the amounts with their cents too: 70 minutes are 2
	// cheques paid 4.10 each, 8.20.
	code, out, errs := runCLI(t, "eval", "--date", "2024-03-20", "../../testdata/cases/vouchers.yaml")
	require.Equal(t, 0, code, errs)
	assert.Contains(t, out, "allowance              8.20\n")
	assert.Contains(t, out, "registration_fee       7.50\n")
}

// Control bytes in a scenario's name (or any other text of the user's)
// never reach the terminal raw: ESC is shown as \x1b, a carriage return
// as \r.
func TestControlBytesEscaped(t *testing.T) {
	p := writeFile(t, "esc.yaml", "scenarios:\n  - name: \"evil \\e[2J\\rok   \\u009b31m\"\n    date: 2024-03-01\n    case:\n      person: {domicile_region: flanders, registered_jobseeker: false, income: leefloon}\n    expect:\n      eligibility.referrer: vdab\n")
	for _, format := range []string{"text", "github"} {
		code, out, errs := runCLI(t, "test", "-v", "--format", format, p)
		assert.Equal(t, 1, code, errs)
		for _, raw := range []string{"\x1b", "\r", "\u009b"} {
			assert.NotContains(t, out, raw, format)
			assert.NotContains(t, errs, raw, format)
		}
		assert.Contains(t, out, `\x1b[2J`, format)
	}
	// JSON keeps the exact name, escaped the JSON way.
	_, out, _ := runCLI(t, "test", "--format", "json", p)
	assert.Contains(t, out, `"name": "evil \u001b[2J\rok   `+"\u009b"+`31m"`)

	// A broken file's problem that quotes a user's key.
	p = writeFile(t, "key.yaml", "scenarios:\n  - name: x\n    \"da\\ete\": 2024-03-01\n")
	_, _, errs := runCLI(t, "test", p)
	assert.NotContains(t, errs, "\x1b")
}

func TestEscaper(t *testing.T) {
	var b strings.Builder
	e := newEscaper(&b)
	_, err := e.Write([]byte("ok\tline\nESC \x1b[31m red, CR \r, DEL \x7f, CSI \u009b, RLO \u202e, é, invalid \xff"))
	require.NoError(t, err)
	assert.Equal(t, "ok\tline\nESC \\x1b[31m red, CR \\r, DEL \\x7f, CSI \\u009b, RLO \\u202e, é, invalid \\xff", b.String())
	// A rune split across two writes is kept whole.
	b.Reset()
	e.Write([]byte("caf\xc3"))
	e.Write([]byte("\xa9 \xc2"))
	e.Write([]byte("\x9b"))
	assert.Equal(t, "café \\u009b", b.String())
	assert.Same(t, &b, raw(e))
}
