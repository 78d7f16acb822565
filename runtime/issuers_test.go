package runtime_test

import (
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

func TestSeveralIssuers(t *testing.T) {
	a := axiomstest.New(t, axiomstest.WithAlgorithms("ES256"), axiomstest.WithAudience("https://api-a.example"))
	b := axiomstest.New(t, axiomstest.WithAlgorithms("ES256"), axiomstest.WithAudience("https://api-b.example"))
	srvA, srvB := newJWKSServer(t, a, healthy), newJWKSServer(t, b, healthy)
	var strangerHits atomic.Int32
	stranger := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { strangerHits.Add(1) }))
	defer stranger.Close()

	cfg := configFor(a, srvA)
	cfg.Issuers = []runtime.IssuerConfig{{
		Issuer: b.URL(), Audiences: []string{"https://api-b.example"}, JWKSURL: srvB.URL + "/jwks.json",
		RoleClaims: []string{"groups"},
	}}
	g := newGuard(t, cfg)

	kidA, _, _ := a.SigningKey("ES256")
	kidB, keyB, _ := b.SigningKey("ES256")
	if kidA != kidB {
		t.Fatalf("the test needs overlapping kids, got %s and %s", kidA, kidB)
	}
	fetches := func() int32 { return srvA.fetches.Load() + srvB.fetches.Load() }
	before := fetches()
	admin := runtime.Requirement{Roles: [][]string{{"admin"}}}
	for _, tt := range []struct {
		name   string
		tok    string
		req    runtime.Requirement
		status int
	}{
		{"issuer A", a.Token(t, axiomstest.WithAlg("ES256")), runtime.Requirement{}, 200},
		{"issuer B", b.Token(t, axiomstest.WithAlg("ES256")), runtime.Requirement{}, 200},
		{"issuer A's roles claim", a.Token(t, axiomstest.WithAlg("ES256"), axiomstest.WithRoles("admin")), admin, 200},
		{"issuer B's own roles claim", b.Token(t, axiomstest.WithAlg("ES256"), axiomstest.WithClaim("groups", []string{"admin"})), admin, 200},
		{"issuer B does not read A's claim name", b.Token(t, axiomstest.WithAlg("ES256"), axiomstest.WithRoles("admin")), admin, 403},
		{"A's claims signed with B's key under the shared kid", a.Token(t, axiomstest.WithAlg("ES256"), axiomstest.WithKID(kidA), axiomstest.WithSigningKey(keyB)), runtime.Requirement{}, 401},
		{"B's token with A's audience", b.Token(t, axiomstest.WithAlg("ES256"), axiomstest.WithAudiences("https://api-a.example")), runtime.Requirement{}, 401},
		{"an issuer not listed", b.Token(t, axiomstest.WithAlg("ES256"), axiomstest.WithClaim("iss", stranger.URL)), runtime.Requirement{}, 401},
		{"no issuer", b.Token(t, axiomstest.WithAlg("ES256"), axiomstest.WithoutClaim("iss")), runtime.Requirement{}, 401},
		{"issuer as an array", b.Token(t, axiomstest.WithAlg("ES256"), axiomstest.WithClaim("iss", []string{b.URL()})), runtime.Requirement{}, 401},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := serve(t, g, tt.req, bearer(tt.tok))
			if res.status != tt.status || res.called != (tt.status == 200) {
				t.Fatalf("status %d (handler called %v), want %d", res.status, res.called, tt.status)
			}
		})
	}
	if strangerHits.Load() != 0 {
		t.Errorf("a token's iss made the guard call %d times out", strangerHits.Load())
	}
	if n := fetches() - before; n != 0 {
		t.Errorf("%d key fetches for tokens of known kids and unknown issuers", n)
	}
}

func TestSeveralIssuersKeysApart(t *testing.T) {
	a := axiomstest.New(t, axiomstest.WithAlgorithms("ES256"))
	b := axiomstest.New(t, axiomstest.WithAlgorithms("ES256"))
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Error(w, "down", 500) }))
	defer down.Close()
	cfg := a.Config()
	cfg.Issuers = []runtime.IssuerConfig{{Issuer: b.URL(), JWKSURL: down.URL}}
	g := newGuard(t, cfg)
	// B's keys never loaded: its tokens get 503, A's are served.
	wantReject(t, serve(t, g, runtime.Requirement{}, bearer(b.Token(t, axiomstest.WithAlg("ES256")))), 503, "temporarily_unavailable")
	if res := serve(t, g, runtime.Requirement{}, bearer(a.Token(t, axiomstest.WithAlg("ES256")))); res.status != 200 {
		t.Errorf("issuer A: %d", res.status)
	}
}

func TestSeveralIssuersConfigErrors(t *testing.T) {
	for _, tt := range []struct {
		name    string
		issuers []runtime.IssuerConfig
	}{
		{"empty issuer", []runtime.IssuerConfig{{}}},
		{"issuer twice", []runtime.IssuerConfig{{Issuer: "https://a.example"}}},
		{"plain http", []runtime.IssuerConfig{{Issuer: "http://b.example"}}},
		{"HS256", []runtime.IssuerConfig{{Issuer: "https://b.example", Algorithms: []string{"HS256"}}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := runtime.Config{Issuer: "https://a.example", Audiences: []string{"x"}, Issuers: tt.issuers}
			if g, err := runtime.New(t.Context(), cfg); err == nil {
				g.Close()
				t.Fatal("accepted")
			}
		})
	}
}
