// Package nethttp registers routes on net/http muxes in the shapes real
// services use.
package nethttp

import (
	"net/http"
	"time"

	"github.com/axioms-go/axiomsgen/runtime"
)

const apiPrefix = "/api"

// requireDPoP is a constant: the requirement is read by type, not as text.
const requireDPoP = true

func Routes(g *runtime.Guard, prefix string, handlers map[string]http.HandlerFunc) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", health)                                                                                                               // want "public GET /health"
	mux.HandleFunc("GET /metrics", metrics)                                                                                                             // want "unguarded GET /metrics"
	mux.HandleFunc("GET /open", metrics)                                                                                                                //axioms:public                                                // want "public GET /open"
	mux.Handle("GET /items", g.Handler(runtime.Requirement{Scopes: [][]string{{"read", "admin"}}}, http.HandlerFunc(list)))                             // want "guarded GET /items scopes(read|admin)"
	mux.Handle("POST /items", g.Middleware(runtime.Requirement{Roles: [][]string{{"editor"}}})(http.HandlerFunc(list)))                                 // want "guarded POST /items roles(editor)"
	mux.Handle("DELETE "+apiPrefix+"/items/{id}", g.Handler(runtime.Requirement{}, http.HandlerFunc(list)))                                             // want "guarded DELETE /api/items/{id} authenticated"
	mux.Handle("PUT /pay", g.Handler(runtime.Requirement{Scopes: [][]string{{"pay"}}, DPoP: requireDPoP}, http.HandlerFunc(list)))                      // want "guarded PUT /pay scopes(pay) AND dpop"
	mux.Handle("POST /transfer", g.Handler(runtime.Requirement{ACR: []string{"urn:mfa", "urn:hwk"}, MaxAge: 10 * time.Minute}, http.HandlerFunc(list))) // want "guarded POST /transfer acr(urn:mfa|urn:hwk) AND max-age(10m0s)"
	mux.Handle("GET "+g.ResourceMetadataPath(), g.ResourceMetadata("read", "admin"))                                                                    // want "public GET /.well-known/oauth-protected-resource{resource path}"
	mux.HandleFunc(prefix+"/dyn", list)                                                                                                                 // want "unknown * {prefix}/dyn"
	mux.Handle("GET "+prefix+"/meta", g.ResourceMetadata())                                                                                             // want "public GET {prefix}/meta"
	for path, h := range handlers {
		mux.HandleFunc(path, h) // want "unknown * {path}"
	}

	admin := http.NewServeMux()
	admin.HandleFunc("GET /users", list) // want "guarded GET /admin/users roles(admin)"
	mux.Handle("/admin/", http.StripPrefix("/admin", g.Handler(runtime.Requirement{Roles: [][]string{{"admin"}}}, admin)))

	http.HandleFunc("/legacy", list) // want "unguarded * /legacy"
	return mux
}

// Whole wraps a whole mux with the guard before serving it.
func Whole(g *runtime.Guard) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /a", list) // want "guarded GET /a scopes(all)"
	return g.Middleware(runtime.Requirement{Scopes: [][]string{{"all"}}})(mux)
}

// Helper registers on a mux it receives: followed from its call site.
func helper(mux *http.ServeMux) {
	mux.HandleFunc("GET /from-helper", list) // want "unguarded GET /from-helper"
}

func UseHelper() {
	mux := http.NewServeMux()
	helper(mux)
}

// Untraced registers on a mux the tool cannot follow.
func Untraced(mux interface {
	HandleFunc(string, func(http.ResponseWriter, *http.Request))
}) {
	_ = mux
}

// health is the load balancer probe.
//
//axioms:public
func health(w http.ResponseWriter, r *http.Request) {}

func metrics(w http.ResponseWriter, r *http.Request) {}
func list(w http.ResponseWriter, r *http.Request)    {}

// Serve hands a whole router to the default mux: a mount, not a route.
func Serve() {
	r := http.NewServeMux()
	r.HandleFunc("GET /mounted", list) // want "unguarded GET /mounted"
	http.Handle("/", r)
}
