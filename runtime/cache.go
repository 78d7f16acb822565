package runtime

import (
	"crypto/sha256"
	"sync"
	"sync/atomic"
	"time"
)

// Clients reuse one access token for minutes, and verifying its signature
// is nearly the whole cost of a guarded request. The cache remembers
// tokens that passed every check, keyed by their SHA-256 (collision
// resistant, so the token itself is not stored), and answers a repeat
// without decoding or verifying anything. A hit still re-checks exp and
// nbf, and that the signing key is still in the current key set, so a
// key retired by the issuer stops its tokens at the next refresh.

const cacheShards = 64

type cacheKey [sha256.Size]byte

type cacheEntry struct {
	claims *Claims
	key    *verifyKey // the key that verified the token
	kid    string
	hasKID bool
	exp    time.Time // zero when the token has no exp (never cached)
	nbf    time.Time
	size   int
}

// tokenCache is sharded so concurrent requests rarely share a lock; a
// hit takes only its shard's read lock.
type tokenCache struct {
	shards     [cacheShards]cacheShard
	maxEntries int // per shard
	maxBytes   int // per shard
	leeway     time.Duration
	now        func() time.Time
	hits, miss atomic.Uint64
}

type cacheShard struct {
	mu      sync.RWMutex
	entries map[cacheKey]*cacheEntry
	order   []cacheKey // insertion order, for FIFO eviction
	head    int
	bytes   int
}

func newTokenCache(entries, bytes int, leeway time.Duration, now func() time.Time) *tokenCache {
	if entries <= 0 {
		return nil
	}
	c := &tokenCache{
		maxEntries: max(entries/cacheShards, 1),
		maxBytes:   max(bytes/cacheShards, 1),
		leeway:     leeway,
		now:        now,
	}
	for i := range c.shards {
		c.shards[i].entries = make(map[cacheKey]*cacheEntry)
	}
	return c
}

func (c *tokenCache) shard(k *cacheKey) *cacheShard { return &c.shards[k[0]%cacheShards] }

// get returns the cached claims of a token still valid now and still
// signed by a key of set.
func (c *tokenCache) get(k *cacheKey, set *keySet) (*cacheEntry, bool) {
	s := c.shard(k)
	s.mu.RLock()
	e, ok := s.entries[*k]
	s.mu.RUnlock()
	if !ok {
		c.miss.Add(1)
		return nil, false
	}
	now := c.now()
	if !now.Before(e.exp.Add(c.leeway)) || (!e.nbf.IsZero() && now.Before(e.nbf.Add(-c.leeway))) ||
		!set.holds(e.key, e.kid, e.hasKID) {
		c.remove(k)
		c.miss.Add(1)
		return nil, false
	}
	c.hits.Add(1)
	return e, true
}

func (c *tokenCache) put(k *cacheKey, e *cacheEntry) {
	if e.exp.IsZero() || e.size > c.maxBytes {
		return
	}
	s := c.shard(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.entries[*k]; ok {
		s.bytes -= old.size
	} else {
		s.order = append(s.order, *k)
	}
	s.entries[*k] = e
	s.bytes += e.size
	// Evict the oldest entries past either bound.
	for (len(s.entries) > c.maxEntries || s.bytes > c.maxBytes) && s.head < len(s.order) {
		oldest := s.order[s.head]
		s.head++
		if victim, ok := s.entries[oldest]; ok && oldest != *k {
			s.bytes -= victim.size
			delete(s.entries, oldest)
		}
	}
	// Compact the order ring once its dead prefix dominates.
	if s.head > 1024 && s.head > len(s.order)/2 {
		live := s.order[:0]
		for _, key := range s.order[s.head:] {
			if _, ok := s.entries[key]; ok {
				live = append(live, key)
			}
		}
		s.order, s.head = live, 0
	}
}

func (c *tokenCache) remove(k *cacheKey) {
	s := c.shard(k)
	s.mu.Lock()
	if e, ok := s.entries[*k]; ok {
		s.bytes -= e.size
		delete(s.entries, *k)
	}
	s.mu.Unlock()
}

// CacheStats describes the verified-token cache of a Guard.
type CacheStats struct {
	Hits, Misses uint64
	Entries      int
}

// CacheStats reports the cache's hits, misses and current size (all zero
// when the cache is off), for metrics.
func (g *Guard) CacheStats() CacheStats {
	if g.cache == nil {
		return CacheStats{}
	}
	return CacheStats{Hits: g.cache.hits.Load(), Misses: g.cache.miss.Load(), Entries: g.cache.len()}
}

// len counts the entries.
func (c *tokenCache) len() int {
	n := 0
	for i := range c.shards {
		s := &c.shards[i]
		s.mu.RLock()
		n += len(s.entries)
		s.mu.RUnlock()
	}
	return n
}

// holds reports whether the key that verified a cached token is still
// published under the same kid.
func (s *keySet) holds(k *verifyKey, kid string, hasKID bool) bool {
	if hasKID {
		for _, c := range s.byKID[kid] {
			if c == k {
				return true
			}
		}
		return false
	}
	for _, c := range s.all {
		if c == k {
			return true
		}
	}
	return false
}

// copyClaims gives each request its own Claims, so a handler that
// modifies them cannot change what the cache grants the next request.
// The raw claim map is shared and must be treated as read-only.
func copyClaims(c *Claims) *Claims {
	d := *c
	d.Audience = append([]string(nil), c.Audience...)
	d.Scopes = append([]string(nil), c.Scopes...)
	d.Roles = append([]string(nil), c.Roles...)
	d.Permissions = append([]string(nil), c.Permissions...)
	return &d
}
