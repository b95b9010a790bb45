package store_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/vouchers"
	"github.com/openwijkwerken/wijkwerken/vouchers/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFileKeepsEveryAcceptedOperation(t *testing.T) {
	e := engine(t)
	path := filepath.Join(t.TempDir(), "ledger.journal")
	l, s := openFile(t, e, path)
	want := someOperations(t, l)
	assert.Equal(t, int64(len(want)), l.Stored())
	requireRecords(t, want, records(t, s))
	before, err := json.Marshal(l)
	require.NoError(t, err)
	require.NoError(t, l.Close())
	_, err = l.Purchase("an", d("2024-01-01"), 1, dec("7.45"))
	assert.Error(t, err, "a closed ledger takes nothing")

	// One line per operation after the header, each with its checksum.
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	require.Len(t, lines, 1+len(want))
	assert.Equal(t, `{"format":"wijkwerken ledger journal","version":1}`, lines[0])
	assert.Regexp(t, `^\{"seq":1,"purchase":\{"id":1,"user":"an",.*\},"crc32c":"[0-9a-f]{8}"\}$`, lines[1])
	assert.Regexp(t, `^\{"seq":3,"redemption":\{"id":3,.*"crc32c":"[0-9a-f]{8}"\}$`, lines[3])

	l2, s2 := openFile(t, e, path)
	defer l2.Close()
	assert.Nil(t, s2.Torn())
	after, err := json.Marshal(l2)
	require.NoError(t, err)
	assert.JSONEq(t, string(before), string(after), "the reopened ledger is the same")
	requireRecords(t, want, records(t, s2))
	// And it goes on where it stopped.
	b, err := l2.Purchase("an", d("2024-01-01"), 1, dec("7.45"))
	require.NoError(t, err)
	assert.Equal(t, 5, b.ID)
	assert.Equal(t, int64(5), s2.Last())
}

func TestFileRefusedOperationsWriteNothing(t *testing.T) {
	e := engine(t)
	path := filepath.Join(t.TempDir(), "ledger.journal")
	l, _ := openFile(t, e, path)
	defer l.Close()
	_, err := l.Purchase("an", d("2024-01-01"), 10, dec("7.45"))
	require.NoError(t, err)
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	for _, op := range []func() error{
		func() error { _, err := l.Purchase("an", d("2024-01-01"), 0, dec("7.45")); return err },
		func() error { _, err := l.Purchase("an", d("2024-01-01"), 10, dec("-1")); return err },
		func() error { _, err := l.Purchase("an", d("2017-01-01"), 10, dec("7.45")); return err },
		func() error {
			_, err := l.Redeem(vouchers.Work{User: "an", Worker: "w", Date: d("2024-01-02"), Minutes: 11 * 60})
			return err
		},
	} {
		var re *vouchers.RefusedError
		require.ErrorAs(t, op(), &re)
		after, err := os.ReadFile(path)
		require.NoError(t, err)
		require.Equal(t, data, after, "refused %s (%s): the journal is unchanged", re.Op, re.Code)
	}
}

func TestFileOneWriterAtATime(t *testing.T) {
	e := engine(t)
	path := filepath.Join(t.TempDir(), "ledger.journal")
	l, _ := openFile(t, e, path)
	_, err := store.OpenFile(path)
	var le *store.LockedError
	require.ErrorAs(t, err, &le)
	assert.Equal(t, os.Getpid(), le.PID)
	assert.Contains(t, err.Error(), "is locked by process")
	assert.Contains(t, err.Error(), "one writer at a time")
	_, err = store.OpenFile(path, store.ReadOnly())
	require.ErrorAs(t, err, &le, "no reader while a writer has it")
	require.NoError(t, l.Close())

	// Once closed, it opens again; readers share it.
	r1, err := store.OpenFile(path, store.ReadOnly())
	require.NoError(t, err)
	r2, err := store.OpenFile(path, store.ReadOnly())
	require.NoError(t, err)
	_, err = store.OpenFile(path)
	require.ErrorAs(t, err, &le, "no writer while readers have it")
	assert.Error(t, r1.Append(ctx, vouchers.Record{Seq: 1}), "a reader does not write")
	require.NoError(t, r1.Close())
	require.NoError(t, r2.Close())
	w, err := store.OpenFile(path)
	require.NoError(t, err)
	require.NoError(t, w.Close())

	_, err = store.OpenFile(filepath.Join(t.TempDir(), "missing", "ledger.journal"))
	assert.Error(t, err, "the directory must exist")
	_, err = store.OpenFile(filepath.Join(t.TempDir(), "new.journal"), store.ReadOnly())
	assert.ErrorIs(t, err, os.ErrNotExist, "a reader does not create")
}

// writeJournal writes a journal of someOperations and returns its bytes and
// the offset of each line.
func writeJournal(t *testing.T, e *vouchers.Engine, path string) (data []byte, starts []int) {
	t.Helper()
	l, _ := openFile(t, e, path)
	someOperations(t, l)
	require.NoError(t, l.Close())
	data, err := os.ReadFile(path)
	require.NoError(t, err)
	starts = []int{0}
	for i, c := range data {
		if c == '\n' && i+1 < len(data) {
			starts = append(starts, i+1)
		}
	}
	return data, starts
}

// A crash while a record is written leaves any prefix of its line: every
// one opens with that record cut and a message, and the others intact.
func TestFileTornLastRecordIsCut(t *testing.T) {
	e := engine(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "ledger.journal")
	data, starts := writeJournal(t, e, path)
	last := starts[len(starts)-1]
	n := len(starts) - 1 // records
	rs, err := store.OpenFile(path, store.ReadOnly())
	require.NoError(t, err)
	want := records(t, rs)
	require.NoError(t, rs.Close())

	check := func(name string, torn []byte) {
		t.Helper()
		p := filepath.Join(dir, "torn.journal")
		writeFile(t, p, torn)
		s, err := store.OpenFile(p)
		require.NoError(t, err, name)
		tr := s.Torn()
		require.NotNil(t, tr, name)
		assert.True(t, tr.Cut, name)
		assert.Equal(t, n+1, tr.Line, name)
		assert.Equal(t, int64(last), tr.Offset, name)
		assert.Contains(t, tr.String(), "torn.journal:"+itoa(n+1)+": cut a torn last record", name)
		l, err := e.OpenLedger(ctx, s)
		require.NoError(t, err, name)
		requireRecords(t, want[:n-1], records(t, s))
		// The cut is on disk, and the journal takes the next record.
		got, err := os.ReadFile(p)
		require.NoError(t, err)
		require.Equal(t, data[:last], got, name)
		_, err = l.Purchase("cy", d("2024-02-01"), 1, dec("7.45"))
		require.NoError(t, err, name)
		require.NoError(t, l.Close())
		s2, err := store.OpenFile(p)
		require.NoError(t, err, name)
		assert.Nil(t, s2.Torn(), name)
		assert.Equal(t, int64(n), s2.Last(), name)
		require.NoError(t, s2.Close())
	}
	for cut := last + 1; cut < len(data); cut++ {
		check("prefix of "+itoa(cut-last)+" bytes", data[:cut])
	}
	// Blocks the crash left unwritten read as zeros, with or without the
	// line's end.
	check("zeros", append(clone(data[:last]), make([]byte, 300)...))
	zeroed := clone(data)
	for i := last; i < last+40; i++ {
		zeroed[i] = 0
	}
	check("zeros then the rest of the line", zeroed)

	// Read-only: found, not cut.
	p := filepath.Join(dir, "torn.journal")
	writeFile(t, p, data[:len(data)-5])
	s, err := store.OpenFile(p, store.ReadOnly())
	require.NoError(t, err)
	require.NotNil(t, s.Torn())
	assert.False(t, s.Torn().Cut)
	assert.Contains(t, s.Torn().String(), "not cut")
	require.NoError(t, s.Close())
	got, err := os.ReadFile(p)
	require.NoError(t, err)
	assert.Equal(t, data[:len(data)-5], got, "read-only changes nothing")
}

func itoa(n int) string { return strconv.Itoa(n) }

func clone(b []byte) []byte { return append([]byte(nil), b...) }

// Damage other than a torn last record refuses to open, naming the line.
func TestFileDamageRefusesToOpen(t *testing.T) {
	e := engine(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "ledger.journal")
	data, starts := writeJournal(t, e, path)
	line := func(i int) []byte { // line i (0 = header), with its newline
		end := len(data)
		if i+1 < len(starts) {
			end = starts[i+1]
		}
		return data[starts[i]:end]
	}
	join := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	flip := func(i, at int) []byte { // line i with one byte changed
		l := clone(line(i))
		l[at] ^= 0x01
		return l
	}
	// Line 2 (the first record) with its allowance changed and a checksum
	// that fits: the journal reads, the rules do not replay it.
	for _, tc := range []struct {
		name    string
		data    []byte
		wantMsg string
	}{
		{"a bad checksum in the middle", join(line(0), line(1), flip(2, 30), line(3), line(4)), `ledger.journal:3: journal damaged: checksum`},
		{"a bad checksum in the last, whole record", join(line(0), line(1), line(2), line(3), flip(4, 40)), `ledger.journal:5: journal damaged: checksum`},
		{"a gap in the sequence", join(line(0), line(1), line(3), line(4)), `ledger.journal:3: journal damaged: record 3 follows record 1`},
		{"reordered records", join(line(0), line(2), line(1), line(3), line(4)), `ledger.journal:2: journal damaged: record 2 follows record 0`},
		{"a record twice", join(line(0), line(1), line(2), line(2), line(3)), `ledger.journal:4: journal damaged: record 2 follows record 2`},
		{"zeros in the middle", join(line(0), line(1), make([]byte, 10), line(2)), `ledger.journal:3: journal damaged: a line with zero bytes`},
		{"a line cut short in the middle", join(line(0), line(1), line(2)[:20], line(3)), `ledger.journal:3: journal damaged: checksum`},
		{"a line without its checksum", join(line(0), line(1), []byte(`{"seq":2,"purchase":{}}`+"\n"), line(3)), `ledger.journal:3: journal damaged: a line that does not end with its checksum`},
		{"no header", join(line(1), line(2)), `ledger.journal:1: journal damaged: the first line is not the header`},
		{"an empty file", nil, `ledger.journal:1: journal damaged: an empty file`},
		{"a torn header", line(0)[:10], `ledger.journal:1: journal damaged: a torn header`},
		{"not a record", join(line(0), []byte(`{"seq":1,"crc32c":"00000000"}`+"\n"), line(1)), `ledger.journal:2: journal damaged: checksum`},
	} {
		p := filepath.Join(dir, "damaged.journal")
		writeFile(t, p, tc.data)
		_, err := store.OpenFile(p)
		var de *store.DamageError
		require.ErrorAs(t, err, &de, tc.name)
		assert.Contains(t, err.Error(), strings.Replace(tc.wantMsg, "ledger.journal", "damaged.journal", 1), tc.name)
		assert.Contains(t, err.Error(), "restore it from a backup", tc.name)
		got, err := os.ReadFile(p)
		require.NoError(t, err)
		assert.Equal(t, string(tc.data), string(got), "%s: a damaged journal is left as it is", tc.name)
	}
}

// A journal written under another rulebook that no longer replays the same
// is refused, naming the first operation that differs, with both results.
func TestFileAnotherRulebookDoesNotReplay(t *testing.T) {
	rb, err := wk.Reference()
	require.NoError(t, err)
	reform, err := wk.ParseReform("allowance.yaml", []byte(`reform: a higher allowance from 2020
cite: test
set:
  - param: vouchers.allowance_per_cheque
    from: 2020-01-01
    value: 5.00
`))
	require.NoError(t, err)
	rb2, err := rb.Reform(reform)
	require.NoError(t, err)
	e2, err := vouchers.New(rb2)
	require.NoError(t, err)
	path := filepath.Join(t.TempDir(), "ledger.journal")
	l, _ := openFile(t, e2, path)
	someOperations(t, l)
	require.NoError(t, l.Close())

	s, err := store.OpenFile(path)
	require.NoError(t, err)
	defer s.Close()
	_, err = engine(t).OpenLedger(ctx, s)
	var re *vouchers.ReplayError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, int64(3), re.Recorded.Seq, "the first redemption after 2020-01-01")
	require.NotNil(t, re.Replayed)
	assert.True(t, dec("15.00").Equal(re.Recorded.Redemption.Allowance), "3 cheques at 5.00: %s", re.Recorded.Redemption.Allowance)
	assert.True(t, dec("12.30").Equal(re.Replayed.Redemption.Allowance), "3 cheques at 4.10: %s", re.Replayed.Redemption.Allowance)
	assert.EqualError(t, err, "vouchers: record 3 (redemption 3) does not replay: allowance: recorded 15, the rules give 12.3")
}

// A record changed by hand with a checksum that fits reads, and is refused
// by the replay.
func TestFileEditedRecordDoesNotReplay(t *testing.T) {
	e := engine(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "ledger.journal")
	l, _ := openFile(t, e, path)
	recs := someOperations(t, l)
	require.NoError(t, l.Close())

	// Rewrite the journal with the first batch valid a year longer.
	edited := recs[0]
	b := *edited.Purchase
	b.Expires = b.Expires.AddDays(365)
	edited.Purchase = &b
	p := filepath.Join(dir, "edited.journal")
	w, err := store.OpenFile(p)
	require.NoError(t, err)
	require.NoError(t, w.Append(ctx, edited))
	for _, r := range recs[1:] {
		require.NoError(t, w.Append(ctx, r))
	}
	require.NoError(t, w.Close())
	s, err := store.OpenFile(p)
	require.NoError(t, err)
	defer s.Close()
	_, err = e.OpenLedger(ctx, s)
	assert.EqualError(t, err, "vouchers: record 1 (purchase 1) does not replay: expires: recorded 2021-06-30, the rules give 2020-06-30")
}
