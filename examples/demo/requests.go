package demo

import (
	"fmt"
	"io"
	"time"

	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

// Request is one sample request -dev prints, with the status it gets.
type Request struct {
	What, Method, Path, Body string
	Token                    []axiomstest.TokenOption // nil: no Authorization header
	DPoP                     bool                     // the token is bound to the client's DPoP key and sent with a proof
	Status                   int
}

// Requests are the sample requests on the routes every example serves:
// passes, 401s and 403s.
func Requests() []Request {
	return []Request{
		{What: "public health check", Method: "GET", Path: "/healthz", Status: 200},
		{What: "no token", Method: "GET", Path: "/items/1", Status: 401},
		{What: "reader reads item 1", Method: "GET", Path: "/items/1", Token: Token(axiomstest.WithScopes("read:items")), Status: 200},
		{What: "token without the scope", Method: "GET", Path: "/items/1", Token: Token(axiomstest.WithScopes("profile")), Status: 403},
		{What: "editor creates an item", Method: "POST", Path: "/items", Body: `{"name":"drill"}`,
			Token: Token(axiomstest.WithScopes("write:items"), axiomstest.WithRoles("editor")), Status: 201},
		{What: "write scope without the editor role", Method: "POST", Path: "/items", Body: `{"name":"drill"}`,
			Token: Token(axiomstest.WithScopes("write:items")), Status: 403},
		{What: "admin deletes item 2", Method: "DELETE", Path: "/items/2", Token: Token(axiomstest.WithPermissions("items:delete")), Status: 204},
		{What: "my tenant (typed claims)", Method: "GET", Path: "/tenant", Token: Token(axiomstest.WithClaim("tenant", "acme")), Status: 200},
		{What: "expired token", Method: "GET", Path: "/items/1", Token: Token(axiomstest.WithScopes("read:items"), axiomstest.WithExpiresIn(-time.Hour)), Status: 401},
	}
}

// Token is a sample request's token: the issuer's defaults shaped by o.
// It is never nil, so Token() is a token too.
func Token(o ...axiomstest.TokenOption) []axiomstest.TokenOption {
	return append([]axiomstest.TokenOption{}, o...)
}

// Headers are the Authorization (and DPoP) headers of r sent to base: none
// without a token; otherwise a token of iss valid for an hour and shaped
// by r.Token, bound to key and sent with a proof for r when r.DPoP.
func (r Request) Headers(iss *axiomstest.Issuer, key *axiomstest.DPoPKey, base string) (map[string]string, error) {
	if r.Token == nil {
		return nil, nil
	}
	opts := append([]axiomstest.TokenOption{axiomstest.WithExpiresIn(time.Hour)}, r.Token...)
	if r.DPoP {
		opts = append(opts, axiomstest.WithDPoPKey(key))
	}
	tok, err := iss.Mint(opts...)
	if err != nil {
		return nil, err
	}
	if !r.DPoP {
		return map[string]string{"Authorization": "Bearer " + tok}, nil
	}
	proof, err := key.Proof(r.Method, base+r.Path, tok)
	if err != nil {
		return nil, err
	}
	return map[string]string{"Authorization": "DPoP " + tok, "DPoP": proof}, nil
}

// PrintRequests prints reqs as curl commands against base, with tokens of
// iss; the DPoP ones share one client key.
func PrintRequests(w io.Writer, iss *axiomstest.Issuer, base string, reqs []Request) error {
	key, err := axiomstest.NewDPoPKey("ES256")
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nDev issuer %s (tokens valid for 1h; never use -dev in production)\n\n", iss.URL())
	for _, r := range reqs {
		h, err := r.Headers(iss, key, base)
		if err != nil {
			return err
		}
		what := r.What
		if r.DPoP {
			what += "; the proof works once, within 5 minutes"
		}
		fmt.Fprintf(w, "# %s (%d)\ncurl -i", what, r.Status)
		if r.Method != "GET" {
			fmt.Fprintf(w, " -X %s", r.Method)
		}
		if a := h["Authorization"]; a != "" {
			fmt.Fprintf(w, " -H 'Authorization: %s'", a)
		}
		if p := h["DPoP"]; p != "" {
			fmt.Fprintf(w, " -H 'DPoP: %s'", p)
		}
		if r.Body != "" {
			fmt.Fprintf(w, " -H 'Content-Type: application/json' -d '%s'", r.Body)
		}
		fmt.Fprintf(w, " %s%s\n\n", base, r.Path)
	}
	return nil
}
