package runtime

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Opaque (reference) access tokens are checked by asking the
// authorization server (RFC 7662). A token that is not a JWT goes there
// when Config.IntrospectionURL is set; Config.IntrospectAll sends every
// token there.

// maxIntrospectionBody caps the introspection response.
const maxIntrospectionBody = 64 << 10

// Introspection result cache bounds.
const (
	DefaultIntrospectionCacheTTL = 5 * time.Minute
	// inactiveTTL: an inactive answer is remembered this long, so a flood
	// of one bogus token costs one call per interval.
	inactiveTTL         = 5 * time.Second
	introspectionMaxLen = 10_000
)

type introspector struct {
	cfg    Config
	client *http.Client
	// endpoint and auth are fixed at New.
	endpoint string
	auth     string // Basic credentials, never logged

	mu       sync.Mutex
	cache    map[string]*introspected
	order    []string
	inflight map[string]*introspectCall
}

type introspected struct {
	claims *Claims // nil when inactive
	until  time.Time
}

type introspectCall struct {
	done   chan struct{}
	claims *Claims
	err    error
}

func newIntrospector(cfg Config, client *http.Client) *introspector {
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
	return &introspector{
		cfg: cfg, client: client, endpoint: cfg.IntrospectionURL, auth: auth,
		cache: map[string]*introspected{}, inflight: map[string]*introspectCall{},
	}
}

// verify introspects token, from the cache when an answer is still fresh;
// concurrent requests for one token share one call.
func (in *introspector) verify(ctx context.Context, token string, claimsOf func(string, []member) *Claims) (*Claims, error) {
	now := in.cfg.Now()
	in.mu.Lock()
	if e, ok := in.cache[token]; ok && now.Before(e.until) {
		in.mu.Unlock()
		if e.claims == nil {
			return nil, newError(ErrInvalidToken, "the token is not active", nil)
		}
		return copyClaims(e.claims), nil
	}
	call, joined := in.inflight[token]
	if !joined {
		call = &introspectCall{done: make(chan struct{})}
		in.inflight[token] = call
	}
	in.mu.Unlock()

	if !joined {
		call.claims, call.err = in.call(ctx, token, claimsOf)
		in.mu.Lock()
		delete(in.inflight, token)
		in.remember(token, call.claims, call.err)
		in.mu.Unlock()
		close(call.done)
	} else {
		select {
		case <-call.done:
		case <-ctx.Done():
			return nil, newError(ErrKeysUnavailable, "the token introspection was cancelled", ctx.Err())
		}
	}
	if call.err != nil {
		return nil, call.err
	}
	return copyClaims(call.claims), nil
}

// remember caches an answer: active ones until min(exp, TTL), inactive
// ones briefly, errors never. Called with mu held.
func (in *introspector) remember(token string, c *Claims, err error) {
	var until time.Time
	now := in.cfg.Now()
	switch {
	case err == nil:
		until = now.Add(in.cfg.IntrospectionCacheTTL)
		if !c.ExpiresAt.IsZero() && c.ExpiresAt.Before(until) {
			until = c.ExpiresAt
		}
	case errors.Is(err, errInactive):
		until = now.Add(inactiveTTL)
	default:
		return
	}
	if _, ok := in.cache[token]; !ok {
		in.order = append(in.order, token)
	}
	in.cache[token] = &introspected{claims: c, until: until}
	// order holds each cached token once, oldest first: evict from its
	// front past the bound.
	for len(in.cache) > introspectionMaxLen {
		delete(in.cache, in.order[0])
		in.order = in.order[1:]
	}
}

// errInactive marks an answer with active=false (cacheable briefly).
var errInactive = errors.New("inactive token")

// call performs one RFC 7662 request and checks the answer like a JWT.
func (in *introspector) call(ctx context.Context, token string, claimsOf func(string, []member) *Claims) (*Claims, error) {
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
	members, err := objectMembers(answer, nil)
	if err != nil {
		return nil, newError(ErrKeysUnavailable, "the token introspection answer is not a JSON object", err)
	}
	if active, _ := findMember(members, "active"); active != "true" {
		return nil, newError(ErrInvalidToken, "the token is not active", errInactive)
	}
	if err := in.check(members); err != nil {
		return nil, err
	}
	return claimsOf(answer, members), nil
}

// check applies the JWT rules to an active answer: exp and nbf with the
// leeway, iss and aud when present.
func (in *introspector) check(a []member) error {
	now := in.cfg.Now()
	leeway := in.cfg.Leeway
	if v, ok := findMember(a, "exp"); ok {
		f, isNum := numericDate(v)
		if !isNum || !now.Before(time.Unix(int64(f), 0).Add(leeway)) {
			return newError(ErrInvalidToken, "the token has expired", nil)
		}
	}
	if v, ok := findMember(a, "nbf"); ok {
		f, isNum := numericDate(v)
		if !isNum || now.Add(leeway).Before(time.Unix(int64(f), 0)) {
			return newError(ErrInvalidToken, "the token is not valid yet", nil)
		}
	}
	if v, ok := findMember(a, "iss"); ok {
		if s, isString := stringOf(v); !isString || s != in.cfg.Issuer {
			return newError(ErrInvalidToken, "the token's issuer is not accepted", nil)
		}
	}
	if v, ok := findMember(a, "aud"); ok {
		accepted := false
		auds, _ := appendStrings(v, nil, false)
		for _, aud := range auds {
			for _, want := range in.cfg.Audiences {
				accepted = accepted || aud == want
			}
		}
		if !accepted {
			return newError(ErrInvalidToken, "the token's audience is not accepted", nil)
		}
	}
	return nil
}
