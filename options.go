package wijkwerken

// Option changes how a domain package decides (see WithTrace).
type Option func(*Options)

// Options are the settings a decision runs with. The zero Options decide
// without a trace.
type Options struct {
	// Trace asks for the full explanation: every rule evaluated, with its
	// outcome and the parameter values it read.
	Trace bool
}

// WithTrace asks a decision for its trace.
func WithTrace() Option { return func(o *Options) { o.Trace = true } }

// Apply returns the Options that opts describe.
func Apply(opts []Option) Options {
	var o Options
	for _, f := range opts {
		f(&o)
	}
	return o
}
