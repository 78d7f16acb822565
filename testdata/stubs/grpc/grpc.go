// Package grpc is a stand-in for google.golang.org/grpc: the declarations
// that generated service code and server set-up use, without behaviour.
package grpc

import "context"

type ServiceDesc struct {
	ServiceName string
	HandlerType any
	Methods     []MethodDesc
	Streams     []StreamDesc
	Metadata    any
}

type MethodDesc struct{ MethodName string }

type StreamDesc struct {
	StreamName    string
	ServerStreams bool
	ClientStreams bool
}

type ServiceRegistrar interface {
	RegisterService(desc *ServiceDesc, impl any)
}

type ServerStream interface {
	Context() context.Context
	SendMsg(m any) error
	RecvMsg(m any) error
}

type ServerStreamingServer[Res any] interface {
	Send(*Res) error
	ServerStream
}

type ClientStreamingServer[Req any, Res any] interface {
	Recv() (*Req, error)
	SendAndClose(*Res) error
	ServerStream
}

type BidiStreamingServer[Req any, Res any] interface {
	Recv() (*Req, error)
	Send(*Res) error
	ServerStream
}

type UnaryServerInfo struct{ FullMethod string }
type UnaryHandler func(ctx context.Context, req any) (any, error)
type UnaryServerInterceptor func(ctx context.Context, req any, info *UnaryServerInfo, handler UnaryHandler) (any, error)
type StreamServerInfo struct{ FullMethod string }
type StreamHandler func(srv any, stream ServerStream) error
type StreamServerInterceptor func(srv any, ss ServerStream, info *StreamServerInfo, handler StreamHandler) error

type ServerOption interface{ apply() }

type Server struct{}

func NewServer(opt ...ServerOption) *Server                                     { return &Server{} }
func (s *Server) RegisterService(sd *ServiceDesc, ss any)                       {}
func UnaryInterceptor(i UnaryServerInterceptor) ServerOption                    { return nil }
func StreamInterceptor(i StreamServerInterceptor) ServerOption                  { return nil }
func ChainUnaryInterceptor(interceptors ...UnaryServerInterceptor) ServerOption { return nil }
func ChainStreamInterceptor(interceptors ...StreamServerInterceptor) ServerOption {
	return nil
}
