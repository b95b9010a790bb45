package vouchers_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/vouchers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func refused(t *testing.T, err error, code string) *vouchers.RefusedError {
	t.Helper()
	var re *vouchers.RefusedError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, code, re.Code, "%v", err)
	return re
}

func snapshot(t *testing.T, l *vouchers.Ledger) string {
	t.Helper()
	b, err := json.Marshal(l)
	require.NoError(t, err)
	return string(b)
}

func TestPurchase(t *testing.T) {
	l := engine(t).NewLedger()
	b, err := l.Purchase("an", d("2019-04-01"), 20, dec("7.45"))
	require.NoError(t, err)
	assert.Equal(t, 1, b.ID)
	assert.Equal(t, "2020-06-30", b.Expires.String(), "the 2020 extension applies to the batch")
	assertDec(t, "149", b.Amount(), "amount")

	before := snapshot(t, l)
	for _, tc := range []struct {
		name, user, date, price string
		count                   int
		code                    string
	}{
		{"zero cheques", "an", "2019-05-01", "7.45", 0, "invalid"},
		{"negative count", "an", "2019-05-01", "7.45", -5, "invalid"},
		{"no user", "", "2019-05-01", "7.45", 5, "invalid"},
		{"price below the band", "an", "2019-05-01", "5.90", 5, "price_below_minimum"},
		{"price above the band", "an", "2019-05-01", "7.50", 5, "price_above_maximum"},
	} {
		_, err := l.Purchase(tc.user, d(tc.date), tc.count, dec(tc.price))
		refused(t, err, tc.code)
		assert.Equal(t, before, snapshot(t, l), "%s: a refused purchase changes nothing", tc.name)
	}
	_, err = l.Purchase("an", d("2017-06-01"), 5, dec("7.45"))
	var nf *wk.NotInForceError
	require.ErrorAs(t, err, &nf, "before wijk-werken")
	assert.Equal(t, before, snapshot(t, l))
}

func TestRedeemOldestExpiryFirst(t *testing.T) {
	l := engine(t).NewLedger()
	// Bought later but expiring first: the 2020 extension does not apply
	// to the batch of 2019-03-01 (ordinary last day 2020-02-29), it does
	// to 2019-04-01 (2020-06-30).
	late, err := l.Purchase("an", d("2019-04-01"), 10, dec("7.45"))
	require.NoError(t, err)
	early, err := l.Purchase("an", d("2019-03-01"), 3, dec("7.45"))
	require.NoError(t, err)
	require.True(t, early.Expires.Before(late.Expires))

	r, err := l.Redeem(vouchers.Work{User: "an", Worker: "wim", Date: d("2019-06-10"), Minutes: 250, Km: dec("16")})
	require.NoError(t, err)
	assert.Equal(t, 5, r.Hours)
	assert.Equal(t, 5, r.Cheques)
	assert.Equal(t, []vouchers.Allocation{{Batch: early.ID, Count: 3}, {Batch: late.ID, Count: 2}}, r.Allocations)
	assertDec(t, "20.50", r.Allowance, "allowance")
	assertDec(t, "2.40", r.Travel, "travel") // 16 km round trip × 0.15

	bal := l.Balance("an", d("2019-06-10"))
	assert.Equal(t, vouchers.Balance{User: "an", Date: d("2019-06-10"), Issued: 13, Redeemed: 5, Expired: 0, Available: 8, Paid: bal.Paid}, bal)
	assertDec(t, "96.85", bal.Paid, "paid")

	// The day before the work nothing was redeemed yet.
	assert.Equal(t, 0, l.Balance("an", d("2019-06-09")).Redeemed)
	// Before the second purchase only the first batch existed.
	assert.Equal(t, 3, l.Balance("an", d("2019-03-15")).Issued)
	// After 2020-06-30 the 8 left have expired.
	after := l.Balance("an", d("2020-07-01"))
	assert.Equal(t, 8, after.Expired)
	assert.Equal(t, 0, after.Available)
}

func TestRedeemRefusals(t *testing.T) {
	l := engine(t).NewLedger()
	b1, err := l.Purchase("an", d("2023-01-15"), 4, dec("7.45")) // valid to 2024-01-14
	require.NoError(t, err)
	b2, err := l.Purchase("an", d("2023-06-01"), 70, dec("7.45"))
	require.NoError(t, err)
	_, err = l.Purchase("bo", d("2023-01-01"), 2, dec("7.45"))
	require.NoError(t, err)
	before := snapshot(t, l)

	for _, tc := range []struct {
		name string
		w    vouchers.Work
		code string
	}{
		{"no worker", vouchers.Work{User: "an", Date: d("2023-07-01"), Minutes: 60}, "invalid"},
		{"no minutes", vouchers.Work{User: "an", Worker: "wim", Date: d("2023-07-01")}, "invalid"},
		{"negative km", vouchers.Work{User: "an", Worker: "wim", Date: d("2023-07-01"), Minutes: 60, Km: dec("-2")}, "invalid"},
		{"more than the user has", vouchers.Work{User: "bo", Worker: "wim", Date: d("2023-07-01"), Minutes: 181}, "insufficient_cheques"},
		{"before any purchase", vouchers.Work{User: "an", Worker: "wim", Date: d("2023-01-14"), Minutes: 60}, "insufficient_cheques"},
		{"a named batch not yet issued", vouchers.Work{User: "an", Worker: "wim", Date: d("2023-05-31"), Minutes: 60, Batch: b2.ID}, "cheque_not_yet_issued"},
		{"a named batch expired", vouchers.Work{User: "an", Worker: "wim", Date: d("2024-01-15"), Minutes: 60, Batch: b1.ID}, "cheque_expired"},
		{"another user's batch", vouchers.Work{User: "bo", Worker: "wim", Date: d("2023-07-01"), Minutes: 60, Batch: b1.ID}, "unknown_batch"},
		{"more than the month allows", vouchers.Work{User: "an", Worker: "wim", Date: d("2023-07-01"), Minutes: 61 * 60}, "month_limit"},
	} {
		_, err := l.Redeem(tc.w)
		refused(t, err, tc.code)
		assert.Equal(t, before, snapshot(t, l), "%s: a refused redemption changes nothing", tc.name)
	}

	// The month limit counts the worker's earlier redemptions.
	_, err = l.Redeem(vouchers.Work{User: "an", Worker: "wim", Date: d("2023-07-03"), Minutes: 59 * 60})
	require.NoError(t, err)
	_, err = l.Redeem(vouchers.Work{User: "an", Worker: "wim", Date: d("2023-07-28"), Minutes: 61})
	re := refused(t, err, "month_limit")
	assert.Equal(t, []string{"month_limit"}, wk.Codes(re.Reasons))
	// Another worker is not bound by wim's hours.
	_, err = l.Redeem(vouchers.Work{User: "an", Worker: "zoe", Date: d("2023-07-28"), Minutes: 61})
	require.NoError(t, err)
	// Cheques promised to a later redemption are not available to an
	// earlier one: 4 + 70 bought, 59 + 2 used, 13 left.
	_, err = l.Redeem(vouchers.Work{User: "an", Worker: "zoe", Date: d("2023-06-15"), Minutes: 14 * 60})
	refused(t, err, "insufficient_cheques")
	_, err = l.Redeem(vouchers.Work{User: "an", Worker: "zoe", Date: d("2023-06-15"), Minutes: 13 * 60})
	require.NoError(t, err)
	assert.Equal(t, 0, l.Balance("an", d("2023-12-31")).Available)
}

func TestStatementsAndPay(t *testing.T) {
	l := engine(t).NewLedger()
	_, err := l.Purchase("an", d("2023-12-20"), 10, dec("7.45"))
	require.NoError(t, err)
	_, err = l.Purchase("an", d("2024-01-10"), 10, dec("7.45"))
	require.NoError(t, err)
	_, err = l.Redeem(vouchers.Work{User: "an", Worker: "wim", Date: d("2024-01-12"), Minutes: 90, Km: dec("12")})
	require.NoError(t, err)
	_, err = l.Redeem(vouchers.Work{User: "an", Worker: "wim", Date: d("2024-01-30"), Minutes: 60, Km: dec("12")})
	require.NoError(t, err)
	_, err = l.Redeem(vouchers.Work{User: "an", Worker: "wim", Date: d("2024-02-01"), Minutes: 60})
	require.NoError(t, err)

	st := l.Statement("an", d("2024-01-31"))
	assert.Equal(t, 20, st.Balance.Issued)
	assert.Equal(t, 3, st.Balance.Redeemed)
	assert.Len(t, st.Redemptions, 2)
	require.Len(t, st.Years, 2)
	assert.Equal(t, 2023, st.Years[0].Year)
	assertDec(t, "74.50", st.Years[0].Paid, "2023")
	assertDec(t, "74.50", st.Years[1].Paid, "2024")
	require.Len(t, st.Batches, 2)
	assert.Equal(t, 3, st.Batches[0].Redeemed, "the older batch first")

	ps, err := l.PayStatement("wim", "2024-01")
	require.NoError(t, err)
	assert.Equal(t, 3, ps.Hours)
	assert.Equal(t, 3, ps.Cheques)
	assertDec(t, "12.30", ps.Allowance, "allowance")
	assertDec(t, "3.60", ps.Travel, "travel") // 2 × 12 km × 0.15 (above the 10 km round trip)
	assertDec(t, "15.90", ps.Total, "total")
	assert.Len(t, ps.Lines, 2)

	_, err = l.PayStatement("wim", "2024-1")
	assert.Error(t, err)
	empty, err := l.PayStatement("nobody", "2024-01")
	require.NoError(t, err)
	assert.True(t, empty.Total.IsZero())
	assert.Equal(t, []string{"an"}, l.Users())
}

func TestJournalRoundTrip(t *testing.T) {
	e := engine(t)
	l := e.NewLedger()
	_, err := l.Purchase("an", d("2019-04-01"), 10, dec("7.45"))
	require.NoError(t, err)
	_, err = l.Purchase("bo", d("2019-05-01"), 5, dec("5.95"))
	require.NoError(t, err)
	_, err = l.Redeem(vouchers.Work{User: "an", Worker: "wim", Date: d("2020-06-01"), Minutes: 130, Km: dec("2.5")})
	require.NoError(t, err)
	_, err = l.Redeem(vouchers.Work{User: "bo", Worker: "wim", Date: d("2019-05-02"), Minutes: 30, Batch: 2})
	require.NoError(t, err)
	data := snapshot(t, l)

	l2 := e.NewLedger()
	require.NoError(t, json.Unmarshal([]byte(data), l2))
	assert.Equal(t, data, snapshot(t, l2))
	assert.Equal(t, l.Statement("an", d("2020-12-31")), l2.Statement("an", d("2020-12-31")))

	// A tampered journal is refused and leaves the ledger empty.
	for name, bad := range map[string]string{
		"allowance changed": strings.Replace(data, `"allowance":"12.3"`, `"allowance":"99"`, 1),
		"expiry changed":    strings.Replace(data, `"expires":"2020-06-30"`, `"expires":"2021-06-30"`, 1),
		"price out of band": strings.Replace(data, `"unit_price":"5.95"`, `"unit_price":"5"`, 1),
		"unknown field":     strings.Replace(data, `"user":"an"`, `"usr":"an"`, 1),
		"ids not ordered":   strings.Replace(data, `"id":2,`, `"id":1,`, 1),
	} {
		require.NotEqual(t, data, bad, name)
		l3 := e.NewLedger()
		err := json.Unmarshal([]byte(bad), l3)
		assert.Error(t, err, name)
		assert.Equal(t, `{"batches":[],"redemptions":[]}`, snapshot(t, l3), name)
	}

	var zero vouchers.Ledger
	assert.Error(t, json.Unmarshal([]byte(data), &zero), "a ledger needs an engine")
}

// Every type a vendor stores reads back from its JSON.
func TestJSONRoundTrips(t *testing.T) {
	e := engine(t)
	l := e.NewLedger()
	_, err := l.Purchase("an", d("2024-01-10"), 10, dec("7.45"))
	require.NoError(t, err)
	_, err = l.Redeem(vouchers.Work{User: "an", Worker: "wim", Date: d("2024-01-12"), Minutes: 90, Km: dec("3.3")})
	require.NoError(t, err)
	_, err = l.Redeem(vouchers.Work{User: "an", Worker: "wim", Date: d("2024-01-13"), Minutes: 12 * 60})
	var re *vouchers.RefusedError
	require.ErrorAs(t, err, &re)
	ps, err := l.PayStatement("wim", "2024-01")
	require.NoError(t, err)
	p := dec("7.45")
	dcs, err := e.Decide(d("2024-01-12"), &dossier.Case{
		Request:   &dossier.Request{Date: d("2024-01-12"), Minutes: 90},
		Organiser: &dossier.Organiser{ChequePrice: &p},
		Cheque:    &dossier.Cheque{Issued: d("2024-01-10")},
		Purchase:  &dossier.Purchase{Date: d("2024-01-10"), Count: 10, UnitPrice: p, Buyer: "natural_person"},
	})
	require.NoError(t, err)
	for name, v := range map[string]any{
		"statement":     l.Statement("an", d("2024-12-31")),
		"balance":       l.Balance("an", d("2024-12-31")),
		"pay statement": ps,
		"refusal":       *re,
		"decision":      *dcs,
	} {
		data, err := json.Marshal(v)
		require.NoError(t, err, name)
		back := reflect.New(reflect.TypeOf(v))
		require.NoError(t, json.Unmarshal(data, back.Interface()), name)
		again, err := json.Marshal(back.Elem().Interface())
		require.NoError(t, err, name)
		assert.JSONEq(t, string(data), string(again), name)
	}
}
