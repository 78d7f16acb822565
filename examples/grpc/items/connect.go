package items

import (
	"context"
	"errors"
	"fmt"

	"connectrpc.com/connect"
	itemsv1 "github.com/axioms-go/axiomsgen/examples/grpc/gen/items/v1"
	"github.com/axioms-go/axiomsgen/examples/grpc/gen/items/v1/itemsv1connect"
	"github.com/axioms-go/axiomsgen/runtime"
)

// ConnectServer is the ItemService for Connect (and the gRPC and gRPC-Web
// protocols Connect handlers speak too).
type ConnectServer struct {
	itemsv1connect.UnimplementedItemServiceHandler
	Store *Store
}

// Ping answers anyone.
//
//axioms:public
func (s *ConnectServer) Ping(ctx context.Context, _ *connect.Request[itemsv1.PingRequest]) (*connect.Response[itemsv1.PingResponse], error) {
	return connect.NewResponse(&itemsv1.PingResponse{Message: "pong"}), nil
}

// WhoAmI returns the subject of the caller's token.
//
//axioms:authenticated
func (s *ConnectServer) WhoAmI(ctx context.Context, _ *connect.Request[itemsv1.WhoAmIRequest]) (*connect.Response[itemsv1.WhoAmIResponse], error) {
	c, _ := runtime.ClaimsFromContext(ctx)
	return connect.NewResponse(&itemsv1.WhoAmIResponse{Subject: c.Subject}), nil
}

// GetItem returns one item.
//
//axioms:scopes read:items admin
func (s *ConnectServer) GetItem(ctx context.Context, req *connect.Request[itemsv1.GetItemRequest]) (*connect.Response[itemsv1.Item], error) {
	it, ok := s.Store.get(req.Msg.GetId())
	if !ok {
		return nil, connect.NewError(connect.CodeNotFound, fmt.Errorf("no item %q", req.Msg.GetId()))
	}
	return connect.NewResponse(it), nil
}

// ListItems streams every item.
//
//axioms:scopes read:items admin
func (s *ConnectServer) ListItems(ctx context.Context, _ *connect.Request[itemsv1.ListItemsRequest], stream *connect.ServerStream[itemsv1.Item]) error {
	for _, it := range s.Store.list() {
		if err := stream.Send(it); err != nil {
			return err
		}
	}
	return nil
}

// UploadItems stores the items the client streams.
//
//axioms:scopes write:items
//axioms:roles editor admin
func (s *ConnectServer) UploadItems(ctx context.Context, stream *connect.ClientStream[itemsv1.Item]) (*connect.Response[itemsv1.UploadItemsResponse], error) {
	var n int32
	for stream.Receive() {
		s.Store.put(stream.Msg())
		n++
	}
	if err := stream.Err(); err != nil {
		return nil, err
	}
	return connect.NewResponse(&itemsv1.UploadItemsResponse{Count: n}), nil
}

// SyncItems stores each item the client sends and echoes it with its id.
//
//axioms:permissions items:sync
func (s *ConnectServer) SyncItems(ctx context.Context, stream *connect.BidiStream[itemsv1.Item, itemsv1.Item]) error {
	for {
		it, err := stream.Receive()
		if err != nil {
			if errors.Is(err, context.Canceled) {
				return nil
			}
			return ignoreEOF(err)
		}
		if err := stream.Send(s.Store.put(it)); err != nil {
			return err
		}
	}
}

// DeleteItem removes one item, for a DPoP-bound token with its proof.
//
//axioms:permissions items:delete
//axioms:dpop
func (s *ConnectServer) DeleteItem(ctx context.Context, req *connect.Request[itemsv1.DeleteItemRequest]) (*connect.Response[itemsv1.DeleteItemResponse], error) {
	if !s.Store.remove(req.Msg.GetId()) {
		return nil, connect.NewError(connect.CodeNotFound, fmt.Errorf("no item %q", req.Msg.GetId()))
	}
	return connect.NewResponse(&itemsv1.DeleteItemResponse{}), nil
}
