package axiomstest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"
	"time"
)

// MintPath is the path of the dev issuer's minting endpoint: a POST of a
// JSON MintRequest answers {"access_token": ...}, a token shaped as the
// request says and signed by the issuer's key. It is how a prober outside
// the service's process (axiomsgen probe -url, Service) gets every kind of
// token a guard must tell apart. It mints anything for anyone who can
// reach it, so it answers only requests that come from and are addressed
// to loopback, with a JSON body of at most 64 KiB and no Origin header
// (no browser page can use it). It exists only on the test issuer: never
// run a -dev issuer where production tokens or production clients are.
const MintPath = "/axiomstest/mint"

// maxMintBody bounds a mint request.
const maxMintBody = 64 << 10

// MintRequest is the body of a POST to MintPath: the serialised form of
// TokenOptions. Every member is optional; an empty object mints the
// default token of Mint.
type MintRequest struct {
	// Alg is the signing algorithm (default RS256); KID a key of the
	// issuer (a retired one included).
	Alg string `json:"alg,omitempty"`
	KID string `json:"kid,omitempty"`
	// Now is the Unix time of "iat" and the base of "exp" (default: the
	// issuer's clock); ExpiresIn the token's lifetime in seconds,
	// negative for an expired token (default 300).
	Now       *int64 `json:"now,omitempty"`
	ExpiresIn *int64 `json:"expires_in,omitempty"`
	// Claims set or override claims (iss, aud, scope, roles, acr,
	// auth_time, nbf, cnf...); WithoutClaims removes them, defaults
	// included.
	Claims        map[string]any `json:"claims,omitempty"`
	WithoutClaims []string       `json:"without_claims,omitempty"`
	// Header and WithoutHeader do the same for the JOSE header.
	Header        map[string]any `json:"header,omitempty"`
	WithoutHeader []string       `json:"without_header,omitempty"`
}

// options turns the request into the TokenOptions it stands for.
func (m MintRequest) options() []TokenOption {
	var opts []TokenOption
	if m.Alg != "" {
		opts = append(opts, WithAlg(m.Alg))
	}
	if m.KID != "" {
		opts = append(opts, WithKID(m.KID))
	}
	if m.Now != nil {
		opts = append(opts, WithTime(time.Unix(*m.Now, 0)))
	}
	if m.ExpiresIn != nil {
		opts = append(opts, WithExpiresIn(time.Duration(*m.ExpiresIn)*time.Second))
	}
	for name, v := range m.Claims {
		opts = append(opts, WithClaim(name, v))
	}
	for _, name := range m.WithoutClaims {
		opts = append(opts, WithoutClaim(name))
	}
	for name, v := range m.Header {
		opts = append(opts, WithHeader(name, v))
	}
	for _, name := range m.WithoutHeader {
		opts = append(opts, WithoutHeader(name))
	}
	return opts
}

// mintRequestOf serialises opts for a remote issuer. A key given with
// WithSigningKey cannot travel: sign such tokens where the key is.
func mintRequestOf(opts []TokenOption) (MintRequest, error) {
	const unset = time.Duration(-1 << 63)
	s := &tokenSpec{expiresIn: unset, claims: map[string]any{}, drop: map[string]bool{}, header: map[string]any{}, dropHeader: map[string]bool{}}
	for _, opt := range opts {
		opt(s)
	}
	if s.signingKey != nil {
		return MintRequest{}, errors.New("axiomstest: WithSigningKey cannot be sent to a remote issuer: a key it does not hold must sign where it is")
	}
	m := MintRequest{Alg: s.alg, KID: s.kid, Claims: s.claims, Header: s.header}
	if !s.now.IsZero() {
		now := s.now.Unix()
		m.Now = &now
	}
	if s.expiresIn != unset {
		secs := int64(s.expiresIn / time.Second)
		m.ExpiresIn = &secs
	}
	for name := range s.drop {
		m.WithoutClaims = append(m.WithoutClaims, name)
	}
	for name := range s.dropHeader {
		m.WithoutHeader = append(m.WithoutHeader, name)
	}
	return m, nil
}

// serveMint is the handler of MintPath.
func (i *Issuer) serveMint(w http.ResponseWriter, r *http.Request) {
	if why := refuseMint(r); why != "" {
		mintError(w, http.StatusForbidden, "access_denied", why)
		return
	}
	if ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || ct != "application/json" {
		mintError(w, http.StatusUnsupportedMediaType, "invalid_request", "the body must be application/json")
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxMintBody))
	if tooLarge := (*http.MaxBytesError)(nil); errors.As(err, &tooLarge) {
		mintError(w, http.StatusRequestEntityTooLarge, "invalid_request", fmt.Sprintf("the body is over %d bytes", maxMintBody))
		return
	} else if err != nil {
		mintError(w, http.StatusBadRequest, "invalid_request", "the body could not be read")
		return
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	dec.UseNumber() // integers keep their exact value
	var m MintRequest
	if err := dec.Decode(&m); err != nil || dec.More() {
		mintError(w, http.StatusBadRequest, "invalid_request", "the body is not one MintRequest JSON object")
		return
	}
	tok, err := i.Mint(m.options()...)
	if err != nil {
		mintError(w, http.StatusBadRequest, "invalid_request", err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(map[string]string{"access_token": tok, "token_type": "Bearer"})
}

// refuseMint says why r may not mint, or "" when it may: it must come from
// a loopback address, name a loopback host (a DNS-rebinding page names its
// own), and carry no Origin (browsers send one on every cross-origin POST).
func refuseMint(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
		return "the mint endpoint answers loopback clients only"
	}
	if !loopbackHost(r.Host) {
		return "the mint endpoint answers requests addressed to a loopback host only"
	}
	if r.Header.Get("Origin") != "" {
		return "the mint endpoint does not answer browsers"
	}
	return ""
}

// loopbackHost reports whether hostport (a URL's or request's host, the
// port optional) is localhost or a loopback IP literal.
func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func mintError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}
