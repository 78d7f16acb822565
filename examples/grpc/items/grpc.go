package items

import (
	"context"
	"errors"
	"io"

	itemsv1 "github.com/axioms-go/axiomsgen/examples/grpc/gen/items/v1"
	"github.com/axioms-go/axiomsgen/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// GRPCServer is the ItemService for grpc-go.
type GRPCServer struct {
	itemsv1.UnimplementedItemServiceServer
	Store *Store
}

// Ping answers anyone.
//
//axioms:public
func (s *GRPCServer) Ping(ctx context.Context, _ *itemsv1.PingRequest) (*itemsv1.PingResponse, error) {
	return &itemsv1.PingResponse{Message: "pong"}, nil
}

// WhoAmI returns the subject of the caller's token.
//
//axioms:authenticated
func (s *GRPCServer) WhoAmI(ctx context.Context, _ *itemsv1.WhoAmIRequest) (*itemsv1.WhoAmIResponse, error) {
	c, _ := runtime.ClaimsFromContext(ctx)
	return &itemsv1.WhoAmIResponse{Subject: c.Subject}, nil
}

// GetItem returns one item.
//
//axioms:scopes read:items admin
func (s *GRPCServer) GetItem(ctx context.Context, req *itemsv1.GetItemRequest) (*itemsv1.Item, error) {
	it, ok := s.Store.get(req.GetId())
	if !ok {
		return nil, status.Errorf(codes.NotFound, "no item %q", req.GetId())
	}
	return it, nil
}

// ListItems streams every item.
//
//axioms:scopes read:items admin
func (s *GRPCServer) ListItems(_ *itemsv1.ListItemsRequest, stream grpc.ServerStreamingServer[itemsv1.Item]) error {
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
func (s *GRPCServer) UploadItems(stream grpc.ClientStreamingServer[itemsv1.Item, itemsv1.UploadItemsResponse]) error {
	var n int32
	for {
		it, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return stream.SendAndClose(&itemsv1.UploadItemsResponse{Count: n})
		}
		if err != nil {
			return err
		}
		s.Store.put(it)
		n++
	}
}

// SyncItems stores each item the client sends and echoes it with its id.
//
//axioms:permissions items:sync
func (s *GRPCServer) SyncItems(stream grpc.BidiStreamingServer[itemsv1.Item, itemsv1.Item]) error {
	for {
		it, err := stream.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := stream.Send(s.Store.put(it)); err != nil {
			return err
		}
	}
}

// DeleteItem removes one item. Over gRPC it takes a bearer token; the
// Connect service asks a DPoP-bound one too.
//
//axioms:permissions items:delete
func (s *GRPCServer) DeleteItem(ctx context.Context, req *itemsv1.DeleteItemRequest) (*itemsv1.DeleteItemResponse, error) {
	if !s.Store.remove(req.GetId()) {
		return nil, status.Errorf(codes.NotFound, "no item %q", req.GetId())
	}
	return &itemsv1.DeleteItemResponse{}, nil
}
