package browsertest

// The web interface in a real browser: headless Chromium driven through
// the DevTools protocol with chromedp. compare's report test runs Chromium
// as a command (--dump-dom) because those pages have no script; these
// pages are forms that must be typed into, clicked, uploaded to and waited
// on, which needs a live session: chromedp speaks the protocol from Go
// (no Node, no browser download of its own: it starts the system's
// Chromium), and lives in this module so that the library's go.mod never
// sees it.

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/server"
)

// chromium finds a Chromium binary: $CHROMIUM, else the usual names. With
// none the test is skipped, loudly.
func chromium(t *testing.T) string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless_shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	msg := "NO CHROMIUM BINARY FOUND (set CHROMIUM, or apt-get install chromium): the web interface is NOT tested in a browser"
	fmt.Fprintln(os.Stderr, "\n*** SKIP: "+msg+" ***")
	t.Skip(msg)
	return ""
}

// screenshots is where the screenshots go: $WIJKWERKEN_SCREENSHOTS, else a
// directory under the system's temporary directory (never the repository).
func screenshots(t *testing.T) string {
	dir := os.Getenv("WIJKWERKEN_SCREENSHOTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "wijkwerken-screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// browser is a headless Chromium on a fresh profile, with what it logged.
type browser struct {
	ctx      context.Context
	base     string
	shots    string
	mu       sync.Mutex
	console  []string // console errors, exceptions, CSP violations
	external []string // requests to anywhere but the service
}

func (b *browser) record(list *[]string, s string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	*list = append(*list, s)
}

func newBrowser(t *testing.T, base string) *browser {
	bin := chromium(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(bin),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("no-default-browser-check", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.Flag("hide-scrollbars", true),
		chromedp.Flag("lang", "en-US"),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1366, 900),
	}
	b := &browser{base: base, shots: screenshots(t)}
	host := mustHost(t, base)
	listen := func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				var parts []string
				for _, a := range ev.Args {
					parts = append(parts, string(a.Value))
				}
				b.record(&b.console, "console.error: "+strings.Join(parts, " "))
			}
		case *runtime.EventExceptionThrown:
			b.record(&b.console, "exception: "+ev.ExceptionDetails.Text)
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError {
				b.record(&b.console, "log: "+ev.Entry.Text+" "+ev.Entry.URL)
			}
		case *network.EventRequestWillBeSent:
			u, err := url.Parse(ev.Request.URL)
			if err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != host {
				b.record(&b.external, ev.Request.URL)
			}
		}
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	// The browser lives as long as this context: no timeout on it (each
	// step has its own, in run).
	ctx, cancelC := chromedp.NewContext(actx, chromedp.WithListener(listen))
	t.Cleanup(func() { cancelC(); cancelA() })
	b.ctx = ctx
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("chromium did not start: %v", err)
	}
	return b
}

func mustHost(t *testing.T, base string) string {
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}

func (b *browser) run(t *testing.T, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}

// get runs one action and returns its value.
func get[T any](t *testing.T, b *browser, a chromedp.Action[T]) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// shot saves a screenshot of the whole page as name.png.
func (b *browser) shot(t *testing.T, name string) {
	t.Helper()
	png := get(t, b, chromedp.FullScreenshot(100))
	path := filepath.Join(b.shots, name+".png")
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s (%d bytes)", path, len(png))
}

func (b *browser) text(t *testing.T, sel string) string {
	t.Helper()
	b.run(t, chromedp.WaitVisible(chromedp.CSS(sel)))
	return strings.TrimSpace(get(t, b, chromedp.Text(chromedp.CSS(sel))))
}

// eval evaluates js in the page into *out.
func eval[T any](t *testing.T, b *browser, js string, out *T) {
	t.Helper()
	*out = get(t, b, chromedp.Evaluate[T](js))
}

// set sets a field's value as a person's typing would: the input and
// change events fire.
func (b *browser) set(sel, v string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`void (function (e) { e.value = %q; e.dispatchEvent(new Event("input", {bubbles: true})); e.dispatchEvent(new Event("change", {bubbles: true})); })(document.querySelector(%q))`, v, sel))
}

// waitJS waits until the expression is true.
func (b *browser) waitJS(t *testing.T, js string) {
	t.Helper()
	get(t, b, chromedp.Poll[bool](js, chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
}

func startService(t *testing.T) (string, *syncBuffer) {
	rb, err := wk.Reference()
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	srv, err := server.New(server.Config{Rulebook: rb, Logger: slog.New(slog.NewJSONHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts.URL, logs
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var _ io.Writer = (*syncBuffer)(nil)

// The expected values below come from the regulation, not from the
// service: the tax reduction's rate is 30 % to 2019-12-31 and 20 % from
// 2020-01-01 (DESIGN.md MD 9) with three steps to 2026 (MD 11: 0 from
// 2026-01-01); more than 10 interim days in the last 28 exclude a person
// (MD 7); a household whose OCMW chose refer_both is referred by the OCMW
// (MD 5).
func TestWebInterface(t *testing.T) {
	base, logs := startService(t)
	b := newBrowser(t, base)
	start := time.Now()

	t.Run("explorer navigation and time travel", func(t *testing.T) {
		b.run(t, chromedp.Navigate(base+"/?at=2019-06-01"), chromedp.WaitVisible(chromedp.CSS("ul.cards")))
		if h := b.text(t, "h1"); h != "The rulebook" {
			t.Errorf("h1 %q: the browser asked for English (Accept-Language en-US)", h)
		}
		var areas int
		eval(t, b, `document.querySelectorAll("ul.cards a.card").length`, &areas)
		if areas < 5 {
			t.Errorf("%d areas on the explorer, want the rulebook's five or more", areas)
		}
		rate := `document.querySelector('a[href^="/parameters/vouchers.tax_rate"]').closest("tr").querySelector("td.val").textContent.trim()`
		var v string
		eval(t, b, rate, &v)
		if v != "0.3" {
			t.Errorf("vouchers.tax_rate on 2019-06-01: %q, want 0.3 (30 %%)", v)
		}
		b.shot(t, "web-explorer")
		// Time travel: the same page on another day, through the form.
		b.run(t, b.set("#at", "2021-06-01"), chromedp.Submit(chromedp.ID("at")),
			chromedp.WaitVisible(chromedp.CSS(`input#at[value="2021-06-01"]`)))
		eval(t, b, rate, &v)
		if v != "0.2" {
			t.Errorf("vouchers.tax_rate on 2021-06-01: %q, want 0.2 (20 %%)", v)
		}
		// Areas → a rule → its page: a deep link with the date kept.
		b.run(t, chromedp.Click(chromedp.CSS(`a.card[href^="/areas/eligibility"]`)),
			chromedp.WaitVisible(chromedp.CSS(`article[id="eligibility.interim"]`)))
		expr := b.text(t, `article[id="eligibility.interim"] pre.expr`)
		if !strings.Contains(expr, "interim_days_last_28") {
			t.Errorf("the interim rule's expression: %q", expr)
		}
		var sources int
		eval(t, b, `document.querySelectorAll('article.rule ul.sources a[href^="http"]').length`, &sources)
		if sources == 0 {
			t.Error("no rule of eligibility shows a source link")
		}
		b.shot(t, "web-area")
		b.run(t, chromedp.Click(chromedp.CSS(`article[id="eligibility.interim"] h3 a`)), chromedp.WaitVisible(chromedp.CSS("p.status")))
		var loc string
		eval(t, b, `location.pathname + location.search`, &loc)
		if loc != "/rules/eligibility.interim?at=2021-06-01" {
			t.Errorf("the rule's deep link: %s", loc)
		}
		if s := b.text(t, "p.status"); !strings.HasPrefix(s, "In force on 2021-06-01") {
			t.Errorf("rule page status %q", s)
		}
		b.shot(t, "web-rule")
		// Search by reason code.
		b.run(t, chromedp.Navigate(base+"/search?q=interim_limit_exceeded&at=2024-01-01"), chromedp.WaitVisible(chromedp.CSS("ul.hits")))
		var reason int
		eval(t, b, `document.querySelectorAll("li.hit-reason").length`, &reason)
		if reason == 0 {
			t.Error("searching the reason code interim_limit_exceeded finds no reason")
		}
		b.shot(t, "web-search")
		// What changed between two dates: the tax rate from 30 to 20 %.
		b.run(t, chromedp.Navigate(base+"/changes?from=2019-06-01&to=2021-06-01"), chromedp.WaitVisible(chromedp.CSS("table.sidebyside")))
		var row []string
		eval(t, b, `Array.from(document.querySelector('a[href^="/parameters/vouchers.tax_rate"]').closest("tr").querySelectorAll("td code")).map(c => c.textContent)`, &row)
		if fmt.Sprint(row) != "[0.3 0.2]" {
			t.Errorf("the tax rate side by side: %v, want [0.3 0.2]", row)
		}
		b.shot(t, "web-changes")
		// Dutch throughout, from the language link.
		b.run(t, chromedp.Click(chromedp.CSS("a.lang")), chromedp.WaitVisible(chromedp.CSS(`html[lang="nl"]`)))
		if h := b.text(t, "h1"); h != "Wat veranderde tussen twee data" {
			t.Errorf("Dutch h1 %q", h)
		}
		b.run(t, chromedp.Click(chromedp.CSS("a.lang")), chromedp.WaitVisible(chromedp.CSS(`html[lang="en"]`)))
	})

	t.Run("parameter timeline", func(t *testing.T) {
		b.run(t, chromedp.Navigate(base+"/parameters/vouchers.tax_rate?at=2021-06-01"), chromedp.WaitVisible(chromedp.CSS("svg.timeline")))
		var steps, rows int
		eval(t, b, `document.querySelectorAll("svg.timeline g.step").length`, &steps)
		eval(t, b, `document.querySelectorAll("table.steps tbody tr").length`, &rows)
		if steps != 3 || rows != 3 {
			t.Errorf("the tax rate's timeline: %d steps drawn, %d rows, want 3 and 3 (30 %%, 20 %%, 0)", steps, rows)
		}
		cur := b.text(t, "table.steps tr.current td.val code")
		if cur != "0.2" {
			t.Errorf("the step in force on 2021-06-01: %q, want 0.2", cur)
		}
		var width float64
		eval(t, b, `document.querySelector("svg.timeline").getBoundingClientRect().width`, &width)
		if width < 400 {
			t.Errorf("the chart is %g px wide", width)
		}
		// The steps' tooltips carry their citations; the current one is
		// marked in the chart too.
		var tips []string
		eval(t, b, `Array.from(document.querySelectorAll("svg.timeline g.step title")).map(t => t.textContent)`, &tips)
		if len(tips) != 3 || !strings.Contains(tips[1], "2020-01-01") {
			t.Errorf("step tooltips %q", tips)
		}
		var marked int
		eval(t, b, `document.querySelectorAll("svg.timeline g.step.current").length`, &marked)
		if marked != 1 {
			t.Errorf("%d steps marked current in the chart", marked)
		}
		b.shot(t, "web-parameter")
	})

	t.Run("a case evaluated from the form", func(t *testing.T) {
		b.run(t, chromedp.Navigate(base+"/case"), chromedp.WaitVisible(chromedp.CSS("#case-form")))
		// Validated as typed: a decimal with a comma is refused on its field.
		b.run(t, chromedp.SendKeys(chromedp.ID("f-request-km"), "12,5"))
		b.waitJS(t, `document.querySelector("#f-request-km").getAttribute("aria-invalid") === "true"`)
		b.run(t, b.set("#f-request-km", ""))
		b.run(t,
			b.set("#decision-date", "2024-03-01"),
			b.set("#f-person-domicile-region", "flanders"),
			b.set("#f-person-registered-jobseeker", "true"),
			b.set("#f-person-income", "unemployment_benefit"),
		)
		b.run(t, chromedp.SendKeys(chromedp.ID("f-person-interim-days-last-28"), "16"))
		b.run(t, chromedp.Click(chromedp.ID("evaluate")), chromedp.WaitVisible(chromedp.CSS(`#result li.reason[data-code="interim_limit_exceeded"]`)))
		if v := b.text(t, `#result code[data-path="eligibility.eligible"]`); v != "false" {
			t.Errorf("eligibility.eligible %q, want false (16 interim days)", v)
		}
		msg := b.text(t, `#result li.reason[data-code="interim_limit_exceeded"] span[lang="en"]`)
		if msg == "" {
			t.Error("the reason has no English message")
		}
		var links int
		b.run(t, chromedp.Click(chromedp.CSS(`#area-eligibility details.trace summary`)))
		eval(t, b, `document.querySelectorAll('#area-eligibility ol.tree a[href^="/rules/eligibility.interim?at=2024-03-01"], #area-eligibility ol.tree a[href^="/parameters/eligibility.interim_days_max"]').length`, &links)
		if links < 2 {
			t.Errorf("the trace links back to the interim rule and its parameter: %d links", links)
		}
		b.shot(t, "web-case")
		// A household: the OCMW refers (MD 5).
		b.run(t,
			b.set("#f-person-interim-days-last-28", "0"),
			b.set("#f-person-income", "none"),
			b.set("#f-household-partner-income", "leefloon"),
			b.set("#f-household-ocmw-option", "refer_both"),
			b.set("#f-household-vdab-consulted", "true"),
			chromedp.Click(chromedp.ID("evaluate")),
			chromedp.WaitVisible(chromedp.CSS(`#result code[data-path="eligibility.referrer"]`)))
		if v := b.text(t, `#result code[data-path="eligibility.referrer"]`); v != "ocmw" {
			t.Errorf("the household's referrer %q, want ocmw", v)
		}
		// The same page on a tablet.
		b.run(t, chromedp.EmulateViewport(820, 1180, chromedp.EmulateScale(2), chromedp.EmulateTouch))
		var overflow bool
		eval(t, b, `document.documentElement.scrollWidth > window.innerWidth + 1`, &overflow)
		if overflow {
			t.Error("the case page scrolls sideways on a tablet")
		}
		b.shot(t, "web-case-tablet")
		b.run(t, chromedp.ResetViewport())
	})

	t.Run("a reform over the sample population", func(t *testing.T) {
		b.run(t, chromedp.Navigate(base+"/reform"), chromedp.WaitVisible(chromedp.CSS("#reform-form")))
		b.run(t, chromedp.SendKeys(chromedp.CSS("#param-changes .p-id"), "hours.per_month_max"),
			chromedp.SendKeys(chromedp.CSS("#param-changes .p-value"), "80"))
		b.waitJS(t, `document.querySelector("#lint-status").classList.contains("ok")`)
		// A misspelled field in a rule: the problem lands on its line.
		b.run(t, chromedp.SendKeys(chromedp.ID("rules-editor"), "replace_rules:\n  - id: eligibility.interim\n    when: person.interim_dayz > 3\n"))
		b.waitJS(t, `document.querySelector("#gutter .mark") !== null`)
		var marked []string
		eval(t, b, `Array.from(document.querySelectorAll("#gutter .mark")).map(m => m.textContent)`, &marked)
		if fmt.Sprint(marked) != "[3]" {
			t.Errorf("lint marks editor lines %v, want [3] (the when: line)", marked)
		}
		var yaml string
		eval(t, b, `document.querySelector("#reform-yaml").textContent`, &yaml)
		if !strings.Contains(yaml, "  - param: hours.per_month_max\n") || !strings.Contains(yaml, "value: 80") {
			t.Errorf("the reform as YAML:\n%s", yaml)
		}
		b.shot(t, "web-reform-lint")
		b.run(t, b.set("#rules-editor", ""))
		b.waitJS(t, `document.querySelector("#lint-status").classList.contains("ok")`)
		b.run(t, chromedp.Click(chromedp.ID("run-reform")))
		b.waitJS(t, `!document.querySelector("#report").hidden && document.querySelector("#report").contentDocument && document.querySelector("#report").contentDocument.querySelector("h1") !== null`)
		var head string
		eval(t, b, `document.querySelector("#report").contentDocument.body.innerText`, &head)
		if !strings.Contains(head, "400") {
			t.Errorf("the report does not speak of the 400 cases of the sample:\n%.600s", head)
		}
		var charts int
		eval(t, b, `document.querySelector("#report").contentDocument.querySelectorAll("svg").length`, &charts)
		t.Logf("the report shows %d charts", charts)
		b.shot(t, "web-reform-report")
	})

	t.Run("a scenario file uploaded", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "referrer.yaml")
		suite := "suite: referrer\nscenarios:\n" +
			"  - {name: leefloon refers the OCMW, date: 2024-03-01, case: {person: {domicile_region: flanders, registered_jobseeker: false, income: leefloon}}, expect: {eligibility.referrer: ocmw}}\n" +
			"  - {name: a wrong expectation, date: 2024-03-01, case: {person: {domicile_region: flanders, registered_jobseeker: true, income: none}}, expect: {eligibility.referrer: ocmw}}\n"
		if err := os.WriteFile(file, []byte(suite), 0o644); err != nil {
			t.Fatal(err)
		}
		b.run(t, chromedp.Navigate(base+"/scenarios"), chromedp.WaitVisible(chromedp.CSS("#scenario-form")),
			chromedp.SetUploadFiles(chromedp.ID("scenario-files"), []string{file}),
			chromedp.Click(chromedp.ID("run-scenarios")), chromedp.WaitVisible(chromedp.ID("runner-summary")))
		if s := b.text(t, "#runner-summary"); s != "1 passed, 1 failed" {
			t.Errorf("summary %q", s)
		}
		cmd := b.text(t, "li.outcome.fail code.cmd")
		if !strings.Contains(cmd, "wijkwerken test --run") || !strings.Contains(cmd, "referrer.yaml") {
			t.Errorf("reproduce command %q", cmd)
		}
		diff := b.text(t, "li.outcome.fail pre.diff")
		if !strings.Contains(diff, "want ocmw") || !strings.Contains(diff, "got  vdab") {
			t.Errorf("the diff:\n%s", diff)
		}
		b.shot(t, "web-scenarios")
	})

	t.Run("keyboard", func(t *testing.T) {
		// The first Tab reaches the skip link, which leads to the content.
		b.run(t, chromedp.Navigate(base+"/"), chromedp.WaitVisible(chromedp.CSS("ul.cards")), chromedp.KeyEvent("\t"))
		var focused string
		eval(t, b, `document.activeElement.className`, &focused)
		if focused != "skip" {
			t.Errorf("the first Tab focuses %q, want the skip link", focused)
		}
	})

	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range b.console {
		t.Errorf("browser console: %s", c)
	}
	for _, u := range b.external {
		t.Errorf("a request left the service: %s", u)
	}
	t.Logf("browser tests: %s", time.Since(start).Round(time.Millisecond))
	// No case data reached the logs: the municipality-free case above had
	// 16 interim days; the log lines name routes, not values.
	if strings.Contains(logs.String(), "unemployment_benefit") || strings.Contains(logs.String(), "interim_days") {
		t.Error("the service's log holds case data")
	}
}
