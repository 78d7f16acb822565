package connectguard_test

import (
	"context"
	"testing"
	"time"

	"connectrpc.com/connect"
	"github.com/axioms-go/axiomsgen/connectguard"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// BenchmarkGuardedCall times a guarded unary Connect call and an
// unguarded one (allow-listed, same handler and messages) on the same
// loopback HTTP/2 connection, paired in each iteration, and reports
// each and their difference, cache on and off.
func BenchmarkGuardedCall(b *testing.B) {
	for _, mode := range []struct {
		name     string
		cacheOff bool
	}{{"cache", false}, {"nocache", true}} {
		b.Run(mode.name, func(b *testing.B) {
			iss := axiomstest.New(b)
			cfg := iss.Config()
			if mode.cacheOff {
				cfg.TokenCacheSize = -1
			}
			base, hc := start(b, cfg, connectguard.Allow(procStats))
			auth := "Bearer " + iss.Token(b, axiomstest.WithScopes("read"), axiomstest.WithRoles("editor"), axiomstest.WithExpiresIn(time.Hour))
			guarded := connect.NewClient[str, str](hc, base+procGet)
			plain := connect.NewClient[str, str](hc, base+procStats)
			call := func(c *connect.Client[str, str]) {
				req := connect.NewRequest(wrapperspb.String("x"))
				req.Header().Set("Authorization", auth)
				if _, err := c.CallUnary(context.Background(), req); err != nil {
					b.Fatal(err)
				}
			}
			call(guarded)
			var tg, tp time.Duration
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				// Alternate which call goes first.
				first, second := guarded, plain
				if i%2 == 1 {
					first, second = plain, guarded
				}
				i++
				t0 := time.Now()
				call(first)
				t1 := time.Now()
				call(second)
				t2 := time.Now()
				if i%2 == 1 {
					tg += t1.Sub(t0)
					tp += t2.Sub(t1)
				} else {
					tp += t1.Sub(t0)
					tg += t2.Sub(t1)
				}
			}
			n := float64(b.N)
			b.ReportMetric(float64(tg.Nanoseconds())/n, "guarded-ns/call")
			b.ReportMetric(float64(tp.Nanoseconds())/n, "unguarded-ns/call")
			b.ReportMetric(float64((tg-tp).Nanoseconds())/n, "guard-ns/call")
		})
	}
}
