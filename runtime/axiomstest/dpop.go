package axiomstest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math/big"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// DPoPKey is a client's DPoP key pair (RFC 9449). Tokens minted
// WithDPoPKey are bound to it (cnf.jkt); Proof signs a proof of
// possession for one request.
type DPoPKey struct {
	alg string
	key crypto.Signer
	jwk map[string]any
	jkt string
}

// sharedDPoPRSAKey is one RSA client key per process, distinct from the
// issuer's.
var sharedDPoPRSAKey = sync.OnceValues(func() (*rsa.PrivateKey, error) {
	return rsa.GenerateKey(rand.Reader, 2048)
})

// NewDPoPKey makes a client key for alg: ES256 (the default when alg is
// ""), ES384, ES512, RS256, PS256 (and the other RS/PS sizes) or EdDSA.
func NewDPoPKey(alg string) (*DPoPKey, error) {
	if alg == "" {
		alg = "ES256"
	}
	var key crypto.Signer
	var err error
	switch alg {
	case "RS256", "RS384", "RS512", "PS256", "PS384", "PS512":
		key, err = sharedDPoPRSAKey()
	default:
		key, err = newKey(alg, true)
	}
	if err != nil {
		return nil, err
	}
	k := &DPoPKey{alg: alg, key: key}
	var members string
	switch pub := key.Public().(type) {
	case *rsa.PublicKey:
		n := b64(pub.N.Bytes())
		e := b64(big.NewInt(int64(pub.E)).Bytes())
		k.jwk = map[string]any{"kty": "RSA", "n": n, "e": e}
		members = `{"e":"` + e + `","kty":"RSA","n":"` + n + `"}`
	case *ecdsa.PublicKey:
		raw, err := pub.Bytes()
		if err != nil {
			return nil, err
		}
		size := (pub.Curve.Params().BitSize + 7) / 8
		crv := pub.Curve.Params().Name
		x, y := b64(raw[1:1+size]), b64(raw[1+size:])
		k.jwk = map[string]any{"kty": "EC", "crv": crv, "x": x, "y": y}
		members = `{"crv":"` + crv + `","kty":"EC","x":"` + x + `","y":"` + y + `"}`
	case ed25519.PublicKey:
		x := b64(pub)
		k.jwk = map[string]any{"kty": "OKP", "crv": "Ed25519", "x": x}
		members = `{"crv":"Ed25519","kty":"OKP","x":"` + x + `"}`
	default:
		return nil, fmt.Errorf("unsupported key type %T", pub)
	}
	sum := sha256.Sum256([]byte(members))
	k.jkt = b64(sum[:])
	return k, nil
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// Alg is the key's proof algorithm.
func (k *DPoPKey) Alg() string { return k.alg }

// Thumbprint is the RFC 7638 SHA-256 thumbprint of the public key: the
// token's cnf.jkt.
func (k *DPoPKey) Thumbprint() string { return k.jkt }

// Public is the public key.
func (k *DPoPKey) Public() crypto.PublicKey { return k.key.Public() }

// PublicJWK is the public key as the proof's jwk header carries it.
func (k *DPoPKey) PublicJWK() map[string]any { return maps.Clone(k.jwk) }

// WithDPoPKey binds the token to k: "cnf": {"jkt": thumbprint}.
func WithDPoPKey(k *DPoPKey) TokenOption {
	return WithClaim("cnf", map[string]any{"jkt": k.jkt})
}

type proofSpec struct {
	now        time.Time
	jti        string
	nonce      string
	claims     map[string]any
	drop       map[string]bool
	header     map[string]any
	dropHeader map[string]bool
	alg        string
	signer     crypto.Signer
}

// ProofOption changes a proof, mostly to make invalid ones in tests.
type ProofOption func(*proofSpec)

// WithProofNonce puts the server's nonce (DPoP-Nonce) in the proof.
func WithProofNonce(nonce string) ProofOption { return func(s *proofSpec) { s.nonce = nonce } }

// WithProofTime sets the proof's iat.
func WithProofTime(t time.Time) ProofOption { return func(s *proofSpec) { s.now = t } }

// WithProofJTI sets the proof's jti (default: random).
func WithProofJTI(jti string) ProofOption { return func(s *proofSpec) { s.jti = jti } }

// WithProofClaim sets or overrides a claim of the proof (htm, htu, ath...).
func WithProofClaim(name string, value any) ProofOption {
	return func(s *proofSpec) { s.claims[name] = value }
}

// WithoutProofClaim removes a claim of the proof.
func WithoutProofClaim(name string) ProofOption { return func(s *proofSpec) { s.drop[name] = true } }

// WithProofHeader sets or overrides a header member (typ, jwk...).
func WithProofHeader(name string, value any) ProofOption {
	return func(s *proofSpec) { s.header[name] = value }
}

// WithoutProofHeader removes a header member.
func WithoutProofHeader(name string) ProofOption {
	return func(s *proofSpec) { s.dropHeader[name] = true }
}

// WithProofSigner signs the proof with another key and algorithm while
// its jwk header stays k's: a forged proof. alg "none" makes an unsigned
// proof; an HS algorithm uses key material []byte("secret").
func WithProofSigner(alg string, key crypto.Signer) ProofOption {
	return func(s *proofSpec) { s.alg, s.signer = alg, key }
}

// Proof signs a DPoP proof for a request of method to rawURL (query and
// fragment dropped, as RFC 9449 says), bound to accessToken through ath
// ("" leaves ath out).
func (k *DPoPKey) Proof(method, rawURL, accessToken string, opts ...ProofOption) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil || !u.IsAbs() {
		return "", fmt.Errorf("axiomstest: proof URL %q is not absolute", rawURL)
	}
	u.RawQuery, u.Fragment, u.RawFragment = "", "", ""
	jti := make([]byte, 16)
	rand.Read(jti)
	s := &proofSpec{now: time.Now(), jti: b64(jti), alg: k.alg, signer: k.key,
		claims: map[string]any{}, drop: map[string]bool{}, header: map[string]any{}, dropHeader: map[string]bool{}}
	for _, opt := range opts {
		opt(s)
	}
	claims := jwt.MapClaims{"jti": s.jti, "htm": method, "htu": u.String(), "iat": s.now.Unix()}
	if accessToken != "" {
		sum := sha256.Sum256([]byte(accessToken))
		claims["ath"] = b64(sum[:])
	}
	if s.nonce != "" {
		claims["nonce"] = s.nonce
	}
	maps.Copy(claims, s.claims)
	for name := range s.drop {
		delete(claims, name)
	}
	var signing jwt.SigningMethod
	var key any = s.signer
	switch {
	case s.alg == "none":
		signing, key = jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType
	case len(s.alg) > 2 && s.alg[:2] == "HS":
		signing, key = jwt.GetSigningMethod(s.alg), []byte("secret")
	default:
		signing = jwt.GetSigningMethod(s.alg)
	}
	if signing == nil {
		return "", fmt.Errorf("axiomstest: proof algorithm %q is not supported", s.alg)
	}
	tok := jwt.NewWithClaims(signing, claims)
	tok.Header = map[string]any{"typ": "dpop+jwt", "alg": s.alg, "jwk": maps.Clone(k.jwk)}
	maps.Copy(tok.Header, s.header)
	for name := range s.dropHeader {
		delete(tok.Header, name)
	}
	signed, err := tok.SignedString(key)
	if err != nil {
		return "", fmt.Errorf("axiomstest: signing a %s proof: %w", s.alg, err)
	}
	return signed, nil
}

// Authorize makes r a DPoP request: Authorization: DPoP accessToken and a
// DPoP header with a fresh proof for r's method and URL (r.URL must be
// absolute, as http.NewRequest(method, srv.URL+path, body) makes it).
func (k *DPoPKey) Authorize(r *http.Request, accessToken string, opts ...ProofOption) error {
	if r.URL == nil || !r.URL.IsAbs() {
		return errors.New("axiomstest: the request URL must be absolute")
	}
	p, err := k.Proof(r.Method, r.URL.String(), accessToken, opts...)
	if err != nil {
		return err
	}
	r.Header.Set("Authorization", "DPoP "+accessToken)
	r.Header.Set("DPoP", p)
	return nil
}

// DPoPKey is NewDPoPKey for tests: it fails tb on error.
func (i *Issuer) DPoPKey(tb TB, alg string) *DPoPKey {
	tb.Helper()
	k, err := NewDPoPKey(alg)
	if err != nil {
		tb.Fatalf("axiomstest: %v", err)
	}
	return k
}

// MarshalJSON renders the public JWK.
func (k *DPoPKey) MarshalJSON() ([]byte, error) { return json.Marshal(k.jwk) }
