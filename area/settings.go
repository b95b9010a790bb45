package area

import (
	"errors"
	"slices"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/internal/settings"
)

// Options are the settings a decision runs with, as the options given to
// it describe them (Apply). The zero Options decide without a trace.
type Options = settings.Settings

// Apply returns the Options that opts describe.
func Apply(opts []wk.Option) Options {
	var o Options
	for _, f := range opts {
		f(&o)
	}
	return o
}

// CaseValidated tells a decision that its case has passed Case.Validate
// already (dossier.ParseCase, ParseDocument and DecodeJSON validate too), so that the
// decision does not check it again; the combined decision validates once
// and decides every area with this option. A case that would not pass
// gets no error and an unspecified outcome.
func CaseValidated() wk.Option { return func(s *settings.Settings) { s.Validated = true } }

// VMOnly makes an untraced decision run its rules on expr's VM, with the
// parameters folded in as ever, instead of on the closures: a test compares
// the three ways a rule can run (traced on the VM, folded on the VM,
// folded on the closures) with it. Decisions are slower with it.
func VMOnly() wk.Option { return func(s *settings.Settings) { s.VMOnly = true } }

// JoinErrors merges the *wijkwerken.LoadErrors among errs into one, so that
// a broken rulebook reports every problem of every area at once. Other
// errors are joined beside it. It returns nil when every err is nil.
func JoinErrors(errs ...error) error {
	var merged wk.LoadError
	var other []error
	for _, err := range errs {
		if err == nil {
			continue
		}
		var le *wk.LoadError
		if errors.As(err, &le) {
			// The same problem reached twice (an area compiled for two
			// packages) is reported once.
			for _, p := range le.Problems {
				if !slices.Contains(merged.Problems, p) {
					merged.Problems = append(merged.Problems, p)
				}
			}
		} else {
			other = append(other, err)
		}
	}
	switch {
	case len(other) > 0 && len(merged.Problems) > 0:
		return errors.Join(append(other, &merged)...)
	case len(other) > 0:
		return errors.Join(other...)
	case len(merged.Problems) > 0:
		return &merged
	}
	return nil
}
