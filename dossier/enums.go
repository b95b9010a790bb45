package dossier

// The enumerations of the case document. Each is an alias of string (so a
// case reads, compares and encodes as plain text, and rules compare it
// with text literals) with a constant per value; the names say which field
// takes which values. Validate refuses any other value.
type (
	// Region is where a person is domiciled or a user is (Person.DomicileRegion,
	// User.Region).
	Region = string
	// Income is a person's or a partner's income (Person.Income,
	// Partner.Income).
	Income = string
	// OCMWOption is how a household is referred (Household.OCMWOption).
	OCMWOption = string
	// UserType is the kind of user that has the work done (User.Type,
	// CommunityService.HostType).
	UserType = string
	// Buyer is who buys cheques (Purchase.Buyer).
	Buyer = string
	// FicheSigner is who signed a workplace fiche
	// (CommunityService.FicheSignedBy).
	FicheSigner = string
	// EndReason is why a trajectory ended (Trajectory.EndReason).
	EndReason = string
	// Exemption is why a person is exempt from gemeenschapsdienst
	// (Person.CommunityServiceExemption).
	Exemption = string
)

// Regions.
const (
	RegionFlanders Region = "flanders"
	RegionBrussels Region = "brussels"
	RegionWallonia Region = "wallonia"
	RegionAbroad   Region = "abroad"
)

// Incomes.
const (
	IncomeUnemploymentBenefit Income = "unemployment_benefit"
	IncomeLeefloon            Income = "leefloon"
	// IncomeLeefloonEquivalent is financial social assistance equivalent
	// to the leefloon.
	IncomeLeefloonEquivalent Income = "leefloon_equivalent"
	IncomeNone               Income = "none"
)

// How an OCMW refers a household.
const (
	OCMWReferBoth OCMWOption = "refer_both"
	OCMWAskVDAB   OCMWOption = "ask_vdab"
)

// User types.
const (
	UserPrivate      UserType = "private"
	UserMunicipality UserType = "municipality"
	UserOCMW         UserType = "ocmw"
	UserSchool       UserType = "school"
	UserNonprofit    UserType = "nonprofit"
	UserAgriculture  UserType = "agriculture"
)

// Buyers of cheques.
const (
	BuyerNaturalPerson Buyer = "natural_person"
	BuyerLegalPerson   Buyer = "legal_person"
)

// Signers of a workplace fiche.
const (
	SignerDirectSupervisor FicheSigner = "direct_supervisor"
	SignerHRManager        FicheSigner = "hr_manager"
	SignerGeneralDirector  FicheSigner = "general_director"
	SignerMentor           FicheSigner = "mentor"
)

// Why a trajectory ended.
const (
	EndJob      EndReason = "job"
	EndTraining EndReason = "training"
	// EndTWE is tijdelijke werkervaring (temporary work experience).
	EndTWE EndReason = "twe"
	// EndWerkZorg is a werk-zorg trajectory.
	EndWerkZorg EndReason = "werk_zorg"
	EndOther    EndReason = "other"
)

// Exemptions from gemeenschapsdienst.
const (
	ExemptSick      Exemption = "sick"
	ExemptVDABUnfit Exemption = "vdab_unfit"
)

// Enumerations returns, for every field of the case document that takes one
// of a fixed list of values, that list, keyed by the field's path in the
// document ("person.income", "request.user.type"). They are the lists
// Validate checks against; the JSON Schema of the case document is generated
// from them (package schema). Activity codes are not here: the rulebook's
// catalogue decides them, and a reform can add some.
func Enumerations() map[string][]string {
	c := func(l []string) []string { return append([]string(nil), l...) }
	return map[string][]string{
		"person.domicile_region":             c(regions),
		"person.income":                      c(incomes),
		"household.partner.income":           c(incomes),
		"household.ocmw_option":              c(ocmwOptions),
		"trajectory.end_reason":              c(endReasons),
		"request.user.type":                  c(userTypes),
		"request.user.region":                c(regions),
		"purchase.buyer":                     c(buyers),
		"community_service.host_type":        c(userTypes),
		"community_service.fiche_signed_by":  c(ficheSigners),
		"person.community_service_exemption": c(exemptions),
	}
}
