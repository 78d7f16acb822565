package main

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"sync"

	"github.com/axioms-go/axiomsgen/runtime"
)

// routes wires every route of the API, each behind its requirement.
func routes(g *runtime.Guard, s *store) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { // axioms:public
		w.Write([]byte("ok\n"))
	})
	mux.Handle("GET /items", g.Handler(runtime.Requirement{Scopes: [][]string{{"read:items", "admin"}}}, http.HandlerFunc(s.list)))
	mux.Handle("GET /items/{id}", g.Handler(runtime.Requirement{Scopes: [][]string{{"read:items", "admin"}}}, http.HandlerFunc(s.get)))
	// Creating needs the write scope AND one of the editor or admin roles.
	mux.Handle("POST /items", g.Handler(runtime.Requirement{
		Scopes: [][]string{{"write:items"}},
		Roles:  [][]string{{"editor", "admin"}},
	}, http.HandlerFunc(s.create)))
	mux.Handle("DELETE /items/{id}", g.Handler(runtime.Requirement{Permissions: [][]string{{"items:delete"}}}, http.HandlerFunc(s.delete)))
	mux.Handle("GET /me", g.Handler(runtime.Requirement{Authenticated: true}, http.HandlerFunc(me)))
	return mux
}

type item struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	Owner string `json:"owner"`
}

// store is an in-memory item store.
type store struct {
	mu    sync.Mutex
	next  int
	items map[int]item
}

func newStore() *store {
	return &store{next: 3, items: map[int]item{1: {1, "hammer", "seed"}, 2: {2, "saw", "seed"}}}
}

func (s *store) list(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	out := make([]item, 0, len(s.items))
	for _, it := range s.items {
		out = append(out, it)
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b item) int { return a.ID - b.ID })
	writeJSON(w, http.StatusOK, out)
}

func (s *store) get(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.PathValue("id"))
	s.mu.Lock()
	it, ok := s.items[id]
	s.mu.Unlock()
	if err != nil || !ok {
		http.Error(w, "no such item", http.StatusNotFound)
		return
	}
	writeJSON(w, http.StatusOK, it)
}

func (s *store) create(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name string `json:"name"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 4<<10)).Decode(&in); err != nil || in.Name == "" {
		http.Error(w, `body must be {"name": "..."}`, http.StatusBadRequest)
		return
	}
	c, _ := runtime.ClaimsFromContext(r.Context())
	s.mu.Lock()
	it := item{ID: s.next, Name: in.Name, Owner: c.Subject}
	s.items[it.ID] = it
	s.next++
	s.mu.Unlock()
	writeJSON(w, http.StatusCreated, it)
}

func (s *store) delete(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.PathValue("id"))
	s.mu.Lock()
	_, ok := s.items[id]
	delete(s.items, id)
	s.mu.Unlock()
	if err != nil || !ok {
		http.Error(w, "no such item", http.StatusNotFound)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func me(w http.ResponseWriter, r *http.Request) {
	c, _ := runtime.ClaimsFromContext(r.Context())
	writeJSON(w, http.StatusOK, map[string]any{
		"sub": c.Subject, "scopes": c.Scopes, "roles": c.Roles, "permissions": c.Permissions,
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
