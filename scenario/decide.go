package scenario

import (
	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
)

// Decide makes the scenario's decision as RunScenario does (traced), and
// returns it whole: the outputs, the errors of the areas that could not be
// decided, and the trace of every rule evaluated. The error is the
// scenario's own (a bad date or case) or, when nothing could be decided,
// the decision's. Tools that look at what a scenario reads of its rulebook
// (mutation testing) use it beside RunScenario.
func (r *Runner) Decide(sc *Scenario) (*decision.Result, error) {
	if sc.inputErr != nil {
		return nil, sc.inputErr
	}
	return r.eng.Decide(sc.Date, sc.Case, wk.WithTrace())
}
