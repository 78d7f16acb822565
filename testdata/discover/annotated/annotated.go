// Package annotated has directives: its routes come from them, and the
// RegisterRoutes call is not a row of its own.
package annotated

import (
	"net/http"

	"github.com/axioms-go/axiomsgen/runtime"
)

//axioms:route GET /a
//axioms:scopes read
func A(w http.ResponseWriter, r *http.Request) {} // want "guarded GET /a scopes(read)" "guarded GET /api/a scopes(read)"

//axioms:route GET /p
//axioms:public
func P(w http.ResponseWriter, r *http.Request) {} // want "public GET /p" "public GET /api/p"

func Serve(g *runtime.Guard) http.Handler {
	mux := http.NewServeMux()
	RegisterRoutes(mux, g)
	return mux
}

// ServeUnder mounts the same routes under /api: their rows get the prefix.
func ServeUnder(g *runtime.Guard) http.Handler {
	sub := http.NewServeMux()
	RegisterRoutes(sub, g)
	root := http.NewServeMux()
	root.Handle("/api/", http.StripPrefix("/api", sub))
	return root
}
