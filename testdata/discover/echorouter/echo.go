// Package echorouter registers echo routes with groups and middleware.
package echorouter

import (
	"github.com/labstack/echo/v4"
)

// Auth is the team's own echo middleware, declared a guard with -trust.
func Auth(next echo.HandlerFunc) echo.HandlerFunc { return next }

func Routes() *echo.Echo {
	e := echo.New()
	e.GET("/health", ok)          //axioms:public // want "public GET /health"
	e.GET("/open", ok)            // want "unguarded GET /open"
	e.POST("/route-mw", ok, Auth) // want "guarded POST /route-mw trusted example.com/routes/echorouter.Auth"

	g := e.Group("/admin", Auth)
	g.GET("/stats", ok) // want "guarded GET /admin/stats trusted example.com/routes/echorouter.Auth"

	h := e.Group("/h")
	h.GET("/early", ok) // want "unguarded GET /h/early"
	h.Use(Auth)
	h.PUT("/late", ok)         // want "guarded PUT /h/late trusted example.com/routes/echorouter.Auth"
	h.Add("PATCH", "/add", ok) // want "guarded PATCH /h/add trusted example.com/routes/echorouter.Auth"
	return e
}

func ok(c echo.Context) error { return nil }
