package axiomstest

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/axioms-go/axiomsgen/runtime"
)

// Service is a service running in -dev mode, reached over HTTP: where it
// listens and the dev issuer in its process that its guard trusts (an
// Issuer started with Start). Matrix runs the auth matrix against it, as
// Matrix does against a handler, for staging checks of a deployed build;
// the tokens come from the dev issuer's minting endpoint (MintPath).
//
// Tokens go to URL and Issuer only. Both must be loopback addresses
// unless AllowNonLoopback is set: a dev issuer mints anything for
// anyone, and a service that trusts one must never be reachable from
// elsewhere. Never point a Service at a production service or issuer.
type Service struct {
	// URL is the service's base URL, e.g. "http://127.0.0.1:8080".
	URL string
	// Issuer is the dev issuer's URL, as the service prints it in -dev
	// mode. Empty: the first authorization server of the service's
	// protected resource metadata (RFC 9728), when it serves one.
	Issuer string
	// AllowNonLoopback lets URL and Issuer name other hosts (a staging
	// network of its own). Connections are otherwise refused unless they
	// reach a loopback address, whatever a name resolves to.
	AllowNonLoopback bool
}

// ErrNotLoopback is the error (wrapped) of a Service asked to reach a
// host that is not loopback without AllowNonLoopback.
var ErrNotLoopback = errors.New("not a loopback address")

// ErrNoIssuer is the error (wrapped) of a Service with no Issuer whose
// service publishes no metadata naming one.
var ErrNoIssuer = errors.New("no issuer given or published")

// maxServiceBody bounds what is read of any answer.
const maxServiceBody = 1 << 20

// client is the HTTP client of one run: no redirects followed (a 3xx is
// the answer), bounded time, and loopback peers only unless allowed.
func (s Service) client() *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	if !s.AllowNonLoopback {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
				return fmt.Errorf("axiomstest: refusing to connect to %s: %w", address, ErrNotLoopback)
			}
			return nil
		}
	}
	return &http.Client{
		Timeout:       10 * time.Second,
		Transport:     &http.Transport{DialContext: d.DialContext, Proxy: nil, MaxIdleConnsPerHost: 4},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// base checks a base URL: absolute http(s), no query, loopback unless
// allowed; it returns it without a trailing slash.
func (s Service) base(what, raw string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("axiomstest: the %s URL %q must be an absolute http or https URL without query", what, raw)
	}
	if !s.AllowNonLoopback && !loopbackHost(u.Host) {
		return "", fmt.Errorf("axiomstest: the %s URL %q is %w: the prober sends tokens of a dev issuer that mints anything, and a service trusting one must not be reachable from elsewhere (allow other hosts only on a staging network of its own, never in production)", what, raw, ErrNotLoopback)
	}
	return strings.TrimSuffix(u.String(), "/"), nil
}

// Mint asks the dev issuer's minting endpoint for a token shaped by opts,
// as Issuer.Mint makes them (WithSigningKey excepted: that key is not the
// issuer's).
func (s Service) Mint(ctx context.Context, opts ...TokenOption) (string, error) {
	c := s.client()
	defer c.CloseIdleConnections()
	iss, err := s.issuer(ctx, c)
	if err != nil {
		return "", err
	}
	return mintRemote(ctx, c, iss, opts)
}

// issuer is the checked URL of the dev issuer: Issuer, or the one the
// service's metadata names.
func (s Service) issuer(ctx context.Context, c *http.Client) (string, error) {
	if s.Issuer != "" {
		return s.base("issuer", s.Issuer)
	}
	target, err := s.base("service", s.URL)
	if err != nil {
		return "", err
	}
	// RFC 9728 §3.1: the well-known segment goes between host and path.
	u, _ := url.Parse(target)
	u.Path = "/.well-known/oauth-protected-resource" + strings.TrimSuffix(u.Path, "/")
	u.RawPath = ""
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return "", err
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", fmt.Errorf("axiomstest: reading the service's metadata for its issuer: %w", err)
	}
	defer resp.Body.Close()
	var meta struct {
		Servers []string `json:"authorization_servers"`
	}
	if resp.StatusCode != http.StatusOK || json.NewDecoder(io.LimitReader(resp.Body, maxServiceBody)).Decode(&meta) != nil || len(meta.Servers) == 0 {
		return "", fmt.Errorf("axiomstest: %w: %s serves no protected resource metadata naming its issuer (%s answered %d): give the dev issuer's URL, which the service prints in -dev mode", ErrNoIssuer, target, u, resp.StatusCode)
	}
	return s.base("issuer", meta.Servers[0])
}

func mintRemote(ctx context.Context, c *http.Client, iss string, opts []TokenOption) (string, error) {
	m, err := mintRequestOf(opts)
	if err != nil {
		return "", err
	}
	body, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("axiomstest: a claim cannot be sent as JSON: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, iss+MintPath, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return "", fmt.Errorf("axiomstest: minting a token at %s: %w", iss, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxServiceBody))
	if err != nil {
		return "", fmt.Errorf("axiomstest: minting a token at %s: %w", iss, err)
	}
	var answer struct {
		Token string `json:"access_token"`
		Error string `json:"error_description"`
	}
	json.Unmarshal(b, &answer)
	switch {
	case resp.StatusCode == http.StatusNotFound || resp.StatusCode == http.StatusMethodNotAllowed:
		return "", fmt.Errorf("axiomstest: %s has no minting endpoint (%s answered %d): is it the dev issuer of a service started in -dev mode?", iss, MintPath, resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		return "", fmt.Errorf("axiomstest: the dev issuer at %s refused to mint (%d): %s", iss, resp.StatusCode, answer.Error)
	case answer.Token == "":
		return "", fmt.Errorf("axiomstest: the dev issuer at %s answered without a token", iss)
	}
	return answer.Token, nil
}

// Matrix runs the auth matrix of routes (the service's generated
// AxiomsRoutes tables) against the running service: the cases Matrix
// runs in process, each a request to URL. DPoP proofs name URL unless
// WithProbeBaseURL says otherwise. The handlers behind the guards run
// for the requests that pass (the smallest token meeting each
// requirement): probe a service whose data may change.
func (s Service) Matrix(ctx context.Context, routes []runtime.Route, opts ...ProbeOption) ([]ProbeResult, error) {
	target, err := s.base("service", s.URL)
	if err != nil {
		return nil, err
	}
	client := s.client()
	defer client.CloseIdleConnections()
	iss, err := s.issuer(ctx, client)
	if err != nil {
		return nil, err
	}
	c := newProbeConfig(append([]ProbeOption{WithProbeBaseURL(target)}, opts...))
	p := &prober{c: c, target: target,
		mint: func(opts ...TokenOption) (string, error) { return mintRemote(ctx, client, iss, opts) },
		send: func(method, url, host string, h http.Header) (probeResponse, error) {
			req, err := http.NewRequestWithContext(ctx, method, url, nil)
			if err != nil {
				return probeResponse{}, err
			}
			if host != "" {
				req.Host = host
			}
			for k, v := range h {
				req.Header[k] = v
			}
			resp, err := client.Do(req)
			if err != nil {
				return probeResponse{}, err
			}
			defer resp.Body.Close()
			body, err := io.ReadAll(io.LimitReader(resp.Body, maxServiceBody))
			if err != nil {
				return probeResponse{}, err
			}
			return probeResponse{status: resp.StatusCode, header: resp.Header, body: body}, nil
		},
	}
	// The key set once per run: every route's forgery uses the same key.
	var (
		once sync.Once
		kid  string
		n    []byte
		kerr error
	)
	p.rsaKey = func() (string, []byte, error) {
		once.Do(func() { kid, n, kerr = remoteRSAKey(ctx, client, iss) })
		return kid, n, kerr
	}
	return p.matrix(routes)
}

// remoteRSAKey is the first RSA key of the issuer's published set, for
// the HS256 forgery; none is no error (the case is left out).
func remoteRSAKey(ctx context.Context, c *http.Client, iss string) (kid string, n []byte, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, iss+"/.well-known/jwks.json", nil)
	if err != nil {
		return "", nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return "", nil, fmt.Errorf("axiomstest: reading the dev issuer's keys: %w", err)
	}
	defer resp.Body.Close()
	var set struct {
		Keys []struct {
			KTY string `json:"kty"`
			KID string `json:"kid"`
			N   string `json:"n"`
		} `json:"keys"`
	}
	if resp.StatusCode != http.StatusOK {
		return "", nil, fmt.Errorf("axiomstest: reading the dev issuer's keys: status %d", resp.StatusCode)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxServiceBody)).Decode(&set); err != nil {
		return "", nil, fmt.Errorf("axiomstest: reading the dev issuer's keys: %w", err)
	}
	for _, k := range set.Keys {
		if k.KTY == "RSA" && k.KID != "" {
			n, err := base64.RawURLEncoding.DecodeString(k.N)
			if err != nil || len(n) == 0 {
				return "", nil, errors.New("axiomstest: the dev issuer published an RSA key with a bad modulus")
			}
			return k.KID, n, nil
		}
	}
	return "", nil, nil
}
