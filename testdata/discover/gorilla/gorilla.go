// Package gorilla registers gorilla/mux routes with subrouters and
// middleware.
package gorilla

import (
	"net/http"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/gorilla/mux"
)

func Routes(g *runtime.Guard) http.Handler {
	r := mux.NewRouter()
	r.HandleFunc("/health", ok).Methods("GET")                                                                                     //axioms:public // want "public GET /health"
	r.HandleFunc("/items", ok).Methods("GET", "HEAD")                                                                              // want "unguarded GET,HEAD /items"
	r.Handle("/guarded", g.Handler(runtime.Requirement{Scopes: [][]string{{"x"}}}, http.HandlerFunc(ok))).Methods(http.MethodPost) // want "guarded POST /guarded scopes(x)"

	api := r.PathPrefix("/api").Subrouter()
	api.Use(mux.MiddlewareFunc(g.Middleware(runtime.Requirement{Scopes: [][]string{{"api"}}})))
	api.HandleFunc("/users", ok).Methods("GET") // want "guarded GET /api/users scopes(api)"

	r.PathPrefix("/static/").Handler(http.FileServer(http.Dir("."))) // want "unguarded * /static/"
	return r
}

func ok(w http.ResponseWriter, r *http.Request) {}

// Chains registers with the methods and path before the handler.
func Chains(g *runtime.Guard) *mux.Router {
	r := mux.NewRouter()
	auth := r.PathPrefix("/auth").Subrouter()
	auth.Path("/login").Methods("POST").HandlerFunc(ok)                                               // want "unguarded POST /auth/login"
	r.Methods("GET").Path("/chained").Handler(g.Handler(runtime.Requirement{}, http.HandlerFunc(ok))) // want "guarded GET /chained authenticated"
	return r
}
