package main

//go:generate go tool axiomsgen

import (
	"encoding/json"
	"net/http"

	"github.com/axioms-go/axiomsgen/examples/demo"
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/go-chi/chi/v5"
)

// Server serves the items API on the store every example shares.
type Server struct{ *demo.Store }

// TenantClaims are the custom claims the tenant route reads: the
// generated wrapper decodes the verified token into them.
type TenantClaims struct {
	Tenant string `json:"tenant"`
}

// routes serves the API on a chi router: the generated RegisterRoutes
// puts each handler behind the guard of its //axioms: directives.
func routes(g *runtime.Guard) http.Handler {
	s := &Server{demo.NewStore()}
	r := chi.NewRouter()
	RegisterRoutes(r, g, s)
	return r
}

// Health answers load balancers.
//
//axioms:route GET /healthz
//axioms:public
func Health(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte("ok\n"))
}

// GetItem returns one item.
//
//axioms:route GET /items/{id}
//axioms:scopes read:items
func (s *Server) GetItem(w http.ResponseWriter, r *http.Request) {
	it, ok := s.Get(chi.URLParam(r, "id"))
	if !ok {
		http.Error(w, "no such item", http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, it)
}

// CreateItem stores an item owned by the token's subject.
//
//axioms:route POST /items
//axioms:scopes write:items
//axioms:roles editor
func (s *Server) CreateItem(w http.ResponseWriter, r *http.Request, c *runtime.Claims) {
	var in struct {
		Name string `json:"name"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&in); err != nil || in.Name == "" {
		http.Error(w, `send {"name": "..."}`, http.StatusBadRequest)
		return
	}
	writeJSON(w, http.StatusCreated, s.Add(in.Name, c.Subject))
}

// DeleteItem removes an item.
//
//axioms:route DELETE /items/{id}
//axioms:permissions items:delete
func (s *Server) DeleteItem(w http.ResponseWriter, r *http.Request) {
	if !s.Remove(chi.URLParam(r, "id")) {
		http.Error(w, "no such item", http.StatusNotFound)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Tenant tells the caller its tenant, read from the token's custom claims.
//
//axioms:route GET /tenant
//axioms:authenticated
func Tenant(w http.ResponseWriter, r *http.Request, c *TenantClaims) {
	writeJSON(w, http.StatusOK, map[string]string{"tenant": c.Tenant})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
