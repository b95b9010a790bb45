package trajectory

import (
	"sort"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/area"
	"github.com/openwijkwerken/wijkwerken/dossier"
)

// Deadline is one evaluation deadline of a trajectory (docs/modelling-decisions.md MD 4).
type Deadline struct {
	// Due is the last day of the six-month period the evaluation closes.
	Due wk.Date `json:"due"`
	// HeldOn is the evaluation that met the deadline (zero when none has,
	// yet); Late when it was held after Due.
	HeldOn wk.Date `json:"held_on,omitzero"`
	Late   bool    `json:"late,omitempty"`
	// Planned: the deadline lies after the decision date and the schedule
	// assumes the evaluation is held on it.
	Planned bool `json:"planned,omitempty"`
}

// EvaluationSchedule lists the evaluation deadlines of the trajectory for
// a planner, as seen on date: the deadlines met by evaluations held, a
// missed one (then the list stops: the next period starts only with the
// next evaluation), and the future ones, assuming each evaluation is held
// on its deadline, up to the trajectory's last day (under the transitional
// measure: up to the first deadline after date). Each deadline is computed
// by the rulebook's evaluation rule.
func (e *Engine) EvaluationSchedule(date wk.Date, c *dossier.Case) ([]Deadline, error) {
	d, err := e.Decide(date, c)
	if err != nil {
		return nil, err
	}
	t := c.Trajectory
	held := append([]wk.Date(nil), t.Evaluations...)
	sort.Slice(held, func(i, j int) bool { return held[i].Before(held[j]) })
	var out []Deadline
	anchor := t.Start
	for {
		due, err := e.dueAfter(c, anchor)
		if err != nil {
			return nil, err
		}
		if !d.LastDay.IsZero() && due.After(d.LastDay) {
			return out, nil // the trajectory ends before another evaluation is due
		}
		next := firstAfter(held, anchor)
		switch {
		case !next.IsZero() && !next.After(due):
			out = append(out, Deadline{Due: due, HeldOn: next})
			anchor = next
		case !next.IsZero():
			out = append(out, Deadline{Due: due, HeldOn: next, Late: true})
			anchor = next
		case due.Before(date):
			return append(out, Deadline{Due: due}), nil // missed: overdue on date
		default:
			out = append(out, Deadline{Due: due, Planned: true})
			if d.LastDay.IsZero() || !due.Before(d.LastDay) {
				return out, nil
			}
			anchor = due
		}
	}
}

// dueAfter asks the evaluation rule for the deadline of the period that
// starts on anchor (an evaluation held on anchor, decided on anchor).
func (e *Engine) dueAfter(c *dossier.Case, anchor wk.Date) (wk.Date, error) {
	t := *c.Trajectory
	t.Evaluations = []wk.Date{anchor}
	s := area.AcquireState(anchor, &dossier.Case{Person: c.Person, Trajectory: &t})
	defer s.Release()
	p, err := e.decidePeriod(s)
	if err != nil {
		return wk.Date{}, err
	}
	if !p.NextEvaluationDue.After(anchor) {
		return anchor.AddDays(1), nil
	}
	return p.NextEvaluationDue, nil
}

func firstAfter(ds []wk.Date, d wk.Date) wk.Date {
	for _, x := range ds {
		if x.After(d) {
			return x
		}
	}
	return wk.Date{}
}

// The states of a trajectory.
const (
	NotStarted = "not_started"
	Active     = "active"
	Suspended  = "suspended"
	Ended      = "ended"   // ended early, with an outflow reason
	Expired    = "expired" // past its last allowed day
)

// Status is the state of a trajectory on a date.
type Status struct {
	Date  wk.Date `json:"date"`
	State string  `json:"state" path:"trajectory.status" doc:"not_started, active, suspended, ended or expired on the decision date"`
	// EndReason is the outflow (job, training, twe, werk_zorg, other) of an
	// ended trajectory.
	EndReason    string  `json:"end_reason,omitempty"`
	LastDay      wk.Date `json:"last_day"`
	Transitional bool    `json:"transitional"`
}

// Status returns the trajectory's state on date from its events: the start,
// suspensions, an early end with its outflow reason, and the last allowed
// day the rules give (suspensions do not move it: the sources say nothing
// of that).
func (e *Engine) Status(date wk.Date, c *dossier.Case) (*Status, error) {
	s := area.AcquireState(date, c)
	defer s.Release()
	return e.status(s)
}

// status derives the state's trajectory status from its period.
func (e *Engine) status(s *area.State) (*Status, error) {
	d, err := e.period(s)
	if err != nil {
		s.Put(AreaStatus, nil, err)
		return nil, err
	}
	st := StatusFrom(s.Date, s.Case, d)
	s.Put(AreaStatus, st, nil)
	return st, nil
}

// StatusFrom is Status from the trajectory decision d already made for the
// case on date (by Decide), without deciding it again.
func StatusFrom(date wk.Date, c *dossier.Case, d *Decision) *Status {
	t := c.Trajectory
	s := &Status{Date: date, LastDay: d.LastDay, Transitional: d.Transitional, State: Active}
	switch {
	case date.Before(t.Start):
		s.State = NotStarted
	case !t.End.IsZero() && date.After(t.End):
		s.State, s.EndReason = Ended, t.EndReason
	case !d.LastDay.IsZero() && date.After(d.LastDay):
		s.State = Expired
	default:
		for _, sp := range t.Suspensions {
			if !date.Before(sp.From) && (sp.To.IsZero() || !date.After(sp.To)) {
				s.State = Suspended
			}
		}
	}
	return s
}
