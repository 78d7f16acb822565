package bench

import (
	"context"
	"crypto"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	jwtmw2 "github.com/auth0/go-jwt-middleware/v2"
	jwks2 "github.com/auth0/go-jwt-middleware/v2/jwks"
	validator2 "github.com/auth0/go-jwt-middleware/v2/validator"
	jwtmw3 "github.com/auth0/go-jwt-middleware/v3"
	jwks3 "github.com/auth0/go-jwt-middleware/v3/jwks"
	validator3 "github.com/auth0/go-jwt-middleware/v3/validator"
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
	"github.com/golang-jwt/jwt/v5"
	"github.com/lestrrat-go/httprc/v3"
	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"
	jwxjwt "github.com/lestrrat-go/jwx/v3/jwt"
)

// algorithms compared: RSA-2048 PKCS#1 and ECDSA P-256.
var algorithms = []string{"RS256", "ES256"}

// handler is the trivial handler behind every middleware.
var handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })

// setup is one issuer, its token per algorithm, and the guarded handlers
// to compare.
type setup struct {
	iss    *axiomstest.Issuer
	tokens map[string]string
}

func newSetup(tb testing.TB) *setup {
	tb.Helper()
	iss := axiomstest.New(tb, axiomstest.WithAlgorithms(algorithms...))
	s := &setup{iss: iss, tokens: map[string]string{}}
	for _, alg := range algorithms {
		s.tokens[alg] = iss.Token(tb, axiomstest.WithAlg(alg), axiomstest.WithExpiresIn(time.Hour),
			axiomstest.WithScopes("openid", "profile", "read:items", "write:items"),
			axiomstest.WithRoles("editor"), axiomstest.WithPermissions("items:delete", "items:create"),
			axiomstest.WithClaim("client_id", "bench-client"))
	}
	return s
}

// candidates builds every middleware under test for one algorithm.
func (s *setup) candidates(tb testing.TB, alg string) []struct {
	name string
	h    http.Handler
} {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	tb.Cleanup(cancel)
	issURL, _ := url.Parse(s.iss.URL())
	aud := s.iss.Config().Audiences
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))

	axioms := func(cache int) http.Handler {
		cfg := s.iss.Config()
		cfg.TokenCacheSize = cache
		cfg.Logger = quiet
		g, err := runtime.New(ctx, cfg)
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(func() { g.Close() })
		return g.Handler(runtime.Requirement{Scopes: [][]string{{"read:items"}}}, handler)
	}

	// auth0/go-jwt-middleware v2 with its caching JWKS provider.
	p2 := jwks2.NewCachingProvider(issURL, 5*time.Minute)
	v2, err := validator2.New(p2.KeyFunc, validator2.SignatureAlgorithm(alg), s.iss.URL(), aud)
	if err != nil {
		tb.Fatal(err)
	}
	auth0v2 := jwtmw2.New(v2.ValidateToken).CheckJWT(handler)

	// auth0/go-jwt-middleware v3 with its caching JWKS provider.
	p3, err := jwks3.NewCachingProvider(jwks3.WithIssuerURL(issURL), jwks3.WithCacheTTL(5*time.Minute))
	if err != nil {
		tb.Fatal(err)
	}
	v3, err := validator3.New(validator3.WithKeyFunc(p3.KeyFunc), validator3.WithAlgorithm(validator3.SignatureAlgorithm(alg)),
		validator3.WithIssuer(s.iss.URL()), validator3.WithAudiences(aud))
	if err != nil {
		tb.Fatal(err)
	}
	mw3, err := jwtmw3.New(jwtmw3.WithValidator(v3))
	if err != nil {
		tb.Fatal(err)
	}
	auth0v3 := mw3.CheckJWT(handler)

	// MicahParks/keyfunc v3 + golang-jwt v5, a minimal middleware.
	kf, err := keyfunc.NewDefaultCtx(ctx, []string{s.iss.JWKSURL()})
	if err != nil {
		tb.Fatal(err)
	}
	parser := jwt.NewParser(jwt.WithValidMethods([]string{alg}), jwt.WithIssuer(s.iss.URL()), jwt.WithAudience(aud...), jwt.WithExpirationRequired())
	keyfuncMW := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		if _, err := parser.Parse(tok, kf.Keyfunc); err != nil {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		handler.ServeHTTP(w, r)
	})

	// lestrrat-go/jwx v3: jwt.Parse with a jwk.Cache.
	cache, err := jwk.NewCache(ctx, httprc.NewClient(httprc.WithWhitelist(httprc.NewInsecureWhitelist())))
	if err != nil {
		tb.Fatal(err)
	}
	if err := cache.Register(ctx, s.iss.JWKSURL()); err != nil {
		tb.Fatal(err)
	}
	set, err := cache.CachedSet(s.iss.JWKSURL())
	if err != nil {
		tb.Fatal(err)
	}
	jwxMW := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		if _, err := jwxjwt.Parse([]byte(tok), jwxjwt.WithKeySet(set), jwxjwt.WithIssuer(s.iss.URL()), jwxjwt.WithAudience(aud[0])); err != nil {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		handler.ServeHTTP(w, r)
	})
	_ = jwa.RS256

	return []struct {
		name string
		h    http.Handler
	}{
		{"axioms-cache-off", axioms(-1)},
		{"axioms-cache-on", axioms(0)},
		{"auth0-v2", auth0v2},
		{"auth0-v3", auth0v3},
		{"keyfunc", keyfuncMW},
		{"jwx", jwxMW},
	}
}

// TestPeersAccept makes sure every candidate accepts the token (and
// refuses a missing one) before its speed means anything.
func TestPeersAccept(t *testing.T) {
	s := newSetup(t)
	for _, alg := range algorithms {
		for _, c := range s.candidates(t, alg) {
			t.Run(alg+"/"+c.name, func(t *testing.T) {
				for range 2 { // the second request exercises the warm caches
					w := httptest.NewRecorder()
					r := httptest.NewRequest("GET", "/items", nil)
					r.Header.Set("Authorization", "Bearer "+s.tokens[alg])
					c.h.ServeHTTP(w, r)
					if w.Code != http.StatusNoContent {
						t.Fatalf("status %d: %s", w.Code, w.Body)
					}
				}
				w := httptest.NewRecorder()
				c.h.ServeHTTP(w, httptest.NewRequest("GET", "/items", nil))
				if w.Code != http.StatusUnauthorized && w.Code != http.StatusBadRequest {
					t.Fatalf("no token: status %d", w.Code)
				}
			})
		}
	}
}

// BenchmarkPeers runs one guarded request per iteration through each
// candidate, with the same token, beside the bare verification.
func BenchmarkPeers(b *testing.B) {
	s := newSetup(b)
	for _, alg := range algorithms {
		b.Run(alg+"/floor", func(b *testing.B) {
			tok := s.tokens[alg]
			i := strings.LastIndexByte(tok, '.')
			sig, err := jwt.NewParser().DecodeSegment(tok[i+1:])
			if err != nil {
				b.Fatal(err)
			}
			_, key, err := s.iss.SigningKey(alg)
			if err != nil {
				b.Fatal(err)
			}
			pub := key.Public().(crypto.PublicKey)
			method := jwt.GetSigningMethod(alg)
			b.ReportAllocs()
			for b.Loop() {
				if err := method.Verify(tok[:i], sig, pub); err != nil {
					b.Fatal(err)
				}
			}
		})
		for _, c := range s.candidates(b, alg) {
			b.Run(alg+"/"+c.name, func(b *testing.B) {
				r := httptest.NewRequest("GET", "/items", nil)
				r.Header.Set("Authorization", "Bearer "+s.tokens[alg])
				c.h.ServeHTTP(httptest.NewRecorder(), r) // warm the key caches
				b.ReportAllocs()
				for b.Loop() {
					w := httptest.NewRecorder()
					c.h.ServeHTTP(w, r)
					if w.Code != http.StatusNoContent {
						b.Fatalf("status %d", w.Code)
					}
				}
			})
		}
	}
}

// BenchmarkPeersParallel is BenchmarkPeers on every core.
func BenchmarkPeersParallel(b *testing.B) {
	s := newSetup(b)
	for _, alg := range algorithms {
		for _, c := range s.candidates(b, alg) {
			b.Run(alg+"/"+c.name, func(b *testing.B) {
				warm := httptest.NewRequest("GET", "/items", nil)
				warm.Header.Set("Authorization", "Bearer "+s.tokens[alg])
				c.h.ServeHTTP(httptest.NewRecorder(), warm)
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					r := httptest.NewRequest("GET", "/items", nil)
					r.Header.Set("Authorization", "Bearer "+s.tokens[alg])
					for pb.Next() {
						c.h.ServeHTTP(httptest.NewRecorder(), r)
					}
				})
			})
		}
	}
}
