// Package browsertest drives the service's web interface in a real headless
// Chromium with chromedp. It is a module of its own so that chromedp and the
// DevTools protocol's types never enter the library's go.mod.
package browsertest
