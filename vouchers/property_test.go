package vouchers_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/vouchers"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/require"
)

// propertySequences is how many random operation sequences the property
// test drives through a fresh ledger.
const propertySequences = 10_000

// model is what the test itself remembers of the operations the ledger
// accepted, independently of the ledger's own bookkeeping.
type model struct {
	batches     map[int]vouchers.Batch
	redemptions []vouchers.Redemption
}

// limits are the figures the test checks against, read from the rulebook.
type limits struct {
	monthMax, yearMax, unit, perHour int
	perCheque                        decimal.Decimal
}

func readLimits(t testing.TB, date wk.Date) limits {
	rb, _ := wk.Reference()
	get := func(id string) wk.Value {
		v, err := rb.Param(id, date)
		require.NoError(t, err)
		return v
	}
	return limits{get("hours.per_month_max").Int(), get("hours.per_year_max").Int(), get("hours.counting_unit_minutes").Int(),
		get("vouchers.cheques_per_hour").Int(), get("vouchers.allowance_per_cheque").Decimal()}
}

// TestLedgerProperties drives the ledger with random sequences of
// purchases and redemptions (valid and invalid, in and out of date order,
// across the COVID windows) and checks after every step that:
//   - a refused operation leaves the ledger exactly as it was;
//   - on every date that matters, for every user,
//     issued = redeemed + expired + available, each part at least 0, and
//     paid = Σ count × price of the batches issued by then;
//   - redeemed matches the redemptions the test saw accepted;
//   - no batch gives more cheques than it has, none is used outside its
//     validity, and a redemption only takes a later-expiring batch when the
//     earlier-expiring ones valid on its date were used up;
//   - no worker exceeds the month's or the year's hours;
//   - each redemption costs one cheque per started hour and pays the
//     allowance per cheque.
func TestLedgerProperties(t *testing.T) {
	e := engine(t)
	lim := readLimits(t, d("2020-01-01"))
	rng := rand.New(rand.NewPCG(20260523, 7))
	users := []string{"an", "bo"}
	workers := []string{"wim", "zoe"}
	// Mostly in the band; 5.90 and 7.46 are refused.
	prices := []string{"5.90", "5.95", "6.50", "7.45", "7.45", "7.45", "7.46"}
	start := d("2018-11-01")
	var accepted, refusedOps int
	codes := map[string]int{}
	for seq := 0; seq < propertySequences; seq++ {
		l := e.NewLedger()
		m := &model{batches: map[int]vouchers.Batch{}}
		steps := 4 + rng.IntN(12)
		for step := 0; step < steps; step++ {
			before := state(l)
			var err error
			var op string
			if step == 0 || rng.IntN(5) < 2 {
				user := users[rng.IntN(len(users))]
				date := start.AddDays(rng.IntN(3 * 365))
				count := rng.IntN(80) + 1
				if rng.IntN(10) == 0 {
					count = -rng.IntN(3) // refused: at least one cheque
				}
				price := dec(prices[rng.IntN(len(prices))])
				op = fmt.Sprintf("purchase(%s, %s, %d, %s)", user, date, count, price)
				var b vouchers.Batch
				b, err = l.Purchase(user, date, count, price)
				if err == nil {
					m.batches[b.ID] = b
				}
			} else {
				w := vouchers.Work{User: users[rng.IntN(len(users))], Worker: workers[rng.IntN(len(workers))],
					Date: start.AddDays(rng.IntN(3 * 365)), Minutes: rng.IntN(5*60) + 1,
					Km: decimal.New(int64(rng.IntN(300)), -1)}
				if rng.IntN(8) == 0 {
					w.Minutes = rng.IntN(62*60) + 1 // up to the month's limit and over
				}
				// Mostly near a batch of the user, sometimes past its end.
				if ids := userBatches(m, w.User); len(ids) > 0 && rng.IntN(4) > 0 {
					b := m.batches[ids[rng.IntN(len(ids))]]
					w.Date = b.Date.AddDays(rng.IntN(480) - 10)
					if rng.IntN(5) == 0 {
						w.Batch = b.ID
					}
				} else if rng.IntN(10) == 0 {
					w.Batch = rng.IntN(len(m.batches)+2) + 1
				}
				op = fmt.Sprintf("redeem(%+v)", w)
				free := freeCheques(m)
				var r vouchers.Redemption
				r, err = l.Redeem(w)
				if err == nil {
					checkRedemption(t, m, free, r, lim, op)
					m.redemptions = append(m.redemptions, r)
				}
			}
			if err != nil {
				refusedOps++
				var re *vouchers.RefusedError
				require.ErrorAs(t, err, &re, "sequence %d step %d %s: %v", seq, step, op, err)
				codes[re.Op+" "+re.Code]++
				if !reflect.DeepEqual(before, state(l)) {
					t.Fatalf("sequence %d step %d: refused %s changed the ledger", seq, step, op)
				}
			} else {
				accepted++
			}
			checkInvariants(t, l, m, users, fmt.Sprintf("sequence %d step %d after %s", seq, step, op))
		}
		checkWorkerHours(t, m, lim, seq)
	}
	t.Logf("%d sequences: %d operations accepted, %d refused %v", propertySequences, accepted, refusedOps, codes)
	require.Greater(t, accepted, propertySequences, "the sequences must exercise accepted operations")
	require.Greater(t, refusedOps, propertySequences/2, "the sequences must exercise refusals")
}

// ledgerState is everything a ledger holds, for comparison.
type ledgerState struct {
	batches     []vouchers.Batch
	redemptions []vouchers.Redemption
}

func state(l *vouchers.Ledger) ledgerState { return ledgerState{l.Batches(), l.Redemptions()} }

// userBatches lists the ids of user's batches, in order.
func userBatches(m *model, user string) []int {
	var ids []int
	for id, b := range m.batches {
		if b.User == user {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// freeCheques is how many cheques each batch still has, over all dates.
func freeCheques(m *model) map[int]int {
	free := map[int]int{}
	for id, b := range m.batches {
		free[id] = b.Count
	}
	for _, r := range m.redemptions {
		for _, a := range r.Allocations {
			free[a.Batch] -= a.Count
		}
	}
	return free
}

func checkRedemption(t *testing.T, m *model, free map[int]int, r vouchers.Redemption, lim limits, op string) {
	t.Helper()
	hours := (r.Minutes + lim.unit - 1) / lim.unit
	require.Equal(t, hours, r.Hours, op)
	require.Equal(t, hours*lim.perHour, r.Cheques, op)
	require.True(t, lim.perCheque.Mul(decimal.NewFromInt(int64(r.Cheques))).Equal(r.Allowance), "%s: allowance %s", op, r.Allowance)
	total := 0
	var latest wk.Date
	used := map[int]bool{}
	for _, a := range r.Allocations {
		b, ok := m.batches[a.Batch]
		require.True(t, ok, "%s: unknown batch %d", op, a.Batch)
		require.Equal(t, r.User, b.User, op)
		require.True(t, a.Count > 0 && a.Count <= free[a.Batch], "%s: batch %d gives %d of %d free", op, a.Batch, a.Count, free[a.Batch])
		require.False(t, r.Date.Before(b.Date) || r.Date.After(b.Expires), "%s: batch %d not valid on %s", op, a.Batch, r.Date)
		if b.Expires.After(latest) {
			latest = b.Expires
		}
		used[a.Batch] = true
		total += a.Count
	}
	require.Equal(t, r.Cheques, total, op)
	if r.Batch != 0 {
		require.Equal(t, []vouchers.Allocation{{Batch: r.Batch, Count: r.Cheques}}, r.Allocations, op)
		return
	}
	// Oldest expiry first: a batch valid on the date that expires before the
	// latest one used must have been used up (or used by this redemption).
	for id, b := range m.batches {
		if b.User != r.User || used[id] || r.Date.Before(b.Date) || r.Date.After(b.Expires) {
			continue
		}
		require.False(t, b.Expires.Before(latest) && free[id] > 0, "%s: batch %d (expires %s, %d free) skipped for one expiring %s", op, id, b.Expires, free[id], latest)
	}
}

func checkInvariants(t *testing.T, l *vouchers.Ledger, m *model, users []string, where string) {
	// Plain checks, not require: this runs millions of times.
	var dates []wk.Date
	for _, b := range m.batches {
		dates = append(dates, b.Date.AddDays(-1), b.Date, b.Expires, b.Expires.AddDays(1))
	}
	for _, r := range m.redemptions {
		dates = append(dates, r.Date)
	}
	for _, u := range users {
		for _, date := range dates {
			bal := l.Balance(u, date)
			if bal.Issued < 0 || bal.Redeemed < 0 || bal.Expired < 0 || bal.Available < 0 ||
				bal.Issued != bal.Redeemed+bal.Expired+bal.Available {
				t.Fatalf("%s: %s on %s: issued != redeemed + expired + available: %+v", where, u, date, bal)
			}
			paid, issued := decimal.Zero, 0
			for _, b := range m.batches {
				if b.User == u && !b.Date.After(date) {
					paid = paid.Add(b.Amount())
					issued += b.Count
				}
			}
			if issued != bal.Issued || !paid.Equal(bal.Paid) {
				t.Fatalf("%s: %s on %s: %d cheques for %s bought, the ledger says %+v", where, u, date, issued, paid, bal)
			}
			redeemed := 0
			for _, r := range m.redemptions {
				if r.User == u && !r.Date.After(date) {
					redeemed += r.Cheques
				}
			}
			if redeemed != bal.Redeemed {
				t.Fatalf("%s: %s on %s: %d cheques redeemed, the ledger says %+v", where, u, date, redeemed, bal)
			}
		}
	}
}

func checkWorkerHours(t *testing.T, m *model, lim limits, seq int) {
	t.Helper()
	month := map[string]int{}
	year := map[string]int{}
	for _, r := range m.redemptions {
		month[r.Worker+" "+r.Date.MonthKey()] += r.Hours
		year[fmt.Sprint(r.Worker, " ", r.Date.Year())] += r.Hours
	}
	for k, h := range month {
		require.LessOrEqual(t, h, lim.monthMax, "sequence %d: %s", seq, k)
	}
	for k, h := range year {
		require.LessOrEqual(t, h, lim.yearMax, "sequence %d: %s", seq, k)
	}
}

// The journal of a random ledger reads back into the same ledger.
func TestLedgerJournalProperty(t *testing.T) {
	e := engine(t)
	rng := rand.New(rand.NewPCG(3, 14))
	for seq := 0; seq < 200; seq++ {
		l := e.NewLedger()
		for step := 0; step < 20; step++ {
			if rng.IntN(2) == 0 {
				_, _ = l.Purchase("u", d("2019-01-01").AddDays(rng.IntN(900)), rng.IntN(20)+1, dec("7.45"))
			} else {
				_, _ = l.Redeem(vouchers.Work{User: "u", Worker: "w", Date: d("2019-01-01").AddDays(rng.IntN(900)), Minutes: rng.IntN(300) + 1})
			}
		}
		data, err := json.Marshal(l)
		require.NoError(t, err)
		l2 := e.NewLedger()
		require.NoError(t, json.Unmarshal(data, l2), "sequence %d", seq)
		data2, err := json.Marshal(l2)
		require.NoError(t, err)
		require.JSONEq(t, string(data), string(data2))
	}
}
