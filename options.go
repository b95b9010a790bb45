package wijkwerken

import "github.com/openwijkwerken/wijkwerken/internal/settings"

// Option changes how a decision is made; WithTrace is the one a vendor
// passes. The areas' packages read the options (package area).
type Option func(*settings.Settings)

// WithTrace asks a decision for its trace: every rule evaluated, with its
// outcome, its citation and the parameter values it read.
func WithTrace() Option { return func(s *settings.Settings) { s.Trace = true } }
