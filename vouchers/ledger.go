package vouchers

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"
	"sync"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/shopspring/decimal"
)

// A Ledger keeps the wijk-werkcheques of an organiser's users and the pay
// of their workers. Users buy batches of cheques; a worker's hours on a date
// are paid by redeeming the user's cheques, those that expire first before
// the others; cheques left in a batch after its last valid day are expired.
//
// On every date, for every user:
//
//	issued = redeemed + expired + available
//	paid   = Σ count × unit price of the batches issued
//
// An operation that would break this, or the regulation (a price outside
// the band, more hours than the worker may do in the month or year, a
// cheque used before its issue or after its last day), is refused with a
// *RefusedError and leaves the ledger exactly as it was.
//
// The price band, the validity, the cheques per hour, the hour limits and
// the allowances come from the engine's rulebook, on the operation's date.
// The hour limits count the worker's hours in this ledger only.
//
// A Ledger is safe for concurrent use. NewLedger keeps it in memory only;
// OpenLedger keeps it on a Store, which every accepted operation reaches
// before it returns. Its JSON form is its journal: reading it back replays
// every operation through the rules and checks that each comes out the
// same.
type Ledger struct {
	e     *Engine
	mu    sync.RWMutex
	store Store
	// stored is the Seq of the last record the ledger wrote or read.
	stored int64
	// failed, once set, refuses every operation until the store is read
	// again (Refresh).
	failed      *StoreError
	seq         int
	batches     []Batch
	redemptions []Redemption
	used        map[int]int // batch id -> cheques allocated (on any date)
	// Indexes into batches and redemptions.
	batchAt     map[int]int               // batch id -> index
	userBatches map[string][]int          // user -> batch indexes
	userCheques map[string]int            // user -> cheques bought
	userRedeems map[string][]int          // user -> redemption indexes
	workerLines map[string][]int          // worker -> redemption indexes
	workerHours map[string]map[string]int // worker -> month -> hours
}

// NewLedger returns an empty ledger that decides with e.
func (e *Engine) NewLedger() *Ledger {
	return &Ledger{e: e, used: map[int]int{}, batchAt: map[int]int{}, userBatches: map[string][]int{}, userCheques: map[string]int{},
		userRedeems: map[string][]int{}, workerLines: map[string][]int{}, workerHours: map[string]map[string]int{}}
}

// Sanity bounds of the ledger. They are not regulation (the regulation sets
// no most cheques a user may buy, nor a longest assignment): they keep every
// count the ledger adds up exact in an int, and below 2^53 so that a JSON
// reader that uses float64 reads it exactly too, and every record small.
// An operation beyond them is refused with code out_of_range.
const (
	// MaxCheques is the most cheques one purchase may hold, and the most
	// one user may hold in a ledger over all purchases.
	MaxCheques = 1_000_000_000_000
	// MaxMinutes is the longest work one redemption may pay: the minutes
	// of a leap year (the yearly hour limit refuses far less).
	MaxMinutes = 366 * 24 * 60
	// MaxKm is the longest travel one redemption may pay: 100 000 km,
	// more than twice around the earth.
	MaxKm = 100_000
	// MaxDigits is the most digits a price or a distance may have.
	MaxDigits = 30
	// MaxNameBytes is the longest user or worker name, in bytes.
	MaxNameBytes = 256
	// maxID is the highest batch or redemption id: 2^53.
	maxID = 1 << 53
)

var maxKm = decimal.NewFromInt(MaxKm)

// Batch is a purchase of cheques by a user: issued on its date, valid to
// Expires.
type Batch struct {
	ID        int             `json:"id"`
	User      string          `json:"user"`
	Date      wk.Date         `json:"date"`
	Count     int             `json:"count"`
	UnitPrice decimal.Decimal `json:"unit_price"`
	// Expires is the batch's last valid day, COVID extensions included.
	Expires wk.Date `json:"expires"`
}

// Amount is what the batch cost: count × unit price.
func (b Batch) Amount() decimal.Decimal { return b.UnitPrice.Mul(decimal.NewFromInt(int64(b.Count))) }

// Work is a worker's assignment for a user, paid with the user's cheques.
type Work struct {
	User    string  `json:"user"`
	Worker  string  `json:"worker"`
	Date    wk.Date `json:"date"`
	Minutes int     `json:"minutes"`
	// Km is the worker's travel distance (optional).
	Km decimal.Decimal `json:"km"`
	// Batch, when not 0, redeems cheques of that batch only (numbered paper
	// cheques); else the cheques that expire first are used.
	Batch int `json:"batch,omitempty"`
}

// Allocation is how many cheques of a batch a redemption used.
type Allocation struct {
	Batch int `json:"batch"`
	Count int `json:"count"`
}

// Redemption is work paid with cheques.
type Redemption struct {
	ID int `json:"id"`
	Work
	// Hours is the started hours the work counts; Cheques what it cost.
	Hours       int          `json:"hours"`
	Cheques     int          `json:"cheques"`
	Allocations []Allocation `json:"allocations"`
	// Allowance and Travel are the worker's pay for the work.
	Allowance decimal.Decimal `json:"allowance"`
	Travel    decimal.Decimal `json:"travel"`
}

// RefusedError is an operation the ledger refused. The ledger is unchanged.
type RefusedError struct {
	// Op is "purchase" or "redeem".
	Op string `json:"op"`
	// Code is a stable identifier: invalid (a field missing or malformed),
	// out_of_range (beyond the ledger's sanity bounds or the range of
	// dates), not_in_force (no rule in force on the date),
	// price_below_minimum, price_above_maximum, price_not_allowed_step,
	// month_limit, year_limit, trajectory_ended, insufficient_cheques,
	// unknown_batch, cheque_expired or cheque_not_yet_issued.
	Code string `json:"code"`
	// Reasons are the rulebook's reasons, when rules refused.
	Reasons []wk.Reason `json:"reasons,omitempty"`
	Msg     string      `json:"message"`
	// Err is the error the refusal rests on, when there is one (a
	// *wijkwerken.NotInForceError, a *dossier.CaseError).
	Err error `json:"-"`
}

func (e *RefusedError) Error() string {
	return "vouchers: " + e.Op + " refused (" + e.Code + "): " + e.Msg
}

func (e *RefusedError) Unwrap() error { return e.Err }

// decideError turns an error of Engine.Decide into a refusal where the
// operation's input is the cause; other errors (a rule that fails) are the
// rulebook's, and say so.
func decideError(op string, date wk.Date, err error) error {
	var nf *wk.NotInForceError
	var ce *dossier.CaseError
	switch {
	case errors.As(err, &nf):
		return &RefusedError{Op: op, Code: "not_in_force", Msg: fmt.Sprintf("on %s: %v", date, err), Err: err}
	case errors.As(err, &ce):
		return &RefusedError{Op: op, Code: "invalid", Msg: err.Error(), Err: err}
	}
	return fmt.Errorf("vouchers: %s on %s: the rulebook failed: %w", op, date, err)
}

// checkName refuses a missing or oversized user or worker name.
func checkName(op, field, name string) error {
	switch {
	case name == "":
		return refuse(op, "invalid", "no %s", field)
	case len(name) > MaxNameBytes:
		return refuse(op, "out_of_range", "%s name of %d bytes: at most %d", field, len(name), MaxNameBytes)
	}
	return nil
}

// checkDecimal refuses a decimal with more digits than MaxDigits.
func checkDecimal(op, field string, v decimal.Decimal) error {
	if n := v.NumDigits(); n > MaxDigits || v.Exponent() < -MaxDigits || v.Exponent() > MaxDigits {
		return refuse(op, "out_of_range", "%s with %d digits (exponent %d): at most %d digits", field, n, v.Exponent(), MaxDigits)
	}
	return nil
}

// inRange reports whether d is a date the ledger can write and read back:
// from 0001-01-01 to 9999-12-31.
func inRange(d wk.Date) bool {
	back, err := wk.ParseDate(d.String())
	return err == nil && back == d
}

func refuse(op, code, format string, args ...any) *RefusedError {
	return &RefusedError{Op: op, Code: code, Msg: fmt.Sprintf(format, args...)}
}

func refuseReasons(op string, reasons []wk.Reason, what string) *RefusedError {
	if len(reasons) == 0 {
		return &RefusedError{Op: op, Code: "invalid", Msg: what + ": refused by the rules without a reason"}
	}
	msgs := make([]string, len(reasons))
	for i, r := range reasons {
		msgs[i] = r.Message.EN + " (" + r.Cite + ")"
	}
	return &RefusedError{Op: op, Code: reasons[0].Code, Reasons: reasons, Msg: what + ": " + strings.Join(msgs, "; ")}
}

// Purchase records that user bought count cheques at unitPrice on date, and
// returns the batch. A count below 1, a price outside the band in force on
// the date, or a date on which no rule is in force is refused.
//
// On a ledger opened on a store, the batch is recorded before Purchase
// returns; an error that is not a *RefusedError is the store's (a
// *ConflictError or a *StoreError) or the rulebook's.
func (l *Ledger) Purchase(user string, date wk.Date, count int, unitPrice decimal.Decimal) (Batch, error) {
	rec, err := l.commit("purchase", func() (Record, error) {
		b, err := l.checkPurchase(user, date, count, unitPrice)
		return Record{Purchase: &b}, err
	})
	if err != nil {
		return Batch{}, err
	}
	return *rec.Purchase, nil
}

// commit decides an operation, numbers it, records it in the store and
// applies it, under the ledger's lock.
func (l *Ledger) commit(op string, decide func() (Record, error)) (Record, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.failed != nil {
		return Record{}, l.failed
	}
	rec, err := decide()
	if err != nil {
		return Record{}, err
	}
	if l.seq >= maxID {
		return Record{}, refuse(op, "out_of_range", "the ledger has used every id up to 2^53")
	}
	if rec.Purchase != nil {
		rec.Purchase.ID = l.seq + 1
	} else {
		rec.Redemption.ID = l.seq + 1
	}
	if err := l.record(&rec); err != nil {
		return Record{}, err
	}
	l.apply(rec)
	return rec, nil
}

func (l *Ledger) addBatch(b Batch) {
	l.seq = b.ID
	l.batchAt[b.ID] = len(l.batches)
	l.userBatches[b.User] = append(l.userBatches[b.User], len(l.batches))
	l.userCheques[b.User] += b.Count
	l.batches = append(l.batches, b)
}

func (l *Ledger) checkPurchase(user string, date wk.Date, count int, price decimal.Decimal) (Batch, error) {
	const op = "purchase"
	if err := checkName(op, "user", user); err != nil {
		return Batch{}, err
	}
	switch {
	case date.IsZero():
		return Batch{}, refuse(op, "invalid", "no date")
	case count < 1:
		return Batch{}, refuse(op, "invalid", "count %d: a purchase is at least one cheque", count)
	case count > MaxCheques:
		return Batch{}, refuse(op, "out_of_range", "count %d: at most %d cheques in a purchase (a bound of the ledger, not of the regulation)", count, MaxCheques)
	case price.IsNegative():
		return Batch{}, refuse(op, "invalid", "unit price %s is negative", price)
	}
	if err := checkDecimal(op, "unit price", price); err != nil {
		return Batch{}, err
	}
	if held := l.userCheques[user]; held > MaxCheques-count {
		return Batch{}, refuse(op, "out_of_range", "user %s holds %d cheques: %d more would pass the %d one user may hold (a bound of the ledger, not of the regulation)",
			user, held, count, MaxCheques)
	}
	d, err := l.e.Decide(date, &dossier.Case{Organiser: &dossier.Organiser{ChequePrice: &price}, Cheque: &dossier.Cheque{Issued: date}})
	if errors.Is(err, wk.ErrDateRange) {
		return Batch{}, refuse(op, "out_of_range", "cheques issued on %s would be valid past 9999-12-31, the last date the ledger can keep", date)
	}
	if err != nil {
		return Batch{}, decideError(op, date, err)
	}
	if !d.Price.Valid {
		return Batch{}, refuseReasons(op, d.Reasons, fmt.Sprintf("unit price %s on %s", price, date))
	}
	exp := d.Validity.Expires
	if !inRange(exp) || exp.Before(date) {
		return Batch{}, refuse(op, "out_of_range", "cheques issued on %s would be valid past 9999-12-31, the last date the ledger can keep", date)
	}
	return Batch{User: user, Date: date, Count: count, UnitPrice: price, Expires: exp}, nil
}

// Redeem pays work with the user's cheques: one per started hour, taken
// from the batches valid on the work's date that expire first (or from
// w.Batch). It is refused when the user has too few cheques left that are
// valid on the date, or when the hours do not fit in the worker's monthly
// or yearly limit (the worker's hours in this ledger).
//
// On a ledger opened on a store, the redemption is recorded before Redeem
// returns, as for Purchase.
func (l *Ledger) Redeem(w Work) (Redemption, error) {
	rec, err := l.commit("redeem", func() (Record, error) {
		r, err := l.checkRedeem(w)
		return Record{Redemption: &r}, err
	})
	if err != nil {
		return Redemption{}, err
	}
	return *rec.Redemption, nil
}

func (l *Ledger) addRedemption(r Redemption) {
	l.seq = r.ID
	for _, a := range r.Allocations {
		l.used[a.Batch] += a.Count
	}
	i := len(l.redemptions)
	l.redemptions = append(l.redemptions, r)
	l.userRedeems[r.User] = append(l.userRedeems[r.User], i)
	l.workerLines[r.Worker] = append(l.workerLines[r.Worker], i)
	hours := l.workerHours[r.Worker]
	if hours == nil {
		hours = map[string]int{}
		l.workerHours[r.Worker] = hours
	}
	hours[r.Date.MonthKey()] += r.Hours
}

func (l *Ledger) checkRedeem(w Work) (Redemption, error) {
	const op = "redeem"
	if err := checkName(op, "user", w.User); err != nil {
		return Redemption{}, err
	}
	if err := checkName(op, "worker", w.Worker); err != nil {
		return Redemption{}, err
	}
	switch {
	case w.Date.IsZero():
		return Redemption{}, refuse(op, "invalid", "no date")
	case !inRange(w.Date):
		return Redemption{}, refuse(op, "out_of_range", "date %s is outside 0001-01-01 … 9999-12-31", w.Date)
	case w.Minutes < 1:
		return Redemption{}, refuse(op, "invalid", "minutes %d: work lasts at least a minute", w.Minutes)
	case w.Minutes > MaxMinutes:
		return Redemption{}, refuse(op, "out_of_range", "minutes %d: at most %d, a year's minutes, in one redemption (a bound of the ledger, not of the regulation)", w.Minutes, MaxMinutes)
	case w.Km.IsNegative():
		return Redemption{}, refuse(op, "invalid", "km %s is negative", w.Km)
	case w.Km.GreaterThan(maxKm):
		return Redemption{}, refuse(op, "out_of_range", "km %s: at most %d in one redemption (a bound of the ledger, not of the regulation)", w.Km, MaxKm)
	case w.Batch < 0:
		return Redemption{}, refuse(op, "invalid", "batch %d: batch ids are positive", w.Batch)
	}
	if err := checkDecimal(op, "km", w.Km); err != nil {
		return Redemption{}, err
	}
	c := &dossier.Case{
		Request:    &dossier.Request{Date: w.Date, Minutes: w.Minutes, Km: w.Km},
		Trajectory: &dossier.Trajectory{Hours: l.workerHours[w.Worker]},
	}
	d, err := l.e.Decide(w.Date, c)
	if err != nil {
		return Redemption{}, decideError(op, w.Date, err)
	}
	h := d.Pay.Hours
	need := d.Pay.ChequesNeeded
	// The rules' figures must be counts: a rulebook whose arithmetic
	// wrapped (a reform's huge parameter) is refused, not booked.
	if h.Counted < 0 || h.Counted > w.Minutes || h.Allowed < 0 || need < 0 || need > MaxCheques {
		return Redemption{}, refuse(op, "out_of_range", "the rules give %d hours (%d allowed) and %d cheques for %d minutes: not counts the ledger can keep", h.Counted, h.Allowed, need, w.Minutes)
	}
	if h.Allowed < h.Counted {
		return Redemption{}, refuseReasons(op, h.Reasons, fmt.Sprintf("%d hours for worker %s on %s", h.Counted, w.Worker, w.Date))
	}
	allocs, err := l.allocate(w, need)
	if err != nil {
		return Redemption{}, err
	}
	return Redemption{Work: w, Hours: h.Counted, Cheques: need, Allocations: allocs,
		Allowance: d.Pay.Allowance, Travel: d.Pay.TravelAllowance}, nil
}

// allocate picks need cheques of w.User valid on w.Date, those that expire
// first before the others. Cheques already promised to a redemption on
// another date are not available again.
func (l *Ledger) allocate(w Work, need int) ([]Allocation, error) {
	const op = "redeem"
	var cands []Batch
	if w.Batch != 0 {
		i, ok := l.batchAt[w.Batch]
		if !ok || l.batches[i].User != w.User {
			return nil, refuse(op, "unknown_batch", "user %s has no batch %d", w.User, w.Batch)
		}
		b := l.batches[i]
		switch {
		case w.Date.Before(b.Date):
			return nil, refuse(op, "cheque_not_yet_issued", "batch %d is issued on %s, after the work on %s", b.ID, b.Date, w.Date)
		case w.Date.After(b.Expires):
			return nil, refuse(op, "cheque_expired", "batch %d expired on %s, before the work on %s", b.ID, b.Expires, w.Date)
		}
		cands = []Batch{b}
	} else {
		for _, i := range l.userBatches[w.User] {
			b := l.batches[i]
			if !w.Date.Before(b.Date) && !w.Date.After(b.Expires) {
				cands = append(cands, b)
			}
		}
		sort.SliceStable(cands, func(i, j int) bool {
			if c := cands[i].Expires.Compare(cands[j].Expires); c != 0 {
				return c < 0
			}
			return cands[i].ID < cands[j].ID
		})
	}
	var allocs []Allocation
	left := need
	for _, b := range cands {
		free := b.Count - l.used[b.ID]
		if free <= 0 || left == 0 {
			continue
		}
		n := min(free, left)
		allocs = append(allocs, Allocation{Batch: b.ID, Count: n})
		left -= n
	}
	if left > 0 {
		return nil, l.shortage(w, need, need-left)
	}
	return allocs, nil
}

// shortage explains why a redemption finds too few cheques.
func (l *Ledger) shortage(w Work, need, found int) error {
	code := "insufficient_cheques"
	var expired, future int
	for _, i := range l.userBatches[w.User] {
		b := l.batches[i]
		if w.Batch != 0 && b.ID != w.Batch {
			continue
		}
		free := b.Count - l.used[b.ID]
		switch {
		case w.Date.After(b.Expires):
			expired += free
		case w.Date.Before(b.Date):
			future += free
		}
	}
	msg := fmt.Sprintf("the work of %d minutes on %s needs %d cheques; user %s has %d valid on that date that no other redemption uses",
		w.Minutes, w.Date, need, w.User, found)
	if expired > 0 {
		msg += fmt.Sprintf(" (%d more expired before it)", expired)
	}
	if future > 0 {
		msg += fmt.Sprintf(" (%d more issued after it)", future)
	}
	return refuse("redeem", code, "%s", msg)
}

// Balance is a user's cheques on a date.
type Balance struct {
	User string  `json:"user"`
	Date wk.Date `json:"date"`
	// Issued counts the cheques of the batches issued on or before the
	// date; Redeemed those redeemed on or before it; Expired those left in
	// batches whose last valid day is before it; Available the rest.
	Issued    int `json:"issued"`
	Redeemed  int `json:"redeemed"`
	Expired   int `json:"expired"`
	Available int `json:"available"`
	// Paid is what the batches issued on or before the date cost.
	Paid decimal.Decimal `json:"paid"`
}

// Balance returns user's balance on date.
func (l *Ledger) Balance(user string, date wk.Date) Balance {
	l.mu.RLock()
	defer l.mu.RUnlock()
	bal, _ := l.balance(user, date)
	return bal
}

// BatchState is a batch's cheques on a date.
type BatchState struct {
	Batch
	Redeemed  int  `json:"redeemed"`
	Expired   int  `json:"expired"`
	Available int  `json:"available"`
	Valid     bool `json:"valid"`
}

func (l *Ledger) balance(user string, date wk.Date) (Balance, []BatchState) {
	bal := Balance{User: user, Date: date, Paid: decimal.Zero}
	redeemed := map[int]int{}
	for _, i := range l.userRedeems[user] {
		if r := l.redemptions[i]; !r.Date.After(date) {
			for _, a := range r.Allocations {
				redeemed[a.Batch] += a.Count
			}
		}
	}
	var states []BatchState
	for _, i := range l.userBatches[user] {
		b := l.batches[i]
		if b.Date.After(date) {
			continue
		}
		s := BatchState{Batch: b, Redeemed: redeemed[b.ID], Valid: !date.After(b.Expires)}
		if s.Valid {
			s.Available = b.Count - s.Redeemed
		} else {
			s.Expired = b.Count - s.Redeemed
		}
		states = append(states, s)
		bal.Issued += b.Count
		bal.Redeemed += s.Redeemed
		bal.Expired += s.Expired
		bal.Available += s.Available
		bal.Paid = bal.Paid.Add(b.Amount())
	}
	return bal, states
}

// Statement is a user's account on a date: the balance, every batch issued
// by then with what became of its cheques, the redemptions, and the cheques
// and money paid per calendar year (what a fiscal attest states).
type Statement struct {
	Balance     Balance      `json:"balance"`
	Batches     []BatchState `json:"batches"`
	Redemptions []Redemption `json:"redemptions"`
	Years       []YearTotal  `json:"years"`
}

// YearTotal is what a user bought in a calendar year.
type YearTotal struct {
	Year    int             `json:"year"`
	Cheques int             `json:"cheques"`
	Paid    decimal.Decimal `json:"paid"`
}

// Statement returns user's statement on date.
func (l *Ledger) Statement(user string, date wk.Date) Statement {
	l.mu.RLock()
	defer l.mu.RUnlock()
	bal, states := l.balance(user, date)
	st := Statement{Balance: bal, Batches: states, Redemptions: []Redemption{}, Years: []YearTotal{}}
	if st.Batches == nil {
		st.Batches = []BatchState{}
	}
	for _, i := range l.userRedeems[user] {
		if r := l.redemptions[i]; !r.Date.After(date) {
			st.Redemptions = append(st.Redemptions, r)
		}
	}
	sort.SliceStable(st.Redemptions, func(i, j int) bool { return st.Redemptions[i].Date.Before(st.Redemptions[j].Date) })
	years := map[int]*YearTotal{}
	for _, s := range states {
		y := s.Date.Year()
		t := years[y]
		if t == nil {
			t = &YearTotal{Year: y, Paid: decimal.Zero}
			years[y] = t
		}
		t.Cheques += s.Count
		t.Paid = t.Paid.Add(s.Amount())
	}
	for _, t := range years {
		st.Years = append(st.Years, *t)
	}
	sort.Slice(st.Years, func(i, j int) bool { return st.Years[i].Year < st.Years[j].Year })
	return st
}

// PayStatement is a worker's pay for a calendar month: every redemption of
// the month, with the allowance and the travel allowance.
type PayStatement struct {
	Worker    string          `json:"worker"`
	Month     string          `json:"month"`
	Lines     []Redemption    `json:"lines"`
	Hours     int             `json:"hours"`
	Cheques   int             `json:"cheques"`
	Allowance decimal.Decimal `json:"allowance"`
	Travel    decimal.Decimal `json:"travel"`
	Total     decimal.Decimal `json:"total"`
}

// PayStatement returns worker's pay for month ("YYYY-MM").
func (l *Ledger) PayStatement(worker, month string) (PayStatement, error) {
	if _, err := wk.ParseDate(month + "-01"); err != nil || len(month) != len("2006-01") {
		return PayStatement{}, fmt.Errorf("vouchers: month %q: want YYYY-MM", month)
	}
	l.mu.RLock()
	defer l.mu.RUnlock()
	ps := PayStatement{Worker: worker, Month: month, Lines: []Redemption{}, Allowance: decimal.Zero, Travel: decimal.Zero}
	for _, i := range l.workerLines[worker] {
		if r := l.redemptions[i]; r.Date.MonthKey() == month {
			ps.Lines = append(ps.Lines, r)
			ps.Hours += r.Hours
			ps.Cheques += r.Cheques
			ps.Allowance = ps.Allowance.Add(r.Allowance)
			ps.Travel = ps.Travel.Add(r.Travel)
		}
	}
	sort.SliceStable(ps.Lines, func(i, j int) bool { return ps.Lines[i].Date.Before(ps.Lines[j].Date) })
	ps.Total = ps.Allowance.Add(ps.Travel)
	return ps, nil
}

// Users returns the users with a batch, sorted.
func (l *Ledger) Users() []string {
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := make([]string, 0, len(l.userBatches))
	for u := range l.userBatches {
		out = append(out, u)
	}
	sort.Strings(out)
	return out
}

// Batches returns every batch, in the order bought.
func (l *Ledger) Batches() []Batch {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return slices.Clone(l.batches)
}

// Redemptions returns every redemption, in the order recorded.
func (l *Ledger) Redemptions() []Redemption {
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := slices.Clone(l.redemptions)
	for i := range out {
		out[i].Allocations = slices.Clone(out[i].Allocations)
	}
	return out
}

type journal struct {
	Batches     []Batch      `json:"batches"`
	Redemptions []Redemption `json:"redemptions"`
}

// MarshalJSON writes the ledger's journal: its batches and redemptions.
func (l *Ledger) MarshalJSON() ([]byte, error) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	j := journal{Batches: l.batches, Redemptions: l.redemptions}
	if j.Batches == nil {
		j.Batches = []Batch{}
	}
	if j.Redemptions == nil {
		j.Redemptions = []Redemption{}
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads a journal into an empty ledger: one made by
// Engine.NewLedger, or opened on an empty store (then every operation is
// recorded in the store too: this is how a journal moves to a store). A
// ledger that holds operations is refused. Every operation is replayed, in
// the order of its id, through the engine's rules, and must come out as
// written (the same expiry, allocations and pay); otherwise the ledger
// stays empty and the error (a *ReplayError or a *RefusedError) names the
// first operation that differs.
func (l *Ledger) UnmarshalJSON(data []byte) error {
	if l.e == nil {
		return errors.New("vouchers: a ledger must be made by Engine.NewLedger before reading a journal into it")
	}
	l.mu.RLock()
	empty := l.seq == 0 && l.stored == 0
	l.mu.RUnlock()
	if !empty {
		return errNotEmpty
	}
	var j journal
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return fmt.Errorf("vouchers: journal: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("vouchers: journal: data after the journal's object")
	}
	fresh := l.e.NewLedger()
	var recs []Record
	bi, ri := 0, 0
	for bi < len(j.Batches) || ri < len(j.Redemptions) {
		rec := Record{Seq: int64(len(recs) + 1)}
		if ri >= len(j.Redemptions) || (bi < len(j.Batches) && j.Batches[bi].ID < j.Redemptions[ri].ID) {
			rec.Purchase = &j.Batches[bi]
			bi++
		} else {
			rec.Redemption = &j.Redemptions[ri]
			ri++
		}
		if err := fresh.replay(rec); err != nil {
			return journalError{err}
		}
		recs = append(recs, rec)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.seq != 0 || l.stored != 0 {
		return errNotEmpty
	}
	if l.store == nil {
		l.seq, l.batches, l.redemptions, l.used = fresh.seq, fresh.batches, fresh.redemptions, fresh.used
		l.batchAt, l.userBatches, l.userRedeems, l.workerLines, l.workerHours = fresh.batchAt, fresh.userBatches, fresh.userRedeems, fresh.workerLines, fresh.workerHours
		l.userCheques = fresh.userCheques
		return nil
	}
	for _, rec := range recs {
		if l.failed != nil {
			return l.failed
		}
		if err := l.record(&rec); err != nil {
			return fmt.Errorf("vouchers: journal: %d of %d operations recorded: %w", l.stored, len(recs), err)
		}
		l.apply(rec)
	}
	return nil
}

// journalError is an error of a journal's operation, said once.
type journalError struct{ err error }

func (e journalError) Error() string {
	return "vouchers: journal: " + strings.TrimPrefix(e.err.Error(), "vouchers: ")
}

func (e journalError) Unwrap() error { return e.err }

// OpenLedger opens the ledger kept in s: every record is replayed through
// the engine's rules, in order, and must come out as recorded; the first
// that does not is a *ReplayError with both results (a store written under
// another rulebook, or changed by hand), and nothing is opened. From then on
// every operation the ledger accepts is in s before it returns.
//
// The ledger answers from memory: to see what other processes wrote to a
// shared store since, call Refresh (an operation that loses the race to
// another writer gets a *ConflictError and reads their records itself).
// Close closes s.
func (e *Engine) OpenLedger(ctx context.Context, s Store) (*Ledger, error) {
	if s == nil {
		return nil, errors.New("vouchers: OpenLedger: no store (NewLedger is the ledger in memory)")
	}
	l := e.NewLedger()
	l.store = s
	if err := l.readStore(ctx); err != nil {
		return nil, err
	}
	return l, nil
}

// Refresh reads the records other writers added to the ledger's store since
// it last read or wrote it. After a *StoreError, a successful Refresh tells
// whether the failed operation was recorded (Batches, Redemptions) and lets
// the ledger take operations again. On a ledger without a store it does
// nothing.
func (l *Ledger) Refresh(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.store == nil {
		return nil
	}
	if err := l.readStore(ctx); err != nil {
		return err
	}
	l.failed = nil
	return nil
}

// Stored is the number of the last record the ledger has read from or
// written to its store (0 without a store).
func (l *Ledger) Stored() int64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.stored
}

// Close closes the ledger's store; the ledger then takes no operation. On a
// ledger without a store it does nothing.
func (l *Ledger) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.store == nil {
		return nil
	}
	err := l.store.Close()
	l.failed = &StoreError{Seq: l.stored + 1, Err: errors.New("the ledger is closed")}
	return err
}

// readStore replays the store's records after the last one read.
func (l *Ledger) readStore(ctx context.Context) error {
	return l.store.Records(ctx, l.stored, func(rec Record) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return l.replay(rec)
	})
}

// record writes rec to the store, numbered after the last record. On a
// conflict it reads the records it missed.
func (l *Ledger) record(rec *Record) error {
	if l.store == nil {
		return nil
	}
	rec.Seq = l.stored + 1
	err := l.store.Append(context.Background(), *rec)
	if err == nil {
		return nil
	}
	var ce *ConflictError
	if errors.As(err, &ce) {
		if rerr := l.readStore(context.Background()); rerr != nil {
			l.failed = &StoreError{Seq: rec.Seq, Err: fmt.Errorf("%v; reading the other writer's records: %w", err, rerr)}
			return l.failed
		}
		return err
	}
	l.failed = &StoreError{Seq: rec.Seq, Err: err}
	return l.failed
}

// replay decides rec's operation anew on the ledger and applies it when it
// comes out as recorded.
func (l *Ledger) replay(rec Record) error {
	if rec.Seq != l.stored+1 {
		return fmt.Errorf("vouchers: %s follows record %d: records are numbered without gaps", rec, l.stored)
	}
	if id := rec.ID(); id <= l.seq || id > maxID {
		return fmt.Errorf("vouchers: %s: ids must increase (the last was %d) and stay below 2^53", rec, l.seq)
	}
	got := Record{Seq: rec.Seq}
	switch rec.Kind() {
	case "purchase":
		want := rec.Purchase
		b, err := l.checkPurchase(want.User, want.Date, want.Count, want.UnitPrice)
		if err != nil {
			return &ReplayError{Recorded: rec, Refused: err}
		}
		b.ID = want.ID
		got.Purchase = &b
	case "redemption":
		r, err := l.checkRedeem(rec.Redemption.Work)
		if err != nil {
			return &ReplayError{Recorded: rec, Refused: err}
		}
		r.ID = rec.Redemption.ID
		got.Redemption = &r
	default:
		return fmt.Errorf("vouchers: %s holds no operation, or two", rec)
	}
	if !got.Equal(rec) {
		return replayError(rec, got)
	}
	l.apply(got)
	return nil
}

// apply adds rec's operation to the ledger and counts the record (Seq 0 on
// a ledger without a store).
func (l *Ledger) apply(rec Record) {
	if rec.Purchase != nil {
		l.addBatch(*rec.Purchase)
	} else {
		l.addRedemption(*rec.Redemption)
	}
	l.stored = rec.Seq
}

func batchEqual(a, b Batch) bool {
	return a.ID == b.ID && a.User == b.User && a.Date == b.Date && a.Count == b.Count &&
		a.UnitPrice.Equal(b.UnitPrice) && a.Expires == b.Expires
}

func redemptionEqual(a, b Redemption) bool {
	return a.ID == b.ID && a.Work.User == b.Work.User && a.Worker == b.Worker && a.Date == b.Date &&
		a.Minutes == b.Minutes && a.Km.Equal(b.Km) && a.Batch == b.Batch && a.Hours == b.Hours &&
		a.Cheques == b.Cheques && slices.Equal(a.Allocations, b.Allocations) &&
		a.Allowance.Equal(b.Allowance) && a.Travel.Equal(b.Travel)
}
