package scenario

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/internal/errwriter"
)

// Select keeps the scenarios whose name matches pattern (a regular
// expression, unanchored, as go test -run takes), and the suites that keep
// any. It returns the kept suites; an invalid pattern is an error.
func Select(suites []*Suite, pattern string) ([]*Suite, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("--run: %w", err)
	}
	var out []*Suite
	for _, s := range suites {
		kept := &Suite{File: s.File, Title: s.Title}
		for _, sc := range s.Scenarios {
			if re.MatchString(sc.Name) {
				kept.Scenarios = append(kept.Scenarios, sc)
			}
		}
		if len(kept.Scenarios) > 0 {
			out = append(out, kept)
		}
	}
	return out, nil
}

// Reproduce returns the command that runs only the outcome's scenario
// again: the report's Command (by default "wijkwerken test") with --run and
// the scenario's file, quoted for a POSIX shell.
func (r *Report) Reproduce(o *Outcome) string {
	cmd := r.Command
	if cmd == "" {
		cmd = "wijkwerken test"
	}
	return cmd + " --run " + shellQuote("^"+regexp.QuoteMeta(o.Scenario.Name)+"$") + " " + shellQuote(o.Scenario.Pos.File)
}

// shellQuote quotes s for a POSIX shell when it needs quoting.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:=+,@%", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// WriteGitHub writes the failures as GitHub Actions workflow commands, so
// that each shows as an annotation on the line of the scenario file it
// concerns ("::error file=F,line=L,title=T::message"), then the summary
// line.
func (r *Report) WriteGitHub(w io.Writer) error {
	ew := errwriter.New(w)
	for _, o := range r.Outcomes {
		for _, f := range o.Failures {
			msg := f.Path + ": want " + f.Want + ", got " + f.Got
			if f.Path == "" {
				msg = "want " + f.Want + ", got " + f.Got
			}
			msg += "\nreproduce: " + r.Reproduce(o)
			fmt.Fprintf(ew, "::error file=%s,line=%d,title=%s::%s\n", ghProperty(f.Pos.File), f.Pos.Line,
				ghProperty("scenario "+o.Scenario.Name), ghData(msg))
		}
	}
	for _, b := range r.Broken {
		writeProblemsGitHub(ew, b.Problems)
	}
	fmt.Fprintln(ew, r.Summary())
	return ew.Err()
}

// WriteLoadErrorGitHub writes an error loading scenario files as GitHub
// Actions annotations: each problem of a *wijkwerken.LoadError on its file
// and line, any other error as one annotation.
func WriteLoadErrorGitHub(w io.Writer, err error) error {
	ew := errwriter.New(w)
	var le *wk.LoadError
	if !errors.As(err, &le) {
		ew.Printf("::error title=wijkwerken test::%s\n", ghData(err.Error()))
		return ew.Err()
	}
	writeProblemsGitHub(ew, le.Problems)
	return ew.Err()
}

func writeProblemsGitHub(ew *errwriter.Writer, problems []wk.Problem) {
	for _, p := range problems {
		msg := p.Msg
		if p.ID != "" {
			msg = p.ID + ": " + msg
		}
		ew.Printf("::error file=%s,line=%d,col=%d,title=broken scenario file::%s\n", ghProperty(p.Pos.File), p.Pos.Line, p.Pos.Column, ghData(msg))
	}
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(s)
}

// ghProperty escapes a workflow command's property value.
func ghProperty(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}

// jsonReport is the JSON form of a report.
type jsonReport struct {
	Rulebook    string         `json:"rulebook"`
	Fingerprint string         `json:"fingerprint"`
	Engine      string         `json:"engine"` // the engine's version
	Passed      int            `json:"passed"`
	Failed      int            `json:"failed"`
	DurationMS  float64        `json:"duration_ms"`
	Scenarios   []jsonScenario `json:"scenarios"`
	Broken      []BrokenFile   `json:"broken,omitempty"`
	Coverage    *Coverage      `json:"coverage,omitempty"`
}

type jsonScenario struct {
	File      string    `json:"file"`
	Line      int       `json:"line"`
	Suite     string    `json:"suite,omitempty"`
	Name      string    `json:"name"`
	Passed    bool      `json:"passed"`
	Failures  []Failure `json:"failures,omitempty"`
	Error     string    `json:"error,omitempty"`
	Reproduce string    `json:"reproduce,omitempty"`
}

// WriteJSON writes the report as JSON: every scenario with its file, line
// and outcome, each failure with its position, want and got, the command
// that reproduces it, and the coverage when cov is not nil.
func (r *Report) WriteJSON(w io.Writer, cov *Coverage) error {
	out := jsonReport{Rulebook: r.Rulebook, Fingerprint: r.Fingerprint, Engine: r.Engine.Version, Passed: r.Passed, Failed: r.Failed,
		DurationMS: float64(r.Duration.Microseconds()) / 1000, Scenarios: []jsonScenario{}, Broken: r.Broken, Coverage: cov}
	for _, o := range r.Outcomes {
		js := jsonScenario{File: o.Scenario.Pos.File, Line: o.Scenario.Pos.Line, Name: o.Scenario.Name, Passed: o.Passed(), Failures: o.Failures}
		if o.Suite != nil {
			js.Suite = o.Suite.Title
		}
		if o.Err != nil {
			js.Error = o.Err.Error()
		}
		if !o.Passed() {
			js.Reproduce = r.Reproduce(o)
		}
		out.Scenarios = append(out.Scenarios, js)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
