package items

import (
	"net/http"

	"github.com/axioms-go/axiomsgen/connectguard"
	itemsv1 "github.com/axioms-go/axiomsgen/examples/grpc/gen/items/v1"
	"github.com/axioms-go/axiomsgen/examples/grpc/gen/items/v1/itemsv1connect"
	"github.com/axioms-go/axiomsgen/grpcguard"
	"github.com/axioms-go/axiomsgen/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

//go:generate go tool axiomsgen

// NewGRPCServer is a grpc-go server with the ItemService on store, every
// method behind its directives; the health service is allow-listed (it
// has no directives, and the guard refuses what it does not know).
func NewGRPCServer(g *runtime.Guard, store *Store) *grpc.Server {
	s := grpc.NewServer(grpcguard.ServerOptions(g, AxiomsGRPCMethods, grpcguard.Allow("grpc.health.v1.Health"))...)
	itemsv1.RegisterItemServiceServer(s, &GRPCServer{Store: store})
	healthpb.RegisterHealthServer(s, health.NewServer())
	return s
}

// NewConnectHandler is an http.Handler serving the ItemService with
// Connect (and the gRPC and gRPC-Web protocols) on store, every
// procedure behind its directives.
func NewConnectHandler(g *runtime.Guard, store *Store) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(itemsv1connect.NewItemServiceHandler(&ConnectServer{Store: store},
		connectguard.WithGuard(g, AxiomsConnectProcedures)))
	return mux
}
