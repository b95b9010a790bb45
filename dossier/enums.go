package dossier

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
