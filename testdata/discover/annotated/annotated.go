// Package annotated has directives: its routes come from them, and the
// RegisterRoutes call is not a row of its own.
package annotated

import (
	"net/http"

	"github.com/axioms-go/axiomsgen/runtime"
)

//axioms:route GET /a
//axioms:scopes read
func A(w http.ResponseWriter, r *http.Request) {} // want "guarded GET /a scopes(read)"

//axioms:route GET /p
//axioms:public
func P(w http.ResponseWriter, r *http.Request) {} // want "public GET /p"

func Serve(g *runtime.Guard) http.Handler {
	mux := http.NewServeMux()
	RegisterRoutes(mux, g)
	return mux
}
