// Package wijkwerken is the reference rules engine of the Flemish activation
// measure wijk-werken and of gemeenschapsdienst: the regulation as data (a
// Rulebook of dated parameters and rules, each citing its source), and what
// a decision needs to explain itself (reasons, traces, citations).
//
// This package is the front door for two audiences.
//
// Vendors embedding the regulation start here and in the domain packages:
//
//	rb, err := wijkwerken.Reference()        // the embedded reference rulebook
//	rb2, err := rb.Reform(reform)             // a changed copy (ParseReform, LoadReform)
//	v, err := rb.Param("hours.per_month_max", date)
//	eng, err := decision.New(rb)              // every area, compiled once
//	res, err := eng.Decide(date, c, wijkwerken.WithTrace())
//
// The areas have packages of their own (eligibility, trajectory, vouchers,
// placement, organiser) with typed decisions; the case document is package
// dossier. Errors are typed for errors.As: *LoadError (every problem of a
// file, with file:line), *NotInForceError (a date before the regulation),
// *RuleError (a rule that failed), *UnknownError, *DateError.
//
// Authors of an area (a new part of the regulation) compile its rules
// against a typed environment with package area, which also runs the areas
// of a combined decision over one state; this package holds only the
// rulebook they compile.
//
// Dates are civil dates (Date); money is decimal.Decimal; a Rulebook is
// immutable and safe for concurrent use.
package wijkwerken
