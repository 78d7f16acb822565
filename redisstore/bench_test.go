package redisstore_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/axioms-go/axiomsgen/redisstore"
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

// BenchmarkDPoPStore is a DPoP request (cache on, so the token's
// signature is not in the clock; the proof's is) recorded in the
// in-memory replay store and in Redis on loopback, alternated in each
// iteration and timed apart; redis-added-ns/op is the difference: the
// round trip a request pays to share its proof with the other replicas.
// With nonces, the Redis nonce source is used too (one round trip per
// nonce lifetime and replica, so nearly never in the clock).
func BenchmarkDPoPStore(b *testing.B) {
	srv := startRedis(b)
	iss := axiomstest.New(b)
	store := dial(srv, redisstore.Options{})
	b.Cleanup(func() { store.Close() })
	guard := func(shared bool) http.Handler {
		cfg := iss.Config()
		cfg.Logger = quietLogger()
		cfg.DPoPBaseURL = base
		if shared {
			cfg.DPoPReplay = store
		}
		g, err := runtime.New(b.Context(), cfg)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { g.Close() })
		return g.Handler(runtime.Requirement{}, http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	}
	memory, shared := guard(false), guard(true)
	key := iss.DPoPKey(b, "ES256")
	token := iss.Token(b, axiomstest.WithDPoPKey(key), axiomstest.WithExpiresIn(time.Hour))
	request := func() *http.Request {
		req := httptest.NewRequest(http.MethodGet, base+"/items", nil)
		if err := key.Authorize(req, token); err != nil {
			b.Fatal(err)
		}
		return req
	}
	serve := func(h http.Handler, req *http.Request) time.Duration {
		w := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(w, req)
		d := time.Since(start)
		if w.Code != 200 {
			b.Fatalf("status %d", w.Code)
		}
		return d
	}
	var mem, red time.Duration
	for b.Loop() {
		mem += serve(memory, request())
		red += serve(shared, request())
	}
	n := float64(b.N)
	b.ReportMetric(float64(mem.Nanoseconds())/n, "memory-ns/op")
	b.ReportMetric(float64(red.Nanoseconds())/n, "redis-ns/op")
	b.ReportMetric(float64((red-mem).Nanoseconds())/n, "redis-added-ns/op")
}
