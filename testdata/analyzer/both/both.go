// Package both imports chi and gorilla/mux; it was generated with
// -router=chi, which its generated file records, so the analyzer must not
// call the router ambiguous.
package both

import (
	"net/http"

	"github.com/go-chi/chi/v5"
	"github.com/gorilla/mux"
)

// Legacy routes still live on gorilla/mux.
var Legacy = mux.Router{}

// Routes is where the service mounts RegisterRoutes.
func Routes(r chi.Router) {}

//axioms:route GET /items
//axioms:scopes read
func Items(w http.ResponseWriter, r *http.Request) {}
