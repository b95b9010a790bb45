// Command wijkwerken decides, explains and tests the regulation of
// wijk-werken and gemeenschapsdienst.
//
//	wijkwerken eval   [--date D] [--json] [--trace] [--lang nl|en] FILE|-
//	wijkwerken test   [--run RE] [--format text|json|github] [--junit FILE] [--coverage] [--min-coverage PCT] [-v] PATHS...|-
//	wijkwerken params [--at D] [--json]
//	wijkwerken rules  [--area A] [--at D] [--json]
//	wijkwerken ledger purchase|redeem|balance|statement|pay|verify|migrate|backup STORE [flags]
//	wijkwerken lint   [--strict] [RULEBOOK DIR] [REFORM FILES...|-]
//	wijkwerken workplaces [--date D] [--json] REGISTER|-
//	wijkwerken population --n N [--seed S] [--date D] | --calibrated [--year Y] [--scale F]
//	wijkwerken bulk   [--date D] [--workers K] [--explain] [--trace] [--quiet] FILE|-
//	wijkwerken compare --reform FILE... [--sweep P=LO:HI:STEP] [--by FIELD]... [--json|--csv] [--html FILE] POPULATION|-
//	wijkwerken mutate [--reform FILE]... [--all] [--rules GLOB]... [--format text|json|github] [--min-score PCT] PATHS...
//	wijkwerken serve  [--addr ADDR] [--tokens FILE] [--cors-origin O]... [--decision-log FILE]
//	wijkwerken schema case|scenario|reform|rulebook|register
//	wijkwerken version
//
// Every command takes --rulebook DIR (a rulebook other than the embedded
// reference), --reform FILE (repeatable; reforms apply in order) and
// --max-input-bytes N (the largest file read whole; 64 MiB by default).
// Wherever a command reads a file, - reads standard input. -h prints a
// command's usage and flags.
//
// Exit status, the same in every command:
//
//	0    success: every scenario passed, the files are clean, the proof is complete
//	1    the check failed: a scenario failed; coverage or mutation score below
//	     the minimum; lint found a problem in the files it checks (--strict:
//	     a warning too); an area of the case could not be decided (eval);
//	     proof missing (workplaces)
//	2    usage, or an input that cannot be used: an unknown command or flag, a bad
//	     flag value, a wrong number of arguments, --run matching no scenario, an
//	     output path that is an input; a file missing, too large, not a regular
//	     file, or broken (YAML, a case, a scenario file, a rulebook or reform
//	     another command reads); a population or stream none of whose lines is
//	     a case (compare, bulk)
//	130  interrupted by SIGINT (143: SIGTERM); the output holds complete lines only
//
// lint exits 1 for every problem it finds in what it checks, a YAML syntax
// error included, and 2 only when it cannot read a file (as every command).
package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/internal/suggest"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `wijkwerken decides, explains and tests the regulation of wijk-werken.

Usage:
  wijkwerken eval   [--date D] [--json] [--trace] [--lang nl|en] FILE|-
  wijkwerken test   [--run RE] [--format text|json|github] [--junit FILE] [--coverage] [--min-coverage PCT] [-v] PATHS...|-
  wijkwerken params [--at D] [--json]
  wijkwerken rules  [--area A] [--at D] [--json]
  wijkwerken ledger purchase|redeem|balance|statement|pay|verify|migrate|backup STORE [flags]  (a durable cheque ledger, JSON out)
  wijkwerken lint   [--strict] [RULEBOOK DIR] [REFORM FILES...|-]
  wijkwerken workplaces [--date D] [--json] REGISTER|-   (exit 1 while proof is missing)
  wijkwerken population --n N [--seed S] [--date D] | --calibrated [--year Y] [--scale F]  (JSON lines of cases)
  wijkwerken bulk   [--date D] [--workers K] [--explain] [--trace] [--quiet] FILE|-  (JSON lines in and out)
  wijkwerken compare --reform FILE... [--sweep P=LO:HI:STEP] [--by FIELD]... [--lang nl|en] [--date D] [--json|--csv] [--html FILE] POPULATION|-
  wijkwerken mutate [--reform FILE]... [--all] [--rules GLOB]... [--format text|json|github] [--min-score PCT] [--workers N] PATHS...
  wijkwerken serve  [--addr ADDR] [--tokens FILE] [--cors-origin O]... [--decision-log FILE]  (HTTP/JSON and the web interface)
  wijkwerken schema case|scenario|reform|rulebook|register  (the JSON Schema of a file format)
  wijkwerken version

Every command takes --rulebook DIR, --reform FILE (repeatable) and --max-input-bytes N.
Run 'wijkwerken COMMAND -h' for a command's flags.

Exit status: ` + exitSummary + `
`

// The exit status of every command (the table in the package comment).
const (
	exitOK          = 0
	exitFail        = 1   // the check failed
	exitUsage       = 2   // bad usage
	exitInput       = 2   // an input that cannot be used
	exitInterrupted = 130 // a signal stopped the run (128 + its number)
)

const exitSummary = "0 success; 1 the check failed (a scenario, coverage, a lint problem, an undecided area, missing proof); " +
	"2 bad usage or an input that cannot be used (missing, too large, broken); 130 interrupted (143 on SIGTERM)."

type cmdFunc func(args []string, stdin io.Reader, stdout, stderr io.Writer) int

var commands = map[string]cmdFunc{
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
	"version":    cmdVersion,
}

// run runs the command line args. Text written to stdout and stderr has
// the control characters of user-supplied text escaped (escaper); machine
// formats are written raw.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	stdout, stderr = newEscaper(stdout), newEscaper(stderr)
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 && commands[args[1]] != nil {
			return commands[args[1]]([]string{"-h"}, stdin, stdout, stderr)
		}
		fmt.Fprint(stdout, usage)
		return exitOK
	case "-version", "--version":
		return cmdVersion(args[1:], stdin, stdout, stderr)
	}
	c, ok := commands[args[0]]
	if !ok {
		msg := fmt.Sprintf("wijkwerken: unknown command %q", args[0])
		if s := suggest.Closest(args[0], commandNames()); s != "" {
			msg += fmt.Sprintf(" (did you mean %q?)", s)
		} else if strings.HasPrefix(args[0], "-") {
			msg = fmt.Sprintf("wijkwerken: %s: give a command first (wijkwerken COMMAND [flags])", args[0])
		}
		fmt.Fprintf(stderr, "%s\nRun 'wijkwerken -h' for the commands.\n", msg)
		return exitUsage
	}
	return c(args[1:], stdin, stdout, stderr)
}

func commandNames() []string {
	names := make([]string, 0, len(commands))
	for k := range commands {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// cmdVersion prints the module version and the VCS revision the binary was
// built from.
func cmdVersion(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := newFlags("version", "", stdout, stderr)
	pos, code, ok := fs.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return fs.usage("unexpected argument %q", pos[0])
	}
	fmt.Fprintln(stdout, versionLine())
	return exitOK
}

// versionLine is "wijkwerken VERSION (MODULE, revision REV[, modified],
// GO)", from wijkwerken.Version: the same build every result names.
func versionLine() string {
	b := wk.Version()
	parts := []string{b.Module}
	if b.Revision != "" {
		parts = append(parts, "revision "+b.Revision)
	} else {
		parts = append(parts, "revision unknown (built without VCS information: go build in a clone records it)")
	}
	if b.Modified {
		parts = append(parts, "modified")
	}
	parts = append(parts, b.Go)
	return "wijkwerken " + b.Version + " (" + strings.Join(parts, ", ") + ")"
}
