package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/server"
)

// The service embedded in a Go program: its handler decides a case sent as
// JSON, and names the rulebook that decided in a header.
func ExampleNew() {
	rb, _ := wk.Reference()
	srv, err := server.New(server.Config{Rulebook: rb, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		panic(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	body := `{"date": "2024-03-01", "case": {"person": {"domicile_region": "flanders", "income": "leefloon"}}}`
	resp, err := http.Post(ts.URL+"/v1/decide", "application/json", strings.NewReader(body))
	if err != nil {
		panic(err)
	}
	defer resp.Body.Close()
	var out struct {
		Eligibility struct {
			Eligible bool   `json:"eligible"`
			Referrer string `json:"referrer"`
		} `json:"eligibility"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		panic(err)
	}
	fmt.Println(resp.StatusCode, out.Eligibility.Eligible, out.Eligibility.Referrer)
	fmt.Println(resp.Header.Get("X-Wijkwerken-Fingerprint") == rb.Fingerprint())
	// Output:
	// 200 true ocmw
	// true
}
