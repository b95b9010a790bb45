package compare

import (
	"fmt"
	"html"
	"html/template"
	"io"
	"strings"

	"github.com/shopspring/decimal"
)

// WriteHTML writes the report as one self-contained HTML page (no
// scripts, fonts or other files): the reforms, the totals, the
// distributions before and after as bar charts, the outputs that change
// with their directions, the rules that fire differently and examples.
func (r *Report) WriteHTML(w io.Writer) error {
	var charts []template.HTML
	for _, h := range r.Histograms {
		charts = append(charts, barChart(h))
	}
	return compareTmpl.Execute(w, struct {
		*Report
		Charts  []template.HTML
		Percent string
	}{r, charts, percent(r.Changed, r.Decided)})
}

// WriteHTML writes the sweep as one self-contained HTML page: a line chart
// per total over the swept values, with the baseline as a dashed line,
// and the table of totals.
func (s *SweepReport) WriteHTML(w io.Writer) error {
	var charts []template.HTML
	for i, t := range s.BaseTotals {
		ys := make([]decimal.Decimal, len(s.Points))
		xs := make([]string, len(s.Points))
		for j, p := range s.Points {
			ys[j], xs[j] = p.Totals[i].Value, p.Value
		}
		charts = append(charts, lineChart(t.Name+" ("+t.Unit+")", s.Param, xs, ys, t.Value))
	}
	return sweepTmpl.Execute(w, struct {
		*SweepReport
		Charts []template.HTML
	}{s, charts})
}

const (
	chartW, chartH         = 560, 270
	padL, padR, padT, padB = 76, 12, 40, 44
	colBefore, colAfter    = "#9aa5b1", "#1f6feb"
)

func esc(s string) string { return html.EscapeString(s) }

// barChart draws a histogram before and after as grouped bars.
func barChart(h Histogram) template.HTML {
	var b strings.Builder
	top := 1
	for i := range h.Labels {
		top = max(top, h.Before[i], h.After[i])
	}
	plotW, plotH := float64(chartW-padL-padR), float64(chartH-padT-padB)
	n := len(h.Labels)
	group := plotW / float64(max(n, 1))
	bar := group * 0.38
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`, chartW, chartH, chartW, chartH, esc(h.Name))
	fmt.Fprintf(&b, `<text x="%d" y="16" class="t">%s (%s)</text>`, padL, esc(h.Name), esc(h.Path))
	axes(&b, top)
	for i, label := range h.Labels {
		x := float64(padL) + group*float64(i) + group*0.1
		for k, v := range []int{h.Before[i], h.After[i]} {
			hgt := plotH * float64(v) / float64(top)
			col := colBefore
			if k == 1 {
				col = colAfter
			}
			fmt.Fprintf(&b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s: %d cases</title></rect>`,
				x+float64(k)*bar, float64(padT)+plotH-hgt, bar, hgt, col, esc(label), []string{"before", "after"}[k], v)
		}
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="x">%s</text>`, x+bar, chartH-padB+14, esc(label))
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" class="x">%s</text>`, padL+int(plotW/2), chartH-6, esc(h.Unit))
	legend(&b, "before", "after")
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text in it is escaped
}

// lineChart draws ys over the labels xs, with base as a dashed line.
func lineChart(title, xName string, xs []string, ys []decimal.Decimal, base decimal.Decimal) template.HTML {
	var b strings.Builder
	lo, hi := base, base
	for _, y := range ys {
		lo, hi = decimal.Min(lo, y), decimal.Max(hi, y)
	}
	if lo.IsPositive() {
		lo = decimal.Zero
	}
	if hi.Equal(lo) {
		hi = lo.Add(decimal.NewFromInt(1))
	}
	span, _ := hi.Sub(lo).Float64()
	plotW, plotH := float64(chartW-padL-padR), float64(chartH-padT-padB)
	yOf := func(v decimal.Decimal) float64 {
		f, _ := v.Sub(lo).Float64()
		return float64(padT) + plotH - plotH*f/span
	}
	xOf := func(i int) float64 {
		if len(xs) == 1 {
			return float64(padL) + plotW/2
		}
		return float64(padL) + plotW*float64(i)/float64(len(xs)-1)
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`, chartW, chartH, chartW, chartH, esc(title))
	fmt.Fprintf(&b, `<text x="%d" y="16" class="t">%s</text>`, padL, esc(title))
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="a"/>`, padL, padT+int(plotH), chartW-padR, padT+int(plotH))
	fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="a"/>`, padL, padT, padL, padT+int(plotH))
	fmt.Fprintf(&b, `<text x="%d" y="%.1f" class="y">%s</text>`, padL-4, float64(padT)+4, esc(hi.Round(2).String()))
	fmt.Fprintf(&b, `<text x="%d" y="%.1f" class="y">%s</text>`, padL-4, float64(padT)+plotH, esc(lo.Round(2).String()))
	fmt.Fprintf(&b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="%s" stroke-dasharray="5 4"><title>baseline: %s</title></line>`,
		padL, yOf(base), chartW-padR, yOf(base), colBefore, esc(base.String()))
	var pts []string
	for i, y := range ys {
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", xOf(i), yOf(y)))
	}
	fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`, strings.Join(pts, " "), colAfter)
	for i, y := range ys {
		fmt.Fprintf(&b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"><title>%s = %s: %s</title></circle>`, xOf(i), yOf(y), colAfter, esc(xName), esc(xs[i]), esc(y.String()))
		fmt.Fprintf(&b, `<text x="%.1f" y="%d" class="x">%s</text>`, xOf(i), chartH-padB+14, esc(xs[i]))
	}
	fmt.Fprintf(&b, `<text x="%d" y="%d" class="x">%s</text>`, padL+int(plotW/2), chartH-6, esc(xName))
	legend(&b, "baseline", "swept value")
	b.WriteString(`</svg>`)
	return template.HTML(b.String()) // every text in it is escaped
}

func axes(b *strings.Builder, top int) {
	plotH := chartH - padT - padB
	fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="a"/>`, padL, padT+plotH, chartW-padR, padT+plotH)
	fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" class="a"/>`, padL, padT, padL, padT+plotH)
	fmt.Fprintf(b, `<text x="%d" y="%d" class="y">%d</text>`, padL-4, padT+4, top)
	fmt.Fprintf(b, `<text x="%d" y="%d" class="y">0</text>`, padL-4, padT+plotH)
}

func legend(b *strings.Builder, first, second string) {
	x := chartW - padR - 190
	fmt.Fprintf(b, `<rect x="%d" y="22" width="10" height="10" fill="%s"/><text x="%d" y="31" class="l">%s</text>`, x, colBefore, x+14, esc(first))
	fmt.Fprintf(b, `<rect x="%d" y="22" width="10" height="10" fill="%s"/><text x="%d" y="31" class="l">%s</text>`, x+90, colAfter, x+104, esc(second))
}

const style = `<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:1200px;padding:0 1rem;color:#1f2328}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-bottom:1px solid #d0d7de;padding-bottom:.3rem}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}td,th{border-bottom:1px solid #eaeef2;padding:.3rem .7rem;text-align:left;vertical-align:top}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}.up{color:#1a7f37}.down{color:#cf222e}
.charts{display:flex;flex-wrap:wrap;gap:1rem}.charts svg{border:1px solid #eaeef2;border-radius:6px;background:#fff}
svg text{font-size:11px;fill:#57606a}svg .t{font-size:13px;fill:#1f2328;font-weight:600}svg .x{text-anchor:middle}svg .y{text-anchor:end}
svg .a{stroke:#8c959f}.muted{color:#57606a;font-size:.85rem}code{background:#f6f8fa;padding:.1rem .3rem;border-radius:4px}
</style>`

var funcs = template.FuncMap{
	"signed": signed,
	"amount": amount,
	"sign": func(d decimal.Decimal) string {
		switch d.Sign() {
		case 1:
			return "up"
		case -1:
			return "down"
		}
		return ""
	},
	"seconds": func(r interface{ Seconds() float64 }) string { return fmt.Sprintf("%.1f", r.Seconds()) },
}

var compareTmpl = template.Must(template.New("compare").Funcs(funcs).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>wijkwerken compare: {{range $i, $r := .Reforms}}{{if $i}} + {{end}}{{$r.Name}}{{end}}</title>` + style + `</head><body>
<h1>What changes: {{range $i, $r := .Reforms}}{{if $i}} + {{end}}{{$r.Name}}{{end}}</h1>
<p>Baseline: <b>{{.Baseline}}</b>. {{.Cases}} cases, {{.Decided}} decided under both rulebooks{{if .Errors}}, {{.Errors}} could not be{{end}};
<b>{{.Changed}}</b> ({{.Percent}}) have an output that changes.{{if not .Date.IsZero}} Every case decided on {{.Date}}.{{end}}
<span class="muted">{{seconds .Elapsed}} s.</span></p>
{{range .Reforms}}<h2>Reform: {{.Name}}</h2>{{if .Description}}<p>{{.Description}}</p>{{end}}
<p class="muted">{{if .Cite}}Cites: {{.Cite}}. {{end}}{{if .File}}File: <code>{{.File}}</code>{{end}}</p>
<ul>{{range .Changes}}<li><code>{{.}}</code></li>{{end}}</ul>{{end}}
<h2>Totals</h2>
<table><tr><th>total</th><th>unit</th><th class="n">before</th><th class="n">after</th><th class="n">change</th><th>what is summed</th></tr>
{{range .Totals}}<tr><td>{{.Name}}</td><td>{{.Unit}}</td><td class="n">{{amount .Before .Unit}}</td><td class="n">{{amount .After .Unit}}</td><td class="n {{sign .Change}}">{{signed .Change .Unit}}</td><td class="muted">{{.How}}</td></tr>
{{end}}</table>
<h2>Distributions before and after</h2>
<div class="charts">{{range .Charts}}{{.}}{{end}}</div>
<h2>Outputs that change</h2>
<table><tr><th>output</th><th class="n">computed before</th><th class="n">after</th><th class="n">changed</th><th>how</th></tr>
{{range .Outputs}}{{if .Changed}}<tr><td><code>{{.Path}}</code></td><td class="n">{{.Before}}</td><td class="n">{{.After}}</td><td class="n">{{.Changed}}</td>
<td>{{range $i, $d := .Directions}}{{if $i}}<br>{{end}}{{$d.Kind}}: {{$d.Cases}}{{end}}</td></tr>
{{end}}{{end}}</table>
<h2>Rules whose reasons appear or disappear</h2>
{{if .Rules}}<table><tr><th>rule</th><th>reason</th><th class="n">appears in</th><th class="n">disappears from</th><th>cites</th></tr>
{{range .Rules}}<tr><td><code>{{.Rule}}</code></td><td>{{.Reason}}</td><td class="n">{{.Started}}</td><td class="n">{{.Stopped}}</td><td class="muted">{{.Cite}}</td></tr>
{{end}}</table>{{else}}<p>None.</p>{{end}}
<h2>Examples</h2>
<table><tr><th>output</th><th>change</th><th>case (line)</th><th>before</th><th>after</th></tr>
{{range $o := .Outputs}}{{range $d := .Directions}}{{range .Examples}}<tr><td><code>{{$o.Path}}</code></td><td>{{$d.Kind}}</td><td>{{.ID}} ({{.Line}})</td><td>{{.Before}}</td><td>{{.After}}</td></tr>
{{end}}{{end}}{{end}}</table>
{{if .ErrorLines}}<h2>Lines that could not be decided ({{.Errors}})</h2><table>{{range .ErrorLines}}<tr><td class="n">{{.Line}}</td><td>{{.ID}}</td><td>{{.Err}}</td></tr>{{end}}</table>{{end}}
<p class="muted">Made by wijkwerken compare.</p>
</body></html>
`))

var sweepTmpl = template.Must(template.New("sweep").Funcs(funcs).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>wijkwerken sweep: {{.Param}}</title>` + style + `</head><body>
<h1>Sweep of <code>{{.Param}}</code></h1>
<p>Baseline: <b>{{.Baseline}}</b>; the parameter takes each value from {{.From}}. {{.Cases}} cases, {{.Decided}} decided under every rulebook{{if .Errors}}, {{.Errors}} could not be{{end}}.{{if not .Date.IsZero}} Every case decided on {{.Date}}.{{end}}
<span class="muted">{{seconds .Elapsed}} s.</span></p>
{{range .Reforms}}<p>With reform <b>{{.Name}}</b>: {{range $i, $c := .Changes}}{{if $i}}; {{end}}<code>{{$c}}</code>{{end}}</p>{{end}}
<h2>Totals per value</h2>
<div class="charts">{{range .Charts}}{{.}}{{end}}</div>
<table><tr><th>total</th><th>unit</th><th class="n">baseline</th>{{range .Points}}<th class="n">{{.Value}}</th>{{end}}</tr>
{{range $i, $t := .BaseTotals}}<tr><td>{{$t.Name}}</td><td>{{$t.Unit}}</td><td class="n">{{amount $t.Value $t.Unit}}</td>{{range $.Points}}<td class="n">{{amount (index .Totals $i).Value $t.Unit}}</td>{{end}}</tr>
{{end}}</table>
{{if .ErrorLines}}<h2>Lines that could not be decided ({{.Errors}})</h2><table>{{range .ErrorLines}}<tr><td class="n">{{.Line}}</td><td>{{.ID}}</td><td>{{.Err}}</td></tr>{{end}}</table>{{end}}
<p class="muted">Made by wijkwerken compare --sweep.</p>
</body></html>
`))
