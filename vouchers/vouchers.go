// Package vouchers decides the wijk-werkcheques (docs/regulation.md §7;
// docs/modelling-decisions.md MD 1, 8, 9 and 11a-d, 11h): whether an organiser's price lies in the
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
	"github.com/openwijkwerken/wijkwerken/area"
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

// env is what the voucher rules read. The parts are pointers: expr boxes
// every struct it reads a field of, and a pointer boxes without a copy.
// None is nil when the rules run (absent parts point to zero values).
type env struct {
	area.Env
	Request      *dossier.Request  `expr:"request"`
	Organiser    *priceEnv         `expr:"organiser"`
	Cheque       *dossier.Cheque   `expr:"cheque"`
	Purchase     *dossier.Purchase `expr:"purchase"`
	Trajectory   *hoursEnv         `expr:"trajectory"`
	Has          *has              `expr:"has"`
	HoursAllowed int               `expr:"hours_allowed"`
	Out          *Decision         `expr:"out"`
}

// frame holds one decision's environment, the values its pointers point
// to and the decision with every part, allocated together. The request,
// cheque and purchase point into the case (rules only read them), or to
// zero ones when absent.
type frame struct {
	env       env
	organiser priceEnv
	hours     hoursEnv
	has       has
	d         Decision
	price     Price
	pay       Pay
	validity  Validity
	tax       Tax
	fee       decimal.Decimal
	inForce   decimal.Decimal
	covid     decimal.Decimal
}

var (
	noRequest  = &dossier.Request{}
	noCheque   = &dossier.Cheque{}
	noPurchase = &dossier.Purchase{}
)

func newFrame() *frame {
	f := &frame{}
	f.env.Request, f.env.Organiser, f.env.Cheque, f.env.Purchase = noRequest, &f.organiser, noCheque, noPurchase
	f.env.Trajectory, f.env.Has, f.env.Out = &f.hours, &f.has, &f.d
	f.d.Price, f.d.Pay, f.d.Validity, f.d.Tax = &f.price, &f.pay, &f.validity, &f.tax
	f.d.RegistrationFee, f.d.PriceInForce, f.d.CovidCompensation = &f.fee, &f.inForce, &f.covid
	return f
}

// Areas declares the area this package decides in a combined decision:
// after the hours of a request, whose allowed hours it pays.
var Areas = area.Package{
	RuleAreas: []string{Area},
	Areas: []area.Definition{{
		Name: Area, Section: Area, After: []string{trajectory.AreaHours}, Result: reflect.TypeFor[*Decision](),
		Applies: func(s *area.State) bool { return HasData(s.Case) },
	}},
	Compile: func(c *area.Compiler) (area.Compiled, error) {
		e, err := Compiled(c)
		if err != nil {
			return area.Compiled{}, err
		}
		return area.Compiled{Decide: map[string]area.DecideFunc{Area: func(s *area.State) (any, error) { return e.decide(s) }},
			RuleSets: []*area.RuleSet{e.rules}}, nil
	},
}

// Engine decides wijk-werkcheques against one rulebook. It is immutable and
// safe for concurrent use.
type Engine struct {
	rb    *wk.Rulebook
	rules *area.RuleSet
	hours *trajectory.Engine
}

// New compiles the rulebook's voucher rules, and its trajectory and hours
// rules (the worker is paid for the hours that may be registered). Every
// problem is reported at once, with the rule id and file:line.
func New(rb *wk.Rulebook) (*Engine, error) {
	te, err := trajectory.New(rb)
	rs, err2 := area.Compile(rb, area.Spec{Area: Area, Env: &newFrame().env})
	if err := area.JoinErrors(err, err2); err != nil {
		return nil, err
	}
	return &Engine{rb: rb, rules: rs, hours: te}, nil
}

// WithTrajectory compiles the voucher rules of the trajectory engine's
// rulebook and uses that engine for the hours of a request, so that a caller
// who holds one compiles the trajectory rules only once.
func WithTrajectory(te *trajectory.Engine) (*Engine, error) {
	rs, err := area.Compile(te.Rulebook(), area.Spec{Area: Area, Env: &newFrame().env})
	if err != nil {
		return nil, err
	}
	return &Engine{rb: te.Rulebook(), rules: rs, hours: te}, nil
}

// Compiled returns the engine of c's rulebook, compiled once per Compiler
// (with the trajectory engine of the same Compiler).
func Compiled(c *area.Compiler) (*Engine, error) {
	return area.Memo(c, Area, func(*wk.Rulebook) (*Engine, error) {
		te, err := trajectory.Compiled(c)
		if err != nil {
			return nil, err
		}
		return WithTrajectory(te)
	})
}

// Rulebook returns the rulebook the engine decides with.
func (e *Engine) Rulebook() *wk.Rulebook { return e.rb }

// Decision is what the regulation says about the cheques of a case on a
// date. Each part is present when the case has the data for it.
type Decision struct {
	Date wk.Date `json:"date"`
	// Price judges the organiser's cheque price (case.organiser.cheque_price).
	*Price `json:"price,omitempty"`
	// Pay is the cost and the pay of the request (case.request).
	*Pay `json:"pay,omitempty"`
	// Validity is the validity of the batch of cheques (case.cheque).
	*Validity `json:"validity,omitempty"`
	// Tax is the buyer's tax reduction for the purchase (case.purchase).
	*Tax `json:"tax,omitempty"`
	// RegistrationFee is the user's yearly fee in force on the date; set
	// when the case has an organiser or a request.
	RegistrationFee *decimal.Decimal `json:"registration_fee,omitempty" expr:"registration_fee" path:"vouchers.registration_fee" doc:"the user's yearly fee"`
	// PriceInForce is the price of the latest of
	// case.organiser.price_decisions that applies on the date (from 1
	// January of the year after it was decided); nil when none applies yet.
	PriceInForce *decimal.Decimal `json:"price_in_force,omitempty" expr:"price_in_force" path:"vouchers.price_in_force" doc:"the price of the organiser's latest price decision that applies on the date"`
	// PriceDecisionsInForce counts the price decisions that apply already.
	PriceDecisionsInForce int `json:"-" expr:"price_decisions_in_force"`
	// CovidCompensation is the wijk-werker's COVID compensation of 2020 for
	// the month of the date; set when the case has trajectory.hours and the
	// date lies in the period of the measure.
	CovidCompensation    *decimal.Decimal `json:"covid_compensation,omitempty" expr:"covid_compensation" path:"vouchers.covid_compensation" doc:"the wijk-werker's 2020 COVID compensation for the month"`
	Covid2020Compensated bool             `json:"-" expr:"covid2020_compensated"`
	// Reasons are price_below_minimum, price_above_maximum,
	// price_not_allowed_step, cheque_expired and cheque_not_yet_issued where
	// they apply; nil (absent) when the case has no price, request, cheque,
	// purchase or organiser to judge.
	Reasons []wk.Reason `json:"reasons" path:"vouchers.reasons" doc:"price_below_minimum, price_above_maximum, price_not_allowed_step, cheque_expired, cheque_not_yet_issued"`
	Trace   *wk.Trace   `json:"trace,omitempty"`
}

// Price is the organiser's cheque price judged against the legal band and
// its steps.
type Price struct {
	Price decimal.Decimal `json:"price"`
	// Valid: the price lies within the band in force on the date and is
	// one of the allowed steps.
	Valid bool `json:"valid" expr:"price_valid" path:"vouchers.price_valid" doc:"the organiser's price lies in the legal band, on an allowed step"`
	// InBand: within the band; OnStep: the minimum plus a whole number of
	// steps.
	InBand bool `json:"in_band" expr:"price_in_band"`
	OnStep bool `json:"on_step" expr:"price_on_step"`
}

// Pay is what an assignment costs the user and earns the worker.
type Pay struct {
	// ChequesNeeded is what the assignment costs: one cheque per started
	// hour (docs/modelling-decisions.md MD 1).
	ChequesNeeded int `json:"cheques_needed" expr:"cheques_needed" path:"vouchers.cheques_needed" doc:"cheques the request costs"`
	// Hours is the hours decision the pay rests on: the allowance is paid
	// for Hours.Allowed.
	Hours *trajectory.Hours `json:"hours"`
	// Allowance is the worker's tax-free allowance for the hours allowed.
	Allowance decimal.Decimal `json:"allowance" expr:"allowance" path:"vouchers.allowance" doc:"the worker's pay for the request"`
	// TravelAllowance is the worker's tax-free allowance for request.km.
	TravelAllowance decimal.Decimal `json:"travel_allowance" expr:"travel_allowance" path:"vouchers.travel_allowance" doc:"the worker's travel allowance"`
}

// Validity is how long a batch of cheques stays valid.
type Validity struct {
	Issued wk.Date `json:"issued"`
	// OrdinaryExpiry is the last valid day without an extension.
	OrdinaryExpiry wk.Date `json:"ordinary_expiry" expr:"ordinary_expiry"`
	// Covid2020 and Covid2021 tell which COVID extension applies.
	Covid2020 bool `json:"covid2020" expr:"covid2020"`
	Covid2021 bool `json:"covid2021" expr:"covid2021"`
	// Expires is the last valid day, extensions included.
	Expires wk.Date `json:"expires" expr:"expires" path:"vouchers.expires" doc:"last valid day of the cheque batch"`
	// Valid: the batch can be used on the decision date (issued and not
	// expired).
	Valid bool `json:"valid" expr:"valid" path:"vouchers.valid" doc:"the batch can still be used on the decision date"`
}

// Tax is a buyer's tax reduction for one purchase (docs/modelling-decisions.md MD 9).
type Tax struct {
	// AmountPaid is count × unit price.
	AmountPaid decimal.Decimal `json:"amount_paid" expr:"amount_paid"`
	// Base is the part of AmountPaid within what the year's ceiling leaves
	// after service cheques (0 for a legal person).
	Base decimal.Decimal `json:"base" expr:"tax_base"`
	// Reduction is the rate of the purchase date times Base, rounded half up
	// to the cent (0 for a legal person).
	Reduction decimal.Decimal `json:"reduction" expr:"tax_reduction" path:"vouchers.tax_reduction" doc:"the buyer's tax reduction for the purchase"`
}

// ErrNothingToDecide is returned for a case without a request, organiser,
// cheque, purchase or trajectory hours.
var ErrNothingToDecide = errors.New("vouchers: the case has no request, organiser, cheque, purchase or trajectory hours")

// Decide decides the cheques of the case on date: the organiser's price
// (case.organiser.cheque_price) and the price its decisions put in force,
// the cost and pay of the request (case.request; its hours are decided
// first, with the trajectory when the case has one), the validity of the
// batch (case.cheque), the tax reduction of the purchase (case.purchase)
// and the 2020 COVID compensation (trajectory.hours).
func (e *Engine) Decide(date wk.Date, c *dossier.Case, opts ...wk.Option) (*Decision, error) {
	s := area.AcquireState(date, c, opts...)
	defer s.Release()
	d, err := e.decide(s)
	if err != nil {
		return nil, err
	}
	d.Trace = s.Trace // with the hours' and the period's steps
	return d, nil
}

func (e *Engine) decide(s *area.State) (*Decision, error) {
	d, err := e.decideVouchers(s)
	s.Put(Area, d, err)
	if err != nil {
		return nil, err
	}
	return d, nil
}

func (e *Engine) decideVouchers(s *area.State) (*Decision, error) {
	c, date := s.Case, s.Date
	if err := e.check(c, s.Options.Validated); err != nil {
		return nil, err
	}
	s.Options.Validated = true // it passed: the areas after this one do not check it again
	f := newFrame()
	en := &f.env
	if c.Request != nil {
		h, err := e.hours.HoursIn(s)
		if err != nil {
			return nil, err
		}
		f.pay.Hours = h
		en.Request = c.Request
		f.has.Request = true
		en.HoursAllowed = h.Allowed
	}
	if o := c.Organiser; o != nil {
		if o.ChequePrice != nil {
			f.organiser.ChequePrice = *o.ChequePrice
			f.price.Price = *o.ChequePrice
		}
		f.organiser.PriceDecisions = o.PriceDecisions
		f.has.Organiser = o.ChequePrice != nil
	}
	if c.Cheque != nil {
		en.Cheque = c.Cheque
		f.validity.Issued = c.Cheque.Issued
		f.has.Cheque = true
	}
	if c.Purchase != nil {
		en.Purchase = c.Purchase
		f.has.Purchase = true
	}
	if c.Trajectory != nil && c.Trajectory.Hours != nil {
		f.hours.Hours = c.Trajectory.Hours
		f.has.Hours = true
	}
	n := s.TraceLen()
	reasons, err := e.rules.EvalIn(s, en)
	if err != nil {
		return nil, err
	}
	// The parts the case has no data for are absent.
	d := &f.d
	d.Date, d.Trace = date, s.Since(n)
	if !f.has.Organiser {
		d.Price = nil
	}
	if !f.has.Request {
		d.Pay = nil
	}
	if !f.has.Cheque {
		d.Validity = nil
	}
	if !f.has.Purchase {
		d.Tax = nil
	}
	if c.Organiser == nil && c.Request == nil {
		d.RegistrationFee = nil
	}
	if d.PriceDecisionsInForce == 0 {
		d.PriceInForce = nil
	}
	if !d.Covid2020Compensated {
		d.CovidCompensation = nil
	}
	if c.Request != nil || c.Organiser != nil || c.Cheque != nil || c.Purchase != nil {
		if reasons == nil {
			reasons = []wk.Reason{}
		}
		d.Reasons = reasons
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
	var buf [4]dossier.Field // on the stack: checking a good case allocates nothing
	fields := buf[:0]
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
