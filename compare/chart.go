package compare

import (
	"fmt"
	"html/template"
	"math"
	"strings"

	"github.com/shopspring/decimal"
)

// Charts are drawn as inline SVG: no scripts, fonts or files to fetch.
// Float64 is used for pixel positions and tick steps only; every number
// written on a chart comes from a decimal or a count.

const (
	chartW, chartH         = 600, 300
	padL, padR, padT, padB = 78, 16, 44, 62
	colBefore, colAfter    = "#9aa5b1", "#1f6feb"
	colGain, colLose       = "#1a7f37", "#cf222e"
)

func esc(s string) string { return template.HTMLEscapeString(s) }

// niceTicks returns about n round tick values covering [lo, hi] (1, 2 or
// 5 × 10^k apart) and the range they span.
func niceTicks(lo, hi float64, n int) (float64, float64, []float64) {
	if hi <= lo {
		hi = lo + 1
	}
	raw := (hi - lo) / float64(max(n, 1))
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	step := p
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= raw {
			step = m * p
			break
		}
	}
	first := math.Floor(lo/step) * step
	last := math.Ceil(hi/step) * step
	var ticks []float64
	for v := first; v <= last+step/2; v += step {
		ticks = append(ticks, v)
	}
	return first, last, ticks
}

// tickPlaces is how many decimals tick labels need for step.
func tickPlaces(ticks []float64) int32 {
	if len(ticks) < 2 {
		return 0
	}
	step := ticks[1] - ticks[0]
	p := int32(0)
	for step < 1 && p < 4 {
		step *= 10
		p++
	}
	return p
}

// frame draws the plot area: the title, horizontal gridlines with their
// labels at the y ticks, the axes and the axis labels.
type frame struct {
	b             *strings.Builder
	lang          Lang
	lo, hi        float64
	ticks         []float64
	plotW, plotH  float64
	yUnit         string
	yPlaces       int32
	title, xLabel string
	yLabel, aria  string
}

func newFrame(lang Lang, title, xLabel, yLabel string, lo, hi float64, yUnit string) *frame {
	f := &frame{b: &strings.Builder{}, lang: lang, title: title, xLabel: xLabel, yLabel: yLabel, yUnit: yUnit,
		plotW: float64(chartW - padL - padR), plotH: float64(chartH - padT - padB)}
	f.lo, f.hi, f.ticks = niceTicks(lo, hi, 5)
	f.yPlaces = tickPlaces(f.ticks)
	return f
}

func (f *frame) y(v float64) float64 {
	return float64(padT) + f.plotH - f.plotH*(v-f.lo)/(f.hi-f.lo)
}

func (f *frame) open() {
	fmt.Fprintf(f.b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">`,
		chartW, chartH, chartW, chartH, esc(f.title))
	fmt.Fprintf(f.b, `<text x="%d" y="18" class="t">%s</text>`, padL-60, esc(f.title))
	for _, t := range f.ticks {
		y := f.y(t)
		fmt.Fprintf(f.b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" class="g"/>`, padL, y, chartW-padR, y)
		fmt.Fprintf(f.b, `<text x="%d" y="%.1f" class="y tick">%s</text>`, padL-6, y+4, esc(f.tickLabel(t)))
	}
	bottom := float64(padT) + f.plotH
	fmt.Fprintf(f.b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" class="a"/>`, padL, bottom, chartW-padR, bottom)
	fmt.Fprintf(f.b, `<line x1="%d" y1="%d" x2="%d" y2="%.1f" class="a"/>`, padL, padT, padL, bottom)
	fmt.Fprintf(f.b, `<text x="%d" y="%d" class="x axis-label">%s</text>`, padL+int(f.plotW/2), chartH-6, esc(f.xLabel))
	fmt.Fprintf(f.b, `<text transform="translate(14 %d) rotate(-90)" class="x axis-label">%s</text>`, padT+int(f.plotH/2), esc(f.yLabel))
}

func (f *frame) tickLabel(v float64) string {
	d := decimal.NewFromFloat(v).Round(f.yPlaces)
	if f.yUnit == "EUR" && f.yPlaces < 2 && !d.Equal(d.Truncate(0)) {
		return f.lang.decimal(d, 2)
	}
	return f.lang.decimal(d, f.yPlaces)
}

// xLabel writes a label under the x axis at x, slanted when crowded.
func (f *frame) xTick(x float64, label string, slant bool) {
	y := chartH - padB + 16
	fmt.Fprintf(f.b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" class="a"/>`, x, float64(padT)+f.plotH, x, float64(padT)+f.plotH+4)
	if slant {
		fmt.Fprintf(f.b, `<text transform="translate(%.1f %d) rotate(-35)" class="y tick">%s</text>`, x+3, y-4, esc(label))
		return
	}
	fmt.Fprintf(f.b, `<text x="%.1f" y="%d" class="x tick">%s</text>`, x, y, esc(label))
}

func (f *frame) legend(items ...[2]string) {
	x := chartW - padR
	for i := len(items) - 1; i >= 0; i-- {
		w := 18 + 7*len([]rune(items[i][1]))
		x -= w
		fmt.Fprintf(f.b, `<rect x="%d" y="26" width="10" height="10" fill="%s"/><text x="%d" y="35" class="l">%s</text>`, x, items[i][0], x+14, esc(items[i][1]))
	}
}

func (f *frame) close() template.HTML {
	f.b.WriteString(`</svg>`)
	return template.HTML(f.b.String()) // every text in it is escaped
}

// binLabel names a bin by its range: "5" for a bin one unit wide, else
// "from … to" (to excluded), signed for a change.
func binLabel(lang Lang, b Bin, unit string, signed bool) string {
	if unitWide(b, unit) {
		return edgeLabel(lang, b.From, unit, signed)
	}
	return edgeLabel(lang, b.From, unit, signed) + " … " + edgeLabel(lang, b.To, unit, signed)
}

func unitWide(b Bin, unit string) bool { return b.To.Sub(b.From).Equal(decimal.New(1, -places(unit))) }

// edgeLabel writes a bin edge briefly: whole euros without cents.
func edgeLabel(lang Lang, d decimal.Decimal, unit string, signed bool) string {
	s := lang.amount(d, unit)
	if unit == "EUR" && d.Equal(d.Truncate(0)) {
		s = lang.integer(int(d.IntPart()))
		if d.IsNegative() && d.IntPart() == 0 {
			s = "0"
		}
	}
	if signed && d.IsPositive() {
		s = "+" + s
	}
	return s
}

// binTicks labels the x axis of a bar chart over bins: under each bar
// when bins are one unit wide, else at the edges between bars.
func (f *frame) binTicks(bins []Bin, unit string, signed bool) {
	n := len(bins)
	group := f.plotW / float64(max(n, 1))
	if n > 0 && unitWide(bins[0], unit) {
		for i, b := range bins {
			f.xTick(float64(padL)+group*(float64(i)+0.5), edgeLabel(f.lang, b.From, unit, signed), n > 14)
		}
		return
	}
	for i, b := range bins {
		f.xTick(float64(padL)+group*float64(i), edgeLabel(f.lang, b.From, unit, signed), n > 10)
		if i == n-1 {
			f.xTick(float64(padL)+group*float64(n), edgeLabel(f.lang, b.To, unit, signed), n > 10)
		}
	}
}

// changeChart draws the distribution of a measure's change over the cases
// where it changes: one bar per bin, green where the actor gains, red
// where it loses.
func changeChart(lang Lang, a ActorChange) template.HTML {
	top := 1
	for _, b := range a.Distribution {
		top = max(top, b.Cases)
	}
	title := lang.t(a.Actor) + ": " + lang.t(a.Measure)
	xLabel := lang.t("change per case") + " (" + lang.unit(a.Unit) + ")"
	f := newFrame(lang, title, xLabel, lang.t("number of cases"), 0, float64(top), "cases")
	f.open()
	n := len(a.Distribution)
	group := f.plotW / float64(max(n, 1))
	for i, b := range a.Distribution {
		x := float64(padL) + group*float64(i)
		h := f.plotH * float64(b.Cases) / (f.hi - f.lo)
		up := b.From.Sign() >= 0
		col := colLose
		if up != (a.Better == "less") {
			col = colGain
		}
		label := binLabel(lang, b, a.Unit, true)
		fmt.Fprintf(f.b, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %s %s</title></rect>`,
			x+group*0.1, float64(padT)+f.plotH-h, group*0.8, h, col, esc(label), esc(lang.integer(b.Cases)), esc(lang.t("cases")))
		if b.Cases > 0 {
			fmt.Fprintf(f.b, `<text x="%.1f" y="%.1f" class="x v">%s</text>`, x+group/2, float64(padT)+f.plotH-h-3, esc(lang.integer(b.Cases)))
		}
	}
	f.binTicks(a.Distribution, a.Unit, true)
	f.legend([2]string{colGain, lang.t("gain")}, [2]string{colLose, lang.t("lose")})
	return f.close()
}

// beforeAfterChart draws a measure's values before and after over the
// cases where it changes, as pairs of bars on shared bins.
func beforeAfterChart(lang Lang, title string, a ActorChange) template.HTML {
	top := 1
	for i := range a.BeforeValues {
		top = max(top, a.BeforeValues[i].Cases, a.AfterValues[i].Cases)
	}
	f := newFrame(lang, title, lang.t(a.Measure)+" ("+lang.unit(a.Unit)+")", lang.t("number of cases"), 0, float64(top), "cases")
	f.open()
	n := len(a.BeforeValues)
	group := f.plotW / float64(max(n, 1))
	bar := group * 0.4
	for i := range a.BeforeValues {
		x := float64(padL) + group*float64(i) + group*0.1
		label := binLabel(lang, a.BeforeValues[i], a.Unit, false)
		for k, b := range []Bin{a.BeforeValues[i], a.AfterValues[i]} {
			h := f.plotH * float64(b.Cases) / (f.hi - f.lo)
			col, name := colBefore, lang.t("before")
			if k == 1 {
				col, name = colAfter, lang.t("after")
			}
			fmt.Fprintf(f.b, `<rect class="bar" x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s %s: %s %s</title></rect>`,
				x+float64(k)*bar, float64(padT)+f.plotH-h, bar, h, col, esc(label), esc(name), esc(lang.integer(b.Cases)), esc(lang.t("cases")))
		}
	}
	f.binTicks(a.BeforeValues, a.Unit, false)
	f.legend([2]string{colBefore, lang.t("before")}, [2]string{colAfter, lang.t("after")})
	return f.close()
}

// lineChart draws ys over the labels xs with the baseline as a dashed
// line; the y range is that of the values (not from 0), so that movement
// shows; both lines are labelled at their right end.
func lineChart(lang Lang, title, xName, unit string, xs []string, ys []decimal.Decimal, base decimal.Decimal) template.HTML {
	lo, hi := base, base
	for _, y := range ys {
		lo, hi = decimal.Min(lo, y), decimal.Max(hi, y)
	}
	flo, _ := lo.Float64()
	fhi, _ := hi.Float64()
	if span := fhi - flo; span > 0 {
		flo, fhi = flo-span*0.08, fhi+span*0.08
	} else {
		pad := math.Max(math.Abs(flo)*0.01, 1)
		flo, fhi = flo-pad, fhi+pad
	}
	f := newFrame(lang, title, xName, lang.unit(unit), flo, fhi, unit)
	f.plotW -= 96 // room for the line labels on the right
	f.open()
	xOf := func(i int) float64 {
		if len(xs) == 1 {
			return float64(padL) + f.plotW/2
		}
		return float64(padL) + f.plotW*float64(i)/float64(len(xs)-1)
	}
	yOf := func(v decimal.Decimal) float64 { fv, _ := v.Float64(); return f.y(fv) }
	right := float64(padL) + f.plotW
	yb := yOf(base)
	fmt.Fprintf(f.b, `<line x1="%d" y1="%.1f" x2="%.1f" y2="%.1f" stroke="%s" stroke-width="2" stroke-dasharray="6 4"><title>%s: %s</title></line>`,
		padL, yb, right, yb, colBefore, esc(lang.t("baseline")), esc(lang.amount(base, unit)))
	var pts []string
	for i, y := range ys {
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", xOf(i), yOf(y)))
	}
	fmt.Fprintf(f.b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2.5"/>`, strings.Join(pts, " "), colAfter)
	for i, y := range ys {
		fmt.Fprintf(f.b, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"><title>%s = %s: %s</title></circle>`, xOf(i), yOf(y), colAfter, esc(xName), esc(xs[i]), esc(lang.amount(y, unit)))
		f.xTick(xOf(i), xs[i], len(xs) > 8)
	}
	// Line labels at the right end, kept apart when the lines are close.
	ya := yOf(ys[len(ys)-1])
	if math.Abs(ya-yb) < 12 {
		if ya <= yb {
			ya, yb = yb-6, yb+6
		} else {
			ya, yb = yb+6, yb-6
		}
	}
	fmt.Fprintf(f.b, `<text x="%.1f" y="%.1f" class="line-label" fill="%s">%s</text>`, right+6, ya+4, colAfter, esc(lang.t("swept value")))
	fmt.Fprintf(f.b, `<text x="%.1f" y="%.1f" class="line-label" fill="%s">%s</text>`, right+6, yb+4, "#57606a", esc(lang.t("baseline")))
	return f.close()
}
