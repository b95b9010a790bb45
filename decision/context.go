package decision

import (
	"context"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
)

// DecideContext is Decide for a caller that may give up: it returns the
// context's cause, and decides nothing, once ctx is done. One decision is
// bounded by the rulebook's work budget (wijkwerken.DefaultWorkBudget
// steps, checked when the engine compiles), so it is checked before the
// decision starts; Stream, compare.Compare, placement's Match and the
// service check it between decisions.
func (e *Engine) DecideContext(ctx context.Context, date wk.Date, c *dossier.Case, opts ...wk.Option) (*Result, error) {
	if ctx.Err() != nil {
		return nil, context.Cause(ctx)
	}
	return e.Decide(date, c, opts...)
}
