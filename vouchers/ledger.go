package vouchers

import (
	"encoding/json"
	"errors"
	"fmt"
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
// A Ledger is safe for concurrent use. Its JSON form is its journal: reading
// it back replays every operation through the rules and checks that each
// comes out the same.
type Ledger struct {
	e           *Engine
	mu          sync.RWMutex
	seq         int
	batches     []Batch
	redemptions []Redemption
	used        map[int]int // batch id -> cheques allocated (on any date)
	// Indexes into batches and redemptions.
	batchAt     map[int]int               // batch id -> index
	userBatches map[string][]int          // user -> batch indexes
	userRedeems map[string][]int          // user -> redemption indexes
	workerLines map[string][]int          // worker -> redemption indexes
	workerHours map[string]map[string]int // worker -> month -> hours
}

// NewLedger returns an empty ledger that decides with e.
func (e *Engine) NewLedger() *Ledger {
	return &Ledger{e: e, used: map[int]int{}, batchAt: map[int]int{}, userBatches: map[string][]int{},
		userRedeems: map[string][]int{}, workerLines: map[string][]int{}, workerHours: map[string]map[string]int{}}
}

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
	// Code is a stable identifier: invalid, price_below_minimum,
	// price_above_maximum, month_limit, year_limit, insufficient_cheques,
	// unknown_batch, cheque_expired or cheque_not_yet_issued.
	Code string `json:"code"`
	// Reasons are the rulebook's reasons, when rules refused.
	Reasons []wk.Reason `json:"reasons,omitempty"`
	Msg     string      `json:"message"`
}

func (e *RefusedError) Error() string {
	return "vouchers: " + e.Op + " refused (" + e.Code + "): " + e.Msg
}

func refuse(op, code, format string, args ...any) *RefusedError {
	return &RefusedError{Op: op, Code: code, Msg: fmt.Sprintf(format, args...)}
}

func refuseReasons(op string, reasons []wk.Reason, what string) *RefusedError {
	msgs := make([]string, len(reasons))
	for i, r := range reasons {
		msgs[i] = r.Message.EN + " (" + r.Cite + ")"
	}
	return &RefusedError{Op: op, Code: reasons[0].Code, Reasons: reasons, Msg: what + ": " + strings.Join(msgs, "; ")}
}

// Purchase records that user bought count cheques at unitPrice on date, and
// returns the batch. A count below 1, a price outside the band in force on
// the date, or a date on which no rule is in force is refused.
func (l *Ledger) Purchase(user string, date wk.Date, count int, unitPrice decimal.Decimal) (Batch, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, err := l.checkPurchase(user, date, count, unitPrice)
	if err != nil {
		return Batch{}, err
	}
	l.seq++
	b.ID = l.seq
	l.batchAt[b.ID] = len(l.batches)
	l.userBatches[user] = append(l.userBatches[user], len(l.batches))
	l.batches = append(l.batches, b)
	return b, nil
}

func (l *Ledger) checkPurchase(user string, date wk.Date, count int, price decimal.Decimal) (Batch, error) {
	const op = "purchase"
	switch {
	case user == "":
		return Batch{}, refuse(op, "invalid", "no user")
	case date.IsZero():
		return Batch{}, refuse(op, "invalid", "no date")
	case count < 1:
		return Batch{}, refuse(op, "invalid", "count %d: a purchase is at least one cheque", count)
	}
	d, err := l.e.Decide(date, &dossier.Case{Organiser: &dossier.Organiser{ChequePrice: &price}, Cheque: &dossier.Cheque{Issued: date}})
	if err != nil {
		return Batch{}, fmt.Errorf("vouchers: purchase on %s: %w", date, err)
	}
	if !d.Price.Valid {
		return Batch{}, refuseReasons(op, d.Reasons, fmt.Sprintf("unit price %s on %s", price, date))
	}
	return Batch{User: user, Date: date, Count: count, UnitPrice: price, Expires: d.Validity.Expires}, nil
}

// Redeem pays work with the user's cheques: one per started hour, taken
// from the batches valid on the work's date that expire first (or from
// w.Batch). It is refused when the user has too few cheques left that are
// valid on the date, or when the hours do not fit in the worker's monthly
// or yearly limit (the worker's hours in this ledger).
func (l *Ledger) Redeem(w Work) (Redemption, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	r, err := l.checkRedeem(w)
	if err != nil {
		return Redemption{}, err
	}
	l.seq++
	r.ID = l.seq
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
	return r, nil
}

func (l *Ledger) checkRedeem(w Work) (Redemption, error) {
	const op = "redeem"
	switch {
	case w.User == "":
		return Redemption{}, refuse(op, "invalid", "no user")
	case w.Worker == "":
		return Redemption{}, refuse(op, "invalid", "no worker")
	case w.Date.IsZero():
		return Redemption{}, refuse(op, "invalid", "no date")
	case w.Minutes < 1:
		return Redemption{}, refuse(op, "invalid", "minutes %d: work lasts at least a minute", w.Minutes)
	case w.Km.IsNegative():
		return Redemption{}, refuse(op, "invalid", "km %s is negative", w.Km)
	}
	c := &dossier.Case{
		Request:    &dossier.Request{Date: w.Date, Minutes: w.Minutes, Km: w.Km},
		Trajectory: &dossier.Trajectory{Hours: l.workerHours[w.Worker]},
	}
	d, err := l.e.Decide(w.Date, c)
	if err != nil {
		return Redemption{}, fmt.Errorf("vouchers: redeem on %s: %w", w.Date, err)
	}
	h := d.Pay.Hours
	if h.Allowed < h.Counted {
		return Redemption{}, refuseReasons(op, h.Reasons, fmt.Sprintf("%d hours for worker %s on %s", h.Counted, w.Worker, w.Date))
	}
	need := d.Pay.ChequesNeeded
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

// UnmarshalJSON reads a journal into an empty ledger made by
// Engine.NewLedger. Every operation is replayed, in the order of its id,
// through the engine's rules, and must come out as written (the same
// expiry, allocations and pay); otherwise the ledger stays empty and the
// error names the first operation that differs.
func (l *Ledger) UnmarshalJSON(data []byte) error {
	if l.e == nil {
		return errors.New("vouchers: a ledger must be made by Engine.NewLedger before reading a journal into it")
	}
	var j journal
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return fmt.Errorf("vouchers: journal: %w", err)
	}
	fresh := l.e.NewLedger()
	bi, ri := 0, 0
	for bi < len(j.Batches) || ri < len(j.Redemptions) {
		if ri >= len(j.Redemptions) || (bi < len(j.Batches) && j.Batches[bi].ID < j.Redemptions[ri].ID) {
			want := j.Batches[bi]
			bi++
			if want.ID <= fresh.lastID() {
				return fmt.Errorf("vouchers: journal: batch %d: ids must increase", want.ID)
			}
			fresh.seq = want.ID - 1
			got, err := fresh.Purchase(want.User, want.Date, want.Count, want.UnitPrice)
			if err != nil {
				return fmt.Errorf("vouchers: journal: batch %d: %w", want.ID, err)
			}
			if !batchEqual(got, want) {
				return fmt.Errorf("vouchers: journal: batch %d does not replay: the rules give %+v", want.ID, got)
			}
			continue
		}
		want := j.Redemptions[ri]
		ri++
		if want.ID <= fresh.lastID() {
			return fmt.Errorf("vouchers: journal: redemption %d: ids must increase", want.ID)
		}
		fresh.seq = want.ID - 1
		got, err := fresh.Redeem(want.Work)
		if err != nil {
			return fmt.Errorf("vouchers: journal: redemption %d: %w", want.ID, err)
		}
		if !redemptionEqual(got, want) {
			return fmt.Errorf("vouchers: journal: redemption %d does not replay: the rules give %d cheques %v, allowance %s, travel %s",
				want.ID, got.Cheques, got.Allocations, got.Allowance, got.Travel)
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq, l.batches, l.redemptions, l.used = fresh.seq, fresh.batches, fresh.redemptions, fresh.used
	l.batchAt, l.userBatches, l.userRedeems, l.workerLines, l.workerHours = fresh.batchAt, fresh.userBatches, fresh.userRedeems, fresh.workerLines, fresh.workerHours
	return nil
}

func (l *Ledger) lastID() int {
	last := 0
	if n := len(l.batches); n > 0 {
		last = l.batches[n-1].ID
	}
	if n := len(l.redemptions); n > 0 {
		last = max(last, l.redemptions[n-1].ID)
	}
	return last
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
