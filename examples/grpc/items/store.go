// Package items implements the example's ItemService twice, once for
// grpc-go (GRPCServer) and once for Connect (ConnectServer), each method
// guarded by the //axioms: directives in its doc comment; axioms_gen.go
// holds the method tables the guards take.
package items

import (
	"fmt"
	"slices"
	"sync"

	itemsv1 "github.com/axioms-go/axiomsgen/examples/grpc/gen/items/v1"
)

// Store is an in-memory item store, safe for concurrent use.
type Store struct {
	mu    sync.Mutex
	next  int
	items map[string]string
}

// NewStore returns a store holding items "1" and "2".
func NewStore() *Store {
	return &Store{next: 3, items: map[string]string{"1": "first", "2": "second"}}
}

func (s *Store) get(id string) (*itemsv1.Item, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name, ok := s.items[id]
	return &itemsv1.Item{Id: id, Name: name}, ok
}

func (s *Store) list() []*itemsv1.Item {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*itemsv1.Item
	for id, name := range s.items {
		out = append(out, &itemsv1.Item{Id: id, Name: name})
	}
	slices.SortFunc(out, func(a, b *itemsv1.Item) int { return compareIDs(a.Id, b.Id) })
	return out
}

func compareIDs(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func (s *Store) put(it *itemsv1.Item) *itemsv1.Item {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := it.GetId()
	if id == "" {
		id = fmt.Sprint(s.next)
		s.next++
	}
	s.items[id] = it.GetName()
	return &itemsv1.Item{Id: id, Name: it.GetName()}
}

func (s *Store) remove(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.items[id]
	delete(s.items, id)
	return ok
}
