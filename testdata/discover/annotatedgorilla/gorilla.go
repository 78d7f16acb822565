// Package annotatedgorilla: net/http handlers in a package that imports
// gorilla/mux get gorilla registrations.
package annotatedgorilla

import (
	"net/http"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/gorilla/mux"
)

//axioms:route PUT /items/{id}
//axioms:scopes write
func Put(w http.ResponseWriter, r *http.Request, c *runtime.Claims) {} // want "guarded PUT /items/{id} scopes(write)" "guarded PUT /v1/items/{id} scopes(write)"

func Serve(g *runtime.Guard) http.Handler {
	r := mux.NewRouter()
	RegisterRoutes(r, g)
	RegisterRoutes(r.PathPrefix("/v1").Subrouter(), g)
	r.Handle("/by-hand/{id}", GuardedPut(g)).Methods("PUT")                // want "guarded PUT /by-hand/{id} scopes(write)"
	r.HandleFunc("/open", func(w http.ResponseWriter, r *http.Request) {}) // want "unguarded * /open"
	return r
}
