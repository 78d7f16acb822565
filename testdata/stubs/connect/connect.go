// Package connect is a stand-in for connectrpc.com/connect: the
// declarations that generated handler code and server set-up use, without
// behaviour.
package connect

import (
	"context"
	"net/http"
)

type Request[T any] struct{ Msg *T }
type Response[T any] struct{ Msg *T }
type ServerStream[Res any] struct{}
type ClientStream[Req any] struct{}
type BidiStream[Req, Res any] struct{}

func (*ServerStream[Res]) Send(*Res) error           { return nil }
func (*ClientStream[Req]) Receive() bool             { return false }
func (*BidiStream[Req, Res]) Receive() (*Req, error) { return nil, nil }

type Code uint32
type Error struct{}

func (*Error) Error() string                   { return "" }
func NewError(c Code, underlying error) *Error { return nil }

type Spec struct{ Procedure string }
type AnyRequest interface{ Spec() Spec }
type AnyResponse interface{ Any() any }
type UnaryFunc func(context.Context, AnyRequest) (AnyResponse, error)
type StreamingClientFunc func(context.Context, Spec) any
type StreamingHandlerFunc func(context.Context, any) error

type Interceptor interface {
	WrapUnary(UnaryFunc) UnaryFunc
	WrapStreamingClient(StreamingClientFunc) StreamingClientFunc
	WrapStreamingHandler(StreamingHandlerFunc) StreamingHandlerFunc
}

type Option interface {
	HandlerOption
}
type HandlerOption interface{ applyToHandler() }

func WithInterceptors(interceptors ...Interceptor) Option       { return nil }
func WithHandlerOptions(options ...HandlerOption) HandlerOption { return nil }

func NewUnaryHandler[Req, Res any](procedure string, unary func(context.Context, *Request[Req]) (*Response[Res], error), options ...HandlerOption) http.Handler {
	return nil
}
