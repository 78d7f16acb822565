// Package annotatedgin: gin handlers with directives. Their rows come from
// the directives; a generated wrapper registered by hand is guarded, a
// plain handler next to it is not.
package annotatedgin

import (
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/gin-gonic/gin"
)

//axioms:route GET /items/:id
//axioms:scopes read
func Item(c *gin.Context) {} // want "guarded GET /items/:id scopes(read)" "guarded GET /v1/items/:id scopes(read)" "guarded GET {?}/items/:id scopes(read)"

//axioms:route /any
//axioms:authenticated
func Any(c *gin.Context, claims *runtime.Claims) {} // want "guarded * /any authenticated" "guarded * /v1/any authenticated" "guarded * {?}/any authenticated"

//axioms:route GET /healthz
//axioms:public
func Health(c *gin.Context) {} // want "public GET /healthz" "public GET /v1/healthz" "public GET {?}/healthz"

func open(c *gin.Context) {}

func Serve(g *runtime.Guard) *gin.Engine {
	r := gin.New()
	RegisterRoutes(r, g)
	RegisterRoutes(r.Group("/v1"), g)
	for _, grp := range []*gin.RouterGroup{r.Group("/v3"), r.Group("/v4")} {
		RegisterRoutes(grp, g) // one row per route, its prefix unknown
	}
	api := r.Group("/v2")
	api.GET("/items/:id", GuardedItem(g))            // want "guarded GET /v2/items/:id scopes(read)"
	api.GET("/open", open)                           // want "unguarded GET /v2/open"
	api.GET("/before", open, GuardedItem(g))         // want "unknown GET /v2/before"
	api.GET("/logged", gin.Logger(), GuardedItem(g)) // want "guarded GET /v2/logged scopes(read)"
	return r
}
