package runtime

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Requirement is what a valid token must grant to reach a route.
//
// Each inner list is any-of: the token must hold at least one of its
// values. All lists, across Scopes, Roles and Permissions, must be met
// (AND). So
//
//	Requirement{Scopes: [][]string{{"read", "admin"}}, Roles: [][]string{{"editor"}}}
//
// means (scope read OR scope admin) AND role editor. A Requirement with no
// lists accepts any valid token; Authenticated states that intent
// explicitly. An empty inner list can never be met and rejects every token.
type Requirement struct {
	Scopes        [][]string
	Roles         [][]string
	Permissions   [][]string
	Authenticated bool
	// DPoP accepts only DPoP-bound tokens with a valid proof (RFC 9449),
	// whatever Config.DPoP says (//axioms:dpop).
	DPoP bool
	// ACR, when set, is the authentication context classes the token's
	// "acr" must be one of, in order of preference (//axioms:acr); MaxAge,
	// when set, is how long ago the user may have authenticated, by the
	// token's "auth_time", the leeway added (//axioms:max-age). A token
	// that fails either, or lacks the claim, is refused with 401
	// insufficient_user_authentication, whose challenge tells the client
	// what to ask for (RFC 9470).
	ACR    []string
	MaxAge time.Duration
}

// checkStepUp returns nil when c meets r's step-up checks at now, or an
// ErrInsufficientAuthentication *Error carrying every check r has.
func (r Requirement) checkStepUp(c *Claims, now time.Time, leeway time.Duration) error {
	if len(r.ACR) == 0 && r.MaxAge <= 0 {
		return nil
	}
	acr, authTime := c.stepUp()
	var desc string
	switch {
	case len(r.ACR) > 0 && acr == "":
		desc = "the access token has no acr: authenticate with one of " + strings.Join(r.ACR, ", ")
	case len(r.ACR) > 0 && !slices.Contains(r.ACR, acr):
		desc = "the authentication level of the access token is not enough: authenticate with one of " + strings.Join(r.ACR, ", ")
	case r.MaxAge > 0 && authTime.IsZero():
		desc = "the access token has no auth_time: authenticate again"
	case r.MaxAge > 0 && now.Sub(authTime) > r.MaxAge+leeway:
		desc = fmt.Sprintf("the authentication is older than %s: authenticate again", r.MaxAge)
	default:
		return nil
	}
	e := newError(ErrInsufficientAuthentication, desc, nil)
	e.ACRValues = r.ACR
	if r.MaxAge > 0 {
		e.MaxAge = r.MaxAge
	}
	return e
}

// check returns nil when c meets r, or an ErrInsufficient *Error naming the
// first unmet list.
func (r Requirement) check(c *Claims) error {
	if err := checkLists("scope", r.Scopes, c.Scopes); err != nil {
		return err
	}
	if err := checkLists("role", r.Roles, c.Roles); err != nil {
		return err
	}
	return checkLists("permission", r.Permissions, c.Permissions)
}

func checkLists(kind string, lists [][]string, have []string) error {
	for _, anyOf := range lists {
		if !slices.ContainsFunc(anyOf, func(v string) bool { return slices.Contains(have, v) }) {
			e := &Error{
				Kind:        ErrInsufficient,
				Description: fmt.Sprintf("the access token lacks a required %s (one of: %s)", kind, strings.Join(anyOf, ", ")),
			}
			if kind == "scope" {
				e.Scope = anyOf
			}
			return e
		}
	}
	return nil
}

// String renders r in directive terms, e.g.
// "scopes(read|admin) AND roles(editor)"; "authenticated" when it has no
// lists.
func (r Requirement) String() string {
	var parts []string
	for _, l := range []struct {
		name  string
		lists [][]string
	}{{"scopes", r.Scopes}, {"roles", r.Roles}, {"permissions", r.Permissions}} {
		for _, anyOf := range l.lists {
			parts = append(parts, l.name+"("+strings.Join(anyOf, "|")+")")
		}
	}
	if r.DPoP {
		parts = append(parts, "dpop")
	}
	if len(r.ACR) > 0 {
		parts = append(parts, "acr("+strings.Join(r.ACR, "|")+")")
	}
	if r.MaxAge > 0 {
		parts = append(parts, "max-age("+r.MaxAge.String()+")")
	}
	if len(parts) == 0 {
		return "authenticated"
	}
	return strings.Join(parts, " AND ")
}
