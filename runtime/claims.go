package runtime

import (
	"context"
	"slices"
	"time"

	"github.com/axioms-go/axiomsgen/runtime/internal/claimcheck"

	"github.com/axioms-go/axiomsgen/runtime/internal/jsonscan"
)

// Claims is what the Guard learned from a verified access token.
type Claims struct {
	Subject  string
	Issuer   string
	ID       string // "jti"
	ClientID string // "client_id" (RFC 9068), else "azp", "cid" or "appid"

	Audience    []string
	Scopes      []string
	Roles       []string
	Permissions []string

	ExpiresAt time.Time
	IssuedAt  time.Time // zero when the token has no "iat"
	NotBefore time.Time // zero when the token has no "nbf"

	// JKT is the token's "cnf.jkt": the RFC 7638 thumbprint of the key
	// the token is bound to (DPoP, RFC 9449); "" for a bearer token.
	JKT string
	// SenderConstrained reports that this request proved possession of
	// that key: DPoP scheme, valid proof, matching thumbprint.
	SenderConstrained bool

	// payload is the JSON object the claims were read from (the token's
	// payload or the introspection answer), validated and immutable;
	// Get and Decode read it.
	payload string
	// cnf records a "cnf" claim that is present and not null.
	cnf bool
}

// Get returns any claim of the token. name is first looked up as an exact
// key, then as a dotted path into nested objects ("realm_access.roles");
// names are case-sensitive. Strings are string, booleans bool, objects
// map[string]any, arrays []any, null nil, and numbers json.Number: the
// number's text as the token carries it, so that no integer is rounded
// (1234567890123456789 stays exact; use its Int64 or Float64 method).
func (c *Claims) Get(name string) (any, bool) {
	if c == nil || c.payload == "" {
		return nil, false
	}
	var buf [32]jsonscan.Member
	ms, err := jsonscan.Members(c.payload, buf[:0])
	if err != nil {
		return nil, false
	}
	raw, ok := jsonscan.Lookup(ms, name)
	if !ok {
		return nil, false
	}
	return jsonscan.Value(raw)
}

// Decode copies the token's claims into v, a pointer to a struct with
// json tags, for typed access to custom claims, with encoding/json's rules
// but two differences that matter for security: claim names match the
// struct's json names exactly (case-sensitive, no Unicode folding: a
// "Sub" or "ſub" claim never fills a field tagged "sub"), and numbers keep
// their exact value. An integer fills an integer field exactly (an int64
// field gets 1234567890123456789, not a rounded float); a number an
// integer field cannot hold (a fraction, or out of the field's range) is
// an error, never a silent rounding; an integral number written with a
// fraction or an exponent (2.0, 1e3) fills an integer field when it is
// below 2^53. Numbers decoded into interface values are json.Number, as
// from Get.
func (c *Claims) Decode(v any) error {
	payload := "{}"
	if c != nil && c.payload != "" {
		payload = c.payload
	}
	return decodeExact(payload, v)
}

// stepUp reads the claims step-up requirements check, from the payload
// (only routes with such a requirement pay for it): "acr", and
// "auth_time" (zero when absent or not a date).
func (c *Claims) stepUp() (acr string, authTime time.Time) {
	var buf [32]jsonscan.Member
	ms, err := jsonscan.Members(c.payload, buf[:0])
	if err != nil {
		return "", time.Time{}
	}
	if v, ok := jsonscan.Find(ms, "acr"); ok {
		acr, _ = jsonscan.String(v)
	}
	if v, ok := jsonscan.Find(ms, "auth_time"); ok {
		if f, ok := claimcheck.NumericDate(v); ok {
			authTime = claimcheck.Time(f)
		}
	}
	return acr, authTime
}

// HasScope, HasRole and HasPermission report whether the token grants the
// value (exact, case-sensitive match).
func (c *Claims) HasScope(s string) bool      { return slices.Contains(c.Scopes, s) }
func (c *Claims) HasRole(s string) bool       { return slices.Contains(c.Roles, s) }
func (c *Claims) HasPermission(s string) bool { return slices.Contains(c.Permissions, s) }

type claimsKey struct{}

// ContextWithClaims returns a copy of ctx carrying c.
func ContextWithClaims(ctx context.Context, c *Claims) context.Context {
	return context.WithValue(ctx, claimsKey{}, c)
}

// ClaimsFromContext returns the claims the Guard put in a request's
// context before calling the handler.
func ClaimsFromContext(ctx context.Context) (*Claims, bool) {
	c, ok := ctx.Value(claimsKey{}).(*Claims)
	return c, ok && c != nil
}

// claims builds the Claims of a token's payload, or of an introspection
// answer, from its members with the issuer's claim names; and the view of
// its registered claims that golang-jwt's Validator checks.
func (iss *issuer) claims(payload string, ms []jsonscan.Member) (*Claims, *claimcheck.Registered) {
	// One allocation for the Claims, the view (which lives as long) and
	// the usual number of list values, at most 512 bytes (exactly 512
	// now; TestClaimsAllocSize holds it): larger objects with pointers
	// take the allocator's slower path.
	both := new(claimsAlloc)
	c, r := &both.c, &both.r
	c.payload = payload
	r.Iss, r.Sub, r.Aud = &c.Issuer, &c.Subject, &c.Audience
	all := both.list[:0]
	var present [4]bool // audience, scopes, roles, permissions: a claim of the list's was a string or array
	clientRank := 4     // client_id, azp, cid, appid: the lower, the preferred
	for _, m := range ms {
		switch m.Name {
		case "sub":
			c.Subject = r.String(m.Value, claimcheck.Sub)
		case "iss":
			c.Issuer = r.String(m.Value, claimcheck.Iss)
		case "jti":
			c.ID, _ = jsonscan.String(m.Value)

		case "exp":
			c.ExpiresAt = r.Date(m.Value, claimcheck.Exp)
		case "nbf":
			c.NotBefore = r.Date(m.Value, claimcheck.Nbf)
		case "iat":
			c.IssuedAt = r.Date(m.Value, claimcheck.Iat)
		case "aud":
			var allStrings bool
			all, allStrings = jsonscan.AppendStrings(m.Value, all, false)
			if m.Value[0] == '[' && !allStrings {
				r.Invalid(claimcheck.Aud)
			}
			present[0] = jsonscan.IsList(m.Value)
		case "cnf":
			c.cnf = m.Value != "null"
			if jkt, ok := jsonscan.Nested(m.Value, "jkt"); ok {
				c.JKT, _ = jsonscan.String(jkt)
			}
		case "client_id":
			c.clientID(m.Value, 0, &clientRank)
		case "azp":
			c.clientID(m.Value, 1, &clientRank)
		case "cid":
			c.clientID(m.Value, 2, &clientRank)
		case "appid":
			c.clientID(m.Value, 3, &clientRank)
		}
	}
	ends := [4]int{len(all)}
	for i, names := range [...][]string{iss.cfg.ScopeClaims, iss.cfg.RoleClaims, iss.cfg.PermissionClaims} {
		for _, n := range names {
			if raw, ok := jsonscan.Lookup(ms, n); ok {
				all, _ = jsonscan.AppendStrings(raw, all, true)
				present[i+1] = present[i+1] || jsonscan.IsList(raw)
			}
		}
		ends[i+1] = len(all)
	}
	carve := func(i int) []string {
		start := 0
		if i > 0 {
			start = ends[i-1]
		}
		if !present[i] {
			return nil // no such claim, or one that is neither string nor array
		}
		return all[start:ends[i]:ends[i]]
	}
	c.Audience, c.Scopes, c.Roles, c.Permissions = carve(0), carve(1), carve(2), carve(3)
	return c, r
}

// clientID takes raw as the client id when it is a non-empty string of a
// claim preferred to the one taken so far.
func (c *Claims) clientID(raw string, rank int, taken *int) {
	if s, ok := jsonscan.String(raw); ok && s != "" && rank < *taken {
		c.ClientID, *taken = s, rank
	}
}

// claimsAlloc is the one allocation of a token's claims.
type claimsAlloc struct {
	c    Claims
	r    claimcheck.Registered
	list [8]string
}
