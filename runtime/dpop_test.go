package runtime_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

const dpopBase = "https://api.example.test"

type dpopEnv struct {
	iss *axiomstest.Issuer
	g   *runtime.Guard
	key *axiomstest.DPoPKey
	tok string // bound to key
}

func newDPoPEnv(t *testing.T, edit func(*runtime.Config)) *dpopEnv {
	t.Helper()
	iss := axiomstest.New(t)
	cfg := iss.Config()
	cfg.DPoPBaseURL = dpopBase
	if edit != nil {
		edit(&cfg)
	}
	e := &dpopEnv{iss: iss, g: newGuard(t, cfg), key: iss.DPoPKey(t, "ES256")}
	e.tok = iss.Token(t, axiomstest.WithDPoPKey(e.key), axiomstest.WithScopes("read"))
	return e
}

type dpopResult struct {
	status    int
	code      string
	challenge string
	nonce     string
	body      string
	claims    *runtime.Claims
}

// do sends r through a guarded handler requiring req.
func (e *dpopEnv) do(t *testing.T, r *http.Request, req runtime.Requirement) dpopResult {
	t.Helper()
	var res dpopResult
	h := e.g.Handler(req, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res.claims, _ = runtime.ClaimsFromContext(r.Context())
	}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	res.status, res.challenge, res.nonce, res.body = w.Code, w.Header().Get("WWW-Authenticate"), w.Header().Get("DPoP-Nonce"), w.Body.String()
	if w.Code != 200 {
		var body struct{ Error string }
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatalf("error body is not JSON: %q", w.Body)
		}
		res.code = body.Error
		if res.claims != nil {
			t.Fatal("handler called on a rejection")
		}
	}
	return res
}

// dpopRequest is a DPoP request for method and url with token and a
// proof made with opts.
func dpopRequest(t *testing.T, key *axiomstest.DPoPKey, method, url, token string, opts ...axiomstest.ProofOption) *http.Request {
	t.Helper()
	r := httptest.NewRequest(method, url, nil)
	if err := key.Authorize(r, token, opts...); err != nil {
		t.Fatal(err)
	}
	return r
}

// TestDPoPChecks: one row per check of RFC 9449 section 4.3, each
// failing alone; the first rows are the happy paths.
func TestDPoPChecks(t *testing.T) {
	e := newDPoPEnv(t, nil)
	other := e.iss.DPoPKey(t, "ES256")
	url := dpopBase + "/items/1"
	now := time.Now()
	p256, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	withD := e.key.PublicJWK()
	withD["d"] = "AAAA"
	rsaKey := e.iss.DPoPKey(t, "RS256")
	rsaJWK := rsaKey.PublicJWK()
	es512, es384 := e.iss.DPoPKey(t, "ES512"), e.iss.DPoPKey(t, "ES384")

	tests := []struct {
		name   string
		method string
		url    string // request URL
		token  string
		key    *axiomstest.DPoPKey // default e.key
		opts   []axiomstest.ProofOption
		edit   func(r *http.Request)
		status int
		code   string
	}{
		{name: "valid", status: 200},
		{name: "htu with query, fragment, default port, other case and encoded unreserved chars", opts: []axiomstest.ProofOption{
			axiomstest.WithProofClaim("htu", "HTTPS://API.Example.TEST:443/items/%31?q=1#frag")}, status: 200},
		{name: "request URL with a query", url: url + "?page=2", status: 200},
		{name: "iat in the future within the leeway", opts: []axiomstest.ProofOption{axiomstest.WithProofTime(now.Add(3 * time.Second))}, status: 200},

		{name: "htm of another method", opts: []axiomstest.ProofOption{axiomstest.WithProofClaim("htm", "POST")}, status: 401, code: "invalid_dpop_proof"},
		{name: "htu with another scheme", opts: []axiomstest.ProofOption{axiomstest.WithProofClaim("htu", "http://api.example.test/items/1")}, status: 401, code: "invalid_dpop_proof"},
		{name: "htu with another host", opts: []axiomstest.ProofOption{axiomstest.WithProofClaim("htu", "https://evil.example.test/items/1")}, status: 401, code: "invalid_dpop_proof"},
		{name: "htu with another port", opts: []axiomstest.ProofOption{axiomstest.WithProofClaim("htu", "https://api.example.test:8443/items/1")}, status: 401, code: "invalid_dpop_proof"},
		{name: "htu with another path", opts: []axiomstest.ProofOption{axiomstest.WithProofClaim("htu", "https://api.example.test/items/2")}, status: 401, code: "invalid_dpop_proof"},
		{name: "htu relative", opts: []axiomstest.ProofOption{axiomstest.WithProofClaim("htu", "/items/1")}, status: 401, code: "invalid_dpop_proof"},
		{name: "htu missing", opts: []axiomstest.ProofOption{axiomstest.WithoutProofClaim("htu")}, status: 401, code: "invalid_dpop_proof"},
		{name: "stale iat", opts: []axiomstest.ProofOption{axiomstest.WithProofTime(now.Add(-6 * time.Minute))}, status: 401, code: "invalid_dpop_proof"},
		{name: "future iat", opts: []axiomstest.ProofOption{axiomstest.WithProofTime(now.Add(time.Minute))}, status: 401, code: "invalid_dpop_proof"},
		{name: "iat missing", opts: []axiomstest.ProofOption{axiomstest.WithoutProofClaim("iat")}, status: 401, code: "invalid_dpop_proof"},
		{name: "iat not a number", opts: []axiomstest.ProofOption{axiomstest.WithProofClaim("iat", "now")}, status: 401, code: "invalid_dpop_proof"},
		{name: "jti missing", opts: []axiomstest.ProofOption{axiomstest.WithoutProofClaim("jti")}, status: 401, code: "invalid_dpop_proof"},
		{name: "jti too long", opts: []axiomstest.ProofOption{axiomstest.WithProofJTI(strings.Repeat("j", 257))}, status: 401, code: "invalid_dpop_proof"},
		{name: "ath of another token", opts: []axiomstest.ProofOption{axiomstest.WithProofClaim("ath", "47DEQpj8HBSa-_TImW-5JCeuQeRkm5NMpJWZG3hSuFU")}, status: 401, code: "invalid_dpop_proof"},
		{name: "ath missing", opts: []axiomstest.ProofOption{axiomstest.WithoutProofClaim("ath")}, status: 401, code: "invalid_dpop_proof"},
		{name: "cnf.jkt of another key", token: e.iss.Token(t, axiomstest.WithDPoPKey(other), axiomstest.WithScopes("read")), status: 401, code: "invalid_dpop_proof"},
		{name: "unbound token with the DPoP scheme", token: e.iss.Token(t, axiomstest.WithScopes("read")), status: 401, code: "invalid_token"},
		{name: "jwk with private d", opts: []axiomstest.ProofOption{axiomstest.WithProofHeader("jwk", withD)}, status: 401, code: "invalid_dpop_proof"},
		{name: "jwk missing", opts: []axiomstest.ProofOption{axiomstest.WithoutProofHeader("jwk")}, status: 401, code: "invalid_dpop_proof"},
		{name: "jwk of another key type than alg", opts: []axiomstest.ProofOption{axiomstest.WithProofHeader("jwk", rsaJWK)}, status: 401, code: "invalid_dpop_proof"},
		{name: "HS256 proof", opts: []axiomstest.ProofOption{axiomstest.WithProofSigner("HS256", nil)}, status: 401, code: "invalid_dpop_proof"},
		{name: "none proof", opts: []axiomstest.ProofOption{axiomstest.WithProofSigner("none", nil)}, status: 401, code: "invalid_dpop_proof"},
		{name: "alg outside the allow-list (a genuine ES512 proof)", key: es512, token: e.iss.Token(t, axiomstest.WithDPoPKey(es512), axiomstest.WithScopes("read")), status: 401, code: "invalid_dpop_proof"},
		{name: "PS256 header over an RS256 signature", key: rsaKey, token: e.iss.Token(t, axiomstest.WithDPoPKey(rsaKey), axiomstest.WithScopes("read")),
			opts: []axiomstest.ProofOption{axiomstest.WithProofHeader("alg", "PS256")}, status: 401, code: "invalid_dpop_proof"},
		{name: "ES256 header with a P-384 jwk", key: es384, token: e.iss.Token(t, axiomstest.WithDPoPKey(es384), axiomstest.WithScopes("read")),
			opts: []axiomstest.ProofOption{axiomstest.WithProofHeader("alg", "ES256")}, status: 401, code: "invalid_dpop_proof"},
		{name: "iat just inside the window", opts: []axiomstest.ProofOption{axiomstest.WithProofTime(now.Add(-5*time.Minute + 3*time.Second))}, status: 200},
		{name: "iat just outside the window", opts: []axiomstest.ProofOption{axiomstest.WithProofTime(now.Add(-5*time.Minute - 2*time.Second))}, status: 401, code: "invalid_dpop_proof"},
		{name: "iat just past the future leeway", opts: []axiomstest.ProofOption{axiomstest.WithProofTime(now.Add(7 * time.Second))}, status: 401, code: "invalid_dpop_proof"},
		{name: "signed by a key other than its jwk", opts: []axiomstest.ProofOption{axiomstest.WithProofSigner("ES256", p256)}, status: 401, code: "invalid_dpop_proof"},
		{name: "typ JWT", opts: []axiomstest.ProofOption{axiomstest.WithProofHeader("typ", "JWT")}, status: 401, code: "invalid_dpop_proof"},
		{name: "typ missing", opts: []axiomstest.ProofOption{axiomstest.WithoutProofHeader("typ")}, status: 401, code: "invalid_dpop_proof"},
		{name: "crit header", opts: []axiomstest.ProofOption{axiomstest.WithProofHeader("crit", []string{"exp"})}, status: 401, code: "invalid_dpop_proof"},
		{name: "two DPoP headers", edit: func(r *http.Request) { r.Header.Add("DPoP", r.Header.Get("DPoP")) }, status: 400, code: "invalid_request"},
		{name: "no DPoP header", edit: func(r *http.Request) { r.Header.Del("DPoP") }, status: 400, code: "invalid_request"},
		{name: "proof not a JWS", edit: func(r *http.Request) { r.Header.Set("DPoP", "a.b") }, status: 401, code: "invalid_dpop_proof"},
		{name: "proof over 8 KiB", edit: func(r *http.Request) { r.Header.Set("DPoP", strings.Repeat("a", 9000)) }, status: 401, code: "invalid_dpop_proof"},
		{name: "proof with a tampered payload", edit: func(r *http.Request) {
			p := strings.Split(r.Header.Get("DPoP"), ".")
			other, _ := e.key.Proof("GET", dpopBase+"/items/2", e.tok)
			r.Header.Set("DPoP", p[0]+"."+strings.Split(other, ".")[1]+"."+p[2])
		}, status: 401, code: "invalid_dpop_proof"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method, u, tok := cmpOr(tt.method, "GET"), cmpOr(tt.url, url), cmpOr(tt.token, e.tok)
			key := e.key
			if tt.key != nil {
				key = tt.key
			}
			r := dpopRequest(t, key, method, u, tok, tt.opts...)
			if tt.edit != nil {
				tt.edit(r)
			}
			res := e.do(t, r, runtime.Requirement{Scopes: [][]string{{"read"}}})
			if res.status != tt.status || res.code != tt.code {
				t.Fatalf("got %d %q (%s), want %d %q", res.status, res.code, res.challenge, tt.status, tt.code)
			}
			if tt.status == 200 && (!res.claims.SenderConstrained || res.claims.JKT != key.Thumbprint()) {
				t.Errorf("claims not sender-constrained: %+v", res.claims)
			}
			for _, secret := range []string{tok, r.Header.Get("DPoP")} {
				if secret != "" && (strings.Contains(res.body, secret) || strings.Contains(res.challenge, secret)) {
					t.Error("the response echoes the token or the proof")
				}
			}
		})
	}
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// TestDPoPAlgorithms: the happy path for every default proof algorithm.
func TestDPoPAlgorithms(t *testing.T) {
	e := newDPoPEnv(t, nil)
	for _, alg := range []string{"ES256", "ES384", "RS256", "PS256", "EdDSA"} {
		t.Run(alg, func(t *testing.T) {
			key := e.iss.DPoPKey(t, alg)
			tok := e.iss.Token(t, axiomstest.WithDPoPKey(key))
			res := e.do(t, dpopRequest(t, key, "POST", dpopBase+"/orders", tok), runtime.Requirement{DPoP: true})
			if res.status != 200 || !res.claims.SenderConstrained {
				t.Fatalf("%s proof: %d %s", alg, res.status, res.challenge)
			}
		})
	}
}

func TestDPoPReplay(t *testing.T) {
	e := newDPoPEnv(t, nil)
	r := dpopRequest(t, e.key, "GET", dpopBase+"/items", e.tok)
	if res := e.do(t, r, runtime.Requirement{}); res.status != 200 {
		t.Fatalf("first use: %d", res.status)
	}
	if res := e.do(t, r.Clone(r.Context()), runtime.Requirement{}); res.status != 401 || res.code != "invalid_dpop_proof" {
		t.Fatalf("replay: %d %q", res.status, res.code)
	}
	// A fresh proof for the same token works: the token itself may repeat.
	if res := e.do(t, dpopRequest(t, e.key, "GET", dpopBase+"/items", e.tok), runtime.Requirement{}); res.status != 200 {
		t.Fatalf("fresh proof: %d", res.status)
	}
}

// TestDPoPReplayConcurrent: 64 goroutines send the same proof at once;
// exactly one gets through.
func TestDPoPReplayConcurrent(t *testing.T) {
	e := newDPoPEnv(t, nil)
	r := dpopRequest(t, e.key, "GET", dpopBase+"/items", e.tok)
	h := e.g.Handler(runtime.Requirement{}, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	var ok, rejected atomic.Int32
	var wg sync.WaitGroup
	start := make(chan struct{})
	for range 64 {
		wg.Go(func() {
			<-start
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r.Clone(r.Context()))
			switch w.Code {
			case 200:
				ok.Add(1)
			case 401:
				rejected.Add(1)
			}
		})
	}
	close(start)
	wg.Wait()
	if ok.Load() != 1 || rejected.Load() != 63 {
		t.Fatalf("%d succeeded, %d rejected; want 1 and 63", ok.Load(), rejected.Load())
	}
}

// TestDPoPModes: a bound token sent as Bearer fails in every mode; each
// mode accepts the schemes it says, and a //axioms:dpop route needs DPoP
// whatever the mode.
func TestDPoPModes(t *testing.T) {
	for _, mode := range []runtime.DPoPMode{runtime.DPoPAllowed, runtime.DPoPRequired, runtime.DPoPDisabled} {
		t.Run(string(mode), func(t *testing.T) {
			e := newDPoPEnv(t, func(c *runtime.Config) { c.DPoP = mode })
			unbound := e.iss.Token(t)
			bearerReq := func(tok string) *http.Request {
				r := httptest.NewRequest("GET", dpopBase+"/items", nil)
				r.Header.Set("Authorization", "Bearer "+tok)
				return r
			}
			if res := e.do(t, bearerReq(e.tok), runtime.Requirement{}); res.status != 401 {
				t.Errorf("bound token as Bearer: %d", res.status)
			}
			res := e.do(t, bearerReq(unbound), runtime.Requirement{})
			if want := map[runtime.DPoPMode]int{runtime.DPoPAllowed: 200, runtime.DPoPRequired: 401, runtime.DPoPDisabled: 200}[mode]; res.status != want {
				t.Errorf("unbound Bearer: %d, want %d", res.status, want)
			}
			res = e.do(t, dpopRequest(t, e.key, "GET", dpopBase+"/items", e.tok), runtime.Requirement{})
			if want := map[runtime.DPoPMode]int{runtime.DPoPAllowed: 200, runtime.DPoPRequired: 200, runtime.DPoPDisabled: 401}[mode]; res.status != want {
				t.Errorf("DPoP request: %d, want %d", res.status, want)
			}
			// A DPoP route, whatever the mode.
			dpopRoute := runtime.Requirement{DPoP: true}
			if res := e.do(t, bearerReq(unbound), dpopRoute); res.status != 401 || res.code != "unauthorized" ||
				res.challenge != `DPoP realm="api", algs="ES256 ES384 PS256 RS256 EdDSA"` {
				t.Errorf("Bearer on a DPoP route: %d %q %q", res.status, res.code, res.challenge)
			}
			if res := e.do(t, dpopRequest(t, e.key, "GET", dpopBase+"/items", e.tok), dpopRoute); res.status != 200 {
				t.Errorf("DPoP on a DPoP route: %d %s", res.status, res.challenge)
			}
		})
	}
}

// TestUnverifiableConfirmation: a token whose cnf is not a DPoP jkt string
// (mTLS x5t#S256, a number, an empty string) is refused with either
// scheme: ignoring a binding would make a bound token a bearer token.
func TestUnverifiableConfirmation(t *testing.T) {
	e := newDPoPEnv(t, nil)
	for _, cnf := range []any{map[string]any{"x5t#S256": "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2"}, map[string]any{"jkt": 123}, map[string]any{"jkt": ""}, "abc"} {
		tok := e.iss.Token(t, axiomstest.WithClaim("cnf", cnf))
		r := httptest.NewRequest("GET", dpopBase+"/items", nil)
		r.Header.Set("Authorization", "Bearer "+tok)
		if res := e.do(t, r, runtime.Requirement{}); res.status != 401 || res.code != "invalid_token" {
			t.Errorf("cnf %v as Bearer: %d %q", cnf, res.status, res.code)
		}
		if res := e.do(t, dpopRequest(t, e.key, "GET", dpopBase+"/items", tok), runtime.Requirement{}); res.status != 401 {
			t.Errorf("cnf %v with DPoP: %d", cnf, res.status)
		}
	}
}

// TestDPoPChallenges: both challenges where both schemes are accepted,
// the error on the scheme the request used.
func TestDPoPChallenges(t *testing.T) {
	e := newDPoPEnv(t, nil)
	const dpopCh = `DPoP realm="api", algs="ES256 ES384 PS256 RS256 EdDSA"`
	res := e.do(t, httptest.NewRequest("GET", dpopBase+"/items", nil), runtime.Requirement{})
	if res.challenge != `Bearer realm="api", `+dpopCh {
		t.Errorf("no credentials: %q", res.challenge)
	}
	res = e.do(t, dpopRequest(t, e.key, "GET", dpopBase+"/items", e.tok, axiomstest.WithProofClaim("htm", "POST")), runtime.Requirement{})
	if !strings.HasPrefix(res.challenge, `Bearer realm="api", `+dpopCh+`, error="invalid_dpop_proof", error_description="`) {
		t.Errorf("bad proof: %q", res.challenge)
	}
	r := httptest.NewRequest("GET", dpopBase+"/items", nil)
	r.Header.Set("Authorization", "Bearer "+e.tok)
	res = e.do(t, r, runtime.Requirement{})
	if !strings.HasPrefix(res.challenge, `Bearer realm="api", error="invalid_token", error_description="the access token is DPoP-bound`) ||
		!strings.HasSuffix(res.challenge, `, `+dpopCh) {
		t.Errorf("bound token as Bearer: %q", res.challenge)
	}
	res = e.do(t, dpopRequest(t, e.key, "GET", dpopBase+"/items", e.tok), runtime.Requirement{Scopes: [][]string{{"write"}}})
	if res.status != 403 || !strings.HasPrefix(res.challenge, `Bearer realm="api", `+dpopCh+`, error="insufficient_scope", scope="write"`) {
		t.Errorf("insufficient scope over DPoP: %d %q", res.status, res.challenge)
	}
}

// TestDPoPNonce: with server nonces a proof without one gets
// use_dpop_nonce and the nonce; the retry with it passes.
func TestDPoPNonce(t *testing.T) {
	e := newDPoPEnv(t, func(c *runtime.Config) { c.DPoPNonce = true })
	res := e.do(t, dpopRequest(t, e.key, "GET", dpopBase+"/items", e.tok), runtime.Requirement{})
	if res.status != 401 || res.code != "use_dpop_nonce" || res.nonce == "" || !strings.Contains(res.challenge, `error="use_dpop_nonce"`) {
		t.Fatalf("no nonce: %d %q nonce %q %q", res.status, res.code, res.nonce, res.challenge)
	}
	nonce := res.nonce
	res = e.do(t, dpopRequest(t, e.key, "GET", dpopBase+"/items", e.tok, axiomstest.WithProofNonce(nonce)), runtime.Requirement{})
	if res.status != 200 || res.nonce != nonce {
		t.Fatalf("with the nonce: %d, nonce header %q", res.status, res.nonce)
	}
	res = e.do(t, dpopRequest(t, e.key, "GET", dpopBase+"/items", e.tok, axiomstest.WithProofNonce("made-up")), runtime.Requirement{})
	if res.status != 401 || res.code != "use_dpop_nonce" {
		t.Fatalf("wrong nonce: %d %q", res.status, res.code)
	}
}

// TestDPoPNonceRotation: the previous nonce stays valid one lifetime;
// after two it is refused.
func TestDPoPNonceRotation(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	e := newDPoPEnv(t, func(c *runtime.Config) { c.DPoPNonce = true; c.DPoPNonceLifetime = time.Minute; c.Now = clock })
	send := func(nonce string) dpopResult {
		return e.do(t, dpopRequest(t, e.key, "GET", dpopBase+"/items", e.tok, axiomstest.WithProofNonce(nonce), axiomstest.WithProofTime(clock())), runtime.Requirement{})
	}
	first := send("").nonce
	now.Add(int64(61 * time.Second))
	if res := send(first); res.status != 200 || res.nonce == first {
		t.Fatalf("previous nonce after one rotation: %d, new nonce %q", res.status, res.nonce)
	}
	now.Add(int64(2 * time.Minute))
	if res := send(first); res.status != 401 || res.code != "use_dpop_nonce" {
		t.Fatalf("nonce two lifetimes old: %d %q", res.status, res.code)
	}
}

// TestDPoPCachedBoundToken: the token cache may hold the bound token's
// verification, never the proof's: each request needs a fresh proof, and
// the cached token still fails as Bearer.
func TestDPoPCachedBoundToken(t *testing.T) {
	e := newDPoPEnv(t, nil)
	for range 3 {
		if res := e.do(t, dpopRequest(t, e.key, "GET", dpopBase+"/items", e.tok), runtime.Requirement{}); res.status != 200 {
			t.Fatalf("DPoP: %d", res.status)
		}
	}
	if st := e.g.CacheStats(); st.Hits < 2 {
		t.Errorf("the bound token was not served from the cache: %+v", st)
	}
	r := httptest.NewRequest("GET", dpopBase+"/items", nil)
	r.Header.Set("Authorization", "Bearer "+e.tok)
	if res := e.do(t, r, runtime.Requirement{}); res.status != 401 {
		t.Errorf("cached bound token as Bearer: %d", res.status)
	}
	r = httptest.NewRequest("GET", dpopBase+"/items", nil)
	r.Header.Set("Authorization", "DPoP "+e.tok)
	if res := e.do(t, r, runtime.Requirement{}); res.status != 400 {
		t.Errorf("cached bound token without a proof: %d", res.status)
	}
}

// TestDPoPExternalURL: htu comes from the configured base URL, or from a
// trusted proxy's forwarding headers, never from the Host header alone.
func TestDPoPExternalURL(t *testing.T) {
	t.Run("base URL with a path prefix", func(t *testing.T) {
		e := newDPoPEnv(t, func(c *runtime.Config) { c.DPoPBaseURL = "https://gw.example.test/api/" })
		r := httptest.NewRequest("GET", "http://10.0.0.5:8080/items", nil)
		if err := e.key.Authorize(r, e.tok); err != nil {
			t.Fatal(err)
		}
		proof, _ := e.key.Proof("GET", "https://gw.example.test/api/items", e.tok)
		r.Header.Set("DPoP", proof)
		if res := e.do(t, r, runtime.Requirement{}); res.status != 200 {
			t.Fatalf("%d %s", res.status, res.challenge)
		}
	})
	t.Run("path with dot segments under a base prefix", func(t *testing.T) {
		e := newDPoPEnv(t, func(c *runtime.Config) { c.DPoPBaseURL = "https://gw.example.test/api" })
		for _, path := range []string{"/../admin", "/%2e%2e/admin", "/x/.%2E/../admin"} {
			r := httptest.NewRequest("GET", "http://10.0.0.5:8080/", nil)
			r.URL.RawPath, r.URL.Path = path, strings.ReplaceAll(strings.ReplaceAll(path, "%2e", "."), "%2E", ".")
			proof, _ := e.key.Proof("GET", "https://gw.example.test/admin", e.tok)
			r.Header.Set("Authorization", "DPoP "+e.tok)
			r.Header.Set("DPoP", proof)
			if res := e.do(t, r, runtime.Requirement{}); res.status != 401 {
				t.Errorf("%s: %d", path, res.status)
			}
		}
	})
	proxied := func(remote string, headers map[string]string) *http.Request {
		r := httptest.NewRequest("GET", "http://backend.internal:8080/items", nil)
		r.RemoteAddr = remote
		for k, v := range headers {
			r.Header.Set(k, v)
		}
		return r
	}
	for _, family := range []string{runtime.ForwardedX, runtime.ForwardedStandard} {
		e := newDPoPEnv(t, func(c *runtime.Config) {
			c.DPoPBaseURL = ""
			c.TrustedProxies = []string{" 10.0.0.0/8", "192.0.2.7", "::ffff:198.51.100.0/120"}
			c.ForwardedHeaders = family
		})
		sign := func(r *http.Request, htu string) *http.Request {
			p, err := e.key.Proof("GET", htu, e.tok)
			if err != nil {
				t.Fatal(err)
			}
			r.Header.Set("Authorization", "DPoP "+e.tok)
			r.Header.Set("DPoP", p)
			return r
		}
		xf := map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "api.example.test"}
		fwd := map[string]string{"Forwarded": `for=203.0.113.9;proto=https;host="api.example.test"`}
		std := family == runtime.ForwardedStandard
		for _, tt := range []struct {
			name   string
			r      *http.Request
			htu    string
			status int
		}{
			{"trusted proxy, its headers", proxied("10.1.2.3:4000", map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "api.example.test", "Forwarded": fwd["Forwarded"]}), "https://api.example.test/items", 200},
			{"trusted single IP", proxied("192.0.2.7:4000", map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "api.example.test", "Forwarded": fwd["Forwarded"]}), "https://api.example.test/items", 200},
			{"trusted IPv4-mapped prefix", proxied("[::ffff:198.51.100.9]:4000", map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "api.example.test", "Forwarded": fwd["Forwarded"]}), "https://api.example.test/items", 200},
			{"a client's header of the other family is ignored", proxied("10.1.2.3:4000", otherFamily(std)), "https://other-api.example.test/items", 401},
			{"... while the proxy's own says the real host", proxied("10.1.2.3:4000", otherFamily(std)), "https://api.example.test/items", 200},
			{"a client's value left of the proxy's is ignored", proxied("10.1.2.3:4000", map[string]string{
				"X-Forwarded-Proto": "https", "X-Forwarded-Host": "other-api.example.test, api.example.test",
				"Forwarded": `proto=https;host=other-api.example.test, proto=https;host=api.example.test`}), "https://other-api.example.test/items", 401},
			{"the proxy's element without host: no fallback to earlier ones or to Host", proxied("10.1.2.3:4000", map[string]string{
				"X-Forwarded-Proto": "https", "Forwarded": `proto=https;host=api.example.test, for=203.0.113.9`}), "http://backend.internal:8080/items", 401},
			{"untrusted peer with forwarding headers", proxied("203.0.113.9:4000", xf), "https://api.example.test/items", 401},
			{"untrusted peer, proof for its Host header", proxied("203.0.113.9:4000", nil), "http://backend.internal:8080/items", 401},
		} {
			t.Run(family+"/"+tt.name, func(t *testing.T) {
				if res := e.do(t, sign(tt.r, tt.htu), runtime.Requirement{}); res.status != tt.status {
					t.Fatalf("%d, want %d (%s)", res.status, tt.status, res.challenge)
				}
			})
		}
	}
}

// otherFamily: the proxy's honest headers of the family it is configured
// to write, and a client's header of the other family naming another host.
func otherFamily(std bool) map[string]string {
	if std {
		return map[string]string{"Forwarded": `proto=https;host=api.example.test`, "X-Forwarded-Proto": "https", "X-Forwarded-Host": "other-api.example.test"}
	}
	return map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "api.example.test", "Forwarded": `proto=https;host=other-api.example.test`}
}

// TestDPoPConfig: bad DPoP settings are configuration errors.
func TestDPoPConfig(t *testing.T) {
	iss := axiomstest.New(t)
	for _, tt := range []struct {
		name string
		edit func(*runtime.Config)
		want string
	}{
		{"mode", func(c *runtime.Config) { c.DPoP = "sometimes" }, "allowed, required or disabled"},
		{"HS256 proofs", func(c *runtime.Config) { c.DPoPAlgorithms = []string{"HS256"} }, "asymmetric"},
		{"none proofs", func(c *runtime.Config) { c.DPoPAlgorithms = []string{"none"} }, "asymmetric"},
		{"http base URL", func(c *runtime.Config) { c.DPoPBaseURL = "http://api.example.com" }, "https"},
		{"base URL with a query", func(c *runtime.Config) { c.DPoPBaseURL = "https://api.example.com/?a=b" }, "no query"},
		{"proxy", func(c *runtime.Config) { c.TrustedProxies = []string{"10.0.0.0/33"} }, "CIDR"},
		{"short mapped proxy prefix", func(c *runtime.Config) { c.TrustedProxies = []string{"::ffff:0:0/64"} }, "CIDR"},
		{"forwarded headers", func(c *runtime.Config) { c.ForwardedHeaders = "x-real-ip" }, "x-forwarded or forwarded"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := iss.Config()
			tt.edit(&cfg)
			_, err := runtime.New(t.Context(), cfg)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	t.Setenv("AXIOMS_AUDIENCE", "a")
	t.Setenv("AXIOMS_ISS_URL", "https://issuer.example.com/")
	t.Setenv("AXIOMS_DPOP", "required")
	t.Setenv("AXIOMS_DPOP_ALGORITHMS", "ES256, EdDSA")
	t.Setenv("AXIOMS_DPOP_BASE_URL", "https://api.example.com")
	t.Setenv("AXIOMS_TRUSTED_PROXIES", "10.0.0.0/8, 192.0.2.1")
	t.Setenv("AXIOMS_DPOP_MAX_AGE", "2m")
	t.Setenv("AXIOMS_DPOP_NONCE", "true")
	t.Setenv("AXIOMS_FORWARDED_HEADERS", "Forwarded")
	cfg, err := runtime.ConfigFromEnv()
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DPoP != runtime.DPoPRequired || strings.Join(cfg.DPoPAlgorithms, " ") != "ES256 EdDSA" || cfg.DPoPBaseURL != "https://api.example.com" ||
		len(cfg.TrustedProxies) != 2 || cfg.DPoPMaxAge != 2*time.Minute || !cfg.DPoPNonce || cfg.ForwardedHeaders != runtime.ForwardedStandard {
		t.Errorf("config from env: %+v", cfg)
	}
}

// TestMemoryReplayStoreBounded: the store never holds more than its size;
// expired entries make room; when full of live entries it fails closed.
func TestMemoryReplayStoreBounded(t *testing.T) {
	var now atomic.Int64
	now.Store(time.Now().UnixNano())
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	s := runtime.NewMemoryReplayStore(640, clock)
	exp := clock().Add(time.Minute)
	var full int
	for i := range 5000 {
		if _, err := s.Seen(t.Context(), "k"+string(rune('a'+i%26))+strings.Repeat("x", i%7)+itoa(i), exp); err != nil {
			full++
		}
	}
	if s.Len() > 640 || full == 0 {
		t.Fatalf("held %d entries, %d refusals", s.Len(), full)
	}
	now.Add(int64(2 * time.Minute))
	if _, err := s.Seen(t.Context(), "fresh", clock().Add(time.Minute)); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if seen, _ := s.Seen(t.Context(), "fresh", clock().Add(time.Minute)); !seen {
		t.Fatal("a key recorded twice is not seen")
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

var _ = io.Discard

// TestDPoPProofIatFractions: a proof's iat keeps its fractions of a
// second, as a token's dates do: 5.5 s ahead is past a 5 s leeway.
func TestDPoPProofIatFractions(t *testing.T) {
	now := time.Now().Truncate(time.Second)
	e := newDPoPEnv(t, func(c *runtime.Config) {
		c.Now = func() time.Time { return now }
		c.DPoPLeeway = 5 * time.Second
	})
	for _, tt := range []struct {
		ahead  float64
		status int
	}{{4.5, 200}, {5.5, 401}} {
		r := dpopRequest(t, e.key, "GET", dpopBase+"/items/1", e.tok, axiomstest.WithProofClaim("iat", float64(now.Unix())+tt.ahead))
		if res := e.do(t, r, runtime.Requirement{Scopes: [][]string{{"read"}}}); res.status != tt.status {
			t.Errorf("iat %.1f s ahead: %d %q, want %d", tt.ahead, res.status, res.code, tt.status)
		}
	}
}
