// Requirements in OpenAPI terms: security requirement alternatives for
// what OpenAPI can say (scopes), the x-axioms-requirement extension and a
// sentence for what it cannot (roles, permissions, DPoP, step-up).

package openapi

import (
	"fmt"
	"slices"
	"strings"

	"github.com/axioms-go/axiomsgen/internal/parse"
)

// maxAlternatives bounds the security alternatives one requirement
// expands to: the scope lists are AND of any-of, OpenAPI's alternatives
// are OR of AND, and the expansion multiplies the lists' lengths.
const maxAlternatives = 64

// scopeAlternatives rewrites scope lists (AND across lists, any-of within
// one) as OpenAPI alternatives (any-of across alternatives, AND within
// one): each alternative is a sorted set of scopes, and the alternatives
// are sorted and distinct. ok is false when there would be more than
// maxAlternatives.
func scopeAlternatives(lists [][]string) (alts [][]string, ok bool) {
	alts = [][]string{{}}
	for _, anyOf := range lists {
		var next [][]string
		for _, alt := range alts {
			for _, s := range anyOf {
				next = append(next, append(slices.Clone(alt), s))
			}
		}
		if len(next) > maxAlternatives {
			return nil, false
		}
		alts = next
	}
	return normalizeAlternatives(alts), true
}

// normalizeAlternatives sorts each alternative's scopes and the
// alternatives, dropping repeats, so that two ways of writing one
// requirement compare equal.
func normalizeAlternatives(alts [][]string) [][]string {
	out := make([][]string, 0, len(alts))
	for _, a := range alts {
		a = slices.Clone(a)
		slices.Sort(a)
		out = append(out, slices.Compact(a))
	}
	slices.SortFunc(out, func(a, b []string) int { return slices.Compare(a, b) })
	return slices.CompactFunc(out, slices.Equal)
}

// extension is the x-axioms-requirement value: the requirement exactly
// as the guard enforces it. Lists are as written: each inner list is
// any-of, and every list must be met.
type extension struct {
	Text        string     `yaml:"text" json:"text"`
	Scopes      [][]string `yaml:"scopes,omitempty" json:"scopes,omitempty"`
	Roles       [][]string `yaml:"roles,omitempty" json:"roles,omitempty"`
	Permissions [][]string `yaml:"permissions,omitempty" json:"permissions,omitempty"`
	DPoP        bool       `yaml:"dpop,omitempty" json:"dpop,omitempty"`
	ACR         []string   `yaml:"acr,omitempty" json:"acr,omitempty"`
	MaxAge      int64      `yaml:"max_age,omitempty" json:"max_age,omitempty"` // seconds
	// Exact is false when the tool knows the requirement only by its
	// description (a trusted guard, a requirement in a variable).
	Exact bool `yaml:"exact" json:"exact"`
}

func extensionOf(text string, req *parse.Requirement) extension {
	if req == nil {
		return extension{Text: text}
	}
	return extension{
		Text: text, Scopes: req.Scopes, Roles: req.Roles, Permissions: req.Permissions,
		DPoP: req.DPoP, ACR: req.ACR, MaxAge: int64(req.MaxAge.Seconds()), Exact: true,
	}
}

// words says a requirement in a sentence for the operation's description.
func words(text string, req *parse.Requirement) string {
	if req == nil {
		return "Requires a valid access token; the guard is " + text + ", whose requirement axiomsgen cannot read."
	}
	var parts []string
	for _, k := range []struct {
		one    string
		lists  [][]string
		plural string
	}{{"scope", req.Scopes, "scopes"}, {"role", req.Roles, "roles"}, {"permission", req.Permissions, "permissions"}} {
		for _, anyOf := range k.lists {
			if len(anyOf) == 1 {
				parts = append(parts, "the "+k.one+" "+anyOf[0])
			} else {
				parts = append(parts, "one of the "+k.plural+" "+strings.Join(anyOf, ", "))
			}
		}
	}
	s := "Requires a valid access token"
	if len(parts) > 0 {
		s += " with " + strings.Join(parts, " and ")
	}
	var more []string
	if req.DPoP {
		more = append(more, "bound to the client's key by DPoP (RFC 9449), with a fresh proof on each request")
	}
	if len(req.ACR) > 0 {
		more = append(more, "from an authentication of class "+strings.Join(req.ACR, " or ")+" (acr)")
	}
	if req.MaxAge > 0 {
		more = append(more, fmt.Sprintf("from an authentication at most %s old (auth_time)", req.MaxAge))
	}
	if len(more) > 0 {
		s += ", " + strings.Join(more, ", ")
	}
	return s + "."
}

// allScopes lists every scope of the routes' requirements, sorted.
func allScopes(ops []*operation) []string {
	var out []string
	for _, op := range ops {
		if op.req != nil {
			for _, l := range op.req.Scopes {
				out = append(out, l...)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
