// Package annotatedchi: net/http handlers in a package that imports chi
// get chi registrations; the generated wrapper registered by hand is
// guarded, an open route is not.
package annotatedchi

import (
	"net/http"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/go-chi/chi/v5"
)

//axioms:route GET /items/{id:[0-9]+}
//axioms:roles admin
func Item(w http.ResponseWriter, r *http.Request) {} // want "guarded GET /items/{id:[0-9]+} roles(admin)" "guarded GET /api/items/{id:[0-9]+} roles(admin)"

func Serve(g *runtime.Guard) http.Handler {
	r := chi.NewRouter()
	RegisterRoutes(r, g)
	r.Method("GET", "/by-hand/{id}", GuardedItem(g))                // want "guarded GET /by-hand/{id} roles(admin)"
	r.Get("/open", func(w http.ResponseWriter, r *http.Request) {}) // want "unguarded GET /open"
	return r
}

// Mounted serves the same routes under /api through chi's Mount.
func Mounted(g *runtime.Guard) http.Handler {
	parent := chi.NewRouter()
	sub := chi.NewRouter()
	RegisterRoutes(sub, g)
	parent.Mount("/api", sub)
	return parent
}
