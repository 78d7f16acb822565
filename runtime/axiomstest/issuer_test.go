package axiomstest_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
	"github.com/golang-jwt/jwt/v5"
)

// fetchKeys reads the issuer's served JWK Set the way a client would.
func fetchKeys(t *testing.T, iss *axiomstest.Issuer) map[string]jwkset.JWK {
	t.Helper()
	resp, err := http.Get(iss.JWKSURL())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "application/jwk-set+json" {
		t.Errorf("JWKS content type %q", ct)
	}
	var set jwkset.JWKSMarshal
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		t.Fatal(err)
	}
	keys, err := set.JWKSlice()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]jwkset.JWK{}
	for _, k := range keys {
		if k.Marshal().D != "" {
			t.Errorf("key %s publishes private material", k.Marshal().KID)
		}
		out[k.Marshal().KID] = k
	}
	return out
}

// parse verifies tok with the key its kid names in the served set.
func parse(t *testing.T, iss *axiomstest.Issuer, tok string) (*jwt.Token, error) {
	t.Helper()
	keys := fetchKeys(t, iss)
	return jwt.Parse(tok, func(tk *jwt.Token) (any, error) {
		k, ok := keys[tk.Header["kid"].(string)]
		if !ok {
			return nil, jwkset.ErrKeyNotFound
		}
		return k.Key(), nil
	}, jwt.WithValidMethods(runtime.DefaultAlgorithms), jwt.WithIssuer(iss.URL()), jwt.WithAudience(axiomstest.DefaultAudience))
}

func TestDiscovery(t *testing.T) {
	iss := axiomstest.New(t)
	resp, err := http.Get(iss.URL() + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
		t.Fatal(err)
	}
	if doc.Issuer != iss.URL() || doc.JWKSURI != iss.JWKSURL() {
		t.Errorf("discovery = %+v", doc)
	}
	if !strings.HasPrefix(iss.URL(), "http://127.0.0.1:") {
		t.Errorf("issuer %s is not on loopback", iss.URL())
	}
	cfg := iss.Config()
	if cfg.Issuer != iss.URL() || len(cfg.Audiences) != 1 || cfg.Audiences[0] != axiomstest.DefaultAudience || cfg.JWKSURL != "" {
		t.Errorf("Config = %+v", cfg)
	}

	none := axiomstest.New(t, axiomstest.WithoutDiscovery())
	resp, err = http.Get(none.URL() + "/.well-known/openid-configuration")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("WithoutDiscovery served discovery: %d", resp.StatusCode)
	}
}

func TestEveryAlgorithmVerifies(t *testing.T) {
	iss := axiomstest.New(t)
	for _, alg := range runtime.DefaultAlgorithms {
		t.Run(alg, func(t *testing.T) {
			tok, err := parse(t, iss, iss.Token(t, axiomstest.WithAlg(alg)))
			if err != nil {
				t.Fatalf("%s token does not verify: %v", alg, err)
			}
			if tok.Method.Alg() != alg || tok.Header["typ"] != "at+jwt" {
				t.Errorf("header = %v", tok.Header)
			}
		})
	}
	if _, err := iss.Mint(axiomstest.WithAlg("HS256")); err == nil {
		t.Error("minted an HS256 token")
	}
}

func TestTokenShape(t *testing.T) {
	iss := axiomstest.New(t)
	now := time.Unix(1_800_000_000, 0)
	tok := iss.Token(t,
		axiomstest.WithTime(now), axiomstest.WithExpiresIn(time.Hour),
		axiomstest.WithSubject("alice"), axiomstest.WithScopes("a", "b"), axiomstest.WithRoles("r"),
		axiomstest.WithPermissions("p"), axiomstest.WithAudiences("x", "y"),
		axiomstest.WithClaim("org", "o1"), axiomstest.WithoutClaim("jti"),
		axiomstest.WithHeader("typ", "JWT"), axiomstest.WithoutHeader("kid"))
	var claims jwt.MapClaims
	tk, _, err := jwt.NewParser().ParseUnverified(tok, &claims)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"sub": "alice", "scope": "a b", "roles": []any{"r"}, "permissions": []any{"p"}, "aud": []any{"x", "y"},
		"org": "o1", "iat": float64(now.Unix()), "exp": float64(now.Add(time.Hour).Unix()), "iss": iss.URL(),
	}
	got, _ := json.Marshal(claims)
	wantJSON, _ := json.Marshal(want)
	if string(got) != string(wantJSON) {
		t.Errorf("claims = %s\nwant     %s", got, wantJSON)
	}
	if _, hasKID := tk.Header["kid"]; hasKID || tk.Header["typ"] != "JWT" {
		t.Errorf("header = %v", tk.Header)
	}
}

func TestRotateAndRetire(t *testing.T) {
	iss := axiomstest.New(t, axiomstest.WithAlgorithms("ES256"))
	old, _, err := iss.SigningKey("ES256")
	if err != nil {
		t.Fatal(err)
	}
	oldTok := iss.Token(t, axiomstest.WithAlg("ES256"))
	kid, err := iss.Rotate("ES256")
	if err != nil {
		t.Fatal(err)
	}
	if kid == old {
		t.Fatal("Rotate kept the kid")
	}
	keys := fetchKeys(t, iss)
	if _, ok := keys[old]; !ok {
		t.Error("old key no longer published after Rotate")
	}
	if _, ok := keys[kid]; !ok {
		t.Error("new key not published")
	}
	newTok := iss.Token(t, axiomstest.WithAlg("ES256"))
	if tk, err := parse(t, iss, newTok); err != nil || tk.Header["kid"] != kid {
		t.Fatalf("new token: %v %v", tk, err)
	}
	if !iss.Retire(old) || iss.Retire(old) {
		t.Fatal("Retire should succeed once")
	}
	if _, ok := fetchKeys(t, iss)[old]; ok {
		t.Error("retired key still published")
	}
	if _, err := parse(t, iss, oldTok); err == nil {
		t.Error("token of a retired key still verifies against the served set")
	}
	if _, err := iss.Mint(axiomstest.WithKID(old), axiomstest.WithAlg("ES256")); err != nil {
		t.Errorf("minting with a retired kid: %v", err)
	}
	if _, err := iss.Mint(axiomstest.WithKID("nope")); err == nil {
		t.Error("minted with an unknown kid and no key")
	}
}

func TestCloseStopsTheServer(t *testing.T) {
	iss, err := axiomstest.Start()
	if err != nil {
		t.Fatal(err)
	}
	iss.Close()
	if resp, err := http.Get(iss.JWKSURL()); err == nil {
		resp.Body.Close()
		t.Fatal("server still answers after Close")
	}
}
