package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// interruptedError is the cause of a run's context when a signal stopped
// it.
type interruptedError struct{ sig os.Signal }

func (e *interruptedError) Error() string { return "interrupted by " + signalName(e.sig) }

func signalName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// exitCode is the status of a run a signal stopped: 128 + the signal's
// number, as shells report it (130 for SIGINT, 143 for SIGTERM).
func (e *interruptedError) exitCode() int {
	if n, ok := e.sig.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return exitInterrupted
}

// interrupt is the context a long command runs under: cancelled, with an
// *interruptedError as its cause, on the first SIGINT or SIGTERM. After the
// first signal the default behaviour is restored, so that a second one
// ends the process at once. Tests replace it.
var interrupt = func() (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-ch:
			signal.Stop(ch)
			cancel(&interruptedError{sig: s})
		case <-ctx.Done():
		}
	}()
	return ctx, func() {
		signal.Stop(ch)
		cancel(context.Canceled)
	}
}

// interrupted reports how ctx was stopped by a signal, if it was: the
// message for stderr and the exit status.
func interrupted(ctx context.Context) (msg string, code int, ok bool) {
	if ctx.Err() == nil {
		return "", 0, false
	}
	var ie *interruptedError
	if errors.As(context.Cause(ctx), &ie) {
		return ie.Error(), ie.exitCode(), true
	}
	return fmt.Sprint(context.Cause(ctx)), exitInterrupted, true
}

// interruptible returns a reader of r that stops, with ctx's cause, once
// ctx is done, so that a command reading a pipe or a terminal stops on a
// signal without waiting for more input: a goroutine reads r, and the
// reader returned is closed on cancellation (the goroutine, blocked in its
// read, ends with the process). A regular file is returned as it is: its
// reads never wait. release frees the watch once the reading is over.
func interruptible(ctx context.Context, r io.Reader) (_ io.Reader, release func()) {
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			return r, func() {}
		}
	}
	pr, pw := io.Pipe()
	go func() {
		_, err := io.Copy(pw, r)
		pw.CloseWithError(err)
	}()
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			pr.CloseWithError(context.Cause(ctx))
		case <-done:
		}
	}()
	return pr, func() { close(done) }
}
