package demo

import (
	"slices"
	"strconv"
	"sync"
)

// Item is one stored item.
type Item struct {
	ID    int    `json:"id"`
	Name  string `json:"name"`
	Owner string `json:"owner"`
}

// Store is an in-memory item store, safe for concurrent use.
type Store struct {
	mu    sync.Mutex
	next  int
	items map[int]Item
}

// NewStore returns a store holding two items, 1 and 2.
func NewStore() *Store {
	return &Store{next: 3, items: map[int]Item{1: {1, "hammer", "seed"}, 2: {2, "saw", "seed"}}}
}

// List returns every item, by ID.
func (s *Store) List() []Item {
	s.mu.Lock()
	out := make([]Item, 0, len(s.items))
	for _, it := range s.items {
		out = append(out, it)
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b Item) int { return a.ID - b.ID })
	return out
}

// Get returns the item whose ID is id, as the path names it.
func (s *Store) Get(id string) (Item, bool) {
	n, err := strconv.Atoi(id)
	if err != nil {
		return Item{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[n]
	return it, ok
}

// Add stores an item owned by owner.
func (s *Store) Add(name, owner string) Item {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := Item{ID: s.next, Name: name, Owner: owner}
	s.next++
	s.items[it.ID] = it
	return it
}

// Remove deletes the item whose ID is id and reports whether it existed.
func (s *Store) Remove(id string) bool {
	n, err := strconv.Atoi(id)
	if err != nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.items[n]
	delete(s.items, n)
	return ok
}
