package main

//go:generate go tool axiomsgen

import (
	"encoding/json"
	"net/http"

	"github.com/axioms-go/axiomsgen/examples/demo"
	"github.com/axioms-go/axiomsgen/runtime"
)

// routes serves every annotated route of the API, each behind the guard
// the generated RegisterRoutes puts in front of it.
func routes(g *runtime.Guard, s *Server) http.Handler {
	mux := http.NewServeMux()
	RegisterRoutes(mux, g, s)
	// With a resource configured, the API describes its protection (RFC
	// 9728): public, and every 401 challenge points to it.
	if p := g.ResourceMetadataPath(); p != "" {
		mux.Handle("GET "+p, g.ResourceMetadata(runtime.ScopesOf(AxiomsRoutes)...))
	}
	return mux
}

// Server is the items API, on the store every example shares.
type Server struct{ *demo.Store }

// NewServer returns a Server holding two items.
func NewServer() *Server { return &Server{demo.NewStore()} }

// Health answers load balancers.
//
//axioms:route GET /healthz
//axioms:public
func Health(w http.ResponseWriter, r *http.Request) {
	w.Write([]byte("ok\n"))
}

// ListItems lists every item.
//
//axioms:route GET /items
//axioms:scopes read:items admin
func (s *Server) ListItems(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.List())
}

// GetItem returns one item.
//
//axioms:route GET /items/{id}
//axioms:scopes read:items admin
func (s *Server) GetItem(w http.ResponseWriter, r *http.Request) {
	it, ok := s.Get(r.PathValue("id"))
	if !ok {
		http.Error(w, "no such item", http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, it)
}

// CreateItem stores a new item owned by the caller: it needs the write
// scope AND one of the editor or admin roles.
//
//axioms:route POST /items
//axioms:scopes write:items
//axioms:roles editor admin "Global Admin"
func (s *Server) CreateItem(w http.ResponseWriter, r *http.Request, c *runtime.Claims) {
	var in struct {
		Name string `json:"name"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&in); err != nil || in.Name == "" {
		http.Error(w, `body must be {"name": "..."}`, http.StatusBadRequest)
		return
	}
	writeJSON(w, http.StatusCreated, s.Add(in.Name, c.Subject))
}

// DeleteItem removes an item.
//
//axioms:route DELETE /items/{id}
//axioms:permissions items:delete
func (s *Server) DeleteItem(w http.ResponseWriter, r *http.Request) {
	if !s.Remove(r.PathValue("id")) {
		http.Error(w, "no such item", http.StatusNotFound)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// Payout sends an item's value to its owner. Money moves, so a stolen
// token alone must not do it: the token must be DPoP-bound and the request
// must carry a fresh proof of the client's key.
//
//axioms:route POST /payouts
//axioms:permissions payouts:create
//axioms:dpop
func (s *Server) Payout(w http.ResponseWriter, r *http.Request, c *runtime.Claims) {
	writeJSON(w, http.StatusCreated, map[string]any{"payout": "queued", "by": c.Subject, "key": c.JKT})
}

// Me shows what the caller's token grants; any valid token will do.
//
//axioms:route GET /me
//axioms:authenticated
func Me(w http.ResponseWriter, r *http.Request, c *runtime.Claims) {
	writeJSON(w, http.StatusOK, map[string]any{
		"sub": c.Subject, "scopes": append([]string{}, c.Scopes...), "roles": append([]string{}, c.Roles...), "permissions": append([]string{}, c.Permissions...), // [] rather than null
	})
}

// TenantClaims are this API's own claims, decoded from the verified token
// for the handlers that ask for them.
type TenantClaims struct {
	Subject string `json:"sub"`
	Tenant  string `json:"tenant"`
}

// Tenant shows the caller's tenant, from typed claims.
//
//axioms:route GET /tenant
//axioms:authenticated
func Tenant(w http.ResponseWriter, r *http.Request, c *TenantClaims) {
	if c.Tenant == "" {
		http.Error(w, "the token names no tenant", http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

// CloseAccount closes the caller's account: it needs a strong and recent
// authentication (RFC 9470 step-up); a token without them gets a 401 whose
// challenge says what to ask the authorization server for.
//
//axioms:route POST /account/close
//axioms:acr urn:example:mfa urn:example:hwk
//axioms:max-age 5m
func CloseAccount(w http.ResponseWriter, r *http.Request, c *runtime.Claims) {
	writeJSON(w, http.StatusAccepted, map[string]string{"closing": c.Subject})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
