package main

import (
	"fmt"
	"io"
	"os"
	"sync"
	"sync/atomic"
	"time"
)

// isTerminal reports whether w is a terminal (a character device).
// The standard library's file mode is enough for this: it needs no
// dependency, and at worst it takes /dev/null for a terminal, where the
// progress line is harmlessly lost.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// progress counts what a long run has read from its input and, when
// shown, rewrites one line on stderr a few times a second: cases read,
// share of the file, cases per second. It never writes case data.
type progress struct {
	r     io.Reader
	total int64 // the input's size in bytes, 0 when unknown
	bytes atomic.Int64
	lines atomic.Int64
	start time.Time
	w     io.Writer
	name  string
	stop  chan struct{}
	done  sync.WaitGroup
	shown bool
}

// newProgress wraps r; the line goes to stderr only when show is true.
func newProgress(name string, r io.Reader, stderr io.Writer, show bool) *progress {
	// The line is rewritten with \r and ESC [K on purpose: past the
	// escaper, which would show them as text.
	p := &progress{r: r, w: raw(stderr), name: name, start: time.Now(), stop: make(chan struct{})}
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			p.total = st.Size()
		}
	}
	if show {
		p.shown = true
		p.done.Add(1)
		go p.loop()
	}
	return p
}

func (p *progress) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.bytes.Add(int64(n))
	lines := 0
	for _, c := range b[:n] {
		if c == '\n' {
			lines++
		}
	}
	p.lines.Add(int64(lines))
	return n, err
}

func (p *progress) loop() {
	defer p.done.Done()
	t := time.NewTicker(250 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			fmt.Fprint(p.w, "\r\033[K")
			return
		case <-t.C:
			fmt.Fprint(p.w, "\r\033[K"+p.line())
		}
	}
}

func (p *progress) line() string {
	lines := p.lines.Load()
	s := fmt.Sprintf("%s: %d cases read", p.name, lines)
	if p.total > 0 {
		s += fmt.Sprintf(" (%.0f%% of the input)", 100*float64(p.bytes.Load())/float64(p.total))
	}
	if el := time.Since(p.start).Seconds(); el > 0 {
		s += fmt.Sprintf(", %.0f cases/s", float64(lines)/el)
	}
	return s
}

// Close ends the progress line and clears it.
func (p *progress) Close() {
	if p.shown {
		close(p.stop)
		p.done.Wait()
		p.shown = false
	}
}
