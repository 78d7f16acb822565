package rpc

import (
	"context"

	"example.com/routes/rpc/oldpb"
	"example.com/routes/rpc/pb"
	"github.com/axioms-go/axiomsgen/grpcguard"
	"github.com/axioms-go/axiomsgen/runtime"
	"google.golang.org/grpc"
)

// Servers whose guard the tool must read exactly, or say it cannot.

func WrongTable(g *runtime.Guard) {
	open := []runtime.Route{{Pattern: pb.NoteService_GetNote_FullMethodName, Public: true}}
	s := grpc.NewServer(grpcguard.ServerOptions(g, open)...)
	pb.RegisterNoteServiceServer(s, &Notes{}) // want "unknown GRPC /notes.v1.NoteService/GetNote" "unknown GRPC /notes.v1.NoteService/WatchNotes" "unknown GRPC /notes.v1.NoteService/Stats"
}

func NilTable(g *runtime.Guard) {
	s := grpc.NewServer(grpcguard.ServerOptions(g, nil)...)
	pb.RegisterNoteServiceServer(s, &Notes{}) // want "unknown GRPC /notes.v1.NoteService/GetNote" "unknown GRPC /notes.v1.NoteService/WatchNotes" "unknown GRPC /notes.v1.NoteService/Stats"
}

func AllowInVariable(g *runtime.Guard) {
	open := grpcguard.Allow("notes.v1.NoteService")
	s := grpc.NewServer(grpcguard.ServerOptions(g, AxiomsGRPCMethods, open)...)
	pb.RegisterNoteServiceServer(s, &Notes{}) // want "guarded GRPC /notes.v1.NoteService/GetNote scopes(read:notes)" "public GRPC /notes.v1.NoteService/WatchNotes" "public GRPC /notes.v1.NoteService/Stats"
}

func AllowSpread(g *runtime.Guard) {
	names := []string{"notes.v1.NoteService"}
	s := grpc.NewServer(grpcguard.ServerOptions(g, AxiomsGRPCMethods, grpcguard.Allow(names...))...)
	pb.RegisterNoteServiceServer(s, &Notes{}) // want "guarded GRPC /notes.v1.NoteService/GetNote scopes(read:notes)" "public GRPC /notes.v1.NoteService/WatchNotes" "unknown GRPC /notes.v1.NoteService/Stats"
}

func Appended(g *runtime.Guard) {
	s := grpc.NewServer(append(grpcguard.ServerOptions(g, append(AxiomsGRPCMethods, AxiomsGRPCMethods...)), grpc.UnaryInterceptor(nil))...)
	pb.RegisterNoteServiceServer(s, &Notes{}) // want "guarded GRPC /notes.v1.NoteService/GetNote scopes(read:notes)" "public GRPC /notes.v1.NoteService/WatchNotes" "guarded GRPC /notes.v1.NoteService/Stats refused (no directive)"
}

func Conditional(g *runtime.Guard, prod bool) {
	var opts []grpc.ServerOption
	if prod {
		opts = grpcguard.ServerOptions(g, AxiomsGRPCMethods)
	}
	s := grpc.NewServer(opts...)
	pb.RegisterNoteServiceServer(s, &Notes{}) // want "unknown GRPC /notes.v1.NoteService/GetNote" "unknown GRPC /notes.v1.NoteService/WatchNotes" "unknown GRPC /notes.v1.NoteService/Stats"
}

func Overwritten(g *runtime.Guard) {
	opts := grpcguard.ServerOptions(g, AxiomsGRPCMethods)
	opts[0] = grpc.UnaryInterceptor(nil)
	s := grpc.NewServer(opts...)
	pb.RegisterNoteServiceServer(s, &Notes{}) // want "unknown GRPC /notes.v1.NoteService/GetNote" "unknown GRPC /notes.v1.NoteService/WatchNotes" "unknown GRPC /notes.v1.NoteService/Stats"
}

func Direct(g *runtime.Guard) {
	s := grpc.NewServer()
	s.RegisterService(&pb.NoteService_ServiceDesc, &Notes{}) // want "unguarded GRPC /notes.v1.NoteService/GetNote" "unguarded GRPC /notes.v1.NoteService/WatchNotes" "unguarded GRPC /notes.v1.NoteService/Stats"
	t := grpc.NewServer(grpcguard.ServerOptions(g, AxiomsGRPCMethods)...)
	t.RegisterService(&pb.NoteService_ServiceDesc, &Notes{}) // want "guarded GRPC /notes.v1.NoteService/GetNote scopes(read:notes)" "public GRPC /notes.v1.NoteService/WatchNotes" "guarded GRPC /notes.v1.NoteService/Stats refused (no directive)"
}

// Ticks implements a service generated with named stream types.
type Ticks struct {
	oldpb.UnimplementedTickServiceServer
}

//axioms:authenticated
func (*Ticks) Get(context.Context, *oldpb.Msg) (*oldpb.Msg, error) { return nil, nil }

//axioms:scopes admin
func (*Ticks) Watch(*oldpb.Msg, oldpb.TickService_WatchServer) error { return nil }

func UnaryOnlyNamedStreams(g *runtime.Guard) {
	s := grpc.NewServer(grpc.UnaryInterceptor(grpcguard.UnaryServerInterceptor(g, AxiomsGRPCMethods)))
	oldpb.RegisterTickServiceServer(s, &Ticks{}) // want "guarded GRPC /tick.v1.TickService/Get authenticated" "unguarded GRPC /tick.v1.TickService/Watch"
}
