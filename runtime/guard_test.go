package runtime_test

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
	"github.com/golang-jwt/jwt/v5"
)

// quietLogger keeps expected fetch failures out of test output.
func quietLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// newGuard starts a Guard for cfg and closes it when the test ends.
func newGuard(t testing.TB, cfg runtime.Config) *runtime.Guard {
	t.Helper()
	if cfg.Logger == nil {
		cfg.Logger = quietLogger()
	}
	g, err := runtime.New(t.Context(), cfg)
	if err != nil {
		t.Fatalf("runtime.New: %v", err)
	}
	t.Cleanup(func() { g.Close() })
	return g
}

// result is what a guarded request produced.
type result struct {
	status    int
	challenge string
	code      string
	called    bool
	claims    *runtime.Claims
	header    http.Header
}

// serve sends one request with the given Authorization values through
// g.Handler(req, ...) and records what happened.
func serve(t testing.TB, g *runtime.Guard, req runtime.Requirement, auth ...string) result {
	t.Helper()
	var res result
	h := g.Handler(req, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		res.called = true
		res.claims, _ = runtime.ClaimsFromContext(r.Context())
		w.WriteHeader(http.StatusOK)
	}))
	r := httptest.NewRequest(http.MethodGet, "/items", nil)
	for _, a := range auth {
		r.Header.Add("Authorization", a)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	res.status = w.Code
	res.header = w.Header()
	res.challenge = w.Header().Get("WWW-Authenticate")
	if w.Code != http.StatusOK {
		var body struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
			t.Fatalf("error body is not JSON: %q", w.Body.String())
		}
		res.code = body.Error
		if res.called {
			t.Fatalf("handler called although the response is %d", w.Code)
		}
	}
	return res
}

func bearer(tok string) string { return "Bearer " + tok }

// tamperSignature changes the first character of tok's signature, so the
// result always differs from tok and stays base64url. (Replacing the last
// four characters with "AAAA" left about one token in a million
// unchanged: those whose signature already ended that way.)
func tamperSignature(tok string) string {
	i := strings.LastIndexByte(tok, '.') + 1
	c := byte('A')
	if tok[i] == 'A' {
		c = 'B'
	}
	return tok[:i] + string(c) + tok[i+1:]
}

// wantReject asserts a rejection with status and error code, and that the
// token never appears in the response.
func wantReject(t *testing.T, res result, status int, code string) {
	t.Helper()
	if res.status != status || res.code != code {
		t.Fatalf("got %d %q (challenge %q), want %d %q", res.status, res.code, res.challenge, status, code)
	}
	if res.called {
		t.Fatal("handler was called")
	}
}

// TestResponseTable: with DPoP disabled the challenges are RFC 6750's
// alone; in the default mode (DPoP allowed) a DPoP challenge follows.
func TestResponseTable(t *testing.T) {
	for _, mode := range []runtime.DPoPMode{runtime.DPoPDisabled, runtime.DPoPAllowed} {
		t.Run(string(mode), func(t *testing.T) { testResponseTable(t, mode) })
	}
}

func testResponseTable(t *testing.T, mode runtime.DPoPMode) {
	iss := axiomstest.New(t)
	cfg := iss.Config()
	cfg.DPoP = mode
	g := newGuard(t, cfg)
	valid := iss.Token(t, axiomstest.WithScopes("read:items"))
	need := runtime.Requirement{Scopes: [][]string{{"write:items", "admin"}}}

	tests := []struct {
		name      string
		auth      []string
		req       runtime.Requirement
		status    int
		code      string
		challenge string
	}{
		{name: "no header", status: 401, code: "unauthorized", challenge: `Bearer realm="api"`},
		{name: "another scheme", auth: []string{"Basic dXNlcjpwYXNz"}, status: 401, code: "unauthorized", challenge: `Bearer realm="api"`},
		{name: "empty token", auth: []string{"Bearer "}, status: 400, code: "invalid_request",
			challenge: `Bearer realm="api", error="invalid_request", error_description="the bearer token is empty"`},
		{name: "token with blanks", auth: []string{"Bearer " + valid[:10] + " " + valid[10:]}, status: 400, code: "invalid_request",
			challenge: `Bearer realm="api", error="invalid_request", error_description="the bearer token contains blanks"`},
		{name: "several Authorization headers", auth: []string{bearer(valid), bearer(valid)}, status: 400, code: "invalid_request",
			challenge: `Bearer realm="api", error="invalid_request", error_description="the request has several Authorization headers"`},
		{name: "invalid token", auth: []string{bearer(tamperSignature(valid))}, status: 401, code: "invalid_token",
			challenge: `Bearer realm="api", error="invalid_token", error_description="the token's signature is invalid"`},
		{name: "insufficient scope", auth: []string{bearer(valid)}, req: need, status: 403, code: "insufficient_scope",
			challenge: `Bearer realm="api", error="insufficient_scope", scope="write:items admin"`},
		{name: "insufficient role has no scope attribute", auth: []string{bearer(valid)}, req: runtime.Requirement{Roles: [][]string{{"admin"}}},
			status: 403, code: "insufficient_scope", challenge: `Bearer realm="api", error="insufficient_scope"`},
		{name: "valid token meeting the requirement", auth: []string{bearer(valid)}, req: runtime.Requirement{Scopes: [][]string{{"read:items"}}}, status: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := serve(t, g, tt.req, tt.auth...)
			if mode == runtime.DPoPAllowed && tt.challenge != "" {
				tt.challenge += `, DPoP realm="api", algs="ES256 ES384 PS256 RS256 EdDSA"`
			}
			if res.status != tt.status || res.code != tt.code || res.challenge != tt.challenge {
				t.Fatalf("got %d %q %q\nwant %d %q %q", res.status, res.code, res.challenge, tt.status, tt.code, tt.challenge)
			}
			if tt.status == 200 && (!res.called || res.claims == nil || res.claims.Subject != "user-1") {
				t.Fatalf("handler not called with claims: %+v", res)
			}
			if strings.Contains(res.challenge, valid) {
				t.Fatal("token echoed in the challenge")
			}
		})
	}

	t.Run("keys never loaded", func(t *testing.T) {
		down := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "down", http.StatusBadGateway)
		}))
		defer down.Close()
		cfg := iss.Config()
		cfg.JWKSURL = down.URL + "/jwks"
		g := newGuard(t, cfg)
		res := serve(t, g, runtime.Requirement{}, bearer(valid))
		wantReject(t, res, 503, "temporarily_unavailable")
		if res.challenge != "" || res.header.Get("Retry-After") == "" {
			t.Errorf("503 must have Retry-After and no challenge: %v", res.header)
		}
		// No credentials stays 401 while no keys are loaded (503 is for a token that cannot be checked).
		wantReject(t, serve(t, g, runtime.Requirement{}), 401, "unauthorized")
	})
}

func TestAlgorithms(t *testing.T) {
	iss := axiomstest.New(t)
	g := newGuard(t, iss.Config())
	for _, alg := range runtime.DefaultAlgorithms {
		t.Run(alg, func(t *testing.T) {
			res := serve(t, g, runtime.Requirement{}, bearer(iss.Token(t, axiomstest.WithAlg(alg))))
			if res.status != 200 {
				t.Fatalf("%s token rejected: %d %s", alg, res.status, res.challenge)
			}
		})
	}
	t.Run("allow-list excludes ES256", func(t *testing.T) {
		cfg := iss.Config()
		cfg.Algorithms = []string{"RS256"}
		g := newGuard(t, cfg)
		wantReject(t, serve(t, g, runtime.Requirement{}, bearer(iss.Token(t, axiomstest.WithAlg("ES256")))), 401, "invalid_token")
		if res := serve(t, g, runtime.Requirement{}, bearer(iss.Token(t, axiomstest.WithAlg("RS256")))); res.status != 200 {
			t.Fatalf("RS256 rejected: %d", res.status)
		}
	})
}

// hmacWithPublicKey signs a token with HS256 using the RSA public key's
// bytes as secret: the classic algorithm-confusion forgery.
func hmacWithPublicKey(t *testing.T, iss *axiomstest.Issuer) string {
	t.Helper()
	kid, key, err := iss.SigningKey("RS256")
	if err != nil {
		t.Fatal(err)
	}
	pub := key.Public().(*rsa.PublicKey)
	tok := jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{
		"iss": iss.URL(), "aud": iss.Config().Audiences[0], "sub": "attacker",
		"exp": time.Now().Add(time.Hour).Unix(),
	})
	tok.Header["kid"] = kid
	s, err := tok.SignedString(pub.N.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// signRaw signs header and payload JSON as given, duplicates and all, with
// the issuer's RS256 key.
func signRaw(t *testing.T, iss *axiomstest.Issuer, header, payload string) string {
	t.Helper()
	_, key, err := iss.SigningKey("RS256")
	if err != nil {
		t.Fatal(err)
	}
	enc := base64.RawURLEncoding
	signing := enc.EncodeToString([]byte(header)) + "." + enc.EncodeToString([]byte(payload))
	sig, err := jwt.SigningMethodRS256.Sign(signing, key)
	if err != nil {
		t.Fatal(err)
	}
	return signing + "." + enc.EncodeToString(sig)
}

func TestNoKIDWithSeveralFittingKeys(t *testing.T) {
	iss := axiomstest.New(t, axiomstest.WithAlgorithms("ES256"))
	g := newGuard(t, iss.Config())
	if res := serve(t, g, runtime.Requirement{}, bearer(iss.Token(t, axiomstest.WithAlg("ES256"), axiomstest.WithoutHeader("kid")))); res.status != 200 {
		t.Fatalf("single key without kid rejected: %d", res.status)
	}
	if _, err := iss.Rotate("ES256"); err != nil {
		t.Fatal(err)
	}
	g = newGuard(t, iss.Config())
	wantReject(t, serve(t, g, runtime.Requirement{}, bearer(iss.Token(t, axiomstest.WithAlg("ES256"), axiomstest.WithoutHeader("kid")))), 401, "invalid_token")
}

func TestRequireAccessTokenType(t *testing.T) {
	iss := axiomstest.New(t)
	cfg := iss.Config()
	cfg.RequireAccessTokenType = true
	g := newGuard(t, cfg)
	for _, tt := range []struct {
		name string
		opt  axiomstest.TokenOption
		ok   bool
	}{
		{"at+jwt", axiomstest.WithHeader("typ", "at+jwt"), true},
		{"application/at+jwt", axiomstest.WithHeader("typ", "application/at+jwt"), true},
		{"JWT", axiomstest.WithHeader("typ", "JWT"), false},
		{"absent", axiomstest.WithoutHeader("typ"), false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := serve(t, g, runtime.Requirement{}, bearer(iss.Token(t, tt.opt)))
			if tt.ok != (res.status == 200) {
				t.Fatalf("status %d, want ok=%v", res.status, tt.ok)
			}
		})
	}
}

// TestProviderClaimShapes feeds tokens shaped as the big providers shape
// them through the claim configuration each needs.
func TestProviderClaimShapes(t *testing.T) {
	iss := axiomstest.New(t)
	tests := []struct {
		name   string
		config func(*runtime.Config)
		claims []axiomstest.TokenOption
		pass   runtime.Requirement
		fail   runtime.Requirement
	}{
		{
			name:   "Auth0 scope string, permissions array, namespaced roles",
			config: func(c *runtime.Config) { c.RoleClaims = []string{"https://example.com/roles"} },
			claims: []axiomstest.TokenOption{
				axiomstest.WithClaim("scope", "openid read:items write:items"),
				axiomstest.WithClaim("permissions", []string{"items:delete"}),
				axiomstest.WithClaim("https://example.com/roles", []string{"Global Admin"}),
			},
			pass: runtime.Requirement{Scopes: [][]string{{"write:items"}}, Roles: [][]string{{"Global Admin"}}, Permissions: [][]string{{"items:delete"}}},
			fail: runtime.Requirement{Roles: [][]string{{"Global"}}},
		},
		{
			name:   "Okta scp array",
			claims: []axiomstest.TokenOption{axiomstest.WithClaim("scp", []string{"openid", "items.read"})},
			pass:   runtime.Requirement{Scopes: [][]string{{"items.read"}}},
			fail:   runtime.Requirement{Scopes: [][]string{{"items.write"}}},
		},
		{
			name:   "Entra scp string and roles",
			claims: []axiomstest.TokenOption{axiomstest.WithClaim("scp", "Items.Read Items.Write"), axiomstest.WithClaim("roles", []string{"Items.Admin"})},
			pass:   runtime.Requirement{Scopes: [][]string{{"Items.Write"}}, Roles: [][]string{{"Items.Admin"}}},
			fail:   runtime.Requirement{Scopes: [][]string{{"Items.Read Items.Write"}}},
		},
		{
			name:   "Cognito groups",
			config: func(c *runtime.Config) { c.RoleClaims = []string{"cognito:groups"} },
			claims: []axiomstest.TokenOption{axiomstest.WithClaim("cognito:groups", []string{"admins"}), axiomstest.WithClaim("scope", "aws.cognito.signin.user.admin")},
			pass:   runtime.Requirement{Roles: [][]string{{"admins"}}, Scopes: [][]string{{"aws.cognito.signin.user.admin"}}},
			fail:   runtime.Requirement{Roles: [][]string{{"users"}}},
		},
		{
			name:   "Keycloak realm_access.roles",
			config: func(c *runtime.Config) { c.RoleClaims = []string{"realm_access.roles"} },
			claims: []axiomstest.TokenOption{axiomstest.WithClaim("realm_access", map[string]any{"roles": []string{"offline_access", "manager"}})},
			pass:   runtime.Requirement{Roles: [][]string{{"manager"}}},
			fail:   runtime.Requirement{Roles: [][]string{{"realm_access"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := iss.Config()
			if tt.config != nil {
				tt.config(&cfg)
			}
			g := newGuard(t, cfg)
			tok := iss.Token(t, tt.claims...)
			if res := serve(t, g, tt.pass, bearer(tok)); res.status != 200 {
				t.Fatalf("pass requirement %v rejected: %d %s", tt.pass, res.status, res.challenge)
			}
			wantReject(t, serve(t, g, tt.fail, bearer(tok)), 403, "insufficient_scope")
		})
	}
}

func TestClaimsReachTheHandler(t *testing.T) {
	iss := axiomstest.New(t)
	g := newGuard(t, iss.Config())
	tok := iss.Token(t, axiomstest.WithSubject("alice"), axiomstest.WithScopes("a", "b"), axiomstest.WithRoles("r"),
		axiomstest.WithPermissions("p"), axiomstest.WithClaim("client_id", "cli"), axiomstest.WithClaim("org", map[string]any{"id": "o1"}))
	res := serve(t, g, runtime.Requirement{}, bearer(tok))
	c := res.claims
	if res.status != 200 || c == nil {
		t.Fatalf("rejected: %d", res.status)
	}
	if c.Subject != "alice" || c.Issuer != iss.URL() || c.ClientID != "cli" || c.ID == "" ||
		strings.Join(c.Scopes, ",") != "a,b" || strings.Join(c.Roles, ",") != "r" || strings.Join(c.Permissions, ",") != "p" ||
		len(c.Audience) != 1 || c.ExpiresAt.IsZero() || c.IssuedAt.IsZero() {
		t.Errorf("claims = %+v", c)
	}
	if v, ok := c.Get("org.id"); !ok || v != "o1" {
		t.Errorf("Get(org.id) = %v %v", v, ok)
	}
}

func TestAuthorizeErrorsAreTyped(t *testing.T) {
	iss := axiomstest.New(t)
	g := newGuard(t, iss.Config())
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	if _, err := g.Authorize(r, runtime.Requirement{}); !errors.Is(err, runtime.ErrNoToken) {
		t.Errorf("no token: %v", err)
	}
	r.Header.Set("Authorization", bearer(iss.Token(t, axiomstest.WithExpiresIn(-time.Hour))))
	_, err := g.Authorize(r, runtime.Requirement{})
	var e *runtime.Error
	if !errors.Is(err, runtime.ErrInvalidToken) || !errors.Is(err, jwt.ErrTokenExpired) || !errors.As(err, &e) || e.Description != "the token has expired" {
		t.Errorf("expired: %v", err)
	}
	r.Header.Set("Authorization", bearer(iss.Token(t)))
	if _, err := g.Authorize(r, runtime.Requirement{Roles: [][]string{{"x"}}}); !errors.Is(err, runtime.ErrInsufficient) {
		t.Errorf("insufficient: %v", err)
	}
}

func TestCustomErrorWriter(t *testing.T) {
	iss := axiomstest.New(t)
	cfg := iss.Config()
	var seen atomic.Int32
	cfg.ErrorWriter = func(w http.ResponseWriter, r *http.Request, err error) {
		seen.Add(1)
		w.Header().Set("WWW-Authenticate", runtime.Challenge(err, "custom"))
		w.WriteHeader(runtime.StatusCode(err))
		fmt.Fprintf(w, `{"error":%q,"error_description":"custom"}`, runtime.ErrorCode(err))
	}
	g := newGuard(t, cfg)
	res := serve(t, g, runtime.Requirement{Scopes: [][]string{{"x"}}}, bearer(iss.Token(t)))
	wantReject(t, res, 403, "insufficient_scope")
	if seen.Load() != 1 || res.challenge != `Bearer realm="custom", error="insufficient_scope", scope="x", DPoP realm="custom", algs="ES256 ES384 PS256 RS256 EdDSA"` {
		t.Errorf("custom writer not used: %q", res.challenge)
	}
}

func TestMiddlewareGuardsAWholeMux(t *testing.T) {
	iss := axiomstest.New(t)
	g := newGuard(t, iss.Config())
	mux := http.NewServeMux()
	mux.HandleFunc("GET /items/{id}", func(w http.ResponseWriter, r *http.Request) {
		c, _ := runtime.ClaimsFromContext(r.Context())
		fmt.Fprintf(w, "%s %s", r.PathValue("id"), c.Subject)
	})
	srv := httptest.NewServer(g.Middleware(runtime.Requirement{Scopes: [][]string{{"read"}}})(mux))
	defer srv.Close()
	for _, tt := range []struct {
		name, auth string
		status     int
		body       string
	}{
		{"no token", "", 401, ""},
		{"scope missing", bearer(iss.Token(t)), 403, ""},
		{"scope held", bearer(iss.Token(t, axiomstest.WithScopes("read"))), 200, "7 user-1"},
		{"token in query string is ignored", "", 401, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, srv.URL+"/items/7?access_token="+iss.Token(t, axiomstest.WithScopes("read")), nil)
			if tt.auth != "" {
				req.Header.Set("Authorization", tt.auth)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.status || (tt.body != "" && string(body) != tt.body) {
				t.Fatalf("got %d %q, want %d %q", resp.StatusCode, body, tt.status, tt.body)
			}
		})
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, tt := range []struct {
		name string
		cfg  runtime.Config
		want string
	}{
		{"empty", runtime.Config{}, "issuer is required"},
		{"no audience", runtime.Config{Issuer: "https://i.example.com"}, "audience"},
		{"HS256", runtime.Config{Issuer: "https://i.example.com", Audiences: []string{"a"}, Algorithms: []string{"HS256"}}, "HS256"},
		{"http issuer", runtime.Config{Issuer: "http://i.example.com", Audiences: []string{"a"}}, "https"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			g, err := runtime.New(context.Background(), tt.cfg)
			if err == nil {
				g.Close()
				t.Fatal("New accepted a bad config")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

// concurrently runs f n times at once and waits.
func concurrently(n int, f func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { f(i) })
	}
	wg.Wait()
}
