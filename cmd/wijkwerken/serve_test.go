package main

import (
	"encoding/json"
	"net"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeCommand starts the service with a token file and a decision
// log, decides a case, then sends the process SIGTERM: the command shuts
// down gracefully and exits 0.
func TestServeCommand(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	ln.Close()
	tokens := writeFile(t, "tokens", "# the case software's token\ns3cret\n")
	dlog := writeFile(t, "decisions.jsonl", "")
	var stdout, stderr lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- cmdServe([]string{"--addr", addr, "--tokens", tokens, "--decision-log", dlog, "--drain", "5s"}, nil, &stdout, &stderr)
	}()
	url := "http://" + addr
	require.Eventually(t, func() bool {
		resp, err := http.Get(url + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == 200
	}, 20*time.Second, 20*time.Millisecond, stderr.String())

	body := `{"date": "2024-03-01", "case": {"person": {"domicile_region": "flanders", "registered_jobseeker": false, "income": "leefloon"}}}`
	req, _ := http.NewRequest("POST", url+"/v1/decide", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, 401, resp.StatusCode, "the token file is in force")
	req, _ = http.NewRequest("POST", url+"/v1/decide", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer s3cret")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	var d map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&d))
	resp.Body.Close()
	assert.Equal(t, "ocmw", d["eligibility"].(map[string]any)["referrer"])

	require.NoError(t, syscall.Kill(os.Getpid(), syscall.SIGTERM))
	select {
	case code := <-done:
		assert.Equal(t, 0, code, stderr.String())
	case <-time.After(20 * time.Second):
		t.Fatal("serve did not stop on SIGTERM")
	}
	assert.Contains(t, stderr.String(), `"msg":"stopped"`)
	assert.NotContains(t, stderr.String(), "leefloon", "no case data in the logs")
	logged, err := os.ReadFile(dlog)
	require.NoError(t, err)
	assert.Equal(t, 1, strings.Count(string(logged), "\n"), "one decision logged")
	assert.Contains(t, string(logged), `"input_digest":"sha256:`)
}

func TestServeCommandRefusesBadFlags(t *testing.T) {
	code, _, errs := runCLI(t, "serve", "--decision-log-cases")
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "needs --decision-log")
	code, _, errs = runCLI(t, "serve", "--tokens", writeFile(t, "empty", "# none\n"))
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "no tokens")
	code, _, _ = runCLI(t, "serve", "--log-level", "loud")
	assert.Equal(t, 2, code)
}

func TestSchemaCommand(t *testing.T) {
	code, out, errs := runCLI(t, "schema", "case")
	require.Equal(t, 0, code, errs)
	var doc map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.Equal(t, "https://json-schema.org/draft/2020-12/schema", doc["$schema"])
	code, _, errs = runCLI(t, "schema", "cas")
	assert.Equal(t, 2, code)
	assert.Contains(t, errs, "case, reform, register, rulebook, scenario")
}
