package compare

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// Lang is the language a report is written in: "en" (the default) or
// "nl". Numbers follow it too: 1,234.50 in English, 1.234,50 in Dutch.
type Lang string

// The languages a report can be written in.
const (
	English Lang = "en"
	Dutch   Lang = "nl"
)

// ParseLang returns the language named s ("en" or "nl").
func ParseLang(s string) (Lang, error) {
	switch Lang(s) {
	case English, Dutch:
		return Lang(s), nil
	case "":
		return English, nil
	}
	return "", fmt.Errorf("unknown language %q: want en or nl", s)
}

func (l Lang) nl() bool { return l == Dutch }

// t translates a label of the report; a label without a translation is
// shown as it is (an output path, a rule id).
func (l Lang) t(en string) string {
	if l.nl() {
		if s, ok := dutch[en]; ok {
			return s
		}
	}
	return en
}

// tf translates a format and formats it.
func (l Lang) tf(en string, args ...any) string { return fmt.Sprintf(l.t(en), args...) }

// integer writes n with the language's thousands separator.
func (l Lang) integer(n int) string { return l.decimal(decimal.NewFromInt(int64(n)), 0) }

// decimal writes d rounded half up to places, with the language's
// thousands and decimal separators.
func (l Lang) decimal(d decimal.Decimal, places int32) string {
	s := d.StringFixed(places)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	thousands, point := ",", "."
	if l.nl() {
		thousands, point = ".", ","
	}
	var b strings.Builder
	if neg && strings.Trim(s, "0.") != "" {
		b.WriteString("−")
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString(point)
		b.WriteString(frac)
	}
	return b.String()
}

// amount writes a quantity of unit: euro with cents, hours and cases whole
// (or with the places they have).
func (l Lang) amount(d decimal.Decimal, unit string) string {
	if unit == "EUR" {
		return l.decimal(d, 2)
	}
	places := max(0, -d.Exponent())
	if d.Equal(d.Truncate(0)) {
		places = 0
	}
	return l.decimal(d, places)
}

// signed writes an amount with its sign, + for a positive one.
func (l Lang) signed(d decimal.Decimal, unit string) string {
	if d.IsPositive() {
		return "+" + l.amount(d, unit)
	}
	return l.amount(d, unit)
}

// percent writes n of total as a percentage with one decimal.
func (l Lang) percent(n, total int) string {
	if total == 0 {
		return l.decimal(decimal.Zero, 1) + " %"
	}
	p := decimal.NewFromInt(int64(n)).Mul(decimal.NewFromInt(100)).Div(decimal.NewFromInt(int64(total)))
	return l.decimal(p, 1) + " %"
}

// unit names a unit in the language.
func (l Lang) unit(u string) string {
	switch u {
	case "EUR":
		return "EUR"
	case "hours":
		return l.t("hours")
	case "cases":
		return l.t("cases")
	}
	return u
}

// dutch holds the Dutch of every label the reports write.
var dutch = map[string]string{
	"hours":                "uren",
	"cases":                "gevallen",
	"What changes":         "Wat verandert",
	"Baseline":             "Basis",
	"Fingerprints":         "Vingerafdrukken",
	"with the reforms":     "met de hervormingen",
	"Engine":               "Rekenmotor",
	"Reform":               "Hervorming",
	"Cites":                "Bron",
	"File":                 "Bestand",
	"before":               "voor",
	"after":                "na",
	"change":               "verschil",
	"total":                "totaal",
	"unit":                 "eenheid",
	"what is summed":       "wat opgeteld wordt",
	"formula":              "formule",
	"paid by":              "betaald door",
	"Headline":             "Kern",
	"Winners and losers":   "Wie wint, wie verliest",
	"actor":                "wie",
	"measure":              "maat",
	"better when":          "beter als",
	"more":                 "meer",
	"less":                 "minder",
	"gain":                 "winnen",
	"lose":                 "verliezen",
	"unchanged":            "gelijk",
	"total gained":         "totaal gewonnen",
	"total lost":           "totaal verloren",
	"net change":           "netto verschil",
	"mean change":          "gemiddeld verschil",
	"median":               "mediaan",
	"10th–90th percentile": "10e–90e percentiel",
	"Budget per year":      "Budget per jaar",
	"Groups":               "Groepen",
	"group":                "groep",
	"decision changes":     "beslissing verandert",
	"Outputs that change":  "Uitkomsten die veranderen",
	"decisions":            "beslissingen",
	"reasons":              "redenen",
	"bookkeeping":          "boekhouding",
	"output":               "uitkomst",
	"kind":                 "soort",
	"computed before":      "berekend voor",
	"changed":              "veranderd",
	"how":                  "hoe",
	"Rules whose reasons appear or disappear": "Regels waarvan de reden verschijnt of verdwijnt",
	"rule":                                "regel",
	"reason":                              "reden",
	"appears in":                          "verschijnt in",
	"disappears from":                     "verdwijnt uit",
	"None.":                               "Geen.",
	"Examples":                            "Voorbeelden",
	"case (line)":                         "geval (regel)",
	"Lines that could not be decided":     "Regels die niet beslist konden worden",
	"Charts of the change":                "Grafieken van het verschil",
	"Other totals":                        "Andere totalen",
	"Sweep of":                            "Reeks van",
	"Totals per value":                    "Totalen per waarde",
	"baseline":                            "basis",
	"swept value":                         "gevarieerde waarde",
	"value":                               "waarde",
	"number of cases":                     "aantal gevallen",
	"Made by wijkwerken compare.":         "Gemaakt door wijkwerken compare.",
	"Made by wijkwerken compare --sweep.": "Gemaakt door wijkwerken compare --sweep.",
	"wijk-werkers":                        "wijk-werkers",
	"users":                               "gebruikers",
	"organisers":                          "organisatoren",
	"gemeenschapsdienst":                  "gemeenschapsdienst",
	"Flemish government and the cheque system": "Vlaamse overheid en het chequesysteem",
	"pay (allowance and travel)":               "vergoeding (per cheque en verplaatsing)",
	"hours allowed":                            "toegestane uren",
	"net cost of the cheques after tax":        "nettokost van de cheques na belasting",
	"cheque revenue":                           "opbrengst van de cheques",
	"allowance":                                "vergoeding",
	"worker allowances":                        "vergoedingen wijk-werkers",
	"travel allowances":                        "verplaatsingsvergoedingen",
	"tax expenditure (tax reductions)":         "fiscale uitgave (belastingverminderingen)",
	"community service allowances":             "vergoedingen gemeenschapsdienst",
	"cheques bought":                           "gekochte cheques",
	"tax reductions received":                  "ontvangen belastingvermindering",
	"registration fees":                        "inschrijvingsrechten",
	"net cost":                                 "nettokost",
	"less the workers' allowances":             "min de vergoedingen van de wijk-werkers",
	"revenue less allowances":                  "opbrengst min vergoedingen",
	"change per case":                          "verschil per geval",
	"hours allowed per request, before and after (changed cases)":     "toegestane uren per aanvraag, voor en na (veranderde gevallen)",
	"cases whose decision changes":                                    "gevallen waarvan een beslissing verandert",
	"more only in their reasons":                                      "bijkomend alleen in hun redenen",
	"only in bookkeeping":                                             "alleen in de boekhouding",
	"unchanged cases":                                                 "ongewijzigd",
	"decided under both rulebooks":                                    "beslist onder beide regelboeken",
	"could not be decided":                                            "konden niet beslist worden",
	"Every case decided on":                                           "Elk geval beslist op",
	"The distribution of the change over the cases where it changes.": "De verdeling van het verschil over de gevallen waar het verandert.",
	"Bookkeeping outputs change with the rules without a decision changing (hours still free in the month or year); they are listed apart.": "Boekhoudkundige uitkomsten veranderen mee met de regels zonder dat een beslissing verandert (uren die nog vrij zijn in de maand of het jaar); ze staan apart.",
	"show":       "toon",
	"line":       "regel",
	"Population": "Populatie",
	"errors":     "fouten",
	"decided on": "beslist op",
	"the Flemish government (regional tax reduction)":          "de Vlaamse overheid (gewestelijke belastingvermindering)",
	"VDAB, on top of the benefit":                              "VDAB, bovenop de uitkering",
	"the cheque issuer, out of the cheque price (BVR art. 40)": "de uitgever, uit de chequeprijs (BVR art. 40)",
	"not stated in the sources":                                "niet vermeld in de bronnen",
	"the users":                                                "de gebruikers",
	"the organisers":                                           "de organisatoren",
	"total of the lines above":                                 "totaal van de regels hierboven",
	"no case decided in this year":                             "geen geval beslist in dit jaar",
	"Groups by":                                                "Groepen volgens",
	"no cases where it changes":                                "geen gevallen waar het verandert",
	"gain and lose":                                            "winnen en verliezen",
	"decided":                                                  "beslist",
	"change of":                                                "verschil van",
	"more cases":                                               "meer gevallen",
	"from":                                                     "vanaf",
	"under every rulebook":                                     "onder elk regelboek",
	"the parameter takes each value":                           "de parameter neemt elke waarde aan",
}
