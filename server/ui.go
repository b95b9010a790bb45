package server

import (
	"bytes"
	"embed"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/decision"
)

// The web interface (docs/web.md): a legislation explorer, a case
// evaluator, a reform lab and a scenario runner, served at / beside the
// API. Pages are rendered on the server with html/template; one small
// script (ui/static/app.js) serialises forms and calls the API. Every
// asset is embedded: nothing is fetched from elsewhere, so that it works
// on a network without the internet.

//go:embed ui
var uiFiles embed.FS

// ui is the web interface of a Server.
type ui struct {
	s      *Server
	mux    *http.ServeMux
	pages  map[string]*template.Template
	static http.Handler
	form   []formField // the case form, from the case document's schema
}

func newUI(s *Server) *ui {
	u := &ui{s: s, mux: http.NewServeMux(), pages: map[string]*template.Template{}}
	base := template.Must(template.New("layout.html").Funcs(uiFuncs).ParseFS(uiFiles, "ui/templates/layout.html"))
	pages, _ := fs.Glob(uiFiles, "ui/templates/*.html")
	for _, p := range pages {
		name := strings.TrimSuffix(strings.TrimPrefix(p, "ui/templates/"), ".html")
		if name == "layout" {
			continue
		}
		u.pages[name] = template.Must(template.Must(base.Clone()).ParseFS(uiFiles, p))
	}
	static, _ := fs.Sub(uiFiles, "ui/static")
	u.static = http.StripPrefix("/static/", http.FileServerFS(static))
	u.form = caseForm()
	for _, rt := range []struct {
		pattern string
		h       http.HandlerFunc
		limit   *limiter
	}{
		{"GET /{$}", u.home, s.slots},
		{"GET /areas/{area}", u.area, s.slots},
		{"GET /rules/{id}", u.rule, s.slots},
		{"GET /parameters", u.parameters, s.slots},
		{"GET /parameters/{id}", u.parameter, s.slots},
		{"GET /search", u.search, s.slots},
		{"GET /changes", u.changes, s.slots},
		{"GET /case", u.casePage, s.slots},
		{"GET /reform", u.reformPage, s.slots},
		{"GET /scenarios", u.scenariosPage, s.slots},
		{"GET /static/", u.asset, nil},
		{"POST /ui/decide", u.decide, s.slots},
		{"POST /ui/scenarios", u.scenarios, s.streams},
	} {
		h := rt.h
		if rt.limit != nil {
			h = s.limited(rt.limit, h)
		}
		u.mux.HandleFunc(rt.pattern, h)
	}
	return u
}

// securityHeaders keeps the pages to their own origin: no script, style,
// font or image from elsewhere, no framing by others, no referrer sent
// when a source link is followed.
func securityHeaders(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "SAMEORIGIN")
}

func (u *ui) asset(w http.ResponseWriter, r *http.Request) {
	securityHeaders(w)
	w.Header().Set("Cache-Control", "no-cache")
	u.static.ServeHTTP(w, r)
}

// page is what every page's template gets.
type page struct {
	L       string // the interface's language: nl or en
	Title   string
	Nav     string // the section of the navigation this page is in
	At      wk.Date
	Other   string // the other language
	OtherTo string // this page in the other language
	Name    string // the rulebook's name
	FP      string // its fingerprint
	Engine  string
	Data    any
}

// lang is the interface's language: ?lang= (remembered in a cookie), else
// the cookie, else the browser's preference between Dutch and English.
func lang(w http.ResponseWriter, r *http.Request) string {
	if l := r.URL.Query().Get("lang"); l == "nl" || l == "en" {
		http.SetCookie(w, &http.Cookie{Name: "wijkwerken_lang", Value: l, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, HttpOnly: true})
		return l
	}
	if c, err := r.Cookie("wijkwerken_lang"); err == nil && (c.Value == "nl" || c.Value == "en") {
		return c.Value
	}
	for _, part := range strings.Split(r.Header.Get("Accept-Language"), ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case strings.HasPrefix(tag, "nl"):
			return "nl"
		case strings.HasPrefix(tag, "en"):
			return "en"
		}
	}
	return "nl"
}

// asOf is the page's ?at= date; today when absent. A malformed one is an
// error shown on the page.
func asOf(r *http.Request, name string) (wk.Date, string) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return wk.DateOf(time.Now()), ""
	}
	d, err := wk.ParseDate(v)
	if err != nil {
		return wk.DateOf(time.Now()), err.Error()
	}
	return d, ""
}

func (u *ui) newPage(w http.ResponseWriter, r *http.Request, nav, title string) page {
	l := lang(w, r)
	p := page{L: l, Nav: nav, Title: title, Name: u.s.base.rb.Name(), FP: u.s.base.fingerprint, Engine: u.s.build.Version, Other: "en"}
	if l == "en" {
		p.Other = "nl"
	}
	q := r.URL.Query()
	q.Set("lang", p.Other)
	p.OtherTo = (&url.URL{Path: r.URL.Path, RawQuery: q.Encode()}).String()
	return p
}

// render writes a page, or a problem when its template fails.
func (u *ui) render(w http.ResponseWriter, r *http.Request, name string, status int, p page) {
	var b bytes.Buffer
	if err := u.pages[name].ExecuteTemplate(&b, "layout.html", p); err != nil {
		u.s.log.Error("template", "page", name, "error", err.Error())
		writeProblem(w, r, problem(KindInternal, "the page %s could not be drawn", name))
		return
	}
	securityHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Language", p.L)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// fragment writes a part of a page (the answer of a POST /ui/ route).
func (u *ui) fragment(w http.ResponseWriter, r *http.Request, name string, status int, data any) {
	var b bytes.Buffer
	if err := u.pages[name].ExecuteTemplate(&b, name, data); err != nil {
		u.s.log.Error("template", "fragment", name, "error", err.Error())
		writeProblem(w, r, problem(KindInternal, "the answer could not be drawn"))
		return
	}
	securityHeaders(w)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// paramRef finds the parameters an expression reads.
var paramRef = regexp.MustCompile(`param(?:_at)?\(\s*"([^"]+)"`)

// paramsRead lists the parameters a rule's expression reads, in order.
func paramsRead(expr string) []string {
	var out []string
	for _, m := range paramRef.FindAllStringSubmatch(expr, -1) {
		if !slices.Contains(out, m[1]) {
			out = append(out, m[1])
		}
	}
	return out
}

var uiFuncs = template.FuncMap{
	"t":    tr,
	"text": func(l string, t wk.Text) string { return pick(l, t) },
	"othertext": func(l string, t wk.Text) string {
		if l == "nl" {
			return t.EN
		}
		return t.NL
	},
	"otherlang": func(l string) string {
		if l == "nl" {
			return "en"
		}
		return "nl"
	},
	"date": func(d wk.Date) string {
		if d.IsZero() {
			return ""
		}
		return d.String()
	},
	"ruleURL": func(id string, at wk.Date) string {
		return "/rules/" + url.PathEscape(id) + "?at=" + at.String()
	},
	"paramURL": func(id string, at wk.Date) string {
		return "/parameters/" + url.PathEscape(id) + "?at=" + at.String()
	},
	"areaURL": func(area string, at wk.Date) string {
		return "/areas/" + url.PathEscape(area) + "?at=" + at.String()
	},
	"areaName": func(l, area string) string { return tr(l, "area."+area) },
	"value":    func(v wk.Value) string { return v.String() },
	"reads":    paramsRead,
	"safeURL": func(s string) template.URL {
		// Only web addresses become links (the rulebook's sources: are
		// checked to be http(s) URLs when it loads; this keeps it so).
		if strings.HasPrefix(s, "https://") || strings.HasPrefix(s, "http://") {
			return template.URL(s)
		}
		return template.URL("#")
	},
	"dict": func(kv ...any) map[string]any {
		m := make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			k, _ := kv[i].(string)
			m[k] = kv[i+1]
		}
		return m
	},
	"jsmsgs": scriptText,
	"deref":  func(b *bool) bool { return b != nil && *b },
	"fmtany": func(v any) string { return strings.Trim(decision.FormatValue(v), `"`) },
}

func pick(l string, t wk.Text) string {
	if l == "en" && t.EN != "" || t.NL == "" {
		return t.EN
	}
	return t.NL
}
