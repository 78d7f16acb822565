package runtime

import (
	"hash/maphash"
	"sync"
	"sync/atomic"
	"time"

	"github.com/axioms-go/axiomsgen/runtime/internal/claimcheck"
)

// Clients reuse one access token for minutes, and verifying its signature
// is nearly the whole cost of a guarded request. The cache remembers
// tokens that passed every check and answers a repeat without decoding or
// verifying anything. Entries are found by a maphash of the token (seeded
// at random per cache, so nobody can aim collisions at it) and confirmed
// by comparing the whole token, so a collision is only ever a miss. A hit still re-checks exp and
// nbf, and that the signing key is still in the current key set, so a
// key retired by the issuer stops its tokens at the next refresh.

const cacheShards = 64

type cacheKey = uint64

type cacheEntry struct {
	token  string
	claims *Claims
	keys   *keySource // the key set of the token's issuer
	key    *verifyKey // the key that verified the token
	kid    string
	hasKID bool
	alg    string
	exp    time.Time // zero when the token has no exp (never cached)
	nbf    time.Time
	size   int
}

// tokenCache is sharded; a hit is a lock-free sync.Map load and one
// atomic add to its shard's hit counter (cores hitting one hot token
// share that counter's cache line: measured as no loss on two cores, see
// docs/BENCHMARKS.md). Writes (rare: once per token) take their shard's
// mutex for the eviction bookkeeping.
type tokenCache struct {
	shards     [cacheShards]cacheShard
	maxEntries int // per shard
	maxBytes   int // per shard
	leeway     time.Duration
	now        func() time.Time
	seed       maphash.Seed
}

type cacheShard struct {
	entries sync.Map // cacheKey -> *cacheEntry
	mu      sync.Mutex
	order   []cacheKey // insertion order, for FIFO eviction
	head    int
	count   int
	bytes   int
	hits    atomic.Uint64
	miss    atomic.Uint64
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
		seed:       maphash.MakeSeed(),
	}
	return c
}

func (c *tokenCache) key(token string) cacheKey { return maphash.String(c.seed, token) }

func (c *tokenCache) shard(k cacheKey) *cacheShard { return &c.shards[k%cacheShards] }

// get returns the cached entry of a token still valid now whose key is
// still in its issuer's current key set.
func (c *tokenCache) get(token string) (*cacheEntry, bool) {
	k := c.key(token)
	s := c.shard(k)
	v, ok := s.entries.Load(k)
	if !ok || v.(*cacheEntry).token != token {
		s.miss.Add(1)
		return nil, false
	}
	e := v.(*cacheEntry)
	now := c.now()
	set := e.keys.current()
	if claimcheck.Expired(now, e.exp, c.leeway) || claimcheck.NotYet(now, e.nbf, c.leeway) ||
		set == nil || !set.holds(e.key, e.kid, e.hasKID, e.alg) {
		c.remove(k)
		s.miss.Add(1)
		return nil, false
	}
	s.hits.Add(1)
	return e, true
}

func (c *tokenCache) put(e *cacheEntry) {
	if e.exp.IsZero() || e.size > c.maxBytes {
		return
	}
	k := c.key(e.token)
	s := c.shard(k)
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.entries.Swap(k, e); ok {
		s.bytes -= old.(*cacheEntry).size
	} else {
		s.order = append(s.order, k)
		s.count++
	}
	s.bytes += e.size
	// Evict the oldest entries past either bound.
	for (s.count > c.maxEntries || s.bytes > c.maxBytes) && s.head < len(s.order) {
		oldest := s.order[s.head]
		s.head++
		if oldest == k {
			// The entry just stored was the oldest: give it a new slot.
			s.order = append(s.order, k)
			continue
		}
		if victim, ok := s.entries.LoadAndDelete(oldest); ok {
			s.bytes -= victim.(*cacheEntry).size
			s.count--
		}
	}
	// Compact the order ring once its dead prefix dominates.
	if s.head > 1024 && s.head > len(s.order)/2 {
		live := s.order[:0]
		for _, key := range s.order[s.head:] {
			if _, ok := s.entries.Load(key); ok {
				live = append(live, key)
			}
		}
		s.order, s.head = live, 0
	}
}

func (c *tokenCache) remove(k cacheKey) {
	s := c.shard(k)
	s.mu.Lock()
	if e, ok := s.entries.LoadAndDelete(k); ok {
		s.bytes -= e.(*cacheEntry).size
		s.count--
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
	var st CacheStats
	for i := range g.cache.shards {
		s := &g.cache.shards[i]
		st.Misses += s.miss.Load()
		st.Hits += s.hits.Load()
		s.mu.Lock()
		st.Entries += s.count
		s.mu.Unlock()
	}
	return st
}

// holds reports whether the key that verified a cached token is still
// the one a fresh verification would pick: published under the same kid,
// or, for a token without kid, still the only key fitting its algorithm.
func (s *keySet) holds(k *verifyKey, kid string, hasKID bool, alg string) bool {
	if hasKID {
		for _, c := range s.byKID[kid] {
			if c == k {
				return true
			}
		}
		return false
	}
	found, ok, err := s.find("", false, alg)
	return ok && err == nil && found == k
}

// copyClaims gives each request its own Claims, so a handler that
// modifies them cannot change what the cache grants the next request.
// The payload text they share is immutable; absent lists stay nil.
func copyClaims(c *Claims) *Claims {
	d := *c
	// One array backs the four lists; each is capped so an append
	// reallocates instead of writing into its neighbour.
	all := make([]string, 0, len(c.Audience)+len(c.Scopes)+len(c.Roles)+len(c.Permissions))
	carve := func(src []string) []string {
		if src == nil {
			return nil
		}
		start := len(all)
		all = append(all, src...)
		return all[start:len(all):len(all)]
	}
	d.Audience, d.Scopes, d.Roles, d.Permissions = carve(c.Audience), carve(c.Scopes), carve(c.Roles), carve(c.Permissions)
	return &d
}
