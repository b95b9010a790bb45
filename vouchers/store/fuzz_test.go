package store_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/openwijkwerken/wijkwerken/vouchers/store"
)

// FuzzOpenFile opens arbitrary bytes as a journal: an error, or a journal
// whose records replay or are refused, never a panic; a journal that opened
// (its torn last record cut) opens again the same, with nothing to cut.
func FuzzOpenFile(f *testing.F) {
	e := engine(f)
	dir := f.TempDir()
	l, _ := openFile(f, e, filepath.Join(dir, "seed.journal"))
	someOperations(f, l)
	l.Close()
	seed, err := os.ReadFile(filepath.Join(dir, "seed.journal"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add(seed[:len(seed)-7])
	f.Add(append(append([]byte(nil), seed...), 0, 0, 0))
	f.Add([]byte(`{"format":"wijkwerken ledger journal","version":1}` + "\n"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(t.TempDir(), "fuzz.journal")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := store.OpenFile(p)
		if err != nil {
			return
		}
		last := s.Last()
		if l, err := e.OpenLedger(ctx, s); err == nil {
			l.Close()
		} else {
			s.Close()
		}
		again, err := store.OpenFile(p)
		if err != nil {
			t.Fatalf("a journal that opened does not open again: %v", err)
		}
		defer again.Close()
		if again.Torn() != nil || again.Last() != last {
			t.Fatalf("opened again: torn %v, %d records, want none and %d", again.Torn(), again.Last(), last)
		}
	})
}
