// Package ginrouter registers gin routes with groups and middleware,
// where Use after a route does not guard it.
package ginrouter

import (
	"net/http"

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

// Misses are the registrations report once left out; each is a route.
func Misses() *gin.Engine {
	r := gin.New()
	r.Match([]string{"GET", "HEAD"}, "/health2", ok)      // want "unguarded GET /health2" "unguarded HEAD /health2"
	r.Match([]string{http.MethodPut}, "/put", Auth(), ok) // want "guarded PUT /put trusted example.com/routes/ginrouter.Auth"
	r.Match(methods, "/some", ok)                         // want "unknown * /some"
	r.Static("/assets", "./public")                       // want "unguarded GET /assets/*filepath" "unguarded HEAD /assets/*filepath"
	r.StaticFS("/fs", http.Dir("./public"))               // want "unguarded GET /fs/*filepath" "unguarded HEAD /fs/*filepath"
	r.StaticFile("/favicon.ico", "./favicon.ico")         // want "unguarded GET /favicon.ico" "unguarded HEAD /favicon.ico"
	r.StaticFileFS("/robots.txt", "robots.txt", nil)      // want "unguarded GET /robots.txt" "unguarded HEAD /robots.txt"
	r.OPTIONS("/*any")                                    // want "unguarded OPTIONS /*any"

	r.Group("/user").Use(Auth()).POST("", ok)     // want "guarded POST /user trusted example.com/routes/ginrouter.Auth"
	r.Group("/chain").GET("/a", ok).GET("/b", ok) // want "unguarded GET /chain/a" "unguarded GET /chain/b"

	g := r.Group("/files", Auth())
	g.Static("/private", "./private") // want "guarded GET /files/private/*filepath trusted example.com/routes/ginrouter.Auth" "guarded HEAD /files/private/*filepath trusted example.com/routes/ginrouter.Auth"
	return r
}

var methods = []string{"GET"}

func ok(c *gin.Context) {}
