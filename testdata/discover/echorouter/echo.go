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

// Misses are the registrations report once left out; each is a route.
func Misses() *echo.Echo {
	e := echo.New()
	e.Match([]string{"GET", "HEAD"}, "/health2", ok) // want "unguarded GET /health2" "unguarded HEAD /health2"
	e.Match([]string{"POST"}, "/guarded", ok, Auth)  // want "guarded POST /guarded trusted example.com/routes/echorouter.Auth"
	e.Static("/assets", "public")                    // want "unguarded GET /assets" "unguarded GET /assets/*"
	e.StaticFS("/fs", nil)                           // want "unguarded GET /fs" "unguarded GET /fs/*"
	e.File("/favicon.ico", "favicon.ico")            // want "unguarded GET /favicon.ico"
	e.FileFS("/robots.txt", "robots.txt", nil, Auth) // want "guarded GET /robots.txt trusted example.com/routes/echorouter.Auth"

	g := e.Group("/files", Auth)
	g.Static("/private", "private") // want "guarded GET /files/private trusted example.com/routes/echorouter.Auth" "guarded GET /files/private/* trusted example.com/routes/echorouter.Auth"
	g.File("/one", "one.txt")       // want "guarded GET /files/one trusted example.com/routes/echorouter.Auth"
	return e
}

func ok(c echo.Context) error { return nil }
