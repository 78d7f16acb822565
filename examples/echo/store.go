package main

import (
	"strconv"
	"sync"
)

type note struct {
	ID    string `json:"id"`
	Text  string `json:"text"`
	Owner string `json:"owner"`
}

// Server is the notes API: an in-memory store.
type Server struct {
	mu    sync.Mutex
	next  int
	notes map[string]note
}

// NewServer returns a Server holding two notes.
func NewServer() *Server {
	return &Server{next: 3, notes: map[string]note{"1": {"1", "hello", "seed"}, "2": {"2", "world", "seed"}}}
}

// TenantClaims are the custom claims the tenant route reads: the
// generated wrapper decodes the verified token into them.
type TenantClaims struct {
	Tenant string `json:"tenant"`
}

func (s *Server) get(id string) (note, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok := s.notes[id]
	return n, ok
}

func (s *Server) add(text, owner string) note {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := note{ID: strconv.Itoa(s.next), Text: text, Owner: owner}
	s.next++
	s.notes[n.ID] = n
	return n
}

func (s *Server) remove(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.notes[id]
	delete(s.notes, id)
	return ok
}
