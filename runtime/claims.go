package runtime

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
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
	var buf [32]member
	ms, err := objectMembers(c.payload, buf[:0])
	if err != nil {
		return nil, false
	}
	raw, ok := lookupMember(ms, name)
	if !ok {
		return nil, false
	}
	return valueOf(raw)
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
	var buf [32]member
	ms, err := objectMembers(c.payload, buf[:0])
	if err != nil {
		return "", time.Time{}
	}
	if v, ok := findMember(ms, "acr"); ok {
		acr, _ = stringOf(v)
	}
	if v, ok := findMember(ms, "auth_time"); ok {
		if f, ok := numericDate(v); ok {
			sec, frac := math.Modf(f)
			authTime = time.Unix(int64(sec), int64(frac*1e9))
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
func (iss *issuer) claims(payload string, ms []member) (*Claims, *registered) {
	// One allocation for the Claims, the view (which lives as long) and
	// the usual number of list values, kept under 512 bytes: larger
	// objects with pointers take the allocator's slower path.
	both := new(claimsAlloc)
	c, r := &both.c, &both.r
	c.payload, r.c = payload, c
	all := both.list[:0]
	var present [4]bool // audience, scopes, roles, permissions: a claim of the list's was a string or array
	clientRank := 4     // client_id, azp, cid, appid: the lower, the preferred
	for _, m := range ms {
		switch m.name {
		case "sub":
			c.Subject = r.str(m.value, regSub)
		case "iss":
			c.Issuer = r.str(m.value, regIss)
		case "jti":
			c.ID, _ = stringOf(m.value)

		case "exp":
			c.ExpiresAt = r.date(m.value, regExp, &r.exp)
		case "nbf":
			c.NotBefore = r.date(m.value, regNbf, &r.nbf)
		case "iat":
			c.IssuedAt = r.date(m.value, regIat, &r.iat)
		case "aud":
			var allStrings bool
			all, allStrings = appendStrings(m.value, all, false)
			if m.value[0] == '[' && !allStrings {
				r.bad |= regAud
			}
			present[0] = isList(m.value)
		case "cnf":
			c.cnf = m.value != "null"
			if jkt, ok := nestedMember(m.value, "jkt"); ok {
				c.JKT, _ = stringOf(jkt)
			}
		case "client_id":
			c.clientID(m.value, 0, &clientRank)
		case "azp":
			c.clientID(m.value, 1, &clientRank)
		case "cid":
			c.clientID(m.value, 2, &clientRank)
		case "appid":
			c.clientID(m.value, 3, &clientRank)
		}
	}
	ends := [4]int{len(all)}
	for i, names := range [...][]string{iss.cfg.ScopeClaims, iss.cfg.RoleClaims, iss.cfg.PermissionClaims} {
		for _, n := range names {
			if raw, ok := lookupMember(ms, n); ok {
				all, _ = appendStrings(raw, all, true)
				present[i+1] = present[i+1] || isList(raw)
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
	if s, ok := stringOf(raw); ok && s != "" && rank < *taken {
		c.ClientID, *taken = s, rank
	}
}

// str reads a registered string claim, marking a wrong type.
func (r *registered) str(raw string, bit uint8) string {
	s, ok := stringOf(raw)
	if !ok {
		r.bad |= bit
	}
	return s
}

// date reads a registered date claim into *d as jwt.MapClaims would
// (truncated to jwt.TimePrecision; 0 is absent), marking a wrong type, and
// returns its exact time for the Claims.
func (r *registered) date(raw string, bit uint8, d *jwt.NumericDate) time.Time {
	f, ok := numericDate(raw)
	switch {
	case !ok:
		r.bad |= bit
		return time.Time{}
	case f == 0:
		return time.Time{}
	}
	sec, frac := math.Modf(f)
	t := time.Unix(int64(sec), int64(frac*1e9))
	if frac == 0 && jwt.TimePrecision > 0 && time.Second%jwt.TimePrecision == 0 {
		d.Time = t // a whole second: truncating it changes nothing
	} else {
		*d = *jwt.NewNumericDate(t)
	}
	r.set |= bit
	return t
}

// maxNumericDate bounds the seconds of a date claim (exp, nbf, iat): 2^53,
// some 285 million years, the largest integer a JSON number holds exactly
// in most parsers, far inside what time.Time represents. A date beyond
// it, such as 1e300, would wrap when converted to a time (an "nbf" of
// 9.3e18 became a date in the distant past); it is an invalid claim.
const maxNumericDate = 1 << 53

// numericDate reads a raw date claim: a JSON number of seconds within
// ±maxNumericDate; false for any other value.
func numericDate(raw string) (float64, bool) {
	f, ok := numberOf(raw)
	return f, ok && f > -maxNumericDate && f < maxNumericDate
}

// claimsAlloc is the one allocation of a token's claims.
type claimsAlloc struct {
	c    Claims
	r    registered
	list [8]string
}

// Bits of registered.bad and registered.set.
const (
	regExp uint8 = 1 << iota
	regNbf
	regIat
	regIss
	regSub
	regAud
)

// registered holds a payload's registered claims the way jwt.MapClaims
// reads them: a date of 0 is absent, a registered claim of the wrong type
// (null included) is an error. It implements jwt.Claims, so that tests can
// give it to golang-jwt's Validator.
type registered struct {
	exp, nbf, iat jwt.NumericDate
	c             *Claims // iss, sub and aud as the Claims hold them
	set, bad      uint8
}

var _ jwt.Claims = (*registered)(nil)

// validate applies the registered-claim rules of golang-jwt's Validator
// with the options the Guard used to give it (WithIssuer, WithAudience,
// WithExpirationRequired, WithIssuedAt, WithLeeway) and returns its error
// values; TestRegisteredClaims holds the two to the same verdicts. It runs
// here because the Validator costs several times more per request, and
// nearly all of it went to interface calls and allocation.
func (r *registered) validate(now time.Time, leeway time.Duration, issuer string, audiences []string) error {
	var errs [5]error
	n := 0
	fail := func(err error) {
		errs[n] = err
		n++
	}
	switch exp, err := r.GetExpirationTime(); {
	case err != nil:
		fail(err)
	case exp == nil:
		fail(fmt.Errorf("%w: exp claim is required", jwt.ErrTokenRequiredClaimMissing))
	case expiredAt(now, exp.Time, leeway):
		fail(jwt.ErrTokenExpired)
	}
	switch nbf, err := r.GetNotBefore(); {
	case err != nil:
		fail(err)
	case nbf != nil && notYetAt(now, nbf.Time, leeway):
		fail(jwt.ErrTokenNotValidYet)
	}
	switch iat, err := r.GetIssuedAt(); {
	case err != nil:
		fail(err)
	case iat != nil && notYetAt(now, iat.Time, leeway):
		fail(jwt.ErrTokenUsedBeforeIssued)
	}
	if len(audiences) > 0 {
		switch aud, err := r.GetAudience(); {
		case err != nil:
			fail(err)
		case len(aud) == 0 || len(aud) == 1 && aud[0] == "":
			fail(fmt.Errorf("%w: aud claim is required", jwt.ErrTokenRequiredClaimMissing))
		case !slices.ContainsFunc(aud, func(a string) bool { return slices.Contains(audiences, a) }):
			fail(jwt.ErrTokenInvalidAudience)
		}
	}
	if issuer != "" {
		switch iss, err := r.GetIssuer(); {
		case err != nil:
			fail(err)
		case iss == "":
			fail(fmt.Errorf("%w: iss claim is required", jwt.ErrTokenRequiredClaimMissing))
		case iss != issuer:
			fail(jwt.ErrTokenInvalidIssuer)
		}
	}
	if n == 0 {
		return nil
	}
	return joinedErrors(slices.Clone(errs[:n]))
}

// joinedErrors is golang-jwt's joined validation error: every failed rule,
// matched by errors.Is, printed on one line.
type joinedErrors []error

func (e joinedErrors) Error() string {
	msgs := make([]string, len(e))
	for i, err := range e {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, ", ")
}

func (e joinedErrors) Unwrap() []error { return e }

func (r *registered) invalid(bit uint8, name string) error {
	if r.bad&bit == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s is invalid", jwt.ErrInvalidType, name)
}

func (r *registered) getDate(bit uint8, name string, d *jwt.NumericDate) (*jwt.NumericDate, error) {
	if err := r.invalid(bit, name); err != nil || r.set&bit == 0 {
		return nil, err
	}
	return d, nil
}

func (r *registered) GetExpirationTime() (*jwt.NumericDate, error) {
	return r.getDate(regExp, "exp", &r.exp)
}

func (r *registered) GetNotBefore() (*jwt.NumericDate, error) {
	return r.getDate(regNbf, "nbf", &r.nbf)
}

func (r *registered) GetIssuedAt() (*jwt.NumericDate, error) {
	return r.getDate(regIat, "iat", &r.iat)
}

func (r *registered) GetIssuer() (string, error)  { return r.c.Issuer, r.invalid(regIss, "iss") }
func (r *registered) GetSubject() (string, error) { return r.c.Subject, r.invalid(regSub, "sub") }

func (r *registered) GetAudience() (jwt.ClaimStrings, error) {
	if err := r.invalid(regAud, "aud"); err != nil {
		return nil, err
	}
	return r.c.Audience, nil
}
