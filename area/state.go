package area

import (
	"fmt"
	"reflect"
	"sync"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/internal/fast"
)

// State is one decision in the making: the case, the date, the options,
// the trace and what each area decided so far. Areas run in dependency
// order over one State, so that each fact (the trajectory's period, the
// hours of a request, the person's eligibility) is decided once and read
// by the areas after it; the trace is built as the decision runs.
//
// A State is used by one goroutine.
type State struct {
	Date    wk.Date
	Case    *dossier.Case
	Options Options
	// Trace is nil unless the decision was asked for its trace; every area
	// appends its steps to it as it runs.
	Trace *wk.Trace
	slots [16]slot
	n     int
	frame fast.Frame // the closures' frame, bound by each evaluation in turn
}

type slot struct {
	name   string
	result any
	err    error
}

// NewState starts a decision of c on date with opts.
func NewState(date wk.Date, c *dossier.Case, opts ...wk.Option) *State {
	s := &State{}
	s.reset(date, c, opts)
	return s
}

var emptyCase = &dossier.Case{}

func (s *State) reset(date wk.Date, c *dossier.Case, opts []wk.Option) {
	if c == nil {
		c = emptyCase
	}
	s.Date, s.Case = date, c
	for _, f := range opts {
		f(&s.Options)
	}
	if s.Options.Trace {
		s.Trace = &wk.Trace{}
	}
}

var statePool = sync.Pool{New: func() any { return new(State) }}

// AcquireState is NewState from a pool of states: a decision that keeps
// nothing of its state after it returns (its results and trace are its
// own) gives it back with Release, so that a decision allocates no state.
func AcquireState(date wk.Date, c *dossier.Case, opts ...wk.Option) *State {
	s := statePool.Get().(*State)
	s.reset(date, c, opts)
	return s
}

// Release gives a state from AcquireState back to the pool. Neither the
// state nor anything that refers into it may be used after; the results
// put into it, and its trace, stay as they are.
func (s *State) Release() {
	clear(s.slots[:s.n])
	s.n, s.Case, s.Trace, s.Options = 0, nil, nil, Options{}
	s.frame.Release()
	statePool.Put(s)
}

// Put records what area name decided: its result, or the error that kept
// it from deciding.
func (s *State) Put(name string, result any, err error) {
	for i := range s.n {
		if s.slots[i].name == name {
			s.slots[i] = slot{name, result, err}
			return
		}
	}
	if s.n == len(s.slots) {
		panic("area: more than 16 areas in one decision")
	}
	s.slots[s.n] = slot{name, result, err}
	s.n++
}

// Lookup returns what area name decided: its result or its error; decided
// is false when it has not run.
func (s *State) Lookup(name string) (result any, err error, decided bool) {
	for i := range s.n {
		if s.slots[i].name == name {
			return s.slots[i].result, s.slots[i].err, true
		}
	}
	return nil, nil, false
}

// Get returns the result of area name as a T: ok is false when the area
// has not run or failed (err is then its error, if it failed).
func Get[T any](s *State, name string) (v T, err error, ok bool) {
	r, err, decided := s.Lookup(name)
	if !decided || err != nil {
		return v, err, false
	}
	v, ok = r.(T)
	return v, nil, ok
}

// Since returns the trace steps appended after n (the length of the trace
// when an area started), as the area's own trace; nil when untraced.
func (s *State) Since(n int) *wk.Trace {
	if s.Trace == nil {
		return nil
	}
	return &wk.Trace{Steps: s.Trace.Steps[n:len(s.Trace.Steps):len(s.Trace.Steps)]}
}

// TraceLen is the number of trace steps so far (0 when untraced).
func (s *State) TraceLen() int {
	if s.Trace == nil {
		return 0
	}
	return len(s.Trace.Steps)
}

// Definition declares an area of a combined decision: its name, where its
// outputs and errors appear, what it reads from the areas before it, when
// the case has something for it to decide, and the type of its result,
// whose `path:"..."` tags declare the output paths it computes (see
// Paths). A domain package declares its areas once, beside its rules'
// environments; the combined decision derives everything else.
type Definition struct {
	// Name names the area in the State ("hours"); unique.
	Name string
	// Section is the first part of the area's output paths and the name its
	// errors are reported under ("placement" for the assignment check).
	Section string
	// After are the areas whose results this one reads: they run first.
	After []string
	// Applies reports whether the case has what the area decides (for the
	// state's case, with the results of the areas in After at hand).
	Applies func(s *State) bool
	// Result is the type of the result Decide returns (a pointer to a
	// struct).
	Result reflect.Type
	// Rules are the rulebook areas whose rules the area evaluates itself
	// (not through the areas in After); none means the rulebook area of
	// its Name, when its package decides one (Package.RuleAreas).
	Rules []string
	// Params are the parameters the area's Go code reads from the
	// rulebook itself, besides those its rules read: with the rules, what
	// a reform can change in its decisions (a comparison re-decides only
	// the areas a reform can change).
	Params []string
}

// DecideFunc decides one area over the state, reading the results of the
// areas it comes after, and returns its result (of the Definition's
// Result type).
type DecideFunc func(s *State) (any, error)

// Package is what a domain package contributes to the combined decision:
// the areas it declares and how to compile them for a rulebook.
type Package struct {
	Areas []Definition
	// RuleAreas are the rulebook areas whose rules the package decides (a
	// rule in an area no package decides is a broken rulebook).
	RuleAreas []string
	// Compile compiles the package's areas for c's rulebook.
	Compile func(c *Compiler) (Compiled, error)
}

// Compiled is a package's areas compiled for a rulebook: each one's
// DecideFunc by area name, and the rule sets they evaluate (for tools that
// inspect them: coverage, the closures each rule runs on).
type Compiled struct {
	Decide   map[string]DecideFunc
	RuleSets []*RuleSet
}

// Compiler compiles the areas of a rulebook once each: a package that
// needs another's engine (placement needs eligibility's and trajectory's)
// gets the same one through Memo. It is used by one goroutine, while a
// combined decision engine is built.
type Compiler struct {
	rb   *wk.Rulebook
	mu   sync.Mutex
	memo map[string]memoEntry
}

type memoEntry struct {
	v   any
	err error
}

// NewCompiler starts compiling the areas of rb.
func NewCompiler(rb *wk.Rulebook) *Compiler {
	return &Compiler{rb: rb, memo: map[string]memoEntry{}}
}

// Rulebook returns the rulebook being compiled.
func (c *Compiler) Rulebook() *wk.Rulebook { return c.rb }

// Memo returns what build returns for key, building it on the first call
// only.
func Memo[T any](c *Compiler, key string, build func(rb *wk.Rulebook) (T, error)) (T, error) {
	c.mu.Lock()
	e, ok := c.memo[key]
	c.mu.Unlock()
	if !ok {
		v, err := build(c.rb)
		e = memoEntry{v, err}
		c.mu.Lock()
		c.memo[key] = e
		c.mu.Unlock()
	}
	if e.err != nil {
		var zero T
		return zero, e.err
	}
	v, ok := e.v.(T)
	if !ok {
		var zero T
		return zero, fmt.Errorf("area: %s was built as %T, not %T", key, e.v, zero)
	}
	return v, nil
}
