// Package annotatedecho: echo handlers with directives, the generated
// wrapper registered by hand, and an open route.
package annotatedecho

import (
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/labstack/echo/v4"
)

type OrgClaims struct {
	Org string `json:"org"`
}

//axioms:route DELETE /items/:id
//axioms:permissions items:delete
func Delete(c echo.Context, org *OrgClaims) error { return nil } // want "shadowed DELETE /v2/items/:id" "guarded DELETE /items/:id permissions(items:delete)"

func open(c echo.Context) error { return nil }

func Serve(g *runtime.Guard) *echo.Echo {
	e := echo.New()
	register := RegisterRoutes // a func value: where it registers is not followed
	register(e, g)
	grp := e.Group("/v2")
	RegisterRoutes(grp, g)
	grp.DELETE("/items/:id", GuardedDelete(g)) // want "guarded DELETE /v2/items/:id permissions(items:delete)" shadow "warning"
	e.GET("/open", open)                       // want "unguarded GET /open"
	return e
}
