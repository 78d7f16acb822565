package main

//go:generate go tool axiomsgen

import (
	"net/http"

	"github.com/axioms-go/axiomsgen/examples/demo"
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// Server serves the items API on the store every example shares.
type Server struct{ *demo.Store }

// TenantClaims are the custom claims the tenant route reads: the
// generated wrapper decodes the verified token into them.
type TenantClaims struct {
	Tenant string `json:"tenant"`
}

// routes serves the API on an echo instance: the generated RegisterRoutes
// puts each handler behind the guard of its //axioms: directives.
func routes(g *runtime.Guard) http.Handler {
	s := &Server{demo.NewStore()}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.Use(middleware.BodyLimit("64K"))
	RegisterRoutes(e, g, s)
	return e
}

// Health answers load balancers.
//
//axioms:route GET /healthz
//axioms:public
func Health(c echo.Context) error {
	return c.String(http.StatusOK, "ok\n")
}

// GetItem returns one item.
//
//axioms:route GET /items/:id
//axioms:scopes read:items
func (s *Server) GetItem(c echo.Context) error {
	it, ok := s.Get(c.Param("id"))
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound, "no such item")
	}
	return c.JSON(http.StatusOK, it)
}

// CreateItem stores an item owned by the token's subject.
//
//axioms:route POST /items
//axioms:scopes write:items
//axioms:roles editor
func (s *Server) CreateItem(c echo.Context, claims *runtime.Claims) error {
	var in struct {
		Name string `json:"name"`
	}
	if err := c.Bind(&in); err != nil || in.Name == "" {
		return echo.NewHTTPError(http.StatusBadRequest, `send {"name": "..."}`)
	}
	return c.JSON(http.StatusCreated, s.Add(in.Name, claims.Subject))
}

// DeleteItem removes an item.
//
//axioms:route DELETE /items/:id
//axioms:permissions items:delete
func (s *Server) DeleteItem(c echo.Context) error {
	if !s.Remove(c.Param("id")) {
		return echo.NewHTTPError(http.StatusNotFound, "no such item")
	}
	return c.NoContent(http.StatusNoContent)
}

// Tenant tells the caller its tenant, read from the token's custom claims.
//
//axioms:route GET /tenant
//axioms:authenticated
func Tenant(c echo.Context, t *TenantClaims) error {
	return c.JSON(http.StatusOK, map[string]string{"tenant": t.Tenant})
}
