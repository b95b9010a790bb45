package decision

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
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
	// ParseLine validates each case: the areas need not check it again.
	o.Options = append(o.Options[:len(o.Options):len(o.Options)], area.CaseValidated())

	// Lines go to the workers in batches (fewer hand-overs between
	// goroutines), a batch's output written as one piece; the window
	// bounds the lines of the batches in flight.
	batch := min(32, max(1, window/4))
	type item struct {
		line int
		data []byte
		pre  *lineOut // an error line made by the reader
	}
	type job struct {
		items []item
		arena []byte // the batch's lines
		out   chan lineOut
	}
	jobs := make(chan job, max(1, window/batch))
	order := make(chan chan lineOut, max(1, window/batch))
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				out := lineOut{b: getBuf(1024 * len(j.items)), cases: len(j.items)}
				for _, it := range j.items {
					failed := true
					if it.pre != nil {
						out.b = append(out.b, it.pre.b...)
					} else {
						l := e.streamLine(it.line, it.data, o, out.b)
						out.b, failed = l.b, l.failed
					}
					if failed {
						out.errors++
					}
				}
				putBuf(j.arena) // the lines are decoded: nothing refers to them
				j.out <- out
			}
		}()
	}

	var readErr error
	go func() {
		defer close(order)
		defer close(jobs)
		lr := NewLineReader(r, maxLine)
		var items []item
		arena := getBuf(64 << 10)
		send := func() bool {
			if len(items) == 0 {
				return true
			}
			j := job{items: items, arena: arena, out: make(chan lineOut, 1)}
			items, arena = make([]item, 0, batch), getBuf(64<<10)
			select {
			case order <- j.out:
			case <-ctx.Done():
				return false
			}
			select {
			case jobs <- j:
				return true
			case <-ctx.Done():
				// Its place in the order is taken: fill it, or the writer
				// would wait for it forever.
				j.out <- lineOut{}
				return false
			}
		}
		defer func() { send() }()
		for {
			line, grown, data, err := lr.next(arena)
			arena = grown
			if err == io.EOF {
				return
			}
			var tooLong *LineTooLongError
			switch {
			case errors.As(err, &tooLong):
				// A line over the limit is an error line, as a bad one is;
				// the stream goes on after it.
				lo := errorLine(nil, line, "", wk.Date{}, err.Error())
				items = append(items, item{line: line, pre: &lo})
			case err != nil:
				readErr = fmt.Errorf("line %d: %w", line, err)
				return
			default:
				items = append(items, item{line: line, data: data})
			}
			if len(items) == batch && !send() {
				return
			}
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
		st.Cases += lo.cases
		st.Errors += lo.errors
		if _, err := bw.Write(lo.b); err != nil {
			writeErr = err
			cancel()
		}
		putBuf(lo.b)
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

// lineOut is output lines: one with whether it reports an error, or a
// batch's with how many lines and errors.
type lineOut struct {
	b             []byte
	failed        bool
	cases, errors int
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

// lineIn is one input line as it is decoded: the case with its id and
// decision date, in one pass.
type lineIn struct {
	ID   string        `json:"id"`
	Date wk.Date       `json:"date"`
	Case *dossier.Case `json:"case"`
}

// ParseLine decodes one line of a case stream, in one pass and as strictly
// as every reader of a case (dossier.UnmarshalJSON): a line that is not
// one object {"id", "date", "case"} (null, {}, two objects, trailing
// data), an unknown field or one given twice, a case that does not decode
// or validate, and a line with neither a date nor a request.date are
// errors naming the field and its column; the id is returned whenever it
// could be read. A date given in date, when not zero, replaces the line's.
func ParseLine(data []byte, date wk.Date) (Line, error) {
	var in lineIn
	if err := dossier.UnmarshalJSON(data, &in, ""); err != nil {
		var ce *dossier.CaseError
		if errors.As(err, &ce) && len(ce.Fields) == 1 && ce.Fields[0].Field == "" {
			return Line{ID: in.ID}, fmt.Errorf("not a case line {\"id\", \"date\", \"case\"}: %s", ce.Fields[0])
		}
		return Line{ID: in.ID}, err
	}
	l := Line{ID: in.ID, Date: in.Date}
	if !date.IsZero() {
		l.Date = date
	}
	c := in.Case
	if c == nil {
		return l, errors.New("no \"case\": a line is {\"id\", \"date\", \"case\"}")
	}
	if err := c.Validate(); err != nil {
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

// streamLine decides one input line and appends its output line to b.
func (e *Engine) streamLine(line int, data []byte, o StreamOptions, b []byte) lineOut {
	l, err := ParseLine(data, o.Date)
	if err != nil {
		return errorLine(b, line, l.ID, l.Date, err.Error())
	}
	// ParseLine has validated the case.
	res, err := e.Decide(l.Date, l.Case, o.Options...) // Stream added CaseValidated
	if err != nil && (res == nil || len(res.outs()) == 0) {
		return errorLine(b, line, l.ID, l.Date, err.Error())
	}
	mark := len(b)
	b = lineHead(b, line, l.ID, l.Date)
	b = append(b, `,"result":`...)
	if b, err = res.AppendJSON(b, o.Explain); err != nil {
		return errorLine(b[:mark], line, l.ID, wk.Date{}, "cannot write the result: "+err.Error())
	}
	return lineOut{b: append(b, '}', '\n')}
}

// bufs are the buffers of a stream's batches (their lines, their output),
// reused once written.
var bufs sync.Pool

func getBuf(size int) []byte {
	if b, ok := bufs.Get().(*[]byte); ok && cap(*b) >= size {
		return (*b)[:0]
	}
	return make([]byte, 0, size)
}

func putBuf(b []byte) {
	if cap(b) > 0 && cap(b) <= 4<<20 {
		b = b[:0]
		bufs.Put(&b)
	}
}

// lineHead writes the start of an output line, as encoding/json writes
// {"id", "line", "date"}: the id and the date only when given.
func lineHead(b []byte, line int, id string, date wk.Date) []byte {
	b = append(b, '{')
	if id != "" {
		b = append(area.AppendJSONString(append(b, `"id":`...), id), ',')
	}
	b = strconv.AppendInt(append(b, `"line":`...), int64(line), 10)
	if !date.IsZero() {
		d, _ := date.MarshalJSON()
		b = append(append(b, `,"date":`...), d...)
	}
	return b
}

// errorLine is the output line of an input line that could not be read or
// decided: {"id", "line", "date", "error"}.
func errorLine(b []byte, line int, id string, date wk.Date, msg string) lineOut {
	b = lineHead(b, line, id, date)
	b = area.AppendJSONString(append(b, `,"error":`...), msg)
	return lineOut{b: append(b, '}', '\n'), failed: true}
}

// LineTooLongError is a line of a stream longer than the limit: the reader
// skips it to its end and goes on.
type LineTooLongError struct {
	Line, Limit int
}

func (e *LineTooLongError) Error() string {
	return fmt.Sprintf("line %d is longer than the limit of %d bytes: skipped", e.Line, e.Limit)
}

// LineReader reads a stream of JSON lines, one line at a time and with a
// bound on each: a line over the limit is skipped to its end, without
// being held, and reported as a *LineTooLongError; blank lines are skipped.
// Stream and compare read their populations with it.
type LineReader struct {
	r     *bufio.Reader
	limit int
	line  int
}

// NewLineReader reads r with lines of at most limit bytes (0: 1 MiB).
func NewLineReader(r io.Reader, limit int) *LineReader {
	if limit <= 0 {
		limit = 1 << 20
	}
	return &LineReader{r: bufio.NewReaderSize(r, min(64<<10, limit+1)), limit: limit}
}

// Next returns the next line that is not blank, white space trimmed, with
// its number (counting from 1, blank lines included) in a buffer of its
// own; err is io.EOF at the end, a *LineTooLongError for a line over the
// limit (reading may go on), or the reader's error.
func (lr *LineReader) Next() (line int, data []byte, err error) {
	line, _, data, err = lr.next(nil)
	return line, data, err
}

// next is Next with the line appended to dst (its capacity reused): out
// is dst with the line, data the line, trimmed, in out's tail.
func (lr *LineReader) next(dst []byte) (line int, out, data []byte, err error) {
	base := len(dst)
	for {
		buf := dst[:base]
		tooLong := false
		for {
			chunk, err := lr.r.ReadSlice('\n')
			if !tooLong {
				n := len(buf) - base
				if n+len(chunk) > lr.limit+1 || (err == nil || err == io.EOF) && len(bytes.TrimRight(chunk, "\r\n"))+n > lr.limit {
					tooLong, buf = true, buf[:base]
				} else {
					buf = append(buf, chunk...)
				}
			}
			if err == bufio.ErrBufferFull {
				continue
			}
			if err != nil && err != io.EOF {
				return lr.line + 1, dst, nil, err
			}
			if err == io.EOF && len(chunk) == 0 && len(buf) == base && !tooLong {
				return lr.line, dst, nil, io.EOF
			}
			lr.line++
			break
		}
		if tooLong {
			return lr.line, dst, nil, &LineTooLongError{Line: lr.line, Limit: lr.limit}
		}
		if data := bytes.TrimSpace(buf[base:]); len(data) > 0 {
			return lr.line, buf, data, nil
		}
		dst = buf[:base] // a blank line: its room is reused
	}
}
