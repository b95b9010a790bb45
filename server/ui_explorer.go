package server

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	wk "github.com/openwijkwerken/wijkwerken"
)

// The legislation explorer: areas, rules and parameters as the rulebook
// holds them on any date, search, and what changed between two dates.

type areaSummary struct {
	Area    string
	InForce int
	All     int
}

type paramRow struct {
	P    *wk.Parameter
	Step *ParameterStep // nil when no value is in force on the date
}

type paramGroup struct {
	Name   string
	Params []paramRow
}

type homeData struct {
	Areas  []areaSummary
	Groups []paramGroup
	Error  string
}

func (u *ui) paramGroups(at wk.Date) []paramGroup {
	var groups []paramGroup
	for _, prm := range u.s.base.rb.Parameters() {
		g, _, _ := strings.Cut(prm.ID, ".")
		if len(groups) == 0 || groups[len(groups)-1].Name != g {
			groups = append(groups, paramGroup{Name: g})
		}
		last := &groups[len(groups)-1]
		last.Params = append(last.Params, paramRow{P: prm, Step: stepAt(prm, at)})
	}
	return groups
}

func (u *ui) home(w http.ResponseWriter, r *http.Request) {
	at, bad := asOf(r, "at")
	p := u.newPage(w, r, "explorer", tr(lang(w, r), "explorer.title"))
	p.At = at
	rb := u.s.base.rb
	d := homeData{Error: bad, Groups: u.paramGroups(at)}
	for _, a := range rb.Areas() {
		d.Areas = append(d.Areas, areaSummary{Area: a, InForce: len(rb.RulesAt(a, at)), All: len(rb.Rules(a))})
	}
	p.Data = d
	u.render(w, r, "home", http.StatusOK, p)
}

type areaData struct {
	Area       string
	InForce    []*wk.Rule
	NotInForce []*wk.Rule
	Error      string
}

func (u *ui) notFound(w http.ResponseWriter, r *http.Request, what, id string) {
	p := u.newPage(w, r, "explorer", tr(lang(w, r), "notfound.title"))
	p.At, _ = asOf(r, "at")
	p.Data = struct{ What, ID string }{what, id}
	u.render(w, r, "notfound", http.StatusNotFound, p)
}

func (u *ui) area(w http.ResponseWriter, r *http.Request) {
	rb := u.s.base.rb
	name := r.PathValue("area")
	if !slices.Contains(rb.Areas(), name) {
		u.notFound(w, r, "area", name)
		return
	}
	at, bad := asOf(r, "at")
	p := u.newPage(w, r, "explorer", tr(lang(w, r), "area."+name))
	p.At = at
	d := areaData{Area: name, Error: bad}
	for _, rule := range rb.Rules(name) {
		if rule.InForce(at) {
			d.InForce = append(d.InForce, rule)
		} else {
			d.NotInForce = append(d.NotInForce, rule)
		}
	}
	p.Data = d
	u.render(w, r, "area", http.StatusOK, p)
}

type ruleData struct {
	ID       string
	Versions []*wk.Rule
	Current  *wk.Rule // the version in force on the date, if any
	Error    string
}

func (u *ui) rule(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	at, bad := asOf(r, "at")
	d := ruleData{ID: id, Error: bad}
	for _, rule := range u.s.base.rb.Rules("") {
		if rule.ID == id {
			d.Versions = append(d.Versions, rule)
			if rule.InForce(at) {
				d.Current = rule
			}
		}
	}
	if len(d.Versions) == 0 {
		u.notFound(w, r, "rule", id)
		return
	}
	p := u.newPage(w, r, "explorer", id)
	p.At = at
	p.Data = d
	u.render(w, r, "rule", http.StatusOK, p)
}

func (u *ui) parameters(w http.ResponseWriter, r *http.Request) {
	at, bad := asOf(r, "at")
	p := u.newPage(w, r, "explorer", tr(lang(w, r), "parameters.title"))
	p.At = at
	p.Data = homeData{Groups: u.paramGroups(at), Error: bad}
	u.render(w, r, "parameters", http.StatusOK, p)
}

type stepRow struct {
	N       int
	V       wk.ParamValue
	Cite    string
	Sources []string
	Conf    string
	Current bool
}

type parameterData struct {
	P       *wk.Parameter
	Steps   []stepRow
	Chart   template.HTML
	Readers []*wk.Rule
	Error   string
}

func (u *ui) parameter(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	prm, ok := u.s.base.rb.Parameter(id)
	if !ok {
		u.notFound(w, r, "parameter", id)
		return
	}
	at, bad := asOf(r, "at")
	l := lang(w, r)
	p := u.newPage(w, r, "explorer", id)
	p.At = at
	d := parameterData{P: prm, Error: bad}
	for i := range prm.Values {
		v := &prm.Values[i]
		cite, sources, conf := prm.Provenance(v)
		cur := !at.Before(v.From) && (v.To.IsZero() || !at.After(v.To))
		d.Steps = append(d.Steps, stepRow{N: i + 1, V: *v, Cite: cite, Sources: sources, Conf: conf, Current: cur})
	}
	d.Chart = timelineChart(l, prm, d.Steps, at, u.s.base.rb.Earliest(""))
	for _, rule := range u.s.base.rb.Rules("") {
		if slices.Contains(paramsRead(rule.Expression()), id) {
			d.Readers = append(d.Readers, rule)
		}
	}
	p.Data = d
	u.render(w, r, "parameter", http.StatusOK, p)
}

// timelineChart draws a parameter's timeline as an inline SVG: a step
// chart of the value over time for numbers, a band per step for other
// kinds; each step links to its row of the table below the chart (which
// says the same for screen readers) and names its value, dates and
// citation in a tooltip. A dashed line marks the date shown.
func timelineChart(l string, prm *wk.Parameter, steps []stepRow, at, earliest wk.Date) template.HTML {
	if len(steps) == 0 {
		return ""
	}
	const W, H, left, right, top, bottom = 760.0, 220.0, 70.0, 20.0, 16.0, 34.0
	start := steps[0].V.From
	if !earliest.IsZero() && earliest.Before(start) {
		start = earliest
	}
	end := steps[len(steps)-1].V.From
	for _, s := range steps {
		if !s.V.To.IsZero() && s.V.To.After(end) {
			end = s.V.To
		}
	}
	if at.After(end) {
		end = at
	}
	end = wk.MustDate(end.Year()+1, 12, 31)
	if at.Before(start) {
		start = wk.MustDate(at.Year(), 1, 1)
	}
	span := float64(start.DaysUntil(end))
	x := func(d wk.Date) float64 { return left + (W-left-right)*float64(start.DaysUntil(d))/span }
	stepEnd := func(s stepRow) wk.Date {
		if s.V.To.IsZero() {
			return end
		}
		return s.V.To
	}
	tip := func(s stepRow) string {
		to := tr(l, "timeline.open")
		if !s.V.To.IsZero() {
			to = s.V.To.String()
		}
		return fmt.Sprintf("%s: %s (%s – %s) — %s", tr(l, "timeline.step"), s.V.Value.String(), s.V.From, to, s.Cite)
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="timeline" viewBox="0 0 %g %g" role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg">`, W, H)
	fmt.Fprintf(&b, `<title id="chart-title">%s</title>`, template.HTMLEscapeString(fmt.Sprintf(tr(l, "timeline.title"), prm.ID)))
	// Year ticks.
	every := 1
	if end.Year()-start.Year() > 12 {
		every = 2
	}
	for y := start.Year(); y <= end.Year(); y += every {
		d := wk.MustDate(y, 1, 1)
		if d.Before(start) {
			continue
		}
		fmt.Fprintf(&b, `<line class="grid" x1="%.1f" x2="%.1f" y1="%g" y2="%g"/><text class="tick" x="%.1f" y="%g" text-anchor="middle">%d</text>`,
			x(d), x(d), top, H-bottom, x(d), H-bottom+16, y)
	}
	numeric := prm.Kind == wk.KindInteger || prm.Kind == wk.KindDecimal
	if numeric {
		lo, hi := decimal.Zero, decimal.Zero
		for i, s := range steps {
			v := s.V.Value.Decimal()
			if i == 0 || v.LessThan(lo) {
				lo = v
			}
			if i == 0 || v.GreaterThan(hi) {
				hi = v
			}
		}
		if lo.GreaterThan(decimal.Zero) {
			lo = decimal.Zero
		}
		if hi.Equal(lo) {
			hi = lo.Add(decimal.NewFromInt(1))
		}
		rng := hi.Sub(lo).InexactFloat64() * 1.15
		y := func(v decimal.Decimal) float64 {
			return H - bottom - (H-bottom-top)*v.Sub(lo).InexactFloat64()/rng
		}
		for _, v := range []decimal.Decimal{lo, hi} {
			fmt.Fprintf(&b, `<line class="grid" x1="%g" x2="%g" y1="%.1f" y2="%.1f"/><text class="tick" x="%g" y="%.1f" text-anchor="end">%s</text>`,
				left, W-right, y(v), y(v), left-6, y(v)+4, v.String())
		}
		for i, s := range steps {
			yv := y(s.V.Value.Decimal())
			x1, x2 := x(s.V.From), x(stepEnd(s))
			if i > 0 {
				prev := steps[i-1]
				if !prev.V.To.IsZero() && prev.V.To.AddDays(1) == s.V.From {
					fmt.Fprintf(&b, `<line class="riser" x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/>`, x1, x1, y(prev.V.Value.Decimal()), yv)
				}
			}
			cls := "step"
			if s.Current {
				cls += " current"
			}
			fmt.Fprintf(&b, `<a href="#step-%d"><g class="%s"><title>%s</title><line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f"/><circle cx="%.1f" cy="%.1f" r="4"/><text x="%.1f" y="%.1f">%s</text></g></a>`,
				s.N, cls, template.HTMLEscapeString(tip(s)), x1, x2, yv, yv, x1, yv, x1+6, yv-6, template.HTMLEscapeString(s.V.Value.String()))
		}
	} else {
		band := (H - bottom - top) / float64(max(len(steps), 1))
		band = min(band, 34)
		for i, s := range steps {
			y0 := top + float64(i)*band
			x1, x2 := x(s.V.From), x(stepEnd(s))
			cls := "band"
			if s.Current {
				cls += " current"
			}
			label := s.V.Value.String()
			if len(label) > 60 {
				label = label[:57] + "…"
			}
			fmt.Fprintf(&b, `<a href="#step-%d"><g class="%s"><title>%s</title><rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" rx="3"/><text x="%.1f" y="%.1f">%s</text></g></a>`,
				s.N, cls, template.HTMLEscapeString(tip(s)), x1, y0+2, max(x2-x1, 2), band-4, x1+4, y0+band/2+4, template.HTMLEscapeString(label))
		}
	}
	fmt.Fprintf(&b, `<line class="asof" x1="%.1f" x2="%.1f" y1="%g" y2="%g"/><text class="asof-label" x="%.1f" y="%g" text-anchor="middle">%s</text>`,
		x(at), x(at), top-4, H-bottom, x(at), top-6+8, at.String())
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

type searchHit struct {
	Kind  string // rule, parameter, reason
	ID    string
	Area  string
	Field string // where the word was found
	Text  string
	Rule  *wk.Rule
}

type searchData struct {
	Q     string
	Hits  []searchHit
	Error string
}

// match reports whether s contains q, ignoring case.
func match(s, q string) bool { return q != "" && strings.Contains(strings.ToLower(s), q) }

// searchRulebook finds q in the ids, reason codes, outputs, descriptions,
// messages and citations of rules (every version once per id) and in the
// ids, units, descriptions and citations of parameters.
func searchRulebook(rb *wk.Rulebook, q string) []searchHit {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return nil
	}
	var hits []searchHit
	seen := map[string]bool{}
	for _, r := range rb.Rules("") {
		if r.Reason != "" && match(r.Reason, q) && !seen["reason:"+r.ID] {
			seen["reason:"+r.ID] = true
			hits = append(hits, searchHit{Kind: "reason", ID: r.Reason, Area: r.Area, Field: "reason", Text: pick("en", r.Message), Rule: r})
		}
		if seen[r.ID] {
			continue
		}
		for _, f := range []struct{ name, text string }{
			{"id", r.ID}, {"output", r.Output}, {"description", r.Description.NL + " " + r.Description.EN},
			{"message", r.Message.NL + " " + r.Message.EN}, {"cite", r.Cite}, {"expression", r.Expression()},
		} {
			if match(f.text, q) {
				seen[r.ID] = true
				hits = append(hits, searchHit{Kind: "rule", ID: r.ID, Area: r.Area, Field: f.name, Text: f.text, Rule: r})
				break
			}
		}
	}
	for _, p := range rb.Parameters() {
		for _, f := range []struct{ name, text string }{
			{"id", p.ID}, {"unit", p.Unit}, {"description", p.Description.NL + " " + p.Description.EN}, {"cite", p.Cite},
		} {
			if match(f.text, q) {
				hits = append(hits, searchHit{Kind: "parameter", ID: p.ID, Field: f.name, Text: f.text})
				break
			}
		}
	}
	return hits
}

func (u *ui) search(w http.ResponseWriter, r *http.Request) {
	at, bad := asOf(r, "at")
	q := r.URL.Query().Get("q")
	if len(q) > 200 {
		q = q[:200]
	}
	p := u.newPage(w, r, "explorer", tr(lang(w, r), "search.title"))
	p.At = at
	p.Data = searchData{Q: q, Hits: searchRulebook(u.s.base.rb, q), Error: bad}
	u.render(w, r, "search", http.StatusOK, p)
}

type changesData struct {
	From, To wk.Date
	C        ChangesResponse
	Error    string
}

func (u *ui) changes(w http.ResponseWriter, r *http.Request) {
	from, bad1 := asOf(r, "from")
	to, bad2 := asOf(r, "to")
	if r.URL.Query().Get("from") == "" {
		from = wk.MustDate(to.Year()-1, 1, 1)
	}
	p := u.newPage(w, r, "changes", tr(lang(w, r), "changes.title"))
	p.At = to
	d := changesData{From: from, To: to, Error: strings.TrimSpace(bad1 + " " + bad2)}
	d.C = changesBetween(u.s.base.rb, u.s.base.fingerprint, from, to)
	p.Data = d
	u.render(w, r, "changes", http.StatusOK, p)
}
