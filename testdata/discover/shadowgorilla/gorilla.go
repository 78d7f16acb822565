// Package shadowgorilla: gorilla/mux serves the first matching route,
// so a hand registration before the generated ones hides them.
package shadowgorilla

import (
	"net/http"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/gorilla/mux"
)

//axioms:route GET /books
//axioms:scopes read
func ListBooks(w http.ResponseWriter, r *http.Request) {} // want "shadowed GET /books"

func Metrics(w http.ResponseWriter, r *http.Request) {}

func Serve(g *runtime.Guard) http.Handler {
	r := mux.NewRouter()
	r.HandleFunc("/books", Metrics).Methods("GET") // want "unguarded GET /books"
	RegisterRoutes(r, g)                           // shadow "error"
	r.HandleFunc("/books", Metrics).Methods("GET") // want "shadowed GET /books" shadow "warning"
	return r
}
