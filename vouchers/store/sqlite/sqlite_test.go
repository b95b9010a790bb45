package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/openwijkwerken/wijkwerken/vouchers/store/sqlite"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestOpenSettingsAndBackup(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(dir, "a b?.db"))
	require.NoError(t, err)
	defer db.Close()
	var mode string
	var sync, busy int
	require.NoError(t, db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode))
	require.NoError(t, db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync))
	require.NoError(t, db.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy))
	assert.Equal(t, "wal", mode)
	assert.Equal(t, 2, sync, "FULL")
	assert.Equal(t, sqlite.BusyTimeoutMs, busy)
	assert.FileExists(t, filepath.Join(dir, "a b?.db"), "the name is the file's, escaped in the DSN")

	_, err = db.ExecContext(ctx, "CREATE TABLE t (x INTEGER); INSERT INTO t VALUES (42)")
	require.NoError(t, err)
	dest := filepath.Join(dir, "copy.db")
	require.NoError(t, sqlite.Backup(ctx, db, dest))
	assert.Error(t, sqlite.Backup(ctx, db, dest), "the copy must not exist")
	cp, err := sqlite.Open(ctx, dest)
	require.NoError(t, err)
	defer cp.Close()
	var x int
	require.NoError(t, cp.QueryRowContext(ctx, "SELECT x FROM t").Scan(&x))
	assert.Equal(t, 42, x)
}
