package server

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"sync"
	"time"
)

// decisionLog writes one JSON line per decision, whole, in the order the
// decisions are made. Each line is written through to the operating system
// before the decision is answered: a crash of the service loses no
// acknowledged decision (a crash of the machine, what the system had not
// yet put on disk). A decision that cannot be logged is not answered.
type decisionLog struct {
	mu     sync.Mutex
	w      io.Writer
	cases  bool
	engine string
}

// decisionRecord is one line of the decision log.
type decisionRecord struct {
	Time        time.Time `json:"time"`
	RequestID   string    `json:"request_id"`
	Endpoint    string    `json:"endpoint"`
	Line        int       `json:"line,omitempty"` // batch: the input line
	Fingerprint string    `json:"fingerprint"`
	Engine      string    `json:"engine"`
	// InputDigest is "sha256:" of the input exactly as received: the
	// request body (decide) or the input line (batch), so that a caller
	// can match a record to what it sent by hashing it.
	InputDigest string          `json:"input_digest"`
	Outputs     json.RawMessage `json:"outputs"`
	// Input is the input itself, only when the log is configured to keep
	// cases.
	Input json.RawMessage `json:"input,omitempty"`
}

func digest(b []byte) string {
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

func (l *decisionLog) write(rec decisionRecord, input []byte) error {
	rec.Engine = l.engine
	rec.InputDigest = digest(input)
	if l.cases && json.Valid(input) {
		var c bytes.Buffer
		if json.Compact(&c, input) == nil {
			rec.Input = c.Bytes()
		}
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, err = l.w.Write(append(b, '\n'))
	return err
}

func (l *decisionLog) flush() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if f, ok := l.w.(interface{ Sync() error }); ok {
		f.Sync()
	}
	if f, ok := l.w.(*bufio.Writer); ok {
		f.Flush()
	}
}

// batchTap reads a batch's input lines as the stream does, keeping each
// non-blank line's digest (and the line, when cases are logged) until its
// output line is written, so that each output can be logged with its input.
// It holds no more than the stream reads ahead.
type batchTap struct {
	r       io.Reader
	partial []byte
	mu      sync.Mutex
	inputs  [][]byte // FIFO of non-blank input lines not yet matched
}

func (t *batchTap) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	t.partial = eachLine(t.partial, p[:n], t.push)
	if err == io.EOF && len(t.partial) > 0 {
		t.push(t.partial)
		t.partial = nil
	}
	return n, err
}

func (t *batchTap) push(line []byte) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return
	}
	t.mu.Lock()
	t.inputs = append(t.inputs, bytes.Clone(line))
	t.mu.Unlock()
}

func (t *batchTap) pop() []byte {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.inputs) == 0 {
		return nil
	}
	in := t.inputs[0]
	t.inputs[0] = nil
	t.inputs = t.inputs[1:]
	return in
}

// logWriter splits a batch's output into lines and logs each decision.
type logWriter struct {
	w       io.Writer
	tap     *batchTap
	log     *decisionLog
	rec     decisionRecord
	partial []byte
	err     error // the first error: the stream stops
	logErr  error // a decision that could not be logged
}

// Write logs each complete line's decision, then passes the line on: a
// result goes out only once it is logged.
func (lw *logWriter) Write(p []byte) (int, error) {
	if lw.err != nil {
		return 0, lw.err // stop the stream: its decisions could not be logged
	}
	lw.partial = eachLine(lw.partial, p, func(line []byte) {
		if lw.err != nil {
			return
		}
		lw.line(line)
		if lw.err == nil {
			// line ends where its '\n' stands: the append rewrites it.
			_, lw.err = lw.w.Write(append(line, '\n'))
		}
	})
	if lw.err != nil {
		return 0, lw.err
	}
	return len(p), nil
}

// eachLine calls fn for every complete line of partial+p and returns what
// is left of the last, incomplete one.
func eachLine(partial, p []byte, fn func([]byte)) []byte {
	partial = append(partial, p...)
	for {
		i := bytes.IndexByte(partial, '\n')
		if i < 0 {
			break
		}
		fn(partial[:i])
		partial = partial[i+1:]
	}
	if len(partial) == 0 {
		return nil
	}
	return partial
}

func (lw *logWriter) line(out []byte) {
	in := lw.tap.pop()
	var o struct {
		Line   int             `json:"line"`
		Result json.RawMessage `json:"result"`
	}
	if json.Unmarshal(out, &o) != nil || len(o.Result) == 0 {
		return // an error line: nothing was decided
	}
	rec := lw.rec
	rec.Time = time.Now().UTC()
	rec.Line = o.Line
	rec.Outputs = o.Result
	if err := lw.log.write(rec, in); err != nil {
		lw.err, lw.logErr = err, err
	}
}
