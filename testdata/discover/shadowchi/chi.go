// Package shadowchi: chi serves the registration made last. A hand
// registration over a generated route, and one over another by hand,
// hide the first; when the one served is weaker it is an error.
package shadowchi

import (
	"net/http"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/go-chi/chi/v5"
)

//axioms:route GET /books
//axioms:scopes read
func ListBooks(w http.ResponseWriter, r *http.Request) {} // want "shadowed GET /books"

func Metrics(w http.ResponseWriter, r *http.Request) {}

var admin = runtime.Requirement{Roles: [][]string{{"admin"}}}

func Serve(g *runtime.Guard) http.Handler {
	r := chi.NewRouter()
	RegisterRoutes(r, g)
	r.Get("/books", Metrics)                                                                        //axioms:public // want "public GET /books" shadow "error"
	r.With(g.Middleware(runtime.Requirement{Roles: [][]string{{"admin"}}})).Get("/admin", Metrics)  // want "shadowed GET /admin"
	r.Get("/admin", Metrics)                                                                        // want "unguarded GET /admin" shadow "error"
	r.Get("/stats", Metrics)                                                                        // want "shadowed GET /stats"
	r.With(g.Middleware(runtime.Requirement{Scopes: [][]string{{"stats"}}})).Get("/stats", Metrics) // want "guarded GET /stats scopes(stats)" shadow "warning"
	r.Route("/api", func(sub chi.Router) {
		sub.Get("/other", Metrics) // want "unguarded GET /api/other"
	})
	r.Get("/other", Metrics) // want "unguarded GET /other"
	return r
}

// Mounted: the parent's own /api/books is served, never the sub-router's.
func Mounted(g *runtime.Guard) http.Handler {
	r := chi.NewRouter()
	r.Route("/api", func(sub chi.Router) {
		sub.With(g.Middleware(admin)).Get("/books", Metrics) // want "shadowed GET /api/books" shadow "error"
		sub.Get("/authors", Metrics)                         // want "unguarded GET /api/authors"
	})
	r.Get("/api/books", Metrics) // want "unguarded GET /api/books"
	return r
}

// MountedRouter: the same through Mount.
func MountedRouter(g *runtime.Guard) http.Handler {
	r := chi.NewRouter()
	sub := chi.NewRouter()
	sub.With(g.Middleware(admin)).Get("/books", Metrics) // want "shadowed GET /v2/books" shadow "error"
	r.Mount("/v2", sub)
	r.Get("/v2/books", Metrics) // want "unguarded GET /v2/books"
	return r
}

func routes(r chi.Router, h http.HandlerFunc) {
	r.Get("/mode", h) // want "unknown GET /mode" "unknown GET /mode"
}

// Modes registers one route through a helper, in each branch of an if:
// never both, so not a shadow.
func Modes(debug bool) http.Handler {
	r := chi.NewRouter()
	if debug {
		routes(r, Metrics)
	} else {
		routes(r, ListBooks)
	}
	return r
}
