package main

import (
	"fmt"
	"io"
	"time"

	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

// devAudience is the audience of the -dev issuer's tokens.
const devAudience = "https://items.example.test"

// devToken is one sample request printed in -dev mode.
type devToken struct {
	what   string
	method string
	path   string
	body   string
	opts   []axiomstest.TokenOption
	expect string
}

func devTokens() []devToken {
	return []devToken{
		{"reader lists items", "GET", "/items", "", []axiomstest.TokenOption{axiomstest.WithScopes("read:items")}, "200"},
		{"editor creates an item", "POST", "/items", `{"name":"drill"}`,
			[]axiomstest.TokenOption{axiomstest.WithScopes("write:items"), axiomstest.WithRoles("editor")}, "201"},
		{"write scope without a role", "POST", "/items", `{"name":"drill"}`, []axiomstest.TokenOption{axiomstest.WithScopes("write:items")}, "403"},
		{"admin deletes item 2", "DELETE", "/items/2", "", []axiomstest.TokenOption{axiomstest.WithPermissions("items:delete")}, "204"},
		{"who am I (any valid token)", "GET", "/me", "", []axiomstest.TokenOption{axiomstest.WithSubject("alice")}, "200"},
		{"my tenant (typed claims)", "GET", "/tenant", "", []axiomstest.TokenOption{axiomstest.WithClaim("tenant", "acme")}, "200"},
		{"expired token", "GET", "/items", "", []axiomstest.TokenOption{axiomstest.WithScopes("read:items"), axiomstest.WithExpiresIn(-time.Hour)}, "401"},
		{"token for another API", "GET", "/items", "", []axiomstest.TokenOption{axiomstest.WithScopes("read:items"), axiomstest.WithAudiences("https://other.example.test")}, "401"},
	}
}

// printDevTokens prints ready-to-paste curl commands against base.
func printDevTokens(w io.Writer, iss *axiomstest.Issuer, base string) error {
	fmt.Fprintf(w, "\nDev issuer %s (tokens valid for 1h; never use -dev in production)\n\n", iss.URL())
	fmt.Fprintf(w, "# public health check (200)\ncurl -i %s/healthz\n\n", base)
	fmt.Fprintf(w, "# no token (401)\ncurl -i %s/items\n\n", base)
	for _, d := range devTokens() {
		opts := append([]axiomstest.TokenOption{axiomstest.WithExpiresIn(time.Hour)}, d.opts...)
		tok, err := iss.Mint(opts...)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "# %s (%s)\ncurl -i -X %s -H 'Authorization: Bearer %s'", d.what, d.expect, d.method, tok)
		if d.body != "" {
			fmt.Fprintf(w, " -H 'Content-Type: application/json' -d '%s'", d.body)
		}
		fmt.Fprintf(w, " %s%s\n\n", base, d.path)
	}
	return nil
}
