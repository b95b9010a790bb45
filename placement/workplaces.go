package placement

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/internal/yamldoc"
	"go.yaml.in/yaml/v3"
)

// Register is a local authority's register of learning workplaces for
// gemeenschapsdienst (leerwerkplekken, seed 000): the workplaces it offers
// and the mentors it trained.
type Register struct {
	Authority  string      `json:"authority" yaml:"authority"`
	Call       string      `json:"call,omitempty" yaml:"call"`
	Mentors    []Mentor    `json:"mentors" yaml:"mentors"`
	Workplaces []Workplace `json:"workplaces" yaml:"workplaces"`
}

// Mentor is a member of the authority's staff who supervises learners.
type Mentor struct {
	Name string `json:"name" yaml:"name"`
	// Trained: followed the mentor training.
	Trained bool `json:"trained" yaml:"trained"`
	// Certificate is the date of the certificate of participation; zero when
	// the register holds none.
	Certificate wk.Date `json:"certificate,omitzero" yaml:"certificate"`
}

// Workplace is a learning workplace: a function in a service, with a number
// of places. Workplaces with the same function and service are one unique
// workplace (one fiche covers them).
type Workplace struct {
	Function string `json:"function" yaml:"function"`
	Service  string `json:"service" yaml:"service"`
	// Via is the organisation that offers it (the municipality, the OCMW, a
	// welfare association).
	Via    string `json:"via,omitempty" yaml:"via"`
	Places int    `json:"places" yaml:"places"`
	Mentor string `json:"mentor,omitempty" yaml:"mentor"`
	// FicheSignedBy: who signed the workplace's fiche (direct_supervisor,
	// hr_manager, general_director, mentor); empty when there is no fiche.
	FicheSignedBy string `json:"fiche_signed_by,omitempty" yaml:"fiche_signed_by"`
}

// ParseRegister reads a register from YAML or JSON, strictly: an unknown
// key is an error with file:line.
func ParseRegister(file string, data []byte) (*Register, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var r Register
	if err := dec.Decode(&r); err != nil {
		return nil, fmt.Errorf("%s: %s", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if err := yamldoc.Rest(dec); err != nil {
		return nil, fmt.Errorf("%s: %s", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	var probs []string
	if r.Authority == "" {
		probs = append(probs, "missing authority")
	}
	for i, w := range r.Workplaces {
		if w.Function == "" || w.Service == "" {
			probs = append(probs, fmt.Sprintf("workplaces[%d]: give function and service", i))
		}
		if w.Places < 1 {
			probs = append(probs, fmt.Sprintf("workplaces[%d] (%s): places %d: want at least 1", i, w.Function, w.Places))
		}
	}
	for i, m := range r.Mentors {
		if m.Name == "" {
			probs = append(probs, fmt.Sprintf("mentors[%d]: missing name", i))
		}
	}
	if len(probs) > 0 {
		return nil, errors.New(file + ": " + strings.Join(probs, "; "))
	}
	return &r, nil
}

// ProofReport is what the ESF start-up call (call 572, seed 000) asks a
// local authority to prove, and what the register still lacks: one validly
// signed fiche per unique learning workplace, and a certificate of
// participation per trained mentor.
type ProofReport struct {
	Authority string  `json:"authority"`
	Date      wk.Date `json:"date"`
	// Places is the number of learning places; Unique the unique
	// workplaces (function and service), each needing a fiche.
	Places  int             `json:"places"`
	Unique  []WorkplaceNeed `json:"unique_workplaces"`
	Mentors []MentorNeed    `json:"mentors"`
	// Missing lists every proof still lacking, in words.
	Missing []string `json:"missing"`
	// Complete: nothing is missing.
	Complete bool `json:"complete"`
}

// WorkplaceNeed is a unique workplace and its fiche.
type WorkplaceNeed struct {
	Function      string `json:"function"`
	Service       string `json:"service"`
	Places        int    `json:"places"`
	FicheSignedBy string `json:"fiche_signed_by,omitempty"`
	FicheValid    bool   `json:"fiche_valid"`
}

// MentorNeed is a trained mentor and the certificate.
type MentorNeed struct {
	Name        string `json:"name"`
	Trained     bool   `json:"trained"`
	Certified   bool   `json:"certified"`
	Supervising int    `json:"supervising"`
}

// Proof reports on date what the register proves and what it lacks. Who
// may sign a fiche is the rulebook's community_service.fiche_signatories on
// the date.
func (e *Engine) Proof(date wk.Date, r *Register) (*ProofReport, error) {
	v, err := e.rb.Param("community_service.fiche_signatories", date)
	if err != nil {
		return nil, err
	}
	signers := v.List()
	rep := &ProofReport{Authority: r.Authority, Date: date, Unique: []WorkplaceNeed{}, Mentors: []MentorNeed{}, Missing: []string{}}
	index := map[[2]string]int{}
	for _, w := range r.Workplaces {
		rep.Places += w.Places
		key := [2]string{w.Function, w.Service}
		i, ok := index[key]
		if !ok {
			i = len(rep.Unique)
			index[key] = i
			rep.Unique = append(rep.Unique, WorkplaceNeed{Function: w.Function, Service: w.Service})
		}
		u := &rep.Unique[i]
		u.Places += w.Places
		if w.FicheSignedBy != "" && (u.FicheSignedBy == "" || slices.Contains(signers, w.FicheSignedBy)) {
			u.FicheSignedBy = w.FicheSignedBy
		}
		u.FicheValid = slices.Contains(signers, u.FicheSignedBy)
	}
	for _, u := range rep.Unique {
		switch {
		case u.FicheSignedBy == "":
			rep.Missing = append(rep.Missing, fmt.Sprintf("fiche for %s at %s: none", u.Function, u.Service))
		case !u.FicheValid:
			rep.Missing = append(rep.Missing, fmt.Sprintf("fiche for %s at %s: signed by %s; it must be signed by one of %s",
				u.Function, u.Service, u.FicheSignedBy, strings.Join(signers, ", ")))
		}
	}
	known := map[string]bool{}
	for _, m := range r.Mentors {
		known[m.Name] = true
		n := MentorNeed{Name: m.Name, Trained: m.Trained, Certified: !m.Certificate.IsZero()}
		for _, w := range r.Workplaces {
			if w.Mentor == m.Name {
				n.Supervising++
			}
		}
		rep.Mentors = append(rep.Mentors, n)
		switch {
		case m.Trained && !n.Certified:
			rep.Missing = append(rep.Missing, fmt.Sprintf("certificate of participation of mentor %q", m.Name))
		case !m.Trained && n.Supervising > 0:
			rep.Missing = append(rep.Missing, fmt.Sprintf("mentor training of %q, who supervises %d workplace(s)", m.Name, n.Supervising))
		}
	}
	for _, w := range r.Workplaces {
		if w.Mentor != "" && !known[w.Mentor] {
			rep.Missing = append(rep.Missing, fmt.Sprintf("mentor %q of %s at %s is not in the register", w.Mentor, w.Function, w.Service))
		}
	}
	rep.Complete = len(rep.Missing) == 0
	return rep, nil
}
