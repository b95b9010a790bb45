package main

import (
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/internal/suggest"
	"github.com/openwijkwerken/wijkwerken/internal/yamldoc"
	"github.com/openwijkwerken/wijkwerken/placement"
	"go.yaml.in/yaml/v3"
)

// cmdWorkplaces reports what a local authority's register of learning
// workplaces proves for the ESF start-up call, and what it lacks.
func cmdWorkplaces(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("workplaces", "[--date D] [--json] REGISTER|-", stdout, stderr)
	var rf rulebookFlags
	rf.register(fs)
	dateFlag := fs.dateVar("date", "`date` the signatories are read on (default: the first day of gemeenschapsdienst, when the fiche's signatories are first in force)")
	asJSON := fs.Bool("json", false, "write the report as JSON")
	pos, code, ok := fs.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return fs.usage("give one register file, or - for standard input")
	}
	date := *dateFlag
	in := rf.inputs(stdin)
	data, name, err := in.read(pos[0])
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	if err := checkRegisterKeys(name, data); err != nil {
		report(stderr, err)
		return exitInput
	}
	reg, err := placement.ParseRegister(name, data)
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	rb, err := rf.load(in)
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	if date.IsZero() {
		// The first day the proof can be judged: the fiche's signatories are
		// in force (gemeenschapsdienst starts).
		p, ok := rb.Parameter("community_service.fiche_signatories")
		if !ok || len(p.Values) == 0 {
			report(stderr, &wk.UnknownError{What: "parameter", ID: "community_service.fiche_signatories"})
			return exitInput
		}
		date = p.Values[0].From
	}
	eng, err := placement.New(rb)
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	rep, err := eng.Proof(date, reg)
	if err != nil {
		report(stderr, err)
		return exitInput
	}
	if *asJSON {
		enc := json.NewEncoder(raw(stdout))
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return exitInput
		}
	} else {
		writeProof(stdout, rep)
	}
	if !rep.Complete {
		return exitFail
	}
	return exitOK
}

func writeProof(w io.Writer, rep *placement.ProofReport) {
	fmt.Fprintf(w, "%s: %d learning places in %d unique workplaces, %d mentors (on %s)\n\n", rep.Authority, rep.Places, len(rep.Unique), len(rep.Mentors), rep.Date)
	fmt.Fprintf(w, "  %-40s %-28s %-8s %s\n", "workplace", "service", "places", "fiche")
	for _, u := range rep.Unique {
		state := "missing"
		if u.FicheValid {
			state = "signed by " + u.FicheSignedBy
		} else if u.FicheSignedBy != "" {
			state = "not valid (signed by " + u.FicheSignedBy + ")"
		}
		fmt.Fprintf(w, "  %-40s %-28s %-8d %s\n", u.Function, u.Service, u.Places, state)
	}
	if len(rep.Mentors) > 0 {
		fmt.Fprintf(w, "\n  %-40s %-8s %-12s %s\n", "mentor", "trained", "certificate", "supervises")
		for _, m := range rep.Mentors {
			fmt.Fprintf(w, "  %-40s %-8s %-12s %d\n", m.Name, yesNo(m.Trained), yesNo(m.Certified), m.Supervising)
		}
	}
	fmt.Fprintln(w)
	if rep.Complete {
		fmt.Fprintln(w, "complete: every unique workplace has a valid fiche, every trained mentor a certificate")
		return
	}
	fmt.Fprintf(w, "missing (%d):\n", len(rep.Missing))
	for _, m := range rep.Missing {
		fmt.Fprintln(w, "  - "+m)
	}
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// checkRegisterKeys refuses a file that is not a register of learning
// workplaces, or a key the register does not have, with its file:line and
// the keys it could be, in the names the file uses (the yaml tags of
// placement.Register, so that the check follows the type).
func checkRegisterKeys(file string, data []byte) error {
	doc, err := yamldoc.Parse(data)
	if err != nil {
		return fmt.Errorf("%s: %s", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) == 0 {
		return fmt.Errorf("%s: empty file: want a register of learning workplaces (authority:, workplaces:, mentors:)", file)
	}
	root, t := doc.Content[0], reflect.TypeFor[placement.Register]()
	if root.Kind == yaml.MappingNode && !hasAnyKey(root, t) {
		var found []string
		for i := 0; i+1 < len(root.Content); i += 2 {
			found = append(found, root.Content[i].Value)
		}
		return fmt.Errorf("%s: not a register of learning workplaces: it has none of %s (it has %s)", file, strings.Join(yamlKeys(t), ", "), strings.Join(found, ", "))
	}
	var ps wk.Problems
	checkKeys(file, root, t, "the register", &ps)
	return ps.Err()
}

// yamlKeys lists the keys of struct t in a file: its fields' yaml names.
func yamlKeys(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ","); name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names
}

// hasAnyKey reports whether mapping n has one of the keys of struct t.
func hasAnyKey(n *yaml.Node, t reflect.Type) bool {
	keys := yamlKeys(t)
	for i := 0; i+1 < len(n.Content); i += 2 {
		if slices.Contains(keys, n.Content[i].Value) {
			return true
		}
	}
	return false
}

func checkKeys(file string, n *yaml.Node, t reflect.Type, what string, ps *wk.Problems) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	pos := wk.Position{File: file, Line: n.Line, Column: n.Column}
	switch t.Kind() {
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			if n.Kind != yaml.ScalarNode || n.Tag != "!!null" {
				ps.Error(pos, "", "%s: want a list", what)
			}
			return
		}
		for _, c := range n.Content {
			checkKeys(file, c, t.Elem(), "an entry of "+what, ps)
		}
	case reflect.Struct:
		if t == reflect.TypeFor[wk.Date]() {
			return
		}
		if n.Kind != yaml.MappingNode {
			ps.Error(pos, "", "%s: want a mapping", what)
			return
		}
		fields := map[string]reflect.Type{}
		names := yamlKeys(t)
		for i := range t.NumField() {
			f := t.Field(i)
			if name, _, _ := strings.Cut(f.Tag.Get("yaml"), ","); name != "" && name != "-" {
				fields[name] = f.Type
			}
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			ft, ok := fields[k.Value]
			if !ok {
				msg := fmt.Sprintf("unknown key %q in %s", k.Value, what)
				if s := suggest.Closest(k.Value, names); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", s)
				} else {
					msg += " (want " + strings.Join(names, ", ") + ")"
				}
				ps.Error(wk.Position{File: file, Line: k.Line, Column: k.Column}, "", "%s", msg)
				continue
			}
			checkKeys(file, v, ft, k.Value, ps)
		}
	}
}
