package runtime

import (
	"crypto/sha256"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestIntrospectionCacheBounds: the answer cache stays within its entry
// and byte bounds whatever it is fed, holds digests rather than tokens,
// and drops expired answers as new ones arrive.
func TestIntrospectionCacheBounds(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	cfg := Config{IntrospectionCacheTTL: time.Minute, Now: func() time.Time { return now }}
	in := &introspector{cfg: cfg, cache: map[tokenDigest]*introspected{}, inflight: map[tokenDigest]*introspectCall{}}
	big := `{"active":true,"pad":"` + strings.Repeat("x", 60<<10) + `"}`
	for i := range 1000 { // 1000 answers of 60 KiB: 60 MiB unbounded
		key := tokenDigest(sha256.Sum256([]byte(fmt.Sprint("big-", i))))
		in.mu.Lock()
		in.remember(key, &Claims{payload: big}, nil)
		in.mu.Unlock()
		if in.bytes > introspectionMaxBytes {
			t.Fatalf("after %d answers the cache holds %d bytes, over %d", i+1, in.bytes, introspectionMaxBytes)
		}
	}
	if want := introspectionMaxBytes / (len(big) + introspectionEntryBytes); len(in.cache) != want {
		t.Errorf("%d answers of 60 KiB kept, want %d", len(in.cache), want)
	}
	for i := range 2 * introspectionMaxLen {
		key := tokenDigest(sha256.Sum256([]byte(fmt.Sprint("small-", i))))
		in.mu.Lock()
		in.remember(key, &Claims{payload: `{"active":true}`}, nil)
		in.mu.Unlock()
	}
	if len(in.cache) != introspectionMaxLen {
		t.Errorf("%d answers kept, want the bound %d", len(in.cache), introspectionMaxLen)
	}
	sum := 0
	for _, e := range in.cache {
		sum += e.size
	}
	if sum != in.bytes {
		t.Errorf("byte count %d, entries hold %d", in.bytes, sum)
	}
	// Inactive answers expire after inactiveTTL; the next answer past the
	// sweep time drops them.
	in = &introspector{cfg: cfg, cache: map[tokenDigest]*introspected{}, inflight: map[tokenDigest]*introspectCall{}}
	in.mu.Lock()
	for i := range 100 {
		in.remember(tokenDigest(sha256.Sum256([]byte(fmt.Sprint("inactive-", i)))), nil, errInactive)
	}
	in.remember(tokenDigest(sha256.Sum256([]byte("active"))), &Claims{payload: `{}`}, nil)
	now = now.Add(inactiveTTL + time.Second)
	in.remember(tokenDigest(sha256.Sum256([]byte("later"))), &Claims{payload: `{}`}, nil)
	in.mu.Unlock()
	if len(in.cache) != 2 || len(in.order) != 2 {
		t.Errorf("after expiry: %d answers, order %d; want the 2 active ones", len(in.cache), len(in.order))
	}
}
