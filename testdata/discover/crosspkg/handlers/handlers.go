// Package handlers registers echo routes on a group made elsewhere.
package handlers

import "github.com/labstack/echo/v4"

// Register is called by package crosspkg with a group it made.
func Register(g *echo.Group) {
	jwt := Auth
	users := g.Group("/users")
	users.POST("/login", login) // want "unguarded POST /v1/users/login"
	me := g.Group("/me", jwt)
	me.GET("", login) // want "guarded GET /v1/me trusted example.com/routes/crosspkg/handlers.Auth"
}

// Auth is declared a guard with -trust.
func Auth(next echo.HandlerFunc) echo.HandlerFunc { return next }

func login(c echo.Context) error { return nil }
