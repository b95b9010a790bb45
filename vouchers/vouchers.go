// Package vouchers decides the wijk-werkcheques (docs/regulation.md §7; docs/contract.md
// modelling decisions 1, 8 and 9): whether an organiser's price lies in the
// legal band, how many cheques an assignment costs, until when a batch of
// cheques is valid (COVID extensions included), what the wijk-werker earns
// for an assignment, the user's yearly registration fee and the tax
// reduction a private buyer may deduct. Every figure and condition comes
// from the rulebook (regulation/vouchers.yaml and parameters.yaml).
//
// A Ledger keeps the cheques of many users and the pay of their workers:
// purchases, redemptions (oldest expiry first) and expiry, refusing every
// operation that would lose a cheque or a cent.
//
// New compiles the rules once; an Engine is immutable and safe for
// concurrent use.
package vouchers

import (
	"errors"
	"reflect"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/openwijkwerken/wijkwerken/trajectory"
	"github.com/shopspring/decimal"
)

// Area is the rulebook area this package decides.
const Area = "vouchers"

// priceEnv is the organiser as the price rules see it.
type priceEnv struct {
	ChequePrice    decimal.Decimal         `expr:"cheque_price"`
	PriceDecisions []dossier.PriceDecision `expr:"price_decisions"`
}

// hoursEnv is the trajectory as the COVID compensation sees it.
type hoursEnv struct {
	Hours map[string]int `expr:"hours"`
}

type has struct {
	Request   bool `expr:"request"`
	Organiser bool `expr:"organiser"` // the case gives organiser.cheque_price
	Cheque    bool `expr:"cheque"`
	Purchase  bool `expr:"purchase"`
	Hours     bool `expr:"hours"` // the case has trajectory.hours
}

type outputs struct {
	PriceInBand           bool            `expr:"price_in_band"`
	PriceOnStep           bool            `expr:"price_on_step"`
	PriceValid            bool            `expr:"price_valid"`
	PriceDecisionsInForce int             `expr:"price_decisions_in_force"`
	PriceInForce          decimal.Decimal `expr:"price_in_force"`
	Covid2020Compensated  bool            `expr:"covid2020_compensated"`
	CovidCompensation     decimal.Decimal `expr:"covid_compensation"`
	ChequesNeeded         int             `expr:"cheques_needed"`
	Allowance             decimal.Decimal `expr:"allowance"`
	TravelAllowance       decimal.Decimal `expr:"travel_allowance"`
	RegistrationFee       decimal.Decimal `expr:"registration_fee"`
	OrdinaryExpiry        wk.Date         `expr:"ordinary_expiry"`
	Covid2020             bool            `expr:"covid2020"`
	Covid2021             bool            `expr:"covid2021"`
	Expires               wk.Date         `expr:"expires"`
	Valid                 bool            `expr:"valid"`
	AmountPaid            decimal.Decimal `expr:"amount_paid"`
	TaxBase               decimal.Decimal `expr:"tax_base"`
	TaxReduction          decimal.Decimal `expr:"tax_reduction"`
}

// env is what the voucher rules read. The parts are pointers: expr boxes
// every struct it reads a field of, and a pointer boxes without a copy.
// None is nil when the rules run (absent parts point to zero values).
type env struct {
	wk.Env
	Request      *dossier.Request  `expr:"request"`
	Organiser    *priceEnv         `expr:"organiser"`
	Cheque       *dossier.Cheque   `expr:"cheque"`
	Purchase     *dossier.Purchase `expr:"purchase"`
	Trajectory   *hoursEnv         `expr:"trajectory"`
	Has          *has              `expr:"has"`
	HoursAllowed int               `expr:"hours_allowed"`
	Out          *outputs          `expr:"out"`
}

// frame holds one decision's environment and the values its pointers point
// to, allocated together.
type frame struct {
	env       env
	request   dossier.Request
	organiser priceEnv
	cheque    dossier.Cheque
	purchase  dossier.Purchase
	hours     hoursEnv
	has       has
	out       outputs
}

func newFrame() *frame {
	f := &frame{}
	f.env.Request, f.env.Organiser, f.env.Cheque, f.env.Purchase = &f.request, &f.organiser, &f.cheque, &f.purchase
	f.env.Trajectory, f.env.Has, f.env.Out = &f.hours, &f.has, &f.out
	return f
}

var (
	intType  = reflect.TypeOf(0)
	boolType = reflect.TypeOf(false)
	dateType = reflect.TypeOf(wk.Date{})
	decType  = reflect.TypeOf(decimal.Decimal{})
)

func out(e any) *outputs { return e.(*env).Out }

var spec = wk.AreaSpec{Area: Area, Env: &newFrame().env, Outputs: []wk.Output{
	{Name: "price_in_band", Type: boolType, Set: func(e, v any) { out(e).PriceInBand = v.(bool) }},
	{Name: "price_on_step", Type: boolType, Set: func(e, v any) { out(e).PriceOnStep = v.(bool) }},
	{Name: "price_valid", Type: boolType, Set: func(e, v any) { out(e).PriceValid = v.(bool) }},
	{Name: "price_decisions_in_force", Type: intType, Set: func(e, v any) { out(e).PriceDecisionsInForce = v.(int) }},
	{Name: "price_in_force", Type: decType, Set: func(e, v any) { out(e).PriceInForce = v.(decimal.Decimal) }},
	{Name: "covid2020_compensated", Type: boolType, Set: func(e, v any) { out(e).Covid2020Compensated = v.(bool) }},
	{Name: "covid_compensation", Type: decType, Set: func(e, v any) { out(e).CovidCompensation = v.(decimal.Decimal) }},
	{Name: "cheques_needed", Type: intType, Set: func(e, v any) { out(e).ChequesNeeded = v.(int) }},
	{Name: "allowance", Type: decType, Set: func(e, v any) { out(e).Allowance = v.(decimal.Decimal) }},
	{Name: "travel_allowance", Type: decType, Set: func(e, v any) { out(e).TravelAllowance = v.(decimal.Decimal) }},
	{Name: "registration_fee", Type: decType, Set: func(e, v any) { out(e).RegistrationFee = v.(decimal.Decimal) }},
	{Name: "ordinary_expiry", Type: dateType, Set: func(e, v any) { out(e).OrdinaryExpiry = v.(wk.Date) }},
	{Name: "covid2020", Type: boolType, Set: func(e, v any) { out(e).Covid2020 = v.(bool) }},
	{Name: "covid2021", Type: boolType, Set: func(e, v any) { out(e).Covid2021 = v.(bool) }},
	{Name: "expires", Type: dateType, Set: func(e, v any) { out(e).Expires = v.(wk.Date) }},
	{Name: "valid", Type: boolType, Set: func(e, v any) { out(e).Valid = v.(bool) }},
	{Name: "amount_paid", Type: decType, Set: func(e, v any) { out(e).AmountPaid = v.(decimal.Decimal) }},
	{Name: "tax_base", Type: decType, Set: func(e, v any) { out(e).TaxBase = v.(decimal.Decimal) }},
	{Name: "tax_reduction", Type: decType, Set: func(e, v any) { out(e).TaxReduction = v.(decimal.Decimal) }},
}}

// Engine decides wijk-werkcheques against one rulebook. It is immutable and
// safe for concurrent use.
type Engine struct {
	rb    *wk.Rulebook
	rules *wk.RuleSet
	hours *trajectory.Engine
}

// New compiles the rulebook's voucher rules, and its trajectory and hours
// rules (the worker is paid for the hours that may be registered). Every
// problem is reported at once, with the rule id and file:line.
func New(rb *wk.Rulebook) (*Engine, error) {
	te, err := trajectory.New(rb)
	rs, err2 := wk.Compile(rb, spec)
	if err := wk.JoinLoadErrors(err, err2); err != nil {
		return nil, err
	}
	return &Engine{rb: rb, rules: rs, hours: te}, nil
}

// WithTrajectory compiles the voucher rules of the trajectory engine's
// rulebook and uses that engine for the hours of a request, so that a caller
// who holds one compiles the trajectory rules only once.
func WithTrajectory(te *trajectory.Engine) (*Engine, error) {
	rs, err := wk.Compile(te.Rulebook(), spec)
	if err != nil {
		return nil, err
	}
	return &Engine{rb: te.Rulebook(), rules: rs, hours: te}, nil
}

// Rulebook returns the rulebook the engine decides with.
func (e *Engine) Rulebook() *wk.Rulebook { return e.rb }

// Decision is what the regulation says about the cheques of a case on a
// date. Each part is present when the case has the data for it.
type Decision struct {
	Date wk.Date `json:"date"`
	// Price judges the organiser's cheque price (case.organiser.cheque_price).
	Price *Price `json:"price,omitempty"`
	// Pay is the cost and the pay of the request (case.request).
	Pay *Pay `json:"pay,omitempty"`
	// Validity is the validity of the batch of cheques (case.cheque).
	Validity *Validity `json:"validity,omitempty"`
	// Tax is the buyer's tax reduction for the purchase (case.purchase).
	Tax *Tax `json:"tax,omitempty"`
	// RegistrationFee is the user's yearly fee in force on the date; set
	// when the case has an organiser or a request.
	RegistrationFee *decimal.Decimal `json:"registration_fee,omitempty"`
	// CovidCompensation is the wijk-werker's COVID compensation of 2020 for
	// the month of the date; set when the case has trajectory.hours and the
	// date lies in the period of the measure.
	CovidCompensation *decimal.Decimal `json:"covid_compensation,omitempty"`
	// Reasons are price_below_minimum, price_above_maximum,
	// price_not_allowed_step, cheque_expired and cheque_not_yet_issued where
	// they apply.
	Reasons []wk.Reason `json:"reasons"`
	Trace   *wk.Trace   `json:"trace,omitempty"`
}

// Price is the organiser's cheque price judged against the legal band and
// its steps, and the price its decisions put in force.
type Price struct {
	// Price is case.organiser.cheque_price; Judged says whether it was
	// given (then Valid judges it).
	Price  decimal.Decimal `json:"price"`
	Judged bool            `json:"judged"`
	// Valid: the price lies within the band in force on the date and is
	// one of the allowed steps.
	Valid bool `json:"valid"`
	// InForce is the price of the latest of case.organiser.price_decisions
	// that applies on the date (from 1 January of the year after it was
	// decided); nil when none applies yet.
	InForce *decimal.Decimal `json:"in_force,omitempty"`
}

// Pay is what an assignment costs the user and earns the worker.
type Pay struct {
	// ChequesNeeded is what the assignment costs: one cheque per started
	// hour (docs/modelling-decisions.md MD 1).
	ChequesNeeded int `json:"cheques_needed"`
	// Hours is the hours decision the pay rests on: the allowance is paid
	// for Hours.Allowed.
	Hours *trajectory.Hours `json:"hours"`
	// Allowance is the worker's tax-free allowance for the hours allowed.
	Allowance decimal.Decimal `json:"allowance"`
	// TravelAllowance is the worker's tax-free allowance for request.km.
	TravelAllowance decimal.Decimal `json:"travel_allowance"`
}

// Validity is how long a batch of cheques stays valid.
type Validity struct {
	Issued wk.Date `json:"issued"`
	// OrdinaryExpiry is the last valid day without an extension.
	OrdinaryExpiry wk.Date `json:"ordinary_expiry"`
	// Covid2020 and Covid2021 tell which COVID extension applies.
	Covid2020 bool `json:"covid2020"`
	Covid2021 bool `json:"covid2021"`
	// Expires is the last valid day, extensions included.
	Expires wk.Date `json:"expires"`
	// Valid: the batch can be used on the decision date (issued and not
	// expired).
	Valid bool `json:"valid"`
}

// Tax is a buyer's tax reduction for one purchase (docs/modelling-decisions.md MD 9).
type Tax struct {
	// AmountPaid is count × unit price.
	AmountPaid decimal.Decimal `json:"amount_paid"`
	// Base is the part of AmountPaid within what the year's ceiling leaves
	// after service cheques (0 for a legal person).
	Base decimal.Decimal `json:"base"`
	// Reduction is the rate of the purchase date times Base, rounded half up
	// to the cent (0 for a legal person).
	Reduction decimal.Decimal `json:"reduction"`
}

// ErrNothingToDecide is returned for a case without a request, organiser,
// cheque or purchase.
var ErrNothingToDecide = errors.New("vouchers: the case has no request, organiser, cheque, purchase or trajectory hours")

// Decide decides the cheques of the case on date: the organiser's price
// (case.organiser.cheque_price), the cost and pay of the request
// (case.request; its hours are decided first, with the trajectory when the
// case has one), the validity of the batch (case.cheque) and the tax
// reduction of the purchase (case.purchase).
func (e *Engine) Decide(date wk.Date, c *dossier.Case, opts ...wk.Option) (*Decision, error) {
	o := wk.Apply(opts)
	if err := e.check(c, o.Validated); err != nil {
		return nil, err
	}
	var tr *wk.Trace
	if o.Trace {
		tr = &wk.Trace{}
	}
	f := newFrame()
	en := &f.env
	var hours *trajectory.Hours
	if c.Request != nil {
		h, err := e.hours.Hours(date, c, opts...)
		if err != nil {
			return nil, err
		}
		if h.Trace != nil {
			tr.Steps = append(tr.Steps, h.Trace.Steps...)
		}
		hours = h
		f.request = *c.Request
		f.has.Request = true
		en.HoursAllowed = h.Allowed
	}
	if c.Organiser != nil {
		if c.Organiser.ChequePrice != nil {
			f.organiser.ChequePrice = *c.Organiser.ChequePrice
		}
		f.organiser.PriceDecisions = c.Organiser.PriceDecisions
		f.has.Organiser = c.Organiser.ChequePrice != nil
	}
	if c.Trajectory != nil && c.Trajectory.Hours != nil {
		f.hours.Hours = c.Trajectory.Hours
		f.has.Hours = true
	}
	if c.Cheque != nil {
		f.cheque = *c.Cheque
		f.has.Cheque = true
	}
	if c.Purchase != nil {
		f.purchase = *c.Purchase
		f.has.Purchase = true
	}
	reasons, err := e.rules.Eval(en, date, tr)
	if err != nil {
		return nil, err
	}
	if reasons == nil {
		reasons = []wk.Reason{}
	}
	d := &Decision{Date: date, Reasons: reasons, Trace: tr}
	x := &f.out
	if f.has.Organiser || (c.Organiser != nil && len(c.Organiser.PriceDecisions) > 0) {
		d.Price = &Price{Price: f.organiser.ChequePrice, Judged: c.Organiser.ChequePrice != nil, Valid: x.PriceValid}
		if x.PriceDecisionsInForce > 0 {
			p := x.PriceInForce
			d.Price.InForce = &p
		}
	}
	if x.Covid2020Compensated {
		cc := x.CovidCompensation
		d.CovidCompensation = &cc
	}
	if f.has.Request {
		d.Pay = &Pay{ChequesNeeded: x.ChequesNeeded, Hours: hours, Allowance: x.Allowance, TravelAllowance: x.TravelAllowance}
	}
	if c.Organiser != nil || c.Request != nil {
		fee := x.RegistrationFee
		d.RegistrationFee = &fee
	}
	if f.has.Cheque {
		d.Validity = &Validity{Issued: c.Cheque.Issued, OrdinaryExpiry: x.OrdinaryExpiry, Covid2020: x.Covid2020,
			Covid2021: x.Covid2021, Expires: x.Expires, Valid: x.Valid}
	}
	if f.has.Purchase {
		d.Tax = &Tax{AmountPaid: x.AmountPaid, Base: x.TaxBase, Reduction: x.TaxReduction}
	}
	return d, nil
}

// HasData reports whether the case has anything the voucher rules decide:
// a request, an organiser, a cheque, a purchase or the hours of a
// trajectory (for the 2020 COVID compensation).
func HasData(c *dossier.Case) bool {
	return c != nil && (c.Request != nil || c.Organiser != nil || c.Cheque != nil || c.Purchase != nil ||
		(c.Trajectory != nil && c.Trajectory.Hours != nil))
}

// Check reports what the case lacks for a voucher decision or what is
// invalid in it (a *dossier.CaseError): a cheque without its issue date, a
// purchase without its date or buyer, and every problem Validate finds. A
// case without any voucher data is ErrNothingToDecide.
func (e *Engine) Check(c *dossier.Case) error { return e.check(c, false) }

func (e *Engine) check(c *dossier.Case, validated bool) error {
	if !HasData(c) {
		return ErrNothingToDecide
	}
	if !validated {
		if err := c.Validate(); err != nil {
			return err
		}
	}
	var fields []dossier.Field
	if c.Cheque != nil {
		fields = append(fields, dossier.Field{Path: "case.cheque.issued", Present: !c.Cheque.Issued.IsZero()})
	}
	if p := c.Purchase; p != nil {
		fields = append(fields,
			dossier.Field{Path: "case.purchase.date", Present: !p.Date.IsZero()},
			dossier.Field{Path: "case.purchase.buyer", Present: p.Buyer != ""})
	}
	if c.Request != nil {
		fields = append(fields, dossier.Field{Path: "case.request.date", Present: !c.Request.Date.IsZero()})
	}
	return dossier.Require(Area, fields...)
}
