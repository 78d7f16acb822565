package runtime_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
	"github.com/golang-jwt/jwt/v5"
)

func BenchmarkTmpThree(b *testing.B) {
	iss := axiomstest.New(b)
	cfg := iss.Config()
	cfg.TokenCacheSize = -1
	g := newGuard(b, cfg)
	req := runtime.Requirement{Scopes: [][]string{{"read:items"}}, Roles: [][]string{{"editor", "admin"}}}
	h := g.Handler(req, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	alg := "RS256"
	tok := realisticToken(b, iss, alg)
	r := httptest.NewRequest(http.MethodGet, "/items", nil)
	r.Header.Set("Authorization", "Bearer "+tok)
	i := strings.LastIndexByte(tok, '.')
	signed := tok[:i]
	sig, _ := jwt.NewParser().DecodeSegment(tok[i+1:])
	_, key, _ := iss.SigningKey(alg)
	method, pub := jwt.GetSigningMethod(alg), key.Public()
	ctx := b.Context()
	var guard, verify, gv time.Duration
	for b.Loop() {
		w := httptest.NewRecorder()
		t0 := time.Now()
		h.ServeHTTP(w, r)
		t1 := time.Now()
		_ = method.Verify(signed, sig, pub)
		t2 := time.Now()
		_, _ = g.Verify(ctx, tok)
		t3 := time.Now()
		guard += t1.Sub(t0)
		verify += t2.Sub(t1)
		gv += t3.Sub(t2)
	}
	b.ReportMetric(float64(guard)/float64(verify), "guard/verify")
	b.ReportMetric(float64(gv)/float64(verify), "gverify/verify")
	b.ReportMetric(float64(guard-gv)/float64(b.N), "http-ns")
	b.ReportMetric(float64(gv-verify)/float64(b.N), "token-ns")
}
