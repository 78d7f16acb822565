// Command api is a small items API whose routes are guarded by the axioms
// runtime. It reads the AXIOMS_* environment variables; with -dev it starts
// an in-process test issuer on loopback instead and prints curl commands
// with tokens that pass and fail.
package main

//go:generate go tool axiomsgen openapi -o openapi.yaml

import (
	"io"
	"net/http"
	"time"

	"github.com/axioms-go/axiomsgen/examples/demo"
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

func main() { demo.Main(example()) }

// example is the API as demo.Main runs it and its tests test it.
func example() demo.Example {
	return demo.Example{
		Name:     "api",
		Routes:   func(g *runtime.Guard) http.Handler { return routes(g, NewServer()) },
		Requests: requests(),
		Configure: func(cfg *runtime.Config, base string, dev bool) (io.Closer, error) {
			if dev {
				// DPoP proofs name the URL the client calls: here, this
				// listener; and it is the resource whose metadata the API
				// serves.
				cfg.DPoPBaseURL = base
				cfg.Resource = base
			}
			return nil, nil
		},
	}
}

// requests are the sample requests of every example and those of the
// routes only this API has: its metadata, DPoP and step-up.
func requests() []demo.Request {
	return append(demo.Requests(),
		demo.Request{What: "the API's metadata (RFC 9728), where every 401 challenge's resource_metadata points: its issuer and scopes",
			Method: "GET", Path: "/.well-known/oauth-protected-resource", Status: 200},
		demo.Request{What: "reader lists items", Method: "GET", Path: "/items", Token: demo.Token(axiomstest.WithScopes("read:items")), Status: 200},
		demo.Request{What: "who am I (any valid token)", Method: "GET", Path: "/me", Token: demo.Token(axiomstest.WithSubject("alice")), Status: 200},
		demo.Request{What: "payout with a DPoP-bound token and a proof", Method: "POST", Path: "/payouts",
			Token: demo.Token(axiomstest.WithPermissions("payouts:create")), DPoP: true, Status: 201},
		demo.Request{What: "payout with a bearer token (no proof)", Method: "POST", Path: "/payouts",
			Token: demo.Token(axiomstest.WithPermissions("payouts:create")), Status: 401},
		demo.Request{What: "close the account after a recent MFA login (within 5 minutes)", Method: "POST", Path: "/account/close",
			Token: demo.Token(axiomstest.WithACR("urn:example:mfa"), axiomstest.WithAuthTime(time.Now())), Status: 202},
		demo.Request{What: "close the account with a password login: the step-up challenge asks for acr_values and max_age", Method: "POST", Path: "/account/close",
			Token: demo.Token(axiomstest.WithACR("urn:example:pwd"), axiomstest.WithAuthTime(time.Now())), Status: 401},
		demo.Request{What: "token for another API", Method: "GET", Path: "/items",
			Token: demo.Token(axiomstest.WithScopes("read:items"), axiomstest.WithAudiences("https://other.example.test")), Status: 401},
	)
}
