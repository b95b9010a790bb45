// Package dossier is the case document of docs/contract.md: one document that
// describes everything a decision may need (the person, the household, the
// trajectory, an assignment request, the organiser, cheques, a purchase,
// community service). Each area of the regulation reads its part.
//
// Cases decode strictly from YAML or JSON (ParseCase): an unknown field, an
// unknown enumeration value, a malformed or impossible date is an error that
// names the field, the allowed values and, for files, the line. Cases built
// in Go are checked the same way by Validate.
//
// Field names are snake_case as in the case document; the same names are
// what rule expressions read (person.income, request.date, ...).
package dossier

import (
	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/shopspring/decimal"
)

// Case is the case document. A nil section is absent: the areas that need
// it are not decided.
type Case struct {
	Person           *Person           `json:"person,omitempty"`
	Household        *Household        `json:"household,omitempty"`
	Trajectory       *Trajectory       `json:"trajectory,omitempty"`
	Request          *Request          `json:"request,omitempty"`
	Organiser        *Organiser        `json:"organiser,omitempty"`
	Cheque           *Cheque           `json:"cheque,omitempty"`
	Purchase         *Purchase         `json:"purchase,omitempty"`
	CommunityService *CommunityService `json:"community_service,omitempty"`
}

// Person is the (candidate) wijk-werker.
type Person struct {
	// DomicileRegion is where the person is domiciled: flanders, brussels,
	// wallonia or abroad.
	DomicileRegion Region `json:"domicile_region,omitempty" expr:"domicile_region"`
	// RegisteredJobseeker: registered with VDAB as a jobseeker.
	RegisteredJobseeker bool `json:"registered_jobseeker" expr:"registered_jobseeker"`
	// Income: unemployment_benefit, leefloon, leefloon_equivalent or none.
	Income Income `json:"income,omitempty" expr:"income"`
	// JobseekingSince is the first day of the current jobseeking spell.
	JobseekingSince wk.Date `json:"jobseeking_since,omitzero" expr:"jobseeking_since"`
	// SocialEconomyHighest: indicated that social economy is the highest
	// attainable outcome.
	SocialEconomyHighest bool `json:"social_economy_highest" expr:"social_economy_highest"`
	// FasterRouteAvailable: another instrument fits and leads to work faster.
	FasterRouteAvailable bool `json:"faster_route_available" expr:"faster_route_available"`
	// PWAAgreement: bound by a PWA agreement on 30 September 2017.
	PWAAgreement bool `json:"pwa_agreement_on_2017_09_30" expr:"pwa_agreement_on_2017_09_30"`
	// InterimDaysLast28: days of interim work in the last 28 days.
	InterimDaysLast28 int `json:"interim_days_last_28" expr:"interim_days_last_28"`
	// IncapacityRecognised: recognised as unfit for work by the RIZIV
	// (the sickness and invalidity insurance).
	IncapacityRecognised bool `json:"incapacity_recognised" expr:"incapacity_recognised"`
	// MedicalAdviserConsent: the medical adviser (adviserend arts) of the
	// person's health insurer allows wijk-werk.
	MedicalAdviserConsent bool `json:"medical_adviser_consent" expr:"medical_adviser_consent"`
	// CommunityServiceExemption, when set, is why the person is not obliged
	// to do gemeenschapsdienst: sick, or vdab_unfit (VDAB judges it unfit
	// for the person's trajectory).
	CommunityServiceExemption Exemption `json:"community_service_exemption,omitempty" expr:"community_service_exemption"`
}

// Household describes the household case of seed 004: one partner receives
// leefloon, the other is a free jobseeker.
type Household struct {
	Partner Partner `json:"partner" expr:"partner"`
	// OCMWOption is the OCMW's choice, made with the local VDAB:
	// refer_both (option A) or ask_vdab (option B).
	OCMWOption OCMWOption `json:"ocmw_option,omitempty" expr:"ocmw_option"`
	// VDABConsulted: the OCMW consulted the local VDAB.
	VDABConsulted bool `json:"vdab_consulted" expr:"vdab_consulted"`
}

// Partner is the person's partner in the household case.
type Partner struct {
	Income              Income `json:"income,omitempty" expr:"income"`
	RegisteredJobseeker bool   `json:"registered_jobseeker" expr:"registered_jobseeker"`
}

// Trajectory is the person's wijk-werk trajectory.
type Trajectory struct {
	Start wk.Date `json:"start,omitzero" expr:"start"`
	// Evaluations are the dates of the evaluations held.
	Evaluations []wk.Date `json:"evaluations,omitzero" expr:"evaluations"`
	// LastActivity is the last day with wijk-werk (for the lapse of the PWA
	// transitional measure).
	LastActivity wk.Date `json:"last_activity,omitzero" expr:"last_activity"`
	// Hours are the started hours already registered per month ("YYYY-MM").
	Hours map[string]int `json:"hours,omitempty" expr:"hours"`
	// End is the day the trajectory ended early, if it did; EndReason says
	// why (an outflow: job, training, twe, werk_zorg, other).
	End       wk.Date   `json:"end,omitzero" expr:"end"`
	EndReason EndReason `json:"end_reason,omitempty" expr:"end_reason"`
	// Suspensions are periods in which the trajectory was suspended.
	Suspensions []Suspension `json:"suspensions,omitempty" expr:"suspensions"`
	// Agreement is the afsprakenblad (or GPMI) that lays down the trajectory.
	Agreement *Agreement `json:"agreement,omitempty" expr:"-"`
}

// Suspension is a period, From to To inclusive (To zero: still suspended).
type Suspension struct {
	From wk.Date `json:"from,omitzero"`
	To   wk.Date `json:"to,omitzero"`
}

// Agreement is the afsprakenblad or an equivalent document such as the
// GPMI (seed 004): what the referrer lays down for the trajectory.
type Agreement struct {
	CompetencesAcquired  []string `json:"competences_acquired,omitempty" expr:"competences_acquired"`
	CompetencesToAcquire []string `json:"competences_to_acquire,omitempty" expr:"competences_to_acquire"`
	PreferredActivities  []string `json:"preferred_activities,omitempty" expr:"preferred_activities"`
	NextSteps            []string `json:"next_steps,omitempty" expr:"next_steps"`
	// DurationMonths is how long wijk-werken will last for the person.
	DurationMonths int `json:"duration_months" expr:"duration_months"`
	// HoursPlan is the hours per month: one value for a fixed number, one
	// per month of the trajectory for a progressive plan.
	HoursPlan []int `json:"hours_plan,omitempty" expr:"hours_plan"`
}

// Request is an assignment to check or to place.
type Request struct {
	Date wk.Date `json:"date,omitzero" expr:"date"`
	// Minutes is the assignment's duration; hours and cheques count per
	// started hour.
	Minutes  int    `json:"minutes" expr:"minutes"`
	User     User   `json:"user" expr:"user"`
	Activity string `json:"activity,omitempty" expr:"activity"`
	// Km is the worker's travel distance.
	Km decimal.Decimal `json:"km" expr:"km"`
}

// User is who the assignment is for.
type User struct {
	// Type: private, municipality, ocmw, school, nonprofit or agriculture.
	Type UserType `json:"type,omitempty" expr:"type"`
	// Region where the activity takes place: flanders, brussels, wallonia,
	// abroad.
	Region       Region `json:"region,omitempty" expr:"region"`
	Municipality string `json:"municipality,omitempty" expr:"municipality"`
}

// Organiser is the wijk-werkorganisatie of the area.
type Organiser struct {
	// ChequePrice is the price the organiser charges for a wijk-werkcheque;
	// nil when the case does not give it (then no price is judged).
	ChequePrice *decimal.Decimal `json:"cheque_price,omitempty" expr:"cheque_price"`
	// Inhabitants is the number of inhabitants of the organiser's area; nil
	// when the case does not give it (then the area is not judged).
	Inhabitants *int `json:"inhabitants,omitempty" expr:"inhabitants"`
	// Activities the organiser offers; empty means the whole reference
	// catalogue.
	Activities []string `json:"activities,omitempty" expr:"activities"`
	// PriceDecisions are the organiser's decisions on its cheque price, in
	// the order they were taken (each decided after the one before).
	PriceDecisions []PriceDecision `json:"price_decisions,omitempty" expr:"price_decisions"`
}

// PriceDecision is an organiser's decision to charge Price for a
// wijk-werkcheque, taken on Decided.
type PriceDecision struct {
	Decided wk.Date         `json:"decided,omitzero" expr:"decided"`
	Price   decimal.Decimal `json:"price" expr:"price"`
}

// Cheque is a batch of wijk-werkcheques.
type Cheque struct {
	Issued wk.Date `json:"issued,omitzero" expr:"issued"`
}

// Purchase is a purchase of wijk-werkcheques.
type Purchase struct {
	Date      wk.Date         `json:"date,omitzero" expr:"date"`
	Count     int             `json:"count" expr:"count"`
	UnitPrice decimal.Decimal `json:"unit_price" expr:"unit_price"`
	// Buyer: natural_person or legal_person.
	Buyer Buyer `json:"buyer,omitempty" expr:"buyer"`
	// ServiceChequesAmount is what the buyer paid for service cheques in the
	// same year (the tax ceiling is shared, service cheques first).
	ServiceChequesAmount decimal.Decimal `json:"service_cheques_amount" expr:"service_cheques_amount"`
}

// CommunityService is a gemeenschapsdienst plan.
type CommunityService struct {
	Start         wk.Date `json:"start,omitzero" expr:"start"`
	End           wk.Date `json:"end,omitzero" expr:"end"`
	HoursPerMonth int     `json:"hours_per_month" expr:"hours_per_month"`
	// HostType is a user type; only municipality, ocmw, school and
	// nonprofit may host in the reference rulebook.
	HostType        UserType `json:"host_type,omitempty" expr:"host_type"`
	MentorCertified bool     `json:"mentor_certified" expr:"mentor_certified"`
	// FicheSignedBy: direct_supervisor, hr_manager, general_director or
	// mentor.
	FicheSignedBy FicheSigner `json:"fiche_signed_by,omitempty" expr:"fiche_signed_by"`
}

// The enumerations of the case document, each a list of its constants
// (below). Values outside these lists are errors. (Activity codes are not
// here: the rulebook's catalogue decides them, and a reform can add some.)
var (
	regions      = []string{RegionFlanders, RegionBrussels, RegionWallonia, RegionAbroad}
	incomes      = []string{IncomeUnemploymentBenefit, IncomeLeefloon, IncomeLeefloonEquivalent, IncomeNone}
	ocmwOptions  = []string{OCMWReferBoth, OCMWAskVDAB}
	userTypes    = []string{UserPrivate, UserMunicipality, UserOCMW, UserSchool, UserNonprofit, UserAgriculture}
	buyers       = []string{BuyerNaturalPerson, BuyerLegalPerson}
	ficheSigners = []string{SignerDirectSupervisor, SignerHRManager, SignerGeneralDirector, SignerMentor}
	endReasons   = []string{EndJob, EndTraining, EndTWE, EndWerkZorg, EndOther}
	exemptions   = []string{ExemptSick, ExemptVDABUnfit}
)

// UserTypes returns the user types of the case document.
func UserTypes() []string { return append([]string(nil), userTypes...) }
