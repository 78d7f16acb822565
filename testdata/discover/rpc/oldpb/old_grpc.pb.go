// Package oldpb is written in the shape protoc-gen-go-grpc v1.3 gave a
// service: full-name constants, but a named stream type per method
// instead of the generic grpc.ServerStreamingServer.
package oldpb

import (
	"context"

	"google.golang.org/grpc"
)

type Msg struct{}

const (
	TickService_Get_FullMethodName   = "/tick.v1.TickService/Get"
	TickService_Watch_FullMethodName = "/tick.v1.TickService/Watch"
)

type TickServiceServer interface {
	Get(context.Context, *Msg) (*Msg, error)
	Watch(*Msg, TickService_WatchServer) error
	mustEmbedUnimplementedTickServiceServer()
}

type TickService_WatchServer interface {
	Send(*Msg) error
	grpc.ServerStream
}

type UnimplementedTickServiceServer struct{}

func (UnimplementedTickServiceServer) Get(context.Context, *Msg) (*Msg, error)   { return nil, nil }
func (UnimplementedTickServiceServer) Watch(*Msg, TickService_WatchServer) error { return nil }
func (UnimplementedTickServiceServer) mustEmbedUnimplementedTickServiceServer()  {}

func RegisterTickServiceServer(s grpc.ServiceRegistrar, srv TickServiceServer) {}

var TickService_ServiceDesc = grpc.ServiceDesc{ServiceName: "tick.v1.TickService"}
