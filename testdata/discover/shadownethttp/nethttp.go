// Package shadownethttp: net/http's ServeMux panics at start on a
// pattern registered twice, whoever registers it.
package shadownethttp

import (
	"net/http"

	"github.com/axioms-go/axiomsgen/runtime"
)

//axioms:route GET /books
//axioms:scopes read
func ListBooks(w http.ResponseWriter, r *http.Request) {} // want "guarded GET /books scopes(read)"

func Metrics(w http.ResponseWriter, r *http.Request) {}

func Serve(g *runtime.Guard) http.Handler {
	mux := http.NewServeMux()
	RegisterRoutes(mux, g)
	mux.HandleFunc("GET /books", Metrics) // want "unguarded GET /books" shadow "error"
	mux.HandleFunc("/books", Metrics)     // want "unguarded * /books"
	return mux
}

func init() {
	http.HandleFunc("/default", Metrics) // want "unguarded * /default"
}

// Default registers on http.DefaultServeMux too, in a function the tool
// cannot tell runs with init: the panic both would cause is not claimed.
func Default() {
	http.HandleFunc("/default", Metrics) // want "unguarded * /default"
}

// Twice registers one pattern twice on http.DefaultServeMux.
func Twice() {
	http.HandleFunc("/twice", Metrics) // want "unguarded * /twice"
	http.HandleFunc("/twice", Metrics) // want "unguarded * /twice" shadow "error"
}
