package runtime_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

// clock is a settable time source for Config.Now.
type clock struct{ t atomic.Pointer[time.Time] }

func newClock(t time.Time) *clock { c := &clock{}; c.set(t); return c }
func (c *clock) set(t time.Time)  { c.t.Store(&t) }
func (c *clock) now() time.Time   { return *c.t.Load() }

func TestCacheHitAndMiss(t *testing.T) {
	iss := axiomstest.New(t)
	g := newGuard(t, iss.Config())
	tok := iss.Token(t, axiomstest.WithScopes("read"))
	for range 3 {
		if res := serve(t, g, runtime.Requirement{Scopes: [][]string{{"read"}}}, bearer(tok)); res.status != 200 {
			t.Fatalf("status %d", res.status)
		}
	}
	st := g.CacheStats()
	if st.Hits != 2 || st.Misses != 1 || st.Entries != 1 {
		t.Errorf("stats = %+v, want 2 hits, 1 miss, 1 entry", st)
	}
	// A hit still checks the route's requirement.
	wantReject(t, serve(t, g, runtime.Requirement{Scopes: [][]string{{"write"}}}, bearer(tok)), 403, "insufficient_scope")
	// Failed validations are never cached.
	bad := iss.Token(t, axiomstest.WithExpiresIn(-time.Hour))
	for range 2 {
		wantReject(t, serve(t, g, runtime.Requirement{}, bearer(bad)), 401, "invalid_token")
	}
	if st := g.CacheStats(); st.Entries != 1 {
		t.Errorf("a rejected token was cached: %+v", st)
	}
}

func TestCacheExpiry(t *testing.T) {
	iss := axiomstest.New(t)
	start := time.Now()
	clk := newClock(start)
	cfg := iss.Config()
	cfg.Now = clk.now
	cfg.Leeway = -1 // none, to test the exact edges
	g := newGuard(t, cfg)
	tok := iss.Token(t, axiomstest.WithTime(start), axiomstest.WithExpiresIn(time.Minute),
		axiomstest.WithClaim("nbf", start.Unix()))
	if res := serve(t, g, runtime.Requirement{}, bearer(tok)); res.status != 200 {
		t.Fatalf("status %d", res.status)
	}
	clk.set(start.Add(59 * time.Second))
	if res := serve(t, g, runtime.Requirement{}, bearer(tok)); res.status != 200 || g.CacheStats().Hits != 1 {
		t.Fatalf("status %d, stats %+v", res.status, g.CacheStats())
	}
	clk.set(start.Add(61 * time.Second))
	wantReject(t, serve(t, g, runtime.Requirement{}, bearer(tok)), 401, "invalid_token")
	clk.set(start.Add(-time.Second)) // before nbf
	wantReject(t, serve(t, g, runtime.Requirement{}, bearer(tok)), 401, "invalid_token")
}

func TestCacheNotBeforeOnHit(t *testing.T) {
	iss := axiomstest.New(t)
	start := time.Now()
	clk := newClock(start.Add(time.Minute))
	cfg := iss.Config()
	cfg.Now = clk.now
	cfg.Leeway = -1
	g := newGuard(t, cfg)
	tok := iss.Token(t, axiomstest.WithTime(start), axiomstest.WithExpiresIn(time.Hour),
		axiomstest.WithClaim("nbf", start.Add(30*time.Second).Unix()))
	if res := serve(t, g, runtime.Requirement{}, bearer(tok)); res.status != 200 {
		t.Fatalf("status %d", res.status)
	}
	clk.set(start) // the clock steps back before nbf: the cached entry must not serve
	wantReject(t, serve(t, g, runtime.Requirement{}, bearer(tok)), 401, "invalid_token")
}

func TestCacheBounds(t *testing.T) {
	iss := axiomstest.New(t, axiomstest.WithAlgorithms("EdDSA"))
	t.Run("entries", func(t *testing.T) {
		cfg := iss.Config()
		cfg.TokenCacheSize = 64 // one per shard
		g := newGuard(t, cfg)
		for i := range 500 {
			tok := iss.Token(t, axiomstest.WithAlg("EdDSA"), axiomstest.WithClaim("n", i))
			if res := serve(t, g, runtime.Requirement{}, bearer(tok)); res.status != 200 {
				t.Fatalf("status %d", res.status)
			}
		}
		if n := g.CacheStats().Entries; n > 64 || n == 0 {
			t.Errorf("%d entries, want 1..64", n)
		}
	})
	t.Run("bytes", func(t *testing.T) {
		cfg := iss.Config()
		cfg.TokenCacheMaxBytes = 64 * 1024 // 1 KiB per shard: a 4 KiB token never fits
		g := newGuard(t, cfg)
		big := iss.Token(t, axiomstest.WithAlg("EdDSA"), axiomstest.WithClaim("pad", string(make([]byte, 2048))))
		serve(t, g, runtime.Requirement{}, bearer(big))
		if n := g.CacheStats().Entries; n != 0 {
			t.Errorf("%d entries over the byte bound", n)
		}
	})
	t.Run("off", func(t *testing.T) {
		cfg := iss.Config()
		cfg.TokenCacheSize = -1
		g := newGuard(t, cfg)
		tok := iss.Token(t, axiomstest.WithAlg("EdDSA"))
		serve(t, g, runtime.Requirement{}, bearer(tok))
		serve(t, g, runtime.Requirement{}, bearer(tok))
		if st := g.CacheStats(); st != (runtime.CacheStats{}) {
			t.Errorf("cache off but stats %+v", st)
		}
	})
}

func TestCacheRotation(t *testing.T) {
	iss := axiomstest.New(t, axiomstest.WithAlgorithms("ES256", "EdDSA"))
	srv := newJWKSServer(t, iss, healthy)
	cfg := configFor(iss, srv)
	cfg.RefreshInterval = 50 * time.Millisecond
	g := newGuard(t, cfg)
	es := iss.Token(t, axiomstest.WithAlg("ES256"))
	ed := iss.Token(t, axiomstest.WithAlg("EdDSA"))
	for _, tok := range []string{es, ed} {
		if res := serve(t, g, runtime.Requirement{}, bearer(tok)); res.status != 200 {
			t.Fatalf("status %d", res.status)
		}
	}
	// Unchanged keys survive refreshes: their tokens stay cached.
	n := srv.fetches.Load()
	eventually(t, 5*time.Second, func() bool { return srv.fetches.Load() >= n+2 })
	before := g.CacheStats().Hits
	serve(t, g, runtime.Requirement{}, bearer(ed))
	if g.CacheStats().Hits != before+1 {
		t.Errorf("an unchanged key lost its cached tokens at refresh")
	}
	// The issuer retires the ES256 key: after the next refresh its token
	// is refused although it is cached.
	esKID, _, _ := iss.SigningKey("ES256")
	iss.Rotate("ES256")
	iss.Retire(esKID)
	n = srv.fetches.Load()
	eventually(t, 5*time.Second, func() bool { return srv.fetches.Load() >= n+2 })
	wantReject(t, serve(t, g, runtime.Requirement{}, bearer(es)), 401, "invalid_token")
	if res := serve(t, g, runtime.Requirement{}, bearer(ed)); res.status != 200 {
		t.Errorf("the other key's token was refused: %d", res.status)
	}
}

func TestCacheIsPerGuardConfig(t *testing.T) {
	iss := axiomstest.New(t, axiomstest.WithAudience("https://a.example", "https://b.example"))
	loose := iss.Config() // accepts a and b
	strict := iss.Config()
	strict.Audiences = []string{"https://b.example"}
	gLoose, gStrict := newGuard(t, loose), newGuard(t, strict)
	tok := iss.Token(t, axiomstest.WithAudiences("https://a.example"))
	if res := serve(t, gLoose, runtime.Requirement{}, bearer(tok)); res.status != 200 {
		t.Fatalf("status %d", res.status)
	}
	wantReject(t, serve(t, gStrict, runtime.Requirement{}, bearer(tok)), 401, "invalid_token")
	otherIss := axiomstest.New(t, axiomstest.WithAudience("https://a.example"))
	gOther := newGuard(t, otherIss.Config())
	wantReject(t, serve(t, gOther, runtime.Requirement{}, bearer(tok)), 401, "invalid_token")
}

func TestCachedClaimsCannotBeChangedByAHandler(t *testing.T) {
	iss := axiomstest.New(t)
	g := newGuard(t, iss.Config())
	tok := iss.Token(t, axiomstest.WithScopes("read"))
	ran := 0
	h := g.Handler(runtime.Requirement{}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, _ := runtime.ClaimsFromContext(r.Context())
		c.Scopes = append(c.Scopes, "admin")
		c.Scopes[0] = "root"
		ran++
	}))
	for range 2 {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", bearer(tok))
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
	if ran != 2 {
		t.Fatalf("the handler ran %d times, want 2: the test proves nothing", ran)
	}
	wantReject(t, serve(t, g, runtime.Requirement{Scopes: [][]string{{"admin", "root"}}}, bearer(tok)), 403, "insufficient_scope")
}

func TestCacheConcurrent(t *testing.T) {
	iss := axiomstest.New(t, axiomstest.WithAlgorithms("EdDSA"))
	cfg := iss.Config()
	cfg.TokenCacheSize = 128
	g := newGuard(t, cfg)
	tokens := make([]string, 300)
	for i := range tokens {
		tokens[i] = iss.Token(t, axiomstest.WithAlg("EdDSA"), axiomstest.WithClaim("n", i))
	}
	var failed atomic.Int32
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 600 {
				r := httptest.NewRequest("GET", "/", nil)
				r.Header.Set("Authorization", bearer(tokens[(i*7+w)%len(tokens)]))
				if _, err := g.Authorize(r, runtime.Requirement{}); err != nil {
					failed.Add(1)
				}
			}
		})
	}
	wg.Wait()
	if failed.Load() != 0 {
		t.Errorf("%d concurrent verifications failed", failed.Load())
	}
	if st := g.CacheStats(); st.Hits == 0 || st.Entries > 128 {
		t.Errorf("stats %+v", st)
	}
}

func TestTypedClaimsHandler(t *testing.T) {
	iss := axiomstest.New(t)
	g := newGuard(t, iss.Config())
	type orgClaims struct {
		OrgID string   `json:"org_id"`
		Tier  int      `json:"tier"`
		Scope string   `json:"scope"`
		Sub   string   `json:"sub"`
		Aud   []string `json:"-"`
	}
	var got *orgClaims
	h := g.Handler(runtime.Requirement{}, runtime.TypedClaimsHandler(g, func(w http.ResponseWriter, r *http.Request, c *orgClaims) { got = c }))
	send := func(tok string) int {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", bearer(tok))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w.Code
	}
	if code := send(iss.Token(t, axiomstest.WithClaim("org_id", "o-42"), axiomstest.WithClaim("tier", 3), axiomstest.WithSubject("alice"))); code != 200 ||
		got == nil || got.OrgID != "o-42" || got.Tier != 3 || got.Sub != "alice" {
		t.Fatalf("code %d, claims %+v", code, got)
	}
	got = nil
	if code := send(iss.Token(t, axiomstest.WithClaim("tier", "gold"))); code != 401 || got != nil {
		t.Errorf("mistyped claim: code %d, handler called %v", code, got != nil)
	}
	// Outside a guard: 401, never the handler.
	w := httptest.NewRecorder()
	runtime.TypedClaimsHandler(g, func(http.ResponseWriter, *http.Request, *orgClaims) { t.Error("called without a guard") }).
		ServeHTTP(w, httptest.NewRequest("GET", "/", nil))
	if w.Code != 401 {
		t.Errorf("no guard: %d", w.Code)
	}
}

// TestEnforce: the adapter entry point writes the rejection itself and
// hands back a request carrying the claims on success.
func TestEnforce(t *testing.T) {
	iss := axiomstest.New(t)
	g := newGuard(t, iss.Config())
	req := runtime.Requirement{Scopes: [][]string{{"read"}}}
	cases := []struct {
		name, auth string
		ok         bool
		code       int
	}{
		{"no token", "", false, 401},
		{"malformed", "Bearer a b", false, 400},
		{"bad token", "Bearer x.y.z", false, 401},
		{"missing scope", bearer(iss.Token(t, axiomstest.WithScopes("write"))), false, 403},
		{"ok", bearer(iss.Token(t, axiomstest.WithScopes("read"), axiomstest.WithSubject("bob"))), true, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			if tc.auth != "" {
				r.Header.Set("Authorization", tc.auth)
			}
			w := httptest.NewRecorder()
			r2, c, ok := g.Enforce(w, r, req)
			if ok != tc.ok || w.Code != tc.code {
				t.Fatalf("ok %v code %d, want %v %d", ok, w.Code, tc.ok, tc.code)
			}
			if !ok {
				if c != nil || w.Body.Len() == 0 {
					t.Errorf("rejection: claims %v, body %q", c, w.Body)
				}
				return
			}
			if w.Body.Len() != 0 || c.Subject != "bob" {
				t.Errorf("success wrote %q, claims %+v", w.Body, c)
			}
			if got, _ := runtime.ClaimsFromContext(r2.Context()); got != c {
				t.Error("the returned request does not carry the claims")
			}
			if _, inOld := runtime.ClaimsFromContext(r.Context()); inOld {
				t.Error("the caller's request was modified")
			}
		})
	}
}

func TestDecodeClaims(t *testing.T) {
	iss := axiomstest.New(t)
	g := newGuard(t, iss.Config())
	type org struct {
		OrgID string `json:"org_id"`
	}
	c, err := g.Verify(context.Background(), iss.Token(t, axiomstest.WithClaim("org_id", "o-1")))
	if err != nil {
		t.Fatal(err)
	}
	if v, err := runtime.DecodeClaims[org](c); err != nil || v.OrgID != "o-1" {
		t.Errorf("decode: %+v %v", v, err)
	}
	c, err = g.Verify(context.Background(), iss.Token(t, axiomstest.WithClaim("org_id", 7)))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runtime.DecodeClaims[org](c); !errors.Is(err, runtime.ErrInvalidToken) || runtime.StatusCode(err) != 401 {
		t.Errorf("mistyped claim: %v", err)
	}
	if _, err := runtime.DecodeClaims[org](nil); !errors.Is(err, runtime.ErrNoToken) {
		t.Errorf("nil claims: %v", err)
	}
}
