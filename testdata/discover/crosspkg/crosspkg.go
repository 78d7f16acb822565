// Package crosspkg wires routers across packages: a mounted router built
// by a function of another package, and a helper of another package that
// registers on a group made here.
package crosspkg

import (
	"net/http"

	"example.com/routes/crosspkg/admin"
	"example.com/routes/crosspkg/handlers"
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/go-chi/chi/v5"
	"github.com/labstack/echo/v4"
)

func Chi(g *runtime.Guard) http.Handler {
	r := chi.NewRouter()
	r.Mount("/admin", g.Handler(runtime.Requirement{Roles: [][]string{{"ops"}}}, admin.Router()))
	return r
}

func Echo() *echo.Echo {
	e := echo.New()
	handlers.Register(e.Group("/v1"))
	return e
}
