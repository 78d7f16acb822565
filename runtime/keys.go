package runtime

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/axioms-go/axiomsgen/runtime/internal/jsonscan"

	"github.com/MicahParks/jwkset"
	"golang.org/x/time/rate"
)

// minRSABits is the smallest RSA modulus accepted (RFC 7518 section 3.3).
const minRSABits = 2048

// Backoff bounds for fetching while no key set was ever loaded, or after a
// failed refresh.
const (
	initialBackoff = 1 * time.Second
	maxBackoff     = 2 * time.Minute
)

// errRefreshLimited reports an unknown kid that could not trigger a
// refresh because one ran too recently.
var errRefreshLimited = errors.New("key refresh rate limit reached")

// verifyKey is one usable public key of the issuer's set.
type verifyKey struct {
	kid string
	alg string // the JWK's "alg", or "" when it has none
	key any    // *rsa.PublicKey, *ecdsa.PublicKey or ed25519.PublicKey
}

// fits reports whether the key may verify a signature made with alg: the
// key type and curve must match, and so must the JWK's own "alg".
func (k *verifyKey) fits(alg string) bool {
	if k.alg != "" && k.alg != alg {
		return false
	}
	switch key := k.key.(type) {
	case *rsa.PublicKey:
		return strings.HasPrefix(alg, "RS") || strings.HasPrefix(alg, "PS")
	case *ecdsa.PublicKey:
		switch alg {
		case "ES256":
			return key.Curve == elliptic.P256()
		case "ES384":
			return key.Curve == elliptic.P384()
		case "ES512":
			return key.Curve == elliptic.P521()
		}
		return false
	case ed25519.PublicKey:
		return alg == "EdDSA"
	}
	return false
}

// keySet is an immutable snapshot of the usable keys.
type keySet struct {
	byKID map[string][]*verifyKey
	all   []*verifyKey
}

// find returns the key for a token's kid and alg. ok is false when no key
// has that kid; a key with the kid but of the wrong type gives an error.
func (s *keySet) find(kid string, hasKID bool, alg string) (key *verifyKey, found bool, err error) {
	if !hasKID {
		var match *verifyKey
		for _, k := range s.all {
			if !k.fits(alg) {
				continue
			}
			if match != nil {
				return nil, true, errors.New(`the token has no "kid" and the issuer publishes several keys for its algorithm`)
			}
			match = k
		}
		if match == nil {
			return nil, true, fmt.Errorf("the issuer publishes no %s key", alg)
		}
		return match, true, nil
	}
	cands, ok := s.byKID[kid]
	if !ok {
		return nil, false, nil
	}
	for _, k := range cands {
		if k.fits(alg) {
			return k, true, nil
		}
	}
	return nil, true, fmt.Errorf("the token's algorithm %s does not match its signing key", alg)
}

// keep reuses the keys of old that are unchanged in s (same kid, alg and
// public key), so that tokens cached under them stay valid across a
// refresh while removed or replaced keys invalidate theirs.
func (s *keySet) keep(old *keySet) {
	if old == nil {
		return
	}
	for i, k := range s.all {
		for _, o := range old.all {
			if o.kid == k.kid && o.alg == k.alg && sameKey(o.key, k.key) {
				s.all[i] = o
				break
			}
		}
	}
	for kid := range s.byKID {
		s.byKID[kid] = s.byKID[kid][:0]
	}
	for _, k := range s.all {
		if k.kid != "" {
			s.byKID[k.kid] = append(s.byKID[k.kid], k)
		}
	}
}

func sameKey(a, b any) bool {
	eq, ok := a.(interface{ Equal(crypto.PublicKey) bool })
	return ok && eq.Equal(b)
}

// parseKeySet reads a JWK Set, keeping every key the runtime can use and
// skipping (with a reason) the others, so one odd key never breaks the set.
// A set with no usable key is no error: it is how an issuer revokes every
// key it had published.
func parseKeySet(body []byte) (*keySet, []string, error) {
	var doc struct {
		Keys []json.RawMessage
	}
	// The member is found by its exact name ("keys"; encoding/json would
	// also take "KEYS"): only a real key set may replace, or revoke, the
	// keys.
	ms, err := jsonscan.Members(string(body), nil)
	if err != nil {
		return nil, nil, fmt.Errorf("the JWK Set is not a JSON object: %w", err)
	}
	raw, ok := jsonscan.Find(ms, "keys")
	if !ok || raw == "" || raw[0] != '[' {
		return nil, nil, errors.New(`the JWK Set has no "keys" array`)
	}
	if err := json.Unmarshal([]byte(raw), &doc.Keys); err != nil {
		return nil, nil, fmt.Errorf("the JWK Set is not valid JSON: %w", err)
	}
	set := &keySet{byKID: make(map[string][]*verifyKey)}
	var skipped []string
	for i, raw := range doc.Keys {
		k, err := parseKey(raw)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("key %d: %v", i, err))
			continue
		}
		set.all = append(set.all, k)
		if k.kid != "" {
			set.byKID[k.kid] = append(set.byKID[k.kid], k)
		}
	}
	return set, skipped, nil
}

func parseKey(raw json.RawMessage) (*verifyKey, error) {
	var meta struct {
		KTY string `json:"kty"`
		USE string `json:"use"`
		KID string `json:"kid"`
		ALG string `json:"alg"`
	}
	if err := json.Unmarshal(raw, &meta); err != nil {
		return nil, fmt.Errorf("not a JSON object: %w", err)
	}
	switch {
	case meta.KTY == "oct":
		return nil, errors.New("symmetric key ignored")
	case meta.USE != "" && meta.USE != "sig":
		return nil, fmt.Errorf("use %q is not sig", meta.USE)
	}
	jwk, err := jwkset.NewJWKFromRawJSON(raw, jwkset.JWKMarshalOptions{}, jwkset.JWKValidateOptions{SkipX5UScheme: true})
	if err != nil {
		return nil, err
	}
	k := &verifyKey{kid: meta.KID, alg: meta.ALG}
	switch key := jwk.Key().(type) {
	case *rsa.PublicKey:
		if key.N.BitLen() < minRSABits {
			return nil, fmt.Errorf("RSA key of %d bits is weaker than %d", key.N.BitLen(), minRSABits)
		}
		k.key = key
	case *ecdsa.PublicKey:
		k.key = key
	case ed25519.PublicKey:
		k.key = key
	default:
		return nil, fmt.Errorf("unsupported key type %T", key)
	}
	return k, nil
}

// keySource owns the current key set and the goroutine that refreshes it.
type keySource struct {
	cfg     Config
	client  *http.Client
	ownHTTP bool // client built here: Close may drop its idle connections
	log     *slog.Logger
	keys    atomic.Pointer[keySet]
	limiter *rate.Limiter

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup
	kick   chan struct{}

	mu       sync.Mutex
	closed   bool
	inflight *refreshCall
	jwksURL  string // last JWKS URL learned from discovery
}

type refreshCall struct {
	done   chan struct{}
	err    error
	forKID bool // started, or joined, under the unknown-kid rate limit
}

func newKeySource(ctx context.Context, cfg Config) *keySource {
	s := &keySource{
		cfg:     cfg,
		client:  cfg.HTTPClient,
		log:     cfg.Logger,
		limiter: rate.NewLimiter(rate.Every(cfg.MinRefreshInterval), 1),
		kick:    make(chan struct{}, 1),
	}
	if s.client == nil {
		s.client = newHTTPClient(cfg.FetchTimeout)
		s.ownHTTP = true
	}
	// The Guard outlives the ctx given to New, which only bounds the wait
	// for the first fetch; Close ends it.
	s.ctx, s.cancel = context.WithCancel(context.WithoutCancel(ctx))
	return s
}

// newHTTPClient is a client with every timeout set, which follows at most
// three redirects and only to URLs checkURL accepts.
func newHTTPClient(timeout time.Duration) *http.Client {
	transport := &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: timeout, KeepAlive: 30 * time.Second}).DialContext,
		TLSHandshakeTimeout:   timeout,
		ResponseHeaderTimeout: timeout,
		IdleConnTimeout:       90 * time.Second,
		MaxIdleConns:          4,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{
		Timeout:   timeout,
		Transport: transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > 3 {
				return errors.New("stopped after 3 redirects")
			}
			if err := checkURL(req.URL.String()); err != nil {
				return fmt.Errorf("redirect to %s refused: %w", req.URL.Redacted(), err)
			}
			return nil
		},
	}
}

// start runs the first fetch, bounded by ctx, then the refresh loop.
func (s *keySource) start(ctx context.Context) {
	call := s.begin()
	select {
	case <-call.done:
	case <-ctx.Done():
	}
	s.wg.Add(1)
	go s.loop()
}

func (s *keySource) current() *keySet { return s.keys.Load() }

// loop refreshes periodically, and with backoff while fetches fail.
func (s *keySource) loop() {
	defer s.wg.Done()
	backoff := initialBackoff
	timer := time.NewTimer(0)
	defer timer.Stop()
	var last error
	for {
		wait := s.cfg.RefreshInterval
		if s.current() == nil || last != nil {
			wait = min(backoff, s.cfg.RefreshInterval)
			backoff = min(backoff*2, maxBackoff)
		} else {
			backoff = initialBackoff
		}
		timer.Reset(wait)
		select {
		case <-s.ctx.Done():
			return
		case <-timer.C:
		case <-s.kick:
		}
		last = s.wait(s.ctx, s.begin())
	}
}

// nudge asks the loop to fetch now, within the refresh rate limit. It
// never blocks.
func (s *keySource) nudge() {
	if !s.limiter.Allow() {
		return
	}
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// refreshForKID fetches the set again because a token names an unknown
// kid. It joins a refresh already in flight; otherwise it starts one only
// if the rate limit allows, and never waits for the limiter.
func (s *keySource) refreshForKID(ctx context.Context, admit func() error) (*keySet, error) {
	s.mu.Lock()
	call := s.inflight
	// Only a refresh the limiter admitted may be waited on: a periodic or
	// retry refresh in flight (perhaps hanging on a slow issuer) is not a
	// licence to hold requests.
	if call == nil || !call.forKID {
		if !s.limiter.Allow() {
			s.mu.Unlock()
			return s.current(), errRefreshLimited
		}
		// The token's last checks, which only the limiter bounds: a token
		// that fails them costs no fetch (it used up the limiter's token,
		// as any token with an unknown kid may).
		if err := admit(); err != nil {
			s.mu.Unlock()
			return nil, err
		}
		if call == nil {
			call = s.beginLocked()
		}
		call.forKID = true
	}
	s.mu.Unlock()
	err := s.wait(ctx, call)
	return s.current(), err
}

func (s *keySource) wait(ctx context.Context, call *refreshCall) error {
	select {
	case <-call.done:
		return call.err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// begin starts a refresh or joins the one in flight.
func (s *keySource) begin() *refreshCall {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.inflight != nil {
		return s.inflight
	}
	return s.beginLocked()
}

func (s *keySource) beginLocked() *refreshCall {
	call := &refreshCall{done: make(chan struct{})}
	if s.closed {
		// After Close no goroutine may start: fail the refresh at once.
		call.err = errors.New("the guard is closed")
		close(call.done)
		return call
	}
	s.inflight = call
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		call.err = s.refresh(s.ctx)
		s.mu.Lock()
		s.inflight = nil
		s.mu.Unlock()
		close(call.done)
	}()
	return call
}

// refresh fetches the key set once and installs it. A fetch that fails
// (transport error, time-out, status other than 2xx, body over the cap,
// not a JSON object with a "keys" array) leaves the last good set in
// place. An answer that is a key set replaces the whole set, even when
// none of its keys is usable: that is how an issuer revokes its keys, and
// from then on every token is refused as signed by an unknown key. Before
// any usable key was ever loaded, such a set counts as a failure, so
// requests keep getting 503 and the fetch is retried with backoff.
func (s *keySource) refresh(ctx context.Context) error {
	url, err := s.resolveJWKSURL(ctx)
	if err == nil {
		var body []byte
		if body, err = s.get(ctx, url); err == nil {
			var set *keySet
			var skipped []string
			set, skipped, err = parseKeySet(body)
			for _, reason := range skipped {
				s.log.Warn("axioms: JWKS key skipped", "url", url, "reason", reason)
			}
			if err == nil && len(set.all) == 0 {
				if s.current() == nil {
					err = fmt.Errorf("the JWK Set has no usable signing key (%d skipped)", len(skipped))
				} else {
					s.log.Warn("axioms: the issuer's JWK Set has no usable signing key; every token is refused until it publishes one", "url", url, "skipped", len(skipped))
				}
			}
			if err == nil {
				set.keep(s.current())
				first := s.keys.Swap(set) == nil
				s.log.Debug("axioms: JWKS loaded", "url", url, "keys", len(set.all), "first", first)
				return nil
			}
		}
	}
	if ctx.Err() != nil {
		return err
	}
	if s.current() == nil {
		s.log.Error("axioms: signing keys could not be loaded; requests with tokens get 503 until they are", "issuer", s.cfg.Issuer, "error", err)
	} else {
		s.log.Warn("axioms: JWKS refresh failed; keeping the last good key set", "issuer", s.cfg.Issuer, "error", err)
	}
	return err
}

// resolveJWKSURL returns Config.JWKSURL, or the jwks_uri of the issuer's
// discovery document, or the well-known jwks.json when there is none.
func (s *keySource) resolveJWKSURL(ctx context.Context) (string, error) {
	if s.cfg.JWKSURL != "" {
		return s.cfg.JWKSURL, nil
	}
	base := strings.TrimSuffix(s.cfg.Issuer, "/")
	body, err := s.get(ctx, base+"/.well-known/openid-configuration")
	var nf *notFoundError
	switch {
	case errors.As(err, &nf):
		return base + "/.well-known/jwks.json", nil
	case err != nil:
		s.mu.Lock()
		last := s.jwksURL
		s.mu.Unlock()
		if last != "" {
			return last, nil
		}
		return "", fmt.Errorf("OpenID discovery failed: %w", err)
	}
	var doc struct {
		Issuer  string `json:"issuer"`
		JWKSURI string `json:"jwks_uri"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return "", fmt.Errorf("the discovery document is not valid JSON: %w", err)
	}
	if doc.Issuer != s.cfg.Issuer {
		return "", fmt.Errorf("the discovery document names issuer %q, not the configured %q: check the issuer URL (trailing slash included)", doc.Issuer, s.cfg.Issuer)
	}
	if err := checkURL(doc.JWKSURI); err != nil {
		return "", fmt.Errorf("the discovery document's jwks_uri %q: %w", doc.JWKSURI, err)
	}
	s.mu.Lock()
	s.jwksURL = doc.JWKSURI
	s.mu.Unlock()
	return doc.JWKSURI, nil
}

type notFoundError struct{ url string }

func (e *notFoundError) Error() string { return e.url + " answered 404 Not Found" }

// get fetches url with the fetch timeout and a capped body.
func (s *keySource) get(ctx context.Context, url string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.FetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json, application/jwk-set+json")
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusGone:
		return nil, &notFoundError{url: url}
	case resp.StatusCode < 200 || resp.StatusCode > 299:
		return nil, fmt.Errorf("%s answered %s", url, resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKSBody+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", url, err)
	}
	if len(body) > maxJWKSBody {
		return nil, fmt.Errorf("%s answered more than %d bytes", url, maxJWKSBody)
	}
	return body, nil
}

// close stops the loop and any fetch in flight, and waits for them.
func (s *keySource) close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
	if s.ownHTTP {
		s.client.CloseIdleConnections()
	}
}
