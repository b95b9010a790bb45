package compare

import (
	"html/template"
	"io"

	"github.com/openwijkwerken/wijkwerken/decision"
	"github.com/shopspring/decimal"
)

// WriteHTML writes the report as one self-contained HTML page in English
// (WriteHTMLLang for Dutch).
func (r *Report) WriteHTML(w io.Writer) error { return r.WriteHTMLLang(w, English) }

// WriteHTMLLang writes the report as one self-contained HTML page (no
// scripts, fonts or other files) in lang: the headline, the reforms, the
// winners and losers, charts of the change over the cases where it
// changes, the budget per year, the group breakdowns, the outputs that
// change by kind, the rules that fire differently and examples.
func (r *Report) WriteHTMLLang(w io.Writer, lang Lang) error {
	d := reportPage{Report: r, L: lang}
	for _, a := range r.Actors {
		if a.Changed == 0 {
			continue
		}
		d.Changing = append(d.Changing, a)
		d.Charts = append(d.Charts, changeChart(lang, a))
		if a.Key == "worker_hours" {
			d.Charts = append(d.Charts, beforeAfterChart(lang, lang.t("hours allowed per request, before and after (changed cases)"), a))
		}
	}
	for _, o := range r.Outputs {
		if o.Changed == 0 {
			continue
		}
		if o.Kind == decision.Bookkeeping {
			d.Bookkeeping = append(d.Bookkeeping, o)
		} else {
			d.Decisions = append(d.Decisions, o)
		}
	}
	return compareTmpl.Execute(w, d)
}

type reportPage struct {
	*Report
	L           Lang
	Charts      []template.HTML
	Changing    []ActorChange
	Decisions   []OutputChange // decisions and reasons that change
	Bookkeeping []OutputChange
}

// MeasureChanged reports whether the measure with key changed anywhere.
func (d reportPage) MeasureChanged(key string) bool {
	for _, a := range d.Changing {
		if a.Key == key {
			return true
		}
	}
	return false
}

// WriteHTML writes the sweep as one self-contained HTML page in English.
func (s *SweepReport) WriteHTML(w io.Writer) error { return s.WriteHTMLLang(w, English) }

// WriteHTMLLang writes the sweep as one self-contained HTML page in lang:
// a line chart per total over the swept values, its y range that of the
// values, with the baseline dashed and both lines labelled, and the table
// of totals.
func (s *SweepReport) WriteHTMLLang(w io.Writer, lang Lang) error {
	var charts []template.HTML
	for i, t := range s.BaseTotals {
		ys := make([]decimal.Decimal, len(s.Points))
		xs := make([]string, len(s.Points))
		for j, p := range s.Points {
			ys[j], xs[j] = p.Totals[i].Value, p.Value
		}
		charts = append(charts, lineChart(lang, lang.t(t.Name)+" ("+lang.unit(t.Unit)+")", s.Param, t.Unit, xs, ys, t.Value))
	}
	return sweepTmpl.Execute(w, struct {
		*SweepReport
		L      Lang
		Charts []template.HTML
	}{s, lang, charts})
}

const style = `<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1240px;padding:0 1rem;color:#1f2328}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}h3{font-size:1rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem;display:block;overflow-x:auto;max-width:100%}td,th{border-bottom:1px solid #eaeef2;padding:.3rem .6rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}.up{color:#1a7f37}.down{color:#cf222e}
tr.section td{font-weight:600;background:#f6f8fa}tr.total td{font-weight:600;border-top:1px solid #8c959f}
.headline{border:1px solid #d0d7de;border-radius:8px;padding:1rem 1.2rem;background:#f6f8fa}
.headline .big{font-size:1.35rem}.headline .num{font-weight:700;font-size:1.8rem;font-variant-numeric:tabular-nums}
.charts{display:flex;flex-wrap:wrap;gap:1rem}.charts svg{border:1px solid #eaeef2;border-radius:6px;background:#fff}
svg text{font-size:11px;fill:#57606a}svg .t{font-size:13px;fill:#1f2328;font-weight:600}svg .x{text-anchor:middle}svg .y{text-anchor:end}
svg .a{stroke:#8c959f}svg .g{stroke:#eaeef2}svg .v{font-size:10px;fill:#1f2328}svg .axis-label{font-size:12px;fill:#1f2328}
svg .line-label{font-size:12px;font-weight:600}
.muted{color:#57606a;font-size:.85rem}code{background:#f6f8fa;padding:.1rem .3rem;border-radius:4px}code.muted{font-size:.75rem}
</style>`

var funcs = template.FuncMap{
	"t":    func(l Lang, s string) string { return l.t(s) },
	"int":  func(l Lang, n int) string { return l.integer(n) },
	"amt":  func(l Lang, d decimal.Decimal, unit string) string { return l.amount(d, unit) },
	"sgn":  func(l Lang, d decimal.Decimal, unit string) string { return l.signed(d, unit) },
	"pct":  func(l Lang, n, total int) string { return l.percent(n, total) },
	"unit": func(l Lang, u string) string { return l.unit(u) },
	"sign": func(d decimal.Decimal) string {
		switch d.Sign() {
		case 1:
			return "up"
		case -1:
			return "down"
		}
		return ""
	},
	// better colours a change by whether the actor gains by it.
	"better": func(d decimal.Decimal, better string) string {
		s := d.Sign()
		if better == "less" {
			s = -s
		}
		switch s {
		case 1:
			return "up"
		case -1:
			return "down"
		}
		return ""
	},
	"seconds": func(l Lang, r interface{ Seconds() float64 }) string {
		return l.decimal(decimal.NewFromFloat(r.Seconds()), 1)
	},
	"measure": func(rows []GroupMeasure, key string) GroupMeasure {
		for _, m := range rows {
			if m.Key == key {
				return m
			}
		}
		return GroupMeasure{}
	},
	"reforms": func(rs []ReformSummary) string {
		s := ""
		for i, r := range rs {
			if i > 0 {
				s += " + "
			}
			s += r.Name
		}
		return s
	},
	"kind": kindLabel,
}

// kindLabel names a kind of output as the reports do.
func kindLabel(k decision.Kind) string {
	switch k {
	case decision.Reasons:
		return "reasons"
	case decision.Bookkeeping:
		return "bookkeeping"
	}
	return "decisions"
}

var compareTmpl = template.Must(template.New("compare").Funcs(funcs).Parse(`<!DOCTYPE html>
<html lang="{{.L}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>wijkwerken compare: {{reforms .Reforms}}</title>` + style + `</head><body>
{{$L := .L}}
<h1>{{t $L "What changes"}}: {{reforms .Reforms}}</h1>
<section id="headline" class="headline">
<div class="big"><span class="num" id="decision-changed">{{int $L .Headline.DecisionChanged}}</span> {{t $L "cases whose decision changes"}} ({{pct $L .Headline.DecisionChanged .Decided}})</div>
<p>{{int $L .Headline.ReasonsOnly}} {{t $L "more only in their reasons"}}; {{int $L .Headline.BookkeepingOnly}} {{t $L "only in bookkeeping"}}; {{int $L .Headline.Unchanged}} {{t $L "unchanged cases"}}.
{{int $L .Decided}} {{t $L "cases"}} {{t $L "decided under both rulebooks"}}{{if .Errors}}, {{int $L .Errors}} {{t $L "could not be decided"}}{{end}}.{{if not .Date.IsZero}} {{t $L "Every case decided on"}} {{.Date}}.{{end}}
<span class="muted">{{seconds $L .Elapsed}} s.</span></p>
<p class="muted">{{t $L "Bookkeeping outputs change with the rules without a decision changing (hours still free in the month or year); they are listed apart."}}</p>
</section>
<p>{{t $L "Baseline"}}: <b>{{.Baseline}}</b>.</p>
<p class="muted">{{t $L "Fingerprints"}}: {{t $L "baseline"}} <code>{{.Fingerprints.Baseline}}</code>, {{t $L "with the reforms"}} <code>{{.Fingerprints.Reformed}}</code>; {{t $L "Engine"}}: wijkwerken {{.Engine}}.</p>
{{range .Reforms}}<h2>{{t $L "Reform"}}: {{.Name}}</h2>{{if .Description}}<p>{{.Description}}</p>{{end}}
<p class="muted">{{if .Cite}}{{t $L "Cites"}}: {{.Cite}}. {{end}}{{if .File}}{{t $L "File"}}: <code>{{.File}}</code>{{end}}</p>
<ul>{{range .Changes}}<li><code>{{.}}</code></li>{{end}}</ul>{{end}}

<h2>{{t $L "Winners and losers"}}</h2>
<table id="winners"><tr><th>{{t $L "actor"}}</th><th>{{t $L "measure"}}</th><th>{{t $L "better when"}}</th><th class="n">{{t $L "gain"}}</th><th class="n">{{t $L "lose"}}</th><th class="n">{{t $L "unchanged"}}</th>
<th class="n">{{t $L "total gained"}}</th><th class="n">{{t $L "total lost"}}</th><th class="n">{{t $L "net change"}}</th><th class="n">{{t $L "mean change"}}</th><th class="n">{{t $L "median"}}</th><th class="n">{{t $L "10th–90th percentile"}}</th></tr>
{{range .Actors}}<tr data-key="{{.Key}}"><td>{{t $L .Actor}}</td><td>{{t $L .Measure}} ({{unit $L .Unit}})<br><code class="muted">{{.How}}</code></td><td>{{t $L .Better}}</td>
<td class="n up">{{int $L .Gain}}</td><td class="n down">{{int $L .Lose}}</td><td class="n">{{int $L .Same}}</td>
<td class="n">{{sgn $L .GainTotal .Unit}}</td><td class="n">{{sgn $L .LoseTotal .Unit}}</td><td class="n {{better .Change .Better}}">{{sgn $L .Change .Unit}}</td>
{{if .Changed}}<td class="n">{{sgn $L .Mean .Unit}}</td><td class="n">{{sgn $L .Median .Unit}}</td><td class="n">{{sgn $L .P10 .Unit}} … {{sgn $L .P90 .Unit}}</td>{{else}}<td></td><td></td><td></td>{{end}}</tr>
{{end}}</table>

<h2>{{t $L "Charts of the change"}}</h2>
<p class="muted">{{t $L "The distribution of the change over the cases where it changes."}}</p>
<div class="charts" id="change-charts">{{range .Charts}}{{.}}{{else}}<p>{{t $L "None."}}</p>{{end}}</div>

<h2>{{t $L "Budget per year"}}</h2>
<div id="budget">{{range .Budget}}<h3>{{.Year}} <span class="muted">({{int $L .Cases}} {{t $L "cases"}})</span></h3>
<table class="budget"><tr><th></th><th class="n">{{t $L "before"}}</th><th class="n">{{t $L "after"}}</th><th class="n">{{t $L "change"}}</th><th>{{t $L "formula"}}</th><th>{{t $L "paid by"}}</th></tr>
{{$section := ""}}{{range .Lines}}{{if ne .Section $section}}{{$section = .Section}}<tr class="section"><td colspan="6">{{if eq .Section "government"}}{{t $L "Flemish government and the cheque system"}}{{else}}{{t $L .Section}}{{end}}</td></tr>{{end}}
<tr{{if .Total}} class="total"{{end}}><td>{{t $L .Name}}</td><td class="n">{{amt $L .Before "EUR"}}</td><td class="n">{{amt $L .After "EUR"}}</td><td class="n {{sign .Change}}">{{sgn $L .Change "EUR"}}</td><td class="muted"><code>{{.Formula}}</code></td><td class="muted">{{t $L .PaidBy}}</td></tr>
{{end}}</table>{{end}}</div>

{{range .Groups}}{{$g := .}}<h2>{{t $L "Groups by"}} <code>{{.Field}}</code></h2><p class="muted">{{.Doc}}</p>
<table class="groups" id="groups-{{.Field}}"><tr><th>{{t $L "group"}}</th><th class="n">{{t $L "cases"}}</th><th class="n">{{t $L "decision changes"}}</th>
{{range $.Changing}}<th class="n">{{t $L .Measure}}: {{t $L "gain"}} / {{t $L "lose"}}</th><th class="n">{{t $L "net change"}} ({{unit $L .Unit}})</th>{{end}}</tr>
{{range .Rows}}{{$row := .}}<tr><td>{{.Value}}</td><td class="n">{{int $L .Cases}}</td><td class="n">{{int $L .DecisionChanged}}</td>
{{range $.Changing}}{{$m := measure $row.Measures .Key}}<td class="n"><span class="up">{{int $L $m.Gain}}</span> / <span class="down">{{int $L $m.Lose}}</span></td><td class="n {{better $m.Change .Better}}">{{sgn $L $m.Change .Unit}}</td>{{end}}</tr>
{{end}}</table>{{end}}

<h2>{{t $L "Outputs that change"}}</h2>
<table id="outputs"><tr><th>{{t $L "output"}}</th><th>{{t $L "kind"}}</th><th class="n">{{t $L "computed before"}}</th><th class="n">{{t $L "after"}}</th><th class="n">{{t $L "changed"}}</th><th>{{t $L "how"}}</th></tr>
{{range .Decisions}}<tr><td><code>{{.Path}}</code></td><td>{{t $L (kind .Kind)}}</td><td class="n">{{int $L .Before}}</td><td class="n">{{int $L .After}}</td><td class="n">{{int $L .Changed}}</td>
<td>{{range $i, $d := .Directions}}{{if $i}}<br>{{end}}{{$d.Kind}}: {{int $L $d.Cases}}{{end}}</td></tr>
{{else}}<tr><td colspan="6">{{t $L "None."}}</td></tr>{{end}}</table>
{{if .Bookkeeping}}<details><summary>{{t $L "bookkeeping"}} ({{len .Bookkeeping}})</summary>
<table id="bookkeeping"><tr><th>{{t $L "output"}}</th><th class="n">{{t $L "computed before"}}</th><th class="n">{{t $L "after"}}</th><th class="n">{{t $L "changed"}}</th><th>{{t $L "how"}}</th></tr>
{{range .Bookkeeping}}<tr><td><code>{{.Path}}</code></td><td class="n">{{int $L .Before}}</td><td class="n">{{int $L .After}}</td><td class="n">{{int $L .Changed}}</td>
<td>{{range $i, $d := .Directions}}{{if $i}}<br>{{end}}{{$d.Kind}}: {{int $L $d.Cases}}{{end}}</td></tr>
{{end}}</table></details>{{end}}

<h2>{{t $L "Rules whose reasons appear or disappear"}}</h2>
{{if .Rules}}<table id="rules"><tr><th>{{t $L "rule"}}</th><th>{{t $L "reason"}}</th><th class="n">{{t $L "appears in"}}</th><th class="n">{{t $L "disappears from"}}</th><th>{{t $L "Cites"}}</th></tr>
{{range .Rules}}<tr><td><code>{{.Rule}}</code></td><td>{{.Reason}}</td><td class="n">{{int $L .Started}}</td><td class="n">{{int $L .Stopped}}</td><td class="muted">{{.Cite}}</td></tr>
{{end}}</table>{{else}}<p>{{t $L "None."}}</p>{{end}}

<h2>{{t $L "Examples"}}</h2>
<table id="examples"><tr><th>{{t $L "output"}}</th><th>{{t $L "change"}}</th><th>{{t $L "case (line)"}}</th><th>{{t $L "before"}}</th><th>{{t $L "after"}}</th></tr>
{{range $o := .Decisions}}{{if eq $o.Kind "decision"}}{{range $d := .Directions}}{{range .Examples}}<tr><td><code>{{$o.Path}}</code></td><td>{{$d.Kind}}</td><td>{{.ID}} ({{.Line}})</td><td>{{.Before}}</td><td>{{.After}}</td></tr>
{{end}}{{end}}{{end}}{{end}}</table>

<h2>{{t $L "Other totals"}}</h2>
<table id="totals"><tr><th>{{t $L "total"}}</th><th>{{t $L "unit"}}</th><th class="n">{{t $L "before"}}</th><th class="n">{{t $L "after"}}</th><th class="n">{{t $L "change"}}</th><th>{{t $L "what is summed"}}</th></tr>
{{range .Totals}}<tr><td>{{t $L .Name}}</td><td>{{unit $L .Unit}}</td><td class="n">{{amt $L .Before .Unit}}</td><td class="n">{{amt $L .After .Unit}}</td><td class="n {{sign .Change}}">{{sgn $L .Change .Unit}}</td><td class="muted">{{.How}}</td></tr>
{{end}}</table>
{{if .ErrorLines}}<h2>{{t $L "Lines that could not be decided"}} ({{int $L .Errors}})</h2><table>{{range .ErrorLines}}<tr><td class="n">{{.Line}}</td><td>{{.ID}}</td><td>{{.Err}}</td></tr>{{end}}</table>{{end}}
<p class="muted">{{t $L "Made by wijkwerken compare."}}</p>
</body></html>
`))

var sweepTmpl = template.Must(template.New("sweep").Funcs(funcs).Parse(`<!DOCTYPE html>
<html lang="{{.L}}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>wijkwerken sweep: {{.Param}}</title>` + style + `</head><body>
{{$L := .L}}
<h1>{{t $L "Sweep of"}} <code>{{.Param}}</code></h1>
<p>{{t $L "Baseline"}}: <b>{{.Baseline}}</b>; {{t $L "the parameter takes each value"}} {{t $L "from"}} {{.From}}. {{int $L .Cases}} {{t $L "cases"}}, {{int $L .Decided}} {{t $L "decided"}} {{t $L "under every rulebook"}}{{if .Errors}}, {{int $L .Errors}} {{t $L "could not be decided"}}{{end}}.{{if not .Date.IsZero}} {{t $L "Every case decided on"}} {{.Date}}.{{end}}
<span class="muted">{{seconds $L .Elapsed}} s.</span></p>
<p class="muted">{{t $L "Fingerprints"}}: {{t $L "baseline"}} <code>{{.Fingerprint}}</code>; {{t $L "Engine"}}: wijkwerken {{.Engine}}.</p>
{{range .Reforms}}<p>{{t $L "Reform"}} <b>{{.Name}}</b>: {{range $i, $c := .Changes}}{{if $i}}; {{end}}<code>{{$c}}</code>{{end}}</p>{{end}}
<h2>{{t $L "Totals per value"}}</h2>
<div class="charts" id="sweep-charts">{{range .Charts}}{{.}}{{end}}</div>
<table id="sweep-totals"><tr><th>{{t $L "total"}}</th><th>{{t $L "unit"}}</th><th class="n">{{t $L "baseline"}}</th>{{range .Points}}<th class="n">{{.Value}}</th>{{end}}</tr>
{{range $i, $t := .BaseTotals}}<tr><td>{{t $L $t.Name}}</td><td>{{unit $L $t.Unit}}</td><td class="n">{{amt $L $t.Value $t.Unit}}</td>{{range $.Points}}<td class="n">{{amt $L (index .Totals $i).Value $t.Unit}}</td>{{end}}</tr>
{{end}}</table>
{{if .ErrorLines}}<h2>{{t $L "Lines that could not be decided"}} ({{int $L .Errors}})</h2><table>{{range .ErrorLines}}<tr><td class="n">{{.Line}}</td><td>{{.ID}}</td><td>{{.Err}}</td></tr>{{end}}</table>{{end}}
<p class="muted">{{t $L "Made by wijkwerken compare --sweep."}}</p>
</body></html>
`))
