package placement

import (
	"cmp"
	"context"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/area"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/shopspring/decimal"
)

// minPerWorker is the fewest candidates worth a goroutine of their own
// (not a regulatory figure).
const minPerWorker = 50

// ctxCheckEvery is how many candidates are handed out between looks at the
// context.
const ctxCheckEvery = 100

// Assignment is work a user asks for: the activity, how many hours a month,
// where and from when.
type Assignment struct {
	Date          wk.Date      `json:"date"`
	User          dossier.User `json:"user"`
	Activity      string       `json:"activity"`
	HoursPerMonth int          `json:"hours_per_month"`
}

// Candidate is a worker who might do an assignment.
type Candidate struct {
	ID string `json:"id"`
	// Case holds the worker's person and trajectory (start, registered
	// hours, ...). Its request is ignored: the assignment is the request.
	Case                *dossier.Case `json:"case"`
	PreferredActivities []string      `json:"preferred_activities,omitempty"`
	Municipality        string        `json:"municipality,omitempty"`
	// DistanceKm to the user, when known.
	DistanceKm *decimal.Decimal `json:"distance_km,omitempty"`
}

// Ranked is one candidate's place in a ranking, with why.
type Ranked struct {
	ID string `json:"id"`
	// Rank is 1 for the best candidate; 0 for an excluded one.
	Rank     int  `json:"rank"`
	Excluded bool `json:"excluded"`
	// Reasons are why the candidate is excluded: not eligible, outside the
	// trajectory, no hours left in the month or the year.
	Reasons []wk.Reason `json:"reasons,omitempty"`
	// Error is why the candidate's case could not be decided (then
	// Excluded).
	Error           string `json:"error,omitempty"`
	PrefersActivity bool   `json:"prefers_activity"`
	// Proximity: DistanceKm when given, else 0 in the user's municipality;
	// nil when unknown.
	ProximityKm *decimal.Decimal `json:"proximity_km,omitempty"`
	// Headroom is how many of the assignment's hours fit in the worker's
	// month and year (at most HoursPerMonth).
	Headroom int `json:"headroom"`
	// Explanation says in words why the candidate ranks where it does.
	Explanation []string `json:"explanation"`
}

// Ranking is the candidates for an assignment, best first, then the
// excluded ones.
type Ranking struct {
	Assignment Assignment `json:"assignment"`
	// Activity is whether the user may have the activity done at all; when
	// not, every candidate is excluded with its reasons.
	Activity *Decision `json:"activity"`
	Ranked   []Ranked  `json:"ranked"`
}

// Match ranks candidates for an assignment. Candidates who are not eligible
// on the assignment's date, whose trajectory has not started or has ended,
// or who have no hours left in the month or the year are excluded with
// their reasons; the others rank by, in order: preferring the activity,
// proximity (distance, else the same municipality), the hours of the
// assignment that fit in their month and year, and their ID. The same
// input gives the same ranking. Candidates are decided on all cores; ctx
// stops the work early.
func (e *Engine) Match(ctx context.Context, a Assignment, cands []Candidate) (*Ranking, error) {
	unit, err := e.rb.Param("hours.counting_unit_minutes", a.Date)
	if err != nil {
		return nil, err
	}
	if a.HoursPerMonth < 1 {
		return nil, fmt.Errorf("placement: assignment hours_per_month %d: want at least 1", a.HoursPerMonth)
	}
	req := dossier.Request{Date: a.Date, Minutes: a.HoursPerMonth * unit.Int(), User: a.User, Activity: a.Activity}
	act, err := e.Decide(a.Date, &dossier.Case{Request: &req})
	if err != nil {
		return nil, err
	}
	out := make([]Ranked, len(cands))
	workers := min(runtime.GOMAXPROCS(0), max(1, len(cands)/minPerWorker))
	var wg sync.WaitGroup
	next := make(chan int, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				out[i] = e.rankOne(a, &req, act, &cands[i])
			}
		}()
	}
	var cerr error
feed:
	for i := range cands {
		if i%ctxCheckEvery == 0 {
			if cerr = ctx.Err(); cerr != nil {
				break feed
			}
		}
		next <- i
	}
	close(next)
	wg.Wait()
	if cerr != nil {
		return nil, cerr
	}
	out = sortRanked(out)
	rank := 0
	for i := range out {
		if !out[i].Excluded {
			rank++
			out[i].Rank = rank
		}
	}
	return &Ranking{Assignment: a, Activity: act, Ranked: out}, nil
}

// rankOne decides one candidate. The request is the assignment's, the same
// for every candidate (the areas only read it).
func (e *Engine) rankOne(a Assignment, req *dossier.Request, act *Decision, c *Candidate) Ranked {
	r := Ranked{ID: c.ID, PrefersActivity: slices.Contains(c.PreferredActivities, a.Activity)}
	if c.DistanceKm != nil {
		km := *c.DistanceKm
		r.ProximityKm = &km
	} else if c.Municipality != "" && c.Municipality == a.User.Municipality {
		km := decimal.Zero
		r.ProximityKm = &km
	}
	if !act.Allowed {
		r.Excluded, r.Reasons = true, act.Reasons
		r.Explanation = []string{"the user may not have this activity done"}
		return r
	}
	if c.Case == nil {
		r.Excluded, r.Error = true, "no case"
		return r
	}
	cc := *c.Case
	cc.Request = req
	if err := dossier.Require(AreaAssignment,
		dossier.Field{Path: "case.person", Present: cc.Person != nil},
		dossier.Field{Path: "case.trajectory.start", Present: cc.Trajectory != nil && !cc.Trajectory.Start.IsZero()}); err != nil {
		r.Excluded, r.Error = true, err.Error()
		r.Explanation = []string{"the case could not be decided"}
		return r
	}
	// The activity is decided once for every candidate.
	st := area.AcquireState(a.Date, &cc)
	defer st.Release()
	st.Put(Area, act, nil)
	check, err := e.checkAssignment(st)
	if err != nil {
		r.Excluded, r.Error = true, err.Error()
		r.Explanation = []string{"the case could not be decided"}
		return r
	}
	h := check.Hours
	r.Headroom = min(h.MonthRemaining, h.YearRemaining, h.Counted)
	if check.Hours.Allowed == 0 || !check.Eligibility.Eligible || hasCode(check.Reasons, "trajectory_not_started") {
		r.Excluded = true
		r.Reasons = make([]wk.Reason, 0, len(check.Reasons))
		for _, x := range check.Reasons {
			// Hours that do not all fit only exclude when none do.
			if (x.Code == "month_limit" || x.Code == "year_limit") && check.Hours.Allowed > 0 {
				continue
			}
			r.Reasons = append(r.Reasons, x)
		}
		if len(r.Reasons) == 0 {
			r.Reasons = nil
		}
		r.Explanation = []string{"excluded: " + joinCodes(r.Reasons)}
		return r
	}
	r.Explanation = make([]string, 0, 3)
	if r.PrefersActivity {
		r.Explanation = append(r.Explanation, "prefers "+a.Activity)
	}
	switch {
	case c.DistanceKm != nil:
		r.Explanation = append(r.Explanation, c.DistanceKm.String()+" km away")
	case r.ProximityKm != nil:
		r.Explanation = append(r.Explanation, "lives in "+c.Municipality)
	default:
		r.Explanation = append(r.Explanation, "distance unknown")
	}
	r.Explanation = append(r.Explanation, strconv.Itoa(r.Headroom)+" of "+strconv.Itoa(a.HoursPerMonth)+" hours free this month")
	return r
}

func hasCode(rs []wk.Reason, code string) bool {
	return slices.ContainsFunc(rs, func(r wk.Reason) bool { return r.Code == code })
}

func joinCodes(rs []wk.Reason) string {
	var b strings.Builder
	for i, r := range rs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(r.Code)
	}
	return b.String()
}

// sortRanked sorts the candidates as a stable sort by better would: by
// their places, candidates with equal places keeping their order (an
// index sort, so that the large Ranked values move once each).
func sortRanked(rs []Ranked) []Ranked {
	idx := make([]int32, len(rs))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortFunc(idx, func(i, j int32) int {
		switch {
		case better(&rs[i], &rs[j]):
			return -1
		case better(&rs[j], &rs[i]):
			return 1
		}
		return cmp.Compare(i, j)
	})
	out := make([]Ranked, len(rs))
	for k, i := range idx {
		out[k] = rs[i]
	}
	return out
}

// better orders candidates: included before excluded; then preferring the
// activity, nearer, more headroom, and by ID.
func better(x, y *Ranked) bool {
	if x.Excluded != y.Excluded {
		return !x.Excluded
	}
	if !x.Excluded {
		if x.PrefersActivity != y.PrefersActivity {
			return x.PrefersActivity
		}
		if c := compareProximity(x.ProximityKm, y.ProximityKm); c != 0 {
			return c < 0
		}
		if x.Headroom != y.Headroom {
			return x.Headroom > y.Headroom
		}
	}
	return x.ID < y.ID
}

// compareProximity orders known distances ascending, unknown last.
func compareProximity(a, b *decimal.Decimal) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	return a.Cmp(*b)
}
