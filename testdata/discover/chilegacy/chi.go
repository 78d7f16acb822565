// Package chilegacy registers routes on chi imported by its unversioned
// path (v1 to v4), which the generator supports too.
package chilegacy

import (
	"net/http"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/go-chi/chi"
)

func Routes(g *runtime.Guard) http.Handler {
	r := chi.NewRouter()
	r.Get("/open", ok) // want "unguarded GET /open"
	r.Route("/api", func(r chi.Router) {
		r.Use(g.Middleware(runtime.Requirement{Scopes: [][]string{{"api"}}}))
		r.Post("/items", ok) // want "guarded POST /api/items scopes(api)"
	})
	return r
}

func ok(w http.ResponseWriter, r *http.Request) {}
