package main

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

// TestDevSamples runs every request -dev prints and checks the status it
// promises, so the README's walkthrough stays true.
func TestDevSamples(t *testing.T) {
	iss := axiomstest.New(t, axiomstest.WithAudience(devAudience))
	cfg := iss.Config()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	g, err := runtime.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	srv := httptest.NewServer(routes(g, NewServer()))
	defer srv.Close()

	do := func(t *testing.T, method, path, body, token string) int {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := do(t, "GET", "/healthz", "", ""); got != 200 {
		t.Errorf("healthz = %d", got)
	}
	if got := do(t, "GET", "/items", "", ""); got != 401 {
		t.Errorf("no token = %d", got)
	}
	for _, d := range devTokens() {
		t.Run(d.what, func(t *testing.T) {
			tok := iss.Token(t, d.opts...)
			if got := do(t, d.method, d.path, d.body, tok); strconv.Itoa(got) != d.expect {
				t.Errorf("%s %s = %d, want %s", d.method, d.path, got, d.expect)
			}
		})
	}
}

func TestPrintDevTokens(t *testing.T) {
	iss := axiomstest.New(t, axiomstest.WithAudience(devAudience))
	var out bytes.Buffer
	if err := printDevTokens(&out, iss, "http://127.0.0.1:8080"); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "curl -i"); n != len(devTokens())+2 {
		t.Errorf("printed %d curl commands, want %d", n, len(devTokens())+2)
	}
}
