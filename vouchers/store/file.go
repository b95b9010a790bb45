package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/openwijkwerken/wijkwerken/vouchers"
)

// header is the first line of every journal file.
const header = `{"format":"wijkwerken ledger journal","version":1}` + "\n"

// MaxRecordBytes is the longest record a journal file holds (a redemption
// that allocates cheques of tens of thousands of batches); a longer line is
// damage.
const MaxRecordBytes = 4 << 20

// crcSuffix is how a record line ends: `,"crc32c":"xxxxxxxx"}`.
const crcSuffixLen = len(`,"crc32c":"`) + 8 + len(`"}`)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// File is the ledger kept in an append-only journal file: one line per
// operation, each with its sequence number and a CRC-32C checksum, synced
// to disk before the operation is acknowledged. One writer at a time: the
// file is locked (an flock on PATH.lock) while it is open.
//
// A File is made by OpenFile and used by one ledger (Engine.OpenLedger).
type File struct {
	path     string
	f        *os.File
	unlock   func() error
	readOnly bool
	// size is the length of the file up to the end of the last record;
	// last is that record's Seq.
	size int64
	last int64
	// cut describes the torn last record OpenFile found, if any.
	cut *TornRecord
	// failed, once set, refuses every further use: a sync failed, so what
	// is on disk is unknown until the file is opened again.
	failed error
}

// FileOption changes how OpenFile opens a journal.
type FileOption func(*fileOptions)

type fileOptions struct{ readOnly bool }

// ReadOnly opens the journal for reading only: it takes a shared lock
// (several readers, no writer), does not create the file, and reports a torn
// last record (Torn) without cutting it. Append is refused.
func ReadOnly() FileOption { return func(o *fileOptions) { o.readOnly = true } }

// TornRecord is the incomplete last record of a journal: what a process
// leaves when it stops while writing an operation, which was therefore never
// acknowledged.
type TornRecord struct {
	Path string
	// Line is the torn record's line; Offset where it starts; Bytes its
	// length.
	Line   int
	Offset int64
	Bytes  int64
	// Cut is true when OpenFile removed it (not in ReadOnly mode).
	Cut bool
}

func (t *TornRecord) String() string {
	verb := "cut"
	if !t.Cut {
		verb = "found (not cut: opened read-only)"
	}
	return fmt.Sprintf("%s:%d: %s a torn last record (%d bytes from byte %d): an operation whose writer stopped before it was acknowledged",
		t.Path, t.Line, verb, t.Bytes, t.Offset)
}

// LockedError is a journal another process (or another File in this one)
// has open.
type LockedError struct {
	Path string
	// PID is the process that holds the lock, when it wrote it (0 when
	// unknown).
	PID int
	// stale: the lock is a file that a crashed process leaves behind.
	stale bool
}

func (e *LockedError) Error() string {
	holder := "another process"
	if e.PID > 0 {
		holder = "process " + strconv.Itoa(e.PID)
	}
	msg := fmt.Sprintf("vouchers/store: %s is locked by %s (lock file %s.lock): a journal has one writer at a time", e.Path, holder, e.Path)
	if e.stale {
		msg += "; if no process has it open, remove the lock file"
	}
	return msg
}

// DamageError is a journal damaged other than by a torn last record: a
// checksum that does not match, a gap or a reordering in the sequence, a
// line that is not a record. The journal is not opened: restore it from a
// backup.
type DamageError struct {
	Path string
	Line int
	Msg  string
}

func (e *DamageError) Error() string {
	return fmt.Sprintf("%s:%d: journal damaged: %s (not a torn last record: the file is not opened; restore it from a backup)", e.Path, e.Line, e.Msg)
}

// OpenFile opens the journal file at path, creating it (and nothing else:
// its directory must exist) when it does not exist. It checks every record;
// a torn last record is cut (Torn says so), any other damage is a
// *DamageError. A journal that is open elsewhere is a *LockedError.
func OpenFile(path string, opts ...FileOption) (*File, error) {
	var o fileOptions
	for _, opt := range opts {
		opt(&o)
	}
	if o.readOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, fmt.Errorf("vouchers/store: %w", err)
		}
	}
	unlock, err := lock(path, o.readOnly)
	if err != nil {
		return nil, err
	}
	s := &File{path: path, unlock: unlock, readOnly: o.readOnly}
	if err := s.open(); err != nil {
		if s.f != nil {
			s.f.Close()
		}
		unlock()
		return nil, err
	}
	return s, nil
}

func (s *File) open() error {
	flag := os.O_RDWR | os.O_APPEND
	if s.readOnly {
		flag = os.O_RDONLY
	}
	f, err := os.OpenFile(s.path, flag, 0)
	if errors.Is(err, os.ErrNotExist) && !s.readOnly {
		if err := create(s.path); err != nil {
			return err
		}
		f, err = os.OpenFile(s.path, flag, 0)
	}
	if err != nil {
		return fmt.Errorf("vouchers/store: %w", err)
	}
	s.f = f
	torn, err := s.scan(0, nil)
	if err != nil {
		return err
	}
	if torn != nil && !s.readOnly {
		if err := f.Truncate(s.size); err != nil {
			return fmt.Errorf("vouchers/store: cutting the torn last record of %s: %w", s.path, err)
		}
		if err := f.Sync(); err != nil {
			return fmt.Errorf("vouchers/store: cutting the torn last record of %s: %w", s.path, err)
		}
		torn.Cut = true
	}
	s.cut = torn
	return nil
}

// create writes a journal holding only its header, whole or not at all.
func create(path string) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".new-*")
	if err != nil {
		return fmt.Errorf("vouchers/store: creating %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.WriteString(header); err != nil {
		tmp.Close()
		return fmt.Errorf("vouchers/store: creating %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("vouchers/store: creating %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("vouchers/store: creating %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		return fmt.Errorf("vouchers/store: creating %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("vouchers/store: creating %s: %w", path, err)
	}
	return syncDir(dir)
}

// syncDir makes a new directory entry durable.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil // no directory handles to sync; NTFS journals the entry
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("vouchers/store: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("vouchers/store: syncing directory %s: %w", dir, err)
	}
	return nil
}

// Torn is the torn last record OpenFile found, or nil.
func (s *File) Torn() *TornRecord { return s.cut }

// Path is the journal's file name.
func (s *File) Path() string { return s.path }

// Last is the Seq of the journal's last record (0 when it has none).
func (s *File) Last() int64 { return s.last }

// scan reads the journal from the start, checks every record and calls fn
// with those after seq after (fn may be nil). It sets s.size and s.last to
// the end of the last whole record, and returns the torn last record, if
// any.
func (s *File) scan(after int64, fn func(vouchers.Record) error) (*TornRecord, error) {
	if _, err := s.f.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("vouchers/store: %w", err)
	}
	r := bufio.NewReaderSize(s.f, 64<<10)
	var off, last int64
	line := 0
	for {
		data, complete, err := readLine(r)
		if err != nil {
			return nil, fmt.Errorf("vouchers/store: reading %s: %w", s.path, err)
		}
		if len(data) == 0 {
			break
		}
		line++
		if len(data) > MaxRecordBytes {
			return nil, &DamageError{s.path, line, fmt.Sprintf("a line longer than %d bytes", MaxRecordBytes)}
		}
		// A last line without its newline, or with the zeros of blocks a
		// crash left unwritten, was never synced whole: never acknowledged.
		if nul := bytes.LastIndexByte(data, 0); !complete || nul >= 0 {
			// Records are synced one by one: zeros before a whole record are
			// not a write cut short but damage.
			_, derr := decodeLine(data[nul+1:])
			if _, err := r.Peek(1); err == io.EOF && (nul < 0 || derr != nil) {
				if line == 1 {
					return nil, &DamageError{s.path, line, "a torn header: not a journal"}
				}
				s.size, s.last = off, last
				return &TornRecord{Path: s.path, Line: line, Offset: off, Bytes: int64(len(data))}, nil
			}
			return nil, &DamageError{s.path, line, "a line with zero bytes or without its end before other lines"}
		}
		if line == 1 {
			if string(data) != header {
				return nil, &DamageError{s.path, line, fmt.Sprintf("the first line is not the header %s", strings.TrimSpace(header))}
			}
			off += int64(len(data))
			continue
		}
		rec, err := decodeLine(data)
		if err != nil {
			return nil, &DamageError{s.path, line, err.Error()}
		}
		if rec.Seq != last+1 {
			return nil, &DamageError{s.path, line, fmt.Sprintf("record %d follows record %d: the sequence has a gap or is out of order", rec.Seq, last)}
		}
		last = rec.Seq
		off += int64(len(data))
		if fn != nil && rec.Seq > after {
			if err := fn(rec); err != nil {
				return nil, err
			}
		}
	}
	if line == 0 {
		return nil, &DamageError{s.path, 1, "an empty file: not a journal (a new journal is created with its header)"}
	}
	s.size, s.last = off, last
	return nil, nil
}

// readLine reads up to and including the next newline, or to the end of
// the file; it stops collecting past MaxRecordBytes + 1 bytes.
func readLine(r *bufio.Reader) (line []byte, complete bool, err error) {
	for {
		chunk, err := r.ReadSlice('\n')
		if len(line) <= MaxRecordBytes {
			line = append(line, chunk...)
		}
		switch {
		case err == nil:
			return line, true, nil
		case err == io.EOF:
			return line, false, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		default:
			return nil, false, err
		}
	}
}

// encodeLine writes rec as a journal line.
func encodeLine(rec vouchers.Record) ([]byte, error) {
	data, err := json.Marshal(rec)
	if err != nil {
		return nil, err
	}
	body := data[:len(data)-1] // without the closing brace
	sum := crc32.Checksum(body, castagnoli)
	return fmt.Appendf(body, `,"crc32c":"%08x"}`+"\n", sum), nil
}

// decodeLine checks a journal line's checksum and reads its record.
func decodeLine(data []byte) (vouchers.Record, error) {
	data = bytes.TrimSuffix(data, []byte("\n"))
	n := len(data) - crcSuffixLen
	if n < 2 || !bytes.HasPrefix(data[n:], []byte(`,"crc32c":"`)) || !bytes.HasSuffix(data, []byte(`"}`)) {
		return vouchers.Record{}, errors.New(`a line that does not end with its checksum ,"crc32c":"…"}`)
	}
	want, err := strconv.ParseUint(string(data[n+len(`,"crc32c":"`):len(data)-2]), 16, 32)
	if err != nil {
		return vouchers.Record{}, errors.New("a checksum that is not 8 hex digits")
	}
	body := data[:n]
	if got := crc32.Checksum(body, castagnoli); got != uint32(want) {
		return vouchers.Record{}, fmt.Errorf("checksum %08x, the record's bytes give %08x: the record was changed", want, got)
	}
	var rec vouchers.Record
	dec := json.NewDecoder(bytes.NewReader(append(body[:n:n], '}')))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rec); err != nil {
		return vouchers.Record{}, fmt.Errorf("a record that does not read: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return vouchers.Record{}, errors.New("data after the record")
	}
	if rec.Kind() == "" {
		return vouchers.Record{}, errors.New("a record with no operation, or two")
	}
	return rec, nil
}

// Records calls fn with every record after seq after, in order.
func (s *File) Records(ctx context.Context, after int64, fn func(vouchers.Record) error) error {
	if s.failed != nil {
		return s.failed
	}
	if s.f == nil {
		return errClosed(s.path)
	}
	if after >= s.last {
		return nil
	}
	size, last := s.size, s.last
	_, err := s.scan(after, func(rec vouchers.Record) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return fn(rec)
	})
	if err == nil && (s.size != size || s.last != last) {
		err = fmt.Errorf("vouchers/store: %s changed while open (records %d, now %d): another writer despite the lock?", s.path, last, s.last)
		s.failed = err
	}
	return err
}

// Append writes rec at the end of the journal and syncs it to disk.
func (s *File) Append(_ context.Context, rec vouchers.Record) error {
	switch {
	case s.failed != nil:
		return s.failed
	case s.f == nil:
		return errClosed(s.path)
	case s.readOnly:
		return fmt.Errorf("vouchers/store: %s is open read-only", s.path)
	case rec.Seq != s.last+1:
		return fmt.Errorf("vouchers/store: %s: record %d after record %d", s.path, rec.Seq, s.last)
	}
	line, err := encodeLine(rec)
	if err != nil {
		return fmt.Errorf("vouchers/store: %w", err)
	}
	if len(line) > MaxRecordBytes {
		return fmt.Errorf("vouchers/store: %s is %d bytes, more than a journal line may hold (%d)", rec, len(line), MaxRecordBytes)
	}
	if _, err := s.write(line); err != nil {
		// Take back what was written, so that the journal ends with a whole
		// record; a crash before that leaves a torn last record, which
		// opening cuts.
		if terr := s.f.Truncate(s.size); terr != nil {
			s.failed = fmt.Errorf("vouchers/store: %s: writing %s: %v; cutting it back: %v", s.path, rec, err, terr)
			return s.failed
		}
		return fmt.Errorf("vouchers/store: %s: writing %s (not recorded): %w", s.path, rec, err)
	}
	if err := s.f.Sync(); err != nil {
		// After a failed sync the kernel may have dropped the pages: what
		// the disk holds is known only by reading the file anew.
		s.failed = fmt.Errorf("vouchers/store: %s: syncing %s: %v; open the journal again to see what it holds", s.path, rec, err)
		return s.failed
	}
	s.size += int64(len(line))
	s.last = rec.Seq
	return nil
}

// splitWrites makes Append write each line in two parts with a pause
// between them, so that the crash tests' kills can land inside a record as
// a power cut can (a process killed inside one write system call does not
// tear it). Only tests set it.
var splitWrites bool

func (s *File) write(line []byte) (int, error) {
	if !splitWrites {
		return s.f.Write(line)
	}
	half := len(line) / 2
	n, err := s.f.Write(line[:half])
	if err != nil {
		return n, err
	}
	time.Sleep(200 * time.Microsecond)
	m, err := s.f.Write(line[half:])
	return n + m, err
}

// Close closes the journal and releases its lock.
func (s *File) Close() error {
	if s.f == nil {
		return nil
	}
	err := s.f.Close()
	s.f = nil
	if uerr := s.unlock(); err == nil {
		err = uerr
	}
	return err
}

func errClosed(path string) error { return fmt.Errorf("vouchers/store: %s is closed", path) }

var _ vouchers.Store = (*File)(nil)
