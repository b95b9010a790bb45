package vouchers

import (
	"context"
	"errors"
	"fmt"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/shopspring/decimal"
)

// A Store keeps a ledger's operations so that they outlive the process: a
// ledger opened on a store (Engine.OpenLedger) writes every operation it
// accepts to the store before it returns, and writes nothing for an
// operation it refuses. Package vouchers/store has two: an append-only
// journal file and a database/sql table.
//
// A store holds records numbered 1, 2, 3, … without gaps, and never
// changes or removes one. A Store need not be safe for concurrent use: the
// ledger calls it under its own lock.
type Store interface {
	// Records calls fn with every record whose Seq is greater than after,
	// in order of Seq, and stops at fn's first error, which it returns.
	// Damage (a gap in the numbers, a bad checksum) is an error.
	Records(ctx context.Context, after int64, fn func(Record) error) error
	// Append writes rec, whose Seq is one more than the last record's, and
	// returns once it is durable. When another writer already recorded
	// rec.Seq it writes nothing and returns a *ConflictError. Any other
	// error leaves it unknown whether rec was recorded until the store is
	// read again.
	Append(ctx context.Context, rec Record) error
	// Close releases the store.
	Close() error
}

// Record is one accepted operation as a store keeps it: exactly one of
// Purchase and Redemption is set, as the ledger returned it.
type Record struct {
	// Seq numbers the records of a store: 1, 2, 3, …
	Seq        int64       `json:"seq"`
	Purchase   *Batch      `json:"purchase,omitempty"`
	Redemption *Redemption `json:"redemption,omitempty"`
}

// Kind is "purchase" or "redemption" ("" for a record with neither).
func (r Record) Kind() string {
	switch {
	case r.Purchase != nil && r.Redemption == nil:
		return "purchase"
	case r.Redemption != nil && r.Purchase == nil:
		return "redemption"
	}
	return ""
}

// ID is the id of the record's batch or redemption.
func (r Record) ID() int { id, _, _ := r.op(); return id }

// User is the user of the record's operation.
func (r Record) User() string { _, user, _ := r.op(); return user }

// Date is the date of the record's operation.
func (r Record) Date() wk.Date { _, _, date := r.op(); return date }

func (r Record) op() (id int, user string, date wk.Date) {
	switch r.Kind() {
	case "purchase":
		return r.Purchase.ID, r.Purchase.User, r.Purchase.Date
	case "redemption":
		return r.Redemption.ID, r.Redemption.User, r.Redemption.Date
	}
	return 0, "", wk.Date{}
}

// Equal reports whether r and o record the same operation with the same
// result (decimals compared by value).
func (r Record) Equal(o Record) bool {
	if r.Seq != o.Seq || r.Kind() != o.Kind() {
		return false
	}
	switch r.Kind() {
	case "purchase":
		return batchEqual(*r.Purchase, *o.Purchase)
	case "redemption":
		return redemptionEqual(*r.Redemption, *o.Redemption)
	}
	return true
}

func (r Record) String() string {
	if k := r.Kind(); k != "" {
		return fmt.Sprintf("record %d (%s %d)", r.Seq, k, r.ID())
	}
	return fmt.Sprintf("record %d", r.Seq)
}

// ConflictError is an operation that another writer beat to the store: the
// store already holds a record with its number. The ledger has read the
// records it missed and is unchanged otherwise; the operation may be tried
// again (it is decided anew on the ledger as it now is).
type ConflictError struct {
	Seq int64
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("vouchers: another writer recorded operation %d first; the ledger has read it: try the operation again", e.Seq)
}

// StoreError is a store that failed while recording an operation, or while
// reading the records of other writers after a conflict. Whether the
// operation was recorded is unknown until the store is read again: the
// ledger refuses every operation until Refresh (or Engine.OpenLedger)
// succeeds.
type StoreError struct {
	// Seq is the number the operation was to be recorded as.
	Seq int64
	Err error
}

func (e *StoreError) Error() string {
	return fmt.Sprintf("vouchers: the store failed recording operation %d (whether it was recorded is known once the ledger reads its store again: Refresh or reopen): %v", e.Seq, e.Err)
}

func (e *StoreError) Unwrap() error { return e.Err }

// ReplayError is a recorded operation that the rules no longer decide as
// recorded: a store or journal written under another rulebook, or changed
// by hand. Opening refuses the whole store.
type ReplayError struct {
	// Recorded is the operation as the store holds it.
	Recorded Record
	// Replayed is what the rules give for it now; nil when they refuse it.
	Replayed *Record
	// Refused is the rules' refusal, when they refuse it now.
	Refused error
	// Diffs name each field that differs, with both values.
	Diffs []string
}

func (e *ReplayError) Error() string {
	if e.Refused != nil {
		return fmt.Sprintf("vouchers: %s does not replay: recorded as accepted, the rules now refuse it: %v", e.Recorded, e.Refused)
	}
	return fmt.Sprintf("vouchers: %s does not replay: %s", e.Recorded, strings.Join(e.Diffs, "; "))
}

func (e *ReplayError) Unwrap() error { return e.Refused }

// replayError compares what the rules give with what was recorded.
func replayError(want, got Record) *ReplayError {
	re := &ReplayError{Recorded: want, Replayed: &got}
	diff := func(field string, recorded, replayed any) {
		if a, ok := recorded.(decimal.Decimal); ok && a.Equal(replayed.(decimal.Decimal)) {
			return
		}
		if fmt.Sprint(recorded) != fmt.Sprint(replayed) {
			re.Diffs = append(re.Diffs, fmt.Sprintf("%s: recorded %v, the rules give %v", field, recorded, replayed))
		}
	}
	switch want.Kind() {
	case "purchase":
		w, g := want.Purchase, got.Purchase
		diff("id", w.ID, g.ID)
		diff("user", w.User, g.User)
		diff("date", w.Date, g.Date)
		diff("count", w.Count, g.Count)
		diff("unit_price", w.UnitPrice, g.UnitPrice)
		diff("expires", w.Expires, g.Expires)
	case "redemption":
		w, g := want.Redemption, got.Redemption
		diff("id", w.ID, g.ID)
		diff("hours", w.Hours, g.Hours)
		diff("cheques", w.Cheques, g.Cheques)
		diff("allocations", w.Allocations, g.Allocations)
		diff("allowance", w.Allowance, g.Allowance)
		diff("travel", w.Travel, g.Travel)
	}
	if len(re.Diffs) == 0 {
		re.Diffs = []string{"the operation differs"}
	}
	return re
}

// errNotEmpty is reading a journal into a ledger that holds operations.
var errNotEmpty = errors.New("vouchers: journal: the ledger already holds operations; read a journal into an empty ledger (Engine.NewLedger, or a ledger opened on an empty store)")
