package vouchers_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/vouchers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// What the ledger cannot keep exact it refuses, with a *RefusedError, and
// changes nothing (issue: Redeem of math.MaxInt64 minutes made cheques from
// nothing; two purchases of math.MaxInt64 cheques made Issued -2).
func TestLedgerRefusesWhatItCannotKeepExact(t *testing.T) {
	l := engine(t).NewLedger()
	_, err := l.Purchase("an", d("2024-01-10"), 10, dec("7.45"))
	require.NoError(t, err)
	before := snapshot(t, l)
	long := strings.Repeat("x", vouchers.MaxNameBytes+1)
	for _, tc := range []struct {
		name string
		op   func() error
		code string
		msg  string
	}{
		{"math.MaxInt64 cheques", purchase(l, "an", "2024-01-10", math.MaxInt64, "7.45"), "out_of_range", "count 9223372036854775807: at most 1000000000000 cheques"},
		{"one more than a purchase may hold", purchase(l, "bo", "2024-01-10", vouchers.MaxCheques+1, "7.45"), "out_of_range", "at most 1000000000000"},
		{"a price of -1", purchase(l, "an", "2024-01-10", 5, "-1"), "invalid", "unit price -1 is negative"},
		{"a price of 35 digits", purchase(l, "an", "2024-01-10", 5, "7.4500000000000000000000000000000001"), "out_of_range", "unit price with 35 digits"},
		{"a price of 0", purchase(l, "an", "2024-01-10", 5, "0"), "price_below_minimum", "unit price 0"},
		{"a user name too long", purchase(l, long, "2024-01-10", 5, "7.45"), "out_of_range", "user name of 257 bytes: at most 256"},
		{"before wijk-werken", purchase(l, "an", "2017-12-31", 5, "7.45"), "not_in_force", "on 2017-12-31: no "},
		// A batch valid past 9999-12-31 would make the journal unreadable.
		{"an expiry past 9999-12-31", purchase(l, "an", "9999-12-31", 5, "7.45"), "out_of_range", "cheques issued on 9999-12-31 would be valid past 9999-12-31"},
		{"math.MaxInt64 minutes", redeem(l, vouchers.Work{User: "an", Worker: "wim", Date: d("2024-01-12"), Minutes: math.MaxInt64}), "out_of_range",
			"minutes 9223372036854775807: at most 527040, a year's minutes"},
		{"a year and a minute", redeem(l, vouchers.Work{User: "an", Worker: "wim", Date: d("2024-01-12"), Minutes: 366*24*60 + 1}), "out_of_range", "minutes 527041"},
		{"1e308 km", redeem(l, vouchers.Work{User: "an", Worker: "wim", Date: d("2024-01-12"), Minutes: 60, Km: dec("1e308")}), "out_of_range", "at most 100000"},
		{"a km of 5 000 digits", redeem(l, vouchers.Work{User: "an", Worker: "wim", Date: d("2024-01-12"), Minutes: 60, Km: dec("1." + strings.Repeat("1", 5000))}), "out_of_range", "km with 5001 digits"},
		{"a worker name too long", redeem(l, vouchers.Work{User: "an", Worker: long, Date: d("2024-01-12"), Minutes: 60}), "out_of_range", "worker name of 257 bytes"},
		{"a negative batch", redeem(l, vouchers.Work{User: "an", Worker: "wim", Date: d("2024-01-12"), Minutes: 60, Batch: -1}), "invalid", "batch -1"},
		{"work before wijk-werken", redeem(l, vouchers.Work{User: "an", Worker: "wim", Date: d("2017-06-01"), Minutes: 60}), "not_in_force", "on 2017-06-01"},
	} {
		err := tc.op()
		re := refused(t, err, tc.code)
		assert.Contains(t, re.Msg, tc.msg, tc.name)
		assert.Equal(t, before, snapshot(t, l), "%s: a refused operation changes nothing", tc.name)
	}
	// A refusal for a date before the rules keeps the rulebook's error.
	var nf *wk.NotInForceError
	require.ErrorAs(t, purchase(l, "an", "2017-12-31", 5, "7.45")(), &nf)
	assert.Equal(t, d("2017-12-31"), nf.Date)
}

func purchase(l *vouchers.Ledger, user, date string, count int, price string) func() error {
	return func() error { _, err := l.Purchase(user, d(date), count, dec(price)); return err }
}

func redeem(l *vouchers.Ledger, w vouchers.Work) func() error {
	return func() error { _, err := l.Redeem(w); return err }
}

// A user may hold MaxCheques cheques, not one more; every sum stays exact.
func TestLedgerUserHoldsAtMostMaxCheques(t *testing.T) {
	l := engine(t).NewLedger()
	_, err := l.Purchase("an", d("2024-01-10"), vouchers.MaxCheques-1, dec("7.45"))
	require.NoError(t, err)
	_, err = l.Purchase("an", d("2024-02-10"), 1, dec("7.45"))
	require.NoError(t, err)
	_, err = l.Purchase("an", d("2024-03-10"), 1, dec("7.45"))
	re := refused(t, err, "out_of_range")
	assert.Contains(t, re.Msg, "user an holds 1000000000000 cheques: 1 more would pass the 1000000000000 one user may hold")
	b := l.Balance("an", d("2024-03-10"))
	assert.Equal(t, vouchers.MaxCheques, b.Issued)
	assert.Equal(t, vouchers.MaxCheques, b.Available)
	assertDec(t, "7450000000000", b.Paid, "paid: 10^12 × 7.45")
	st := l.Statement("an", d("2024-12-31"))
	assert.Equal(t, vouchers.MaxCheques, st.Years[0].Cheques)
	// Another user is not bound by an's cheques.
	_, err = l.Purchase("bo", d("2024-03-10"), vouchers.MaxCheques, dec("7.45"))
	require.NoError(t, err)
}

// A ledger with dates near 9999-12-31 writes a journal that reads back.
func TestLedgerNearTheLastDate(t *testing.T) {
	e := engine(t)
	l := e.NewLedger()
	b, err := l.Purchase("an", d("9999-01-01"), 5, dec("7.45"))
	require.NoError(t, err)
	assert.Equal(t, "9999-12-31", b.Expires.String())
	_, err = l.Redeem(vouchers.Work{User: "an", Worker: "wim", Date: d("9999-12-31"), Minutes: 60})
	require.NoError(t, err)
	data := snapshot(t, l)
	again := e.NewLedger()
	require.NoError(t, json.Unmarshal([]byte(data), again))
	assert.Equal(t, data, snapshot(t, again))
	assert.Equal(t, 1, again.Balance("an", d("9999-12-31")).Redeemed)
}

// Reading a journal into a ledger that holds operations is an error, not a
// silent replacement; trailing data after the journal is refused.
func TestJournalIntoALedgerThatIsNotEmpty(t *testing.T) {
	e := engine(t)
	l := e.NewLedger()
	_, err := l.Purchase("an", d("2024-01-10"), 10, dec("7.45"))
	require.NoError(t, err)
	data := snapshot(t, l)

	other := e.NewLedger()
	_, err = other.Purchase("bo", d("2024-01-10"), 3, dec("7.45"))
	require.NoError(t, err)
	before := snapshot(t, other)
	err = json.Unmarshal([]byte(data), other)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "the ledger already holds operations")
	assert.Equal(t, before, snapshot(t, other), "unchanged")

	fresh := e.NewLedger()
	err = fresh.UnmarshalJSON([]byte(data + ` {"batches":[]}`))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "data after the journal")
	require.NoError(t, fresh.UnmarshalJSON([]byte(data)))
	assert.Error(t, fresh.UnmarshalJSON([]byte(data)), "a second read is into a ledger that is not empty")
}

// A journal that does not replay names the first operation that differs,
// with both results (a *ReplayError).
func TestJournalReplayErrorNamesBothResults(t *testing.T) {
	e := engine(t)
	data := twoOperations(t, e, "2024-01-10", "2024-01-12", 90)
	bad := strings.Replace(data, `"allowance":"8.2"`, `"allowance":"9"`, 1)
	require.NotEqual(t, data, bad)
	err := json.Unmarshal([]byte(bad), e.NewLedger())
	var re *vouchers.ReplayError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, int64(2), re.Recorded.Seq)
	assertDec(t, "9", re.Recorded.Redemption.Allowance, "recorded")
	assertDec(t, "8.2", re.Replayed.Redemption.Allowance, "replayed")
	assert.EqualError(t, err, "vouchers: journal: record 2 (redemption 2) does not replay: allowance: recorded 9, the rules give 8.2")

	// One the rules now refuse says why.
	bad = strings.Replace(data, `"count":10`, `"count":1`, 1)
	err = json.Unmarshal([]byte(bad), e.NewLedger())
	require.ErrorAs(t, err, &re)
	assert.Nil(t, re.Replayed)
	var refusal *vouchers.RefusedError
	require.ErrorAs(t, err, &refusal)
	assert.Equal(t, "insufficient_cheques", refusal.Code)
	assert.Contains(t, err.Error(), "record 2 (redemption 2) does not replay: recorded as accepted, the rules now refuse it")
}

// twoOperations is the journal of a ledger in which an bought 10 cheques
// and wim worked minutes for an.
func twoOperations(t *testing.T, e *vouchers.Engine, bought, worked string, minutes int) string {
	t.Helper()
	l := e.NewLedger()
	_, err := l.Purchase("an", d(bought), 10, dec("7.45"))
	require.NoError(t, err)
	_, err = l.Redeem(vouchers.Work{User: "an", Worker: "wim", Date: d(worked), Minutes: minutes})
	require.NoError(t, err)
	return snapshot(t, l)
}
