// Package settings holds what a decision runs with, set by the options of
// the root package (wijkwerken.WithTrace) and of package area
// (area.CaseValidated), read by the areas.
package settings

// Settings are the settings a decision runs with. The zero Settings decide
// without a trace.
type Settings struct {
	// Trace asks for the full explanation: every rule evaluated, with its
	// outcome and the parameter values it read.
	Trace bool
	// Validated says the case has passed dossier's Case.Validate already.
	Validated bool
	// VMOnly runs untraced rules on expr's VM (with their parameters
	// folded in), not on the closures: for tests that compare the two.
	VMOnly bool
}
