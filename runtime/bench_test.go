package runtime_test

import (
	"encoding/base64"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
	"github.com/golang-jwt/jwt/v5"
)

// benchAlgorithms are the algorithms the guard benchmarks cover.
var benchAlgorithms = []string{"RS256", "ES256", "EdDSA"}

// realisticToken mints a token shaped like a typical access token: a few
// scopes, roles and permissions besides the registered claims.
func realisticToken(b *testing.B, iss *axiomstest.Issuer, alg string) string {
	b.Helper()
	return iss.Token(b, axiomstest.WithAlg(alg),
		axiomstest.WithScopes("openid", "profile", "read:items", "write:items"),
		axiomstest.WithRoles("editor"),
		axiomstest.WithPermissions("items:delete", "items:create"),
		axiomstest.WithClaim("client_id", "bench-client"))
}

// BenchmarkGuard measures a full guarded request: header parsing, token
// validation, requirement check, claims in the context and the handler,
// recorded with httptest, with the verified-token cache off (every
// request verifies the signature) and on (a repeated token). Compare with
// BenchmarkVerify, the bare signature check on the same token and key.
func BenchmarkGuard(b *testing.B) {
	iss := axiomstest.New(b)
	req := runtime.Requirement{Scopes: [][]string{{"read:items"}}, Roles: [][]string{{"editor", "admin"}}}
	for _, cache := range []struct {
		name string
		size int
	}{{"cache=off", -1}, {"cache=on", 0}} {
		cfg := iss.Config()
		cfg.TokenCacheSize = cache.size
		g := newGuard(b, cfg)
		h := g.Handler(req, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNoContent)
		}))
		for _, alg := range benchAlgorithms {
			b.Run(alg+"/"+cache.name, func(b *testing.B) {
				r := httptest.NewRequest(http.MethodGet, "/items", nil)
				r.Header.Set("Authorization", "Bearer "+realisticToken(b, iss, alg))
				b.ReportAllocs()
				for b.Loop() {
					w := httptest.NewRecorder()
					h.ServeHTTP(w, r)
					if w.Code != http.StatusNoContent {
						b.Fatalf("status %d", w.Code)
					}
				}
			})
		}
	}
}

// BenchmarkVerify is the floor: the signature verification alone (hash and
// public-key operation) on the same token and key as BenchmarkGuard.
func BenchmarkVerify(b *testing.B) {
	iss := axiomstest.New(b)
	for _, alg := range benchAlgorithms {
		b.Run(alg, func(b *testing.B) {
			tok := realisticToken(b, iss, alg)
			i := strings.LastIndexByte(tok, '.')
			signed := tok[:i]
			sig, err := jwt.NewParser().DecodeSegment(tok[i+1:])
			if err != nil {
				b.Fatal(err)
			}
			_, key, err := iss.SigningKey(alg)
			if err != nil {
				b.Fatal(err)
			}
			method := jwt.GetSigningMethod(alg)
			pub := key.Public()
			b.ReportAllocs()
			for b.Loop() {
				if err := method.Verify(signed, sig, pub); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGuardParallel runs the guarded request on every core, with
// the cache off and on (a shared repeated token: the cache's read path
// must not serialise the cores).
func BenchmarkGuardParallel(b *testing.B) {
	iss := axiomstest.New(b)
	for _, cache := range []struct {
		name string
		size int
	}{{"cache=off", -1}, {"cache=on", 0}} {
		cfg := iss.Config()
		cfg.TokenCacheSize = cache.size
		g := newGuard(b, cfg)
		h := g.Handler(runtime.Requirement{Scopes: [][]string{{"read:items"}}}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNoContent)
		}))
		for _, alg := range benchAlgorithms {
			b.Run(alg+"/"+cache.name, func(b *testing.B) {
				tok := "Bearer " + realisticToken(b, iss, alg)
				b.ReportAllocs()
				b.RunParallel(func(pb *testing.PB) {
					r := httptest.NewRequest(http.MethodGet, "/items", nil)
					r.Header.Set("Authorization", tok)
					for pb.Next() {
						w := httptest.NewRecorder()
						h.ServeHTTP(w, r)
					}
				})
			})
		}
	}
}

// BenchmarkReject measures the cost of refusing garbage: it must stay far
// below a signature check so floods of bad tokens are cheap.
func BenchmarkReject(b *testing.B) {
	iss := axiomstest.New(b)
	g := newGuard(b, iss.Config())
	h := g.Handler(runtime.Requirement{}, http.NotFoundHandler())
	for _, tc := range []struct{ name, auth string }{
		{"NoToken", ""},
		{"Malformed", "Bearer not.a.jwt"},
		{"Oversized", "Bearer " + strings.Repeat("a", 17<<10)},
	} {
		b.Run(tc.name, func(b *testing.B) {
			r := httptest.NewRequest(http.MethodGet, "/items", nil)
			if tc.auth != "" {
				r.Header.Set("Authorization", tc.auth)
			}
			b.ReportAllocs()
			for b.Loop() {
				h.ServeHTTP(httptest.NewRecorder(), r)
			}
		})
	}
}

// BenchmarkGuardVerify is Guard.Verify alone, without HTTP: the token
// work of a guarded request, to separate it from the request plumbing.
func BenchmarkGuardVerify(b *testing.B) {
	iss := axiomstest.New(b)
	cfg := iss.Config()
	cfg.TokenCacheSize = -1
	g := newGuard(b, cfg)
	for _, alg := range benchAlgorithms {
		b.Run(alg, func(b *testing.B) {
			tok := realisticToken(b, iss, alg)
			ctx := b.Context()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := g.Verify(ctx, tok); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkGuardOverVerify is the guard's ratio to the floor, measured so
// that a machine whose speed drifts cannot skew it: every iteration runs
// one guarded request (the handler's ServeHTTP, cache off, as in
// BenchmarkGuard) and one bare signature verification (as in
// BenchmarkVerify) on the same token and key, timing each, and reports
// both means and their ratio. Each request gets a fresh recorder, timed
// apart: guard/verify leaves it out (net/http supplies the
// ResponseWriter), with-recorder/verify counts it in as BenchmarkGuard
// does.
func BenchmarkGuardOverVerify(b *testing.B) {
	iss := axiomstest.New(b)
	cfg := iss.Config()
	cfg.TokenCacheSize = -1
	g := newGuard(b, cfg)
	req := runtime.Requirement{Scopes: [][]string{{"read:items"}}, Roles: [][]string{{"editor", "admin"}}}
	h := g.Handler(req, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	for _, alg := range benchAlgorithms {
		b.Run(alg, func(b *testing.B) {
			tok := realisticToken(b, iss, alg)
			r := httptest.NewRequest(http.MethodGet, "/items", nil)
			r.Header.Set("Authorization", "Bearer "+tok)
			i := strings.LastIndexByte(tok, '.')
			signed := tok[:i]
			sig, err := jwt.NewParser().DecodeSegment(tok[i+1:])
			if err != nil {
				b.Fatal(err)
			}
			_, key, err := iss.SigningKey(alg)
			if err != nil {
				b.Fatal(err)
			}
			method, pub := jwt.GetSigningMethod(alg), key.Public()
			var recorder, guard, verify time.Duration
			b.ReportAllocs()
			for b.Loop() {
				t0 := time.Now()
				w := httptest.NewRecorder()
				t1 := time.Now()
				h.ServeHTTP(w, r)
				t2 := time.Now()
				if err := method.Verify(signed, sig, pub); err != nil {
					b.Fatal(err)
				}
				t3 := time.Now()
				if w.Code != http.StatusNoContent {
					b.Fatalf("status %d", w.Code)
				}
				recorder += t1.Sub(t0)
				guard += t2.Sub(t1)
				verify += t3.Sub(t2)
			}
			b.ReportMetric(float64(guard.Nanoseconds())/float64(b.N), "guard-ns/op")
			b.ReportMetric(float64(verify.Nanoseconds())/float64(b.N), "verify-ns/op")
			b.ReportMetric(float64(guard)/float64(verify), "guard/verify")
			b.ReportMetric(float64(guard+recorder)/float64(verify), "with-recorder/verify")
		})
	}
}

// worstCasePayloads are payload texts that make a JSON scan work hardest
// per byte, each about as long as a token under the default 16 KiB limit
// allows.
func worstCasePayloads() map[string]string {
	const size = 12_000 // base64 of 12,000 bytes plus a header: under 16 KiB
	fill := func(open, item, sep, close string, i func(int) string) string {
		var b strings.Builder
		b.WriteString(open)
		for n := 0; b.Len() < size-len(close)-len(item)-16; n++ {
			if n > 0 {
				b.WriteString(sep)
			}
			if i != nil {
				b.WriteString(i(n))
			} else {
				b.WriteString(item)
			}
		}
		b.WriteString(close)
		return b.String()
	}
	hexName := func(n int) string { return `"` + strconv.FormatInt(int64(n), 36) + `":0` }
	seventeen := `{"a":0,"b":0,"c":0,"d":0,"e":0,"f":0,"g":0,"h":0,"i":0,"j":0,"k":0,"l":0,"m":0,"n":0,"o":0,"p":0,"q":0}`
	return map[string]string{
		"members":       fill("{", "", ",", "}", hexName),
		"escaped-names": fill("{", "", ",", "}", func(n int) string { return `"\u0061` + strconv.FormatInt(int64(n), 36) + `":0` }),
		"nested-17":     fill(`{"a":[`, seventeen, ",", "]}", nil),
		"exponents":     fill(`{"a":[`, "1e1", ",", "]}", nil),
		"long-numbers":  fill(`{"a":[`, strings.Repeat("9", 309), ",", "]}", nil),
		"escapes":       fill(`{"a":"`, `\ud83d\ude00`, "", `"}`, nil),
		"short-strings": fill(`{"a":[`, `""`, ",", "]}", nil),
		"zeros":         fill(`{"a":[`, "0", ",", "]}", nil),
		"deep":          fill(`{"a":[`, strings.Repeat("[", 30)+strings.Repeat("]", 30), ",", "]}", nil),
		"long-string":   fill(`{"a":"`, "abcdefgh", "", `"}`, nil),
		"utf8":          fill(`{"a":"`, "é", "", `"}`, nil),
		"empty":         "{}",
	}
}

// BenchmarkWorstCaseToken measures what the parse of a token nobody
// signed can cost: a payload from worstCasePayloads under a kid the
// issuer never published (after the first request the refresh limiter
// refuses a fetch, so the token is refused once decoded and scanned).
// Each iteration also times one bare RS256 verification; scan/verify is
// their ratio, which must stay under 1.
func BenchmarkWorstCaseToken(b *testing.B) {
	iss := axiomstest.New(b)
	cfg := iss.Config()
	cfg.TokenCacheSize = -1
	g := newGuard(b, cfg)
	_, key, err := iss.SigningKey("RS256")
	if err != nil {
		b.Fatal(err)
	}
	valid := realisticToken(b, iss, "RS256")
	i := strings.LastIndexByte(valid, '.')
	signed, method := valid[:i], jwt.SigningMethodRS256
	sig, err := jwt.NewParser().DecodeSegment(valid[i+1:])
	if err != nil {
		b.Fatal(err)
	}
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"RS256","typ":"at+jwt","kid":"never-published"}`))
	payloads := worstCasePayloads()
	names := slices.Sorted(maps.Keys(payloads))
	for _, name := range names {
		tok := header + "." + enc.EncodeToString([]byte(payloads[name])) + ".AAAA"
		if len(tok) > runtime.DefaultMaxTokenSize {
			b.Fatalf("%s: %d bytes, over the token size limit", name, len(tok))
		}
		b.Run(name, func(b *testing.B) {
			ctx := b.Context()
			var scan, verify time.Duration
			b.ReportAllocs()
			for b.Loop() {
				t0 := time.Now()
				_, err := g.Verify(ctx, tok)
				t1 := time.Now()
				if err := method.Verify(signed, sig, key.Public()); err != nil {
					b.Fatal(err)
				}
				t2 := time.Now()
				if runtime.StatusCode(err) != 401 {
					b.Fatalf("status %d (%v)", runtime.StatusCode(err), err)
				}
				scan += t1.Sub(t0)
				verify += t2.Sub(t1)
			}
			b.ReportMetric(float64(scan.Nanoseconds())/float64(b.N), "scan-ns/op")
			b.ReportMetric(float64(scan)/float64(verify), "scan/verify")
		})
	}
}
