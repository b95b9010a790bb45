package vouchers_test

import (
	"encoding/json"
	"testing"
)

// FuzzLedgerJournal reads arbitrary journals: an error or a ledger whose
// journal reads back the same, never a panic.
func FuzzLedgerJournal(f *testing.F) {
	e := engine(f)
	f.Add(`{"batches":[],"redemptions":[]}`)
	f.Add(`{"batches":[{"id":1,"user":"an","date":"2019-04-01","count":10,"unit_price":"7.45","expires":"2020-06-30"}],"redemptions":[{"id":2,"user":"an","worker":"w","date":"2019-05-01","minutes":61,"km":"2","hours":2,"cheques":2,"allocations":[{"batch":1,"count":2}],"allowance":"8.2","travel":"0.3"}]}`)
	f.Add(`{"batches":[{"id":1,"user":"an","date":"2017-04-01","count":-1,"unit_price":"x"}]}`)
	f.Add(`{"redemptions":[{"id":1,"batch":99}]}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, data string) {
		l := e.NewLedger()
		if err := json.Unmarshal([]byte(data), l); err != nil {
			return
		}
		out, err := json.Marshal(l)
		if err != nil {
			t.Fatal(err)
		}
		again := e.NewLedger()
		if err := json.Unmarshal(out, again); err != nil {
			t.Fatalf("a journal the ledger wrote does not read back: %v\n%s", err, out)
		}
	})
}
