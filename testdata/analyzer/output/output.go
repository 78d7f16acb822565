// Package output was generated with -output=routes_gen.go: the analyzer
// finds the generated file by its header, whatever its name.
package output

import (
	"net/http"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/go-chi/chi/v5"
)

//axioms:route GET /items
//axioms:scopes read
func Items(w http.ResponseWriter, r *http.Request) {}

func Serve(r chi.Router, g *runtime.Guard) {
	RegisterRoutes(r, g)
}
