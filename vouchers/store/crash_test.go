package store_test

import (
	"bufio"
	"bytes"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/openwijkwerken/wijkwerken/vouchers"
	"github.com/openwijkwerken/wijkwerken/vouchers/store"
	"github.com/openwijkwerken/wijkwerken/vouchers/store/sqlite"
	"github.com/stretchr/testify/require"
)

// The crash tests run the ledger in child processes (this test binary again,
// told so by envChild) that do random purchases and redemptions and report
// each on stdout before they try it ("try …") and once it is acknowledged
// ("ack SEQ RECORD"); the test kills them with SIGKILL at random moments,
// opens the store again each time and checks it.
const (
	envChild = "WIJKWERKEN_CRASH_CHILD" // "file:PATH", "sqlite:PATH" or "postgres:LEDGER"
	envSeed  = "WIJKWERKEN_CRASH_SEED"
	// envKills sets the kills of each crash test (default crashKills): the
	// long mode, e.g. WIJKWERKEN_CRASH_KILLS=5000.
	envKills = "WIJKWERKEN_CRASH_KILLS"
)

// crashKills is the kills of each crash test in a normal run; with the race
// detector, whose children start several times slower, raceKills.
const (
	crashKills = 200
	raceKills  = 40
)

func TestMain(m *testing.M) {
	if spec := os.Getenv(envChild); spec != "" {
		crashChild(spec)
		return
	}
	os.Exit(m.Run())
}

// openSpec opens the store a child spec names.
func openSpec(spec string) (vouchers.Store, func(), error) {
	kind, path, _ := strings.Cut(spec, ":")
	switch kind {
	case "file":
		s, err := store.OpenFile(path)
		return s, func() {}, err
	case "sqlite":
		db, err := sqlite.Open(ctx, path)
		if err != nil {
			return nil, nil, err
		}
		s, err := store.OpenSQL(ctx, db, "crash")
		return s, func() { db.Close() }, err
	case "postgres": // the ledger named path of the database of envPostgres
		db, err := sql.Open("postgres", os.Getenv(envPostgres))
		if err != nil {
			return nil, nil, err
		}
		s, err := store.OpenSQL(ctx, db, path)
		return s, func() { db.Close() }, err
	}
	return nil, nil, fmt.Errorf("unknown store %q", spec)
}

// crashChild does random operations on the store until it is killed.
func crashChild(spec string) {
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "crash child:", err)
		os.Exit(3)
	}
	seed, _ := strconv.ParseUint(os.Getenv(envSeed), 10, 64)
	rng := rand.New(rand.NewPCG(seed, 20))
	e, err := newEngine()
	if err != nil {
		fail(err)
	}
	if seed%2 == 0 {
		store.SplitWrites() // half the children tear records when killed
	}
	s, done, err := openSpec(spec)
	if err != nil {
		fail(err)
	}
	defer done()
	l, err := e.OpenLedger(ctx, s)
	if err != nil {
		fail(err)
	}
	say := func(format string, args ...any) {
		// One write per line: a pipe takes it whole.
		if _, err := os.Stdout.WriteString(fmt.Sprintf(format, args...) + "\n"); err != nil {
			fail(err)
		}
	}
	say("open %d", l.Stored())
	for {
		op := randomOperation(l, rng)
		in, _ := json.Marshal(op)
		for {
			say("try %s", in)
			rec, err := op.run(l)
			var ce *vouchers.ConflictError
			var re *vouchers.RefusedError
			switch {
			case errors.As(err, &ce):
				continue // another child wrote first: decide it again
			case errors.As(err, &re):
			case err != nil:
				fail(err)
			default:
				rec.Seq = l.Stored()
				out, _ := json.Marshal(rec)
				say("ack %d %s", rec.Seq, out)
			}
			break
		}
	}
}

// child is one run of a child process, killed.
type child struct {
	acks  map[int64]vouchers.Record
	tries []operation // every operation it started, in order
	last  *operation  // the last one it started
	// opened is when it said it had opened the ledger (0: it did not).
	opened time.Duration
	err    string
}

// runChild starts a child on spec, kills it after delay and returns what
// it reported.
func runChild(spec string, seed uint64, delay time.Duration) (*child, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), envChild+"="+spec, envSeed+"="+strconv.FormatUint(seed, 10))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	c := &child{acks: map[int64]vouchers.Record{}}
	var readErr error
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		r := bufio.NewReaderSize(out, 1<<20)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				if err != io.EOF {
					readErr = err
				}
				return // a last line cut by the kill is not a report
			}
			word, rest, _ := strings.Cut(strings.TrimSuffix(line, "\n"), " ")
			switch word {
			case "open":
				c.opened = time.Since(start)
			case "try":
				var op operation
				if err := json.Unmarshal([]byte(rest), &op); err != nil {
					readErr = fmt.Errorf("try %q: %v", rest, err)
					return
				}
				c.tries = append(c.tries, op)
				c.last = &op
			case "ack":
				seqText, recText, _ := strings.Cut(rest, " ")
				seq, _ := strconv.ParseInt(seqText, 10, 64)
				var rec vouchers.Record
				if err := json.Unmarshal([]byte(recText), &rec); err != nil || rec.Seq != seq {
					readErr = fmt.Errorf("ack %q: %v", rest, err)
					return
				}
				c.acks[seq] = rec
				c.last = nil
			}
		}
	}()
	time.Sleep(delay)
	killErr := cmd.Process.Signal(syscall.SIGKILL)
	wg.Wait()
	werr := cmd.Wait()
	c.err = stderr.String()
	if readErr != nil {
		return c, readErr
	}
	var ee *exec.ExitError
	if killErr != nil || !errors.As(werr, &ee) || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		return c, fmt.Errorf("the child did not die of the kill (%v, %v): %s", killErr, werr, c.err)
	}
	return c, nil
}

// crashStore is a store the crash test kills children on, and the records
// it has checked there.
type crashStore struct {
	spec  string
	known map[int64]vouchers.Record
	// late: a record may appear after its writer was killed (a database
	// server commits what the dead client sent); pending holds the
	// operations killed children were doing that are not recorded yet.
	late    bool
	pending []operation
}

// crashCounts add up what a crash test saw.
type crashCounts struct{ killed, opened, acked, inflight, late, torn int }

// crashTest kills children two at a time until it has killed kills of them
// (crashKills, or envKills), each child on a store of its own or, when
// shared, both on one store. Every rotate kills it starts new stores, so
// that replays stay short.
func crashTest(t *testing.T, name string, newStore func() string, shared bool) {
	const parallel = 2
	kills := crashKills
	if raceDetector {
		kills = raceKills
	}
	if v := os.Getenv(envKills); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, envKills)
		kills = n
	}
	rotate := max(50, kills/10)
	e := engine(t)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 1))
	seedBase := rng.Uint64()
	t.Logf("seed %d", seedBase)
	var stores []*crashStore
	var n crashCounts
	// The children's time to open the ledger, measured as they go.
	startup := 50 * time.Millisecond
	for k := 0; n.killed < kills; k++ {
		if k*parallel%rotate == 0 {
			stores = stores[:0]
			for range parallel {
				if !shared || len(stores) == 0 {
					spec := newStore()
					stores = append(stores, &crashStore{spec: spec, known: map[int64]vouchers.Record{}, late: strings.HasPrefix(spec, "postgres:")})
				}
			}
		}
		// Kill at random moments: a quarter while the child starts, opens
		// and replays; the others within 30 ms of its first operation.
		var wg sync.WaitGroup
		children := make([]*child, parallel)
		errs := make([]error, parallel)
		delays := make([]time.Duration, parallel)
		for p := range parallel {
			delay := time.Duration(rng.Int64N(int64(startup)))
			if rng.IntN(4) > 0 {
				delay = startup + time.Duration(rng.Int64N(int64(30*time.Millisecond)))
			}
			delays[p] = delay
			spec := stores[p%len(stores)].spec
			wg.Add(1)
			go func() {
				defer wg.Done()
				children[p], errs[p] = runChild(spec, seedBase+uint64(k*parallel+p), delay)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			require.NoError(t, err)
		}
		n.killed += parallel
		for i, cs := range stores {
			var mine []*child
			for p, c := range children {
				if p%len(stores) == i {
					mine = append(mine, c)
				}
			}
			checkAfterKills(t, e, rng, cs, mine, n.killed, &n)
		}
		for p, c := range children {
			switch {
			case c.opened > 0:
				n.opened++
				startup = (3*startup + c.opened) / 4
			case delays[p] >= startup:
				startup = min(startup+startup/4, 2*time.Second) // slower than thought
			}
		}
	}
	t.Logf("%s: %d kills (SIGKILL), %d children had opened the ledger, %d operations acknowledged and found after the kill, %d recorded but killed before the acknowledgement (%d of them committed by the server after the kill), %d torn last records cut",
		name, n.killed, n.opened, n.acked, n.inflight+n.late, n.late, n.torn)
	require.Positive(t, n.acked, "the children must get operations done before the kills")
}

// checkAfterKills opens the store as the next process would and checks
// that every operation the children acknowledged is there, that any other
// record is whole and the operation a child was doing when killed, and that
// the invariants hold.
func checkAfterKills(t *testing.T, e *vouchers.Engine, rng *rand.Rand, cs *crashStore, children []*child, kill int, n *crashCounts) {
	s, done, err := openSpec(cs.spec)
	require.NoError(t, err, "kill %d: the store does not open", kill)
	defer done()
	if f, ok := s.(*store.File); ok && f.Torn() != nil {
		n.torn++
	}
	l, err := e.OpenLedger(ctx, s)
	require.NoError(t, err, "kill %d: the ledger does not replay", kill)
	defer l.Close()
	recs := records(t, s)
	if cs.late && int64(len(recs)) > l.Stored() {
		// Committed since the ledger read them: checked in the next round.
		recs = recs[:l.Stored()]
	}
	for _, c := range children {
		for seq, rec := range c.acks {
			n.acked++
			require.Less(t, int(seq-1), len(recs), "kill %d: acknowledged record %d is missing (the store has %d)", kill, seq, len(recs))
			require.True(t, rec.Equal(recs[seq-1]), "kill %d: acknowledged record %d: want %+v, got %+v", kill, seq, rec, recs[seq-1])
			cs.known[seq] = rec
		}
	}
	for _, rec := range recs {
		if _, ok := cs.known[rec.Seq]; ok {
			continue
		}
		found := false
		for _, c := range children {
			if c.last != nil && c.last.made(rec) {
				found = true
				c.last = nil
				n.inflight++
				break
			}
		}
		for i, op := range cs.pending {
			if !found && op.made(rec) {
				found = true
				cs.pending = append(cs.pending[:i], cs.pending[i+1:]...)
				n.late++
				break
			}
		}
		require.True(t, found, "kill %d: record %d (%+v) was never acknowledged, nor the operation a child was doing", kill, rec.Seq, rec)
		cs.known[rec.Seq] = rec
	}
	for _, c := range children {
		if c.last != nil && cs.late {
			cs.pending = append(cs.pending, *c.last)
		}
	}
	require.Len(t, cs.known, len(recs), "kill %d", kill)
	require.NoError(t, checkInvariants(l, recs, rng, 60), "kill %d", kill)
}

// Two children at a time, each on a journal file of its own (a journal
// has one writer).
func TestCrashFile(t *testing.T) {
	dir := t.TempDir()
	n := 0
	crashTest(t, "journal file", func() string {
		n++
		return "file:" + filepath.Join(dir, fmt.Sprintf("ledger-%d.journal", n))
	}, false)
}

// Two children at a time on one SQLite ledger.
func TestCrashSQLite(t *testing.T) {
	dir := t.TempDir()
	n := 0
	crashTest(t, "SQLite, two writers on one ledger", func() string {
		n++
		path := filepath.Join(dir, fmt.Sprintf("ledger-%d.db", n))
		db, err := sqlite.Open(ctx, path)
		require.NoError(t, err)
		defer db.Close()
		require.NoError(t, store.Migrate(ctx, db))
		return "sqlite:" + path
	}, true)
}

// Two children at a time on one PostgreSQL ledger, when
// WIJKWERKEN_TEST_POSTGRES names a database.
func TestCrashPostgres(t *testing.T) {
	dsn := os.Getenv(envPostgres)
	if dsn == "" {
		t.Skipf("%s not set", envPostgres)
	}
	db, err := sql.Open("postgres", dsn)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, store.Migrate(ctx, db))
	crashTest(t, "PostgreSQL, two writers on one ledger", func() string { return "postgres:" + ledgerName(t) }, true)
}
