package runtime

import (
	"cmp"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"hash/maphash"
	"math"
	"math/big"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/axioms-go/axiomsgen/runtime/internal/claimcheck"

	"github.com/axioms-go/axiomsgen/runtime/internal/jsonscan"

	"github.com/golang-jwt/jwt/v5"
)

// DPoPMode says how a Guard treats DPoP (RFC 9449) sender-constrained
// tokens on routes whose Requirement does not set DPoP.
type DPoPMode string

const (
	// DPoPAllowed (the default): Bearer tokens without a "cnf.jkt" claim
	// keep working, and requests with the DPoP scheme are fully checked.
	DPoPAllowed DPoPMode = "allowed"
	// DPoPRequired: every guarded route needs a DPoP-bound token and a
	// valid proof.
	DPoPRequired DPoPMode = "required"
	// DPoPDisabled: the DPoP scheme is refused, except on routes whose
	// Requirement sets DPoP.
	DPoPDisabled DPoPMode = "disabled"
)

// DPoP defaults.
const (
	DefaultDPoPMaxAge          = 5 * time.Minute
	DefaultDPoPLeeway          = 5 * time.Second
	DefaultDPoPReplayCacheSize = 500_000
	// replayKeyShare: one DPoP key may hold at most 1/replayKeyShare of
	// the replay store (see keyShares).
	replayKeyShare           = 8
	DefaultDPoPNonceLifetime = 5 * time.Minute

	// maxProofSize caps a DPoP header before any decoding.
	maxProofSize = 8 << 10
	// maxJTI caps a proof's jti.
	maxJTI = 256
)

// The header families a trusted proxy may write (Config.ForwardedHeaders).
const (
	ForwardedX        = "x-forwarded"
	ForwardedStandard = "forwarded"
)

// DefaultDPoPAlgorithms is the proof signature allow-list used when
// Config.DPoPAlgorithms is empty.
var DefaultDPoPAlgorithms = slices.Clone(defaultDPoPAlgorithms)

// defaultDPoPAlgorithms is the runtime's own: DefaultDPoPAlgorithms is a
// copy for reading.
var defaultDPoPAlgorithms = []string{"ES256", "ES384", "PS256", "RS256", "EdDSA"}

// The DPoP rejection kinds, besides those of Authorize.
var (
	// ErrInvalidProof: the DPoP proof failed a check of RFC 9449 section
	// 4.3 (401 invalid_dpop_proof).
	ErrInvalidProof = errors.New("invalid DPoP proof")
	// ErrUseNonce: the proof lacks the server's current nonce; the
	// response carries it in the DPoP-Nonce header (401 use_dpop_nonce).
	ErrUseNonce = errors.New("DPoP nonce required")
)

// ReplayStore remembers the DPoP proofs already used, so a captured proof
// cannot be sent twice. The default keeps them in memory, which is right
// for one instance; several instances behind one name need a shared store
// (the redisstore module is one, on Redis with SET NX PXAT; see
// docs/deployment.md).
type ReplayStore interface {
	// Seen records key until expiry and reports whether it was already
	// recorded (a replay). It must be safe for concurrent use and atomic:
	// of two calls with one key, exactly one returns false. An error
	// rejects the request (503).
	Seen(ctx context.Context, key string, expiry time.Time) (bool, error)
}

// scheme is the authorization scheme of a request.
type scheme uint8

const (
	schemeNone scheme = iota
	schemeBearer
	schemeDPoP
)

// dpopVerifier checks DPoP proofs for a Guard.
type dpopVerifier struct {
	mode     DPoPMode
	algs     []string
	algsText string
	maxAge   time.Duration
	leeway   time.Duration
	base     *url.URL // scheme, host and path prefix of the external URL
	proxies  []netip.Prefix
	// forwardedHeader is the header family the trusted proxies write.
	forwardedHeader string
	replay          ReplayStore
	shares          *keyShares
	nonces          NonceSource // nil: no server nonces
	now             func() time.Time
}

func newDPoPVerifier(cfg Config) *dpopVerifier {
	d := &dpopVerifier{
		mode: cfg.DPoP, algs: cfg.DPoPAlgorithms, algsText: strings.Join(cfg.DPoPAlgorithms, " "),
		maxAge: cfg.DPoPMaxAge, leeway: cfg.DPoPLeeway, replay: cfg.DPoPReplay, now: cfg.Now,
	}
	if d.now == nil {
		d.now = time.Now
	}
	if cfg.DPoPBaseURL != "" {
		u, _ := url.Parse(cfg.DPoPBaseURL) // validated
		d.base = &url.URL{Scheme: strings.ToLower(u.Scheme), Host: normalHost(strings.ToLower(u.Scheme), u.Host), Path: strings.TrimSuffix(u.EscapedPath(), "/")}
	}
	for _, p := range cfg.TrustedProxies {
		prefix, _ := parsePrefix(strings.TrimSpace(p)) // validated
		d.proxies = append(d.proxies, prefix)
	}
	d.forwardedHeader = cfg.ForwardedHeaders
	if d.replay == nil {
		d.replay = NewMemoryReplayStore(cfg.DPoPReplayCacheSize, d.now)
	}
	d.shares = newKeyShares(d.maxAge+d.leeway, cmp.Or(cfg.DPoPReplayCacheSize, DefaultDPoPReplayCacheSize)/replayKeyShare)
	switch {
	case cfg.DPoPNonces != nil:
		d.nonces = cfg.DPoPNonces
	case cfg.DPoPNonce:
		d.nonces = newNonceSource(cfg.DPoPNonceLifetime, d.now)
	}
	return d
}

// accepts reports which schemes a route with req accepts.
func (d *dpopVerifier) accepts(req Requirement) (bearer, dpop bool) {
	return d.mode != DPoPRequired && !req.DPoP, d.mode != DPoPDisabled || req.DPoP
}

// proof is a DPoP proof whose signature and claims were checked.
type proof struct {
	jkt string
	jti string
	iat time.Time
}

func proofError(desc string, cause error) *Error { return newError(ErrInvalidProof, desc, cause) }

// verify checks the request's DPoP proof for token (RFC 9449 section
// 4.3), all but the binding to the token and the replay check.
func (d *dpopVerifier) verify(r *http.Request, token string) (*proof, error) {
	values := r.Header.Values("DPoP")
	switch len(values) {
	case 0:
		return nil, newError(ErrInvalidRequest, "the DPoP scheme needs a DPoP header holding a proof", nil)
	case 1:
	default:
		return nil, newError(ErrInvalidRequest, "the request has several DPoP headers", nil)
	}
	raw := values[0]
	if len(raw) > maxProofSize {
		return nil, proofError(fmt.Sprintf("the proof is longer than %d bytes", maxProofSize), nil)
	}
	return d.check(r.Context(), raw, r.Method, token, func() (string, error) { return d.requestURL(r) })
}

// check validates a proof for method, the URL reqURL returns and the
// access token (ath; "" skips it, for proofs sent to token endpoints).
func (d *dpopVerifier) check(ctx context.Context, raw, method, token string, reqURL func() (string, error)) (*proof, error) {
	h, payload, signingInput, sig, err := splitProof(raw)
	if err != nil {
		return nil, err
	}
	if typ, _ := h["typ"].(string); !strings.EqualFold(typ, "dpop+jwt") {
		return nil, proofError(`the proof's typ must be "dpop+jwt"`, nil)
	}
	alg, _ := h["alg"].(string)
	if !slices.Contains(d.algs, alg) {
		return nil, proofError(fmt.Sprintf("the proof's alg %q is not accepted (use one of %s)", alg, d.algsText), nil)
	}
	if _, ok := h["crit"]; ok {
		return nil, proofError("the proof has a crit header this server does not understand", nil)
	}
	jwkObj, ok := h["jwk"].(map[string]any)
	if !ok {
		return nil, proofError("the proof's header has no jwk object", nil)
	}
	key, jkt, err := proofKey(jwkObj, alg)
	if err != nil {
		return nil, proofError("the proof's jwk is not usable: "+err.Error(), nil)
	}

	jti, _ := payload["jti"].(string)
	switch {
	case jti == "":
		return nil, proofError("the proof has no jti", nil)
	case len(jti) > maxJTI:
		return nil, proofError(fmt.Sprintf("the proof's jti is longer than %d bytes", maxJTI), nil)
	}
	if htm, _ := payload["htm"].(string); htm != method {
		return nil, proofError("the proof's htm is not the request's method", nil)
	}
	htu, _ := payload["htu"].(string)
	gotURL, err := normalizeURL(htu)
	if err != nil {
		return nil, proofError("the proof's htu is not an absolute http(s) URL", err)
	}
	want, err := reqURL()
	if err != nil {
		return nil, err
	}
	if gotURL != want {
		return nil, proofError("the proof's htu is not the URL of this request", nil)
	}
	iatNum, ok := payload["iat"].(float64)
	if !ok || !(iatNum > -claimcheck.MaxNumericDate && iatNum < claimcheck.MaxNumericDate) {
		return nil, proofError("the proof has no numeric iat", nil)
	}
	iat := claimcheck.Time(iatNum)
	now := d.now()
	switch {
	case claimcheck.NotYet(now, iat, d.leeway):
		return nil, proofError("the proof's iat is in the future", nil)
	case iat.Before(now.Add(-d.maxAge)):
		return nil, proofError(fmt.Sprintf("the proof is older than %s: make a new one for each request", d.maxAge), nil)
	}
	if token != "" {
		ath, _ := payload["ath"].(string)
		sum := sha256.Sum256([]byte(token))
		if subtle.ConstantTimeCompare([]byte(ath), []byte(base64.RawURLEncoding.EncodeToString(sum[:]))) != 1 {
			return nil, proofError("the proof's ath is not the hash of this access token", nil)
		}
	}
	// The signature last: it is the expensive check, and junk proofs
	// should not cost one.
	signing := jwt.GetSigningMethod(alg)
	if signing == nil {
		return nil, proofError(fmt.Sprintf("the proof's alg %q is not supported", alg), nil)
	}
	if err := signing.Verify(signingInput, sig, key); err != nil {
		return nil, proofError("the proof's signature does not verify with its jwk", err)
	}
	if d.nonces != nil {
		nonce, _ := payload["nonce"].(string)
		ok := false
		if nonce != "" {
			var err error
			if ok, err = d.nonces.Valid(ctx, nonce); err != nil {
				return nil, newError(ErrKeysUnavailable, "the DPoP nonce check is unavailable; retry later", err)
			}
		}
		if !ok {
			return nil, newError(ErrUseNonce, "the proof must carry the server's nonce: retry with the DPoP-Nonce of this response", nil)
		}
	}
	return &proof{jkt: jkt, jti: jti, iat: iat}, nil
}

// splitProof decodes a compact JWS with the token's own splitting and
// decoding: header and payload objects, the signing input and the
// signature.
func splitProof(raw string) (header, payload map[string]any, signingInput string, sig []byte, err error) {
	seg, ok := splitJWS(raw)
	if !ok {
		return nil, nil, "", nil, proofError("the proof is not a compact JWS (three dot-separated base64url parts)", nil)
	}
	src := []byte(raw)
	buf := make([]byte, 0, len(raw))
	obj := func(span [2]int, what string) (map[string]any, error) {
		var b []byte
		if b, buf, err = decodeSegment(buf, seg.bytes(src, span)); err != nil {
			return nil, proofError("the proof's "+what+" is not base64url", err)
		}
		m, err := jsonscan.Parse(string(b))
		if err != nil {
			return nil, proofError("the proof's "+what+" is not a JSON object", err)
		}
		return m, nil
	}
	if header, err = obj(seg.header, "header"); err != nil {
		return nil, nil, "", nil, err
	}
	if payload, err = obj(seg.payload, "payload"); err != nil {
		return nil, nil, "", nil, err
	}
	if sig, _, err = decodeSegment(buf, seg.bytes(src, seg.signature)); err != nil || len(sig) == 0 {
		return nil, nil, "", nil, proofError("the proof's signature is not base64url", err)
	}
	return header, payload, raw[:seg.payload[1]], sig, nil
}

// privateMembers are JWK members only private (or symmetric) keys have.
var privateMembers = []string{"d", "p", "q", "dp", "dq", "qi", "oth", "k"}

// proofKey turns the proof's jwk into a public key of the type alg needs
// and computes its RFC 7638 SHA-256 thumbprint.
func proofKey(jwk map[string]any, alg string) (crypto.PublicKey, string, error) {
	for _, m := range privateMembers {
		if _, ok := jwk[m]; ok {
			return nil, "", fmt.Errorf("it holds the private member %q: send only the public key", m)
		}
	}
	str := func(name string) string { s, _ := jwk[name].(string); return s }
	if a := str("alg"); a != "" && a != alg {
		return nil, "", fmt.Errorf("its alg %q is not the proof's alg", a)
	}
	if use := str("use"); use != "" && use != "sig" {
		return nil, "", fmt.Errorf("its use %q is not sig", use)
	}
	b64 := func(name string, size int) ([]byte, error) {
		b, err := base64.RawURLEncoding.Strict().DecodeString(str(name))
		if err != nil || len(b) == 0 || (size > 0 && len(b) != size) {
			return nil, fmt.Errorf("member %q is missing or malformed", name)
		}
		return b, nil
	}
	kty := str("kty")
	var key crypto.PublicKey
	var members string
	switch {
	case strings.HasPrefix(alg, "RS") || strings.HasPrefix(alg, "PS"):
		if kty != "RSA" {
			return nil, "", fmt.Errorf("kty %q does not fit alg %s (want RSA)", kty, alg)
		}
		n, err := b64("n", 0)
		if err != nil {
			return nil, "", err
		}
		e, err := b64("e", 0)
		if err != nil {
			return nil, "", err
		}
		pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n)}
		if bits := pub.N.BitLen(); bits < 2048 || bits > 4096 {
			return nil, "", fmt.Errorf("an RSA key of %d bits is not accepted (2048 to 4096)", bits)
		}
		ev := new(big.Int).SetBytes(e)
		if !ev.IsInt64() || ev.Int64() < 3 || ev.Int64() > math.MaxInt32 || ev.Bit(0) == 0 {
			return nil, "", errors.New("the RSA exponent is not valid")
		}
		pub.E = int(ev.Int64())
		key = pub
		members = `{"e":"` + str("e") + `","kty":"RSA","n":"` + str("n") + `"}`
	case strings.HasPrefix(alg, "ES"):
		var curve elliptic.Curve
		var crv string
		var size int
		switch alg {
		case "ES256":
			curve, crv, size = elliptic.P256(), "P-256", 32
		case "ES384":
			curve, crv, size = elliptic.P384(), "P-384", 48
		case "ES512":
			curve, crv, size = elliptic.P521(), "P-521", 66
		default:
			return nil, "", fmt.Errorf("alg %s is not supported", alg)
		}
		if kty != "EC" || str("crv") != crv {
			return nil, "", fmt.Errorf("kty %q crv %q do not fit alg %s (want EC %s)", kty, str("crv"), alg, crv)
		}
		x, err := b64("x", size)
		if err != nil {
			return nil, "", err
		}
		y, err := b64("y", size)
		if err != nil {
			return nil, "", err
		}
		pub, err := ecdsa.ParseUncompressedPublicKey(curve, append(append([]byte{4}, x...), y...))
		if err != nil {
			return nil, "", errors.New("the EC point is not on the curve")
		}
		key = pub
		members = `{"crv":"` + crv + `","kty":"EC","x":"` + str("x") + `","y":"` + str("y") + `"}`
	case alg == "EdDSA":
		if kty != "OKP" || str("crv") != "Ed25519" {
			return nil, "", fmt.Errorf("kty %q crv %q do not fit alg EdDSA (want OKP Ed25519)", kty, str("crv"))
		}
		x, err := b64("x", ed25519.PublicKeySize)
		if err != nil {
			return nil, "", err
		}
		key = ed25519.PublicKey(x)
		members = `{"crv":"Ed25519","kty":"OKP","x":"` + str("x") + `"}`
	default:
		return nil, "", fmt.Errorf("alg %s is not supported", alg)
	}
	sum := sha256.Sum256([]byte(members))
	return key, base64.RawURLEncoding.EncodeToString(sum[:]), nil
}

// requestURL is the normalised URL the client used for r, from the
// configured base URL, or from the forwarding headers a trusted proxy
// wrote. A Host header is never used: it is whatever the client sent.
func (d *dpopVerifier) requestURL(r *http.Request) (string, error) {
	path := normalizePercent(r.URL.EscapedPath())
	if removeDotSegments(path) != path {
		// The router sees the path as it is; resolving the dots here
		// could name a resource outside this API (a base path prefix).
		return "", proofError("the request path has dot segments", nil)
	}
	if d.base != nil {
		return normalizeURL(d.base.Scheme + "://" + d.base.Host + d.base.Path + path)
	}
	if !d.fromTrustedProxy(r) {
		return "", proofError("this server cannot check htu: it has no external base URL (AXIOMS_DPOP_BASE_URL) and the request did not come through a trusted proxy (AXIOMS_TRUSTED_PROXIES)", nil)
	}
	proto, host := d.forwarded(r.Header)
	if proto == "" || host == "" {
		return "", proofError("the trusted proxy did not say the external scheme and host (X-Forwarded-Proto and X-Forwarded-Host, or Forwarded proto= and host=, as AXIOMS_FORWARDED_HEADERS says)", nil)
	}
	return normalizeURL(proto + "://" + host + path)
}

func (d *dpopVerifier) fromTrustedProxy(r *http.Request) bool {
	if len(d.proxies) == 0 {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	ip = ip.Unmap()
	for _, p := range d.proxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// forwarded reads the scheme and host the nearest proxy recorded, from
// the one header family it is configured to write: the last element of
// Forwarded, or the last values of X-Forwarded-Proto and X-Forwarded-Host
// (proxies append, so the last ones are the trusted proxy's own; what a
// client wrote to their left is ignored).
func (d *dpopVerifier) forwarded(h http.Header) (proto, host string) {
	if d.forwardedHeader == ForwardedStandard {
		values := h.Values("Forwarded")
		if len(values) == 0 {
			return "", ""
		}
		elems := strings.Split(values[len(values)-1], ",")
		for pair := range strings.SplitSeq(elems[len(elems)-1], ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(pair), "=")
			v = strings.Trim(v, `"`)
			switch strings.ToLower(k) {
			case "proto":
				proto = v
			case "host":
				host = v
			}
		}
		return proto, host
	}
	last := func(name string) string {
		values := h.Values(name)
		if len(values) == 0 {
			return ""
		}
		items := strings.Split(values[len(values)-1], ",")
		return strings.TrimSpace(items[len(items)-1])
	}
	return last("X-Forwarded-Proto"), last("X-Forwarded-Host")
}

// normalizeURL applies RFC 3986 syntax- and scheme-based normalisation
// (section 6.2.2, 6.2.3) to an absolute http(s) URL and drops its query
// and fragment: lower-case scheme and host, no default port, upper-case
// percent-encoding hex, unreserved characters decoded, dot segments
// removed, empty path as "/".
func normalizeURL(raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	scheme := strings.ToLower(u.Scheme)
	if (scheme != "http" && scheme != "https") || u.Host == "" || u.Opaque != "" || u.User != nil {
		return "", errors.New("not an absolute http(s) URL without user information")
	}
	path := normalizePercent(u.EscapedPath())
	path = removeDotSegments(path)
	if path == "" {
		path = "/"
	}
	return scheme + "://" + normalHost(scheme, strings.ToLower(u.Host)) + path, nil
}

// normalHost drops the scheme's default port.
func normalHost(scheme, host string) string {
	if h, port, err := net.SplitHostPort(host); err == nil {
		if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") || port == "" {
			if strings.Contains(h, ":") {
				return "[" + h + "]"
			}
			return h
		}
	}
	return host
}

// normalizePercent decodes percent-encoded unreserved characters and
// upper-cases the hex digits of the others.
func normalizePercent(s string) string {
	if !strings.Contains(s, "%") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) {
			if v, err := strconv.ParseUint(s[i+1:i+3], 16, 8); err == nil {
				c := byte(v)
				if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' {
					b.WriteByte(c)
				} else {
					b.WriteString("%" + strings.ToUpper(s[i+1:i+3]))
				}
				i += 2
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// removeDotSegments is RFC 3986 section 5.2.4.
func removeDotSegments(in string) string {
	if !strings.Contains(in, ".") {
		return in
	}
	var out []string
	segs := strings.Split(in, "/")
	for i, seg := range segs {
		switch seg {
		case ".":
			if i == len(segs)-1 {
				out = append(out, "")
			}
		case "..":
			if len(out) > 1 {
				out = out[:len(out)-1]
			}
			if i == len(segs)-1 {
				out = append(out, "")
			}
		default:
			out = append(out, seg)
		}
	}
	return strings.Join(out, "/")
}

// parsePrefix parses a CIDR or a single IP address; an IPv4-mapped IPv6
// prefix becomes its IPv4 prefix, as peers are compared unmapped.
func parsePrefix(s string) (netip.Prefix, error) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return p, err
		}
		if p.Addr().Is4In6() {
			if p.Bits() < 96 {
				return netip.Prefix{}, errors.New("an IPv4-mapped prefix needs at least 96 bits")
			}
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p.Masked(), nil
	}
	ip, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	return netip.PrefixFrom(ip.Unmap(), ip.Unmap().BitLen()), nil
}

// NonceSource issues and checks DPoP server nonces (RFC 9449 section 8).
// With Config.DPoPNonce the Guard uses one of its own, in the process: a
// random nonce rotated every DPoPNonceLifetime, the previous one accepted
// one more lifetime. Several instances behind one name need a source they
// share (Config.DPoPNonces), so that a nonce one of them issues the others
// accept. Implementations must be safe for concurrent use.
type NonceSource interface {
	// Nonce returns the nonce to send now in the DPoP-Nonce header.
	Nonce(ctx context.Context) (string, error)
	// Valid reports whether a proof's nonce is accepted. An error
	// rejects the request with 503.
	Valid(ctx context.Context, nonce string) (bool, error)
}

// nonceSource hands out server nonces (RFC 9449 section 8): the current
// one and the one before it are accepted; it rotates lazily, with no
// goroutine, and readers take no lock.
type nonceSource struct {
	lifetime time.Duration
	now      func() time.Time
	state    atomic.Pointer[nonceState]
}

type nonceState struct {
	cur, prev string
	until     time.Time
}

func newNonceSource(lifetime time.Duration, now func() time.Time) *nonceSource {
	n := &nonceSource{lifetime: lifetime, now: now}
	n.state.Store(&nonceState{cur: randomNonce(), until: now().Add(lifetime)})
	return n
}

func randomNonce() string {
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (n *nonceSource) load() *nonceState {
	for {
		s := n.state.Load()
		now := n.now()
		if now.Before(s.until) {
			return s
		}
		next := &nonceState{cur: randomNonce(), prev: s.cur, until: now.Add(n.lifetime)}
		if now.After(s.until.Add(n.lifetime)) {
			next.prev = "" // both are too old
		}
		if n.state.CompareAndSwap(s, next) {
			return next
		}
	}
}

// Nonce implements NonceSource.
func (n *nonceSource) Nonce(context.Context) (string, error) { return n.load().cur, nil }

// Valid implements NonceSource.
func (n *nonceSource) Valid(_ context.Context, s string) (bool, error) {
	st := n.load()
	return s != "" && (s == st.cur || s == st.prev), nil
}

// MemoryReplayStore is the default ReplayStore: 64 shards, each a map
// under its own lock, bounded in entries. Expired entries are swept as
// new ones arrive. When a shard is full of unexpired entries, Seen fails
// (fail closed: the request gets 503 rather than a replay window).
type MemoryReplayStore struct {
	shards [64]replayShard
	seed   maphash.Seed // shard choice: unpredictable, so no shard can be aimed at
	now    func() time.Time
}

type replayShard struct {
	mu        sync.Mutex
	seen      map[[32]byte]int64 // key hash -> expiry, unix nanoseconds
	max       int
	nextSweep int64
}

// NewMemoryReplayStore returns an in-memory ReplayStore for at most size
// entries (DefaultDPoPReplayCacheSize when size <= 0), about 60 bytes
// each. now is the clock (nil: time.Now).
func NewMemoryReplayStore(size int, now func() time.Time) *MemoryReplayStore {
	if size <= 0 {
		size = DefaultDPoPReplayCacheSize
	}
	if now == nil {
		now = time.Now
	}
	s := &MemoryReplayStore{now: now, seed: maphash.MakeSeed()}
	for i := range s.shards {
		s.shards[i].seen = map[[32]byte]int64{}
		s.shards[i].max = max(size/len(s.shards), 1)
	}
	return s
}

var errReplayFull = errors.New("the DPoP replay cache is full")

// Seen implements ReplayStore.
func (s *MemoryReplayStore) Seen(_ context.Context, key string, expiry time.Time) (bool, error) {
	h := sha256.Sum256([]byte(key))
	sh := &s.shards[maphash.String(s.seed, key)&63]
	now := s.now().UnixNano()
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if exp, ok := sh.seen[h]; ok && exp > now {
		return true, nil
	}
	if len(sh.seen) >= sh.max || now >= sh.nextSweep {
		for k, exp := range sh.seen {
			if exp <= now {
				delete(sh.seen, k)
			}
		}
		sh.nextSweep = now + int64(time.Second)
		if len(sh.seen) >= sh.max {
			return false, errReplayFull
		}
	}
	sh.seen[h] = expiry.UnixNano()
	return false, nil
}

// Len is the number of entries held, expired ones not yet swept included.
func (s *MemoryReplayStore) Len() int {
	n := 0
	for i := range s.shards {
		s.shards[i].mu.Lock()
		n += len(s.shards[i].seen)
		s.shards[i].mu.Unlock()
	}
	return n
}

// checkDPoP checks a DPoP request's proof and its binding to the verified
// token; record then makes sure the proof was never used before.
func (g *Guard) checkDPoP(r *http.Request, token string, c *Claims) (*proof, error) {
	p, err := g.dpop.verify(r, token)
	if err != nil {
		return nil, err
	}
	if c.JKT == "" {
		return nil, newError(ErrInvalidToken, "the access token is not DPoP-bound (no cnf.jkt): send it with the Bearer scheme", nil)
	}
	if subtle.ConstantTimeCompare([]byte(c.JKT), []byte(p.jkt)) != 1 {
		return nil, proofError("the proof's key is not the key the access token is bound to (cnf.jkt)", nil)
	}
	return p, nil
}

// record enters a checked proof in the replay store, within its key's
// share of the store.
func (d *dpopVerifier) record(ctx context.Context, p *proof) error {
	if !d.shares.take(p.jkt, d.now()) {
		return newError(ErrKeysUnavailable, "this DPoP key sent more proofs than its share of the replay store holds; retry later", nil)
	}
	seen, err := d.replay.Seen(ctx, p.jkt+":"+p.jti, p.iat.Add(d.maxAge+d.leeway))
	if err != nil || seen {
		d.shares.give(p.jkt) // nothing was recorded
	}
	if err != nil {
		return newError(ErrKeysUnavailable, "the DPoP replay check is unavailable; retry later", err)
	}
	if seen {
		return proofError("the proof was already used: make a new one (new jti) for each request", nil)
	}
	return nil
}

// keyShares bounds the proofs one key (jkt) may enter in the replay
// store, so that the holder of one bound token cannot fill the store and
// make it refuse everyone's proofs. A proof stays in the store for one
// window (its maximum age plus the leeway); proofs are counted per key in
// buckets one window long, and the current and previous buckets together
// may hold at most max: a key can enter at most max proofs in any window,
// that is a sustained max/(2*window) requests per second (with the
// defaults, an eighth of 500,000 proofs over 5 min 5 s: about 100 per
// second and key).
type keyShares struct {
	window time.Duration
	max    uint32

	mu        sync.Mutex
	keys      map[string]*keyShare
	nextSweep time.Time
}

type keyShare struct {
	bucket    int64 // index of the current bucket: time / window
	cur, prev uint32
}

func newKeyShares(window time.Duration, limit int) *keyShares {
	return &keyShares{window: max(window, time.Second), max: uint32(max(limit, 1)), keys: map[string]*keyShare{}}
}

// take counts one more proof of jkt at now, or reports false when the key
// has used its share.
func (s *keyShares) take(jkt string, now time.Time) bool {
	b := now.UnixNano() / int64(s.window)
	s.mu.Lock()
	defer s.mu.Unlock()
	if !now.Before(s.nextSweep) {
		// Keys whose proofs have all expired hold nothing: forget them.
		for k, e := range s.keys {
			if e.bucket < b-1 {
				delete(s.keys, k)
			}
		}
		s.nextSweep = now.Add(s.window)
	}
	e := s.keys[jkt]
	switch {
	case e == nil:
		e = &keyShare{bucket: b}
		s.keys[jkt] = e
	case e.bucket == b-1:
		e.bucket, e.prev, e.cur = b, e.cur, 0
	case e.bucket < b-1:
		e.bucket, e.prev, e.cur = b, 0, 0
	}
	if e.cur+e.prev >= s.max {
		return false
	}
	e.cur++
	return true
}

// give takes back a proof take counted but the store did not record.
func (s *keyShares) give(jkt string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e := s.keys[jkt]; e != nil && e.cur > 0 {
		e.cur--
	}
}

// dpopChallenge carries what the challenges of a rejection need when DPoP
// is in play.
type dpopChallenge struct {
	bearer, dpop bool   // schemes the route accepts
	used         scheme // scheme of the request
	algs         string
	nonce        string // DPoP-Nonce to send, if any
}

// annotate attaches the DPoP challenge context and the resource's
// metadata URL to a rejection.
func (g *Guard) annotate(ctx context.Context, err error, req Requirement, used scheme) error {
	var e *Error
	if !errors.As(err, &e) {
		e = newError(kindOf(err), "", err)
	} else {
		c := *e
		e = &c
	}
	e.metadata = g.metadata
	if g.cfg.DPoP == DPoPDisabled && !req.DPoP {
		return e // Bearer only
	}
	bearer, dpop := g.dpop.accepts(req)
	e.dpop = &dpopChallenge{bearer: bearer, dpop: dpop, used: used, algs: g.dpop.algsText}
	if dpop {
		e.dpop.nonce = g.dpop.nonce(ctx)
	}
	return e
}

// nonce is the DPoP-Nonce to send: "" without server nonces, or when the
// source fails (the request then ends as it would have, without one).
func (d *dpopVerifier) nonce(ctx context.Context) string {
	if d.nonces == nil {
		return ""
	}
	n, err := d.nonces.Nonce(ctx)
	if err != nil {
		return ""
	}
	return n
}
