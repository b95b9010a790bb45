package compare_test

// The HTML reports rendered by a real browser: headless Chromium run as a
// command (--dump-dom and --screenshot), not driven through the DevTools
// protocol with chromedp. The pages have no scripts, so loading the page
// is all there is to wait for; the measurements come from a small script
// the test appends to its own copy of the page, whose results Chromium's
// --dump-dom returns. That needs no Go dependency (chromedp would add five
// modules to a library's go.mod for one test) and exercises the same
// layout engine.

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openwijkwerken/wijkwerken/compare"
	"github.com/openwijkwerken/wijkwerken/population"
	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// chromium finds a Chromium binary: $CHROMIUM, else the usual names.
func chromium(t *testing.T) string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless_shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium binary found (set CHROMIUM, or install Debian's chromium): the HTML reports are not rendered in a browser")
	return ""
}

// screenshots is where the screenshots go: $WIJKWERKEN_SCREENSHOTS, else
// a directory under the system's temporary directory (never the
// repository).
func screenshots(t *testing.T) string {
	dir := os.Getenv("WIJKWERKEN_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "wijkwerken-screenshots")
	}
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

// runChromium runs headless Chromium on a file with a fresh profile and
// no network, and returns its standard output.
func runChromium(t *testing.T, bin string, args ...string) string {
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
		"--user-data-dir=" + t.TempDir(), "--hide-scrollbars"}
	cmd := exec.CommandContext(ctx, bin, append(base, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	require.NoError(t, cmd.Run(), "chromium: %s", errb.String())
	return out.String()
}

// measure is appended to a copy of a report: it reads the rendered page
// and writes what it finds into <pre id="measure"> as JSON.
const measure = `<script>
(function () {
  var out = {headline: "", winners: [], charts: [], overflow: []};
  var h = document.getElementById("decision-changed");
  if (h) out.headline = h.textContent;
  document.querySelectorAll("#winners tr[data-key]").forEach(function (tr) {
    var cells = [];
    tr.querySelectorAll("td").forEach(function (td) { cells.push(td.textContent.trim()); });
    out.winners.push({key: tr.getAttribute("data-key"), cells: cells});
  });
  document.querySelectorAll("svg").forEach(function (svg) {
    var vb = svg.viewBox.baseVal, c = {title: "", bars: 0, ticks: [], labels: []};
    var t = svg.querySelector("text.t"); if (t) c.title = t.textContent;
    svg.querySelectorAll("rect.bar").forEach(function (r) { if (r.getBBox().height > 0.5) c.bars++; });
    svg.querySelectorAll("text.tick").forEach(function (x) { c.ticks.push(x.textContent); });
    svg.querySelectorAll("text.axis-label, text.line-label").forEach(function (x) { c.labels.push(x.textContent); });
    c.lines = svg.querySelectorAll("polyline").length;
    c.grid = svg.querySelectorAll("line.g").length;
    svg.querySelectorAll("text").forEach(function (x) {
      var b = x.getBBox(), m = x.getCTM(), p = svg.createSVGPoint(), q = svg.createSVGPoint();
      p.x = b.x; p.y = b.y; q.x = b.x + b.width; q.y = b.y + b.height;
      var sm = svg.getCTM().inverse(); p = p.matrixTransform(m).matrixTransform(sm); q = q.matrixTransform(m).matrixTransform(sm);
      var lo = Math.min(p.x, q.x), hi = Math.max(p.x, q.x), top = Math.min(p.y, q.y), bot = Math.max(p.y, q.y);
      if (lo < -0.5 || top < -0.5 || hi > vb.width + 0.5 || bot > vb.height + 0.5) out.overflow.push(c.title + ": " + x.textContent);
    });
    out.charts.push(c);
  });
  var pre = document.createElement("pre"); pre.id = "measure"; pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>`

type measured struct {
	Headline string `json:"headline"`
	Winners  []struct {
		Key   string   `json:"key"`
		Cells []string `json:"cells"`
	} `json:"winners"`
	Charts []struct {
		Title  string   `json:"title"`
		Bars   int      `json:"bars"`
		Ticks  []string `json:"ticks"`
		Labels []string `json:"labels"`
		Lines  int      `json:"lines"`
		Grid   int      `json:"grid"`
	} `json:"charts"`
	Overflow []string `json:"overflow"`
}

var measureRE = regexp.MustCompile(`(?s)<pre id="measure">(.*?)</pre>`)

// render writes page to dir/name.html, screenshots it and returns what
// the browser measured.
func render(t *testing.T, bin, dir, name string, page []byte) measured {
	file := filepath.Join(dir, name+".html")
	require.NoError(t, os.WriteFile(file, page, 0o644))
	shot := filepath.Join(screenshots(t), name+".png")
	runChromium(t, bin, "--window-size=1280,3000", "--screenshot="+shot, "file://"+file)
	info, err := os.Stat(shot)
	require.NoError(t, err, "the screenshot was written")
	assert.Greater(t, info.Size(), int64(10_000), "the screenshot shows something")
	t.Logf("screenshot: %s", shot)

	probe := filepath.Join(dir, name+"-measure.html")
	require.NoError(t, os.WriteFile(probe, bytes.Replace(page, []byte("</body>"), []byte(measure+"</body>"), 1), 0o644))
	dom := runChromium(t, bin, "--virtual-time-budget=5000", "--dump-dom", "file://"+probe)
	m := measureRE.FindStringSubmatch(dom)
	require.NotNil(t, m, "the measuring script ran: %.300s", dom)
	var got measured
	require.NoError(t, json.Unmarshal([]byte(html.UnescapeString(m[1])), &got))
	return got
}

var number = regexp.MustCompile(`[0-9]`)

func TestReportInBrowser(t *testing.T) {
	bin := chromium(t)
	dir := t.TempDir()
	e := engine(t)
	rfs := reforms(t, "../examples/reform/cap-80-2027.yaml", "../examples/reform/price-band-9-2027.yaml")

	// The small population, counted by hand (TestCompareHandCount): one
	// case whose decision changes; A's worker gains 12.30.
	rep, err := compare.Compare(context.Background(), small(t), e, rfs, compare.Options{By: []string{"referrer"}})
	require.NoError(t, err)
	var page bytes.Buffer
	require.NoError(t, rep.WriteHTML(&page))
	got := render(t, bin, dir, "report-small-en", page.Bytes())
	assert.Equal(t, "1", got.Headline)
	rows := map[string][]string{}
	for _, w := range got.Winners {
		rows[w.Key] = w.Cells
	}
	require.Contains(t, rows, "worker_pay")
	// actor, measure, better when, gain, lose, unchanged, total gained, ...
	assert.Equal(t, []string{"1", "0", "3", "+12.30"}, rows["worker_pay"][3:7])
	assert.Equal(t, []string{"0", "1", "3"}, rows["user_net_cost"][3:6], "A's user pays 42.25 more")
	assert.Empty(t, got.Overflow, "no text runs outside its chart")

	// A calibrated twentieth of Flanders: charts with bars, ticks and
	// labels that carry numbers, in Dutch.
	cal, err := population.Flanders()
	require.NoError(t, err)
	g, err := population.NewCalibrated(e.Rulebook(), cal, 2027, decimal.RequireFromString("0.05"), 1)
	require.NoError(t, err)
	var pop bytes.Buffer
	enc := json.NewEncoder(&pop)
	for r, ok := g.Next(); ok; r, ok = g.Next() {
		require.NoError(t, enc.Encode(r))
	}
	rep, err = compare.Compare(context.Background(), bytes.NewReader(pop.Bytes()), e, rfs, compare.Options{By: []string{"user_type"}})
	require.NoError(t, err)
	page.Reset()
	require.NoError(t, rep.WriteHTMLLang(&page, compare.Dutch))
	got = render(t, bin, dir, "report-calibrated-nl", page.Bytes())
	assert.Equal(t, strconv.Itoa(rep.Headline.DecisionChanged), strings.ReplaceAll(got.Headline, ".", ""),
		"the headline shows the decisions changed, with Dutch thousands separators")
	assert.Positive(t, rep.Headline.DecisionChanged)
	require.GreaterOrEqual(t, len(got.Charts), 3, "pay and hours of the change, hours before and after")
	for _, c := range got.Charts {
		assert.NotEmpty(t, c.Title)
		assert.Positive(t, c.Bars, "%s: bars", c.Title)
		assert.GreaterOrEqual(t, len(c.Ticks), 4, "%s: ticks", c.Title)
		assert.GreaterOrEqual(t, c.Grid, 3, "%s: gridlines", c.Title)
		for _, tick := range c.Ticks {
			assert.Regexp(t, number, tick, "%s: a tick carries a number", c.Title)
		}
		assert.Contains(t, c.Labels, "aantal gevallen", "%s: the y axis is labelled, in Dutch", c.Title)
	}
	assert.Empty(t, got.Overflow, "no text runs outside its chart")
	assert.Contains(t, page.String(), "Wie wint, wie verliest")

	// The sweep page: a labelled line per total, the y range that of the
	// values, numbers with thousands separators.
	spec, err := compare.ParseSweep("hours.per_month_max=60:100:10", e.Rulebook())
	require.NoError(t, err)
	sw, err := compare.Sweep(context.Background(), bytes.NewReader(pop.Bytes()), e, nil, spec, compare.Options{})
	require.NoError(t, err)
	page.Reset()
	require.NoError(t, sw.WriteHTML(&page))
	got = render(t, bin, dir, "sweep-calibrated-en", page.Bytes())
	require.Len(t, got.Charts, len(sw.BaseTotals))
	for _, c := range got.Charts {
		assert.Equal(t, 1, c.Lines, c.Title)
		assert.Contains(t, c.Labels, "swept value", c.Title)
		assert.Contains(t, c.Labels, "baseline", c.Title)
	}
	var allowances []string
	for _, c := range got.Charts {
		if strings.HasPrefix(c.Title, "worker allowances") {
			allowances = c.Ticks
		}
	}
	require.NotEmpty(t, allowances)
	assert.NotEqual(t, "0", allowances[0], "the y axis starts near the values, not at 0: %v", allowances)
	assert.Regexp(t, `^\d{1,3}(,\d{3})+`, allowances[0], "thousands separators: %v", allowances)
	assert.Empty(t, got.Overflow, "no label runs outside its chart")
}
