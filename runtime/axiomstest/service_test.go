package axiomstest_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
	"github.com/golang-jwt/jwt/v5"
)

// parse verifies tok with the issuer's key named in its header (published
// or not) and returns its header and claims, time claims unchecked.
func parseMinted(t *testing.T, iss *axiomstest.Issuer, tok string) (map[string]any, jwt.MapClaims) {
	t.Helper()
	claims := jwt.MapClaims{}
	parsed, err := jwt.NewParser(jwt.WithoutClaimsValidation()).ParseWithClaims(tok, claims, func(tk *jwt.Token) (any, error) {
		kid, _ := tk.Header["kid"].(string)
		pub, ok := iss.PublicKey(kid)
		if !ok {
			t.Fatalf("unknown kid %q", kid)
		}
		return pub, nil
	})
	if err != nil {
		t.Fatalf("the minted token does not verify: %v", err)
	}
	return parsed.Header, claims
}

// TestServiceMint: every TokenOption but WithSigningKey travels to the
// dev issuer's minting endpoint and comes back in a token it signed.
func TestServiceMint(t *testing.T) {
	iss := axiomstest.New(t)
	svc := axiomstest.Service{Issuer: iss.URL()}
	key := iss.DPoPKey(t, "ES256")
	authTime := time.Now().Add(-time.Minute).Truncate(time.Second)
	base := time.Now().Add(-2 * time.Hour).Truncate(time.Second)
	tok, err := svc.Mint(t.Context(),
		axiomstest.WithAlg("ES256"),
		axiomstest.WithScopes("read", "write"),
		axiomstest.WithRoles("ops", "Global Admin"),
		axiomstest.WithPermissions("items:delete"),
		axiomstest.WithACR("urn:mfa"),
		axiomstest.WithAuthTime(authTime),
		axiomstest.WithAudiences("https://a.example.test", "https://b.example.test"),
		axiomstest.WithClaim("nbf", base.Unix()),
		axiomstest.WithClaim("big", int64(1)<<53+1),
		axiomstest.WithDPoPKey(key),
		axiomstest.WithTime(base),
		axiomstest.WithExpiresIn(-time.Hour),
		axiomstest.WithoutClaim("jti"),
		axiomstest.WithHeader("typ", "JWT"),
	)
	if err != nil {
		t.Fatal(err)
	}
	header, claims := parseMinted(t, iss, tok)
	if header["alg"] != "ES256" || header["typ"] != "JWT" {
		t.Errorf("header %v", header)
	}
	for name, want := range map[string]string{
		"iss": iss.URL(), "scope": "read write", "roles": "[ops Global Admin]", "permissions": "[items:delete]",
		"acr": "urn:mfa", "aud": "[https://a.example.test https://b.example.test]",
		"cnf": "map[jkt:" + key.Thumbprint() + "]", "sub": "user-1",
	} {
		if got := fmtClaim(claims[name]); got != want {
			t.Errorf("%s = %s, want %s", name, got, want)
		}
	}
	for name, want := range map[string]int64{
		"auth_time": authTime.Unix(), "nbf": base.Unix(), "iat": base.Unix(), "exp": base.Add(-time.Hour).Unix(), "big": 1<<53 + 1,
	} {
		n, ok := claims[name].(float64)
		if name == "big" {
			// float64 cannot hold 2^53+1: read the raw payload instead.
			raw, _ := jwt.NewParser().DecodeSegment(strings.Split(tok, ".")[1])
			if !strings.Contains(string(raw), `"big":9007199254740993`) {
				t.Errorf("big integer not kept exactly: %s", raw)
			}
			continue
		}
		if !ok || int64(n) != want {
			t.Errorf("%s = %v, want %d", name, claims[name], want)
		}
	}
	if _, ok := claims["jti"]; ok {
		t.Error("jti was not removed")
	}

	// Defaults: RS256, five minutes, the issuer's audience.
	tok, err = svc.Mint(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	header, claims = parseMinted(t, iss, tok)
	exp, _ := claims["exp"].(float64)
	iat, _ := claims["iat"].(float64)
	if header["alg"] != "RS256" || exp-iat != 300 || claims["aud"] != axiomstest.DefaultAudience {
		t.Errorf("default token: header %v claims %v", header, claims)
	}

	// A key the issuer does not hold cannot be asked for.
	stranger, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Mint(t.Context(), axiomstest.WithSigningKey(stranger)); err == nil || !strings.Contains(err.Error(), "WithSigningKey") {
		t.Errorf("WithSigningKey: err = %v", err)
	}
	// An unsupported algorithm is the issuer's error, passed on.
	if _, err := svc.Mint(t.Context(), axiomstest.WithAlg("HS256")); err == nil || !strings.Contains(err.Error(), "refused to mint (400)") {
		t.Errorf("HS256: err = %v", err)
	}
}

func fmtClaim(v any) string {
	switch v := v.(type) {
	case []any:
		var parts []string
		for _, e := range v {
			parts = append(parts, fmtClaim(e))
		}
		return "[" + strings.Join(parts, " ") + "]"
	case map[string]any:
		var parts []string
		for k, e := range v {
			parts = append(parts, k+":"+fmtClaim(e))
		}
		return "map[" + strings.Join(parts, " ") + "]"
	case string:
		return v
	}
	return "?"
}

// TestMintEndpointRefuses: the minting endpoint answers only a loopback
// client addressing a loopback host without an Origin, with a bounded
// JSON body it fully understands; a refusal mints nothing.
func TestMintEndpointRefuses(t *testing.T) {
	iss := axiomstest.New(t)
	h := iss.Handler()
	for _, tt := range []struct {
		name   string
		edit   func(r *http.Request)
		body   string
		status int
	}{
		{"accepted", nil, `{"claims":{"roles":["ops"]}}`, 200},
		{"localhost by name", func(r *http.Request) { r.Host = "localhost:1234" }, `{}`, 200},
		{"IPv6 loopback", func(r *http.Request) { r.RemoteAddr = "[::1]:5000"; r.Host = "[::1]:80" }, `{}`, 200},
		{"a client that is not on loopback", func(r *http.Request) { r.RemoteAddr = "192.0.2.7:5000" }, `{}`, 403},
		{"a host that is not loopback (DNS rebinding)", func(r *http.Request) { r.Host = "attacker.example:80" }, `{}`, 403},
		{"a browser (Origin)", func(r *http.Request) { r.Header.Set("Origin", "http://127.0.0.1:3000") }, `{}`, 403},
		{"a form body", func(r *http.Request) { r.Header.Set("Content-Type", "application/x-www-form-urlencoded") }, `a=b`, 415},
		{"a body over 64 KiB", nil, `{"claims":{"x":"` + strings.Repeat("a", 64<<10) + `"}}`, 413},
		{"an unknown member", nil, `{"claims":{},"scopes":"admin"}`, 400},
		{"two objects", nil, `{} {}`, 400},
		{"not JSON", nil, `roles=admin`, 400},
		{"a kid the issuer does not have", nil, `{"kid":"nope"}`, 400},
		// The client_credentials endpoint mints too: the same rules.
		{"token endpoint", func(r *http.Request) { tokenRequest(r) }, "", 200},
		{"token endpoint, a host that is not loopback", func(r *http.Request) { tokenRequest(r); r.Host = "attacker.example" }, "", 403},
		{"token endpoint, a client that is not on loopback", func(r *http.Request) { tokenRequest(r); r.RemoteAddr = "192.0.2.7:5000" }, "", 403},
		{"token endpoint, a browser", func(r *http.Request) { tokenRequest(r); r.Header.Set("Origin", "http://evil.example") }, "", 403},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("POST", axiomstest.MintPath, strings.NewReader(tt.body))
			r.RemoteAddr = "127.0.0.1:5000"
			r.Host = "127.0.0.1:8000"
			r.Header.Set("Content-Type", "application/json")
			if tt.edit != nil {
				tt.edit(r)
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			minted := strings.Contains(w.Body.String(), "access_token")
			if w.Code != tt.status || minted != (tt.status == 200) {
				t.Errorf("status %d (a token in the answer: %v), want %d", w.Code, minted, tt.status)
			}
		})
	}
}

// tokenRequest turns r into a client_credentials request to /token.
func tokenRequest(r *http.Request) {
	r.URL.Path = "/token"
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Body = io.NopCloser(strings.NewReader("grant_type=client_credentials&scope=read"))
	r.ContentLength = -1
}

// TestServiceRefusesNonLoopback: a URL that is not loopback is refused
// before any request, and the client never connects to a peer that is not
// loopback, whatever the name it dialled.
func TestServiceRefusesNonLoopback(t *testing.T) {
	iss := axiomstest.New(t)
	for _, svc := range []axiomstest.Service{
		{URL: "http://192.0.2.1:8080", Issuer: iss.URL()},
		{URL: "http://127.0.0.1:8080", Issuer: "https://login.example.com"},
		{URL: "http://api.example.com", Issuer: iss.URL()},
	} {
		_, err := svc.Matrix(t.Context(), probeRoutes)
		if !errors.Is(err, axiomstest.ErrNotLoopback) {
			t.Errorf("%+v: err = %v", svc, err)
		}
	}
	_, err := axiomstest.Service{Issuer: "http://192.0.2.1"}.Mint(t.Context())
	if !errors.Is(err, axiomstest.ErrNotLoopback) {
		t.Errorf("Mint: err = %v", err)
	}
	// An issuer named by the service's metadata is held to the same rule.
	meta := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"authorization_servers":["https://login.example.com"]}`))
	}))
	t.Cleanup(meta.Close)
	if _, err := (axiomstest.Service{URL: meta.URL}).Matrix(t.Context(), probeRoutes); !errors.Is(err, axiomstest.ErrNotLoopback) {
		t.Errorf("discovered issuer: err = %v", err)
	}
}

// TestServiceFindsItsIssuer: with no Issuer, the dev issuer is the first
// authorization server of the service's RFC 9728 metadata, at the
// well-known path of the service's URL; without metadata the error says
// what to give.
func TestServiceFindsItsIssuer(t *testing.T) {
	iss := axiomstest.New(t)
	g := newProbeGuard(t, iss)
	mux := http.NewServeMux()
	mux.Handle("/", app(g, nil))
	mux.HandleFunc("GET /.well-known/oauth-protected-resource/v1", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"resource":"x","authorization_servers":["` + iss.URL() + `"]}`))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	// The routes live at the root; the URL's path only places the metadata.
	tok, err := axiomstest.Service{URL: srv.URL + "/v1"}.Mint(t.Context(), axiomstest.WithRoles("ops"))
	if err != nil {
		t.Fatal(err)
	}
	if _, claims := parseMinted(t, iss, tok); fmtClaim(claims["roles"]) != "[ops]" {
		t.Errorf("claims %v", claims)
	}
	_, err = axiomstest.Service{URL: srv.URL}.Matrix(t.Context(), probeRoutes)
	if !errors.Is(err, axiomstest.ErrNoIssuer) || !strings.Contains(err.Error(), "prints in -dev mode") {
		t.Errorf("no metadata: err = %v", err)
	}
}

// TestServiceMatrix: the matrix over HTTP passes on a faithful service
// and fails, naming route and case, on one whose route lost its guard.
// The service is a loopback server; DPoP proofs name the guard's external
// URL through WithProbeBaseURL, as behind a proxy.
func TestServiceMatrix(t *testing.T) {
	iss := axiomstest.New(t)
	g := newProbeGuard(t, iss)
	good := httptest.NewServer(app(g, nil))
	t.Cleanup(good.Close)
	svc := axiomstest.Service{URL: good.URL, Issuer: iss.URL()}
	results, err := svc.Matrix(t.Context(), probeRoutes, axiomstest.WithProbeBaseURL(probeBase))
	if err != nil {
		t.Fatal(err)
	}
	inProcess, err := axiomstest.Matrix(app(g, nil), probeRoutes, iss, axiomstest.WithProbeBaseURL(probeBase))
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != len(inProcess) {
		t.Errorf("%d cases over HTTP, %d in process", len(results), len(inProcess))
	}
	for i, r := range results {
		if !r.OK {
			t.Errorf("faithful service: %s", r)
		}
		if i < len(inProcess) && (r.Case != inProcess[i].Case || r.Route != inProcess[i].Route || r.Status != inProcess[i].Status) {
			t.Errorf("case %d: over HTTP %s, in process %s", i, r, inProcess[i])
		}
	}

	broken := httptest.NewServer(app(g, func(mux *http.ServeMux, r runtime.Route) bool {
		if r.Pattern != "POST /admin/{path...}" {
			return false
		}
		mux.Handle(r.Pattern, ok)
		return true
	}))
	t.Cleanup(broken.Close)
	svc.URL = broken.URL
	results, err = svc.Matrix(t.Context(), probeRoutes, axiomstest.WithProbeBaseURL(probeBase))
	if err != nil {
		t.Fatal(err)
	}
	failed := map[string]bool{}
	for _, r := range results {
		if !r.OK {
			if r.Route != "POST /admin/{path...}" {
				t.Errorf("an intact route failed: %s", r)
			}
			failed[r.Case] = true
		}
	}
	for _, c := range []string{"no token", "HS256 with the public key as secret", "token signed by an unknown key", "token without roles(ops)"} {
		if !failed[c] {
			t.Errorf("case %q did not fail on the unguarded route", c)
		}
	}
}
