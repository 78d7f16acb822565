// Package rpc registers gRPC and Connect services with and without the
// axioms guard.
package rpc

import (
	"context"
	"net/http"

	"connectrpc.com/connect"
	"example.com/routes/rpc/pb"
	"example.com/routes/rpc/pb/pbconnect"
	"github.com/axioms-go/axiomsgen/connectguard"
	"github.com/axioms-go/axiomsgen/grpcguard"
	"github.com/axioms-go/axiomsgen/runtime"
	"google.golang.org/grpc"
)

// Notes implements the gRPC service; Stats has no directive.
type Notes struct {
	pb.UnimplementedNoteServiceServer
}

//axioms:scopes read:notes
func (*Notes) GetNote(context.Context, *pb.Msg) (*pb.Msg, error) { return nil, nil }

//axioms:public
func (*Notes) WatchNotes(*pb.Msg, grpc.ServerStreamingServer[pb.Msg]) error { return nil }

// ConnectNotes implements the Connect service.
type ConnectNotes struct {
	pbconnect.UnimplementedNoteServiceHandler
}

//axioms:roles admin
//axioms:dpop
func (ConnectNotes) GetNote(context.Context, *connect.Request[pb.Msg]) (*connect.Response[pb.Msg], error) {
	return nil, nil
}

func Guarded(g *runtime.Guard) {
	s := grpc.NewServer(grpcguard.ServerOptions(g, AxiomsGRPCMethods)...)
	pb.RegisterNoteServiceServer(s, &Notes{}) // want "guarded GRPC /notes.v1.NoteService/GetNote scopes(read:notes)" "public GRPC /notes.v1.NoteService/WatchNotes" "guarded GRPC /notes.v1.NoteService/Stats refused (no directive)"
}

func Unguarded() {
	s := grpc.NewServer()
	pb.RegisterNoteServiceServer(s, &Notes{}) // want "unguarded GRPC /notes.v1.NoteService/GetNote" "unguarded GRPC /notes.v1.NoteService/WatchNotes" "unguarded GRPC /notes.v1.NoteService/Stats"
}

func UnaryOnly(g *runtime.Guard) {
	opts := []grpc.ServerOption{grpc.ChainUnaryInterceptor(grpcguard.UnaryServerInterceptor(g, AxiomsGRPCMethods))}
	s := grpc.NewServer(opts...)
	pb.RegisterNoteServiceServer(s, &Notes{}) // want "guarded GRPC /notes.v1.NoteService/GetNote scopes(read:notes)" "unguarded GRPC /notes.v1.NoteService/WatchNotes" "guarded GRPC /notes.v1.NoteService/Stats refused (no directive)"
}

func AllowListed(g *runtime.Guard) {
	var s *grpc.Server
	s = grpc.NewServer(grpcguard.ServerOptions(g, AxiomsGRPCMethods, grpcguard.Allow("/notes.v1.NoteService/Stats"))...)
	pb.RegisterNoteServiceServer(s, &Notes{}) // want "guarded GRPC /notes.v1.NoteService/GetNote scopes(read:notes)" "public GRPC /notes.v1.NoteService/WatchNotes" "public GRPC /notes.v1.NoteService/Stats"
}

func Given(s *grpc.Server) {
	pb.RegisterNoteServiceServer(s, &Notes{}) // want "unknown GRPC /notes.v1.NoteService/GetNote" "unknown GRPC /notes.v1.NoteService/WatchNotes" "unknown GRPC /notes.v1.NoteService/Stats"
}

func ConnectGuarded(g *runtime.Guard, mux *http.ServeMux) {
	mux.Handle(pbconnect.NewNoteServiceHandler(ConnectNotes{}, connectguard.WithGuard(g, AxiomsConnectProcedures))) // want "guarded CONNECT /notes.v1.NoteService/GetNote roles(admin) AND dpop" "guarded CONNECT /notes.v1.NoteService/Stats refused (no directive)"
}

func ConnectInterceptors(g *runtime.Guard, mux *http.ServeMux) {
	opts := connect.WithInterceptors(connectguard.NewInterceptor(g, AxiomsConnectProcedures, connectguard.Allow("notes.v1.NoteService")))
	mux.Handle(pbconnect.NewNoteServiceHandler(ConnectNotes{}, opts)) // want "guarded CONNECT /notes.v1.NoteService/GetNote roles(admin) AND dpop" "public CONNECT /notes.v1.NoteService/Stats"
}

func ConnectUnguarded(mux *http.ServeMux) {
	mux.Handle(pbconnect.NewNoteServiceHandler(ConnectNotes{})) // want "unguarded CONNECT /notes.v1.NoteService/GetNote" "unguarded CONNECT /notes.v1.NoteService/Stats"
}

// The two-line form of Connect's documentation: the mount is not a route
// of its own; the methods are rows.
func ConnectTwoLines(g *runtime.Guard, mux *http.ServeMux) {
	path, h := pbconnect.NewNoteServiceHandler(ConnectNotes{}, connectguard.WithGuard(g, AxiomsConnectProcedures)) // want "guarded CONNECT /notes.v1.NoteService/GetNote roles(admin) AND dpop" "guarded CONNECT /notes.v1.NoteService/Stats refused (no directive)"
	mux.Handle(path, h)
}
