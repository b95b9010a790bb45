package decision

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sync"
	"time"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/area"
	"github.com/openwijkwerken/wijkwerken/dossier"
)

// StreamOptions tune Stream.
type StreamOptions struct {
	// Workers is how many cases are decided at once; 0 means one per core.
	Workers int
	// Window bounds how many cases are read ahead of the oldest one not yet
	// written (and so the memory used, whatever the stream's length); 0
	// means 64 per worker.
	Window int
	// MaxLine is the longest input line accepted, in bytes; 0 means 1 MiB.
	MaxLine int
	// Date, when set, decides every case on this date instead of its own.
	Date wk.Date
	// Explain writes each result's reasons in full (messages, rules,
	// citations) under "explanations", as MarshalJSON does; by default a
	// result holds the outputs only (reason codes included).
	Explain bool
	// Options apply to every decision (WithTrace, ...).
	Options []wk.Option
}

// StreamStats counts what a Stream did.
type StreamStats struct {
	Cases   int           `json:"cases"`
	Errors  int           `json:"errors"`
	Elapsed time.Duration `json:"elapsed_ns"`
}

// PerSecond is the throughput, cases per second.
func (s StreamStats) PerSecond() float64 {
	if s.Elapsed <= 0 {
		return 0
	}
	return float64(s.Cases) / s.Elapsed.Seconds()
}

// streamIn is one input line: a case with its id and decision date.
type streamIn struct {
	ID   string          `json:"id"`
	Date json.RawMessage `json:"date"` // parsed apart, so that a bad date still reports the id
	Case json.RawMessage `json:"case"`
}

// streamOut is one output line.
type streamOut struct {
	ID     string          `json:"id,omitempty"`
	Line   int             `json:"line"`
	Date   wk.Date         `json:"date,omitzero"`
	Result json.RawMessage `json:"result,omitempty"`
	Error  string          `json:"error,omitempty"`
}

// Stream decides a stream of cases: JSON lines in, {"id", "date", "case"}
// each (the format population writes), JSON lines out, one per input line
// and in the same order: {"id", "line", "date", "result"} with the combined
// result (the JSON the scenario paths address), or {"id", "line",
// "error"} for a line that is not a valid case or could not be decided at
// all. Cases are decided on all cores; memory stays bounded by the window
// whatever the stream's length. Stream stops at the first read or write
// error, or when ctx is done.
func (e *Engine) Stream(ctx context.Context, r io.Reader, w io.Writer, o StreamOptions) (StreamStats, error) {
	start := time.Now()
	workers := o.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	window := o.Window
	if window <= 0 {
		window = 64 * workers
	}
	maxLine := o.MaxLine
	if maxLine <= 0 {
		maxLine = 1 << 20
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()

	type job struct {
		line int
		data []byte
		out  chan lineOut
	}
	jobs := make(chan job, window)
	order := make(chan chan lineOut, window)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.out <- e.streamLine(j.line, j.data, o)
			}
		}()
	}

	var readErr error
	go func() {
		defer close(order)
		defer close(jobs)
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 0, min(64*1024, maxLine)), maxLine)
		line := 0
		for sc.Scan() {
			line++
			data := bytes.TrimSpace(sc.Bytes())
			if len(data) == 0 {
				continue
			}
			j := job{line: line, data: bytes.Clone(data), out: make(chan lineOut, 1)}
			select {
			case order <- j.out:
			case <-ctx.Done():
				return
			}
			select {
			case jobs <- j:
			case <-ctx.Done():
				// Its place in the order is taken: fill it, or the writer
				// would wait for it forever.
				j.out <- lineOut{failed: true}
				return
			}
		}
		if err := sc.Err(); err != nil {
			readErr = fmt.Errorf("line %d: %w", line+1, err)
		}
	}()

	var st StreamStats
	var writeErr error
	bw := bufio.NewWriter(w)
	for out := range order {
		lo := <-out
		if writeErr != nil || ctx.Err() != nil {
			continue // drain: the workers must finish
		}
		st.Cases++
		if lo.failed {
			st.Errors++
		}
		if _, err := bw.Write(lo.b); err != nil {
			writeErr = err
			cancel()
		}
	}
	wg.Wait()
	if err := bw.Flush(); err != nil && writeErr == nil {
		writeErr = err
	}
	st.Elapsed = time.Since(start)
	switch {
	case writeErr != nil:
		return st, writeErr
	case readErr != nil:
		return st, readErr
	}
	return st, context.Cause(ctx)
}

// lineOut is an output line, and whether it reports an error.
type lineOut struct {
	b      []byte
	failed bool
}

// Line is one case of a JSON lines stream: {"id", "date", "case"}, the
// format population writes and Stream reads.
type Line struct {
	ID string
	// Date is the decision date: the line's date, else the case's
	// request.date.
	Date wk.Date
	// Case is decoded strictly and validated (dossier.DecodeJSON).
	Case *dossier.Case
}

// ParseLine decodes one line of a case stream. A line that is not
// {"id", "date", "case"}, a case that does not decode or validate, and a
// line with neither a date nor a request.date are errors; the id is
// returned whenever it could be read. A date given in date, when not zero,
// replaces the line's.
func ParseLine(data []byte, date wk.Date) (Line, error) {
	var in streamIn
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&in); err != nil {
		return Line{}, fmt.Errorf("not a case line {\"id\", \"date\", \"case\"}: %w", err)
	}
	l := Line{ID: in.ID}
	if len(in.Date) > 0 && string(in.Date) != "null" {
		if err := json.Unmarshal(in.Date, &l.Date); err != nil {
			return l, fmt.Errorf("date: %w", err)
		}
	}
	if !date.IsZero() {
		l.Date = date
	}
	c, err := dossier.DecodeJSON(in.Case)
	if err != nil {
		return l, err
	}
	if l.Date.IsZero() {
		if c.Request == nil || c.Request.Date.IsZero() {
			return l, errors.New("no date: give \"date\" on the line, or request.date")
		}
		l.Date = c.Request.Date
	}
	l.Case = c
	return l, nil
}

// streamLine decides one input line and returns its output line.
func (e *Engine) streamLine(line int, data []byte, o StreamOptions) lineOut {
	out := streamOut{Line: line}
	l, err := ParseLine(data, o.Date)
	out.ID, out.Date = l.ID, l.Date
	if err != nil {
		out.Error = err.Error()
		return marshalLine(out)
	}
	date, c := l.Date, l.Case
	// DecodeJSON has validated the case.
	res, err := e.Decide(date, c, append(o.Options[:len(o.Options):len(o.Options)], area.CaseValidated())...)
	if err != nil && (res == nil || len(res.outs()) == 0) {
		out.Error = err.Error()
		return marshalLine(out)
	}
	if o.Explain {
		out.Result, err = res.MarshalJSON()
	} else {
		out.Result, err = res.OutputsJSON()
	}
	if err != nil {
		out.Error = "cannot write the result: " + err.Error()
	}
	return marshalLine(out)
}

func marshalLine(o streamOut) lineOut {
	b, err := json.Marshal(o)
	if err != nil {
		o = streamOut{ID: o.ID, Line: o.Line, Error: "cannot write the result: " + err.Error()}
		b, _ = json.Marshal(o)
	}
	return lineOut{b: append(b, '\n'), failed: o.Error != ""}
}
