package recent

import (
	"strings"
	"sync"
	"testing"
)

// FuzzCache: ops is a program, two bytes an operation: the first byte's
// low bit says put (1) or get (0), the second picks one of eight keys.
// Every hit returns a value put for its key, and a key put since the
// last Size puts of other keys is always found (single goroutine).
func FuzzCache(f *testing.F) {
	f.Add([]byte{1, 0, 0, 0, 1, 1, 1, 2, 1, 3, 1, 4, 0, 0, 0, 4})
	f.Add([]byte{1, 7, 1, 7, 1, 7, 1, 7, 1, 7, 0, 7})
	f.Fuzz(func(t *testing.T, ops []byte) {
		keys := []string{"", "a", "b", "eyJhbGciOiJSUzI1NiJ9", "eyJhbGciOiJSUzI1NiJ8", "x", strings.Repeat("k", MaxKey), strings.Repeat("k", MaxKey+1)}
		var c Cache[int]
		put := map[string]map[int]bool{} // the values put for each key
		var order []string               // the keys stored, in order
		for i := 0; i+1 < len(ops); i += 2 {
			key := keys[int(ops[i+1])%len(keys)]
			if ops[i]&1 == 1 {
				if _, remembered := c.Get(key); !remembered && len(key) <= MaxKey {
					order = append(order, key)
				}
				c.Put(key, i)
				if put[key] == nil {
					put[key] = map[int]bool{}
				}
				put[key][i] = true
				continue
			}
			v, ok := c.Get(key)
			if ok && (len(key) > MaxKey || !put[key][v]) {
				t.Fatalf("op %d: Get(%.10q) = %d, never put for it", i, key, v)
			}
			for _, k := range order[max(0, len(order)-Size):] {
				if k == key && !ok {
					t.Fatalf("op %d: Get(%.10q) missed one of the last %d keys stored", i, key, Size)
				}
			}
		}
	})
}

// TestConcurrent: readers racing writers only ever see a key's own value
// (run with -race).
func TestConcurrent(t *testing.T) {
	var c Cache[string]
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				k := string(rune('a' + (i+w)%6))
				if i%3 == 0 {
					c.Put(k, k)
				} else if v, ok := c.Get(k); ok && v != k {
					t.Errorf("Get(%s) = %s", k, v)
					return
				}
			}
		}()
	}
	wg.Wait()
}
