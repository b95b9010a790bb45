package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMain runs the command itself when the test binary is started as a
// child by the signal tests (WIJKWERKEN_CHILD_ARGS holds its arguments, separated by the unit separator \x1f).
func TestMain(m *testing.M) {
	if args, ok := os.LookupEnv("WIJKWERKEN_CHILD_ARGS"); ok {
		os.Exit(run(strings.Split(args, "\x1f"), os.Stdin, os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// lockedBuffer is a buffer a child process writes while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// bulk stops cleanly on SIGINT and SIGTERM, even while it waits for more
// input on a pipe: the output holds complete lines only, stderr says how
// many, and the exit status is 128 + the signal (130, 143).
func TestBulkStopsCleanlyOnSignal(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	_, pop, _ := runCLI(t, "population", "--n", "60", "--seed", "2")
	for _, c := range []struct {
		sig  syscall.Signal
		name string
		code int
	}{{syscall.SIGINT, "SIGINT", 130}, {syscall.SIGTERM, "SIGTERM", 143}} {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), "WIJKWERKEN_CHILD_ARGS="+strings.Join([]string{"bulk", "--workers", "1", "-"}, "\x1f"))
			stdin, err := cmd.StdinPipe()
			require.NoError(t, err)
			var stdout, stderr lockedBuffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			require.NoError(t, cmd.Start())
			// The cases, and then nothing: bulk waits for more on the pipe.
			_, err = io.WriteString(stdin, pop)
			require.NoError(t, err)
			deadline := time.Now().Add(20 * time.Second)
			for stdout.String() == "" && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond) // running: its signal handler is in place
			}
			require.NotEmpty(t, stdout.String(), "bulk wrote its first lines")
			require.NoError(t, cmd.Process.Signal(c.sig))
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(20 * time.Second):
				cmd.Process.Kill()
				t.Fatal("bulk did not stop on " + c.name)
			}
			stdin.Close()
			assert.Equal(t, c.code, cmd.ProcessState.ExitCode(), stderr.String())
			m := regexp.MustCompile(`wijkwerken bulk: interrupted by ` + c.name + ` after (\d+) cases: the output holds their (\d+) complete lines\n`).FindStringSubmatch(stderr.String())
			require.NotNil(t, m, stderr.String())
			n, _ := strconv.Atoi(m[1])
			out := stdout.String()
			require.True(t, strings.HasSuffix(out, "\n"), "the last line is complete")
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			assert.Len(t, lines, n)
			for _, l := range lines {
				assert.True(t, json.Valid([]byte(l)), "a complete JSON line: %q", l)
			}
		})
	}
}

// signalled makes the commands of the test run as if sig had arrived
// before they started.
func signalled(t *testing.T, sig os.Signal) {
	saved := interrupt
	t.Cleanup(func() { interrupt = saved })
	interrupt = func() (context.Context, context.CancelFunc) {
		ctx, cancel := context.WithCancelCause(context.Background())
		cancel(&interruptedError{sig: sig})
		return ctx, func() {}
	}
}

// compare stops on a signal without a report (a partial comparison would
// mislead), with a clear message and exit 130.
func TestCompareStopsOnSignal(t *testing.T) {
	signalled(t, os.Interrupt)
	html := t.TempDir() + "/r.html"
	code, out, errs := runCLI(t, "compare", "--reform", "../../examples/reform/cap-80-2027.yaml", "--html", html, "../../compare/testdata/small.jsonl")
	assert.Equal(t, 130, code)
	assert.Empty(t, out)
	assert.Equal(t, "wijkwerken compare: interrupted by SIGINT: no report written\n", errs)
	_, err := os.Stat(html)
	assert.True(t, os.IsNotExist(err), "no HTML report either")

	// bulk, in-process: complete lines only, exit 130.
	code, out, errs = runCLI(t, "bulk", "../../compare/testdata/small.jsonl")
	assert.Equal(t, 130, code)
	assert.Regexp(t, `^wijkwerken bulk: interrupted by SIGINT after \d+ cases`, errs)
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l != "" {
			assert.True(t, json.Valid([]byte(l)), l)
		}
	}
}
