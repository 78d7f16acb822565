package runtime

import (
	"net/http"
	"slices"
)

// Route describes one annotated route, as listed in the AxiomsRoutes table
// of a package's generated file, for reports and for the application.
type Route struct {
	// Pattern is the route as written in its //axioms:route directive, in
	// the syntax of the package's router: "GET /items/{id}" (net/http,
	// chi, gorilla/mux) or "GET /items/:id" (gin, echo).
	Pattern string
	// Handler names the handler: "Func" or "(*Type).Method".
	Handler string
	// Requirement is what a token must grant; zero for public routes.
	Requirement Requirement
	// Public marks a deliberately open route (//axioms:public).
	Public bool
	// Position is the handler's declaration, "file.go:line:col".
	Position string
}

// ClaimsHandlerFunc adapts a handler that takes the verified claims to
// http.Handler. The claims come from the request context, where a Guard put
// them; without them (the handler is not behind a Guard) it answers 401 and
// never calls f.
type ClaimsHandlerFunc func(http.ResponseWriter, *http.Request, *Claims)

// ServeHTTP calls f with the request's claims.
func (f ClaimsHandlerFunc) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c, ok := ClaimsFromContext(r.Context())
	if !ok {
		WriteErrorResponse(w, &Error{Kind: ErrNoToken}, DefaultRealm)
		return
	}
	f(w, r, c)
}

// TypedClaimsHandler adapts a handler that takes the verified claims
// decoded into its own struct type T (with json tags, e.g. an org_id
// claim) to http.Handler. The claims are decoded once per request; a
// token whose claims do not fit T is answered 401 invalid_token through
// g, and f is not called. Without claims in the context (the handler is
// not behind a Guard) it answers 401 and never calls f.
func TypedClaimsHandler[T any](g *Guard, f func(http.ResponseWriter, *http.Request, *T)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, ok := ClaimsFromContext(r.Context())
		if !ok {
			g.WriteError(w, r, &Error{Kind: ErrNoToken})
			return
		}
		v, err := DecodeClaims[T](c)
		if err != nil {
			g.WriteError(w, r, err)
			return
		}
		f(w, r, v)
	})
}

// DecodeClaims decodes the verified claims into a new T, a struct with
// json tags. A token whose claims do not fit T is an ErrInvalidToken
// error (401 invalid_token through WriteError), never a panic.
func DecodeClaims[T any](c *Claims) (*T, error) {
	if c == nil {
		return nil, &Error{Kind: ErrNoToken}
	}
	v := new(T)
	if err := c.Decode(v); err != nil {
		return nil, newError(ErrInvalidToken, "the token's claims do not have the expected shape", err)
	}
	return v, nil
}

// ScopesOf returns the scopes the routes' requirements name, sorted and
// without repeats: what a resource's metadata lists as scopes_supported.
// Pass every package's generated AxiomsRoutes:
//
//	mux.Handle("GET "+g.ResourceMetadataPath(), g.ResourceMetadata(runtime.ScopesOf(items.AxiomsRoutes, admin.AxiomsRoutes)...))
func ScopesOf(routes ...[]Route) []string {
	var out []string
	for _, rs := range routes {
		for _, r := range rs {
			for _, anyOf := range r.Requirement.Scopes {
				out = append(out, anyOf...)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
