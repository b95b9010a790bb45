package store_test

import (
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"

	_ "github.com/lib/pq" // the "postgres" driver, for WIJKWERKEN_TEST_POSTGRES
	"github.com/openwijkwerken/wijkwerken/vouchers"
	"github.com/openwijkwerken/wijkwerken/vouchers/store"
	"github.com/openwijkwerken/wijkwerken/vouchers/store/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// sqlDatabase is a database the SQL store's tests run on.
type sqlDatabase struct {
	name string
	// open returns a new connection pool to the same database.
	open func(t testing.TB) *sql.DB
}

// envPostgres names a PostgreSQL database (a lib/pq DSN such as
// "postgres://user@localhost/wijkwerken_test?sslmode=disable") that the SQL
// store's tests also run on when it is set. They make their own ledgers in
// it, named after the test and the time.
const envPostgres = "WIJKWERKEN_TEST_POSTGRES"

// sqlDatabases are SQLite, in a temporary file, and PostgreSQL when
// WIJKWERKEN_TEST_POSTGRES is set.
func sqlDatabases(t *testing.T) []sqlDatabase {
	path := sqliteStore(t)
	dbs := []sqlDatabase{{"sqlite", func(t testing.TB) *sql.DB {
		db, err := sqlite.Open(ctx, path)
		require.NoError(t, err)
		t.Cleanup(func() { db.Close() })
		return db
	}}}
	if dsn := os.Getenv(envPostgres); dsn != "" {
		open := func(t testing.TB) *sql.DB {
			db, err := sql.Open("postgres", dsn)
			require.NoError(t, err)
			t.Cleanup(func() { db.Close() })
			return db
		}
		require.NoError(t, store.Migrate(ctx, open(t)))
		dbs = append(dbs, sqlDatabase{"postgres", open})
	} else {
		t.Logf("%s not set: the SQL store is tested on SQLite only", envPostgres)
	}
	return dbs
}

// ledgerName is a name no earlier run used (a PostgreSQL database is kept
// between runs).
func ledgerName(t testing.TB) string {
	return fmt.Sprintf("%s-%d-%d", t.Name(), os.Getpid(), rand.Int64())
}

func openSQL(t testing.TB, e *vouchers.Engine, db *sql.DB, name string) (*vouchers.Ledger, *store.SQL) {
	t.Helper()
	s, err := store.OpenSQL(ctx, db, name)
	require.NoError(t, err)
	l, err := e.OpenLedger(ctx, s)
	require.NoError(t, err)
	return l, s
}

func TestSQLKeepsEveryAcceptedOperation(t *testing.T) {
	e := engine(t)
	for _, sdb := range sqlDatabases(t) {
		t.Run(sdb.name, func(t *testing.T) {
			db := sdb.open(t)
			name := ledgerName(t)
			l, s := openSQL(t, e, db, name)
			want := someOperations(t, l)
			requireRecords(t, want, records(t, s))
			before, err := json.Marshal(l)
			require.NoError(t, err)
			require.NoError(t, l.Close())

			l2, s2 := openSQL(t, e, sdb.open(t), name)
			after, err := json.Marshal(l2)
			require.NoError(t, err)
			assert.JSONEq(t, string(before), string(after))
			requireRecords(t, want, records(t, s2))

			// Another ledger of the same database is apart.
			other, _ := openSQL(t, e, db, name+"-other")
			assert.Empty(t, other.Batches())

			// The table holds one row per operation, its columns readable.
			var n int
			var user, date, kind string
			require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM wijkwerken_ledger_ops WHERE ledger = $1`, name).Scan(&n))
			assert.Equal(t, len(want), n)
			require.NoError(t, db.QueryRowContext(ctx, `SELECT kind, user_name, op_date FROM wijkwerken_ledger_ops WHERE ledger = $1 AND seq = 3`, name).Scan(&kind, &user, &date))
			assert.Equal(t, []string{"redemption", "an", "2020-06-01"}, []string{kind, user, date})
		})
	}
}

func TestSQLWithoutSchemaSaysHowToMigrate(t *testing.T) {
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "empty.db"))
	require.NoError(t, err)
	defer db.Close()
	_, err = store.OpenSQL(ctx, db, "x")
	var se *store.SchemaError
	require.ErrorAs(t, err, &se)
	assert.Contains(t, err.Error(), "run `wijkwerken ledger migrate --sql DRIVER:DSN` (or call store.Migrate)")
	assert.Contains(t, err.Error(), "no such table: wijkwerken_ledger_schema")

	require.NoError(t, store.Migrate(ctx, db))
	require.NoError(t, store.Migrate(ctx, db), "migrating twice is harmless")
	var versions int
	require.NoError(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM wijkwerken_ledger_schema`).Scan(&versions))
	assert.Equal(t, 1, versions)
	_, err = store.OpenSQL(ctx, db, "x")
	require.NoError(t, err)

	_, err = db.ExecContext(ctx, `UPDATE wijkwerken_ledger_schema SET version = 2`)
	require.NoError(t, err)
	_, err = store.OpenSQL(ctx, db, "x")
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 2, se.Version)
	assert.Contains(t, err.Error(), "version 2, newer than this program's 1")

	_, err = store.OpenSQL(ctx, db, "")
	assert.Error(t, err, "a ledger needs a name")
}

// A writer that lost the race to another gets a *ConflictError, has read
// the other's records, and succeeds when it tries again.
func TestSQLConflictThenRetry(t *testing.T) {
	e := engine(t)
	for _, sdb := range sqlDatabases(t) {
		t.Run(sdb.name, func(t *testing.T) {
			name := ledgerName(t)
			a, _ := openSQL(t, e, sdb.open(t), name)
			b, _ := openSQL(t, e, sdb.open(t), name)
			_, err := a.Purchase("an", d("2024-01-10"), 4, dec("7.45"))
			require.NoError(t, err)

			// b has not seen a's purchase: its redemption is decided on a
			// ledger without cheques, so refused as such, writing nothing.
			_, err = b.Redeem(vouchers.Work{User: "an", Worker: "wim", Date: d("2024-01-11"), Minutes: 60})
			var re *vouchers.RefusedError
			require.ErrorAs(t, err, &re)

			_, err = b.Purchase("an", d("2024-01-12"), 2, dec("7.45"))
			var ce *vouchers.ConflictError
			require.ErrorAs(t, err, &ce)
			assert.Equal(t, int64(1), ce.Seq)
			assert.Contains(t, err.Error(), "try the operation again")
			assert.Len(t, b.Batches(), 1, "b has read a's purchase")

			bb, err := b.Purchase("an", d("2024-01-12"), 2, dec("7.45"))
			require.NoError(t, err, "the retry")
			assert.Equal(t, 2, bb.ID)
			_, err = b.Redeem(vouchers.Work{User: "an", Worker: "wim", Date: d("2024-01-13"), Minutes: 300})
			require.NoError(t, err)

			// a sees b's operations after Refresh.
			assert.Len(t, a.Batches(), 1)
			require.NoError(t, a.Refresh(ctx))
			assert.Equal(t, 5, a.Balance("an", d("2024-01-13")).Redeemed)
			assert.Equal(t, b.Balance("an", d("2024-01-13")), a.Balance("an", d("2024-01-13")))
		})
	}
}

// Several writers, each with its own connection pool, race on one ledger:
// every operation each saw acknowledged is recorded once, none twice, and
// the invariants hold.
func TestSQLConcurrentWriters(t *testing.T) {
	e := engine(t)
	for _, sdb := range sqlDatabases(t) {
		t.Run(sdb.name, func(t *testing.T) {
			name := ledgerName(t)
			const writers, ops = 4, 25
			var mu sync.Mutex
			acked := map[int64]vouchers.Record{}
			conflicts := 0
			var wg sync.WaitGroup
			for w := range writers {
				l, _ := openSQL(t, e, sdb.open(t), name)
				wg.Add(1)
				go func() {
					defer wg.Done()
					rng := rand.New(rand.NewPCG(uint64(w), 9))
					for i := 0; i < ops; i++ {
						for {
							rec, err := randomOperation(l, rng).run(l)
							var ce *vouchers.ConflictError
							var re *vouchers.RefusedError
							if errors.As(err, &ce) {
								mu.Lock()
								conflicts++
								mu.Unlock()
								continue
							}
							if errors.As(err, &re) {
								break
							}
							if !assert.NoError(t, err) {
								return
							}
							rec.Seq = l.Stored()
							mu.Lock()
							_, dup := acked[rec.Seq]
							acked[rec.Seq] = rec
							mu.Unlock()
							assert.False(t, dup, "record %d acknowledged twice", rec.Seq)
							break
						}
					}
				}()
			}
			wg.Wait()
			l, s := openSQL(t, e, sdb.open(t), name)
			recs := records(t, s)
			require.Len(t, recs, len(acked), "every record was acknowledged to one writer")
			for _, r := range recs {
				require.True(t, acked[r.Seq].Equal(r), "record %d", r.Seq)
			}
			require.NoError(t, checkInvariants(l, recs, rand.New(rand.NewPCG(1, 2)), 1000))
			t.Logf("%d writers: %d operations recorded, %d conflicts retried", writers, len(recs), conflicts)
			require.Positive(t, len(recs))
		})
	}
}
