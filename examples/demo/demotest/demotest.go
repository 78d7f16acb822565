// Package demotest holds the end-to-end tests the router examples share;
// kept apart from package demo so that the example binaries, which import
// demo, do not carry test code.
package demotest

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/axioms-go/axiomsgen/examples/demo"
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

// Test runs the end-to-end tests of an example through its real router:
// every sample request with the status it promises (pass, 401, 403, with
// the challenge and JSON body, never echoing the token); path parameters,
// claims and typed claims reaching the handlers; a claim of the wrong type
// being 401, never a panic; the -dev printout; and the auth matrix of
// every route of table (the example's generated AxiomsRoutes) through
// axiomstest.Probe.
func Test(t *testing.T, routes func(*runtime.Guard) http.Handler, table []runtime.Route) {
	iss := axiomstest.New(t, axiomstest.WithAudience(demo.Audience))
	cfg := iss.Config()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	g, err := runtime.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	srv := httptest.NewServer(routes(g))
	t.Cleanup(srv.Close)
	t.Run("auth matrix", func(t *testing.T) { axiomstest.Probe(t, routes(g), table, iss) })

	send := func(t *testing.T, method, path, body, token string) (int, http.Header, string) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header, string(b)
	}

	t.Run("sample requests", func(t *testing.T) {
		for _, d := range demo.Requests() {
			t.Run(d.What, func(t *testing.T) {
				tok := ""
				if d.Token != nil {
					tok = iss.Token(t, d.Token...)
				}
				code, h, body := send(t, d.Method, d.Path, d.Body, tok)
				if code != d.Status {
					t.Fatalf("%s %s = %d, want %d (%s)", d.Method, d.Path, code, d.Status, body)
				}
				if code == 401 || code == 403 {
					if !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer ") || !strings.Contains(body, `"error"`) {
						t.Errorf("rejection without its challenge or JSON body: %q %q", h.Get("WWW-Authenticate"), body)
					}
					if tok != "" && strings.Contains(body, tok) {
						t.Error("the token is echoed")
					}
				}
			})
		}
	})

	t.Run("handlers see the request", func(t *testing.T) {
		code, _, body := send(t, "GET", "/notes/1", "", iss.Token(t, axiomstest.WithScopes("read:notes")))
		if code != 200 || !strings.Contains(body, `"id":"1"`) {
			t.Errorf("GET /notes/1 = %d %s", code, body)
		}
		if code, _, _ := send(t, "GET", "/notes/404", "", iss.Token(t, axiomstest.WithScopes("read:notes"))); code != 404 {
			t.Errorf("GET /notes/404 = %d", code)
		}
		code, _, body = send(t, "POST", "/notes", `{"text":"x"}`, iss.Token(t, axiomstest.WithSubject("bob"), axiomstest.WithScopes("write:notes"), axiomstest.WithRoles("editor")))
		var n map[string]string
		if code != 201 || json.Unmarshal([]byte(body), &n) != nil || n["owner"] != "bob" {
			t.Errorf("POST /notes = %d %s (owner must be the token's subject)", code, body)
		}
		code, _, body = send(t, "GET", "/tenant", "", iss.Token(t, axiomstest.WithClaim("tenant", "acme")))
		if code != 200 || !strings.Contains(body, "acme") {
			t.Errorf("GET /tenant = %d %s", code, body)
		}
		// A claim that does not fit the handler's struct is 401, never a panic.
		if code, _, _ := send(t, "GET", "/tenant", "", iss.Token(t, axiomstest.WithClaim("tenant", 42))); code != 401 {
			t.Errorf("GET /tenant with a numeric tenant = %d, want 401", code)
		}
	})

	t.Run("dev printout", func(t *testing.T) {
		var out bytes.Buffer
		if err := demo.PrintRequests(&out, iss, "http://127.0.0.1:8080"); err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(out.String(), "curl -i"); n != len(demo.Requests()) {
			t.Errorf("printed %d curl commands, want %d", n, len(demo.Requests()))
		}
	})
}
