package main

//go:generate go tool axiomsgen

import (
	"net/http"

	"github.com/axioms-go/axiomsgen/examples/demo"
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// Server serves the notes API; the store is shared by the router examples.
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

// GetNote returns one note.
//
//axioms:route GET /notes/:id
//axioms:scopes read:notes
func (s *Server) GetNote(c echo.Context) error {
	n, ok := s.Get(c.Param("id"))
	if !ok {
		return echo.NewHTTPError(http.StatusNotFound, "no such note")
	}
	return c.JSON(http.StatusOK, n)
}

// CreateNote stores a note owned by the token's subject.
//
//axioms:route POST /notes
//axioms:scopes write:notes
//axioms:roles editor
func (s *Server) CreateNote(c echo.Context, claims *runtime.Claims) error {
	var in struct {
		Text string `json:"text"`
	}
	if err := c.Bind(&in); err != nil || in.Text == "" {
		return echo.NewHTTPError(http.StatusBadRequest, `send {"text": "..."}`)
	}
	return c.JSON(http.StatusCreated, s.Add(in.Text, claims.Subject))
}

// DeleteNote removes a note.
//
//axioms:route DELETE /notes/:id
//axioms:permissions notes:delete
func (s *Server) DeleteNote(c echo.Context) error {
	if !s.Remove(c.Param("id")) {
		return echo.NewHTTPError(http.StatusNotFound, "no such note")
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
