// Package shadowgin: gin panics at start on a route registered twice.
package shadowgin

import (
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/gin-gonic/gin"
)

//axioms:route GET /books
//axioms:scopes read
func ListBooks(c *gin.Context) {} // want "guarded GET /books scopes(read)"

func Metrics(c *gin.Context) {}

func Serve(g *runtime.Guard) *gin.Engine {
	r := gin.New()
	RegisterRoutes(r, g)
	r.GET("/books", Metrics) // want "unguarded GET /books" shadow "error"
	return r
}
