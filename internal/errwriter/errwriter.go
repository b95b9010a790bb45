// Package errwriter keeps the first error of a series of writes, so that a
// report can be written line by line and checked once at the end.
package errwriter

import (
	"fmt"
	"io"
)

// Writer writes to W until a write fails; from then on it writes nothing
// and Err returns that failure.
type Writer struct {
	W   io.Writer
	err error
}

// New returns a Writer writing to w.
func New(w io.Writer) *Writer { return &Writer{W: w} }

// Write writes p unless an earlier write failed.
func (e *Writer) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.W.Write(p)
	e.err = err
	return n, err
}

// Printf formats to the writer.
func (e *Writer) Printf(format string, args ...any) { fmt.Fprintf(e, format, args...) }

// Err returns the first write error, or nil.
func (e *Writer) Err() error { return e.err }
