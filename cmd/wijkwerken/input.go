package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// defaultMaxInput is the largest file a command reads whole (a case, a
// scenario, reform, rulebook or register file) unless --max-input-bytes
// says otherwise: generous for any real file, small enough that /dev/zero
// or a runaway generator cannot exhaust the host.
const defaultMaxInput = 64 << 20

// inputs reads what a command is given: files whole, bounded in size, or
// standard input for "-". It remembers the files it read, so that an
// output that would overwrite one of them is refused (refuseOutput).
type inputs struct {
	max       int64
	stdin     io.Reader
	stdinUsed bool
	files     []string // every named file read
}

func newInputs(stdin io.Reader, max int64) *inputs {
	if max <= 0 {
		max = defaultMaxInput
	}
	return &inputs{max: max, stdin: stdin}
}

// TooLargeError is an input over the size limit.
type TooLargeError struct {
	Name string
	Max  int64
}

func (e *TooLargeError) Error() string {
	return fmt.Sprintf("%s: larger than the limit of %s (raise it with --max-input-bytes)", e.Name, formatBytes(e.Max))
}

func formatBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// fileError rewrites an error opening name as "name: what" (without Go's
// "open" or "stat").
func fileError(name string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", name, pe.Err)
	}
	return err
}

// stdinName is what positions call standard input.
const stdinName = "<stdin>"

// read reads a whole input: the named regular file, or standard input for
// "-". It returns the data and the name positions give it.
func (in *inputs) read(name string) ([]byte, string, error) {
	if name == "-" {
		if in.stdinUsed {
			return nil, stdinName, errors.New("standard input (-) given twice")
		}
		in.stdinUsed = true
		data, err := readLimited(in.stdin, stdinName, in.max)
		return data, stdinName, err
	}
	f, err := openRegular(name, false)
	if err != nil {
		return nil, name, err
	}
	defer f.Close()
	in.files = append(in.files, name)
	data, err := readLimited(f, name, in.max)
	return data, name, err
}

// openRegular opens a named input. Only regular files are read (and, for
// a stream, named pipes, as `<(cmd)` gives): a device such as /dev/zero,
// or a symlink to one, would be read without end.
func openRegular(name string, stream bool) (*os.File, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, fileError(name, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fileError(name, err)
	}
	switch m := st.Mode(); {
	case m.IsRegular(), stream && m&fs.ModeNamedPipe != 0:
		return f, nil
	case m.IsDir():
		f.Close()
		return nil, fmt.Errorf("%s: is a directory, not a file", name)
	default:
		f.Close()
		if stream {
			return nil, fmt.Errorf("%s: not a regular file or a pipe, but %s", name, fileKind(m))
		}
		return nil, fmt.Errorf("%s: not a regular file, but %s; give - to read standard input", name, fileKind(m))
	}
}

// fileKind names what a file that is not regular is.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m.IsDir():
		return "a directory"
	}
	return "a special file"
}

func readLimited(r io.Reader, name string, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if int64(len(data)) > max {
		return nil, &TooLargeError{Name: name, Max: max}
	}
	return data, nil
}

// stream opens an input read line by line (a population, bulk's cases):
// the named file or pipe, or standard input for "-". Its size is not
// bounded (a population may be gigabytes); each line is (MaxLine).
func (in *inputs) stream(name string) (io.Reader, *os.File, error) {
	if name == "-" {
		if in.stdinUsed {
			return nil, nil, errors.New("standard input (-) given twice")
		}
		in.stdinUsed = true
		f, _ := in.stdin.(*os.File)
		return in.stdin, f, nil
	}
	f, err := openRegular(name, true)
	if err != nil {
		return nil, nil, err
	}
	in.files = append(in.files, name)
	return f, f, nil
}

// dirFS returns a file system rooted at root (an OS directory) whose files
// are read as inputs: bounded in size, regular files only, remembered.
func (in *inputs) dirFS(root string) *limitFS {
	return &limitFS{FS: os.DirFS(root), root: root, in: in}
}

// limitFS is an os.DirFS whose ReadFile (what the rulebook loader calls)
// reads regular files only, within the input limit.
type limitFS struct {
	fs.FS
	root string
	in   *inputs
}

func (l *limitFS) ReadFile(name string) ([]byte, error) {
	f, err := l.FS.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("%s: not a regular file, but %s", name, fileKind(st.Mode()))
	}
	l.in.files = append(l.in.files, filepath.Join(l.root, filepath.FromSlash(name)))
	return readLimited(f, name, l.in.max)
}

// refuseOutput returns an error when writing out would overwrite one of
// the files read: a command never overwrites its input.
func (in *inputs) refuseOutput(flagName, out string) error {
	ost, err := os.Stat(out)
	if err != nil {
		ost = nil
	}
	oabs, _ := filepath.Abs(out)
	for _, f := range in.files {
		if ost != nil {
			if st, err := os.Stat(f); err == nil && os.SameFile(st, ost) {
				return fmt.Errorf("%s %s: that is an input (%s); write the output elsewhere", flagName, out, f)
			}
			continue
		}
		if abs, err := filepath.Abs(f); err == nil && abs == oabs {
			return fmt.Errorf("%s %s: that is an input; write the output elsewhere", flagName, out)
		}
	}
	return nil
}

// refuseStdout returns an error when standard output is a file the
// command reads (`bulk pop.jsonl > pop.jsonl`, where the shell emptied it
// already, or `>> pop.jsonl`, which would read its own output forever).
func (in *inputs) refuseStdout(stdout io.Writer) error {
	f, ok := raw(stdout).(*os.File)
	if !ok {
		return nil
	}
	ost, err := f.Stat()
	if err != nil || !ost.Mode().IsRegular() {
		return nil
	}
	for _, name := range in.files {
		if st, err := os.Stat(name); err == nil && os.SameFile(st, ost) {
			return fmt.Errorf("standard output is %s, an input: write the output elsewhere", name)
		}
	}
	return nil
}

// writeFileAtomic writes a file whole or not at all: into a temporary
// file beside it, renamed over it once complete.
func writeFileAtomic(name string, write func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return fileError(name, err)
	}
	tmp := f.Name()
	bw := bufio.NewWriter(f)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(tmp, 0o644)
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}
