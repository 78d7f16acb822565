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
	dpop   bool // a DPoP-bound token, sent with a proof
}

func devTokens() []devToken {
	return []devToken{
		{"reader lists items", "GET", "/items", "", []axiomstest.TokenOption{axiomstest.WithScopes("read:items")}, "200", false},
		{"editor creates an item", "POST", "/items", `{"name":"drill"}`,
			[]axiomstest.TokenOption{axiomstest.WithScopes("write:items"), axiomstest.WithRoles("editor")}, "201", false},
		{"write scope without a role", "POST", "/items", `{"name":"drill"}`, []axiomstest.TokenOption{axiomstest.WithScopes("write:items")}, "403", false},
		{"admin deletes item 2", "DELETE", "/items/2", "", []axiomstest.TokenOption{axiomstest.WithPermissions("items:delete")}, "204", false},
		{"who am I (any valid token)", "GET", "/me", "", []axiomstest.TokenOption{axiomstest.WithSubject("alice")}, "200", false},
		{"my tenant (typed claims)", "GET", "/tenant", "", []axiomstest.TokenOption{axiomstest.WithClaim("tenant", "acme")}, "200", false},
		{"payout with a DPoP-bound token and a proof", "POST", "/payouts", "", []axiomstest.TokenOption{axiomstest.WithPermissions("payouts:create")}, "201", true},
		{"payout with a bearer token (no proof)", "POST", "/payouts", "", []axiomstest.TokenOption{axiomstest.WithPermissions("payouts:create")}, "401", false},
		{"close the account after a recent MFA login (within 5 minutes)", "POST", "/account/close", "",
			[]axiomstest.TokenOption{axiomstest.WithACR("urn:example:mfa"), axiomstest.WithAuthTime(time.Now())}, "202", false},
		{"close the account with a password login: the step-up challenge asks for acr_values and max_age", "POST", "/account/close", "",
			[]axiomstest.TokenOption{axiomstest.WithACR("urn:example:pwd"), axiomstest.WithAuthTime(time.Now())}, "401", false},
		{"expired token", "GET", "/items", "", []axiomstest.TokenOption{axiomstest.WithScopes("read:items"), axiomstest.WithExpiresIn(-time.Hour)}, "401", false},
		{"token for another API", "GET", "/items", "", []axiomstest.TokenOption{axiomstest.WithScopes("read:items"), axiomstest.WithAudiences("https://other.example.test")}, "401", false},
	}
}

// devHeaders are the Authorization (and DPoP) headers of a sample request
// to base: the token, bound to key with a proof for the request when
// d.dpop.
func devHeaders(iss *axiomstest.Issuer, key *axiomstest.DPoPKey, d devToken, base string, opts ...axiomstest.TokenOption) (map[string]string, error) {
	opts = append(opts, d.opts...)
	if d.dpop {
		opts = append(opts, axiomstest.WithDPoPKey(key))
	}
	tok, err := iss.Mint(opts...)
	if err != nil {
		return nil, err
	}
	if !d.dpop {
		return map[string]string{"Authorization": "Bearer " + tok}, nil
	}
	proof, err := key.Proof(d.method, base+d.path, tok)
	if err != nil {
		return nil, err
	}
	return map[string]string{"Authorization": "DPoP " + tok, "DPoP": proof}, nil
}

// printDevTokens prints ready-to-paste curl commands against base.
func printDevTokens(w io.Writer, iss *axiomstest.Issuer, base string) error {
	key, err := axiomstest.NewDPoPKey("ES256")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nDev issuer %s (tokens valid for 1h; never use -dev in production)\n\n", iss.URL())
	fmt.Fprintf(w, "# public health check (200)\ncurl -i %s/healthz\n\n", base)
	fmt.Fprintf(w, "# no token (401; the challenge's resource_metadata points to the API's metadata)\ncurl -i %s/items\n\n", base)
	fmt.Fprintf(w, "# the API's metadata (RFC 9728): its issuer and scopes (200)\ncurl -i %s/.well-known/oauth-protected-resource\n\n", base)
	for _, d := range devTokens() {
		h, err := devHeaders(iss, key, d, base, axiomstest.WithExpiresIn(time.Hour))
		if err != nil {
			return err
		}
		what := d.what
		if d.dpop {
			what += "; the proof works once, within 5 minutes"
		}
		fmt.Fprintf(w, "# %s (%s)\ncurl -i -X %s -H 'Authorization: %s'", what, d.expect, d.method, h["Authorization"])
		if p := h["DPoP"]; p != "" {
			fmt.Fprintf(w, " -H 'DPoP: %s'", p)
		}
		if d.body != "" {
			fmt.Fprintf(w, " -H 'Content-Type: application/json' -d '%s'", d.body)
		}
		fmt.Fprintf(w, " %s%s\n\n", base, d.path)
	}
	return nil
}
