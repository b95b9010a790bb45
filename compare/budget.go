package compare

import (
	"sort"

	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/openwijkwerken/wijkwerken/dossier"
	"github.com/shopspring/decimal"
)

// BudgetYear is what the reform changes in one calendar year (of the
// cases' decision dates), for whom.
type BudgetYear struct {
	Year  int          `json:"year"`
	Cases int          `json:"cases"`
	Lines []BudgetLine `json:"lines"`
}

// BudgetLine is one line of a budget: a sum over the year's cases before
// and after, with its formula and who pays it.
type BudgetLine struct {
	// Section is "government", "users" or "organisers".
	Section string `json:"section"`
	Name    string `json:"name"`
	// Formula is the line in terms of output paths, or of the lines above.
	Formula string `json:"formula"`
	// PaidBy says who bears the line, where the regulation says it.
	PaidBy string `json:"paid_by,omitempty"`
	// Total marks a line that sums others of its section.
	Total  bool            `json:"total,omitempty"`
	Before decimal.Decimal `json:"before"`
	After  decimal.Decimal `json:"after"`
	Change decimal.Decimal `json:"change"`
}

// budgetDefs are the lines summed over cases; the totals of each section
// are derived from them (budgetTotals).
var budgetDefs = []struct {
	section, name, formula, paidBy string
	add                            func(r *decision.Result, c *dossier.Case) decimal.Decimal
}{
	{"government", "worker allowances", "Σ vouchers.allowance", "the cheque issuer, out of the cheque price (BVR art. 40)", sumDec("vouchers.allowance")},
	{"government", "travel allowances", "Σ vouchers.travel_allowance", "not stated in the sources", sumDec("vouchers.travel_allowance")},
	{"government", "tax expenditure (tax reductions)", "Σ vouchers.tax_reduction", "the Flemish government (regional tax reduction)", sumDec("vouchers.tax_reduction")},
	{"government", "community service allowances", "Σ community_service.allowance (a month per case)", "VDAB, on top of the benefit", sumDec("community_service.allowance")},
	{"users", "cheques bought", "Σ vouchers.cheques_needed × organiser.cheque_price, where vouchers.price_valid", "the users", chequeRevenue},
	{"users", "tax reductions received", "− Σ vouchers.tax_reduction", "", func(r *decision.Result, c *dossier.Case) decimal.Decimal {
		return sumDec("vouchers.tax_reduction")(r, c).Neg()
	}},
	{"users", "registration fees", "Σ vouchers.registration_fee (one a case)", "the users", sumDec("vouchers.registration_fee")},
	{"organisers", "cheque revenue", "Σ vouchers.cheques_needed × organiser.cheque_price, where vouchers.price_valid", "", chequeRevenue},
	{"organisers", "less the workers' allowances", "− Σ vouchers.allowance (paid out of the cheque price)", "", func(r *decision.Result, c *dossier.Case) decimal.Decimal {
		return sumDec("vouchers.allowance")(r, c).Neg()
	}},
}

// budgetTotals name each section's total line and its formula.
var budgetTotals = map[string][2]string{
	"government": {"total", "total of the lines above"},
	"users":      {"net cost", "cheques bought − tax reductions + registration fees"},
	"organisers": {"revenue less allowances", "cheque revenue − worker allowances (issuer's costs not modelled)"},
}

// budgetAcc is the budget lines per year, before and after.
type budgetAcc map[int]*budgetYearAcc

type budgetYearAcc struct {
	cases int
	sums  [2][]decimal.Decimal
}

func (b budgetAcc) add(year int, base, alt *decision.Result, c *dossier.Case) {
	y := b[year]
	if y == nil {
		y = &budgetYearAcc{}
		for k := range y.sums {
			y.sums[k] = make([]decimal.Decimal, len(budgetDefs))
		}
		b[year] = y
	}
	y.cases++
	for i, d := range budgetDefs {
		if v := d.add(base, c); !v.IsZero() {
			y.sums[0][i] = y.sums[0][i].Add(v)
		}
		if v := d.add(alt, c); !v.IsZero() {
			y.sums[1][i] = y.sums[1][i].Add(v)
		}
	}
}

func (b budgetAcc) merge(o budgetAcc) {
	for year, oy := range o {
		y := b[year]
		if y == nil {
			b[year] = oy
			continue
		}
		y.cases += oy.cases
		for k := range y.sums {
			for i := range y.sums[k] {
				y.sums[k][i] = y.sums[k][i].Add(oy.sums[k][i])
			}
		}
	}
}

func (b budgetAcc) result() []BudgetYear {
	years := make([]int, 0, len(b))
	for y := range b {
		years = append(years, y)
	}
	sort.Ints(years)
	out := []BudgetYear{}
	for _, year := range years {
		y := b[year]
		by := BudgetYear{Year: year, Cases: y.cases}
		var section string
		var total [2]decimal.Decimal
		flush := func() {
			if section == "" {
				return
			}
			t := budgetTotals[section]
			by.Lines = append(by.Lines, BudgetLine{Section: section, Name: t[0], Formula: t[1], Total: true,
				Before: total[0], After: total[1], Change: total[1].Sub(total[0])})
		}
		for i, d := range budgetDefs {
			if d.section != section {
				flush()
				section, total = d.section, [2]decimal.Decimal{}
			}
			bv, av := y.sums[0][i], y.sums[1][i]
			total[0], total[1] = total[0].Add(bv), total[1].Add(av)
			by.Lines = append(by.Lines, BudgetLine{Section: d.section, Name: d.name, Formula: d.formula, PaidBy: d.paidBy,
				Before: bv, After: av, Change: av.Sub(bv)})
		}
		flush()
		out = append(out, by)
	}
	return out
}
