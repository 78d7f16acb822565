package runtime

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"
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

	raw map[string]any
}

// Get returns any claim of the token. name is first looked up as an exact
// key, then as a dotted path into nested objects ("realm_access.roles").
// Numbers are float64, objects map[string]any, arrays []any.
func (c *Claims) Get(name string) (any, bool) {
	if c == nil {
		return nil, false
	}
	return lookupClaim(c.raw, name)
}

// Decode copies the token's claims into v, a pointer to a struct with json
// tags, for typed access to custom claims.
func (c *Claims) Decode(v any) error {
	b, err := json.Marshal(c.raw)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
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

// jktClaim reads cnf.jkt.
func jktClaim(m map[string]any) string {
	cnf, _ := m["cnf"].(map[string]any)
	jkt, _ := cnf["jkt"].(string)
	return jkt
}

// lookupClaim finds name as an exact key, then as a dotted path.
func lookupClaim(m map[string]any, name string) (any, bool) {
	if v, ok := m[name]; ok {
		return v, true
	}
	if !strings.Contains(name, ".") {
		return nil, false
	}
	var cur any = m
	for part := range strings.SplitSeq(name, ".") {
		obj, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = obj[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// stringValues reads the values of every listed claim that is present: a
// space-delimited string or an array of strings. Other shapes grant
// nothing.
func stringValues(m map[string]any, names []string) []string {
	var out []string
	for _, n := range names {
		if len(names) == 1 {
			// The common case: one claim, returned without a merge copy.
			v, _ := lookupClaim(m, n)
			return values(v, nil)
		}
		if v, ok := lookupClaim(m, n); ok {
			out = values(v, out)
		}
	}
	return out
}

// values appends the strings of one claim value to out.
func values(v any, out []string) []string {
	switch v := v.(type) {
	case string:
		if out == nil {
			return strings.Fields(v)
		}
		return append(out, strings.Fields(v)...)
	case []any:
		if out == nil {
			out = make([]string, 0, len(v))
		}
		for _, e := range v {
			if s, ok := e.(string); ok && s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

func stringClaim(m map[string]any, names ...string) string {
	for _, n := range names {
		if s, ok := m[n].(string); ok && s != "" {
			return s
		}
	}
	return ""
}

func audienceClaim(m map[string]any) []string {
	switch v := m["aud"].(type) {
	case string:
		return []string{v}
	case []any:
		out := make([]string, 0, len(v))
		for _, e := range v {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func timeClaim(m map[string]any, name string) time.Time {
	f, ok := m[name].(float64)
	if !ok {
		return time.Time{}
	}
	sec := int64(f)
	return time.Unix(sec, int64((f-float64(sec))*1e9))
}
