package runtime_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httptest"
	goruntime "runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

// TestLoadWithRotation sends 20,000 mixed valid and invalid requests from
// 64 goroutines through a guarded mux while the issuer rotates its keys
// twice: every answer must be the expected one. Run under -race; goleak
// (TestMain) checks that nothing survives Close.
func TestLoadWithRotation(t *testing.T) {
	if testing.Short() {
		t.Skip("load test")
	}
	iss := axiomstest.New(t, axiomstest.WithAlgorithms("ES256", "EdDSA"))
	srv := newJWKSServer(t, iss, healthy)
	cfg := configFor(iss, srv)
	cfg.RefreshInterval = 20 * time.Millisecond
	cfg.TokenCacheSize = 256
	g := newGuard(t, cfg)

	mux := http.NewServeMux()
	mux.Handle("GET /read", g.Handler(runtime.Requirement{Scopes: [][]string{{"read"}}}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := runtime.ClaimsFromContext(r.Context()); !ok {
			w.WriteHeader(http.StatusInternalServerError)
		}
	})))

	forger, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	type request struct {
		auth string
		want int
	}
	var reqs []request
	for i := range 400 {
		alg := []string{"ES256", "EdDSA"}[i%2]
		reqs = append(reqs,
			request{bearer(iss.Token(t, axiomstest.WithAlg(alg), axiomstest.WithScopes("read"), axiomstest.WithClaim("n", i))), 200},
			request{bearer(iss.Token(t, axiomstest.WithAlg(alg), axiomstest.WithScopes("write"), axiomstest.WithClaim("n", i))), 403},
		)
		if i%4 == 0 {
			reqs = append(reqs,
				request{bearer(iss.Token(t, axiomstest.WithAlg(alg), axiomstest.WithScopes("read"), axiomstest.WithExpiresIn(-time.Minute))), 401},
				request{bearer(iss.Token(t, axiomstest.WithAlg("ES256"), axiomstest.WithSigningKey(forger), axiomstest.WithScopes("read"))), 401},
				request{"Bearer not.a.token", 401},
				request{"", 401},
				request{"Bearer ", 400},
			)
		}
	}

	var wrong, done atomic.Int64
	stop := make(chan struct{})
	rotated := make(chan error, 1)
	go func() {
		// Two rotations while the load runs; after each, a token of the
		// new key must be accepted once the guard has refreshed.
		for r := range 2 {
			for done.Load() < int64(5000*(r+1)) {
				select {
				case <-stop:
					rotated <- nil
					return
				case <-time.After(time.Millisecond):
				}
			}
			kid, err := iss.Rotate("ES256")
			if err != nil {
				rotated <- err
				return
			}
			fresh := iss.Token(t, axiomstest.WithAlg("ES256"), axiomstest.WithScopes("read"))
			deadline := time.Now().Add(5 * time.Second)
			for {
				w := httptest.NewRecorder()
				req := httptest.NewRequest("GET", "/read", nil)
				req.Header.Set("Authorization", bearer(fresh))
				mux.ServeHTTP(w, req)
				if w.Code == 200 {
					break
				}
				if time.Now().After(deadline) {
					rotated <- fmt.Errorf("token of rotated key %s still refused: %d", kid, w.Code)
					return
				}
				time.Sleep(10 * time.Millisecond)
			}
		}
		rotated <- nil
	}()

	const total = 20_000
	var next atomic.Int64
	concurrently(64, func(int) {
		for {
			i := next.Add(1) - 1
			if i >= total {
				return
			}
			rq := reqs[i%int64(len(reqs))]
			w := httptest.NewRecorder()
			req := httptest.NewRequest("GET", "/read", nil)
			if rq.auth != "" {
				req.Header.Set("Authorization", rq.auth)
			}
			mux.ServeHTTP(w, req)
			if w.Code != rq.want {
				if wrong.Add(1) <= 5 {
					t.Errorf("request %d (%.30q): status %d, want %d", i, rq.auth, w.Code, rq.want)
				}
			}
			done.Add(1)
		}
	})
	close(stop)
	if err := <-rotated; err != nil {
		t.Error(err)
	}
	if n := wrong.Load(); n != 0 {
		t.Fatalf("%d wrong answers out of %d", n, total)
	}
	if kid, _, _ := iss.SigningKey("ES256"); kid != "es256-3" {
		t.Errorf("expected two rotations, current key %s", kid)
	}

	// Bounded memory: the cache holds at most its configured entries, and
	// the heap after the run stays within a small multiple of them.
	st := g.CacheStats()
	if st.Entries > cfg.TokenCacheSize || st.Hits == 0 {
		t.Errorf("cache stats %+v with a bound of %d", st, cfg.TokenCacheSize)
	}
	goruntime.GC()
	var m goruntime.MemStats
	goruntime.ReadMemStats(&m)
	if m.HeapAlloc > 64<<20 {
		t.Errorf("heap in use after the run: %d MiB, bound 64 MiB", m.HeapAlloc>>20)
	}
}
