// Package pb is written in the shape protoc-gen-go-grpc gives a service.
package pb

import (
	"context"

	"google.golang.org/grpc"
)

type Msg struct{}

const (
	NoteService_GetNote_FullMethodName    = "/notes.v1.NoteService/GetNote"
	NoteService_WatchNotes_FullMethodName = "/notes.v1.NoteService/WatchNotes"
	NoteService_Stats_FullMethodName      = "/notes.v1.NoteService/Stats"
)

type NoteServiceServer interface {
	GetNote(context.Context, *Msg) (*Msg, error)
	WatchNotes(*Msg, grpc.ServerStreamingServer[Msg]) error
	Stats(context.Context, *Msg) (*Msg, error)
	mustEmbedUnimplementedNoteServiceServer()
}

type UnimplementedNoteServiceServer struct{}

func (UnimplementedNoteServiceServer) GetNote(context.Context, *Msg) (*Msg, error) { return nil, nil }
func (UnimplementedNoteServiceServer) WatchNotes(*Msg, grpc.ServerStreamingServer[Msg]) error {
	return nil
}
func (UnimplementedNoteServiceServer) Stats(context.Context, *Msg) (*Msg, error) { return nil, nil }
func (UnimplementedNoteServiceServer) mustEmbedUnimplementedNoteServiceServer()  {}

func RegisterNoteServiceServer(s grpc.ServiceRegistrar, srv NoteServiceServer) {}

var NoteService_ServiceDesc = grpc.ServiceDesc{ServiceName: "notes.v1.NoteService"}
