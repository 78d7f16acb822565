// Package pbconnect is written in the shape protoc-gen-connect-go gives a
// service.
package pbconnect

import (
	"context"
	"net/http"

	"connectrpc.com/connect"
	"example.com/routes/rpc/pb"
)

const NoteServiceName = "notes.v1.NoteService"

const (
	NoteServiceGetNoteProcedure = "/notes.v1.NoteService/GetNote"
	NoteServiceStatsProcedure   = "/notes.v1.NoteService/Stats"
)

type NoteServiceHandler interface {
	GetNote(context.Context, *connect.Request[pb.Msg]) (*connect.Response[pb.Msg], error)
	Stats(context.Context, *connect.Request[pb.Msg]) (*connect.Response[pb.Msg], error)
}

func NewNoteServiceHandler(svc NoteServiceHandler, opts ...connect.HandlerOption) (string, http.Handler) {
	return "/notes.v1.NoteService/", nil
}

type UnimplementedNoteServiceHandler struct{}

func (UnimplementedNoteServiceHandler) GetNote(context.Context, *connect.Request[pb.Msg]) (*connect.Response[pb.Msg], error) {
	return nil, nil
}
func (UnimplementedNoteServiceHandler) Stats(context.Context, *connect.Request[pb.Msg]) (*connect.Response[pb.Msg], error) {
	return nil, nil
}
