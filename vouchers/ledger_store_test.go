package vouchers_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/openwijkwerken/wijkwerken/vouchers"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// memStore is a Store in memory whose Append can be made to fail, before or
// after it records.
type memStore struct {
	recs    []vouchers.Record
	appends int
	// failNext makes the next Append fail; recordAnyway makes it record
	// first (a commit whose answer was lost).
	failNext     error
	recordAnyway bool
	closed       bool
}

func (m *memStore) Records(ctx context.Context, after int64, fn func(vouchers.Record) error) error {
	for _, r := range m.recs {
		if r.Seq > after {
			if err := ctx.Err(); err != nil {
				return err
			}
			if err := fn(r); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *memStore) Append(_ context.Context, rec vouchers.Record) error {
	m.appends++
	if err := m.failNext; err != nil {
		m.failNext = nil
		if m.recordAnyway {
			m.recs = append(m.recs, clone(rec))
		}
		return err
	}
	if want := int64(len(m.recs) + 1); rec.Seq != want {
		return fmt.Errorf("record %d, want %d", rec.Seq, want)
	}
	m.recs = append(m.recs, clone(rec))
	return nil
}

func (m *memStore) Close() error { m.closed = true; return nil }

// clone copies a record through its JSON, as a real store keeps it.
func clone(rec vouchers.Record) vouchers.Record {
	data, err := json.Marshal(rec)
	if err != nil {
		panic(err)
	}
	var out vouchers.Record
	if err := json.Unmarshal(data, &out); err != nil {
		panic(err)
	}
	return out
}

func TestLedgerWritesAcceptedOperationsOnly(t *testing.T) {
	e := engine(t)
	m := &memStore{}
	l, err := e.OpenLedger(context.Background(), m)
	require.NoError(t, err)
	b, err := l.Purchase("an", d("2024-01-10"), 10, dec("7.45"))
	require.NoError(t, err)
	_, err = l.Purchase("an", d("2024-01-10"), 10, dec("5.00"))
	refused(t, err, "price_below_minimum")
	r, err := l.Redeem(vouchers.Work{User: "an", Worker: "wim", Date: d("2024-01-12"), Minutes: 90})
	require.NoError(t, err)
	_, err = l.Redeem(vouchers.Work{User: "an", Worker: "wim", Date: d("2024-01-12"), Minutes: 60 * 60})
	refused(t, err, "month_limit")
	assert.Equal(t, 2, m.appends, "a refused operation writes nothing")
	require.Len(t, m.recs, 2)
	assert.Equal(t, vouchers.Record{Seq: 1, Purchase: &b}.Kind(), m.recs[0].Kind())
	assert.True(t, vouchers.Record{Seq: 1, Purchase: &b}.Equal(m.recs[0]))
	assert.True(t, vouchers.Record{Seq: 2, Redemption: &r}.Equal(m.recs[1]))
	assert.Equal(t, int64(2), l.Stored())

	// Opening again replays the records into the same ledger.
	again, err := e.OpenLedger(context.Background(), m)
	require.NoError(t, err)
	assert.Equal(t, snapshot(t, l), snapshot(t, again))
	require.NoError(t, again.Close())
	assert.True(t, m.closed)

	_, err = e.OpenLedger(context.Background(), nil)
	assert.Error(t, err)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = e.OpenLedger(cancelled, m)
	assert.ErrorIs(t, err, context.Canceled)
}

// A store that fails leaves the ledger as it was and refuses every
// operation until Refresh has read what the store holds.
func TestLedgerAfterAStoreFailure(t *testing.T) {
	e := engine(t)
	for _, recorded := range []bool{false, true} {
		m := &memStore{}
		l, err := e.OpenLedger(context.Background(), m)
		require.NoError(t, err)
		_, err = l.Purchase("an", d("2024-01-10"), 10, dec("7.45"))
		require.NoError(t, err)
		before := snapshot(t, l)

		m.failNext, m.recordAnyway = errors.New("disk on fire"), recorded
		_, err = l.Purchase("an", d("2024-01-11"), 5, dec("7.45"))
		var se *vouchers.StoreError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, int64(2), se.Seq)
		assert.Contains(t, err.Error(), "disk on fire")
		assert.Contains(t, err.Error(), "whether it was recorded is known once the ledger reads its store again")
		assert.Equal(t, before, snapshot(t, l), "the ledger is as it was")
		_, err = l.Redeem(vouchers.Work{User: "an", Worker: "wim", Date: d("2024-01-12"), Minutes: 60})
		require.ErrorAs(t, err, &se, "every operation is refused until Refresh")
		assert.Equal(t, 2, m.appends, "and not even tried")

		require.NoError(t, l.Refresh(context.Background()))
		if recorded {
			assert.Len(t, l.Batches(), 2, "the store had recorded it: the ledger has it now")
		} else {
			assert.Len(t, l.Batches(), 1, "the store had not recorded it")
		}
		_, err = l.Redeem(vouchers.Work{User: "an", Worker: "wim", Date: d("2024-01-12"), Minutes: 60})
		require.NoError(t, err, "after Refresh the ledger takes operations again")
		again, err := e.OpenLedger(context.Background(), m)
		require.NoError(t, err)
		assert.Equal(t, snapshot(t, l), snapshot(t, again))
	}
}

// A journal read into a ledger on an empty store is recorded in the store:
// how a vendor moves a JSON journal to a store.
func TestJournalIntoAStore(t *testing.T) {
	e := engine(t)
	data := twoOperations(t, e, "2019-04-01", "2020-06-01", 130)

	m := &memStore{}
	onStore, err := e.OpenLedger(context.Background(), m)
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal([]byte(data), onStore))
	assert.Len(t, m.recs, 2)
	assert.Equal(t, data, snapshot(t, onStore))
	again, err := e.OpenLedger(context.Background(), m)
	require.NoError(t, err)
	assert.Equal(t, data, snapshot(t, again))
	assert.Error(t, json.Unmarshal([]byte(data), again), "the store is not empty")
}
