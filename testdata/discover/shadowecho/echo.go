// Package shadowecho: echo serves the registration made last.
package shadowecho

import (
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/labstack/echo/v4"
)

//axioms:route GET /books
//axioms:scopes read
func ListBooks(c echo.Context) error { return nil } // want "guarded GET /books scopes(read)"

func Metrics(c echo.Context) error { return nil }

func Serve(g *runtime.Guard) *echo.Echo {
	e := echo.New()
	RegisterRoutes(e, g)
	e.GET("/books", Metrics) // want "unguarded GET /books" shadow "error"
	return e
}

// Before registers by hand first: the generated route replaces it.
func Before(g *runtime.Guard) *echo.Echo {
	e := echo.New()
	e.GET("/books", Metrics) // want "shadowed GET /books"
	RegisterRoutes(e, g)     // shadow "warning"
	return e
}
