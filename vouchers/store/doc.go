// Package store keeps a vouchers.Ledger where it outlives the process:
//
//   - File, an append-only journal file (the default for an embedded
//     ledger): one line per operation with its sequence number and a
//     CRC-32C checksum, synced to disk before the operation is
//     acknowledged, locked against a second writer; a torn last record (a
//     crash while writing) is cut on open, any other damage refuses to open;
//   - SQL, a table in the vendor's own database through database/sql
//     (PostgreSQL, SQLite): one row per operation, each in its own
//     transaction, several processes at once.
//
// Open the ledger on either with vouchers.Engine.OpenLedger: every record
// is replayed through the rules, and from then on every operation the
// ledger accepts is in the store before it returns. docs/ledger.md tells
// how to choose, what "acknowledged" guarantees, how to back up and restore.
package store
