package grpcguard_test

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/axioms-go/axiomsgen/grpcguard"
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
)

// benchServer serves TestService with the guard: UnaryCall guarded,
// CacheableUnaryCall (same messages, same handler work) allow-listed, so
// both go through the same server and connection.
func benchServer(b *testing.B, cacheOff bool) (testpb.TestServiceClient, string) {
	iss := axiomstest.New(b)
	cfg := iss.Config()
	cfg.Logger = quiet()
	if cacheOff {
		cfg.TokenCacheSize = -1
	}
	g, err := runtime.New(b.Context(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { g.Close() })
	s := grpc.NewServer(grpcguard.ServerOptions(g, methods, grpcguard.Allow(testpb.TestService_CacheableUnaryCall_FullMethodName))...)
	testpb.RegisterTestServiceServer(s, server{})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	go s.Serve(lis)
	b.Cleanup(s.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	tok := iss.Token(b, axiomstest.WithScopes("read"), axiomstest.WithRoles("editor"), axiomstest.WithExpiresIn(time.Hour))
	return testpb.NewTestServiceClient(conn), tok
}

// BenchmarkGuardedCall times a guarded unary call and an unguarded one
// (allow-listed, same messages) on the same loopback connection, paired
// in each iteration, and reports each and their difference: what the
// guard adds to a call, cache on and off.
func BenchmarkGuardedCall(b *testing.B) {
	for _, mode := range []struct {
		name     string
		cacheOff bool
	}{{"cache", false}, {"nocache", true}} {
		b.Run(mode.name, func(b *testing.B) {
			client, tok := benchServer(b, mode.cacheOff)
			authed := metadata.AppendToOutgoingContext(context.Background(), "authorization", "Bearer "+tok)
			// Both calls carry the same metadata: only the guard differs.
			req := &testpb.SimpleRequest{}
			if _, err := client.UnaryCall(authed, req); err != nil {
				b.Fatal(err)
			}
			guardedCall := func() {
				if _, err := client.UnaryCall(authed, req); err != nil {
					b.Fatal(err)
				}
			}
			plainCall := func() {
				if _, err := client.CacheableUnaryCall(authed, req); err != nil {
					b.Fatal(err)
				}
			}
			var guarded, plain time.Duration
			i := 0
			b.ReportAllocs()
			for b.Loop() {
				// Alternate which call goes first, so neither gets the
				// warmer connection every time.
				first, second := guardedCall, plainCall
				if i%2 == 1 {
					first, second = plainCall, guardedCall
				}
				i++
				t0 := time.Now()
				first()
				t1 := time.Now()
				second()
				t2 := time.Now()
				if i%2 == 1 {
					guarded += t1.Sub(t0)
					plain += t2.Sub(t1)
				} else {
					plain += t1.Sub(t0)
					guarded += t2.Sub(t1)
				}
			}
			n := float64(b.N)
			b.ReportMetric(float64(guarded.Nanoseconds())/n, "guarded-ns/call")
			b.ReportMetric(float64(plain.Nanoseconds())/n, "unguarded-ns/call")
			b.ReportMetric(float64((guarded-plain).Nanoseconds())/n, "guard-ns/call")
		})
	}
}

// BenchmarkInterceptor is the guard alone: the unary interceptor called
// in process with a call's incoming metadata, cache on and off.
func BenchmarkInterceptor(b *testing.B) {
	for _, mode := range []struct {
		name     string
		cacheOff bool
	}{{"cache", false}, {"nocache", true}} {
		b.Run(mode.name, func(b *testing.B) {
			iss := axiomstest.New(b)
			cfg := iss.Config()
			cfg.Logger = quiet()
			if mode.cacheOff {
				cfg.TokenCacheSize = -1
			}
			g, err := runtime.New(b.Context(), cfg)
			if err != nil {
				b.Fatal(err)
			}
			defer g.Close()
			icpt := grpcguard.UnaryServerInterceptor(g, methods)
			tok := iss.Token(b, axiomstest.WithScopes("read"), axiomstest.WithRoles("editor"), axiomstest.WithExpiresIn(time.Hour))
			ctx := metadata.NewIncomingContext(context.Background(), metadata.Pairs("authorization", "Bearer "+tok))
			info := &grpc.UnaryServerInfo{FullMethod: testpb.TestService_UnaryCall_FullMethodName}
			handler := func(ctx context.Context, req any) (any, error) { return req, nil }
			b.ReportAllocs()
			for b.Loop() {
				if _, err := icpt(ctx, nil, info, handler); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
