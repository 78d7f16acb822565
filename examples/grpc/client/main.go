// Command client calls the example's ItemService over gRPC, as the -dev
// mode of the example prints it:
//
//	go run ./client [-addr 127.0.0.1:9090] [-token TOKEN] Method [id]
//
// Method is Ping, WhoAmI, GetItem, ListItems, UploadItems, SyncItems or
// DeleteItem. It prints each response message as JSON, or the call's
// status code and message (and the www-authenticate challenge) and exits
// 1.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	itemsv1 "github.com/axioms-go/axiomsgen/examples/grpc/gen/items/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("client", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:9090", "the gRPC server's address")
	token := fs.String("token", "", "the access token (sent as \"authorization: Bearer TOKEN\")")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() < 1 || fs.NArg() > 2 {
		fmt.Fprintln(stderr, "usage: client [-addr host:port] [-token TOKEN] Method [id]")
		return 2
	}
	method, id := fs.Arg(0), fs.Arg(1)
	conn, err := grpc.NewClient(*addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		fmt.Fprintln(stderr, "client:", err)
		return 1
	}
	defer conn.Close()
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if *token != "" {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+*token)
	}
	var header metadata.MD
	err = call(ctx, itemsv1.NewItemServiceClient(conn), method, id, &header, func(m proto.Message) {
		b, _ := protojson.Marshal(m)
		fmt.Fprintf(stdout, "%s\n", b)
	})
	if err != nil {
		st := status.Convert(err)
		fmt.Fprintf(stdout, "%s: %s\n", st.Code(), st.Message())
		if c := header.Get("www-authenticate"); len(c) > 0 {
			fmt.Fprintf(stdout, "www-authenticate: %s\n", strings.Join(c, ", "))
		}
		return 1
	}
	return 0
}

func call(ctx context.Context, c itemsv1.ItemServiceClient, method, id string, header *metadata.MD, print func(proto.Message)) error {
	h := grpc.Header(header)
	switch method {
	case "Ping":
		return unary(c.Ping(ctx, &itemsv1.PingRequest{}, h))(print)
	case "WhoAmI":
		return unary(c.WhoAmI(ctx, &itemsv1.WhoAmIRequest{}, h))(print)
	case "GetItem":
		return unary(c.GetItem(ctx, &itemsv1.GetItemRequest{Id: id}, h))(print)
	case "DeleteItem":
		return unary(c.DeleteItem(ctx, &itemsv1.DeleteItemRequest{Id: id}, h))(print)
	case "ListItems":
		s, err := c.ListItems(ctx, &itemsv1.ListItemsRequest{}, h)
		if err != nil {
			return err
		}
		for {
			it, err := s.Recv()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			print(it)
		}
	case "UploadItems":
		s, err := c.UploadItems(ctx, h)
		if err != nil {
			return err
		}
		if err := s.Send(&itemsv1.Item{Name: "uploaded"}); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		return unary(s.CloseAndRecv())(print)
	case "SyncItems":
		s, err := c.SyncItems(ctx, h)
		if err != nil {
			return err
		}
		if err := s.Send(&itemsv1.Item{Name: "synced"}); err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		s.CloseSend()
		for {
			it, err := s.Recv()
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return err
			}
			print(it)
		}
	default:
		return status.Errorf(3, "unknown method %q: use Ping, WhoAmI, GetItem, ListItems, UploadItems, SyncItems or DeleteItem", method)
	}
}

// unary adapts a unary call's results to call's return.
func unary[T proto.Message](m T, err error) func(func(proto.Message)) error {
	return func(print func(proto.Message)) error {
		if err != nil {
			return err
		}
		print(m)
		return nil
	}
}
