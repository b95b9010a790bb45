package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/internal/suggest"
)

// flagSet is a command's flags: -h prints the usage once, on standard
// output, and exits 0; a bad flag or argument prints the problem and a
// short usage on standard error and exits 2 (as Go's own tools do).
type flagSet struct {
	*flag.FlagSet
	name, args     string
	stdout, stderr io.Writer
}

func newFlags(name, args string, stdout, stderr io.Writer) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard) // parse reports the errors itself
	fs.Usage = func() {}
	return &flagSet{FlagSet: fs, name: name, args: args, stdout: stdout, stderr: stderr}
}

// parse parses the flags, placed before or after the positional arguments
// (everything after "--" is positional). When ok is false the command
// returns code: exitOK after -h, exitUsage after a bad flag.
func (f *flagSet) parse(args []string) (pos []string, code int, ok bool) {
	pos, err := parseFlags(f.FlagSet, args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		f.help()
		return nil, exitOK, false
	case err != nil:
		return nil, f.usage("%s", f.explain(err)), false
	}
	return pos, exitOK, true
}

// help writes the command's usage and flags on standard output.
func (f *flagSet) help() {
	fmt.Fprintf(f.stdout, "Usage: wijkwerken %s %s\n\nFlags:\n", f.name, f.args)
	f.SetOutput(f.stdout)
	f.PrintDefaults()
	f.SetOutput(io.Discard)
	fmt.Fprintf(f.stdout, "\nExit status: %s\n", exitSummary)
}

// usage reports a wrong use of the command (an unknown flag, a missing
// argument) with the command's usage line, and returns exitUsage.
func (f *flagSet) usage(format string, args ...any) int {
	fmt.Fprintf(f.stderr, "wijkwerken %s: %s\nUsage: wijkwerken %s %s\nRun 'wijkwerken %s -h' for its flags.\n",
		f.name, fmt.Sprintf(format, args...), f.name, f.args, f.name)
	return exitUsage
}

// fail reports a bad flag value or argument, and returns exitUsage.
func (f *flagSet) fail(format string, args ...any) int {
	fmt.Fprintf(f.stderr, "wijkwerken %s: %s\n", f.name, fmt.Sprintf(format, args...))
	return exitUsage
}

// given reports whether the flag was set on the command line.
func (f *flagSet) given(name string) bool {
	set := false
	f.Visit(func(fl *flag.Flag) { set = set || fl.Name == name })
	return set
}

// explain rewrites the flag package's errors with a "did you mean".
func (f *flagSet) explain(err error) string {
	msg := err.Error()
	if name, ok := strings.CutPrefix(msg, "flag provided but not defined: -"); ok {
		var known []string
		f.VisitAll(func(fl *flag.Flag) { known = append(known, fl.Name) })
		msg = "unknown flag -" + name
		if s := suggest.Closest(strings.TrimLeft(name, "-"), known); s != "" {
			msg += fmt.Sprintf(" (did you mean --%s?)", s)
		}
	}
	return msg
}

// parseFlags parses flags placed before or after the positional arguments;
// everything after "--" is positional.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var tail []string
	for i, a := range args {
		if a == "--" {
			args, tail = args[:i], args[i+1:]
			break
		}
	}
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return append(pos, tail...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// rulebookFlags are the flags every command shares: the rulebook, the
// reforms and the input size limit.
type rulebookFlags struct {
	dir        string
	reforms    multiFlag
	maxInput   int64
	workBudget int
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

func (rf *rulebookFlags) register(fs *flagSet) {
	fs.StringVar(&rf.dir, "rulebook", "", "read the rulebook from `DIR` instead of the embedded reference")
	fs.Var(&rf.reforms, "reform", "apply the reform in `FILE` (repeatable, applied in order; - for standard input)")
	fs.Var((*byteSize)(&rf.maxInput), "max-input-bytes", "refuse any input file larger than `N` bytes (a case, scenario, reform, rulebook or register file; suffixes KiB, MiB, GiB) (default 64MiB)")
	rf.workBudget = wk.DefaultWorkBudget
	fs.Var((*steps)(&rf.workBudget), "work-budget", "refuse rules that could take more than `N` steps on one decision (loops over lists and ranges; docs/limits.md)")
}

// inputs returns the reader of the command's inputs, bounded as the flags
// say.
func (rf *rulebookFlags) inputs(stdin io.Reader) *inputs { return newInputs(stdin, rf.maxInput) }

// load returns the rulebook the flags name, reading its files through in.
func (rf *rulebookFlags) load(in *inputs) (*wk.Rulebook, error) {
	var rb *wk.Rulebook
	var err error
	if rf.dir == "" {
		rb, err = wk.Reference()
	} else {
		rb, err = loadDir(rf.dir, in)
	}
	if err != nil {
		return nil, err
	}
	rb = rb.WithWorkBudget(rf.workBudget) // 0: not a flag of this command, the default
	reforms, err := readReforms(rf.reforms, in)
	if err != nil {
		return nil, err
	}
	return rb.Reform(reforms...)
}

func readReforms(files []string, in *inputs) ([]*wk.Reform, error) {
	var out []*wk.Reform
	for _, f := range files {
		data, name, err := in.read(f)
		if err != nil {
			return nil, err
		}
		r, err := wk.ParseReform(name, data)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// rulebookRoot returns the file system and path to load a rulebook
// directory from, so that positions in errors read as the path the user
// gave.
func rulebookRoot(dir string, in *inputs) (fsys *limitFS, path string, err error) {
	clean := filepath.Clean(dir)
	st, err := os.Stat(clean)
	if err != nil {
		return nil, "", fileError(dir, err)
	}
	if !st.IsDir() {
		return nil, "", fmt.Errorf("--rulebook %s: not a directory", dir)
	}
	if !filepath.IsAbs(clean) && !strings.HasPrefix(clean, "..") {
		return in.dirFS("."), filepath.ToSlash(clean), nil
	}
	abs, err := filepath.Abs(clean)
	if err != nil {
		return nil, "", err
	}
	vol := filepath.VolumeName(abs)
	return in.dirFS(vol + string(filepath.Separator)), filepath.ToSlash(strings.TrimPrefix(abs[len(vol):], string(filepath.Separator))), nil
}

// loadDir loads a rulebook directory.
func loadDir(dir string, in *inputs) (*wk.Rulebook, error) {
	fsys, path, err := rulebookRoot(dir, in)
	if err != nil {
		return nil, err
	}
	return wk.Load(fsys, path)
}

// byteSize is a flag holding a number of bytes: 1000, 64KiB, 64MiB, 1GiB.
type byteSize int64

func (b *byteSize) String() string {
	if b == nil || *b == 0 {
		return ""
	}
	return formatBytes(int64(*b))
}

func (b *byteSize) Set(s string) error {
	num, mult := strings.TrimSpace(s), int64(1)
	for suffix, m := range map[string]int64{"KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30} {
		if n, ok := strings.CutSuffix(num, suffix); ok {
			num, mult = strings.TrimSpace(n), m
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > math.MaxInt64/mult {
		return errors.New("want a positive number of bytes (1000, 64KiB, 64MiB, 1GiB)")
	}
	*b = byteSize(n * mult)
	return nil
}

// percent is a flag holding a percentage from 0 to 100; NaN, a negative
// number or more than 100 is a usage error, not a gate that never fails.
type percent struct {
	v   float64
	set bool
}

func (p *percent) String() string {
	if p == nil || !p.set {
		return ""
	}
	return strconv.FormatFloat(p.v, 'g', -1, 64)
}

func (p *percent) Set(s string) error {
	v, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(s), "%"), 64)
	if err != nil || math.IsNaN(v) || v < 0 || v > 100 {
		return errors.New("want a percentage from 0 to 100")
	}
	p.v, p.set = v, true
	return nil
}

// maxWorkers bounds --workers: more goroutines than this decide no faster
// on any machine, and each holds a window of cases in memory.
const maxWorkers = 1024

// workersFlag registers --workers.
func workersFlag(fs *flagSet, what string) *int {
	return fs.Int("workers", 0, fmt.Sprintf("%s at once (default: one per core; at most %d)", what, maxWorkers))
}

// checkWorkers returns a usage problem with --workers, or "".
func checkWorkers(n int) string {
	if n < 0 || n > maxWorkers {
		return fmt.Sprintf("--workers %d: want 0 (one per core) up to %d", n, maxWorkers)
	}
	return ""
}

// dateVar registers a flag holding a civil date, YYYY-MM-DD: a bad date is
// a usage error when the flags are parsed. The date is zero when the flag
// is not given.
func (f *flagSet) dateVar(name, usage string) *wk.Date {
	v := new(dateValue)
	f.Var(v, name, usage)
	return &v.d
}

type dateValue struct{ d wk.Date }

func (v *dateValue) String() string {
	if v == nil || v.d.IsZero() {
		return ""
	}
	return v.d.String()
}

func (v *dateValue) Set(s string) error {
	d, err := wk.ParseDate(s)
	if err != nil {
		return err
	}
	v.d = d
	return nil
}

// langVar registers --lang: the language of a command's text, en or nl.
func (f *flagSet) langVar() *string {
	v := &langValue{lang: "en"}
	f.Var(v, "lang", "language of the text: `nl` or en")
	return &v.lang
}

type langValue struct{ lang string }

func (v *langValue) String() string {
	if v == nil {
		return ""
	}
	return v.lang
}

func (v *langValue) Set(s string) error {
	if s != "nl" && s != "en" {
		return errors.New("want nl or en")
	}
	v.lang = s
	return nil
}

// steps is a number of steps of at least 1 (--work-budget).
type steps int

func (s *steps) String() string { return strconv.Itoa(int(*s)) }

func (s *steps) Set(v string) error {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return fmt.Errorf("%q: want a number of steps of at least 1", v)
	}
	*s = steps(n)
	return nil
}
