package runtime_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
	"github.com/golang-jwt/jwt/v5"
)

// hmacWith signs an HS* token with a public key's bytes as the secret:
// the algorithm-confusion forgery.
func hmacWith(t *testing.T, iss *axiomstest.Issuer, method jwt.SigningMethod, kid string, secret []byte) string {
	t.Helper()
	tok := jwt.NewWithClaims(method, jwt.MapClaims{
		"iss": iss.URL(), "aud": iss.Config().Audiences[0], "sub": "attacker", "exp": time.Now().Add(time.Hour).Unix(),
	})
	tok.Header["kid"] = kid
	s, err := tok.SignedString(secret)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// noneToken is an unsigned token with the given alg spelling.
func noneToken(iss *axiomstest.Issuer, alg string) string {
	enc := base64.RawURLEncoding
	h := enc.EncodeToString([]byte(`{"alg":"` + alg + `","typ":"JWT"}`))
	p := enc.EncodeToString([]byte(fmt.Sprintf(`{"iss":%q,"aud":%q,"sub":"attacker","exp":%d}`,
		iss.URL(), iss.Config().Audiences[0], time.Now().Add(time.Hour).Unix())))
	return h + "." + p + "."
}

// TestAttackSuite sends hostile tokens and headers, each named with the
// RFC section it comes from: every one is refused with the documented
// status and error code, and the handler never runs. Rows marked ok are
// the documented accepted forms next to them, proving the refusals are
// not blanket ones.
func TestAttackSuite(t *testing.T) {
	iss := axiomstest.New(t)
	cfg := iss.Config()
	g := newGuard(t, cfg)
	aud := cfg.Audiences[0]
	now := time.Now()
	attackerRSA, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	attackerEC, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsKID, rsKey, _ := iss.SigningKey("RS256")
	esKID, esKey, _ := iss.SigningKey("ES256")
	rsPubDER, _ := x509.MarshalPKIXPublicKey(rsKey.Public())
	esPubDER, _ := x509.MarshalPKIXPublicKey(esKey.Public())
	rsN := rsKey.Public().(*rsa.PublicKey).N.Bytes()
	valid := iss.Token(t)
	parts := strings.Split(valid, ".")
	claimsJSON := func(extra string) string {
		return fmt.Sprintf(`{"iss":%q,"aud":%q,"exp":%d%s}`, iss.URL(), aud, now.Add(time.Hour).Unix(), extra)
	}
	rsHeader := `{"alg":"RS256","kid":"` + rsKID + `"}`
	tok := func(opts ...axiomstest.TokenOption) string { return iss.Token(t, opts...) }
	forged := func(opts ...axiomstest.TokenOption) string {
		return iss.Token(t, append([]axiomstest.TokenOption{axiomstest.WithSigningKey(attackerRSA)}, opts...)...)
	}

	const (
		invalid = "invalid_token"
		badReq  = "invalid_request"
	)
	tests := []struct {
		name   string
		rfc    string
		auth   []string // Authorization values
		status int      // 200 for the accepted controls
		code   string
	}{
		{"baseline valid token", "RFC 6750 §2.1", []string{bearer(valid)}, 200, ""},

		{"alg none", "RFC 8725 §3.1", []string{bearer(noneToken(iss, "none"))}, 401, invalid},
		{"alg None", "RFC 8725 §3.1", []string{bearer(noneToken(iss, "None"))}, 401, invalid},
		{"alg NONE", "RFC 8725 §3.1", []string{bearer(noneToken(iss, "NONE"))}, 401, invalid},
		{"alg nOnE", "RFC 8725 §3.1", []string{bearer(noneToken(iss, "nOnE"))}, 401, invalid},
		{"HS256 with the RSA public key (DER)", "RFC 8725 §2.1", []string{bearer(hmacWith(t, iss, jwt.SigningMethodHS256, rsKID, rsPubDER))}, 401, invalid},
		{"HS384 with the RSA modulus", "RFC 8725 §2.1", []string{bearer(hmacWith(t, iss, jwt.SigningMethodHS384, rsKID, rsN))}, 401, invalid},
		{"HS512 with the EC public key", "RFC 8725 §2.1", []string{bearer(hmacWith(t, iss, jwt.SigningMethodHS512, esKID, esPubDER))}, 401, invalid},
		{"ES256 header over an RSA kid", "RFC 8725 §3.1", []string{bearer(tok(axiomstest.WithAlg("ES256"), axiomstest.WithKID(rsKID), axiomstest.WithSigningKey(attackerEC)))}, 401, invalid},
		{"PS256 under a JWK pinned to RS256", "RFC 7517 §4.4", []string{bearer(tok(axiomstest.WithAlg("PS256"), axiomstest.WithKID(rsKID)))}, 401, invalid},
		{"RS256 header over an EC kid", "RFC 8725 §3.1", []string{bearer(tok(axiomstest.WithAlg("RS256"), axiomstest.WithKID(esKID), axiomstest.WithSigningKey(attackerRSA)))}, 401, invalid},
		{"signature from another key under a valid kid", "RFC 7515 §5.2", []string{bearer(forged(axiomstest.WithKID(rsKID)))}, 401, invalid},
		{"signature stripped", "RFC 7515 §5.2", []string{bearer(parts[0] + "." + parts[1] + ".")}, 401, invalid},
		{"signature truncated", "RFC 7515 §5.2", []string{bearer(valid[:len(valid)-10])}, 401, invalid},
		{"signature padded with =", "RFC 7515 §2", []string{bearer(valid + "==")}, 401, invalid},
		{"signature with extra bytes", "RFC 7515 §5.2", []string{bearer(valid + "AAAA")}, 401, invalid},
		{"payload edited after signing", "RFC 7515 §5.2", []string{bearer(parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(claimsJSON(`,"scope":"admin"`))) + "." + parts[2])}, 401, invalid},
		{"unknown kid", "RFC 7515 §4.1.4", []string{bearer(forged(axiomstest.WithKID("unknown")))}, 401, invalid},
		{"kid with path traversal", "RFC 8725 §3.10", []string{bearer(forged(axiomstest.WithKID("../../../../etc/passwd")))}, 401, invalid},
		{"kid with SQL", "RFC 8725 §3.10", []string{bearer(forged(axiomstest.WithKID("x' OR '1'='1")))}, 401, invalid},
		{"kid of 10 KB", "RFC 8725 §3.10", []string{bearer(forged(axiomstest.WithKID(strings.Repeat("k", 10<<10))))}, 401, invalid},
		{"kid not a string", "RFC 7515 §4.1.4", []string{bearer(tok(axiomstest.WithHeader("kid", 42)))}, 401, invalid},
		{"jku pointing at an attacker key", "RFC 8725 §3.10", []string{bearer(forged(axiomstest.WithKID("attacker"), axiomstest.WithHeader("jku", "https://attacker.example/jwks.json")))}, 401, invalid},
		{"x5u pointing at an attacker cert", "RFC 8725 §3.10", []string{bearer(forged(axiomstest.WithKID("attacker"), axiomstest.WithHeader("x5u", "https://attacker.example/cert.pem")))}, 401, invalid},
		{"embedded jwk of the attacker", "RFC 7515 §4.1.3", []string{bearer(forged(axiomstest.WithoutHeader("kid"), axiomstest.WithHeader("jwk", map[string]any{"kty": "RSA", "n": base64.RawURLEncoding.EncodeToString(attackerRSA.N.Bytes()), "e": "AQAB"})))}, 401, invalid},
		{"x5c chain of the attacker", "RFC 7515 §4.1.6", []string{bearer(forged(axiomstest.WithoutHeader("kid"), axiomstest.WithHeader("x5c", []string{"MIIB"})))}, 401, invalid},
		{"unknown crit", "RFC 7515 §4.1.11", []string{bearer(tok(axiomstest.WithHeader("crit", []string{"urn:x"}), axiomstest.WithHeader("urn:x", true)))}, 401, invalid},
		{"logout token typ", "RFC 8725 §3.11", []string{bearer(tok(axiomstest.WithHeader("typ", "logout+jwt")))}, 401, invalid},
		{"ID token: the client id as audience", "RFC 9068 §4; docs/SECURITY.md, ID tokens", []string{bearer(tok(axiomstest.WithAudiences("my-spa-client"), axiomstest.WithHeader("typ", "JWT")))}, 401, invalid},
		{"access token typ JWT accepted", "docs/SECURITY.md, ID tokens", []string{bearer(tok(axiomstest.WithHeader("typ", "JWT")))}, 200, ""},
		{"expired", "RFC 7519 §4.1.4", []string{bearer(tok(axiomstest.WithExpiresIn(-time.Hour)))}, 401, invalid},
		{"not yet valid", "RFC 7519 §4.1.5", []string{bearer(tok(axiomstest.WithClaim("nbf", now.Add(time.Hour).Unix())))}, 401, invalid},
		{"iat far in the future", "RFC 7519 §4.1.6", []string{bearer(tok(axiomstest.WithClaim("iat", now.Add(24*time.Hour).Unix())))}, 401, invalid},
		{"missing exp", "RFC 7519 §4.1.4, RFC 9068 §2.2", []string{bearer(tok(axiomstest.WithoutClaim("exp")))}, 401, invalid},
		{"exp of 0", "RFC 7519 §4.1.4", []string{bearer(tok(axiomstest.WithClaim("exp", 0)))}, 401, invalid},
		{"exp as a string", "RFC 7519 §2 (NumericDate)", []string{bearer(tok(axiomstest.WithClaim("exp", fmt.Sprint(now.Add(time.Hour).Unix()))))}, 401, invalid},
		{"exp of 1e300", "RFC 7519 §2 (NumericDate)", []string{bearer(tok(axiomstest.WithClaim("exp", 1e300)))}, 401, invalid},
		{"wrong iss", "RFC 7519 §4.1.1", []string{bearer(tok(axiomstest.WithClaim("iss", "https://evil.example.com")))}, 401, invalid},
		{"iss substring of ours", "RFC 8725 §3.8", []string{bearer(tok(axiomstest.WithClaim("iss", iss.URL()[:len(iss.URL())-2])))}, 401, invalid},
		{"iss with ours as prefix", "RFC 8725 §3.8", []string{bearer(tok(axiomstest.WithClaim("iss", iss.URL()+".evil.example")))}, 401, invalid},
		{"iss as an array", "RFC 7519 §4.1.1", []string{bearer(tok(axiomstest.WithClaim("iss", []string{iss.URL()})))}, 401, invalid},
		{"wrong aud", "RFC 7519 §4.1.3", []string{bearer(tok(axiomstest.WithAudiences("https://other.example.com")))}, 401, invalid},
		{"aud substring of ours", "RFC 8725 §3.9", []string{bearer(tok(axiomstest.WithAudiences(aud[:len(aud)-3])))}, 401, invalid},
		{"aud with ours as prefix", "RFC 8725 §3.9", []string{bearer(tok(axiomstest.WithAudiences(aud + ".evil")))}, 401, invalid},
		{"aud array without ours", "RFC 7519 §4.1.3", []string{bearer(tok(axiomstest.WithAudiences("a", "b", "c")))}, 401, invalid},
		{"aud array with ours accepted", "RFC 7519 §4.1.3", []string{bearer(tok(axiomstest.WithAudiences("a", aud)))}, 200, ""},
		{"duplicate aud in a signed payload", "RFC 7515 §5.2, RFC 8259 §4", []string{bearer(signRaw(t, iss, rsHeader, fmt.Sprintf(`{"iss":%q,"aud":"x","aud":%q,"exp":%d}`, iss.URL(), aud, now.Add(time.Hour).Unix())))}, 401, invalid},
		{"duplicate alg in the header", "RFC 7515 §5.2", []string{bearer(signRaw(t, iss, `{"alg":"none","alg":"RS256","kid":"`+rsKID+`"}`, claimsJSON("")))}, 401, invalid},
		{"signed payload that is an array", "RFC 7519 §7.2", []string{bearer(signRaw(t, iss, rsHeader, `["x"]`))}, 401, invalid},
		{"signed payload that is a string", "RFC 7519 §7.2", []string{bearer(signRaw(t, iss, rsHeader, `"claims"`))}, 401, invalid},
		{"header with a NUL byte", "RFC 7515 §5.2", []string{bearer(signRaw(t, iss, `{"alg":"RS256","kid":"`+rsKID+`\u0000"}`, claimsJSON("")))}, 401, invalid},
		{"raw signed control accepted", "RFC 7515 §5.2", []string{bearer(signRaw(t, iss, rsHeader, claimsJSON("")))}, 200, ""},
		{"base64 with padding", "RFC 7515 §2", []string{bearer(parts[0] + "=." + parts[1] + "." + parts[2])}, 401, invalid},
		{"standard base64 alphabet", "RFC 7515 §2", []string{bearer(strings.NewReplacer("-", "+", "_", "/").Replace(parts[0]) + "+/." + parts[1] + "." + parts[2])}, 401, invalid},
		{"line break inside", "RFC 7515 §7.1", []string{bearer(parts[0] + "\n." + parts[1] + "." + parts[2])}, 401, invalid},
		{"two segments", "RFC 7515 §7.1", []string{bearer(parts[0] + "." + parts[1])}, 401, invalid},
		{"four segments", "RFC 7515 §7.1", []string{bearer(valid + "." + parts[2])}, 401, invalid},
		{"five segments", "RFC 7516 §7.1", []string{bearer(valid + ".a.b")}, 401, invalid},
		{"a JWE", "RFC 7516 §7.1", []string{bearer("eyJhbGciOiJSU0EtT0FFUCIsImVuYyI6IkEyNTZHQ00ifQ.OKOawDo13gRp2ojaHV7LFpZcgV7T6DVZKTyKOMTYUmKoTCVJRgckCL9kiMT03JGe.48V1_ALb6US04U3b.5eym8TW_c8SuK0ltJ3rpYIzOeDQz7TALvtu6UG9oMo4vpzs9tX_EFShS8iB7j6jiSdiwkIr3ajwQzaBtQD_A.XFBoMYUZodetZdvTiFvSkQ")}, 401, invalid},
		{"token of 16 KiB + 1", "RFC 8725 §3.2", []string{bearer(strings.Repeat("a", 16<<10+1))}, 401, invalid},
		{"token of 1 MiB", "RFC 8725 §3.2", []string{bearer(strings.Repeat("a", 1<<20))}, 401, invalid},
		{"scheme in lower case accepted", "RFC 7235 §2.1; docs/runtime.md, responses", []string{"bearer " + valid}, 200, ""},
		{"scheme in upper case accepted", "RFC 7235 §2.1; docs/runtime.md, responses", []string{"BEARER " + valid}, 200, ""},
		{"several spaces accepted", "docs/runtime.md, responses", []string{"Bearer    " + valid}, 200, ""},
		{"empty token", "RFC 6750 §3.1; docs/runtime.md, responses", []string{"Bearer "}, 400, badReq},
		{"token with a blank", "RFC 6750 §2.1", []string{"Bearer " + parts[0] + " " + parts[1]}, 400, badReq},
		{"two Authorization headers", "RFC 6750 §3.1", []string{bearer(valid), bearer(valid)}, 400, badReq},
		{"token only in the query string", "RFC 6750 §2.3", nil, 401, "unauthorized"},
		{"another scheme", "RFC 6750 §3.1", []string{"Basic " + base64.StdEncoding.EncodeToString([]byte("a:b"))}, 401, "unauthorized"},
	}
	if len(tests) < 40 {
		t.Fatalf("only %d cases", len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := serve(t, g, runtime.Requirement{}, tt.auth...)
			if tt.status == 200 {
				if res.status != 200 {
					t.Fatalf("[%s] accepted form refused: %d %s", tt.rfc, res.status, res.challenge)
				}
				return
			}
			if res.status != tt.status || res.code != tt.code || res.called {
				t.Fatalf("[%s] got %d %q (handler called: %v), want %d %q", tt.rfc, res.status, res.code, res.called, tt.status, tt.code)
			}
		})
	}
}

// TestLineBreaksInSegments: Go's base64 decoder skips CR and LF, so a
// token with one inside any segment would decode as if it had none; the
// runtime refuses it as malformed, wherever it sits (Verify is public, so
// tokens need not come from an HTTP header, which cannot carry them).
func TestLineBreaksInSegments(t *testing.T) {
	iss := axiomstest.New(t)
	g := newGuard(t, iss.Config())
	// Segment lengths of every remainder mod 4 (ES384's signature is 128
	// characters: one line break makes it 4k+1, the case where skipping it
	// would not shorten the decoded output).
	for _, tok := range []string{
		iss.Token(t),
		iss.Token(t, axiomstest.WithAlg("ES384")),
		iss.Token(t, axiomstest.WithAlg("ES384"), axiomstest.WithClaim("pad", "x")),
		iss.Token(t, axiomstest.WithAlg("ES384"), axiomstest.WithClaim("pad", "xy")),
	} {
		if _, err := g.Verify(t.Context(), tok); err != nil {
			t.Fatal(err)
		}
		d1 := strings.IndexByte(tok, '.')
		d2 := d1 + 1 + strings.IndexByte(tok[d1+1:], '.')
		for _, at := range []int{1, d1 - 1, d1 + 1, d1 + 5, d2 - 1, d2 + 1, d2 + 7, len(tok) - 1, len(tok)} {
			for _, br := range []string{"\n", "\r", "\r\n", "\n\n\n", "\n\n\n\n\n"} {
				bad := tok[:at] + br + tok[at:]
				_, err := g.Verify(t.Context(), bad)
				if !errors.Is(err, runtime.ErrInvalidToken) {
					t.Errorf("%q at %d of a token with segments %d, %d, %d: %v, want invalid token",
						br, at, d1, d2-d1-1, len(tok)-d2-1, err)
				}
			}
		}
	}
}
