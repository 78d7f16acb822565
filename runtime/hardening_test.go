package runtime_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	goruntime "runtime"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

// The tests of this file each hold one finding of the second hardening
// round: each failed before its fix.

// rawClaims signs a payload written as JSON text (exact numbers, names
// that differ only in case) with the registered claims a valid token
// needs, and returns the verified claims.
func rawClaims(t *testing.T, iss *axiomstest.Issuer, g *runtime.Guard, extra string) (*runtime.Claims, error) {
	t.Helper()
	kid, _, err := iss.SigningKey("RS256")
	if err != nil {
		t.Fatal(err)
	}
	payload := fmt.Sprintf(`{"iss":%q,"aud":%q,"sub":"alice","exp":%d%s}`,
		iss.URL(), iss.Config().Audiences[0], time.Now().Add(time.Hour).Unix(), extra)
	tok := signRaw(t, iss, fmt.Sprintf(`{"alg":"RS256","kid":%q}`, kid), payload)
	return g.Verify(t.Context(), tok)
}

// TestExactIntegerClaims: integers reach typed claims exactly; a number a
// field cannot hold is an error (401 invalid_token), never a rounding.
func TestExactIntegerClaims(t *testing.T) {
	iss := axiomstest.New(t)
	g := newGuard(t, iss.Config())
	c, err := rawClaims(t, iss, g, `,"org_id":1234567890123456789,"big":18446744073709551615,"level":2.0,"thousand":1e3,"nested":{"id":9007199254740993}`)
	if err != nil {
		t.Fatal(err)
	}
	var typed struct {
		OrgID    int64  `json:"org_id"`
		Big      uint64 `json:"big"`
		Level    int    `json:"level"`
		Thousand int    `json:"thousand"`
		Nested   struct {
			ID int64 `json:"id"`
		} `json:"nested"`
	}
	if err := c.Decode(&typed); err != nil {
		t.Fatalf("Decode: %v", err)
	}
	if typed.OrgID != 1234567890123456789 || typed.Big != 18446744073709551615 || typed.Level != 2 ||
		typed.Thousand != 1000 || typed.Nested.ID != 9007199254740993 {
		t.Errorf("Decode = %+v: an integer changed value", typed)
	}
	var asNumber struct {
		OrgID json.Number `json:"org_id"`
	}
	if err := c.Decode(&asNumber); err != nil || asNumber.OrgID != "1234567890123456789" {
		t.Errorf("json.Number field = %q, %v", asNumber.OrgID, err)
	}
	var all map[string]any
	if err := c.Decode(&all); err != nil || all["org_id"] != json.Number("1234567890123456789") {
		t.Errorf("map[string]any: org_id = %#v, %v", all["org_id"], err)
	}
	if v, ok := c.Get("org_id"); !ok || v != json.Number("1234567890123456789") {
		t.Errorf("Get(org_id) = %#v, %v; want the exact json.Number", v, ok)
	}
	if v, ok := c.Get("nested.id"); !ok || v != json.Number("9007199254740993") {
		t.Errorf("Get(nested.id) = %#v, %v", v, ok)
	}
	if v, ok := c.Get("nested"); !ok || v.(map[string]any)["id"] != json.Number("9007199254740993") {
		t.Errorf("Get(nested) = %#v, %v", v, ok)
	}

	// Numbers a field cannot hold.
	for _, tt := range []struct{ name, claim string }{
		{"fraction into int", `,"n":1.5`},
		{"beyond int64", `,"n":9223372036854775808`},
		{"negative into uint", `,"u":-1`},
		{"beyond int8", `,"s":300`},
		{"huge exponent into int", `,"n":1e300`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := rawClaims(t, iss, g, tt.claim)
			if err != nil {
				t.Fatal(err)
			}
			type fields struct {
				N int64  `json:"n"`
				U uint32 `json:"u"`
				S int8   `json:"s"`
			}
			if v, err := runtime.DecodeClaims[fields](c); err == nil || runtime.StatusCode(err) != 401 {
				t.Fatalf("DecodeClaims = %+v, %v; want a 401 error", v, err)
			}
			h := runtime.TypedClaimsHandler(g, func(w http.ResponseWriter, r *http.Request, v *fields) {
				t.Error("handler called with claims that do not fit")
			})
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequestWithContext(runtime.ContextWithClaims(t.Context(), c), http.MethodGet, "/", nil))
			if w.Code != 401 {
				t.Errorf("TypedClaimsHandler status %d, want 401", w.Code)
			}
		})
	}
}

// TestClaimNamesAreCaseSensitive: Decode fills a field only from the claim
// of exactly its json name, never from one equal to it under case or
// Unicode folding, whatever the order.
func TestClaimNamesAreCaseSensitive(t *testing.T) {
	iss := axiomstest.New(t)
	g := newGuard(t, iss.Config())
	type embedded struct {
		Tenant string `json:"tenant"`
	}
	type target struct {
		Sub  string `json:"sub"`
		Org  string `json:"org_id"`
		Name string // no tag: the Go name, exactly
		embedded
		Inner struct {
			Role string `json:"role"`
		} `json:"inner"`
	}
	for _, tt := range []struct {
		name, extra string
		want        target
	}{
		{name: "long s folds to s", extra: `,"ſub":"admin"`, want: target{Sub: "alice"}},
		{name: "upper case after", extra: `,"org_id":"mine","ORG_ID":"theirs"`, want: target{Sub: "alice", Org: "mine"}},
		{name: "upper case only", extra: `,"Org_Id":"theirs"`, want: target{Sub: "alice"}},
		{name: "Kelvin sign", extra: `,"Name":"ok","NAME":"no","\u212aey":"x"`, want: target{Sub: "alice", Name: "ok"}},
		{name: "untagged field by lower case", extra: `,"name":"theirs"`, want: target{Sub: "alice"}},
		{name: "embedded field", extra: `,"tenant":"t1","TENANT":"t2"`, want: target{Sub: "alice", embedded: embedded{Tenant: "t1"}}},
		{name: "nested object", extra: `,"inner":{"ROLE":"admin","rolE":"admin"}`, want: target{Sub: "alice"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c, err := rawClaims(t, iss, g, tt.extra)
			if err != nil {
				t.Fatal(err)
			}
			got, err := runtime.DecodeClaims[target](c)
			if err != nil {
				t.Fatal(err)
			}
			if *got != tt.want {
				t.Errorf("DecodeClaims = %+v, want %+v", *got, tt.want)
			}
			if c.Subject != got.Sub {
				t.Errorf("Claims.Subject %q but the typed sub %q", c.Subject, got.Sub)
			}
		})
	}
}

// TestDateClaimsBeyondRange: a date claim too large to be a time is an
// invalid token, for nbf and iat as for exp, from a JWT or an
// introspection answer.
func TestDateClaimsBeyondRange(t *testing.T) {
	iss := axiomstest.New(t)
	g := newGuard(t, iss.Config())
	for _, claim := range []string{"nbf", "iat", "exp"} {
		for _, v := range []string{"1e300", "9.3e18", "-9.3e18", "9223372036854775807", "18446744073709551616"} {
			t.Run(claim+"="+v, func(t *testing.T) {
				kid, _, _ := iss.SigningKey("RS256")
				exp := fmt.Sprint(time.Now().Add(time.Hour).Unix())
				if claim == "exp" {
					exp = v
				}
				payload := fmt.Sprintf(`{"iss":%q,"aud":%q,"exp":%s`, iss.URL(), iss.Config().Audiences[0], exp)
				if claim != "exp" {
					payload += fmt.Sprintf(`,%q:%s`, claim, v)
				}
				tok := signRaw(t, iss, fmt.Sprintf(`{"alg":"RS256","kid":%q}`, kid), payload+"}")
				wantReject(t, serve(t, g, runtime.Requirement{}, bearer(tok)), 401, "invalid_token")
			})
		}
	}
	// The bound is wide: a date far in the past or future but in range
	// behaves as a date.
	past := iss.Token(t, axiomstest.WithClaim("nbf", int64(-1)<<40), axiomstest.WithClaim("iat", 1))
	if res := serve(t, g, runtime.Requirement{}, bearer(past)); res.status != 200 {
		t.Errorf("nbf and iat far in the past: status %d, want 200", res.status)
	}
	future := iss.Token(t, axiomstest.WithClaim("nbf", int64(1)<<50))
	wantReject(t, serve(t, g, runtime.Requirement{}, bearer(future)), 401, "invalid_token")
}

// TestScopeStringSplitsOnSpaceOnly: a space-delimited claim is split at
// U+0020 only; other blanks stay inside a value and grant nothing.
func TestScopeStringSplitsOnSpaceOnly(t *testing.T) {
	iss := axiomstest.New(t)
	cfg := iss.Config()
	cfg.RoleClaims = []string{"roles"}
	g := newGuard(t, cfg)
	for _, tt := range []struct {
		name, scope string
		want        []string
	}{
		{"no-break space", "viewer\u00a0admin", []string{"viewer\u00a0admin"}},
		{"tab", "read\tadmin", []string{"read\tadmin"}},
		{"line feed", "read\nadmin", []string{"read\nadmin"}},
		{"ideographic space", "read\u3000admin", []string{"read\u3000admin"}},
		{"repeated spaces", " read  admin ", []string{"read", "admin"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			tok := iss.Token(t, axiomstest.WithClaim("scope", tt.scope), axiomstest.WithClaim("roles", tt.scope))
			res := serve(t, g, runtime.Requirement{}, bearer(tok))
			if res.status != 200 || !slices.Equal(res.claims.Scopes, tt.want) || !slices.Equal(res.claims.Roles, tt.want) {
				t.Fatalf("status %d, scopes %q, roles %q; want %q", res.status, res.claims.Scopes, res.claims.Roles, tt.want)
			}
			grants := slices.Contains(tt.want, "admin")
			for _, req := range []runtime.Requirement{{Scopes: [][]string{{"admin"}}}, {Roles: [][]string{{"admin"}}}} {
				res := serve(t, g, req, bearer(tok))
				if (res.status == 200) != grants {
					t.Errorf("requirement %+v: status %d, want granted %v", req, res.status, grants)
				}
			}
		})
	}
}

// TestKeySetReplacement: an answer that is a key set replaces the whole
// set, even with no usable key (the issuer revokes every key: tokens are
// refused, cached ones included); a failed fetch keeps the last good set.
func TestKeySetReplacement(t *testing.T) {
	for _, tt := range []struct {
		name     string
		status   int
		body     string
		replaces bool
	}{
		{name: "empty keys array", status: 200, body: `{"keys":[]}`, replaces: true},
		{name: "no usable key", status: 200, body: `{"keys":[{"kty":"oct","k":"c2VjcmV0"},{"kty":"EC","use":"enc","crv":"P-256","x":"AA","y":"AA"}]}`, replaces: true},
		{name: "another 2xx status", status: 203, body: `{"keys":[]}`, replaces: true},
		{name: "keys null", status: 200, body: `{"keys":null}`},
		{name: "keys in upper case", status: 200, body: `{"KEYS":[]}`},
		{name: "keys capitalised", status: 200, body: `{"Keys":[]}`},
		{name: "no keys member", status: 200, body: `{}`},
		{name: "keys not an array", status: 200, body: `{"keys":{}}`},
		{name: "top-level array", status: 200, body: `[]`},
		{name: "not JSON", status: 200, body: `<html>oops</html>`},
		{name: "no content", status: 204},
		{name: "server error with a key set", status: 500, body: `{"keys":[]}`},
		{name: "not found", status: 404, body: `{"keys":[]}`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			iss := axiomstest.New(t)
			var revoked atomic.Bool
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !revoked.Load() {
					w.Write(iss.JWKS())
					return
				}
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			}))
			t.Cleanup(srv.Close)
			cfg := iss.Config()
			cfg.JWKSURL = srv.URL
			cfg.MinRefreshInterval = time.Millisecond
			g := newGuard(t, cfg)
			tok := iss.Token(t)
			for range 2 { // the second from the verified-token cache
				if res := serve(t, g, runtime.Requirement{}, bearer(tok)); res.status != 200 {
					t.Fatalf("before: status %d", res.status)
				}
			}
			revoked.Store(true)
			// A token with an unknown kid makes the Guard fetch the set again.
			other, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			time.Sleep(5 * time.Millisecond) // past MinRefreshInterval
			unknown := iss.Token(t, axiomstest.WithAlg("ES256"), axiomstest.WithSigningKey(other), axiomstest.WithKID("unknown"))
			wantReject(t, serve(t, g, runtime.Requirement{}, bearer(unknown)), 401, "invalid_token")
			res := serve(t, g, runtime.Requirement{}, bearer(tok))
			if tt.replaces {
				wantReject(t, res, 401, "invalid_token")
			} else if res.status != 200 {
				t.Fatalf("a failed fetch dropped the last good set: status %d", res.status)
			}
		})
	}
	// Before any usable key was loaded, an empty set is not a loaded one:
	// 503 as long as no key arrives.
	iss := axiomstest.New(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"keys":[]}`))
	}))
	t.Cleanup(srv.Close)
	cfg := iss.Config()
	cfg.JWKSURL = srv.URL
	g := newGuard(t, cfg)
	wantReject(t, serve(t, g, runtime.Requirement{}, bearer(iss.Token(t))), 503, "temporarily_unavailable")
}

// countingStore is a ReplayStore that counts the proofs it records.
type countingStore struct {
	runtime.ReplayStore
	calls atomic.Int32
}

func (s *countingStore) Seen(ctx context.Context, key string, expiry time.Time) (bool, error) {
	s.calls.Add(1)
	return s.ReplayStore.Seen(ctx, key, expiry)
}

// TestDPoPProofRecordedLast: a proof enters the replay store only for a
// request that passes every other check, the route's requirement
// included; and one key can fill only its share of the store.
func TestDPoPProofRecordedLast(t *testing.T) {
	store := &countingStore{ReplayStore: runtime.NewMemoryReplayStore(100_000, nil)}
	e := newDPoPEnv(t, func(c *runtime.Config) {
		c.DPoPReplay = store
		c.DPoPReplayCacheSize = 64 // a key's share: 8 proofs per window
	})
	url := dpopBase + "/items"
	r := dpopRequest(t, e.key, http.MethodGet, url, e.tok)
	for _, req := range []runtime.Requirement{
		{Scopes: [][]string{{"admin"}}},
		{Permissions: [][]string{{"items:delete"}}},
	} {
		if res := e.do(t, r.Clone(t.Context()), req); res.status != 403 {
			t.Fatalf("requirement %v: status %d, want 403", req, res.status)
		}
	}
	if n := store.calls.Load(); n != 0 {
		t.Fatalf("%d proofs recorded for requests that failed their route", n)
	}
	// The proof was not used up by the refusals.
	if res := e.do(t, r.Clone(t.Context()), runtime.Requirement{Scopes: [][]string{{"read"}}}); res.status != 200 {
		t.Fatalf("the proof after refusals: status %d %s", res.status, res.code)
	}
	if store.calls.Load() != 1 {
		t.Fatalf("%d proofs recorded, want 1", store.calls.Load())
	}
	if res := e.do(t, r.Clone(t.Context()), runtime.Requirement{}); res.status != 401 || res.code != "invalid_dpop_proof" {
		t.Fatalf("replay: status %d %s", res.status, res.code)
	}

	// The share: 8 proofs of one key per window, the 9th refused with 503;
	// another key is served.
	for i := 2; i <= 8; i++ {
		if res := e.do(t, dpopRequest(t, e.key, http.MethodGet, url, e.tok), runtime.Requirement{}); res.status != 200 {
			t.Fatalf("proof %d: status %d", i, res.status)
		}
	}
	res := e.do(t, dpopRequest(t, e.key, http.MethodGet, url, e.tok), runtime.Requirement{})
	if res.status != 503 || res.code != "temporarily_unavailable" {
		t.Fatalf("proof past the key's share: status %d %s, want 503", res.status, res.code)
	}
	other := e.iss.DPoPKey(t, "ES256")
	otherTok := e.iss.Token(t, axiomstest.WithDPoPKey(other))
	if res := e.do(t, dpopRequest(t, other, http.MethodGet, url, otherTok), runtime.Requirement{}); res.status != 200 {
		t.Fatalf("another key: status %d %s", res.status, res.code)
	}
}

// TestIntrospectionSharedCallOutlivesAClient: requests for one opaque
// token share one call; the first client going away ends its own wait
// only, and the others get the answer.
func TestIntrospectionSharedCallOutlivesAClient(t *testing.T) {
	iss := axiomstest.New(t)
	release := make(chan struct{})
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"active": true, "scope": "read", "iss": iss.URL(), "aud": iss.Config().Audiences[0]})
	}))
	t.Cleanup(srv.Close)
	cfg := iss.Config()
	cfg.IntrospectionURL = srv.URL
	g := newGuard(t, cfg)

	first, cancel := context.WithCancel(t.Context())
	firstErr := make(chan error, 1)
	go func() {
		_, err := g.Verify(first, "opaque-token")
		firstErr <- err
	}()
	eventually(t, 2*time.Second, func() bool { return calls.Load() == 1 })
	second := make(chan error, 1)
	go func() {
		_, err := g.Verify(t.Context(), "opaque-token")
		second <- err
	}()
	time.Sleep(50 * time.Millisecond) // the second request joins the call
	cancel()
	if err := <-firstErr; runtime.StatusCode(err) != 503 {
		t.Fatalf("the client that went away: %v, want 503", err)
	}
	close(release)
	if err := <-second; err != nil {
		t.Fatalf("the request that stayed: %v", err)
	}
	if n := calls.Load(); n != 1 {
		t.Fatalf("%d introspection calls, want 1 shared", n)
	}
}

// TestIntrospectionTokenKinds: answers describing a refresh or ID token
// are refused; by default an answer must name the issuer and an audience.
func TestIntrospectionTokenKinds(t *testing.T) {
	iss := axiomstest.New(t)
	aud := iss.Config().Audiences[0]
	full := func(extra map[string]any) map[string]any {
		a := map[string]any{"active": true, "scope": "read", "iss": iss.URL(), "aud": aud}
		for k, v := range extra {
			if v == nil {
				delete(a, k)
			} else {
				a[k] = v
			}
		}
		return a
	}
	answers := map[string]map[string]any{
		"access":           full(nil),
		"bearer-type":      full(map[string]any{"token_type": "Bearer"}),
		"dpop-type":        full(map[string]any{"token_type": "DPoP"}),
		"access-use":       full(map[string]any{"token_use": "access"}),
		"keycloak-bearer":  full(map[string]any{"typ": "Bearer"}),
		"refresh-type":     full(map[string]any{"token_type": "refresh_token"}),
		"refresh-urn":      full(map[string]any{"token_type": "urn:ietf:params:oauth:token-type:refresh_token"}),
		"id-urn":           full(map[string]any{"token_type": "urn:ietf:params:oauth:token-type:id_token"}),
		"cognito-refresh":  full(map[string]any{"token_use": "refresh"}),
		"cognito-id":       full(map[string]any{"token_use": "id"}),
		"hydra-refresh":    full(map[string]any{"token_use": "refresh_token"}),
		"keycloak-refresh": full(map[string]any{"typ": "Refresh"}),
		"keycloak-offline": full(map[string]any{"typ": "Offline"}),
		"keycloak-id":      full(map[string]any{"typ": "ID"}),
		"no-iss":           full(map[string]any{"iss": nil}),
		"no-aud":           full(map[string]any{"aud": nil}),
		"neither":          full(map[string]any{"iss": nil, "aud": nil}),
		"other-aud":        full(map[string]any{"aud": "https://other.example"}),
	}
	in := newIntrospection(t, answers)
	strict := introspectionConfig(iss, in)
	strict.IntrospectionLenient = false
	lenient := introspectionConfig(iss, in)
	gs, gl := newGuard(t, strict), newGuard(t, lenient)
	for _, tt := range []struct {
		token           string
		strict, lenient int
	}{
		{"access", 200, 200},
		{"bearer-type", 200, 200},
		{"dpop-type", 200, 200},
		{"access-use", 200, 200},
		{"keycloak-bearer", 200, 200},
		{"refresh-type", 401, 401},
		{"refresh-urn", 401, 401},
		{"id-urn", 401, 401},
		{"cognito-refresh", 401, 401},
		{"cognito-id", 401, 401},
		{"hydra-refresh", 401, 401},
		{"keycloak-refresh", 401, 401},
		{"keycloak-offline", 401, 401},
		{"keycloak-id", 401, 401},
		{"no-iss", 401, 200},
		{"no-aud", 401, 200},
		{"neither", 401, 200},
		{"other-aud", 401, 401},
	} {
		t.Run(tt.token, func(t *testing.T) {
			for _, c := range []struct {
				g    *runtime.Guard
				want int
			}{{gs, tt.strict}, {gl, tt.lenient}} {
				res := serve(t, c.g, runtime.Requirement{}, bearer(tt.token))
				if res.status != c.want || (c.want == 401 && res.code != "invalid_token") {
					t.Errorf("status %d %q, want %d", res.status, res.code, c.want)
				}
			}
		})
	}
}

// TestIntrospectionCallsInFlightAreCapped: past the cap, a request for
// another token is refused at once with 503 and Retry-After; the calls in
// flight complete.
func TestIntrospectionCallsInFlightAreCapped(t *testing.T) {
	iss := axiomstest.New(t)
	release := make(chan struct{})
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
		json.NewEncoder(w).Encode(map[string]any{"active": true, "iss": iss.URL(), "aud": iss.Config().Audiences[0]})
	}))
	t.Cleanup(srv.Close)
	cfg := iss.Config()
	cfg.IntrospectionURL = srv.URL
	g := newGuard(t, cfg)
	const limit = 64
	errs := make(chan error, limit)
	for i := range limit {
		go func() {
			_, err := g.Verify(t.Context(), fmt.Sprintf("opaque-%d", i))
			errs <- err
		}()
	}
	eventually(t, 5*time.Second, func() bool { return calls.Load() == limit })
	res := serve(t, g, runtime.Requirement{}, bearer("one-too-many"))
	wantReject(t, res, 503, "temporarily_unavailable")
	if res.header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	close(release)
	for range limit {
		if err := <-errs; err != nil {
			t.Fatalf("a call under the cap failed: %v", err)
		}
	}
	if n := calls.Load(); n != limit {
		t.Fatalf("%d calls, want %d", n, limit)
	}
}

// TestDeferredChecks: a token's header and payload are scanned with a
// bounded budget before the signature is checked; what the scan defers
// (duplicates among many names, the range of long numbers, escaped names,
// the text past the budget) is checked before the claims are used, before
// a 503 for missing keys and before a refresh for an unknown kid, so a
// token is refused or accepted exactly as a full parse decides.
func TestDeferredChecks(t *testing.T) {
	iss := axiomstest.New(t)
	kid, _, _ := iss.SigningKey("RS256")
	header := fmt.Sprintf(`{"alg":"RS256","kid":%q}`, kid)
	base := fmt.Sprintf(`"iss":%q,"aud":%q,"exp":%d`, iss.URL(), iss.Config().Audiences[0], time.Now().Add(time.Hour).Unix())
	many := func(n int, extra string) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, `,"m%d":%d`, i, i)
		}
		return b.String() + extra
	}
	bigArray := `,"big":[` + strings.Repeat("0,", 700) + `0]`
	cfg := iss.Config()
	cfg.TokenCacheSize = -1
	g := newGuard(t, cfg)
	for _, tt := range []struct {
		name, header, payload string
		status                int
		scopes                []string
	}{
		{name: "many members", payload: `{` + base + many(100, `,"scope":"read"`) + `}`, status: 200, scopes: []string{"read"}},
		{name: "duplicate past 16 members", payload: `{` + base + many(30, `,"m3":0`) + `}`, status: 401},
		{name: "duplicate past the kept members", payload: `{` + base + many(100, `,"m99":0`) + `}`, status: 401},
		{name: "duplicate scope past the budget", payload: `{"scope":"read",` + base + bigArray + `,"scope":"admin"}`, status: 401},
		{name: "claims past the budget", payload: `{` + base + bigArray + `,"scope":"read write"}`, status: 200, scopes: []string{"read", "write"}},
		{name: "number out of range", payload: `{` + base + `,"n":1e400}`, status: 401},
		{name: "numbers with exponents in range", payload: `{` + base + `,"n":1e3,"m":2.5E-3}`, status: 200},
		{name: "escaped name decoded after the signature", payload: `{"\u0069ss":` + strconv.Quote(iss.URL()) + fmt.Sprintf(`,"aud":%q,"exp":%d,"sc\u006fpe":"read"}`, iss.Config().Audiences[0], time.Now().Add(time.Hour).Unix()), status: 200, scopes: []string{"read"}},
		{name: "escaped duplicate of a claim", payload: `{` + base + `,"scope":"read","sc\u006fpe":"admin"}`, status: 401},
		{name: "header with many members, duplicate alg last", header: `{"alg":"RS256","kid":"` + kid + `"` + many(20, `,"alg":"none"`) + `}`, payload: `{` + base + `}`, status: 401},
		{name: "header with an escaped alg name", header: `{"\u0061lg":"RS256","kid":"` + kid + `"}`, payload: `{` + base + `}`, status: 401},
		{name: "header with an escaped typ name", header: `{"alg":"RS256","kid":"` + kid + `","\u0074yp":"id+jwt"}`, payload: `{` + base + `}`, status: 401},
	} {
		t.Run(tt.name, func(t *testing.T) {
			h := cmpOr(tt.header, header)
			tok := signRaw(t, iss, h, tt.payload)
			res := serve(t, g, runtime.Requirement{}, bearer(tok))
			if res.status != tt.status {
				t.Fatalf("status %d %q, want %d", res.status, res.code, tt.status)
			}
			if tt.status == 200 && tt.scopes != nil && !slices.Equal(res.claims.Scopes, tt.scopes) {
				t.Errorf("scopes %q, want %q", res.claims.Scopes, tt.scopes)
			}
		})
	}

	// Before a 503 (no keys ever loaded) and before a refresh for an
	// unknown kid, the deferred checks run: a token they refuse is 401
	// and costs no fetch.
	var fetches atomic.Int32
	down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches.Add(1)
		http.Error(w, "down", http.StatusServiceUnavailable)
	}))
	t.Cleanup(down.Close)
	noKeys := iss.Config()
	noKeys.JWKSURL = down.URL
	gn := newGuard(t, noKeys)
	dup := signRaw(t, iss, header, `{`+base+many(30, `,"m3":0`)+`}`)
	wantReject(t, serve(t, gn, runtime.Requirement{}, bearer(dup)), 401, "invalid_token")
	fine := signRaw(t, iss, header, `{`+base+many(30, "")+`}`)
	wantReject(t, serve(t, gn, runtime.Requirement{}, bearer(fine)), 503, "temporarily_unavailable")

	jwks := newJWKSServer(t, iss, healthy)
	gk := newGuard(t, configFor(iss, jwks))
	before := jwks.fetches.Load()
	unknownKID := `{"alg":"RS256","kid":"not-published"}`
	wantReject(t, serve(t, gk, runtime.Requirement{}, bearer(signRaw(t, iss, unknownKID, `{`+base+bigArray+`,"exp":1}`))), 401, "invalid_token")
	if n := jwks.fetches.Load() - before; n != 0 {
		t.Errorf("a token refused by the deferred checks caused %d fetches", n)
	}
}

// TestWorstCaseTokenWorkIsBounded: refusing a token nobody signed costs a
// bounded number of allocations and bytes whatever its payload (the time
// is in BenchmarkWorstCaseToken). Before the bounded scan, a payload of
// many members or many small objects allocated a map and a member list
// growing with the text (464 allocations, 218 KB for one 16 KiB token).
func TestWorstCaseTokenWorkIsBounded(t *testing.T) {
	iss := axiomstest.New(t)
	cfg := iss.Config()
	cfg.TokenCacheSize = -1
	g := newGuard(t, cfg)
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"RS256","kid":"never-published"}`))
	for name, payload := range worstCasePayloads() {
		tok := header + "." + enc.EncodeToString([]byte(payload)) + ".AAAA"
		g.Verify(t.Context(), tok) // the first may refresh the keys
		var before, after goruntime.MemStats
		goruntime.ReadMemStats(&before)
		allocs := testing.AllocsPerRun(20, func() {
			if _, err := g.Verify(t.Context(), tok); runtime.StatusCode(err) != 401 {
				t.Fatalf("%s: %v", name, err)
			}
		})
		goruntime.ReadMemStats(&after)
		perRun := int(after.TotalAlloc-before.TotalAlloc) / 21
		if limit := 2*len(tok) + 1024; allocs > 20 || perRun > limit {
			t.Errorf("%s: %.0f allocations, %d bytes per refusal of a %d-byte token; want at most 20 and %d", name, allocs, perRun, len(tok), limit)
		}
	}
}

// TestDefaultListsAreCopies: the exported default lists are for reading;
// changing them changes neither the defaults nor what is accepted.
func TestDefaultListsAreCopies(t *testing.T) {
	iss := axiomstest.New(t)
	forged := hmacWithPublicKey(t, iss)
	valid := iss.Token(t, axiomstest.WithScopes("read"), axiomstest.WithRoles("admin"))
	saved := slices.Clone(runtime.DefaultAlgorithms)
	savedScopes := slices.Clone(runtime.DefaultScopeClaims)
	t.Cleanup(func() {
		copy(runtime.DefaultAlgorithms, saved)
		copy(runtime.DefaultScopeClaims, savedScopes)
	})
	for i := range runtime.DefaultAlgorithms {
		runtime.DefaultAlgorithms[i] = "HS256"
	}
	runtime.DefaultScopeClaims[0] = "roles"
	g := newGuard(t, iss.Config())
	if res := serve(t, g, runtime.Requirement{}, bearer(forged)); res.status != 401 {
		t.Fatalf("HS256 accepted after DefaultAlgorithms was changed: %d", res.status)
	}
	res := serve(t, g, runtime.Requirement{}, bearer(valid))
	if res.status != 200 {
		t.Fatalf("the default algorithms changed with the exported list: RS256 refused (%d)", res.status)
	}
	if !slices.Equal(res.claims.Scopes, []string{"read"}) {
		t.Fatalf("the default claim names changed with the exported list: scopes %q", res.claims.Scopes)
	}
	cfg := iss.Config()
	cfg.Algorithms = []string{"HS256"}
	if _, err := runtime.New(t.Context(), cfg); err == nil {
		t.Fatal("HS256 configured and accepted")
	}
}

// TestDecodeEmbeddedDepth: a shallower field hides a deeper one of the
// same name, as in encoding/json, so the exact-name filter applies the
// right field's type (here a struct whose "name" must not take "NAME").
type rvB struct {
	D map[string]any `json:"d"`
}
type rvA struct{ rvB }
type rvC struct {
	D struct {
		Name string `json:"name"`
	} `json:"d"`
}
type rvT struct {
	rvA
	rvC
}

func TestDecodeEmbeddedDepth(t *testing.T) {
	iss := axiomstest.New(t)
	g := newGuard(t, iss.Config())
	tok := iss.Token(t, axiomstest.WithClaim("d", map[string]any{"NAME": "admin"}))
	res := serve(t, g, runtime.Requirement{}, bearer(tok))
	var v rvT
	if err := res.claims.Decode(&v); err != nil {
		t.Fatal(err)
	}
	if v.rvC.D.Name != "" {
		t.Errorf("NAME filled the field tagged name: %q", v.rvC.D.Name)
	}
}
