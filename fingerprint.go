package wijkwerken

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sort"
	"strings"
)

// fingerprintFormat versions the canonical form Fingerprint digests. It
// changes only when that form does (never for a change of the regulation),
// so that fingerprints stay comparable across engine versions that share it.
const fingerprintFormat = 1

// Fingerprint returns a stable digest of the rulebook as applied: its
// parameters and rules, with every reform applied to it in order, as
// "sha256:" and 64 hexadecimal digits. The same rulebook files and reforms
// give the same fingerprint on every machine, whatever the directory they
// are read from, the order of the files or of the keys within an entry,
// comments and blank lines; any change of an id, kind, value, date,
// expression, reason, output, citation, confidence, source, unit,
// description or message gives another.
//
// What is digested is canonical content only: parameters in id order, each
// with its timeline; rules by area, in rulebook order within an area (the
// order in which an area evaluates them, which its outputs and reasons
// follow); the names of the reforms applied, in order. File positions and
// the rulebook's Name are left out. Expressions are digested with their
// whitespace outside string literals collapsed, so re-indenting one does
// not change the fingerprint; decimals are digested without trailing zeros
// (7.450 is 7.45).
//
// The digest is computed on each call (about as costly as encoding the
// rulebook as JSON); callers that need it per decision keep it.
func (rb *Rulebook) Fingerprint() string {
	doc := canonicalRulebook{Format: fingerprintFormat, Reforms: rb.Reforms()}
	for _, p := range rb.Parameters() { // ordered by id
		cp := canonicalParam{ID: p.ID, Kind: p.Kind.String(), Unit: p.Unit, Cite: p.Cite, Confidence: p.Confidence,
			Source: p.Source, Description: p.Description}
		for _, v := range p.Values {
			cp.Values = append(cp.Values, canonicalValue{From: v.From.String(), To: v.To.String(), Value: canonicalValueText(v.Value),
				Cite: v.Cite, Confidence: v.Confidence, Source: v.Source, Reform: v.Reform})
		}
		doc.Parameters = append(doc.Parameters, cp)
	}
	byArea := map[string][]canonicalRule{}
	for _, r := range rb.Rules("") {
		byArea[r.Area] = append(byArea[r.Area], canonicalRule{ID: r.ID, From: r.From.String(), To: r.To.String(), Cite: r.Cite,
			Confidence: r.Confidence, Source: r.Source, Description: r.Description, Message: r.Message,
			When: canonicalExpr(r.When), Reason: r.Reason, Value: canonicalExpr(r.Value), Output: r.Output, Reform: r.Reform})
	}
	areas := make([]string, 0, len(byArea))
	for a := range byArea {
		areas = append(areas, a)
	}
	sort.Strings(areas)
	for _, a := range areas {
		doc.Areas = append(doc.Areas, canonicalArea{Area: a, Rules: byArea[a]})
	}
	// encoding/json writes struct fields in declaration order and escapes
	// every string, so the encoding is unambiguous and deterministic.
	b, err := json.Marshal(doc)
	if err != nil {
		panic("wijkwerken: fingerprint: " + err.Error()) // only strings and slices: cannot fail
	}
	sum := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(sum[:])
}

type canonicalRulebook struct {
	Format     int              `json:"format"`
	Parameters []canonicalParam `json:"parameters"`
	Areas      []canonicalArea  `json:"areas"`
	Reforms    []string         `json:"reforms"`
}

type canonicalParam struct {
	ID          string           `json:"id"`
	Kind        string           `json:"kind"`
	Unit        string           `json:"unit"`
	Cite        string           `json:"cite"`
	Confidence  string           `json:"confidence"`
	Source      string           `json:"source"`
	Description Text             `json:"description"`
	Values      []canonicalValue `json:"values"`
}

type canonicalValue struct {
	From       string `json:"from"`
	To         string `json:"to"`
	Value      any    `json:"value"`
	Cite       string `json:"cite"`
	Confidence string `json:"confidence"`
	Source     string `json:"source"`
	Reform     string `json:"reform"`
}

type canonicalArea struct {
	Area  string          `json:"area"`
	Rules []canonicalRule `json:"rules"`
}

type canonicalRule struct {
	ID          string `json:"id"`
	From        string `json:"from"`
	To          string `json:"to"`
	Cite        string `json:"cite"`
	Confidence  string `json:"confidence"`
	Source      string `json:"source"`
	Description Text   `json:"description"`
	Message     Text   `json:"message"`
	When        string `json:"when"`
	Reason      string `json:"reason"`
	Value       string `json:"value"`
	Output      string `json:"output"`
	Reform      string `json:"reform"`
}

// canonicalValueText is a parameter value as digested: its kind and its text
// (a list item by item), decimals without trailing zeros.
func canonicalValueText(v Value) any {
	switch v.Kind() {
	case KindList:
		return append([]string{"list"}, v.List()...)
	case KindDecimal:
		s := v.Decimal().String()
		if strings.Contains(s, ".") {
			s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
		}
		return []string{"decimal", s}
	}
	return []string{v.Kind().String(), v.String()}
}

// canonicalExpr collapses every run of whitespace outside string literals
// ('…', "…" with backslash escapes, `…`) into one space and trims the ends,
// so that the layout of an expression in its file does not count.
func canonicalExpr(src string) string {
	var b strings.Builder
	b.Grow(len(src))
	var quote rune
	escaped, space := false, false
	for _, c := range src {
		if quote != 0 {
			b.WriteRune(c)
			switch {
			case escaped:
				escaped = false
			case c == '\\' && quote != '`':
				escaped = true
			case c == quote:
				quote = 0
			}
			continue
		}
		if c == ' ' || c == '\t' || c == '\n' || c == '\r' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		if c == '"' || c == '\'' || c == '`' {
			quote = c
		}
		b.WriteRune(c)
	}
	return b.String()
}
