// Package ledgerbench is the workload of the ledger's benchmarks, shared by
// the ledger in memory (vouchers) and on its stores (vouchers/store) so that
// their figures compare.
package ledgerbench

import (
	"fmt"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/vouchers"
	"github.com/shopspring/decimal"
)

// Run does b.N iterations of a purchase and a redemption on l, over 1 000
// users and workers, the date moving a day every dayEvery iterations, and
// reports operations per second.
//
// With dayEvery 1000 a user buys every day, and a redemption looks through
// the user's batches of the past year: the cost of an operation grows with
// b.N up to a year of purchases. With dayEvery 1 a user buys every 1 000
// days and an operation costs the same whatever b.N: figures taken with
// different b.N (the ledger in memory against one that syncs each operation
// to disk) compare.
func Run(b *testing.B, l *vouchers.Ledger, dayEvery int) {
	price := decimal.RequireFromString("7.45")
	start := wk.MustParseDate("2022-01-01")
	const people = 1000
	users := make([]string, people)
	workers := make([]string, people)
	for i := range users {
		users[i] = fmt.Sprint("user-", i)
		workers[i] = fmt.Sprint("worker-", i)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		date := start.AddDays(i / dayEvery)
		u := i % people
		if _, err := l.Purchase(users[u], date, 1, price); err != nil {
			b.Fatal(err)
		}
		if _, err := l.Redeem(vouchers.Work{User: users[u], Worker: workers[u], Date: date, Minutes: 45}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(2*b.N)/b.Elapsed().Seconds(), "ops/s")
}
