// Package ginrouter registers gin routes with groups and middleware,
// where Use after a route does not guard it.
package ginrouter

import (
	"github.com/gin-gonic/gin"
)

// Auth is the team's own gin middleware, declared a guard with
// -trust example.com/routes/ginrouter.Auth.
func Auth(roles ...string) gin.HandlerFunc { return func(c *gin.Context) {} }

func Routes() *gin.Engine {
	r := gin.New()
	r.GET("/health", ok)                 //axioms:public // want "public GET /health"
	r.GET("/before", ok)                 // want "unguarded GET /before"
	r.POST("/inline", Auth("admin"), ok) // want "guarded POST /inline trusted example.com/routes/ginrouter.Auth"

	v1 := r.Group("/v1", Auth("user"))
	v1.GET("/items", ok) // want "guarded GET /v1/items trusted example.com/routes/ginrouter.Auth"

	v2 := r.Group("/v2")
	v2.GET("/early", ok) // want "unguarded GET /v2/early"
	v2.Use(Auth("user"))
	v2.GET("/late", ok) // want "guarded GET /v2/late trusted example.com/routes/ginrouter.Auth"
	v2.Any("/any", ok)  // want "guarded * /v2/any trusted example.com/routes/ginrouter.Auth"
	return r
}

func ok(c *gin.Context) {}
