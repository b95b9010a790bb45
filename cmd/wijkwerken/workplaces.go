package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/placement"
)

// cmdWorkplaces reports what a local authority's register of learning
// workplaces proves for the ESF start-up call, and what it lacks.
func cmdWorkplaces(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("workplaces", "[--date D] [--json] FILE", stderr)
	var rf rulebookFlags
	rf.register(fs)
	dateFlag := fs.String("date", "", "`date` the signatories are read on (default: the first day of gemeenschapsdienst, community_service.start)")
	asJSON := fs.Bool("json", false, "write the report as JSON")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return exitCommand
	}
	if len(pos) != 1 {
		fmt.Fprintln(stderr, "wijkwerken workplaces: give one register file")
		return exitCommand
	}
	rb, err := rf.load()
	if err != nil {
		report(stderr, err)
		return exitBroken
	}
	var date wk.Date
	if *dateFlag != "" {
		if date, err = wk.ParseDate(*dateFlag); err != nil {
			fmt.Fprintf(stderr, "wijkwerken workplaces: --date: %v\n", err)
			return exitCommand
		}
	} else {
		// The first day the proof can be judged: the fiche's signatories are
		// in force (gemeenschapsdienst starts).
		p, ok := rb.Parameter("community_service.fiche_signatories")
		if !ok || len(p.Values) == 0 {
			report(stderr, &wk.UnknownError{What: "parameter", ID: "community_service.fiche_signatories"})
			return exitBroken
		}
		date = p.Values[0].From
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		fmt.Fprintf(stderr, "wijkwerken workplaces: %v\n", err)
		return exitBroken
	}
	reg, err := placement.ParseRegister(pos[0], data)
	if err != nil {
		fmt.Fprintf(stderr, "wijkwerken workplaces: %v\n", err)
		return exitBroken
	}
	eng, err := placement.New(rb)
	if err != nil {
		report(stderr, err)
		return exitBroken
	}
	rep, err := eng.Proof(date, reg)
	if err != nil {
		report(stderr, err)
		return exitBroken
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return exitBroken
		}
	} else {
		fmt.Fprintf(stdout, "%s: %d learning places in %d unique workplaces, %d mentors (on %s)\n\n", rep.Authority, rep.Places, len(rep.Unique), len(rep.Mentors), rep.Date)
		for _, u := range rep.Unique {
			state := "fiche missing"
			if u.FicheValid {
				state = "fiche signed by " + u.FicheSignedBy
			} else if u.FicheSignedBy != "" {
				state = "fiche not valid (signed by " + u.FicheSignedBy + ")"
			}
			fmt.Fprintf(stdout, "  %-40s %-28s %d place(s)  %s\n", u.Function, u.Service, u.Places, state)
		}
		fmt.Fprintln(stdout)
		for _, m := range rep.Mentors {
			fmt.Fprintf(stdout, "  mentor %-20s trained %-5v certificate %-5v supervises %d\n", m.Name, m.Trained, m.Certified, m.Supervising)
		}
		fmt.Fprintln(stdout)
		if rep.Complete {
			fmt.Fprintln(stdout, "complete: every unique workplace has a valid fiche, every trained mentor a certificate")
		} else {
			fmt.Fprintf(stdout, "missing (%d):\n", len(rep.Missing))
			for _, m := range rep.Missing {
				fmt.Fprintln(stdout, "  - "+m)
			}
		}
	}
	if !rep.Complete {
		return exitFail
	}
	return exitOK
}
