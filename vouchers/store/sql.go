package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/openwijkwerken/wijkwerken/vouchers"
)

// SchemaVersion is the version of the schema this package reads and
// writes (the row of wijkwerken_ledger_schema).
const SchemaVersion = 1

// Schema is the SQL the ledger's tables are made with (Migrate runs it, in
// one transaction). It is plain SQL that PostgreSQL and SQLite both take.
//
// wijkwerken_ledger_ops holds the operations of every ledger of the
// database: one row per operation, numbered per ledger 1, 2, 3, … without
// gaps. The record column is the operation with its result as JSON (a
// vouchers.Batch or vouchers.Redemption); user_name and op_date repeat its
// user and date for queries. Rows are only ever inserted.
var Schema = []string{
	`CREATE TABLE IF NOT EXISTS wijkwerken_ledger_ops (
	ledger    VARCHAR(200) NOT NULL,
	seq       BIGINT       NOT NULL,
	kind      VARCHAR(10)  NOT NULL CHECK (kind IN ('purchase', 'redemption')),
	user_name VARCHAR(256) NOT NULL,
	op_date   CHAR(10)     NOT NULL,
	record    TEXT         NOT NULL,
	PRIMARY KEY (ledger, seq)
)`,
	`CREATE TABLE IF NOT EXISTS wijkwerken_ledger_schema (
	version INTEGER NOT NULL
)`,
	`INSERT INTO wijkwerken_ledger_schema (version)
	SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM wijkwerken_ledger_schema)`,
}

// SQL is a ledger kept in a database through database/sql: one row per
// operation in the table wijkwerken_ledger_ops, each written in its own
// transaction. Several processes may write the same ledger: the table's key
// (ledger, seq) lets only one of them record each number, and the others
// get a *vouchers.ConflictError (the ledger then reads what they missed and
// the operation can be tried again).
//
// Queries use $1 placeholders, which PostgreSQL and SQLite (and their Go
// drivers) take.
type SQL struct {
	db     *sql.DB
	ledger string
}

// SchemaError is a database without the ledger's tables, or with a schema
// of another version.
type SchemaError struct {
	// Version is the schema's version (0 when the tables are missing).
	Version int
	Err     error
}

func (e *SchemaError) Error() string {
	if e.Version > SchemaVersion {
		return fmt.Sprintf("vouchers/store: the database's ledger schema is version %d, newer than this program's %d: use a newer wijkwerken", e.Version, SchemaVersion)
	}
	msg := "vouchers/store: the database has no ledger schema: run `wijkwerken ledger migrate --sql DRIVER:DSN` (or call store.Migrate) first"
	if e.Err != nil {
		msg += " (" + e.Err.Error() + ")"
	}
	return msg
}

func (e *SchemaError) Unwrap() error { return e.Err }

// Migrate makes the ledger's tables when they do not exist (Schema, in one
// transaction). It is safe to run again.
func Migrate(ctx context.Context, db *sql.DB) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("vouchers/store: migrate: %w", err)
	}
	defer tx.Rollback()
	for _, stmt := range Schema {
		if _, err := tx.ExecContext(ctx, stmt); err != nil {
			return fmt.Errorf("vouchers/store: migrate: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("vouchers/store: migrate: %w", err)
	}
	return checkSchema(ctx, db)
}

// checkSchema checks that the database has the schema of SchemaVersion.
func checkSchema(ctx context.Context, db *sql.DB) error {
	var v sql.NullInt64
	err := db.QueryRowContext(ctx, `SELECT MAX(version) FROM wijkwerken_ledger_schema`).Scan(&v)
	if err != nil {
		// A database that answers anything else lacks the table.
		var one int
		if perr := db.QueryRowContext(ctx, `SELECT 1`).Scan(&one); perr != nil {
			return fmt.Errorf("vouchers/store: %w", perr)
		}
		return &SchemaError{Err: err}
	}
	if !v.Valid {
		return &SchemaError{Err: errors.New("wijkwerken_ledger_schema is empty")}
	}
	if v.Int64 != SchemaVersion {
		return &SchemaError{Version: int(v.Int64)}
	}
	var n int
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM wijkwerken_ledger_ops WHERE 1 = 0`).Scan(&n); err != nil {
		return &SchemaError{Version: int(v.Int64), Err: err}
	}
	return nil
}

// OpenSQL opens the ledger called ledger in db (one database may hold the
// ledgers of several organisers). The database must have the schema
// (Migrate); without it the error is a *SchemaError that says how to make
// it. Close does not close db.
func OpenSQL(ctx context.Context, db *sql.DB, ledger string) (*SQL, error) {
	if ledger == "" || len(ledger) > 200 {
		return nil, fmt.Errorf("vouchers/store: ledger name %q: 1 to 200 bytes", ledger)
	}
	if err := checkSchema(ctx, db); err != nil {
		return nil, err
	}
	return &SQL{db: db, ledger: ledger}, nil
}

// Records calls fn with every record of the ledger after seq after, in
// order.
func (s *SQL) Records(ctx context.Context, after int64, fn func(vouchers.Record) error) error {
	if s.db == nil {
		return errors.New("vouchers/store: the SQL store is closed")
	}
	rows, err := s.db.QueryContext(ctx, `SELECT seq, kind, user_name, op_date, record FROM wijkwerken_ledger_ops
		WHERE ledger = $1 AND seq > $2 ORDER BY seq`, s.ledger, after)
	if err != nil {
		return fmt.Errorf("vouchers/store: reading ledger %q: %w", s.ledger, err)
	}
	defer rows.Close()
	last := after
	for rows.Next() {
		var seq int64
		var kind, user, date, record string
		if err := rows.Scan(&seq, &kind, &user, &date, &record); err != nil {
			return fmt.Errorf("vouchers/store: reading ledger %q: %w", s.ledger, err)
		}
		if seq != last+1 {
			return fmt.Errorf("vouchers/store: ledger %q: record %d follows record %d: the sequence has a gap", s.ledger, seq, last)
		}
		rec, err := decodeRow(seq, kind, user, date, record)
		if err != nil {
			return fmt.Errorf("vouchers/store: ledger %q: record %d: %w", s.ledger, seq, err)
		}
		last = seq
		if err := fn(rec); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("vouchers/store: reading ledger %q: %w", s.ledger, err)
	}
	return nil
}

// decodeRow reads a row's record and checks that its columns agree.
func decodeRow(seq int64, kind, user, date, record string) (vouchers.Record, error) {
	rec := vouchers.Record{Seq: seq}
	var v any
	switch kind {
	case "purchase":
		rec.Purchase = &vouchers.Batch{}
		v = rec.Purchase
	case "redemption":
		rec.Redemption = &vouchers.Redemption{}
		v = rec.Redemption
	default:
		return rec, fmt.Errorf("kind %q: want purchase or redemption", kind)
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(record)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return rec, fmt.Errorf("the record does not read: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return rec, errors.New("data after the record")
	}
	if rec.User() != user || rec.Date().String() != strings.TrimSpace(date) {
		return rec, fmt.Errorf("user_name %q and op_date %q differ from the record's %q and %s", user, date, rec.User(), rec.Date())
	}
	return rec, nil
}

// Append records rec in its own transaction. When another writer already
// recorded rec.Seq, it is a *vouchers.ConflictError.
func (s *SQL) Append(ctx context.Context, rec vouchers.Record) error {
	if s.db == nil {
		return errors.New("vouchers/store: the SQL store is closed")
	}
	var op any = rec.Purchase
	if rec.Kind() == "redemption" {
		op = rec.Redemption
	} else if rec.Kind() != "purchase" {
		return fmt.Errorf("vouchers/store: %s holds no operation, or two", rec)
	}
	data, err := json.Marshal(op)
	if err != nil {
		return fmt.Errorf("vouchers/store: %w", err)
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("vouchers/store: ledger %q: %w", s.ledger, err)
	}
	defer tx.Rollback()
	// The insert comes first: it takes the write lock (SQLite) or the key
	// (PostgreSQL), so that of two writers of the same number one waits and
	// then fails on the key.
	_, err = tx.ExecContext(ctx, `INSERT INTO wijkwerken_ledger_ops (ledger, seq, kind, user_name, op_date, record)
		VALUES ($1, $2, $3, $4, $5, $6)`, s.ledger, rec.Seq, rec.Kind(), rec.User(), rec.Date().String(), string(data))
	if err != nil {
		tx.Rollback()
		if s.has(ctx, rec.Seq) {
			return &vouchers.ConflictError{Seq: rec.Seq}
		}
		return fmt.Errorf("vouchers/store: ledger %q: recording %s: %w", s.ledger, rec, err)
	}
	if rec.Seq > 1 {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM wijkwerken_ledger_ops WHERE ledger = $1 AND seq = $2`, s.ledger, rec.Seq-1).Scan(&n); err != nil {
			return fmt.Errorf("vouchers/store: ledger %q: recording %s: %w", s.ledger, rec, err)
		}
		if n != 1 {
			return fmt.Errorf("vouchers/store: ledger %q: recording %s: record %d is missing", s.ledger, rec, rec.Seq-1)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("vouchers/store: ledger %q: committing %s: %w", s.ledger, rec, err)
	}
	return nil
}

// has reports whether the ledger holds record seq.
func (s *SQL) has(ctx context.Context, seq int64) bool {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM wijkwerken_ledger_ops WHERE ledger = $1 AND seq = $2`, s.ledger, seq).Scan(&n)
	return err == nil && n > 0
}

// Close forgets the database (it does not close it: the caller opened it).
func (s *SQL) Close() error {
	s.db = nil
	return nil
}

var _ vouchers.Store = (*SQL)(nil)
