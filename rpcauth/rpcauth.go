// Package rpcauth is what the gRPC and Connect guards (the grpcguard and
// connectguard modules) share: the table of methods and their
// requirements, the allow-list, and the mapping of a rejection to an RPC
// status. It knows neither transport, so it lives in the main module with
// no dependency beyond the runtime; it is public because those modules
// are versioned apart from this one, and its API changes only
// compatibly. Applications use the guard modules, not this package.
//
// The rule is fail closed: a method the table does not list, and that the
// allow-list does not name, is refused with PermissionDenied.
package rpcauth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/axioms-go/axiomsgen/runtime"
)

// Code is the transport-neutral status of a decision; each guard maps it
// to its own codes (gRPC codes, Connect codes).
type Code int

const (
	OK Code = iota
	Unauthenticated
	PermissionDenied
	Unavailable
)

// CodeOf maps a rejection from the Guard: requirement not met →
// PermissionDenied, keys (or another dependency of validation) not
// available → Unavailable, anything else (no token, malformed header,
// invalid token, step-up needed, bad DPoP proof) → Unauthenticated.
func CodeOf(err error) Code {
	switch {
	case err == nil:
		return OK
	case errors.Is(err, runtime.ErrInsufficient):
		return PermissionDenied
	case errors.Is(err, runtime.ErrKeysUnavailable):
		return Unavailable
	default:
		return Unauthenticated
	}
}

// Message is the status message of a rejection: the OAuth error code and
// the rule that failed, never the token.
func Message(err error) string {
	return runtime.ErrorCode(err) + ": " + runtime.Description(err)
}

type entry struct {
	req    runtime.Requirement
	public bool
}

// Table holds the requirement of each method, by full method name
// ("/pkg.Service/Method"), and the allow-list.
type Table struct {
	kind     string // "gRPC" or "Connect", for messages
	methods  map[string]entry
	services map[string]bool // allow-listed whole services, "pkg.Service"
	allowed  map[string]bool // allow-listed methods, "/pkg.Service/Method"
}

// NewTable builds the table from the generated routes (Pattern is the full
// method name) and the allow-list. It panics on what is a programming
// error, at start-up: a pattern that is not a full method name, one
// method listed twice with different requirements, a DPoP requirement
// where the transport cannot carry a proof (dpop false), a malformed
// allow-list name.
func NewTable(kind string, routes []runtime.Route, allow []string, dpop bool) *Table {
	t := &Table{kind: kind, methods: map[string]entry{}, services: map[string]bool{}, allowed: map[string]bool{}}
	for _, r := range routes {
		if !IsMethodName(r.Pattern) {
			panic(fmt.Sprintf("axioms %s guard: %q (%s) is not a full method name \"/package.Service/Method\": pass the generated method table, not the HTTP routes", kind, r.Pattern, r.Handler))
		}
		if r.Requirement.DPoP && !dpop {
			panic(fmt.Sprintf("axioms %s guard: %s requires DPoP, which gRPC cannot carry (no request URL for the proof): serve it over Connect or drop //axioms:dpop", kind, r.Pattern))
		}
		e := entry{req: r.Requirement, public: r.Public}
		if old, ok := t.methods[r.Pattern]; ok && (old.public != e.public || old.req.String() != e.req.String() || old.req.DPoP != e.req.DPoP) {
			panic(fmt.Sprintf("axioms %s guard: %s is listed twice with different requirements (%s and %s)", kind, r.Pattern, describe(old), describe(e)))
		}
		t.methods[r.Pattern] = e
	}
	for _, name := range allow {
		switch {
		case IsMethodName(name):
			t.allowed[name] = true
		case isServiceName(name):
			t.services[name] = true
		default:
			panic(fmt.Sprintf("axioms %s guard: Allow(%q): want a service \"package.Service\" or a method \"/package.Service/Method\"", kind, name))
		}
	}
	return t
}

func describe(e entry) string {
	if e.public {
		return "public"
	}
	return e.req.String()
}

// Lookup returns the requirement of method. public is true for a method
// marked //axioms:public or allow-listed: it is served without a token.
// ok is false for a method that is neither listed nor allow-listed: the
// guard must refuse it (RefusedMessage says why).
func (t *Table) Lookup(method string) (req runtime.Requirement, public, ok bool) {
	if e, found := t.methods[method]; found {
		return e.req, e.public, true
	}
	if t.allowed[method] {
		return runtime.Requirement{}, true, true
	}
	if IsMethodName(method) && t.services[method[1:strings.LastIndexByte(method, '/')]] {
		return runtime.Requirement{}, true, true
	}
	return runtime.Requirement{}, false, false
}

// RefusedMessage is the PermissionDenied message for a method Lookup does
// not know.
func (t *Table) RefusedMessage(method string) string {
	return fmt.Sprintf("%s has no //axioms: directive and is not allow-listed: the %s guard refuses every call to it", method, t.kind)
}

// NewRequest is the http.Request the Guard checks for an RPC: the
// method's path, the caller's headers (gRPC metadata or Connect headers)
// and address, in ctx. It has no body.
func NewRequest(ctx context.Context, httpMethod, method string, header http.Header, remoteAddr string) *http.Request {
	r := &http.Request{
		Method:     httpMethod,
		URL:        &url.URL{Path: method},
		Proto:      "HTTP/2.0",
		ProtoMajor: 2,
		Header:     header,
		RemoteAddr: remoteAddr,
		RequestURI: method,
	}
	return r.WithContext(ctx)
}

// IsMethodName reports whether s is "/pkg.Service/Method".
func IsMethodName(s string) bool {
	rest, ok := strings.CutPrefix(s, "/")
	if !ok {
		return false
	}
	svc, m, ok := strings.Cut(rest, "/")
	return ok && isServiceName(svc) && isIdent(m)
}

// isServiceName reports whether s is "Service" or "pkg.sub.Service".
func isServiceName(s string) bool {
	if s == "" {
		return false
	}
	for part := range strings.SplitSeq(s, ".") {
		if !isIdent(part) {
			return false
		}
	}
	return true
}

func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, c := range s {
		switch {
		case c == '_', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		case '0' <= c && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}
