package httpexample

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"

	wk "github.com/openwijkwerken/wijkwerken"
	"github.com/openwijkwerken/wijkwerken/server"
)

// TestPythonClient runs the Python client's demonstration against a
// service on loopback and checks what it prints: the values follow from
// the regulation (MD 5: the OCMW refers a person whose partner receives
// leefloon when it chose refer_both; MD 2: with 59 hours of 60 a month
// one of the request's two started hours fits, both under a cap of 80).
func TestPythonClient(t *testing.T) {
	python, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 is not installed")
	}
	rb, err := wk.Reference()
	if err != nil {
		t.Fatal(err)
	}
	srv, err := server.New(server.Config{Rulebook: rb, Logger: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	out, err := exec.Command(python, "wijkwerken_client.py", ts.URL).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	got := string(out)
	for _, want := range []string{
		"rulebook " + srv.Fingerprint(),
		"eligible True referrer ocmw",
		"reason not_on_unemployment_benefit - De persoon ontvangt geen werkloosheidsuitkering.",
		"hours allowed 1 with a cap of 80 2",
		"problem 422 bad-case case.person.income line 1 column",
		"parameter hours.per_month_max 60 hours per calendar month",
		"batch 2500 results, first case-0 last case-2499 referrer ocmw",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the client's output lacks %q:\n%s", want, got)
		}
	}
}
