package main

//go:generate go tool axiomsgen

import (
	"encoding/json"
	"net/http"

	"github.com/axioms-go/axiomsgen/examples/demo"
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/go-chi/chi/v5"
)

// Server serves the notes API; the store is shared by the router examples.
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

// GetNote returns one note.
//
//axioms:route GET /notes/{id}
//axioms:scopes read:notes
func (s *Server) GetNote(w http.ResponseWriter, r *http.Request) {
	n, ok := s.Get(chi.URLParam(r, "id"))
	if !ok {
		http.Error(w, "no such note", http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, n)
}

// CreateNote stores a note owned by the token's subject.
//
//axioms:route POST /notes
//axioms:scopes write:notes
//axioms:roles editor
func (s *Server) CreateNote(w http.ResponseWriter, r *http.Request, c *runtime.Claims) {
	var in struct {
		Text string `json:"text"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10)).Decode(&in); err != nil || in.Text == "" {
		http.Error(w, `send {"text": "..."}`, http.StatusBadRequest)
		return
	}
	writeJSON(w, http.StatusCreated, s.Add(in.Text, c.Subject))
}

// DeleteNote removes a note.
//
//axioms:route DELETE /notes/{id}
//axioms:permissions notes:delete
func (s *Server) DeleteNote(w http.ResponseWriter, r *http.Request) {
	if !s.Remove(chi.URLParam(r, "id")) {
		http.Error(w, "no such note", http.StatusNotFound)
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
