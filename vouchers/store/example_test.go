package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/vouchers"
	"github.com/openwijkwerken/wijkwerken/vouchers/store"
	"github.com/openwijkwerken/wijkwerken/vouchers/store/sqlite"
	"github.com/shopspring/decimal"
)

// An organiser's ledger in a journal file: every operation is on disk
// before Purchase or Redeem returns, and opening the file again replays it.
func ExampleOpenFile() {
	dir, _ := os.MkdirTemp("", "ledger")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "ledger.journal")

	rb, _ := wk.Reference()
	eng, _ := vouchers.New(rb)
	s, err := store.OpenFile(path)
	if err != nil {
		panic(err)
	}
	l, err := eng.OpenLedger(context.Background(), s)
	if err != nil {
		panic(err)
	}
	if _, err := l.Purchase("user-17", wk.MustParseDate("2024-01-10"), 10, decimal.RequireFromString("7.45")); err != nil {
		panic(err)
	}
	if _, err := l.Redeem(vouchers.Work{User: "user-17", Worker: "worker-3", Date: wk.MustParseDate("2024-01-12"), Minutes: 150}); err != nil {
		panic(err)
	}
	l.Close()

	// A second process would open it the same way (and get a
	// *store.LockedError while the first has it open).
	s, _ = store.OpenFile(path)
	l, err = eng.OpenLedger(context.Background(), s)
	if err != nil {
		panic(err)
	}
	defer l.Close()
	b := l.Balance("user-17", wk.MustParseDate("2024-01-31"))
	fmt.Println("records:", s.Last(), "available:", b.Available)
	// Output:
	// records: 2 available: 7
}

// A ledger in the vendor's database: migrate once, then open the ledger by
// name; several processes may write it.
func ExampleOpenSQL() {
	dir, _ := os.MkdirTemp("", "ledger")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "ledger.db")) // or sql.Open("postgres", dsn)
	if err != nil {
		panic(err)
	}
	defer db.Close()
	if err := store.Migrate(ctx, db); err != nil {
		panic(err)
	}
	s, err := store.OpenSQL(ctx, db, "organiser-gent")
	if err != nil {
		panic(err)
	}
	rb, _ := wk.Reference()
	eng, _ := vouchers.New(rb)
	l, err := eng.OpenLedger(ctx, s)
	if err != nil {
		panic(err)
	}
	defer l.Close()
	_, err = l.Purchase("user-17", wk.MustParseDate("2024-01-10"), 10, decimal.RequireFromString("7.45"))
	fmt.Println("recorded:", err == nil, l.Stored())
	// Output:
	// recorded: true 1
}
