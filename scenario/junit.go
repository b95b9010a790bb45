package scenario

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Time       string          `xml:"time,attr"`
	Properties []junitProperty `xml:"properties>property,omitempty"`
	Cases      []junitCase     `xml:"testcase"`
	duration   time.Duration
}

// junitProperty is a property of a testsuite: which rulebook and which
// engine decided.
type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	File      string        `xml:"file,attr"`
	Line      int           `xml:"line,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
	Error     *junitFailure `xml:"error,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes the report as JUnit XML: a testsuite per scenario file
// and a testcase per scenario, with the failures and the trace; a broken
// file is a testsuite of one testcase in error, with its problems. Every
// time is a number of seconds. Every testsuite has the properties
// wijkwerken.rulebook, wijkwerken.fingerprint and wijkwerken.engine: which
// rules and which build of the engine decided.
func (r *Report) WriteJUnit(w io.Writer) error {
	root := junitSuites{Name: "wijkwerken scenarios (" + r.Rulebook + ")", Tests: len(r.Outcomes) + len(r.Broken),
		Failures: r.Failed, Errors: len(r.Broken), Time: seconds(r.Duration.Seconds())}
	idx := map[*Suite]int{}
	for _, o := range r.Outcomes {
		i, ok := idx[o.Suite]
		if !ok {
			name := o.Suite.File
			if o.Suite.Title != "" {
				name += " (" + o.Suite.Title + ")"
			}
			root.Suites = append(root.Suites, junitSuite{Name: name})
			i = len(root.Suites) - 1
			idx[o.Suite] = i
		}
		s := &root.Suites[i]
		c := junitCase{Name: o.Scenario.Name, Classname: o.Suite.File, File: o.Scenario.Pos.File, Line: o.Scenario.Pos.Line, Time: seconds(o.Duration.Seconds())}
		s.Tests++
		s.duration += o.Duration
		if !o.Passed() {
			s.Failures++
			var lines []string
			for _, f := range o.Failures {
				lines = append(lines, f.Format(o.Scenario.Name))
			}
			var detail strings.Builder
			detail.WriteString(strings.Join(lines, "\n"))
			if o.Trace != nil && len(o.Trace.Steps) > 0 {
				detail.WriteString("\ntrace:\n")
				o.Trace.Format(&detail, "en")
			}
			c.Failure = &junitFailure{Message: lines[0], Type: "ScenarioFailure", Text: detail.String()}
		}
		s.Cases = append(s.Cases, c)
	}
	for i := range root.Suites {
		root.Suites[i].Time = seconds(root.Suites[i].duration.Seconds())
	}
	props := r.junitProperties()
	for _, b := range r.Broken {
		var lines []string
		for _, p := range b.Problems {
			lines = append(lines, p.String())
		}
		c := junitCase{Name: "broken scenario file", Classname: b.File, File: b.File, Time: seconds(0),
			Error: &junitFailure{Type: "BrokenFile", Text: strings.Join(lines, "\n")}}
		if len(b.Problems) > 0 {
			c.Line = b.Problems[0].Pos.Line
			c.Error.Message = lines[0]
		}
		root.Suites = append(root.Suites, junitSuite{Name: b.File, Tests: 1, Errors: 1, Time: seconds(0), Cases: []junitCase{c}})
	}
	for i := range root.Suites {
		root.Suites[i].Properties = props
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

func seconds(s float64) string { return fmt.Sprintf("%.6f", s) }

func (r *Report) junitProperties() []junitProperty {
	props := []junitProperty{{Name: "wijkwerken.rulebook", Value: r.Rulebook}}
	if r.Fingerprint != "" {
		props = append(props, junitProperty{Name: "wijkwerken.fingerprint", Value: r.Fingerprint})
	}
	if r.Engine.Module != "" {
		props = append(props, junitProperty{Name: "wijkwerken.engine", Value: r.Engine.String()})
	}
	return props
}
