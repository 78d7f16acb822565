package runtime_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

// introspection is a loopback RFC 7662 endpoint answering from a table.
type introspection struct {
	*httptest.Server
	calls   atomic.Int32
	status  atomic.Int32 // HTTP status to answer; 0 means 200
	answers map[string]map[string]any
	mu      sync.Mutex
	lastReq url.Values
}

func newIntrospection(t *testing.T, answers map[string]map[string]any) *introspection {
	t.Helper()
	in := &introspection{answers: answers}
	in.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		in.calls.Add(1)
		id, secret, ok := r.BasicAuth()
		if r.Method != http.MethodPost || !ok || id != "api%3Aclient" || secret != "s%C3%A9cret+%26" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		if err := r.ParseForm(); err != nil {
			http.Error(w, "bad form", http.StatusBadRequest)
			return
		}
		in.mu.Lock()
		in.lastReq = r.PostForm
		in.mu.Unlock()
		if s := in.status.Load(); s != 0 {
			w.WriteHeader(int(s))
			return
		}
		a, ok := in.answers[r.PostForm.Get("token")]
		if !ok {
			a = map[string]any{"active": false}
		}
		time.Sleep(5 * time.Millisecond) // let concurrent requests pile up
		json.NewEncoder(w).Encode(a)
	}))
	t.Cleanup(in.Close)
	return in
}

// introspectionConfig is a Guard config for in. It is lenient: the
// tables below use minimal answers ({"active": true, "scope": ...}) to
// test caching and failures; TestIntrospectionStrict covers the default,
// which requires iss and aud.
func introspectionConfig(iss *axiomstest.Issuer, in *introspection) runtime.Config {
	cfg := iss.Config()
	cfg.IntrospectionLenient = true
	cfg.IntrospectionURL = in.URL
	cfg.ClientID = "api:client"
	cfg.ClientSecret = "sécret &"
	cfg.Logger = quietLogger()
	return cfg
}

func TestIntrospection(t *testing.T) {
	iss := axiomstest.New(t)
	aud := iss.Config().Audiences[0]
	exp := float64(time.Now().Add(time.Hour).Unix())
	in := newIntrospection(t, map[string]map[string]any{
		"opaque-ok":            {"active": true, "sub": "alice", "scope": "read write", "roles": []any{"editor"}, "iss": iss.URL(), "aud": aud, "exp": exp, "client_id": "web"},
		"opaque-minimal":       {"active": true, "scope": "read"},
		"opaque-inactive":      {"active": false, "scope": "read"},
		"opaque-other-aud":     {"active": true, "scope": "read", "aud": []any{"https://other.example"}},
		"opaque-other-iss":     {"active": true, "scope": "read", "iss": "https://evil.example"},
		"opaque-expired":       {"active": true, "scope": "read", "exp": float64(time.Now().Add(-time.Hour).Unix())},
		"opaque-active-string": {"active": "true", "scope": "read"},
	})
	g := newGuard(t, introspectionConfig(iss, in))
	read := runtime.Requirement{Scopes: [][]string{{"read"}}}
	for _, tt := range []struct {
		token  string
		req    runtime.Requirement
		status int
		code   string
	}{
		{"opaque-ok", read, 200, ""},
		{"opaque-minimal", read, 200, ""},
		{"opaque-ok", runtime.Requirement{Roles: [][]string{{"admin"}}}, 403, "insufficient_scope"},
		{"opaque-inactive", read, 401, "invalid_token"},
		{"opaque-unknown", read, 401, "invalid_token"},
		{"opaque-other-aud", read, 401, "invalid_token"},
		{"opaque-other-iss", read, 401, "invalid_token"},
		{"opaque-expired", read, 401, "invalid_token"},
		{"opaque-active-string", read, 401, "invalid_token"},
	} {
		t.Run(tt.token, func(t *testing.T) {
			res := serve(t, g, tt.req, bearer(tt.token))
			if res.status != tt.status || res.code != tt.code {
				t.Fatalf("got %d %q, want %d %q", res.status, res.code, tt.status, tt.code)
			}
		})
	}
	res := serve(t, g, read, bearer("opaque-ok"))
	if c := res.claims; c == nil || c.Subject != "alice" || c.ClientID != "web" || len(c.Scopes) != 2 || c.Roles[0] != "editor" {
		t.Errorf("claims = %+v", res.claims)
	}
	in.mu.Lock()
	hint := in.lastReq.Get("token_type_hint")
	in.mu.Unlock()
	if hint != "access_token" {
		t.Errorf("token_type_hint = %q", hint)
	}
	// JWTs still go to the key set, not to introspection.
	before := in.calls.Load()
	if res := serve(t, g, runtime.Requirement{}, bearer(iss.Token(t))); res.status != 200 || in.calls.Load() != before {
		t.Errorf("JWT: status %d, introspection calls %d", res.status, in.calls.Load()-before)
	}
}

func TestIntrospectionFailures(t *testing.T) {
	iss := axiomstest.New(t)
	in := newIntrospection(t, map[string]map[string]any{"opaque": {"active": true, "scope": "read"}})
	g := newGuard(t, introspectionConfig(iss, in))
	for _, status := range []int{500, 502, 404} {
		in.status.Store(int32(status))
		res := serve(t, g, runtime.Requirement{}, bearer("opaque"))
		if res.status != 503 || res.code != "temporarily_unavailable" || res.header.Get("Retry-After") == "" {
			t.Errorf("endpoint %d: got %d %q", status, res.status, res.code)
		}
	}
	// Failures are never cached: the endpoint back, the token passes.
	in.status.Store(0)
	if res := serve(t, g, runtime.Requirement{}, bearer("opaque")); res.status != 200 {
		t.Errorf("after recovery: %d", res.status)
	}
	// Endpoint gone.
	down := introspectionConfig(iss, in)
	in2 := newIntrospection(t, nil)
	down.IntrospectionURL = in2.URL
	in2.Close()
	g2 := newGuard(t, down)
	if res := serve(t, g2, runtime.Requirement{}, bearer("opaque")); res.status != 503 {
		t.Errorf("endpoint down: %d", res.status)
	}
}

func TestIntrospectionCache(t *testing.T) {
	iss := axiomstest.New(t)
	start := time.Now()
	clk := newClock(start)
	in := newIntrospection(t, map[string]map[string]any{
		"long":  {"active": true, "scope": "read"},
		"short": {"active": true, "scope": "read", "exp": float64(start.Add(time.Minute).Unix())},
	})
	cfg := introspectionConfig(iss, in)
	cfg.Now = clk.now
	cfg.IntrospectionCacheTTL = 10 * time.Minute
	cfg.Leeway = -1
	g := newGuard(t, cfg)
	ok := func(tok string) {
		t.Helper()
		if res := serve(t, g, runtime.Requirement{}, bearer(tok)); res.status != 200 {
			t.Fatalf("%s: %d", tok, res.status)
		}
	}
	ok("long")
	ok("long")
	if n := in.calls.Load(); n != 1 {
		t.Fatalf("%d calls for a cached token", n)
	}
	clk.set(start.Add(11 * time.Minute)) // past the TTL
	ok("long")
	if n := in.calls.Load(); n != 2 {
		t.Fatalf("%d calls after the TTL, want 2", n)
	}
	clk.set(start)
	ok("short")
	clk.set(start.Add(2 * time.Minute)) // past exp, within the TTL
	wantReject(t, serve(t, g, runtime.Requirement{}, bearer("short")), 401, "invalid_token")
	if n := in.calls.Load(); n != 4 {
		t.Fatalf("%d calls, want 4: an entry must not outlive the token's exp", n)
	}
	// Inactive answers are reused for a few seconds only.
	clk.set(start)
	for range 3 {
		wantReject(t, serve(t, g, runtime.Requirement{}, bearer("bogus")), 401, "invalid_token")
	}
	if n := in.calls.Load(); n != 5 {
		t.Fatalf("%d calls, want 5: one for three quick inactive requests", n)
	}
	clk.set(start.Add(6 * time.Second))
	serve(t, g, runtime.Requirement{}, bearer("bogus"))
	if n := in.calls.Load(); n != 6 {
		t.Fatalf("%d calls, want 6 after the inactive TTL", n)
	}
}

func TestIntrospectionConcurrentOneCall(t *testing.T) {
	iss := axiomstest.New(t)
	in := newIntrospection(t, map[string]map[string]any{"opaque": {"active": true, "scope": "read"}})
	g := newGuard(t, introspectionConfig(iss, in))
	var failed atomic.Int32
	concurrently(50, func(int) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", bearer("opaque"))
		if _, err := g.Authorize(r, runtime.Requirement{}); err != nil {
			failed.Add(1)
		}
	})
	if failed.Load() != 0 || in.calls.Load() != 1 {
		t.Errorf("%d failures, %d calls; want 0 and 1", failed.Load(), in.calls.Load())
	}
}

func TestIntrospectAll(t *testing.T) {
	iss := axiomstest.New(t)
	jwt := iss.Token(t)
	in := newIntrospection(t, map[string]map[string]any{jwt: {"active": false}})
	cfg := introspectionConfig(iss, in)
	cfg.IntrospectAll = true
	g := newGuard(t, cfg)
	// A perfectly valid JWT is refused because the server says inactive.
	wantReject(t, serve(t, g, runtime.Requirement{}, bearer(jwt)), 401, "invalid_token")
	if in.calls.Load() != 1 {
		t.Errorf("%d introspection calls", in.calls.Load())
	}
}

func TestIntrospectionConfig(t *testing.T) {
	for _, tt := range []struct {
		name string
		mod  func(*runtime.Config)
	}{
		{"http endpoint off loopback", func(c *runtime.Config) { c.IntrospectionURL = "http://as.example.com/introspect" }},
		{"introspect all without endpoint", func(c *runtime.Config) { c.IntrospectAll = true }},
		{"secret without id", func(c *runtime.Config) { c.IntrospectionURL = "https://as.example.com/i"; c.ClientSecret = "x" }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := runtime.Config{Issuer: "https://as.example.com", Audiences: []string{"a"}}
			tt.mod(&cfg)
			if g, err := runtime.New(t.Context(), cfg); err == nil {
				g.Close()
				t.Fatal("accepted")
			}
		})
	}
}

// TestIntrospectionTimeRules: an active answer is accepted, and reused
// from the cache, by the rules JWTs follow: until exp plus the leeway,
// with exp's fractions of a second kept.
func TestIntrospectionTimeRules(t *testing.T) {
	iss := axiomstest.New(t)
	start := time.Unix(1_700_000_000, 0)
	clk := newClock(start)
	in := newIntrospection(t, map[string]map[string]any{
		"expired-in-leeway": {"active": true, "exp": float64(start.Add(-10 * time.Second).Unix())},
		"half-second":       {"active": true, "exp": float64(start.Unix()) + 0.5},
		"nbf-half-second":   {"active": true, "nbf": float64(start.Unix()) + 0.5},
	})
	cfg := introspectionConfig(iss, in)
	cfg.Now = clk.now
	cfg.IntrospectionCacheTTL = 10 * time.Minute
	cfg.Leeway = 30 * time.Second
	g := newGuard(t, cfg)
	for range 5 {
		if res := serve(t, g, runtime.Requirement{}, bearer("expired-in-leeway")); res.status != 200 {
			t.Fatalf("a token 10 s past exp with a 30 s leeway: %d", res.status)
		}
	}
	if n := in.calls.Load(); n != 1 {
		t.Fatalf("%d introspection calls for five requests within the leeway, want 1", n)
	}
	clk.set(start.Add(20 * time.Second)) // exp + leeway
	wantReject(t, serve(t, g, runtime.Requirement{}, bearer("expired-in-leeway")), 401, "invalid_token")

	cfg.Leeway = -1 // none
	g = newGuard(t, cfg)
	clk.set(start.Add(300 * time.Millisecond))
	if res := serve(t, g, runtime.Requirement{}, bearer("half-second")); res.status != 200 {
		t.Fatalf("a token at exp - 0.2 s: %d (exp's fraction dropped?)", res.status)
	}
	clk.set(start.Add(700 * time.Millisecond))
	wantReject(t, serve(t, g, runtime.Requirement{}, bearer("half-second")), 401, "invalid_token")

	clk.set(start.Add(300 * time.Millisecond))
	wantReject(t, serve(t, g, runtime.Requirement{}, bearer("nbf-half-second")), 401, "invalid_token")
	clk.set(start.Add(700 * time.Millisecond))
	if res := serve(t, g, runtime.Requirement{}, bearer("nbf-half-second")); res.status != 200 {
		t.Fatalf("a token at nbf + 0.2 s: %d", res.status)
	}
}
