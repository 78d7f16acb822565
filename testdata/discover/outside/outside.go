// Package outside registers a generated wrapper of another package by
// hand; loaded alone, that package is a dependency, outside the pattern.
package outside

import (
	"net/http"

	"example.com/routes/annotated"
	"github.com/axioms-go/axiomsgen/runtime"
)

func Routes(g *runtime.Guard) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /outside", annotated.GuardedA(g)) // want "guarded GET /outside scopes(read)"
	return mux
}
