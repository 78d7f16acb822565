package main

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net"
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
	// The guard needs the server's URL (DPoP proofs name it), so listen
	// first, as main does.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := iss.Config()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.DPoPBaseURL = "http://" + ln.Addr().String()
	cfg.Resource = cfg.DPoPBaseURL // as main does with -dev
	g, err := runtime.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: routes(g, NewServer())}}
	srv.Start()
	defer srv.Close()
	key := iss.DPoPKey(t, "ES256")

	do := func(t *testing.T, method, path, body string, headers map[string]string) int {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		for k, v := range headers {
			req.Header.Set(k, v)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if got := do(t, "GET", "/healthz", "", nil); got != 200 {
		t.Errorf("healthz = %d", got)
	}
	if got := do(t, "GET", "/items", "", nil); got != 401 {
		t.Errorf("no token = %d", got)
	}
	if got := do(t, "GET", "/.well-known/oauth-protected-resource", "", nil); got != 200 {
		t.Errorf("metadata = %d", got)
	}
	// scopes_supported is what the directives name (through the generated
	// table, so a changed directive shows after go generate).
	resp, err := srv.Client().Get(srv.URL + "/.well-known/oauth-protected-resource")
	if err != nil {
		t.Fatal(err)
	}
	var meta struct {
		Resource string   `json:"resource"`
		Scopes   []string `json:"scopes_supported"`
	}
	json.NewDecoder(resp.Body).Decode(&meta)
	resp.Body.Close()
	if meta.Resource != cfg.Resource || strings.Join(meta.Scopes, " ") != "admin read:items write:items" {
		t.Errorf("metadata %+v", meta)
	}
	for _, d := range devTokens() {
		t.Run(d.what, func(t *testing.T) {
			h, err := devHeaders(iss, key, d, srv.URL)
			if err != nil {
				t.Fatal(err)
			}
			if got := do(t, d.method, d.path, d.body, h); strconv.Itoa(got) != d.expect {
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
	if n := strings.Count(out.String(), "curl -i"); n != len(devTokens())+3 {
		t.Errorf("printed %d curl commands, want %d (the samples, health, no token, metadata)", n, len(devTokens())+3)
	}
}

// TestAuthMatrix proves every route's guard on the real handler: each
// refusal with its status and challenge, and the smallest token that
// meets the requirement let through (axiomstest.Probe).
func TestAuthMatrix(t *testing.T) {
	iss := axiomstest.New(t, axiomstest.WithAudience(devAudience))
	cfg := iss.Config()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.DPoPBaseURL = "https://items.example.test"
	cfg.Resource = cfg.DPoPBaseURL
	g, err := runtime.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	axiomstest.Probe(t, routes(g, NewServer()), AxiomsRoutes, iss, axiomstest.WithProbeBaseURL(cfg.DPoPBaseURL))
}
