// Package chirouter registers chi routes with prefixes, groups, mounts
// and middleware.
package chirouter

import (
	"net/http"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/go-chi/chi/v5"
)

func Routes(g *runtime.Guard) http.Handler {
	r := chi.NewRouter()
	r.Get("/health", ok)   //axioms:public // want "public GET /health"
	r.Get("/open", ok)     // want "unguarded GET /open"
	r.Query("/search", ok) // want "unguarded QUERY /search"
	r.Route("/api", func(r chi.Router) {
		r.Use(g.Middleware(runtime.Requirement{Scopes: [][]string{{"api"}}}))
		r.Get("/items", ok)                   // want "guarded GET /api/items scopes(api)"
		r.Post("/items/{id}", ok)             // want "guarded POST /api/items/{id} scopes(api)"
		r.Method("PATCH", "/items/{id}", okH) // want "guarded PATCH /api/items/{id} scopes(api)"
	})
	r.Group(func(r chi.Router) {
		r.Get("/group-open", ok) // want "unguarded GET /group-open"
	})
	r.With(g.Middleware(runtime.Requirement{Roles: [][]string{{"admin"}}})).Delete("/things/{id}", ok) // want "guarded DELETE /things/{id} roles(admin)"
	r.Handle("GET /chi-pattern", okH)                                                                  // want "unguarded GET /chi-pattern"

	admin := chi.NewRouter()
	admin.Get("/stats", ok) // want "guarded GET /admin/stats roles(ops)"
	r.Mount("/admin", g.Handler(runtime.Requirement{Roles: [][]string{{"ops"}}}, admin))

	sub := chi.NewRouter()
	sub.Get("/x", ok) // want "unguarded GET /sub/x"
	r.Mount("/sub", sub)
	return r
}

var okH = http.HandlerFunc(ok)

func ok(w http.ResponseWriter, r *http.Request) {}
