package scenario

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/internal/yamldoc"
	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"
)

// Runner runs scenarios against one rulebook. It is safe for concurrent use.
type Runner struct {
	eng         *decision.Engine
	fingerprint string
}

// NewRunner compiles the rulebook for running scenarios.
func NewRunner(rb *wk.Rulebook) (*Runner, error) {
	eng, err := decision.New(rb)
	if err != nil {
		return nil, err
	}
	return &Runner{eng: eng, fingerprint: rb.Fingerprint()}, nil
}

// Outcome is what running one scenario came to.
type Outcome struct {
	Suite    *Suite
	Scenario *Scenario
	Failures []Failure
	// Err is the decision's error when the scenario did not expect one.
	Err      error
	Trace    *wk.Trace
	Duration time.Duration
}

// Passed reports whether every expectation held.
func (o *Outcome) Passed() bool { return len(o.Failures) == 0 }

// Failure is one expectation that did not hold.
type Failure struct {
	Pos  wk.Position `json:"pos"`
	Path string      `json:"path,omitempty"`
	Want string      `json:"want"`
	Got  string      `json:"got"`
}

// Format writes the failure as file:line: scenario "name": path: want X, got Y.
func (f Failure) Format(scenario string) string {
	if f.Path == "" {
		return fmt.Sprintf("%s: scenario %q: want %s, got %s", f.Pos, scenario, f.Want, f.Got)
	}
	return fmt.Sprintf("%s: scenario %q: %s: want %s, got %s", f.Pos, scenario, f.Path, f.Want, f.Got)
}

// Report is the outcome of a run.
type Report struct {
	// Rulebook names the rulebook the scenarios ran against (with its
	// reforms), Fingerprint is its wijkwerken.Rulebook.Fingerprint and
	// Engine the build of the engine (wijkwerken.Version): which rules, and
	// which code, decided.
	Rulebook    string
	Fingerprint string
	Engine      wk.Build
	// Command is how the run was started, without its paths and --run
	// ("wijkwerken test --reform r.yaml"): Reproduce builds on it.
	Command  string
	Outcomes []*Outcome
	Passed   int
	Failed   int
	Duration time.Duration
	// Broken are the scenario files that could not be read or parsed,
	// whose scenarios did not run: the caller that loaded the files sets
	// them, and every format reports them (JUnit as an error testcase).
	Broken []BrokenFile
}

// OK reports whether every scenario passed and no file was broken.
func (r *Report) OK() bool { return r.Failed == 0 && len(r.Broken) == 0 }

// Run runs every scenario of the suites, in order. It stops early, with the
// context's error, when ctx is done.
func (r *Runner) Run(ctx context.Context, suites []*Suite) (*Report, error) {
	rep := &Report{Rulebook: r.eng.Rulebook().Name(), Fingerprint: r.fingerprint, Engine: wk.Version()}
	start := time.Now()
	for _, s := range suites {
		for _, sc := range s.Scenarios {
			if err := ctx.Err(); err != nil {
				return rep, err
			}
			o := r.RunScenario(sc)
			o.Suite = s
			rep.Outcomes = append(rep.Outcomes, o)
			if o.Passed() {
				rep.Passed++
			} else {
				rep.Failed++
			}
		}
	}
	rep.Duration = time.Since(start)
	return rep, nil
}

// RunScenario decides one scenario and checks its expectations.
func (r *Runner) RunScenario(sc *Scenario) *Outcome {
	start := time.Now()
	o := &Outcome{Scenario: sc}
	defer func() { o.Duration = time.Since(start) }()
	var errs []error
	var res *decision.Result
	if sc.inputErr != nil {
		errs = append(errs, sc.inputErr)
	} else {
		var err error
		res, err = r.eng.Decide(sc.Date, sc.Case, wk.WithTrace())
		if err != nil {
			errs = append(errs, err)
		} else {
			for _, ae := range res.Errors {
				errs = append(errs, ae)
			}
		}
		if res != nil {
			o.Trace = res.Trace
		}
	}
	if sc.ExpectError != "" {
		for _, err := range errs {
			if strings.Contains(strings.ToLower(err.Error()), strings.ToLower(sc.ExpectError)) {
				// The error, and (when the other areas decided) none of the
				// paths the scenario says the error keeps from being computed.
				if res != nil {
					for _, e := range sc.ExpectAbsent {
						if got, ok := res.Get(e.Path); ok {
							o.Failures = append(o.Failures, Failure{Pos: e.Pos, Path: e.Path, Want: "not computed", Got: decision.FormatValue(got)})
						}
					}
				}
				return o
			}
		}
		got := "no error"
		if len(errs) > 0 {
			got = fmt.Sprintf("error %q", errors.Join(errs...).Error())
		}
		o.Failures = append(o.Failures, Failure{Pos: sc.Pos, Want: fmt.Sprintf("an error containing %q", sc.ExpectError), Got: got})
		return o
	}
	if res == nil {
		o.Err = errors.Join(errs...)
		if len(sc.Expect) == 0 && len(sc.ExpectAbsent) > 0 {
			// Nothing computed is not what the scenario asks: it expects a
			// decision without these paths.
			o.Failures = append(o.Failures, Failure{Pos: sc.Pos, Want: "a decision", Got: "error: " + oneLine(o.Err)})
		}
		for _, e := range sc.Expect {
			o.Failures = append(o.Failures, Failure{Pos: e.Pos, Path: e.Path, Want: e.WantString(), Got: "not computed: " + oneLine(o.Err)})
		}
		return o
	}
	for _, e := range sc.Expect {
		got, ok := res.Get(e.Path)
		if !ok {
			why := "not computed"
			if err := res.Err(e.Path); err != nil {
				why += ": " + oneLine(err)
			} else {
				why += " (the case lacks what " + decision.AreaOf(e.Path) + " needs)"
			}
			o.Failures = append(o.Failures, Failure{Pos: e.Pos, Path: e.Path, Want: e.WantString(), Got: why})
			continue
		}
		if !match(e.want, got) {
			o.Failures = append(o.Failures, Failure{Pos: e.Pos, Path: e.Path, Want: wantString(e, got), Got: decision.FormatValue(got)})
		}
	}
	for _, e := range sc.ExpectAbsent {
		if got, ok := res.Get(e.Path); ok {
			o.Failures = append(o.Failures, Failure{Pos: e.Pos, Path: e.Path, Want: "not computed", Got: decision.FormatValue(got)})
		}
	}
	return o
}

// wantString formats an expected value beside the value got: an amount
// as amounts are written (5 as 5.00, like the got 4.10), anything else as
// written in the file.
func wantString(e Expectation, got any) string {
	if _, isDec := got.(decimal.Decimal); isDec && e.want.Kind == yaml.ScalarNode {
		if d, err := decimal.NewFromString(strings.TrimSpace(e.want.Value)); err == nil {
			return decision.FormatValue(d)
		}
	}
	return e.WantString()
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// Match compares an expected value, written as in a scenario file ("4.10",
// "2025-02-28", "[a, b]", "null"), with an output value, as
// docs/contract.md says: numbers and decimals by value, dates as
// YYYY-MM-DD, lists of reason codes as sets, null with a computed null. The
// error is that of a want that is not one YAML value.
func Match(want string, got any) (bool, error) {
	doc, err := yamldoc.Parse([]byte(want))
	if err != nil {
		return false, fmt.Errorf("want %q: %v", want, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: ""}
	if len(doc.Content) > 0 {
		n = doc.Content[0]
	}
	return match(n, got), nil
}

func match(want *yaml.Node, got any) bool {
	if want.Kind == yaml.AliasNode {
		want = want.Alias
	}
	if want.Kind == yaml.ScalarNode && want.Tag == "!!null" {
		switch g := got.(type) {
		case nil:
			return true
		case wk.Date:
			return g.IsZero()
		}
		return false
	}
	switch g := got.(type) {
	case nil:
		return false
	case []string:
		var w []string
		switch want.Kind {
		case yaml.SequenceNode:
			for _, c := range want.Content {
				if c.Kind != yaml.ScalarNode {
					return false
				}
				w = append(w, c.Value)
			}
		case yaml.ScalarNode:
			w = []string{want.Value}
		default:
			return false
		}
		return sameSet(w, g)
	}
	if want.Kind != yaml.ScalarNode {
		return false
	}
	switch g := got.(type) {
	case bool:
		return want.Tag == "!!bool" && strings.EqualFold(want.Value, fmt.Sprint(g))
	case string:
		return want.Value == g
	case int:
		return decEqual(want.Value, decimal.NewFromInt(int64(g)))
	case decimal.Decimal:
		return decEqual(want.Value, g)
	case wk.Date:
		d, err := wk.ParseDate(strings.TrimSpace(want.Value))
		return err == nil && d == g
	}
	return want.Value == fmt.Sprint(got)
}

func decEqual(s string, d decimal.Decimal) bool {
	w, err := decimal.NewFromString(strings.TrimSpace(s))
	return err == nil && w.Equal(d)
}

func sameSet(a, b []string) bool {
	set := func(l []string) []string {
		m := map[string]bool{}
		var out []string
		for _, s := range l {
			if !m[s] {
				m[s] = true
				out = append(out, s)
			}
		}
		sort.Strings(out)
		return out
	}
	x, y := set(a), set(b)
	if len(x) != len(y) {
		return false
	}
	for i := range x {
		if x[i] != y[i] {
			return false
		}
	}
	return true
}

// WriteText writes the report for a terminal: each failure as
// file:line: scenario "name": path: want X, got Y, followed by the command
// that runs it alone and the decision's trace, then the rulebook with its
// fingerprint and the engine, and the closing line "N passed, M failed".
func (r *Report) WriteText(w io.Writer, verbose bool) {
	for _, o := range r.Outcomes {
		if o.Passed() {
			if verbose {
				fmt.Fprintf(w, "ok   %s: %s\n", o.Scenario.Pos, o.Scenario.Name)
			}
			continue
		}
		for _, f := range o.Failures {
			fmt.Fprintln(w, f.Format(o.Scenario.Name))
		}
		fmt.Fprintf(w, "  reproduce: %s\n", r.Reproduce(o))
		if o.Scenario.Cite != "" {
			fmt.Fprintf(w, "  cite: %s\n", o.Scenario.Cite)
		}
		if o.Trace != nil && len(o.Trace.Steps) > 0 {
			fmt.Fprintln(w, "  trace:")
			o.Trace.Format(w, "en")
		}
	}
	if r.Fingerprint != "" {
		fmt.Fprintf(w, "rulebook %s, %s; engine %s\n", r.Rulebook, r.Fingerprint, r.Engine)
	}
	fmt.Fprintln(w, r.Summary())
}

// Summary is the report's closing line: "N passed, M failed", and the
// broken files when there are any ("1 broken file not run").
func (r *Report) Summary() string {
	s := fmt.Sprintf("%d passed, %d failed", r.Passed, r.Failed)
	switch len(r.Broken) {
	case 0:
	case 1:
		s += ", 1 broken file not run"
	default:
		s += fmt.Sprintf(", %d broken files not run", len(r.Broken))
	}
	return s
}
