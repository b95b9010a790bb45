// Command wijkwerken decides, explains and tests the regulation of
// wijk-werken and gemeenschapsdienst.
//
//	wijkwerken eval   [--date D] [--json] [--trace] [--lang nl|en] FILE
//	wijkwerken test   [--run RE] [--format text|json|github] [--junit FILE] [--coverage] [--min-coverage PCT] [-v] PATHS...
//	wijkwerken params [--at D] [--json]
//	wijkwerken rules  [--area A] [--at D] [--json]
//	wijkwerken lint   [FILES...]
//	wijkwerken compare --reform FILE... [--sweep P=LO:HI:STEP] [--json|--csv] [--html FILE] POPULATION
//
// Every command takes --rulebook DIR (a rulebook other than the embedded
// reference) and --reform FILE (repeatable; reforms apply in order).
//
// Exit status: 0 success; 1 a scenario failed (test) or a problem was found
// (lint); 2 bad usage, a broken file or a broken rulebook.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `wijkwerken decides, explains and tests the regulation of wijk-werken.

Usage:
  wijkwerken eval   [--date D] [--json] [--trace] [--lang nl|en] FILE|-
  wijkwerken test   [--run RE] [--format text|json|github] [--junit FILE] [--coverage] [--min-coverage PCT] [-v] PATHS...
  wijkwerken params [--at D] [--json]
  wijkwerken rules  [--area A] [--at D] [--json]
  wijkwerken ledger purchase|redeem|balance|statement|pay|verify|migrate|backup STORE [flags]  (a durable cheque ledger, JSON out)
  wijkwerken lint   [RULEBOOK DIR] [REFORM FILES...]
  wijkwerken workplaces [--date D] [--json] FILE   (exit 1 while proof is missing)
  wijkwerken population --n N [--seed S] [--date D] | --calibrated [--year Y] [--scale F]  (JSON lines of cases)
  wijkwerken bulk   [--date D] [--workers K] [--trace] [--quiet] FILE|-  (JSON lines in and out)
  wijkwerken compare --reform FILE... [--sweep P=LO:HI:STEP] [--by FIELD]... [--lang nl|en] [--date D] [--json|--csv] [--html FILE] POPULATION|-
  wijkwerken mutate [--all] [--rules GLOB]... [--format text|json|github] [--min-score PCT] [--workers N] PATHS...
  wijkwerken serve  [--addr ADDR] [--tokens FILE] [--cors-origin O]... [--decision-log FILE]  (HTTP/JSON, OpenAPI at /openapi.json)
  wijkwerken schema case|scenario|reform|rulebook|register  (the JSON Schema of a file format)

Every command takes --rulebook DIR and --reform FILE (repeatable).
Run 'wijkwerken COMMAND -h' for a command's flags.
`

// exit codes
const (
	exitOK      = 0
	exitFail    = 1
	exitBroken  = 2
	exitCommand = 2
)

type cmdFunc func(args []string, stdin io.Reader, stdout, stderr io.Writer) int

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitCommand
	}
	cmds := map[string]cmdFunc{
		"eval":       cmdEval,
		"test":       cmdTest,
		"params":     cmdParams,
		"rules":      cmdRules,
		"lint":       cmdLint,
		"ledger":     cmdLedger,
		"workplaces": cmdWorkplaces,
		"population": cmdPopulation,
		"bulk":       cmdBulk,
		"compare":    cmdCompare,
		"mutate":     cmdMutate,
		"serve":      cmdServe,
		"schema":     cmdSchema,
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return exitOK
	}
	c, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "wijkwerken: unknown command %q\n\n%s", args[0], usage)
		return exitCommand
	}
	return c(args[1:], stdin, stdout, stderr)
}

// rulebookFlags are the flags every command shares.
type rulebookFlags struct {
	dir     string
	reforms multiFlag
}

type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

func (rf *rulebookFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&rf.dir, "rulebook", "", "read the rulebook from `DIR` instead of the embedded reference")
	fs.Var(&rf.reforms, "reform", "apply the reform in `FILE` (repeatable, applied in order)")
}

// load returns the rulebook the flags name.
func (rf *rulebookFlags) load() (*wk.Rulebook, error) {
	var rb *wk.Rulebook
	var err error
	if rf.dir == "" {
		rb, err = wk.Reference()
	} else {
		rb, err = loadDir(rf.dir)
	}
	if err != nil {
		return nil, err
	}
	reforms, err := readReforms(rf.reforms)
	if err != nil {
		return nil, err
	}
	return rb.Reform(reforms...)
}

func readReforms(files []string) ([]*wk.Reform, error) {
	var out []*wk.Reform
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		r, err := wk.ParseReform(f, data)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

// loadDir loads a rulebook directory so that positions in errors read as
// the path the user gave.
func loadDir(dir string) (*wk.Rulebook, error) {
	clean := filepath.Clean(dir)
	if !filepath.IsAbs(clean) && !strings.HasPrefix(clean, "..") {
		return wk.Load(os.DirFS("."), filepath.ToSlash(clean))
	}
	abs, err := filepath.Abs(clean)
	if err != nil {
		return nil, err
	}
	vol := filepath.VolumeName(abs)
	return wk.Load(os.DirFS(vol+string(filepath.Separator)), filepath.ToSlash(strings.TrimPrefix(abs[len(vol):], string(filepath.Separator))))
}

func newFlags(name, args string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: wijkwerken %s %s\n", name, args)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses flags placed before or after the positional arguments.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// report prints an error the way people can act on: every problem of a
// broken file on a line of its own.
func report(stderr io.Writer, err error) {
	var le *wk.LoadError
	if errors.As(err, &le) {
		for _, p := range le.Problems {
			fmt.Fprintln(stderr, p.String())
		}
		return
	}
	fmt.Fprintln(stderr, "wijkwerken:", err)
}

// openInput opens the file a command reads, or stdin for "-"; close
// releases it.
func openInput(name string, stdin io.Reader) (r io.Reader, close func(), err error) {
	if name == "-" {
		return stdin, func() {}, nil
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close() }, nil
}
