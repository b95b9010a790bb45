package wijkwerken

// Option changes how a domain package decides (see WithTrace).
type Option func(*Options)

// Options are the settings a decision runs with. The zero Options decide
// without a trace.
type Options struct {
	// Trace asks for the full explanation: every rule evaluated, with its
	// outcome and the parameter values it read.
	Trace bool
	// Validated says the case has passed dossier's Case.Validate already
	// (see CaseValidated).
	Validated bool
}

// WithTrace asks a decision for its trace.
func WithTrace() Option { return func(o *Options) { o.Trace = true } }

// CaseValidated tells a decision that its case has passed Case.Validate
// already (dossier.DecodeCase and DecodeJSON validate too), so that the
// decision does not check it again; the combined decision validates once
// and decides every area with this option. A case that would not pass
// gets no error and an unspecified outcome.
func CaseValidated() Option { return func(o *Options) { o.Validated = true } }

// Apply returns the Options that opts describe.
func Apply(opts []Option) Options {
	var o Options
	for _, f := range opts {
		f(&o)
	}
	return o
}
