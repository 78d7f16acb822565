package axiomstest

import (
	"crypto"
	"crypto/rsa"
	"encoding/json"
	"flag"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"time"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/golang-jwt/jwt/v5"
)

// The auth-matrix prober proves, on the application's real handler, what
// the generated route table says: for every route, the requests a guard
// must refuse are refused with the right status and challenge, and the
// smallest token that meets the requirement gets through. Probe and
// Matrix send the requests to the handler in process (ServeHTTP), never
// over the network; Service.Matrix sends the same requests over HTTP to a
// running -dev service. The tokens are always the test issuer's.

// ProbeOption adjusts Probe.
type ProbeOption func(*probeConfig)

type probeConfig struct {
	params      map[string]string            // parameter name -> value, every route
	routeParams map[string]map[string]string // route pattern -> name -> value
	paths       map[string]string            // route pattern -> path
	base        string
	baseSet     bool
	scope       string
	roles       string
	permissions string
}

// WithParam sets the value of a path parameter (by name) in every route
// (default "1", or a value a regular expression parameter accepts).
func WithParam(name, value string) ProbeOption {
	return func(c *probeConfig) { c.params[name] = value }
}

// WithRouteParam sets a parameter's value for one route, named by its
// pattern as in the route table ("GET /items/{id}").
func WithRouteParam(pattern, name, value string) ProbeOption {
	return func(c *probeConfig) {
		if c.routeParams[pattern] == nil {
			c.routeParams[pattern] = map[string]string{}
		}
		c.routeParams[pattern][name] = value
	}
}

// WithProbePath gives the whole path to request for one route.
func WithProbePath(pattern, path string) ProbeOption {
	return func(c *probeConfig) { c.paths[pattern] = path }
}

// WithProbeBaseURL is the external URL the guard names in DPoP proofs
// (runtime.Config.DPoPBaseURL): needed to prove that a DPoP route lets a
// bound token with a valid proof through.
func WithProbeBaseURL(base string) ProbeOption {
	return func(c *probeConfig) { c.base, c.baseSet = strings.TrimSuffix(base, "/"), true }
}

// WithProbeClaimNames names the claims that carry scopes, roles and
// permissions when the guard is configured with others than the defaults
// ("scope", "roles", "permissions").
func WithProbeClaimNames(scope, roles, permissions string) ProbeOption {
	return func(c *probeConfig) { c.scope, c.roles, c.permissions = scope, roles, permissions }
}

// ProbeResult is one request of the matrix and what it got.
type ProbeResult struct {
	Route  string // the route's pattern
	Case   string // what the request proves, e.g. "expired token"
	Method string
	Path   string
	Want   string // e.g. "401 invalid_token", "through the guard"
	Status int
	Code   string // the JSON body's "error", when the guard answered
	Header string // WWW-Authenticate
	OK     bool
}

func (r ProbeResult) String() string {
	return fmt.Sprintf("%s %s [%s]: got %d %q (WWW-Authenticate %q), want %s", r.Method, r.Path, r.Case, r.Status, r.Code, r.Header, r.Want)
}

// ProbeT is what Probe needs of a test: *testing.T has it (T is
// *testing.T), with its subtests.
type ProbeT[T any] interface {
	Helper()
	Fatal(args ...any)
	Error(args ...any)
	Logf(format string, args ...any)
	Run(name string, f func(T)) bool
}

// Probe runs the matrix of every route on handler, the application's
// real handler built as its tests build it, whose guard trusts iss: one
// subtest per route, one line per failed case naming the request, what was
// expected and what came back; with -v, every case. routes is the
// generated AxiomsRoutes table (append those of several packages). Call
// it with a *testing.T: Probe(t, handler, routes, iss).
func Probe[T ProbeT[T]](t T, handler http.Handler, routes []runtime.Route, iss *Issuer, opts ...ProbeOption) {
	t.Helper()
	results, err := Matrix(handler, routes, iss, opts...)
	if err != nil {
		t.Fatal(err)
	}
	byRoute := map[string][]ProbeResult{}
	var order []string
	for _, r := range results {
		if _, ok := byRoute[r.Route]; !ok {
			order = append(order, r.Route)
		}
		byRoute[r.Route] = append(byRoute[r.Route], r)
	}
	for _, route := range order {
		t.Run(route, func(t T) {
			for _, r := range byRoute[route] {
				if !r.OK {
					t.Error(r)
				} else if verbose() {
					t.Logf("ok %-28s %d %s", r.Case, r.Status, r.Code)
				}
			}
		})
	}
}

// Matrix runs the requests Probe runs and returns every result; Probe
// reports them. It fails only when a route cannot be probed (a pattern it
// cannot fill, a DPoP route without WithProbeBaseURL).
func Matrix(handler http.Handler, routes []runtime.Route, iss *Issuer, opts ...ProbeOption) ([]ProbeResult, error) {
	c := newProbeConfig(opts)
	p := &prober{c: c, target: c.base, mint: iss.Mint,
		send: func(method, url, host string, h http.Header) (probeResponse, error) {
			r := httptest.NewRequest(method, url, nil)
			if host != "" {
				r.Host = host
			}
			maps.Copy(r.Header, h)
			w := httptest.NewRecorder()
			handler.ServeHTTP(w, r)
			return probeResponse{status: w.Code, header: w.Header(), body: w.Body.Bytes()}, nil
		},
		rsaKey: func() (string, []byte, error) {
			kid, key, err := iss.SigningKey("RS256")
			if err != nil {
				return "", nil, err
			}
			pub, ok := key.Public().(*rsa.PublicKey)
			if !ok {
				return "", nil, nil
			}
			return kid, pub.N.Bytes(), nil
		},
	}
	return p.matrix(routes)
}

func newProbeConfig(opts []ProbeOption) *probeConfig {
	c := &probeConfig{params: map[string]string{}, routeParams: map[string]map[string]string{}, paths: map[string]string{},
		base: "http://probe.example.test", scope: "scope", roles: "roles", permissions: "permissions"}
	for _, o := range opts {
		o(c)
	}
	return c
}

// prober runs the matrix through send, with tokens from mint: the same
// cases whether the application is a handler in process or a service
// over HTTP.
type prober struct {
	c      *probeConfig
	target string // the base URL of every request
	// send makes one request and returns the answer.
	send func(method, url, host string, h http.Header) (probeResponse, error)
	// mint makes a token signed by the issuer the guard trusts.
	mint func(opts ...TokenOption) (string, error)
	// rsaKey is the kid and modulus of the issuer's published RSA key,
	// the "secret" of the HS256 forgery; no kid: there is none.
	rsaKey   func() (kid string, n []byte, err error)
	stranger crypto.Signer // a key the issuer never published, made once
}

type probeResponse struct {
	status int
	header http.Header
	body   []byte
}

func (p *prober) matrix(routes []runtime.Route) ([]ProbeResult, error) {
	var out []ProbeResult
	for _, route := range routes {
		rs, err := p.route(route)
		if err != nil {
			return nil, err
		}
		out = append(out, rs...)
	}
	return out, nil
}

// guardCodes are the error codes of the guard's JSON bodies: a response
// carrying one is the guard's, not the handler's.
var guardCodes = map[string]bool{
	"unauthorized": true, "invalid_request": true, "invalid_token": true, "insufficient_scope": true,
	"temporarily_unavailable": true, "invalid_dpop_proof": true, "use_dpop_nonce": true, "insufficient_user_authentication": true,
}

// expectation is what a case must get.
type expectation struct {
	status int
	code   string
	// through: the guard must let the request through (any answer but a
	// guard's rejection); open: not 401 or 403 (public routes).
	through, open bool
}

func (e expectation) String() string {
	switch {
	case e.through:
		return "through the guard"
	case e.open:
		return "not 401 or 403 (public route)"
	}
	return fmt.Sprintf("%d %s", e.status, e.code)
}

func bearer(tok string) http.Header { return http.Header{"Authorization": {"Bearer " + tok}} }

func (p *prober) route(route runtime.Route) ([]ProbeResult, error) {
	method, host, path, err := p.request(route)
	if err != nil {
		return nil, err
	}
	req := route.Requirement
	var out []ProbeResult
	run := func(name string, want expectation, h http.Header) error {
		resp, err := p.send(method, p.target+path, host, h)
		if err != nil {
			return fmt.Errorf("axiomstest: route %q, case %q: %w", route.Pattern, name, err)
		}
		res := ProbeResult{Route: route.Pattern, Case: name, Method: method, Path: path, Want: want.String(),
			Status: resp.status, Header: resp.header.Get("WWW-Authenticate")}
		var body struct {
			Error string `json:"error"`
		}
		if json.Unmarshal(resp.body, &body) == nil && guardCodes[body.Error] {
			res.Code = body.Error
		}
		guard := res.Code != "" && res.Status >= 400
		switch {
		case want.open:
			res.OK = res.Status != 401 && res.Status != 403
		case want.through:
			res.OK = !guard
		default:
			res.OK = res.Status == want.status && res.Code == want.code
			if want.status == 401 && res.OK {
				res.OK = res.Header != ""
			}
		}
		out = append(out, res)
		return nil
	}
	if route.Public {
		return out, run("no token on a public route", expectation{open: true}, nil)
	}
	mint := func(extra ...TokenOption) (string, error) {
		return p.mint(append(p.satisfying(req), extra...)...)
	}
	scheme := "Bearer "
	var key *DPoPKey
	if req.DPoP {
		if !p.c.baseSet {
			return nil, fmt.Errorf("axiomstest: route %q requires DPoP: pass axiomstest.WithProbeBaseURL with the guard's DPoPBaseURL, so that proofs name the URL the guard expects", route.Pattern)
		}
		if key, err = NewDPoPKey("ES256"); err != nil {
			return nil, err
		}
		scheme = "DPoP "
	}
	// withProof is a DPoP request of tok with a fresh proof naming the
	// URL the guard expects.
	withProof := func(tok string) (http.Header, error) {
		proof, err := key.Proof(method, p.c.base+path, tok)
		if err != nil {
			return nil, err
		}
		return http.Header{"Authorization": {"DPoP " + tok}, "Dpop": {proof}}, nil
	}
	invalid := []struct {
		name string
		opts []TokenOption
	}{
		{"expired token", []TokenOption{WithExpiresIn(-time.Hour)}},
		{"token not valid yet", []TokenOption{WithClaim("nbf", time.Now().Add(time.Hour).Unix())}},
		{"token of another issuer", []TokenOption{WithClaim("iss", "https://another-issuer.example.test/")}},
		{"token for another audience", []TokenOption{WithAudiences("https://another-api.example.test")}},
	}
	if err := run("no token", expectation{status: 401, code: "unauthorized"}, nil); err != nil {
		return nil, err
	}
	if err := run("malformed Authorization", expectation{status: 400, code: "invalid_request"}, http.Header{"Authorization": {scheme + "a b"}}); err != nil {
		return nil, err
	}
	if err := run("garbage token", expectation{status: 401, code: "invalid_token"}, http.Header{"Authorization": {scheme + "not.a.jwt"}}); err != nil {
		return nil, err
	}
	for _, inv := range invalid {
		tok, err := mint(inv.opts...)
		if err != nil {
			return nil, err
		}
		if err := run(inv.name, expectation{status: 401, code: "invalid_token"}, http.Header{"Authorization": {scheme + tok}}); err != nil {
			return nil, err
		}
	}
	forged, err := p.forgeries(req)
	if err != nil {
		return nil, err
	}
	for _, f := range forged {
		if err := run(f.name, expectation{status: 401, code: "invalid_token"}, http.Header{"Authorization": {scheme + f.token}}); err != nil {
			return nil, err
		}
	}
	// Each list, unmet while every other is met.
	for _, miss := range p.misses(req) {
		want := expectation{status: 403, code: "insufficient_scope"}
		if miss.stepUp {
			want = expectation{status: 401, code: "insufficient_user_authentication"}
		}
		if req.DPoP {
			miss.opts = append(miss.opts, WithDPoPKey(key))
		}
		tok, err := p.mint(miss.opts...)
		if err != nil {
			return nil, err
		}
		h := bearer(tok)
		if req.DPoP {
			if h, err = withProof(tok); err != nil {
				return nil, err
			}
		}
		if err := run(miss.name, want, h); err != nil {
			return nil, err
		}
	}
	tok, err := mint()
	if err != nil {
		return nil, err
	}
	if req.DPoP {
		if err := run("bearer token on a DPoP route", expectation{status: 401, code: "unauthorized"}, bearer(tok)); err != nil {
			return nil, err
		}
		bound, err := mint(WithDPoPKey(key))
		if err != nil {
			return nil, err
		}
		h, err := withProof(bound)
		if err != nil {
			return nil, err
		}
		if err := run("bound token with a proof meeting the requirement", expectation{through: true}, h); err != nil {
			return nil, err
		}
	} else if err := run("token meeting the requirement", expectation{through: true}, bearer(tok)); err != nil {
		return nil, err
	}
	// Variants of the path a router or middleware may serve apart: not
	// through without a token.
	for _, v := range []struct{ name, path string }{
		{"no token, trailing slash", strings.TrimSuffix(path, "/") + "/"},
		{"no token, upper case", strings.ToUpper(path)},
	} {
		if v.path == path {
			continue
		}
		resp, err := p.send(method, p.target+v.path, host, nil)
		if err != nil {
			return nil, fmt.Errorf("axiomstest: route %q, case %q: %w", route.Pattern, v.name, err)
		}
		res := ProbeResult{Route: route.Pattern, Case: v.name, Method: method, Path: v.path,
			Want: "not served (no 2xx) without a token", Status: resp.status, Header: resp.header.Get("WWW-Authenticate")}
		res.OK = resp.status < 200 || resp.status > 299
		out = append(out, res)
	}
	return out, nil
}

// satisfying are the options of the smallest token meeting req: the first
// value of each list, and a fresh authentication of the first acr.
func (p *prober) satisfying(req runtime.Requirement) []TokenOption {
	return p.claims(req, -1, "")
}

type miss struct {
	name   string
	opts   []TokenOption
	stepUp bool
}

// misses are tokens that meet every list of req but one.
func (p *prober) misses(req runtime.Requirement) []miss {
	var out []miss
	i := 0
	for _, kl := range []struct {
		kind  string
		lists [][]string
	}{{"scopes", req.Scopes}, {"roles", req.Roles}, {"permissions", req.Permissions}} {
		for _, l := range kl.lists {
			out = append(out, miss{name: fmt.Sprintf("token without %s(%s)", kl.kind, strings.Join(l, "|")), opts: p.claims(req, i, "")})
			i++
		}
	}
	if len(req.ACR) > 0 {
		out = append(out, miss{name: "token without acr(" + strings.Join(req.ACR, "|") + ")", opts: p.claims(req, -1, "acr"), stepUp: true})
	}
	if req.MaxAge > 0 {
		out = append(out, miss{name: "token authenticated too long ago", opts: p.claims(req, -1, "auth_time"), stepUp: true})
	}
	return out
}

// claims are the token options for req with the skip-th list (in the
// order scopes, roles, permissions) unmet, or the step-up claim "acr" or
// "auth_time" wrong.
func (p *prober) claims(req runtime.Requirement, skip int, stepUp string) []TokenOption {
	var scopes, roles, perms []string
	i := 0
	for _, kl := range []struct {
		lists [][]string
		dst   *[]string
	}{{req.Scopes, &scopes}, {req.Roles, &roles}, {req.Permissions, &perms}} {
		for _, l := range kl.lists {
			if i != skip && len(l) > 0 {
				*kl.dst = append(*kl.dst, l[0])
			}
			i++
		}
	}
	opts := []TokenOption{WithExpiresIn(10 * time.Minute)}
	if len(scopes) > 0 {
		opts = append(opts, WithClaim(p.c.scope, strings.Join(scopes, " ")))
	}
	if len(roles) > 0 {
		opts = append(opts, WithClaim(p.c.roles, roles))
	}
	if len(perms) > 0 {
		opts = append(opts, WithClaim(p.c.permissions, perms))
	}
	if len(req.ACR) > 0 {
		acr := req.ACR[0]
		if stepUp == "acr" {
			acr = "urn:axiomstest:weaker-than-required"
		}
		opts = append(opts, WithACR(acr))
	}
	if req.MaxAge > 0 {
		at := time.Now()
		if stepUp == "auth_time" {
			at = at.Add(-req.MaxAge - time.Hour)
		}
		opts = append(opts, WithAuthTime(at))
	}
	return opts
}

type forgery struct{ name, token string }

// forgeries are tokens with the claims of a valid one but a signature the
// guard must refuse: by a key the issuer never published, none at all
// (alg none), and HS256 with the issuer's public RSA key as the secret.
// They are made here from a valid token, so a remote issuer needs no
// endpoint for them.
func (p *prober) forgeries(req runtime.Requirement) ([]forgery, error) {
	if p.stranger == nil {
		k, err := newKey("ES256", true)
		if err != nil {
			return nil, err
		}
		p.stranger = k
	}
	valid, err := p.mint(p.satisfying(req)...)
	if err != nil {
		return nil, err
	}
	parts := strings.Split(valid, ".")
	if len(parts) != 3 {
		return nil, fmt.Errorf("axiomstest: the issuer minted a token that is not a JWS")
	}
	payload := parts[1]
	sign := func(header string, method jwt.SigningMethod, key any) (string, error) {
		input := b64([]byte(header)) + "." + payload
		sig, err := method.Sign(input, key)
		if err != nil {
			return "", err
		}
		return input + "." + b64(sig), nil
	}
	unknown, err := sign(`{"alg":"ES256","typ":"at+jwt","kid":"axiomstest-unknown-key"}`, jwt.SigningMethodES256, p.stranger)
	if err != nil {
		return nil, err
	}
	out := []forgery{
		{"token signed by an unknown key", unknown},
		{"alg none", b64([]byte(`{"alg":"none","typ":"at+jwt"}`)) + "." + payload + "."},
	}
	kid, n, err := p.rsaKey()
	if err != nil {
		return nil, err
	}
	if kid != "" {
		header, _ := json.Marshal(map[string]string{"alg": "HS256", "typ": "at+jwt", "kid": kid})
		hs, err := sign(string(header), jwt.SigningMethodHS256, n)
		if err != nil {
			return nil, err
		}
		out = append(out, forgery{"HS256 with the public key as secret", hs})
	}
	return out, nil
}

// paramRE matches the path parameters of every router's syntax: {name},
// {name...}, {name:regexp} (net/http, chi, gorilla/mux), :name and *name
// or a bare * (gin, echo, chi).
var paramRE = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)(\.\.\.)?(?::((?:[^{}]|\{[^{}]*\})*))?\}|:([A-Za-z_][A-Za-z0-9_]*)|\*([A-Za-z_][A-Za-z0-9_]*)?`)

// request derives a concrete request from a route pattern.
func (p *prober) request(route runtime.Route) (method, host, path string, err error) {
	pattern := route.Pattern
	method = http.MethodGet
	if m, rest, ok := strings.Cut(pattern, " "); ok && m != "" && strings.Trim(m, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" {
		method, pattern = m, strings.TrimLeft(rest, " ")
	}
	if i := strings.IndexByte(pattern, '/'); i > 0 {
		host, pattern = pattern[:i], pattern[i:]
	}
	if fixed, ok := p.c.paths[route.Pattern]; ok {
		return method, host, fixed, nil
	}
	pattern = strings.TrimSuffix(pattern, "{$}")
	var failed error
	path = paramRE.ReplaceAllStringFunc(pattern, func(m string) string {
		sub := paramRE.FindStringSubmatch(m)
		name, wild, re := sub[1], sub[2] != "", sub[3]
		switch {
		case sub[4] != "":
			name = sub[4]
		case strings.HasPrefix(m, "*"):
			name, wild = sub[5], true
		}
		if v, ok := p.c.routeParams[route.Pattern][name]; ok && name != "" {
			return v
		}
		if v, ok := p.c.params[name]; ok && name != "" {
			return v
		}
		if wild {
			return "probe"
		}
		if re == "" {
			return "1"
		}
		rx, err := regexp.Compile("^(?:" + re + ")$")
		if err != nil {
			failed = fmt.Errorf("axiomstest: route %q: parameter %s has a pattern Go cannot compile (%v): give it a value with WithRouteParam", route.Pattern, name, err)
			return m
		}
		for _, c := range []string{"1", "123", "a", "abc", "A1", "abc123", "2024-01-01", "x-1", "00000000-0000-0000-0000-000000000000"} {
			if rx.MatchString(c) {
				return c
			}
		}
		failed = fmt.Errorf("axiomstest: route %q: no sample value matches parameter %s (%s): give one with WithRouteParam(%q, %q, ...)", route.Pattern, name, re, route.Pattern, name)
		return m
	})
	return method, host, path, failed
}

// verbose reports whether the test binary runs with -test.v (testing's
// Verbose, read from its flag so that the package need not import
// testing).
func verbose() bool {
	f := flag.Lookup("test.v")
	return f != nil && f.Value.String() != "false" && f.Value.String() != ""
}
