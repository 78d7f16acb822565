package runtime

import "net/http"

// Route describes one annotated route, as listed in the AxiomsRoutes table
// of a package's generated file, for reports and for the application.
type Route struct {
	// Pattern is the net/http ServeMux pattern, e.g. "GET /items/{id}".
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
