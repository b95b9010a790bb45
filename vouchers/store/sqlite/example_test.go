package sqlite_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/openwijkwerken/wijkwerken/vouchers/store"
	"github.com/openwijkwerken/wijkwerken/vouchers/store/sqlite"
)

// A ledger database on SQLite: open it (write-ahead log, full sync), make
// its tables, and copy it consistently while writers may go on.
func ExampleBackup() {
	dir, _ := os.MkdirTemp("", "ledger")
	defer os.RemoveAll(dir)
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "ledger.db"))
	if err != nil {
		panic(err)
	}
	defer db.Close()
	if err := store.Migrate(ctx, db); err != nil {
		panic(err)
	}
	copyPath := filepath.Join(dir, "backup.db")
	if err := sqlite.Backup(ctx, db, copyPath); err != nil {
		panic(err)
	}
	again, err := sqlite.Open(ctx, copyPath)
	if err != nil {
		panic(err)
	}
	defer again.Close()
	_, err = store.OpenSQL(ctx, again, "default")
	fmt.Println("the copy opens as a ledger:", err == nil)
	// Output:
	// the copy opens as a ledger: true
}
