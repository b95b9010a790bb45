package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "github.com/lib/pq" // the "postgres" driver of --sql postgres://…
	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/vouchers"
	"github.com/openwijkwerken/wijkwerken/vouchers/store"
	"github.com/openwijkwerken/wijkwerken/vouchers/store/sqlite"
	"github.com/shopspring/decimal"
)

const ledgerUsage = `Usage: wijkwerken ledger COMMAND [STORE] [flags]

A durable cheque ledger (docs/ledger.md). STORE is a journal file (created
when missing), or --sql sqlite:PATH or --sql postgres://USER@HOST/DB?… with
--ledger NAME (default "default"). Output is JSON.

  purchase  STORE --user U --date D --count N --price P
  redeem    STORE --user U --worker W --date D --minutes M [--km K] [--batch ID]
  balance   STORE --user U --date D
  statement STORE --user U --date D
  pay       STORE --worker W --month YYYY-MM
  verify    STORE      replay every operation and check the ledger (read only)
  migrate   --sql …    make the ledger's tables in a database
  backup    STORE DEST write a consistent copy of the store to the new file DEST

Every command takes --rulebook DIR and --reform FILE: open a ledger with the
rulebook it was written under. Exit status: 0 done; 1 the operation was
refused (purchase, redeem) or the store does not verify; 2 bad usage, a
store that cannot be opened (missing, locked, damaged, without schema).
`

// cmdLedger runs a ledger command: cmd/wijkwerken's way into
// vouchers.Ledger on a store of vouchers/store.
func cmdLedger(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, ledgerUsage)
		return exitUsage
	}
	if args[0] == "-h" || args[0] == "-help" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, ledgerUsage)
		return exitOK
	}
	sub := args[0]
	c := &ledgerCmd{name: "ledger " + sub, stdin: stdin, stdout: stdout, stderr: stderr}
	fs := newFlags(c.name, "STORE [flags] (wijkwerken ledger -h: the commands)", stdout, stderr)
	c.rf.register(fs)
	fs.StringVar(&c.sqlStore, "sql", "", "keep the ledger in a database: `sqlite:PATH` or postgres://…")
	fs.StringVar(&c.ledgerName, "ledger", "default", "the `NAME` of the ledger in the database (--sql)")
	user := fs.String("user", "", "the `user` (the buyer of cheques)")
	worker := fs.String("worker", "", "the wijk-`werker`")
	dateFlag := fs.String("date", "", "the `date` of the operation, or of the balance")
	count := fs.Int("count", 0, "the `number` of cheques bought")
	priceFlag := fs.String("price", "", "the unit `price` of the cheques")
	minutes := fs.Int("minutes", 0, "the `minutes` of work")
	kmFlag := fs.String("km", "0", "the worker's round trip in `km`")
	batch := fs.Int("batch", 0, "redeem cheques of this batch `id` only")
	month := fs.String("month", "", "the `month` (YYYY-MM) of the pay statement")
	pos, code, ok := fs.parse(args[1:])
	if !ok {
		return code
	}
	var date wk.Date
	if *dateFlag != "" {
		var err error
		if date, err = wk.ParseDate(*dateFlag); err != nil {
			return c.usage("--date: %v", err)
		}
	}
	needs := func(names ...string) bool {
		for _, n := range names {
			if !fs.given(n) {
				c.usage("--%s is required", n)
				return false
			}
		}
		return true
	}

	switch sub {
	case "migrate":
		if len(pos) != 0 || c.sqlStore == "" {
			return c.usage("give the database with --sql sqlite:PATH or --sql postgres://…")
		}
		return c.migrate()
	case "backup":
		if len(pos) != 1+btoi(c.sqlStore == "") {
			return c.usage("give the store (a journal file or --sql) and the file DEST to write")
		}
		return c.backup(pos)
	case "purchase", "redeem", "balance", "statement", "pay", "verify":
	default:
		return c.usage("unknown ledger command %q", sub)
	}
	if len(pos) != btoi(c.sqlStore == "") {
		return c.usage("give one store: a journal file, or --sql")
	}
	if len(pos) == 1 {
		c.journal = pos[0]
	}
	switch sub {
	case "purchase":
		if !needs("user", "date", "count", "price") {
			return exitUsage
		}
		price, err := decimal.NewFromString(*priceFlag)
		if err != nil {
			return c.usage("--price %q: not a number", *priceFlag)
		}
		return c.run(false, func(l *vouchers.Ledger) (any, error) { return l.Purchase(*user, date, *count, price) })
	case "redeem":
		if !needs("user", "worker", "date", "minutes") {
			return exitUsage
		}
		km, err := decimal.NewFromString(*kmFlag)
		if err != nil {
			return c.usage("--km %q: not a number", *kmFlag)
		}
		w := vouchers.Work{User: *user, Worker: *worker, Date: date, Minutes: *minutes, Km: km, Batch: *batch}
		return c.run(false, func(l *vouchers.Ledger) (any, error) { return l.Redeem(w) })
	case "balance", "statement":
		if !needs("user", "date") {
			return exitUsage
		}
		return c.run(true, func(l *vouchers.Ledger) (any, error) {
			if sub == "balance" {
				return l.Balance(*user, date), nil
			}
			return l.Statement(*user, date), nil
		})
	case "pay":
		if !needs("worker", "month") {
			return exitUsage
		}
		return c.run(true, func(l *vouchers.Ledger) (any, error) { return l.PayStatement(*worker, *month) })
	}
	return c.verify()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ledgerCmd is one run of a ledger command.
type ledgerCmd struct {
	name           string
	rf             rulebookFlags
	journal        string // a journal file, or
	sqlStore       string // --sql
	ledgerName     string
	stdin          io.Reader
	stdout, stderr io.Writer
}

func (c *ledgerCmd) usage(format string, args ...any) int {
	fmt.Fprintf(c.stderr, "wijkwerken %s: %s\n", c.name, fmt.Sprintf(format, args...))
	return exitUsage
}

// fail reports an error that is not the user's input and returns 2.
func (c *ledgerCmd) fail(err error) int {
	var se *store.SchemaError
	if errors.As(err, &se) && se.Version == 0 {
		err = fmt.Errorf("the database has no ledger schema (%v): make it with\n  wijkwerken ledger migrate --sql %s", se.Err, c.shown())
	}
	fmt.Fprintf(c.stderr, "wijkwerken %s: %v\n", c.name, err)
	return exitInput
}

// shown is --sql as it may be shown: without a password.
func (c *ledgerCmd) shown() string {
	if u, err := url.Parse(c.sqlStore); err == nil && u.User != nil {
		return u.Redacted()
	}
	return c.sqlStore
}

// openDB opens the database of --sql.
func (c *ledgerCmd) openDB(ctx context.Context) (*sql.DB, error) {
	spec := c.sqlStore
	switch {
	case strings.HasPrefix(spec, "sqlite:"):
		return sqlite.Open(ctx, strings.TrimPrefix(spec, "sqlite:"))
	case strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"), strings.HasPrefix(spec, "postgres:"):
		dsn := spec
		if !strings.Contains(spec, "://") {
			dsn = strings.TrimPrefix(spec, "postgres:")
		}
		db, err := sql.Open("postgres", dsn)
		if err != nil {
			return nil, err
		}
		if err := db.PingContext(ctx); err != nil {
			db.Close()
			return nil, fmt.Errorf("postgres: %w", err)
		}
		return db, nil
	}
	return nil, fmt.Errorf("--sql %q: want sqlite:PATH or postgres://…", c.shown())
}

// open opens the ledger on its store; readOnly opens a journal file for
// reading only. close closes the ledger and its database.
func (c *ledgerCmd) open(ctx context.Context, readOnly bool) (l *vouchers.Ledger, torn *store.TornRecord, close func(), err error) {
	rb, err := c.rf.load(c.rf.inputs(c.stdin))
	if err != nil {
		return nil, nil, nil, err
	}
	eng, err := vouchers.New(rb)
	if err != nil {
		return nil, nil, nil, err
	}
	var s vouchers.Store
	closeDB := func() {}
	if c.sqlStore != "" {
		db, err := c.openDB(ctx)
		if err != nil {
			return nil, nil, nil, err
		}
		if s, err = store.OpenSQL(ctx, db, c.ledgerName); err != nil {
			db.Close()
			return nil, nil, nil, err
		}
		closeDB = func() { db.Close() }
	} else {
		var opts []store.FileOption
		if readOnly {
			opts = append(opts, store.ReadOnly())
		}
		f, err := store.OpenFile(c.journal, opts...)
		if err != nil {
			return nil, nil, nil, err
		}
		torn, s = f.Torn(), f
	}
	l, err = eng.OpenLedger(ctx, s)
	if err != nil {
		s.Close()
		closeDB()
		return nil, torn, nil, err
	}
	return l, torn, func() { l.Close(); closeDB() }, nil
}

func (c *ledgerCmd) emit(v any) int {
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		fmt.Fprintf(c.stderr, "wijkwerken %s: %v\n", c.name, err)
		return exitInput
	}
	return exitOK
}

// run opens the ledger (readOnly: a journal for reading only) and runs op:
// its result as JSON, or the refusal (exit 1).
func (c *ledgerCmd) run(readOnly bool, op func(*vouchers.Ledger) (any, error)) int {
	l, torn, close, err := c.open(context.Background(), readOnly)
	if err != nil {
		return c.fail(err)
	}
	defer close()
	if torn != nil {
		fmt.Fprintf(c.stderr, "wijkwerken %s: %s\n", c.name, torn)
	}
	v, err := op(l)
	var re *vouchers.RefusedError
	switch {
	case errors.As(err, &re):
		fmt.Fprintf(c.stderr, "wijkwerken %s: %v\n", c.name, err)
		c.emit(map[string]any{"refused": re})
		return exitFail
	case err != nil && readOnly: // a question asked wrong (a month not YYYY-MM)
		return c.usage("%v", err)
	case err != nil:
		return c.fail(err)
	}
	return c.emit(v)
}

// verifyReport is what verify writes.
type verifyReport struct {
	Store       string   `json:"store"`
	OK          bool     `json:"ok"`
	Records     int64    `json:"records"`
	Batches     int      `json:"batches"`
	Redemptions int      `json:"redemptions"`
	Users       int      `json:"users"`
	Cheques     int      `json:"cheques"`
	Paid        string   `json:"paid"`
	Torn        string   `json:"torn,omitempty"`
	Problems    []string `json:"problems,omitempty"`
}

// verify replays the store and checks, for every user on the day after
// each batch's last valid day and on the last day of the ledger, that
// issued = redeemed + expired + available and paid = Σ count × price.
func (c *ledgerCmd) verify() int {
	rep := verifyReport{Store: c.journal, Paid: "0"}
	if c.sqlStore != "" {
		rep.Store = c.shown() + " (ledger " + c.ledgerName + ")"
	}
	l, torn, close, err := c.open(context.Background(), true)
	if torn != nil {
		rep.Torn = torn.String()
	}
	var re *vouchers.ReplayError
	var de *store.DamageError
	if errors.As(err, &re) || errors.As(err, &de) {
		rep.Problems = []string{err.Error()}
		fmt.Fprintf(c.stderr, "wijkwerken %s: %v\n", c.name, err)
		c.emit(rep)
		return exitFail
	}
	if err != nil {
		return c.fail(err)
	}
	defer close()
	batches, redemptions := l.Batches(), l.Redemptions()
	rep.Records, rep.Batches, rep.Redemptions = l.Stored(), len(batches), len(redemptions)
	var last wk.Date
	dates := map[string][]wk.Date{}
	paid, count := map[string]decimal.Decimal{}, map[string]int{}
	for _, b := range batches {
		dates[b.User] = append(dates[b.User], b.Expires.AddDays(1))
		paid[b.User] = paid[b.User].Add(b.Amount())
		count[b.User] += b.Count
		last = maxDate(last, b.Expires.AddDays(1))
	}
	for _, r := range redemptions {
		last = maxDate(last, r.Date)
	}
	total := decimal.Zero
	for _, u := range l.Users() {
		rep.Users++
		rep.Cheques += count[u]
		total = total.Add(paid[u])
		for _, d := range append(dates[u], last) {
			b := l.Balance(u, d)
			if b.Issued != b.Redeemed+b.Expired+b.Available || b.Redeemed < 0 || b.Expired < 0 || b.Available < 0 {
				rep.Problems = append(rep.Problems, fmt.Sprintf("user %s on %s: issued %d != redeemed %d + expired %d + available %d", u, d, b.Issued, b.Redeemed, b.Expired, b.Available))
			}
		}
		if b := l.Balance(u, last); b.Issued != count[u] || !b.Paid.Equal(paid[u]) {
			rep.Problems = append(rep.Problems, fmt.Sprintf("user %s: %d cheques for %s bought, the balance says %d for %s", u, count[u], paid[u], b.Issued, b.Paid))
		}
	}
	rep.Paid = total.StringFixed(2)
	rep.OK = len(rep.Problems) == 0
	if code := c.emit(rep); code != exitOK {
		return code
	}
	if !rep.OK {
		return exitFail
	}
	return exitOK
}

func maxDate(a, b wk.Date) wk.Date {
	if b.After(a) {
		return b
	}
	return a
}

// migrate makes the ledger's tables in the database of --sql.
func (c *ledgerCmd) migrate() int {
	ctx := context.Background()
	db, err := c.openDB(ctx)
	if err != nil {
		return c.fail(err)
	}
	defer db.Close()
	if err := store.Migrate(ctx, db); err != nil {
		return c.fail(err)
	}
	return c.emit(map[string]any{"database": c.shown(), "schema_version": store.SchemaVersion})
}

// backup writes a consistent copy of the store to a new file: a journal's
// whole records (a copy while a writer appends ends at the last one
// synced), or SQLite's VACUUM INTO. It never overwrites a file.
func (c *ledgerCmd) backup(pos []string) int {
	dest := pos[len(pos)-1]
	if _, err := os.Lstat(dest); err == nil {
		return c.usage("%s exists: a backup goes to a new file", dest)
	}
	ctx := context.Background()
	if c.sqlStore != "" {
		if !strings.HasPrefix(c.sqlStore, "sqlite:") {
			return c.usage("backup of --sql %s: use the database's own backup (pg_dump)", c.shown())
		}
		db, err := c.openDB(ctx)
		if err != nil {
			return c.fail(err)
		}
		defer db.Close()
		if err := sqlite.Backup(ctx, db, dest); err != nil {
			return c.fail(err)
		}
		return c.emit(map[string]any{"store": c.shown(), "backup": dest})
	}
	src := pos[0]
	if same(src, dest) {
		return c.usage("the backup must not be the journal itself")
	}
	data, err := os.ReadFile(src)
	if err != nil {
		return c.fail(err)
	}
	// Whole lines only: the last may be a record being written.
	data = data[:bytes.LastIndexByte(data, '\n')+1]
	tmp, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".new-*")
	if err != nil {
		return c.fail(err)
	}
	defer os.Remove(tmp.Name())
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return c.fail(err)
	}
	// Check the copy before it takes its name.
	f, err := store.OpenFile(tmp.Name(), store.ReadOnly())
	if err != nil {
		return c.fail(fmt.Errorf("the copy of %s does not read: %w", src, err))
	}
	records := f.Last()
	f.Close()
	os.Remove(tmp.Name() + ".lock")
	if err := os.Link(tmp.Name(), dest); err != nil { // fails rather than overwrite
		if errors.Is(err, os.ErrExist) {
			return c.fail(err)
		}
		if err := os.Rename(tmp.Name(), dest); err != nil { // no hard links here
			return c.fail(err)
		}
	}
	return c.emit(map[string]any{"store": src, "backup": dest, "records": records})
}

// same reports whether two paths name one file.
func same(a, b string) bool {
	sa, err1 := os.Stat(a)
	sb, err2 := os.Stat(b)
	if err1 == nil && err2 == nil {
		return os.SameFile(sa, sb)
	}
	return filepath.Clean(a) == filepath.Clean(b)
}
