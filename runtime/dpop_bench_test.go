package runtime_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
	"github.com/golang-jwt/jwt/v5"
)

// BenchmarkDPoP compares a DPoP request (RS256 access token, ES256 proof,
// every check of RFC 9449 section 4.3 and the replay store) with a Bearer
// one, cache off and on; "floor" is the two bare signature verifications
// a DPoP request cannot avoid with the cache off (token and proof). Each
// DPoP iteration sends a fresh proof, made before the timer starts.
func BenchmarkDPoP(b *testing.B) {
	iss := axiomstest.New(b)
	key := iss.DPoPKey(b, "ES256")
	tok := iss.Token(b, axiomstest.WithDPoPKey(key), axiomstest.WithScopes("read:items"), axiomstest.WithRoles("editor"))
	plain := iss.Token(b, axiomstest.WithScopes("read:items"), axiomstest.WithRoles("editor"))
	const url = "https://api.example.test/items"
	req := runtime.Requirement{Scopes: [][]string{{"read:items"}}}
	guard := func(b *testing.B, cacheSize, proofs int) http.Handler {
		cfg := iss.Config()
		cfg.TokenCacheSize = cacheSize
		cfg.DPoPBaseURL = "https://api.example.test"
		cfg.DPoPReplayCacheSize = 2*proofs + 1024
		g := newGuard(b, cfg)
		return g.Handler(req, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	}
	for _, cache := range []struct {
		name string
		size int
	}{{"cache=off", -1}, {"cache=on", 0}} {
		b.Run("bearer/"+cache.name, func(b *testing.B) {
			h := guard(b, cache.size, 0)
			r := httptest.NewRequest("GET", url, nil)
			r.Header.Set("Authorization", "Bearer "+plain)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusNoContent {
					b.Fatalf("status %d", w.Code)
				}
			}
		})
		b.Run("dpop/"+cache.name, func(b *testing.B) {
			h := guard(b, cache.size, b.N)
			reqs := make([]*http.Request, b.N)
			for i := range reqs {
				reqs[i] = httptest.NewRequest("GET", url, nil)
				if err := key.Authorize(reqs[i], tok); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, reqs[i])
				if w.Code != http.StatusNoContent {
					b.Fatalf("status %d: %s", w.Code, w.Header().Get("WWW-Authenticate"))
				}
			}
		})
	}
	b.Run("floor", func(b *testing.B) {
		proof, err := key.Proof("GET", url, tok)
		if err != nil {
			b.Fatal(err)
		}
		type signed struct {
			input  string
			sig    []byte
			method jwt.SigningMethod
		}
		split := func(s, alg string) signed {
			i := strings.LastIndexByte(s, '.')
			sig, err := jwt.NewParser().DecodeSegment(s[i+1:])
			if err != nil {
				b.Fatal(err)
			}
			return signed{s[:i], sig, jwt.GetSigningMethod(alg)}
		}
		t, p := split(tok, "RS256"), split(proof, "ES256")
		_, issKey, err := iss.SigningKey("RS256")
		if err != nil {
			b.Fatal(err)
		}
		clientPub := key.Public()
		b.ReportAllocs()
		for b.Loop() {
			if err := t.method.Verify(t.input, t.sig, issKey.Public()); err != nil {
				b.Fatal(err)
			}
			if err := p.method.Verify(p.input, p.sig, clientPub); err != nil {
				b.Fatal(err)
			}
		}
	})
}
