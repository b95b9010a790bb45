package mutate

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/scenario"
)

// RunOptions tune Run.
type RunOptions struct {
	// Workers is how many mutants are tried at once; 0 means GOMAXPROCS.
	Workers int
	// Equivalents are the mutants declared equivalent; nil declares none.
	Equivalents *Equivalents
	// All runs every scenario against every mutant, instead of only the
	// scenarios that can notice it. It is slower and comes to the same
	// verdicts; it is there to check that it does.
	All bool
}

// Status is what became of a mutant.
type Status string

// The statuses of a mutant.
const (
	// Killed: a scenario failed or errored against the mutant.
	Killed Status = "killed"
	// Survived: every scenario passed against the mutant.
	Survived Status = "survived"
	// Equivalent: declared equivalent, and no scenario killed it.
	Equivalent Status = "equivalent"
	// Stale: declared equivalent, but a scenario killed it: the
	// declaration is wrong.
	Stale Status = "stale"
	// Invalid: the mutated rulebook does not load or compile. Such a
	// mutant counts neither as killed nor as survived.
	Invalid Status = "invalid"
)

// ScenarioRef names a scenario by its file, line and name.
type ScenarioRef struct {
	File string `json:"file"`
	Line int    `json:"line"`
	Name string `json:"name"`
}

func (s ScenarioRef) String() string { return fmt.Sprintf("%s:%d %q", s.File, s.Line, s.Name) }

// Result is what became of one mutant.
type Result struct {
	Mutant *Mutant `json:"mutant"`
	Status Status  `json:"status"`
	// KilledBy is the first scenario that failed against the mutant, and
	// Failure how ("path: want X, got Y").
	KilledBy *ScenarioRef `json:"killed_by,omitempty"`
	Failure  string       `json:"failure,omitempty"`
	// Error is why an invalid mutant did not compile.
	Error string `json:"error,omitempty"`
	// Reason is the declared reason of an equivalent (or stale) mutant,
	// DeclaredAt the declaration's place.
	Reason     string      `json:"reason,omitempty"`
	DeclaredAt wk.Position `json:"declared_at,omitzero"`
	// Reached lists the scenarios whose decision (against the rulebook
	// unmutated) evaluated the mutated rule or read the mutated parameter.
	Reached []ScenarioRef `json:"reached"`
	// Ran counts the scenarios run against the mutant (the reached ones
	// and those whose decision was not complete; see Run).
	Ran int `json:"ran"`
	// Unread: no rule of the rulebook reads the mutated parameter.
	Unread bool `json:"unread,omitempty"`
}

// Report is the outcome of a mutation run.
type Report struct {
	Rulebook  string    `json:"rulebook"`
	Scenarios int       `json:"scenarios"`
	Results   []*Result `json:"mutants"`
	Killed    int       `json:"killed"`
	Survived  int       `json:"survived"`
	// Equivalent counts the declared equivalents no scenario killed, Stale
	// the declared ones a scenario killed, Invalid the mutants that do not
	// compile.
	Equivalent int `json:"equivalent"`
	Stale      int `json:"stale"`
	Invalid    int `json:"invalid"`
	// Unmatched are declarations that match no mutant of the rulebook any
	// more (the rule or value changed): remove or update them.
	Unmatched []Declaration `json:"unmatched,omitempty"`
	// Skipped are rules no mutant was made of.
	Skipped []Skipped `json:"skipped,omitempty"`
	// Equivalents names the file of declarations, if any.
	Equivalents string `json:"equivalents,omitempty"`
	// Runs counts the scenarios run against mutants, over all mutants.
	Runs        int           `json:"scenario_runs"`
	Workers     int           `json:"workers"`
	Duration    time.Duration `json:"-"`
	Interrupted bool          `json:"interrupted,omitempty"`
}

// Score is the share of the mutants that count (killed, stale or survived:
// not the declared equivalents, not the invalid ones) that a scenario
// killed, in percent; 100 when none counts.
func (r *Report) Score() float64 {
	killed := r.Killed + r.Stale
	n := killed + r.Survived
	if n == 0 {
		return 100
	}
	return 100 * float64(killed) / float64(n)
}

// Survivors returns the results of the mutants that survived, in order.
func (r *Report) Survivors() []*Result {
	var out []*Result
	for _, res := range r.Results {
		if res.Status == Survived {
			out = append(out, res)
		}
	}
	return out
}

// DeclarationsOK reports whether every declaration of an equivalent
// mutant holds: none killed, none unmatched.
func (r *Report) DeclarationsOK() bool { return r.Stale == 0 && len(r.Unmatched) == 0 }

// SuiteError reports scenarios that fail against the rulebook unmutated:
// mutation testing needs a suite that passes.
type SuiteError struct {
	Failed []string // each failure, "file:line: scenario "name": path: want X, got Y"
}

func (e *SuiteError) Error() string {
	return fmt.Sprintf("%d scenario(s) fail against the rulebook unmutated; mutation testing needs a passing suite (run wijkwerken test):\n  %s",
		len(e.Failed), strings.Join(e.Failed, "\n  "))
}

// probe is what the scenarios read of the rulebook unmutated.
type probe struct {
	scenarios []*scenario.Scenario
	refs      []ScenarioRef
	byRule    map[ruleKey][]int // rule version -> scenarios that evaluated it
	byID      map[string][]int  // rule id -> scenarios that evaluated a version of it
	byArea    map[string][]int  // area -> scenarios that evaluated a rule of it
	byParam   map[string][]int  // parameter -> scenarios that read it
	byDate    map[wk.Date][]int // decision date -> scenarios
	// incomplete are the scenarios whose decision had an error: what the
	// failed area read is not in their trace, so they run against every
	// mutant.
	incomplete []int
	// read are the parameters some rule reads.
	read map[string]bool
}

type ruleKey struct {
	id   string
	from wk.Date
}

// Run runs the suites against each mutant, on all cores, and reports what
// became of each. The suites must pass against rb unmutated (else a
// *SuiteError); the mutants must come from Generate on rb.
//
// A mutant runs only the scenarios that can notice it. A decision reads
// the rulebook through its rules, and the trace of a scenario's decision
// against rb lists every rule version it evaluated and every parameter it
// read; a mutant's decision is the same as rb's until it meets the
// mutation, so a scenario that neither evaluated the mutated rule nor read
// the mutated parameter decides as before. A validity mutant changes which
// version is in force on one day: it runs the scenarios of that day and
// those that evaluated any rule of its area. A parameter no rule reads is
// read, if at all, by Go code: its mutants run every scenario. A scenario
// whose decision had an error (an area failed: its trace lacks what that
// area read) runs against every mutant.
//
// Before the mutants, Run checks that the rules print back faithfully: rb
// with every mutated rule replaced by its expression as the expr printer
// writes it must pass every scenario. When ctx is done, Run returns what
// it has with ctx's error.
func Run(ctx context.Context, rb *wk.Rulebook, suites []*scenario.Suite, mutants []*Mutant, o RunOptions) (*Report, error) {
	start := time.Now()
	rep := &Report{Rulebook: rb.Name(), Workers: o.Workers}
	if rep.Workers <= 0 {
		rep.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Equivalents != nil {
		rep.Equivalents = o.Equivalents.File
	}
	pr, err := probeSuites(rb, suites)
	if err != nil {
		return nil, err
	}
	rep.Scenarios = len(pr.scenarios)
	if err := checkPrinting(ctx, rb, pr, mutants); err != nil {
		return nil, err
	}
	results := make([]*Result, len(mutants))
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	for w := 0; w < rep.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				res, runs := try(ctx, rb, pr, mutants[i], o.All)
				if res == nil {
					continue // cancelled
				}
				results[i] = res
				mu.Lock()
				rep.Runs += runs
				mu.Unlock()
			}
		}()
	}
feed:
	for i := range mutants {
		select {
		case jobs <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(jobs)
	wg.Wait()
	for _, res := range results {
		if res != nil {
			rep.Results = append(rep.Results, res)
		}
	}
	rep.judge(rb, o.Equivalents)
	rep.Duration = time.Since(start)
	if err := ctx.Err(); err != nil {
		rep.Interrupted = true
		return rep, err
	}
	return rep, nil
}

// probeSuites runs every scenario against rb, traced, and indexes what each
// read.
func probeSuites(rb *wk.Rulebook, suites []*scenario.Suite) (*probe, error) {
	runner, err := scenario.NewRunner(rb)
	if err != nil {
		return nil, err
	}
	pr := &probe{byRule: map[ruleKey][]int{}, byID: map[string][]int{}, byArea: map[string][]int{},
		byParam: map[string][]int{}, byDate: map[wk.Date][]int{}, read: map[string]bool{}}
	var failed []string
	for _, s := range suites {
		for _, sc := range s.Scenarios {
			i := len(pr.scenarios)
			pr.scenarios = append(pr.scenarios, sc)
			pr.refs = append(pr.refs, ScenarioRef{File: sc.Pos.File, Line: sc.Pos.Line, Name: sc.Name})
			if o := runner.RunScenario(sc); !o.Passed() {
				for _, f := range o.Failures {
					failed = append(failed, f.Format(sc.Name))
				}
				continue
			}
			pr.byDate[sc.Date] = append(pr.byDate[sc.Date], i)
			res, err := runner.Decide(sc)
			if err != nil || res == nil || len(res.Errors) > 0 || res.Trace == nil {
				pr.incomplete = append(pr.incomplete, i)
			}
			if res == nil || res.Trace == nil {
				continue
			}
			for _, st := range res.Trace.Steps {
				add(pr.byRule, ruleKey{st.Rule, st.From}, i)
				add(pr.byID, st.Rule, i)
				add(pr.byArea, st.Area, i)
				for _, p := range st.Params {
					add(pr.byParam, p.ID, i)
				}
			}
		}
	}
	if len(failed) > 0 {
		return nil, &SuiteError{Failed: failed}
	}
	for _, r := range rb.Rules("") {
		for _, ref := range paramReads(r.Expression()) {
			pr.read[ref.id] = true
		}
	}
	return pr, nil
}

// add appends scenario i to m[k] once (scenarios come in order).
func add[K comparable](m map[K][]int, k K, i int) {
	if l := m[k]; len(l) == 0 || l[len(l)-1] != i {
		m[k] = append(l, i)
	}
}

// reach returns the scenarios that evaluated the mutated rule or read the
// mutated parameter, and those to run against the mutant; unread reports a
// parameter no rule reads.
func (pr *probe) reach(m *Mutant) (reached, run []int, unread bool) {
	switch {
	case m.Kind == KindParameter:
		reached = pr.byParam[m.Target]
		if !pr.read[m.Target] {
			return reached, all(len(pr.scenarios)), true
		}
		return reached, union(reached, pr.incomplete), false
	case m.Operator == OpValidity:
		return pr.byID[m.Target], union(pr.byArea[m.Area], pr.byDate[m.day], pr.incomplete), false
	}
	reached = pr.byRule[ruleKey{m.Target, m.From}]
	return reached, union(reached, pr.incomplete), false
}

func all(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// union merges sorted lists of scenario indexes.
func union(lists ...[]int) []int {
	var out []int
	for _, l := range lists {
		out = append(out, l...)
	}
	sort.Ints(out)
	return slices.Compact(out)
}

// try runs the scenarios that can notice m against it. It returns nil when
// ctx is done first.
func try(ctx context.Context, rb *wk.Rulebook, pr *probe, m *Mutant, everything bool) (*Result, int) {
	reached, run, unread := pr.reach(m)
	if everything {
		run = all(len(pr.scenarios))
	}
	run = order(run, reached)
	res := &Result{Mutant: m, Status: Survived, Reached: []ScenarioRef{}, Unread: unread}
	for _, i := range reached {
		res.Reached = append(res.Reached, pr.refs[i])
	}
	mrb, err := rb.Reform(m.reform)
	if err == nil {
		var runner *scenario.Runner
		if runner, err = scenario.NewRunner(mrb); err == nil {
			runs := 0
			for _, i := range run {
				if ctx.Err() != nil {
					return nil, runs
				}
				runs++
				res.Ran++
				if failure := check(runner, pr.scenarios[i]); failure != "" {
					res.Status, res.KilledBy, res.Failure = Killed, &pr.refs[i], failure
					break
				}
			}
			return res, runs
		}
	}
	res.Status, res.Error = Invalid, oneLine(err.Error())
	return res, 0
}

// order puts first the scenarios that reach the mutated rule or parameter,
// the likeliest to kill the mutant, so that a killed mutant stops early;
// then the others, in file order.
func order(run, reached []int) []int {
	out := make([]int, 0, len(run))
	in := make(map[int]bool, len(run))
	for _, i := range run {
		in[i] = true
	}
	for _, i := range reached {
		if in[i] {
			out = append(out, i)
			delete(in, i)
		}
	}
	for _, i := range run {
		if in[i] {
			out = append(out, i)
		}
	}
	return out
}

// check runs one scenario against a mutant and returns how it failed ("" when
// it passed). A panic, which the engine must never have, kills the mutant
// too, and says so.
func check(runner *scenario.Runner, sc *scenario.Scenario) (failure string) {
	defer func() {
		if p := recover(); p != nil {
			failure = fmt.Sprintf("panic: %v", p)
		}
	}()
	o := runner.RunScenario(sc)
	if o.Passed() {
		return ""
	}
	f := o.Failures[0]
	if f.Path == "" {
		return "want " + f.Want + ", got " + f.Got
	}
	return f.Path + ": want " + f.Want + ", got " + f.Got
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// checkPrinting checks that the rules the mutants change decide as before
// once printed back by the expr printer, as their mutants are: rb with all
// of them replaced by their printed expressions must pass every scenario.
// When it does not, each rule is tried alone to name the culprits.
func checkPrinting(ctx context.Context, rb *wk.Rulebook, pr *probe, mutants []*Mutant) error {
	var rules []*wk.Rule
	seen := map[ruleKey]bool{}
	for _, m := range mutants {
		k := ruleKey{m.Target, m.From}
		if m.Kind != KindRule || m.Operator == OpValidity || seen[k] {
			continue
		}
		seen[k] = true
		r, ok := rb.Rule(m.Target, m.From)
		if !ok {
			return fmt.Errorf("mutant %s: no version of rule %s from %s in the rulebook", m.ID, m.Target, m.From)
		}
		nr := *r
		if r.IsCondition() {
			nr.When = m.Before
		} else {
			nr.Value = m.Before
		}
		rules = append(rules, replaceVersion(&nr)...)
	}
	if len(rules) == 0 {
		return nil
	}
	passes := func(rs []*wk.Rule) error {
		prb, err := rb.Reform(&wk.Reform{Name: "printed back", ReplaceRules: rs})
		if err != nil {
			return err
		}
		runner, err := scenario.NewRunner(prb)
		if err != nil {
			return err
		}
		for _, sc := range pr.scenarios {
			if err := ctx.Err(); err != nil {
				return err
			}
			if f := check(runner, sc); f != "" {
				return fmt.Errorf("scenario %q: %s", sc.Name, f)
			}
		}
		return nil
	}
	allErr := passes(rules)
	if allErr == nil || ctx.Err() != nil {
		return ctx.Err()
	}
	var bad []string
	for _, r := range rules {
		if err := passes([]*wk.Rule{r}); err != nil {
			bad = append(bad, fmt.Sprintf("%s (%s): printed back as %s: %v", r.ID, r.Pos, r.Expression(), err))
		}
	}
	if len(bad) == 0 {
		return fmt.Errorf("the rules the mutants change, printed back by the expr printer, do not decide as before together: %w", allErr)
	}
	return errors.New("the expr printer does not write these rules back faithfully, so their mutants would not be what they say:\n  " + strings.Join(bad, "\n  "))
}

// judge applies the declarations and counts the statuses.
func (r *Report) judge(rb *wk.Rulebook, eq *Equivalents) {
	declared := map[string]Declaration{}
	if eq != nil {
		for _, d := range eq.List {
			declared[d.Mutant] = d
		}
		exists := map[string]bool{}
		every, _ := generateAll(rb, nil)
		for _, m := range every {
			exists[m.ID] = true
		}
		for _, d := range eq.List {
			if !exists[d.Mutant] {
				r.Unmatched = append(r.Unmatched, d)
			}
		}
	}
	for _, res := range r.Results {
		if d, ok := declared[res.Mutant.ID]; ok {
			res.Reason, res.DeclaredAt = d.Reason, d.Pos
			switch res.Status {
			case Survived:
				res.Status = Equivalent
			case Killed:
				res.Status = Stale
			}
		}
		switch res.Status {
		case Killed:
			r.Killed++
		case Survived:
			r.Survived++
		case Equivalent:
			r.Equivalent++
		case Stale:
			r.Stale++
		case Invalid:
			r.Invalid++
		}
	}
}
