// Package axiomstest is an in-process OpenID issuer on a loopback server:
// it publishes a discovery document and a JWK Set and mints access tokens,
// for testing guarded handlers and for local development servers; and the
// auth-matrix prober that proves every route's guard with its tokens, on a
// handler in process (Probe) or on a running -dev service (Service).
package axiomstest

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/MicahParks/jwkset"
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/golang-jwt/jwt/v5"
)

// DefaultAudience is the audience of an Issuer created without
// WithAudience.
const DefaultAudience = "https://api.example.test"

// sharedRSAKey is generated once per process: RSA key generation costs
// tens of milliseconds and most tests need only some RSA key. Rotate always
// makes a fresh one.
var sharedRSAKey = sync.OnceValues(func() (*rsa.PrivateKey, error) {
	return rsa.GenerateKey(rand.Reader, 2048)
})

// Issuer is a test issuer. It is safe for concurrent use.
type Issuer struct {
	srv       *httptest.Server
	audiences []string
	discovery bool

	mu      sync.Mutex
	keys    map[string]*signingKey // every key ever made, by kid
	current map[string]string      // alg -> kid used by Mint
	serial  map[string]int         // alg -> last kid number
	jwks    []byte                 // published public set
}

type signingKey struct {
	kid       string
	alg       string
	key       crypto.Signer
	published bool
}

type options struct {
	audiences  []string
	algorithms []string
	discovery  bool
}

// Option configures an Issuer.
type Option func(*options)

// WithAudience sets the audiences of Config and the default "aud" of
// tokens (the first one). Default: DefaultAudience.
func WithAudience(aud ...string) Option { return func(o *options) { o.audiences = aud } }

// WithAlgorithms publishes keys only for these algorithms at start
// (default: all of runtime.DefaultAlgorithms). Mint adds a key on first use
// of another algorithm.
func WithAlgorithms(algs ...string) Option { return func(o *options) { o.algorithms = algs } }

// WithoutDiscovery serves no OpenID discovery document (404), only
// /.well-known/jwks.json.
func WithoutDiscovery() Option { return func(o *options) { o.discovery = false } }

// TB is what New, Token and DPoPKey need of a test: *testing.T, *testing.B,
// *testing.F and testing.TB have it. The package does not import
// testing, so a -dev binary that starts an Issuer does not link it.
type TB interface {
	Helper()
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// New starts an Issuer for a test and closes it when the test ends.
func New(tb TB, opts ...Option) *Issuer {
	tb.Helper()
	iss, err := Start(opts...)
	if err != nil {
		tb.Fatalf("axiomstest: %v", err)
	}
	tb.Cleanup(iss.Close)
	return iss
}

// Start starts an Issuer outside of tests (a -dev server). The caller must
// Close it.
func Start(opts ...Option) (*Issuer, error) {
	o := options{audiences: []string{DefaultAudience}, algorithms: runtime.DefaultAlgorithms, discovery: true}
	for _, opt := range opts {
		opt(&o)
	}
	if len(o.audiences) == 0 {
		return nil, errors.New("WithAudience needs at least one audience")
	}
	iss := &Issuer{
		audiences: slices.Clone(o.audiences),
		discovery: o.discovery,
		keys:      make(map[string]*signingKey),
		current:   make(map[string]string),
		serial:    make(map[string]int),
	}
	for _, alg := range o.algorithms {
		if _, err := iss.addKey(alg, false); err != nil {
			return nil, err
		}
	}
	iss.srv = httptest.NewServer(iss.Handler())
	return iss, nil
}

// Close stops the server.
func (i *Issuer) Close() { i.srv.Close() }

// URL is the issuer identifier and the server's base URL
// (http://127.0.0.1:PORT, no trailing slash).
func (i *Issuer) URL() string { return i.srv.URL }

// JWKSURL is where the JWK Set is served.
func (i *Issuer) JWKSURL() string { return i.srv.URL + "/.well-known/jwks.json" }

// Config is a runtime configuration accepting this issuer's tokens. Its
// JWKSURL is empty, so the runtime goes through discovery.
func (i *Issuer) Config() runtime.Config {
	return runtime.Config{Issuer: i.URL(), Audiences: slices.Clone(i.audiences)}
}

// Handler serves the discovery document, the JWK Set, a client_credentials
// token endpoint and the loopback-only minting endpoint (MintPath); tests
// can wrap it to inject faults.
func (i *Issuer) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		if !i.discovery {
			http.NotFound(w, r)
			return
		}
		base := "http://" + r.Host
		if i.srv != nil {
			base = i.URL()
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{
			"issuer":                                base,
			"jwks_uri":                              base + "/.well-known/jwks.json",
			"token_endpoint":                        base + "/token",
			"grant_types_supported":                 []string{"client_credentials"},
			"id_token_signing_alg_values_supported": runtime.DefaultAlgorithms,
		})
	})
	// A test token endpoint: client_credentials with any client, the
	// requested scope, and the audience of an RFC 8707 resource parameter
	// (else the issuer's first). For tests and -dev clients that follow
	// the discovery documents as a real client would. It mints for
	// anyone, so it is held to the minting endpoint's loopback rules.
	mux.HandleFunc("POST /token", func(w http.ResponseWriter, r *http.Request) {
		if why := refuseMint(r); why != "" {
			mintError(w, http.StatusForbidden, "access_denied", why)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
		if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") != "client_credentials" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusBadRequest)
			json.NewEncoder(w).Encode(map[string]string{"error": "unsupported_grant_type"})
			return
		}
		opts := []TokenOption{WithExpiresIn(time.Hour)}
		if scope := r.PostForm.Get("scope"); scope != "" {
			opts = append(opts, WithClaim("scope", scope))
		}
		if resource := r.PostForm.Get("resource"); resource != "" {
			opts = append(opts, WithAudiences(resource))
		}
		tok, err := i.Mint(opts...)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 3600})
	})
	// Every kind of token, for a prober outside the process; restricted
	// to loopback (see MintPath).
	mux.HandleFunc("POST "+MintPath, i.serveMint)
	mux.HandleFunc("GET /.well-known/jwks.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/jwk-set+json")
		w.Write(i.JWKS())
	})
	return mux
}

// JWKS returns the published public JWK Set.
func (i *Issuer) JWKS() []byte {
	i.mu.Lock()
	defer i.mu.Unlock()
	return slices.Clone(i.jwks)
}

// Rotate makes a new key for alg, publishes it and signs later tokens of
// alg with it. Older keys stay published until retired.
func (i *Issuer) Rotate(alg string) (kid string, err error) { return i.addKey(alg, true) }

// Retire stops publishing kid. Tokens can still be minted with it through
// WithKID, to test that they are refused.
func (i *Issuer) Retire(kid string) bool {
	i.mu.Lock()
	defer i.mu.Unlock()
	k, ok := i.keys[kid]
	if !ok || !k.published {
		return false
	}
	k.published = false
	i.publishLocked()
	return true
}

// SigningKey returns the current key for alg, creating it if needed.
func (i *Issuer) SigningKey(alg string) (kid string, key crypto.Signer, err error) {
	kid, err = i.kidFor(alg)
	if err != nil {
		return "", nil, err
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	return kid, i.keys[kid].key, nil
}

// PublicKey returns the public key of kid, published or not.
func (i *Issuer) PublicKey(kid string) (crypto.PublicKey, bool) {
	i.mu.Lock()
	defer i.mu.Unlock()
	k, ok := i.keys[kid]
	if !ok {
		return nil, false
	}
	return k.key.Public(), true
}

func (i *Issuer) kidFor(alg string) (string, error) {
	i.mu.Lock()
	kid, ok := i.current[alg]
	i.mu.Unlock()
	if ok {
		return kid, nil
	}
	return i.addKey(alg, false)
}

// addKey creates and publishes a key for alg; fresh forces a newly
// generated key even for RSA.
func (i *Issuer) addKey(alg string, fresh bool) (string, error) {
	key, err := newKey(alg, fresh)
	if err != nil {
		return "", err
	}
	i.mu.Lock()
	defer i.mu.Unlock()
	if kid, ok := i.current[alg]; ok && !fresh {
		return kid, nil // created concurrently
	}
	i.serial[alg]++
	kid := fmt.Sprintf("%s-%d", strings.ToLower(alg), i.serial[alg])
	i.keys[kid] = &signingKey{kid: kid, alg: alg, key: key, published: true}
	i.current[alg] = kid
	i.publishLocked()
	return kid, nil
}

func newKey(alg string, fresh bool) (crypto.Signer, error) {
	switch alg {
	case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512":
		if !fresh {
			return sharedRSAKey()
		}
		return rsa.GenerateKey(rand.Reader, 2048)
	case "ES256":
		return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	case "ES384":
		return ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	case "ES512":
		return ecdsa.GenerateKey(elliptic.P521(), rand.Reader)
	case "EdDSA":
		_, k, err := ed25519.GenerateKey(rand.Reader)
		return k, err
	}
	return nil, fmt.Errorf("algorithm %q is not supported: use one of %s", alg, strings.Join(runtime.DefaultAlgorithms, " "))
}

// publishLocked rebuilds the public JWK Set, keys in kid order.
func (i *Issuer) publishLocked() {
	store := jwkset.NewMemoryStorage()
	ctx := context.Background()
	for _, kid := range slices.Sorted(maps.Keys(i.keys)) {
		k := i.keys[kid]
		if !k.published {
			continue
		}
		jwk, err := jwkset.NewJWKFromKey(k.key.Public(), jwkset.JWKOptions{
			Metadata: jwkset.JWKMetadataOptions{ALG: jwkset.ALG(k.alg), KID: k.kid, USE: jwkset.UseSig},
		})
		if err != nil {
			panic(fmt.Sprintf("axiomstest: cannot encode key %s: %v", kid, err)) // our own keys: a bug here
		}
		if err := store.KeyWrite(ctx, jwk); err != nil {
			panic(fmt.Sprintf("axiomstest: cannot store key %s: %v", kid, err))
		}
	}
	set, err := store.Marshal(ctx)
	if err != nil {
		panic(fmt.Sprintf("axiomstest: cannot marshal the key set: %v", err))
	}
	slices.SortFunc(set.Keys, func(a, b jwkset.JWKMarshal) int { return strings.Compare(a.KID, b.KID) })
	i.jwks, _ = json.Marshal(set)
}

// tokenSpec is what Mint builds.
type tokenSpec struct {
	alg        string
	kid        string
	signingKey crypto.Signer
	now        time.Time
	expiresIn  time.Duration
	claims     map[string]any
	drop       map[string]bool
	header     map[string]any
	dropHeader map[string]bool
}

// TokenOption shapes a minted token.
type TokenOption func(*tokenSpec)

// WithAlg signs with alg (default RS256).
func WithAlg(alg string) TokenOption { return func(s *tokenSpec) { s.alg = alg } }

// WithKID signs with the key kid (retired ones included) and names it in
// the header. With WithSigningKey, kid is only written in the header.
func WithKID(kid string) TokenOption { return func(s *tokenSpec) { s.kid = kid } }

// WithSigningKey signs with a key the issuer does not publish, for forgery
// tests.
func WithSigningKey(key crypto.Signer) TokenOption { return func(s *tokenSpec) { s.signingKey = key } }

// WithSubject sets "sub" (default "user-1").
func WithSubject(sub string) TokenOption { return WithClaim("sub", sub) }

// WithAudiences sets "aud": a string for one value, an array for several.
func WithAudiences(aud ...string) TokenOption {
	if len(aud) == 1 {
		return WithClaim("aud", aud[0])
	}
	return WithClaim("aud", aud)
}

// WithScopes sets "scope" to the space-joined scopes.
func WithScopes(scopes ...string) TokenOption { return WithClaim("scope", strings.Join(scopes, " ")) }

// WithRoles sets "roles" to an array.
func WithRoles(roles ...string) TokenOption { return WithClaim("roles", roles) }

// WithPermissions sets "permissions" to an array.
func WithPermissions(perms ...string) TokenOption { return WithClaim("permissions", perms) }

// WithACR sets "acr", the authentication context class the user
// authenticated with (RFC 9470 step-up).
func WithACR(acr string) TokenOption { return WithClaim("acr", acr) }

// WithAuthTime sets "auth_time", when the user authenticated (RFC 9470
// step-up with a max-age).
func WithAuthTime(t time.Time) TokenOption { return WithClaim("auth_time", t.Unix()) }

// WithClaim sets any claim, overriding defaults.
func WithClaim(name string, value any) TokenOption {
	return func(s *tokenSpec) { s.claims[name] = value; delete(s.drop, name) }
}

// WithoutClaim removes a claim, defaults included (e.g. "exp").
func WithoutClaim(name string) TokenOption { return func(s *tokenSpec) { s.drop[name] = true } }

// WithHeader sets any JOSE header member (e.g. "typ", "crit", "jku").
func WithHeader(name string, value any) TokenOption {
	return func(s *tokenSpec) { s.header[name] = value; delete(s.dropHeader, name) }
}

// WithoutHeader removes a header member (e.g. "kid" or "typ").
func WithoutHeader(name string) TokenOption { return func(s *tokenSpec) { s.dropHeader[name] = true } }

// WithExpiresIn sets "exp" to now + d; negative for an expired token.
// Default 5 minutes.
func WithExpiresIn(d time.Duration) TokenOption { return func(s *tokenSpec) { s.expiresIn = d } }

// WithTime sets the "now" of "iat" and "exp" (default time.Now()).
func WithTime(now time.Time) TokenOption { return func(s *tokenSpec) { s.now = now } }

// Mint returns a signed token: iss, aud, sub, iat, exp and jti by default,
// header alg, kid and typ "at+jwt".
func (i *Issuer) Mint(opts ...TokenOption) (string, error) {
	s := &tokenSpec{
		alg: "RS256", now: time.Now(), expiresIn: 5 * time.Minute,
		claims: map[string]any{}, drop: map[string]bool{}, header: map[string]any{}, dropHeader: map[string]bool{},
	}
	for _, opt := range opts {
		opt(s)
	}
	method := jwt.GetSigningMethod(s.alg)
	if method == nil || !slices.Contains(runtime.DefaultAlgorithms, s.alg) {
		return "", fmt.Errorf("algorithm %q is not supported: use one of %s", s.alg, strings.Join(runtime.DefaultAlgorithms, " "))
	}
	key := s.signingKey
	kid := s.kid
	if key == nil {
		if kid == "" {
			var err error
			if kid, err = i.kidFor(s.alg); err != nil {
				return "", err
			}
		}
		i.mu.Lock()
		k, ok := i.keys[kid]
		i.mu.Unlock()
		if !ok {
			return "", fmt.Errorf("no key with kid %q: use WithSigningKey to sign with a key the issuer does not know", kid)
		}
		key = k.key
	}

	jti := make([]byte, 16)
	rand.Read(jti)
	claims := jwt.MapClaims{
		"iss": i.URL(),
		"aud": i.audiences[0],
		"sub": "user-1",
		"iat": s.now.Unix(),
		"exp": s.now.Add(s.expiresIn).Unix(),
		"jti": hex.EncodeToString(jti),
	}
	maps.Copy(claims, s.claims)
	for name := range s.drop {
		delete(claims, name)
	}
	tok := jwt.NewWithClaims(method, claims)
	tok.Header["typ"] = "at+jwt"
	if kid != "" {
		tok.Header["kid"] = kid
	}
	maps.Copy(tok.Header, s.header)
	for name := range s.dropHeader {
		delete(tok.Header, name)
	}
	signed, err := tok.SignedString(key)
	if err != nil {
		return "", fmt.Errorf("signing a %s token: %w", s.alg, err)
	}
	return signed, nil
}

// Token is Mint for tests: it fails tb on error.
func (i *Issuer) Token(tb TB, opts ...TokenOption) string {
	tb.Helper()
	tok, err := i.Mint(opts...)
	if err != nil {
		tb.Fatalf("axiomstest: %v", err)
	}
	return tok
}
