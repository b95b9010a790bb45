package store_test

import (
	"path/filepath"
	"testing"

	"github.com/openwijkwerken/wijkwerken/internal/ledgerbench"
	"github.com/openwijkwerken/wijkwerken/vouchers"
	"github.com/openwijkwerken/wijkwerken/vouchers/store"
	"github.com/openwijkwerken/wijkwerken/vouchers/store/sqlite"
	"github.com/stretchr/testify/require"
)

// BenchmarkLedgerStore measures acknowledged operations per second: per
// iteration a purchase and a redemption over 1 000 users and workers (the
// date moving a day every iteration, so that an operation costs the same
// whatever b.N), on the ledger in memory, on a journal file (each operation
// synced to disk) and on SQLite (each in its own transaction,
// synchronous=FULL), in one run so that the ratios hold.
func BenchmarkLedgerStore(b *testing.B) {
	e := engine(b)
	for _, bc := range []struct {
		name string
		open func(b *testing.B) *vouchers.Ledger
	}{
		{"memory", func(b *testing.B) *vouchers.Ledger { return e.NewLedger() }},
		{"file", func(b *testing.B) *vouchers.Ledger {
			l, _ := openFile(b, e, filepath.Join(b.TempDir(), "bench.journal"))
			return l
		}},
		{"sqlite", func(b *testing.B) *vouchers.Ledger {
			db, err := sqlite.Open(ctx, sqliteStore(b))
			require.NoError(b, err)
			b.Cleanup(func() { db.Close() })
			s, err := store.OpenSQL(ctx, db, "bench")
			require.NoError(b, err)
			l, err := e.OpenLedger(ctx, s)
			require.NoError(b, err)
			return l
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			l := bc.open(b)
			defer l.Close()
			ledgerbench.Run(b, l, 1)
		})
	}
}
