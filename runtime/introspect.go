package runtime

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/axioms-go/axiomsgen/runtime/internal/claimcheck"

	"github.com/axioms-go/axiomsgen/runtime/internal/jsonscan"
)

// Opaque (reference) access tokens are checked by asking the
// authorization server (RFC 7662). A token that is not a JWT goes there
// when Config.IntrospectionURL is set; Config.IntrospectAll sends every
// token there.

// maxIntrospectionBody caps the introspection response.
const maxIntrospectionBody = 64 << 10

// Introspection bounds. The answer cache is keyed by the token's SHA-256,
// so it never holds a token, and bounded both in entries and in bytes
// (the answers' sizes plus a fixed overhead each); expired answers are
// dropped as new ones arrive. At most maxIntrospectionsInFlight calls to
// the endpoint run at once: a request for another token beyond that gets
// 503 with Retry-After.
const (
	DefaultIntrospectionCacheTTL = 5 * time.Minute
	// inactiveTTL: an inactive answer is remembered this long, so a flood
	// of one bogus token costs one call per interval.
	inactiveTTL               = 5 * time.Second
	introspectionMaxLen       = 10_000
	introspectionMaxBytes     = 16 << 20
	introspectionEntryBytes   = 512 // a cached answer's cost beyond its text
	maxIntrospectionsInFlight = 64
)

type introspector struct {
	cfg    Config
	client *http.Client
	// endpoint and auth are fixed at New.
	endpoint string
	auth     string // Basic credentials, never logged

	// Calls run on ctx, which only Close ends, never on a request's
	// context: one client going away must not fail the others waiting
	// for the same answer.
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu        sync.Mutex
	closed    bool
	cache     map[tokenDigest]*introspected
	order     []*introspected // insertion order, oldest first; may hold dropped entries
	bytes     int
	nextSweep time.Time
	inflight  map[tokenDigest]*introspectCall
}

// tokenDigest is the SHA-256 of a token: the cache and the calls in flight
// are keyed by it, so they never hold a token.
type tokenDigest [sha256.Size]byte

type introspected struct {
	key    tokenDigest
	claims *Claims // nil when inactive
	until  time.Time
	size   int
}

type introspectCall struct {
	done   chan struct{}
	claims *Claims
	err    error
}

func newIntrospector(ctx context.Context, cfg Config, client *http.Client) *introspector {
	if cfg.IntrospectionURL == "" {
		return nil
	}
	auth := ""
	if cfg.ClientID != "" {
		// RFC 6749 §2.3.1: form-encode id and secret, then Basic.
		id, secret := url.QueryEscape(cfg.ClientID), url.QueryEscape(cfg.ClientSecret)
		req, _ := http.NewRequest(http.MethodPost, cfg.IntrospectionURL, nil)
		req.SetBasicAuth(id, secret)
		auth = req.Header.Get("Authorization")
	}
	in := &introspector{
		cfg: cfg, client: client, endpoint: cfg.IntrospectionURL, auth: auth,
		cache: map[tokenDigest]*introspected{}, inflight: map[tokenDigest]*introspectCall{},
	}
	in.ctx, in.cancel = context.WithCancel(context.WithoutCancel(ctx))
	return in
}

// close cancels the calls in flight and waits for them to end.
func (in *introspector) close() {
	in.mu.Lock()
	in.closed = true
	in.mu.Unlock()
	in.cancel()
	in.wg.Wait()
}

// verify introspects token, from the cache when an answer is still fresh.
// Concurrent requests for one token share one call, which runs apart from
// every request: a request whose context ends stops waiting (503) without
// affecting the others.
func (in *introspector) verify(ctx context.Context, token string, claimsOf func(string, []jsonscan.Member) *Claims) (*Claims, error) {
	key := tokenDigest(sha256.Sum256([]byte(token)))
	now := in.cfg.Now()
	in.mu.Lock()
	if e, ok := in.cache[key]; ok {
		if now.Before(e.until) {
			in.mu.Unlock()
			if e.claims == nil {
				return nil, newError(ErrInvalidToken, "the token is not active", nil)
			}
			return copyClaims(e.claims), nil
		}
		in.drop(e)
	}
	call, joined := in.inflight[key]
	if !joined {
		switch {
		case in.closed:
			in.mu.Unlock()
			return nil, newError(ErrKeysUnavailable, "the guard is closed", nil)
		case len(in.inflight) >= maxIntrospectionsInFlight:
			in.mu.Unlock()
			return nil, newError(ErrKeysUnavailable, "too many token introspections are in flight; retry later", nil)
		}
		call = &introspectCall{done: make(chan struct{})}
		in.inflight[key] = call
		in.wg.Add(1)
		go in.run(key, token, call, claimsOf)
	}
	in.mu.Unlock()

	select {
	case <-call.done:
	case <-ctx.Done():
		return nil, newError(ErrKeysUnavailable, "the request ended while its token was being introspected", ctx.Err())
	}
	if call.err != nil {
		return nil, call.err
	}
	return copyClaims(call.claims), nil
}

// run makes one call and hands its answer to everyone waiting for it.
func (in *introspector) run(key tokenDigest, token string, call *introspectCall, claimsOf func(string, []jsonscan.Member) *Claims) {
	defer in.wg.Done()
	call.claims, call.err = in.call(in.ctx, token, claimsOf)
	in.mu.Lock()
	delete(in.inflight, key)
	in.remember(key, call.claims, call.err)
	in.mu.Unlock()
	close(call.done)
}

// remember caches an answer: active ones until min(exp + leeway, TTL), inactive
// ones briefly, errors never. Called with mu held.
func (in *introspector) remember(key tokenDigest, c *Claims, err error) {
	var until time.Time
	now := in.cfg.Now()
	size := introspectionEntryBytes
	switch {
	case err == nil:
		until = now.Add(in.cfg.IntrospectionCacheTTL)
		// The answer is usable as long as check would accept it again:
		// until exp plus the leeway (claimcheck.Expired's rule).
		if exp := c.ExpiresAt; !exp.IsZero() && exp.Add(in.cfg.Leeway).Before(until) {
			until = exp.Add(in.cfg.Leeway)
		}
		size += len(c.payload)
	case errors.Is(err, errInactive):
		until = now.Add(inactiveTTL)
	default:
		return
	}
	if !now.Before(in.nextSweep) {
		in.sweep(now)
	}
	if old, ok := in.cache[key]; ok {
		in.drop(old)
	}
	e := &introspected{key: key, claims: c, until: until, size: size}
	in.cache[key] = e
	in.order = append(in.order, e)
	in.bytes += size
	// Past a bound, the oldest answers go first.
	for len(in.cache) > introspectionMaxLen || in.bytes > introspectionMaxBytes {
		oldest := in.order[0]
		in.order = in.order[1:]
		if in.cache[oldest.key] == oldest {
			in.drop(oldest)
		}
	}
}

// drop removes a cached answer. Called with mu held.
func (in *introspector) drop(e *introspected) {
	if in.cache[e.key] == e {
		delete(in.cache, e.key)
		in.bytes -= e.size
	}
}

// sweep drops the expired answers, at most once per inactiveTTL. Called
// with mu held.
func (in *introspector) sweep(now time.Time) {
	kept := in.order[:0]
	for _, e := range in.order {
		if in.cache[e.key] != e {
			continue // dropped already
		}
		if !now.Before(e.until) {
			in.drop(e)
			continue
		}
		kept = append(kept, e)
	}
	clear(in.order[len(kept):])
	in.order = kept
	in.nextSweep = now.Add(inactiveTTL)
}

// errInactive marks an answer with active=false (cacheable briefly).
var errInactive = errors.New("inactive token")

// call performs one RFC 7662 request and checks the answer like a JWT.
func (in *introspector) call(ctx context.Context, token string, claimsOf func(string, []jsonscan.Member) *Claims) (*Claims, error) {
	ctx, cancel := context.WithTimeout(ctx, in.cfg.FetchTimeout)
	defer cancel()
	form := url.Values{"token": {token}, "token_type_hint": {"access_token"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, in.endpoint, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, newError(ErrKeysUnavailable, "the token introspection endpoint is unavailable", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if in.auth != "" {
		req.Header.Set("Authorization", in.auth)
	}
	resp, err := in.client.Do(req)
	if err != nil {
		in.cfg.Logger.Warn("axioms: token introspection failed", "endpoint", in.endpoint, "error", err)
		return nil, newError(ErrKeysUnavailable, "the token introspection endpoint is unavailable", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxIntrospectionBody+1))
	switch {
	case err != nil:
		return nil, newError(ErrKeysUnavailable, "the token introspection endpoint is unavailable", err)
	case resp.StatusCode != http.StatusOK:
		in.cfg.Logger.Warn("axioms: token introspection failed", "endpoint", in.endpoint, "status", resp.StatusCode)
		return nil, newError(ErrKeysUnavailable, "the token introspection endpoint is unavailable", fmt.Errorf("status %s", resp.Status))
	case len(body) > maxIntrospectionBody:
		return nil, newError(ErrKeysUnavailable, "the token introspection answer is too large", nil)
	}
	answer := string(body)
	members, err := jsonscan.Members(answer, nil)
	if err != nil {
		return nil, newError(ErrKeysUnavailable, "the token introspection answer is not a JSON object", err)
	}
	if active, _ := jsonscan.Find(members, "active"); active != "true" {
		return nil, newError(ErrInvalidToken, "the token is not active", errInactive)
	}
	if err := in.check(members); err != nil {
		return nil, err
	}
	return claimsOf(answer, members), nil
}

// check applies the JWT rules to an active answer: exp and nbf with the
// leeway, iss and aud (required unless IntrospectionLenient), and refuses
// answers that describe a refresh or ID token.
func (in *introspector) check(a []jsonscan.Member) error {
	now := in.cfg.Now()
	leeway := in.cfg.Leeway
	for _, name := range [...]string{"token_type", "token_use", "typ"} {
		if v, ok := jsonscan.Find(a, name); ok {
			if s, _ := jsonscan.String(v); notAccessToken(s) {
				return newError(ErrInvalidToken, "the token is not an access token", nil)
			}
		}
	}
	if v, ok := jsonscan.Find(a, "exp"); ok {
		f, isNum := claimcheck.NumericDate(v)
		if !isNum || claimcheck.Expired(now, claimcheck.Time(f), leeway) {
			return newError(ErrInvalidToken, "the token has expired", nil)
		}
	}
	if v, ok := jsonscan.Find(a, "nbf"); ok {
		f, isNum := claimcheck.NumericDate(v)
		if !isNum || claimcheck.NotYet(now, claimcheck.Time(f), leeway) {
			return newError(ErrInvalidToken, "the token is not valid yet", nil)
		}
	}
	strict := !in.cfg.IntrospectionLenient
	if v, ok := jsonscan.Find(a, "iss"); ok {
		if s, isString := jsonscan.String(v); !isString || s != in.cfg.Issuer {
			return newError(ErrInvalidToken, "the token's issuer is not accepted", nil)
		}
	} else if strict {
		return newError(ErrInvalidToken, "the introspection answer names no issuer (iss)", nil)
	}
	if v, ok := jsonscan.Find(a, "aud"); ok {
		accepted := false
		auds, _ := jsonscan.AppendStrings(v, nil, false)
		for _, aud := range auds {
			accepted = accepted || slices.Contains(in.cfg.Audiences, aud)
		}
		if !accepted {
			return newError(ErrInvalidToken, "the token's audience is not accepted", nil)
		}
	} else if strict {
		return newError(ErrInvalidToken, "the introspection answer names no audience (aud)", nil)
	}
	return nil
}

// notAccessToken reports whether an answer's token_type, token_use or typ
// names a refresh token or an ID token, in the spellings servers use:
// "refresh_token" and "id_token" (also as RFC 8693 token type URIs),
// Cognito's "refresh" and "id", Keycloak's "Refresh", "Offline" and "ID".
// Any other value ("Bearer", "DPoP", "access_token", "access") passes.
func notAccessToken(s string) bool {
	s = strings.ToLower(strings.TrimPrefix(s, "urn:ietf:params:oauth:token-type:"))
	switch s {
	case "refresh_token", "refresh", "offline", "id_token", "id":
		return true
	}
	return false
}
