// Package sqlite opens an SQLite database for the ledger's SQL store
// through modernc.org/sqlite, a driver in pure Go (no cgo).
//
// It is a package of its own so that importing vouchers/store does not
// bring in a database driver.
package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"

	_ "modernc.org/sqlite" // the "sqlite" driver
)

// BusyTimeoutMs is how long a writer waits for another process's write
// lock before its transaction fails.
const BusyTimeoutMs = 10_000

// Open opens (or creates) the SQLite database file at path with the
// settings the ledger relies on: the write-ahead log (PATH-wal beside the
// file: readers do not wait for the writer, and a commit costs one sync),
// synchronous=FULL (a commit is on disk before it returns) and a busy
// timeout of BusyTimeoutMs so that several processes take turns. It checks
// that the file can be read.
//
// With the write-ahead log, the database is the file and its PATH-wal
// together: copy it with Backup, not cp.
func Open(ctx context.Context, path string) (*sql.DB, error) {
	q := url.Values{}
	for _, p := range []string{fmt.Sprintf("busy_timeout(%d)", BusyTimeoutMs), "synchronous(FULL)", "journal_mode(WAL)"} {
		q.Add("_pragma", p)
	}
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?" + q.Encode()
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("sqlite %s: %w", path, err)
	}
	return db, nil
}

// Backup writes a consistent copy of the database db to the file dest,
// which must not exist (SQLite's VACUUM INTO), while writers go on.
func Backup(ctx context.Context, db *sql.DB, dest string) error {
	if _, err := db.ExecContext(ctx, "VACUUM INTO $1", dest); err != nil {
		return fmt.Errorf("sqlite backup to %s: %w", dest, err)
	}
	return nil
}
