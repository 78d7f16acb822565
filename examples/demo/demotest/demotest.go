// Package demotest holds the end-to-end tests every example shares; kept
// apart from package demo so that the example binaries, which import
// demo, do not carry test code.
package demotest

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strings"
	"testing"

	"github.com/axioms-go/axiomsgen/examples/demo"
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

// Test runs the end-to-end tests of an example through its real router,
// configured as -dev configures it (e.Configure included), on a loopback
// listener: every sample request as -dev prints it, with the status it
// promises (pass, 401, 403, with the challenge and JSON body, never
// echoing the token; DPoP ones with their proof); path parameters, claims
// and typed claims reaching the handlers; a claim of the wrong type being
// 401, never a panic; the -dev printout; and the auth matrix of every
// route of table (the example's generated AxiomsRoutes) through
// axiomstest.Probe; and that the example's binary does not link the
// testing package.
func Test(t *testing.T, e demo.Example, table []runtime.Route) {
	iss := axiomstest.New(t, axiomstest.WithAudience(demo.Audience))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	cfg := iss.Config()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	if e.Configure != nil {
		c, err := e.Configure(&cfg, base, true)
		if err != nil {
			t.Fatal(err)
		}
		if c != nil {
			t.Cleanup(func() { c.Close() })
		}
	}
	g, err := runtime.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	srv := &httptest.Server{Listener: ln, Config: &http.Server{Handler: e.Routes(g)}}
	srv.Start()
	t.Cleanup(srv.Close)

	t.Run("the binary does not link testing", func(t *testing.T) {
		// The example's own package (the test's directory): its -dev
		// issuer comes from axiomstest, which must not pull testing in.
		out, err := exec.Command("go", "list", "-deps", ".").CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps: %v\n%s", err, out)
		}
		for _, dep := range strings.Fields(string(out)) {
			if dep == "testing" {
				t.Fatal("the example's binary links the testing package")
			}
		}
	})

	t.Run("auth matrix", func(t *testing.T) {
		var opts []axiomstest.ProbeOption
		if cfg.DPoPBaseURL != "" {
			opts = append(opts, axiomstest.WithProbeBaseURL(cfg.DPoPBaseURL))
		}
		axiomstest.Probe(t, e.Routes(g), table, iss, opts...)
	})

	send := func(t *testing.T, method, path, body string, headers map[string]string) (int, http.Header, string) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range headers {
			req.Header.Set(k, v)
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
	bearer := func(opts ...axiomstest.TokenOption) map[string]string {
		return map[string]string{"Authorization": "Bearer " + iss.Token(t, opts...)}
	}

	t.Run("sample requests", func(t *testing.T) {
		key := iss.DPoPKey(t, "ES256")
		for _, d := range e.SampleRequests() {
			t.Run(d.What, func(t *testing.T) {
				h, err := d.Headers(iss, key, srv.URL)
				if err != nil {
					t.Fatal(err)
				}
				code, rh, body := send(t, d.Method, d.Path, d.Body, h)
				if code != d.Status {
					t.Fatalf("%s %s = %d, want %d (%s)", d.Method, d.Path, code, d.Status, body)
				}
				if code == 401 || code == 403 {
					if ch := rh.Get("WWW-Authenticate"); !strings.HasPrefix(ch, "Bearer ") && !strings.HasPrefix(ch, "DPoP ") || !strings.Contains(body, `"error"`) {
						t.Errorf("rejection without its challenge or JSON body: %q %q", ch, body)
					}
					if a := h["Authorization"]; a != "" && strings.Contains(body, a[strings.IndexByte(a, ' ')+1:]) {
						t.Error("the token is echoed")
					}
				}
			})
		}
	})

	t.Run("handlers see the request", func(t *testing.T) {
		code, _, body := send(t, "GET", "/items/1", "", bearer(axiomstest.WithScopes("read:items")))
		if code != 200 || !strings.Contains(body, `"id":1,`) {
			t.Errorf("GET /items/1 = %d %s", code, body)
		}
		if code, _, _ := send(t, "GET", "/items/404", "", bearer(axiomstest.WithScopes("read:items"))); code != 404 {
			t.Errorf("GET /items/404 = %d", code)
		}
		code, _, body = send(t, "POST", "/items", `{"name":"x"}`, bearer(axiomstest.WithSubject("bob"), axiomstest.WithScopes("write:items"), axiomstest.WithRoles("editor")))
		var it demo.Item
		if code != 201 || json.Unmarshal([]byte(body), &it) != nil || it.Name != "x" || it.Owner != "bob" {
			t.Errorf("POST /items = %d %s (owner must be the token's subject)", code, body)
		}
		code, _, body = send(t, "GET", "/tenant", "", bearer(axiomstest.WithClaim("tenant", "acme")))
		if code != 200 || !strings.Contains(body, "acme") {
			t.Errorf("GET /tenant = %d %s", code, body)
		}
		// A claim that does not fit the handler's struct is 401, never a panic.
		if code, _, _ := send(t, "GET", "/tenant", "", bearer(axiomstest.WithClaim("tenant", 42))); code != 401 {
			t.Errorf("GET /tenant with a numeric tenant = %d, want 401", code)
		}
	})

	t.Run("dev printout", func(t *testing.T) {
		var out bytes.Buffer
		reqs := e.SampleRequests()
		if err := demo.PrintRequests(&out, iss, "http://127.0.0.1:8080", reqs); err != nil {
			t.Fatal(err)
		}
		dpop := 0
		for _, d := range reqs {
			if d.DPoP {
				dpop++
			}
		}
		if n := strings.Count(out.String(), "\ncurl -i"); n != len(reqs) {
			t.Errorf("printed %d curl commands, want %d", n, len(reqs))
		}
		if n := strings.Count(out.String(), " -H 'DPoP: "); n != dpop {
			t.Errorf("printed %d DPoP proofs, want %d", n, dpop)
		}
	})
}
