package main

import (
	"fmt"
	"io"
	"time"

	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

// devAudience is the audience of the -dev issuer's tokens.
const devAudience = "https://notes.example.test"

// devRequest is one sample request -dev prints, with the status it gets.
type devRequest struct {
	what, method, path, body string
	token                    []axiomstest.TokenOption // nil: no Authorization header
	status                   int
}

func devRequests() []devRequest {
	tok := func(opts ...axiomstest.TokenOption) []axiomstest.TokenOption {
		return append([]axiomstest.TokenOption{axiomstest.WithExpiresIn(time.Hour), axiomstest.WithSubject("alice")}, opts...)
	}
	return []devRequest{
		{"public health check", "GET", "/healthz", "", nil, 200},
		{"no token", "GET", "/notes/1", "", nil, 401},
		{"reader reads note 1", "GET", "/notes/1", "", tok(axiomstest.WithScopes("read:notes")), 200},
		{"token without the scope", "GET", "/notes/1", "", tok(axiomstest.WithScopes("profile")), 403},
		{"editor writes a note", "POST", "/notes", `{"text":"buy milk"}`, tok(axiomstest.WithScopes("write:notes"), axiomstest.WithRoles("editor")), 201},
		{"write scope without the editor role", "POST", "/notes", `{"text":"buy milk"}`, tok(axiomstest.WithScopes("write:notes")), 403},
		{"admin deletes note 2", "DELETE", "/notes/2", "", tok(axiomstest.WithPermissions("notes:delete")), 204},
		{"my tenant (typed claims)", "GET", "/tenant", "", tok(axiomstest.WithClaim("tenant", "acme")), 200},
		{"expired token", "GET", "/notes/1", "", tok(axiomstest.WithScopes("read:notes"), axiomstest.WithExpiresIn(-time.Hour)), 401},
	}
}

// printDevRequests prints the sample requests as curl commands against base.
func printDevRequests(w io.Writer, iss *axiomstest.Issuer, base string) error {
	fmt.Fprintf(w, "\nDev issuer %s (tokens valid for 1h; never use -dev in production)\n\n", iss.URL())
	for _, d := range devRequests() {
		fmt.Fprintf(w, "# %s (%d)\ncurl -i -X %s", d.what, d.status, d.method)
		if d.token != nil {
			tok, err := iss.Mint(d.token...)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, " -H 'Authorization: Bearer %s'", tok)
		}
		if d.body != "" {
			fmt.Fprintf(w, " -H 'Content-Type: application/json' -d '%s'", d.body)
		}
		fmt.Fprintf(w, " %s%s\n\n", base, d.path)
	}
	return nil
}
