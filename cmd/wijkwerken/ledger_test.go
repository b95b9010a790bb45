package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openwijkwerken/wijkwerken/vouchers/store"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ledgerJSON runs a ledger command that must exit with code and decodes its
// JSON output.
func ledgerJSON(t *testing.T, code int, args ...string) map[string]any {
	t.Helper()
	got, out, errs := runCLI(t, append([]string{"ledger"}, args...)...)
	require.Equal(t, code, got, "%v\n%s%s", args, out, errs)
	var v map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &v), "%v: %s", args, out)
	return v
}

// The same session of an organiser on a journal file and on SQLite: buy,
// redeem, a refusal, balance, statement, pay statement, verify. The figures
// are the reference's: 7.45 a cheque, one cheque per started hour, 4.10 a
// cheque to the worker, 0.15 a km for a round trip over 10 km.
func TestLedgerCommand(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "ledger.db")
	code, out, errs := runCLI(t, "ledger", "migrate", "--sql", db)
	require.Equal(t, 0, code, out+errs)
	for name, store := range map[string][]string{
		"journal file": {filepath.Join(dir, "ledger.journal")},
		"sqlite":       {"--sql", db, "--ledger", "gent"},
	} {
		t.Run(name, func(t *testing.T) {
			with := func(args ...string) []string { return append(args, store...) }
			b := ledgerJSON(t, 0, with("purchase", "--user", "an", "--date", "2024-01-10", "--count", "10", "--price", "7.45")...)
			assert.Equal(t, float64(1), b["id"])
			assert.Equal(t, "2025-01-09", b["expires"], "12 months from issue")
			r := ledgerJSON(t, 0, with("redeem", "--user", "an", "--worker", "wim", "--date", "2024-01-12", "--minutes", "150", "--km", "12")...)
			assert.Equal(t, float64(3), r["cheques"], "150 minutes are 3 started hours")
			assert.Equal(t, "12.3", r["allowance"])
			assert.Equal(t, "1.8", r["travel"])

			ref := ledgerJSON(t, 1, with("redeem", "--user", "an", "--worker", "wim", "--date", "2024-01-20", "--minutes", "480")...)
			assert.Equal(t, "insufficient_cheques", ref["refused"].(map[string]any)["code"], "8 cheques needed, 7 left")
			ref = ledgerJSON(t, 1, with("purchase", "--user", "an", "--date", "2024-01-10", "--count", "5", "--price", "-1")...)
			assert.Equal(t, "invalid", ref["refused"].(map[string]any)["code"])

			bal := ledgerJSON(t, 0, with("balance", "--user", "an", "--date", "2024-01-31")...)
			assert.Equal(t, map[string]any{"user": "an", "date": "2024-01-31", "issued": float64(10), "redeemed": float64(3),
				"expired": float64(0), "available": float64(7), "paid": "74.5"}, bal)
			st := ledgerJSON(t, 0, with("statement", "--user", "an", "--date", "2025-01-10")...)
			assert.Equal(t, float64(7), st["balance"].(map[string]any)["expired"], "a year later the 7 left have expired")
			pay := ledgerJSON(t, 0, with("pay", "--worker", "wim", "--month", "2024-01")...)
			assert.Equal(t, "14.1", pay["total"], "12.30 + 1.80")

			v := ledgerJSON(t, 0, with("verify")...)
			assert.Equal(t, true, v["ok"])
			assert.Equal(t, float64(2), v["records"], "the refusals wrote nothing")
			assert.Equal(t, "74.50", v["paid"])
		})
	}
}

func TestLedgerCommandErrors(t *testing.T) {
	dir := t.TempDir()
	journal := filepath.Join(dir, "ledger.journal")
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{nil, "Usage: wijkwerken ledger COMMAND"},
		{[]string{"frob", journal}, `unknown ledger command "frob"`},
		{[]string{"purchase", journal, "--user", "an"}, "--date is required"},
		{[]string{"purchase", journal, "--user", "an", "--date", "2024-13-01", "--count", "1", "--price", "7.45"}, "--date: invalid date"},
		{[]string{"purchase", journal, "--user", "an", "--date", "2024-01-01", "--count", "1", "--price", "lots"}, `--price "lots": not a number`},
		{[]string{"purchase", "--user", "an", "--date", "2024-01-01", "--count", "1", "--price", "7.45"}, "give one store"},
		{[]string{"purchase", journal, journal + "2", "--user", "an"}, "give one store"},
		{[]string{"balance", filepath.Join(dir, "missing.journal"), "--user", "an", "--date", "2024-01-01"}, "no such file or directory"},
		{[]string{"balance", "--sql", "sqlite:" + filepath.Join(dir, "empty.db"), "--user", "an", "--date", "2024-01-01"},
			"no ledger schema (SQL logic error: no such table: wijkwerken_ledger_schema (1)): make it with\n  wijkwerken ledger migrate --sql sqlite:" + filepath.Join(dir, "empty.db")},
		{[]string{"migrate"}, "give the database with --sql"},
		{[]string{"verify", "--sql", "mysql:x"}, `--sql "mysql:x": want sqlite:PATH or postgres://`},
		{[]string{"backup", "--sql", "postgres://an:secret@localhost/db", "x.db"}, "backup of --sql postgres://an:xxxxx@localhost/db: use the database's own backup"},
		{[]string{"pay", journal, "--worker", "wim", "--month", "2024-1"}, `month "2024-1": want YYYY-MM`},
	} {
		if len(tc.args) > 0 && tc.args[0] == "pay" {
			require.Equal(t, 0, first(runCLI(t, "ledger", "purchase", journal, "--user", "an", "--date", "2024-01-01", "--count", "1", "--price", "7.45")))
		}
		code, _, errs := runCLI(t, append([]string{"ledger"}, tc.args...)...)
		assert.Equal(t, 2, code, "%v: %s", tc.args, errs)
		assert.Contains(t, errs, tc.msg, "%v", tc.args)
	}
}

func first(code int, _, _ string) int { return code }

// A second writer on a journal gets the lock error; verify says so too.
func TestLedgerCommandLockedJournal(t *testing.T) {
	journal := filepath.Join(t.TempDir(), "ledger.journal")
	s, err := store.OpenFile(journal)
	require.NoError(t, err)
	defer s.Close()
	for _, sub := range []string{"verify", "purchase"} {
		code, _, errs := runCLI(t, "ledger", sub, journal, "--user", "an", "--date", "2024-01-01", "--count", "1", "--price", "7.45")
		assert.Equal(t, 2, code)
		assert.Contains(t, errs, "is locked by process")
		assert.Contains(t, errs, "one writer at a time")
	}
}

// verify replays and reports: a torn last record (found, not cut: verify
// only reads), a journal damaged in the middle, a journal another rulebook
// wrote.
func TestLedgerVerify(t *testing.T) {
	dir := t.TempDir()
	journal := filepath.Join(dir, "ledger.journal")
	for _, args := range [][]string{
		{"purchase", "--user", "an", "--date", "2024-01-10", "--count", "10", "--price", "7.45"},
		{"redeem", "--user", "an", "--worker", "wim", "--date", "2024-01-12", "--minutes", "60"},
		{"redeem", "--user", "an", "--worker", "wim", "--date", "2024-01-13", "--minutes", "60"},
	} {
		code, out, errs := runCLI(t, append([]string{"ledger", args[0], journal}, args[1:]...)...)
		require.Equal(t, 0, code, out+errs)
	}
	data, err := os.ReadFile(journal)
	require.NoError(t, err)

	torn := filepath.Join(dir, "torn.journal")
	require.NoError(t, os.WriteFile(torn, data[:len(data)-10], 0o644))
	v := ledgerJSON(t, 0, "verify", torn)
	assert.Equal(t, true, v["ok"])
	assert.Equal(t, float64(2), v["records"])
	assert.Contains(t, v["torn"], "torn.journal:4: found (not cut: opened read-only) a torn last record")
	after, err := os.ReadFile(torn)
	require.NoError(t, err)
	assert.Equal(t, data[:len(data)-10], after, "verify changes nothing")

	damaged := filepath.Join(dir, "damaged.journal")
	require.NoError(t, os.WriteFile(damaged, []byte(strings.Replace(string(data), `"count":10`, `"count":11`, 1)), 0o644))
	v = ledgerJSON(t, 1, "verify", damaged)
	assert.Equal(t, false, v["ok"])
	assert.Contains(t, v["problems"].([]any)[0], "damaged.journal:2: journal damaged: checksum")

	// Written under a reform that pays 5.00 a cheque from 2024, read with
	// the reference (4.10): the first redemption differs.
	reform := filepath.Join(dir, "allowance.yaml")
	require.NoError(t, os.WriteFile(reform, []byte("reform: allowance 5.00\ncite: test\nset:\n  - param: vouchers.allowance_per_cheque\n    from: 2024-01-01\n    value: 5.00\n"), 0o644))
	other := filepath.Join(dir, "reform.journal")
	code, out, errs := runCLI(t, "ledger", "purchase", other, "--reform", reform, "--user", "an", "--date", "2024-01-10", "--count", "10", "--price", "7.45")
	require.Equal(t, 0, code, out+errs)
	code, out, errs = runCLI(t, "ledger", "redeem", other, "--reform", reform, "--user", "an", "--worker", "wim", "--date", "2024-01-12", "--minutes", "60")
	require.Equal(t, 0, code, out+errs)
	assert.Equal(t, true, ledgerJSON(t, 0, "verify", other, "--reform", reform)["ok"], "with its own rulebook it verifies")
	code, out, errs = runCLI(t, "ledger", "verify", other)
	assert.Equal(t, 1, code)
	assert.Contains(t, errs, "record 2 (redemption 2) does not replay: allowance: recorded 5, the rules give 4.1")
	assert.Contains(t, out, `"ok": false`)
}

// backup writes a new file that opens, never over an existing one.
func TestLedgerBackup(t *testing.T) {
	dir := t.TempDir()
	journal := filepath.Join(dir, "ledger.journal")
	db := "sqlite:" + filepath.Join(dir, "ledger.db")
	require.Equal(t, 0, first(runCLI(t, "ledger", "migrate", "--sql", db)))
	for _, st := range [][]string{{journal}, {"--sql", db}} {
		args := append([]string{"ledger", "purchase", "--user", "an", "--date", "2024-01-10", "--count", "10", "--price", "7.45"}, st...)
		require.Equal(t, 0, first(runCLI(t, args...)))
	}
	// A journal with a record being written: the copy ends before it.
	f, err := os.OpenFile(journal, os.O_APPEND|os.O_WRONLY, 0)
	require.NoError(t, err)
	_, err = f.WriteString(`{"seq":2,"purch`)
	require.NoError(t, err)
	f.Close()

	copyJournal := filepath.Join(dir, "copy.journal")
	v := ledgerJSON(t, 0, "backup", journal, copyJournal)
	assert.Equal(t, float64(1), v["records"])
	assert.Equal(t, true, ledgerJSON(t, 0, "verify", copyJournal)["ok"])
	code, _, errs := runCLI(t, "ledger", "backup", journal, copyJournal)
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "exists: a backup goes to a new file")
	code, _, errs = runCLI(t, "ledger", "backup", journal, journal)
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "exists")

	copyDB := filepath.Join(dir, "copy.db")
	ledgerJSON(t, 0, "backup", "--sql", db, copyDB)
	v = ledgerJSON(t, 0, "balance", "--sql", "sqlite:"+copyDB, "--user", "an", "--date", "2024-01-10")
	assert.Equal(t, float64(10), v["issued"])
}
