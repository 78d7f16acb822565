package main

//go:generate go tool axiomsgen

import (
	"net/http"

	"github.com/axioms-go/axiomsgen/examples/demo"
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/gin-gonic/gin"
)

// Server serves the items API on the store every example shares.
type Server struct{ *demo.Store }

// TenantClaims are the custom claims the tenant route reads: the
// generated wrapper decodes the verified token into them.
type TenantClaims struct {
	Tenant string `json:"tenant"`
}

// routes serves the API on a gin engine: the generated RegisterRoutes puts
// each handler behind the guard of its //axioms: directives.
func routes(g *runtime.Guard) http.Handler {
	s := &Server{demo.NewStore()}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(gin.Recovery())
	RegisterRoutes(r, g, s)
	return r
}

// Health answers load balancers.
//
//axioms:route GET /healthz
//axioms:public
func Health(c *gin.Context) {
	c.String(http.StatusOK, "ok\n")
}

// GetItem returns one item.
//
//axioms:route GET /items/:id
//axioms:scopes read:items
func (s *Server) GetItem(c *gin.Context) {
	it, ok := s.Get(c.Param("id"))
	if !ok {
		c.JSON(http.StatusNotFound, gin.H{"error": "no such item"})
		return
	}
	c.JSON(http.StatusOK, it)
}

// CreateItem stores an item owned by the token's subject.
//
//axioms:route POST /items
//axioms:scopes write:items
//axioms:roles editor
func (s *Server) CreateItem(c *gin.Context, claims *runtime.Claims) {
	var in struct {
		Name string `json:"name" binding:"required"`
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, 64<<10)
	if err := c.ShouldBindJSON(&in); err != nil {
		c.JSON(http.StatusBadRequest, gin.H{"error": `send {"name": "..."}`})
		return
	}
	c.JSON(http.StatusCreated, s.Add(in.Name, claims.Subject))
}

// DeleteItem removes an item.
//
//axioms:route DELETE /items/:id
//axioms:permissions items:delete
func (s *Server) DeleteItem(c *gin.Context) {
	if !s.Remove(c.Param("id")) {
		c.JSON(http.StatusNotFound, gin.H{"error": "no such item"})
		return
	}
	c.Status(http.StatusNoContent)
}

// Tenant tells the caller its tenant, read from the token's custom claims.
//
//axioms:route GET /tenant
//axioms:authenticated
func Tenant(c *gin.Context, t *TenantClaims) {
	c.JSON(http.StatusOK, gin.H{"tenant": t.Tenant})
}
