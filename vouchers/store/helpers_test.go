package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/vouchers"
	"github.com/openwijkwerken/wijkwerken/vouchers/store"
	"github.com/openwijkwerken/wijkwerken/vouchers/store/sqlite"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

func engine(t testing.TB) *vouchers.Engine {
	t.Helper()
	e, err := newEngine()
	require.NoError(t, err)
	return e
}

func newEngine() (*vouchers.Engine, error) {
	rb, err := wk.Reference()
	if err != nil {
		return nil, err
	}
	return vouchers.New(rb)
}

func d(s string) wk.Date           { return wk.MustParseDate(s) }
func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

var ctx = context.Background()

// openFile opens a ledger on the journal file at path.
func openFile(t testing.TB, e *vouchers.Engine, path string) (*vouchers.Ledger, *store.File) {
	t.Helper()
	s, err := store.OpenFile(path)
	require.NoError(t, err)
	l, err := e.OpenLedger(ctx, s)
	require.NoError(t, err)
	return l, s
}

// sqliteStore opens the ledger "test" of an SQLite database in a new
// temporary directory, migrated.
func sqliteStore(t testing.TB) (path string) {
	t.Helper()
	path = filepath.Join(t.TempDir(), "ledger.db")
	db, err := sqlite.Open(ctx, path)
	require.NoError(t, err)
	defer db.Close()
	require.NoError(t, store.Migrate(ctx, db))
	return path
}

// records reads every record of a store.
func records(t testing.TB, s vouchers.Store) []vouchers.Record {
	t.Helper()
	var out []vouchers.Record
	require.NoError(t, s.Records(ctx, 0, func(r vouchers.Record) error { out = append(out, r); return nil }))
	return out
}

// someOperations runs a fixed mix of operations, accepted and refused, and
// returns the accepted ones as records.
func someOperations(t testing.TB, l *vouchers.Ledger) []vouchers.Record {
	t.Helper()
	var recs []vouchers.Record
	add := func(r vouchers.Record) { r.Seq = int64(len(recs) + 1); recs = append(recs, r) }
	b, err := l.Purchase("an", d("2019-04-01"), 10, dec("7.45"))
	require.NoError(t, err)
	add(vouchers.Record{Purchase: &b})
	_, err = l.Purchase("an", d("2019-04-01"), 10, dec("5.00"))
	require.Error(t, err, "below the band")
	b2, err := l.Purchase("bo", d("2023-05-01"), 5, dec("5.95"))
	require.NoError(t, err)
	add(vouchers.Record{Purchase: &b2})
	r, err := l.Redeem(vouchers.Work{User: "an", Worker: "wim", Date: d("2020-06-01"), Minutes: 130, Km: dec("12.5")})
	require.NoError(t, err)
	add(vouchers.Record{Redemption: &r})
	_, err = l.Redeem(vouchers.Work{User: "bo", Worker: "wim", Date: d("2023-05-02"), Minutes: 600})
	require.Error(t, err, "more than bo has")
	r2, err := l.Redeem(vouchers.Work{User: "bo", Worker: "zoe", Date: d("2023-05-02"), Minutes: 30, Batch: b2.ID})
	require.NoError(t, err)
	add(vouchers.Record{Redemption: &r2})
	return recs
}

// requireRecords checks that a store holds exactly want.
func requireRecords(t testing.TB, want []vouchers.Record, got []vouchers.Record) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		require.True(t, want[i].Equal(got[i]), "record %d: want %+v, got %+v", i+1, want[i], got[i])
	}
}

// checkInvariants checks, on dates that matter (a sample of at most
// maxDates when there are more), for every user of recs, what the ledger
// says against what the records say, worked out here from the records
// alone:
//
//	issued = redeemed + expired + available, each at least 0;
//	issued and paid = Σ count and Σ count × price of the batches by then;
//	redeemed = Σ cheques of the redemptions by then;
//	available = what the batches valid then still hold.
func checkInvariants(l *vouchers.Ledger, recs []vouchers.Record, rng *rand.Rand, maxDates int) error {
	users := map[string]bool{}
	var dates []wk.Date
	batches := map[int]vouchers.Batch{}
	for _, r := range recs {
		users[r.User()] = true
		if b := r.Purchase; b != nil {
			batches[b.ID] = *b
			dates = append(dates, b.Date.AddDays(-1), b.Date, b.Expires, b.Expires.AddDays(1))
		} else {
			dates = append(dates, r.Redemption.Date)
		}
	}
	slices.SortFunc(dates, func(a, b wk.Date) int { return a.Compare(b) })
	dates = slices.Compact(dates)
	if len(dates) > maxDates {
		rng.Shuffle(len(dates), func(i, j int) { dates[i], dates[j] = dates[j], dates[i] })
		dates = dates[:maxDates]
	}
	for u := range users {
		for _, date := range dates {
			bal := l.Balance(u, date)
			if bal.Issued < 0 || bal.Redeemed < 0 || bal.Expired < 0 || bal.Available < 0 ||
				bal.Issued != bal.Redeemed+bal.Expired+bal.Available {
				return fmt.Errorf("%s on %s: issued != redeemed + expired + available: %+v", u, date, bal)
			}
			issued, paid, redeemed, available := 0, decimal.Zero, 0, 0
			left := map[int]int{}
			for _, r := range recs {
				if b := r.Purchase; b != nil && b.User == u && !b.Date.After(date) {
					issued += b.Count
					paid = paid.Add(b.UnitPrice.Mul(decimal.NewFromInt(int64(b.Count))))
					left[b.ID] += b.Count
				}
			}
			for _, r := range recs {
				if x := r.Redemption; x != nil && x.User == u && !x.Date.After(date) {
					redeemed += x.Cheques
					for _, a := range x.Allocations {
						left[a.Batch] -= a.Count
					}
				}
			}
			for id, n := range left {
				if !date.After(batches[id].Expires) {
					available += n
				}
			}
			if issued != bal.Issued || !paid.Equal(bal.Paid) || redeemed != bal.Redeemed || available != bal.Available {
				return fmt.Errorf("%s on %s: the records give issued %d, paid %s, redeemed %d, available %d; the ledger %+v",
					u, date, issued, paid, redeemed, available, bal)
			}
		}
	}
	return nil
}

func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	require.NoError(t, os.WriteFile(path, data, 0o644))
}

// operation is the input of one random operation: a purchase or a
// redemption.
type operation struct {
	Purchase *purchase      `json:"purchase,omitempty"`
	Redeem   *vouchers.Work `json:"redeem,omitempty"`
}

type purchase struct {
	User  string          `json:"user"`
	Date  wk.Date         `json:"date"`
	Count int             `json:"count"`
	Price decimal.Decimal `json:"price"`
}

var (
	testUsers   = []string{"an", "bo", "cy", "di", "ed"}
	testWorkers = []string{"wim", "zoe", "ann"}
	// Mostly valid prices; 5.90 is refused, 6.50 is refused from 2026 on
	// (the steps of 0.50).
	testPrices = []string{"5.95", "6.45", "6.95", "7.45", "7.45", "5.90", "6.50"}
)

// randomOperation makes a random operation for l: a purchase in two of
// five, else a redemption, mostly on a date when one of the user's batches
// is valid.
func randomOperation(l *vouchers.Ledger, rng *rand.Rand) operation {
	user := testUsers[rng.IntN(len(testUsers))]
	start := d("2019-01-01")
	if rng.IntN(5) < 2 {
		return operation{Purchase: &purchase{User: user, Date: start.AddDays(rng.IntN(6 * 365)),
			Count: rng.IntN(40) + 1, Price: dec(testPrices[rng.IntN(len(testPrices))])}}
	}
	w := vouchers.Work{User: user, Worker: testWorkers[rng.IntN(len(testWorkers))],
		Date: start.AddDays(rng.IntN(6 * 365)), Minutes: rng.IntN(4*60) + 1, Km: decimal.New(int64(rng.IntN(300)), -1)}
	var mine []vouchers.Batch
	for _, b := range l.Batches() {
		if b.User == user {
			mine = append(mine, b)
		}
	}
	if len(mine) > 0 && rng.IntN(5) > 0 {
		b := mine[rng.IntN(len(mine))]
		w.Date = b.Date.AddDays(rng.IntN(400))
		if rng.IntN(6) == 0 {
			w.Batch = b.ID
		}
	}
	return operation{Redeem: &w}
}

// run runs the operation on l and returns its record (without Seq: the
// ledger's Stored says it).
func (o operation) run(l *vouchers.Ledger) (vouchers.Record, error) {
	if p := o.Purchase; p != nil {
		b, err := l.Purchase(p.User, p.Date, p.Count, p.Price)
		return vouchers.Record{Purchase: &b}, err
	}
	r, err := l.Redeem(*o.Redeem)
	return vouchers.Record{Redemption: &r}, err
}

// made reports whether rec is what the operation would record.
func (o operation) made(rec vouchers.Record) bool {
	if p := o.Purchase; p != nil {
		b := rec.Purchase
		return b != nil && b.User == p.User && b.Date == p.Date && b.Count == p.Count && b.UnitPrice.Equal(p.Price)
	}
	r, w := rec.Redemption, o.Redeem
	return r != nil && r.User == w.User && r.Worker == w.Worker && r.Date == w.Date && r.Minutes == w.Minutes &&
		r.Km.Equal(w.Km) && r.Batch == w.Batch
}
