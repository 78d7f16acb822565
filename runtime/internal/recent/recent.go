// Package recent remembers the last few values computed from short
// texts, for readers that must not take a lock: the runtime keeps the
// JOSE headers of the last tokens it verified here, since tokens signed
// with one key share their header segment byte for byte and a repeat
// then skips decoding and scanning it.
//
// # What it replaces, and why it stays
//
// It replaces decoding every header (what golang-jwt's parser does). With
// every header decoded, a cache-off guarded request takes about 1.5 %
// longer for RS256 (one more allocation): under the 3 % a piece of
// hand-written code must save, but the RS256 guard sits on its 1.10
// target and does not stay there without it; docs/BENCHMARKS.md,
// "Hand-written code, measured", has the figures and the command.
//
// # Rules
//
// A Cache holds Size entries, each a value put for exactly one key
// (compared byte for byte). A value must be a function of its key (the
// runtime's is the parse of the key's bytes): Put does nothing for a key
// already remembered, replaces the entries round-robin otherwise, and
// ignores keys longer than MaxKey. Get never returns a value put for
// another key. Reads take no lock and write nothing; the caller decides
// what may be put (the runtime puts a header only once a token carrying
// it verified, so invalid tokens cannot churn the entries).
//
// # How it is held to its definition
//
// FuzzCache runs random sequences of puts and gets against a reference
// that remembers every put, and requires each hit to return a value put
// for its key and each of the last Size keys stored to be found. Two
// goroutines putting one key at once may both store it: harmless, as a
// value is a function of its key.
package recent

import (
	"strings"
	"sync/atomic"
)

// Size is how many entries a Cache holds.
const Size = 4

// MaxKey bounds the keys remembered, in bytes.
const MaxKey = 512

// Cache is a lock-free cache of the last Size values put. Its zero value
// is empty and ready to use.
type Cache[V any] struct {
	entries [Size]atomic.Pointer[entry[V]]
	next    atomic.Uint32
}

type entry[V any] struct {
	key   string
	value V
}

// Get returns the value put for key, if it is still remembered.
func (c *Cache[V]) Get(key string) (V, bool) {
	for i := range c.entries {
		if e := c.entries[i].Load(); e != nil && e.key == key {
			return e.value, true
		}
	}
	var zero V
	return zero, false
}

// Put remembers value for key (a copy of key), replacing the oldest
// entry, unless key is remembered already or longer than MaxKey.
func (c *Cache[V]) Put(key string, value V) {
	if len(key) > MaxKey {
		return
	}
	if _, ok := c.Get(key); ok {
		return
	}
	i := c.next.Add(1) % Size
	c.entries[i].Store(&entry[V]{key: strings.Clone(key), value: value})
}
