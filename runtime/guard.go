package runtime

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"github.com/axioms-go/axiomsgen/runtime/internal/recent"

	"github.com/axioms-go/axiomsgen/runtime/internal/jsonscan"

	"github.com/golang-jwt/jwt/v5"
)

// maxKIDLength bounds the "kid" header; longer values are rejected
// without a key lookup or refresh.
const maxKIDLength = 256

// Mux is what generated RegisterRoutes functions register on; it is
// satisfied by *http.ServeMux and by chi's router.
type Mux interface {
	Handle(pattern string, handler http.Handler)
}

// Guard validates access tokens for one issuer and checks route
// requirements. It is safe for concurrent use; create one per process with
// New and Close it on shutdown.
type Guard struct {
	cfg       Config
	primary   *issuer            // Config.Issuer
	issuers   map[string]*issuer // every accepted issuer by its "iss", primary included
	cache     *tokenCache        // nil when off
	intro     *introspector      // nil without IntrospectionURL
	dpop      *dpopVerifier
	scratch   sync.Pool               // *[]byte decode buffers
	headers   recent.Cache[jwsHeader] // the JOSE headers of the last tokens verified
	closeOnce sync.Once
	// metadata is the URL of the resource's metadata (RFC 9728), and
	// metadataPath its path; "" without Config.Resource.
	metadata, metadataPath string
}

// New validates cfg and returns a Guard. It fetches the issuer's keys
// before returning, waiting at most until ctx ends or the fetch gives up
// (the discovery document and the key set are each bounded by
// Config.FetchTimeout);
// if that fetch fails, New still returns a working Guard, logs the cause,
// answers requests that carry a token with 503 and keeps retrying with
// backoff. The Guard refreshes its keys until Close; cancelling ctx does
// not stop it.
func New(ctx context.Context, cfg Config) (*Guard, error) {
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("axioms: invalid configuration: %w", err)
	}
	cfg = cfg.withDefaults()
	g := &Guard{
		cfg:     cfg,
		issuers: map[string]*issuer{},
		cache:   newTokenCache(cfg.TokenCacheSize, cfg.TokenCacheMaxBytes, cfg.Leeway, cfg.Now),
		dpop:    newDPoPVerifier(cfg),
	}
	g.metadata, g.metadataPath = metadataLocation(cfg.Resource)
	for _, ic := range cfg.issuerConfigs() {
		iss := newIssuer(ctx, ic)
		g.issuers[ic.Issuer] = iss
		if g.primary == nil {
			g.primary = iss
		}
	}
	if cfg.IntrospectionURL != "" {
		client := cfg.HTTPClient
		if client == nil {
			client = newHTTPClient(cfg.FetchTimeout)
		}
		// The client secret travels with the request: never follow a
		// redirect with it.
		noRedirect := *client
		noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		g.intro = newIntrospector(ctx, cfg, &noRedirect)
	}
	for _, iss := range g.issuers {
		if iss.keys != nil {
			iss.keys.start(ctx)
		}
	}
	return g, nil
}

// issuer is what the Guard needs of one accepted issuer: its allow-list,
// its registered-claim checks, its claim names and its own key set, so
// that keys of one issuer never verify a token claiming another.
type issuer struct {
	cfg     Config // the Guard's Config narrowed to this issuer
	methods map[string]jwt.SigningMethod
	keys    *keySource // nil with IntrospectAll
}

func newIssuer(ctx context.Context, cfg Config) *issuer {
	iss := &issuer{
		cfg:     cfg,
		methods: make(map[string]jwt.SigningMethod),
	}
	for _, alg := range cfg.Algorithms {
		iss.methods[alg] = jwt.GetSigningMethod(alg)
	}
	if !cfg.IntrospectAll {
		iss.keys = newKeySource(ctx, cfg)
	}
	return iss
}

// Close stops the key refresh and the token introspection, cancelling any
// fetch or call in flight, and waits for their goroutines to end. It is safe to call more than once.
func (g *Guard) Close() error {
	g.closeOnce.Do(func() {
		var wg sync.WaitGroup
		for _, iss := range g.issuers {
			if iss.keys != nil {
				wg.Go(iss.keys.close)
			}
		}
		if g.intro != nil {
			wg.Go(g.intro.close)
		}
		wg.Wait()
	})
	return nil
}

// Handler returns next guarded by req: a request reaches next only with a
// valid token meeting req, and with its Claims in the request context.
func (g *Guard) Handler(req Requirement, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r, _, ok := g.Enforce(w, r, req); ok {
			next.ServeHTTP(w, r)
		}
	})
}

// Enforce is Handler for router adapters (gin, echo and generated code):
// it authorizes r against req. On success it returns r with the claims
// in its context, the claims and true; on failure it has written the
// rejection through WriteError and returns false, and the caller must
// stop (gin: Abort; echo: return nil).
func (g *Guard) Enforce(w http.ResponseWriter, r *http.Request, req Requirement) (*http.Request, *Claims, bool) {
	c, err := g.Authorize(r, req)
	if err != nil {
		g.WriteError(w, r, err)
		return r, nil, false
	}
	if c.SenderConstrained {
		if n := g.dpop.nonce(r.Context()); n != "" {
			w.Header().Set("DPoP-Nonce", n)
		}
	}
	return r.WithContext(ContextWithClaims(r.Context(), c)), c, true
}

// Check is Authorize for transports that write their own rejections
// (gRPC, Connect): it authorizes r against req and returns the claims and
// the headers the response must carry. On success that is the DPoP-Nonce
// of a DPoP request, when nonces are on; on failure it is what the HTTP
// rejection would carry (WWW-Authenticate, Retry-After, DPoP-Nonce), and
// err says the rest: StatusCode, ErrorCode and Description map it. h is
// nil when there is nothing to send.
func (g *Guard) Check(r *http.Request, req Requirement) (c *Claims, h http.Header, err error) {
	c, err = g.Authorize(r, req)
	if err != nil {
		h = http.Header{}
		setRejectionHeader(h, err, g.cfg.Realm)
		if len(h) == 0 {
			h = nil
		}
		return nil, h, err
	}
	if c.SenderConstrained {
		if n := g.dpop.nonce(r.Context()); n != "" {
			h = http.Header{"Dpop-Nonce": {n}}
		}
	}
	return c, h, nil
}

// Middleware returns Handler as a func(http.Handler) http.Handler, for
// routers' middleware chains or to guard a whole mux.
func (g *Guard) Middleware(req Requirement) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler { return g.Handler(req, next) }
}

// Authorize checks the request's access token (Bearer, or DPoP with its
// proof) and req, and returns the token's claims. Errors match one of
// ErrNoToken, ErrInvalidRequest, ErrInvalidToken, ErrInsufficient,
// ErrKeysUnavailable, ErrInvalidProof or ErrUseNonce with errors.Is; pass
// them to WriteError. Authorize does not modify r.
func (g *Guard) Authorize(r *http.Request, req Requirement) (*Claims, error) {
	used, token, err := credentials(r, g.cfg.MaxTokenSize)
	if err == nil {
		var c *Claims
		if c, err = g.authorize(r, req, used, token); err == nil {
			return c, nil
		}
	}
	if g.cfg.DPoP == DPoPDisabled && !req.DPoP && g.metadata == "" {
		return nil, err // Bearer only: the RFC 6750 challenge alone
	}
	return nil, g.annotate(r.Context(), err, req, used)
}

func (g *Guard) authorize(r *http.Request, req Requirement, used scheme, token string) (*Claims, error) {
	bearer, dpop := g.dpop.accepts(req)
	switch {
	case used == schemeBearer && !bearer:
		return nil, newError(ErrNoToken, "this route needs a DPoP-bound access token sent with the DPoP scheme and a proof", nil)
	case used == schemeDPoP && !dpop:
		return nil, newError(ErrNoToken, "this server does not accept the DPoP scheme: send a bearer token", nil)
	}
	c, err := g.Verify(r.Context(), token)
	if err != nil {
		return nil, err
	}
	if c.JKT == "" && c.cnf {
		// A confirmation this server cannot verify (mTLS x5t#S256, a
		// malformed jkt): binding it ignores would make it a bearer token.
		return nil, newError(ErrInvalidToken, "the access token has a cnf claim this server cannot verify (only a DPoP cnf.jkt string)", nil)
	}
	var p *proof
	if used == schemeDPoP {
		if p, err = g.checkDPoP(r, token, c); err != nil {
			return nil, err
		}
	} else if c.JKT != "" {
		// RFC 9449 section 7.1: a stolen bound token must not downgrade.
		return nil, newError(ErrInvalidToken, "the access token is DPoP-bound (cnf.jkt): send it with the DPoP scheme and a proof", nil)
	}
	// Authentication strength first: a client that must authenticate
	// again gets the token it needs for the rest too.
	if err := req.checkStepUp(c, g.cfg.Now(), g.cfg.Leeway); err != nil {
		return nil, err
	}
	if err := req.check(c); err != nil {
		return nil, err
	}
	if p != nil {
		// Last, once everything else passed: a proof is recorded only for
		// a request that would be served, so a token that fails the route
		// cannot fill the replay store.
		if err := g.dpop.record(r.Context(), p); err != nil {
			return nil, err
		}
		c.SenderConstrained = true
	}
	return c, nil
}

// WriteError writes the rejection response for an error from Authorize,
// through Config.ErrorWriter when set.
func (g *Guard) WriteError(w http.ResponseWriter, r *http.Request, err error) {
	if g.cfg.ErrorWriter != nil {
		g.cfg.ErrorWriter(w, r, err)
		return
	}
	// Rejections can come in floods: build the log record only when it
	// will be written.
	if g.cfg.Logger.Enabled(r.Context(), slog.LevelDebug) {
		g.cfg.Logger.DebugContext(r.Context(), "axioms: request rejected",
			"method", r.Method, "path", r.URL.Path, "status", StatusCode(err), "error", err)
	}
	WriteErrorResponse(w, err, g.cfg.Realm)
}

// credentials extracts the scheme and token of the request's
// Authorization header: Bearer or DPoP.
func credentials(r *http.Request, maxSize int) (scheme, string, error) {
	values := r.Header["Authorization"] // the canonical key: what Header.Values looks up
	switch len(values) {
	case 0:
		return schemeNone, "", &Error{Kind: ErrNoToken}
	case 1:
	default:
		return schemeNone, "", newError(ErrInvalidRequest, "the request has several Authorization headers", nil)
	}
	v := values[0]
	name, rest, _ := strings.Cut(v, " ")
	var used scheme
	switch {
	case strings.EqualFold(name, "Bearer"):
		used = schemeBearer
	case strings.EqualFold(name, "DPoP"):
		used = schemeDPoP
	default:
		// Another scheme (Basic, ...) carries no token credentials.
		return schemeNone, "", &Error{Kind: ErrNoToken}
	}
	token := strings.TrimLeft(rest, " ")
	what := "bearer token"
	if used == schemeDPoP {
		what = "DPoP access token"
	}
	switch {
	case token == "":
		return used, "", newError(ErrInvalidRequest, "the "+what+" is empty", nil)
	case strings.IndexByte(token, ' ') >= 0 || strings.IndexByte(token, '\t') >= 0:
		return used, "", newError(ErrInvalidRequest, "the "+what+" contains blanks", nil)
	case len(token) > maxSize:
		return used, "", newError(ErrInvalidToken, fmt.Sprintf("the token is longer than %d bytes", maxSize), nil)
	}
	return used, token, nil
}

// Verify validates a raw access token (signature, algorithm, issuer,
// audience, lifetime, header rules) and returns its claims. It checks no
// route requirement. Errors are as for Authorize.
func (g *Guard) Verify(ctx context.Context, token string) (*Claims, error) {
	if len(token) > g.cfg.MaxTokenSize {
		return nil, newError(ErrInvalidToken, fmt.Sprintf("the token is longer than %d bytes", g.cfg.MaxTokenSize), nil)
	}
	// With introspection, the token's shape decides its path: split it
	// once, here, and reuse the segments below.
	var seg jwsSegments
	isJWS := false
	if g.intro != nil {
		seg, isJWS = splitJWS(token)
		if isJWS = isJWS && base64urlOnly(token); g.cfg.IntrospectAll || !isJWS {
			return g.intro.verify(ctx, token, g.primary.answerClaims)
		}
	}
	if g.cache != nil {
		if e, ok := g.cache.get(token); ok {
			return copyClaims(e.claims), nil
		}
	}
	if !isJWS {
		if seg, isJWS = splitJWS(token); !isJWS {
			return nil, errMalformed(nil)
		}
	}
	// One pooled buffer holds the token's bytes and the three decoded
	// segments (decoding never needs more than the encoded size). Nothing
	// decoded outlives this call: the JSON parser copies what it keeps.
	bp, _ := g.scratch.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	defer g.scratch.Put(bp)
	if cap(*bp) < 2*len(token) {
		*bp = make([]byte, 0, 2*len(token))
	}
	raw := append((*bp)[:0], token...)
	buf := raw[len(token):cap(raw)][:0]
	var err error
	headerSeg := token[seg.header[0]:seg.header[1]]
	header, knownHeader := g.headers.Get(headerSeg)
	var unchecked deferredChecks
	if !knownHeader {
		var headerJSON []byte
		if headerJSON, buf, err = decodeSegment(buf, seg.bytes(raw, seg.header)); err != nil {
			return nil, errMalformed(err)
		}
		var deferred bool
		if header, deferred, err = parseHeader(string(headerJSON)); err != nil {
			return nil, errMalformed(err)
		}
		if deferred {
			unchecked.header, unchecked.headerJSON = header, string(headerJSON)
		}
	}
	// Every segment is decoded before any key is looked at, so a token
	// that is not a well-formed JWS is refused as such: never after a key
	// lookup, a refresh or with a 503.
	payloadJSON, buf, err := decodeSegment(buf, seg.bytes(raw, seg.payload))
	if err != nil {
		return nil, errMalformed(err)
	}
	sig, _, err := decodeSegment(buf, seg.bytes(raw, seg.signature))
	if err != nil {
		return nil, errMalformed(err)
	}
	// The payload's JSON is checked now too (a scan that allocates only
	// the payload's copy), so that a token that is no JWT is refused as
	// such whatever the state of the keys; and with several issuers, its
	// "iss" chooses whose keys may verify it. Header and payload are
	// scanned with jsonscan.Scan, whose cost no text can make exceed a
	// signature check; the checks it defers run before anything relies
	// on them: before a 503 for missing keys, before a refresh for an
	// unknown kid, and once the signature verified.
	var memberBuf [jsonscan.ScanKept]jsonscan.Member
	payload, members, deferred, err := readPayload(payloadJSON, memberBuf[:0])
	if err != nil {
		return nil, err
	}
	if deferred {
		unchecked.payload = payload
	}
	iss := g.primary
	if len(g.issuers) > 1 {
		iv, _ := jsonscan.Find(members, "iss")
		name, _ := jsonscan.String(iv)
		if iss = g.issuers[name]; iss == nil {
			return nil, newError(ErrInvalidToken, "the token's issuer is not accepted", nil)
		}
	}
	set := iss.keys.current()
	if set == nil {
		if err := unchecked.run(); err != nil {
			return nil, err
		}
		iss.keys.nudge()
		return nil, &Error{Kind: ErrKeysUnavailable}
	}
	alg := header.alg
	method, ok := iss.methods[alg]
	if !ok {
		return nil, newError(ErrInvalidToken, "the token's signing algorithm is not allowed", nil)
	}
	vk, err := g.keyFor(ctx, iss, header, alg, set, &unchecked)
	if err != nil {
		return nil, err
	}
	if err := method.Verify(token[:seg.payload[1]], sig, vk.key); err != nil {
		return nil, newError(ErrInvalidToken, "the token's signature is invalid", err)
	}
	if unchecked.payload != "" || unchecked.headerJSON != "" {
		if err := unchecked.run(); err != nil {
			return nil, err
		}
		if unchecked.payload != "" {
			// Names written with escapes are decoded now.
			if members, err = jsonscan.Members(payload, members[:0]); err != nil {
				return nil, errMalformed(err)
			}
		}
	}
	c, reg := iss.claims(payload, members)
	if err := reg.Validate(iss.cfg.Now(), iss.cfg.Leeway, iss.cfg.Issuer, iss.cfg.Audiences); err != nil {
		return nil, tokenError(err)
	}
	if !knownHeader {
		g.headers.Put(headerSeg, header)
	}
	if g.cache != nil {
		g.cache.put(&cacheEntry{
			token: token, claims: c, keys: iss.keys, key: vk, kid: header.kid, hasKID: header.hasKID, alg: alg,
			exp: c.ExpiresAt, nbf: c.NotBefore, size: len(token) + 2*len(payload) + 512,
		})
		return copyClaims(c), nil
	}
	return c, nil
}

// errSegmentLength: a segment holds CR or LF, or has no base64url length.
var errSegmentLength = errors.New("a JWS segment is not base64url")

// b64 is the JWS segment encoding: base64url without padding, canonical.
var b64 = base64.RawURLEncoding.Strict()

// b64url marks the base64url alphabet.
var b64url = func() (t [256]bool) {
	for _, c := range []byte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") {
		t[c] = true
	}
	return t
}()

// jwsSegments are the [start, end) offsets of a compact JWS's segments.
type jwsSegments struct{ header, payload, signature [2]int }

func (jwsSegments) bytes(raw []byte, span [2]int) []byte { return raw[span[0]:span[1]] }

// splitJWS splits a compact JWS into its three segments: exactly two dots
// and a non-empty header. Every segment must then go through
// decodeSegment, which refuses any byte outside the base64url alphabet;
// the searches here are vectorised, so the split costs next to nothing.
func splitJWS(token string) (jwsSegments, bool) {
	d1 := strings.IndexByte(token, '.')
	if d1 <= 0 {
		return jwsSegments{}, false
	}
	d2 := strings.IndexByte(token[d1+1:], '.')
	if d2 < 0 {
		return jwsSegments{}, false
	}
	d2 += d1 + 1
	if strings.IndexByte(token[d2+1:], '.') >= 0 {
		return jwsSegments{}, false
	}
	return jwsSegments{[2]int{0, d1}, [2]int{d1 + 1, d2}, [2]int{d2 + 1, len(token)}}, true
}

// base64urlOnly reports whether every byte of a split JWS is in the
// base64url alphabet or a dot: with introspection, a token of any other
// shape is opaque.
func base64urlOnly(token string) bool {
	for i := 0; i < len(token); i++ {
		if c := token[i]; !b64url[c] && c != '.' {
			return false
		}
	}
	return true
}

// decodeSegment decodes seg into the free capacity of buf and returns the
// decoded bytes and the capacity left. It refuses every byte outside the
// base64url alphabet: Go's strict decoder refuses all of them but CR and
// LF, which it skips; a skipped byte leaves the output shorter than seg's
// length promises, which is checked here (a length of 4k+1 is no
// base64url at all, and the only one where skipping a byte would not
// shorten the output).
func decodeSegment(buf []byte, seg []byte) (decoded, rest []byte, err error) {
	if len(seg)%4 == 1 {
		return nil, nil, errSegmentLength
	}
	n, err := b64.Decode(buf[len(buf):cap(buf)], seg)
	if err != nil {
		return nil, nil, err
	}
	if n != b64.DecodedLen(len(seg)) {
		return nil, nil, errSegmentLength
	}
	decoded = buf[len(buf) : len(buf)+n : len(buf)+n]
	return decoded, buf[len(buf)+n : len(buf)+n], nil
}

func errMalformed(cause error) error {
	desc := "the token is not a well-formed JWT"
	if errors.Is(cause, jsonscan.ErrDuplicate) {
		desc = "the token has a duplicate JSON member"
	}
	return newError(ErrInvalidToken, desc, errors.Join(jwt.ErrTokenMalformed, cause))
}

// deferredChecks are the checks jsonscan.Scan deferred on a token's header
// or payload: "" for a text that needs none.
type deferredChecks struct {
	header     jwsHeader // as scanned
	headerJSON string
	payload    string
	done       bool
}

// run validates the texts with jsonscan.Members' full rules; a header must
// also read the same once its escaped names are decoded.
func (d *deferredChecks) run() error {
	if d.done {
		return nil
	}
	d.done = true
	if d.headerJSON != "" {
		if h, err := parseHeaderStrict(d.headerJSON); err != nil || h != d.header {
			return errMalformed(err)
		}
	}
	if d.payload != "" {
		if _, err := jsonscan.Members(d.payload, nil); err != nil {
			return errMalformed(err)
		}
	}
	return nil
}

// keyFor applies the header rules and finds the verification key; a
// refresh for an unknown kid runs the token's deferred checks first.
func (g *Guard) keyFor(ctx context.Context, iss *issuer, header jwsHeader, alg string, set *keySet, unchecked *deferredChecks) (*verifyKey, error) {
	if err := g.checkHeader(header); err != nil {
		return nil, err
	}
	kid, hasKID := header.kid, header.hasKID
	if hasKID && (!header.kidString || kid == "" || len(kid) > maxKIDLength) {
		return nil, newError(ErrInvalidToken, `the token's "kid" header is not a valid key id`, nil)
	}
	key, found, err := set.find(kid, hasKID, alg)
	if !found {
		// A new kid may mean the issuer rotated its keys.
		fresh, rerr := iss.keys.refreshForKID(ctx, unchecked.run)
		if errors.Is(rerr, jwt.ErrTokenMalformed) {
			return nil, rerr
		}
		if fresh != nil {
			key, found, err = fresh.find(kid, hasKID, alg)
		}
		if !found {
			return nil, newError(ErrInvalidToken, "the token's signing key is unknown", rerr)
		}
	}
	if err != nil {
		return nil, newError(ErrInvalidToken, err.Error(), nil)
	}
	return key, nil
}

// checkHeader enforces the JOSE header rules: an access-token "typ" and no
// critical extension the runtime does not implement. Key-location headers
// (jku, x5u, jwk, x5c) are simply never read.
func (g *Guard) checkHeader(h jwsHeader) error {
	if h.crit {
		return newError(ErrInvalidToken, `the token has a "crit" header the server does not understand`, nil)
	}
	if !h.hasTyp {
		if g.cfg.RequireAccessTokenType {
			return newError(ErrInvalidToken, `the token's "typ" must be at+jwt`, nil)
		}
		return nil
	}
	s := h.typ
	if !h.typString {
		return newError(ErrInvalidToken, `the token's "typ" header is not a string`, nil)
	}
	switch {
	case strings.EqualFold(s, "at+jwt"), strings.EqualFold(s, "application/at+jwt"):
		return nil
	case strings.EqualFold(s, "JWT") && !g.cfg.RequireAccessTokenType:
		return nil
	}
	return newError(ErrInvalidToken, `the token's "typ" is not that of an access token`, nil)
}

// tokenError turns a golang-jwt claims validation error into an ErrInvalidToken *Error with
// a description a client can act on.
func tokenError(err error) error {
	desc := "the access token is invalid"
	switch {
	case errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
		desc = "the token lacks a required claim (exp, iss or aud)"
	case errors.Is(err, jwt.ErrTokenExpired):
		desc = "the token has expired"
	case errors.Is(err, jwt.ErrTokenNotValidYet):
		desc = "the token is not valid yet"
	case errors.Is(err, jwt.ErrTokenUsedBeforeIssued):
		desc = "the token's issue time is in the future"
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		desc = "the token's issuer is not accepted"
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		desc = "the token's audience is not accepted"
	case errors.Is(err, jwt.ErrTokenInvalidClaims):
		desc = "the token's claims are invalid"
	}
	return newError(ErrInvalidToken, desc, errors.Join(jwt.ErrTokenInvalidClaims, err))
}

// answerClaims builds the Claims of an introspection answer.
func (iss *issuer) answerClaims(answer string, ms []jsonscan.Member) *Claims {
	c, _ := iss.claims(answer, ms)
	return c
}

// readPayload copies a token's decoded payload into a string the Claims
// keep and appends its members to dst, with jsonscan.Scan's rules.
func readPayload(b []byte, dst []jsonscan.Member) (payload string, members []jsonscan.Member, deferred bool, err error) {
	payload = string(b)
	if members, deferred, err = jsonscan.Scan(payload, dst); err != nil {
		return "", nil, false, errMalformed(err)
	}
	return payload, members, deferred, nil
}

// jwsHeader is what the Guard reads of a JOSE header.
type jwsHeader struct {
	alg               string
	kid, typ          string
	hasKID, kidString bool
	hasTyp, typString bool
	crit              bool
}

// parseHeader reads a JOSE header, a JSON object, with jsonscan.Scan's
// rules: deferred as there.
func parseHeader(src string) (jwsHeader, bool, error) {
	var buf [8]jsonscan.Member
	ms, deferred, err := jsonscan.Scan(src, buf[:0])
	if err != nil {
		return jwsHeader{}, false, err
	}
	return headerOf(ms), deferred, nil
}

// parseHeaderStrict is parseHeader with jsonscan.Members' rules.
func parseHeaderStrict(src string) (jwsHeader, error) {
	var buf [8]jsonscan.Member
	ms, err := jsonscan.Members(src, buf[:0])
	if err != nil {
		return jwsHeader{}, err
	}
	return headerOf(ms), nil
}

func headerOf(ms []jsonscan.Member) jwsHeader {
	var h jwsHeader
	for _, m := range ms {
		switch m.Name {
		case "alg":
			h.alg, _ = jsonscan.String(m.Value)
		case "kid":
			h.hasKID = true
			h.kid, h.kidString = jsonscan.String(m.Value)
		case "typ":
			h.hasTyp = true
			h.typ, h.typString = jsonscan.String(m.Value)
		case "crit":
			h.crit = true
		}
	}
	return h
}
