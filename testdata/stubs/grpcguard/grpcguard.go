// Package grpcguard is a stand-in for axiomsgen's gRPC guard module: its
// exported API, without behaviour, against the grpc stand-in.
package grpcguard

import (
	"github.com/axioms-go/axiomsgen/runtime"
	"google.golang.org/grpc"
)

type Option func()

func Allow(names ...string) Option { return nil }
func ServerOptions(g *runtime.Guard, methods []runtime.Route, opts ...Option) []grpc.ServerOption {
	return nil
}
func UnaryServerInterceptor(g *runtime.Guard, methods []runtime.Route, opts ...Option) grpc.UnaryServerInterceptor {
	return nil
}
func StreamServerInterceptor(g *runtime.Guard, methods []runtime.Route, opts ...Option) grpc.StreamServerInterceptor {
	return nil
}
