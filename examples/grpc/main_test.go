package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	itemsv1 "github.com/axioms-go/axiomsgen/examples/grpc/gen/items/v1"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// TestDevCalls starts the example in -dev mode on loopback ports and
// makes every call it prints, as printed, checking the answer each
// comment announces.
func TestDevCalls(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	var out bytes.Buffer
	ready := make(chan struct{})
	done := make(chan error, 1)
	var mu sync.Mutex
	go func() {
		done <- run(ctx, "127.0.0.1:0", "127.0.0.1:0", true, lockedWriter{&mu, &out}, func(string, string) { close(ready) })
	}()
	select {
	case <-ready:
	case err := <-done:
		t.Fatalf("run: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("the example did not start")
	}
	mu.Lock()
	printed := out.String()
	mu.Unlock()

	comment := regexp.MustCompile(`^# (gRPC|Connect): (.*) \(([A-Za-z0-9]+)\)$`)
	sc := bufio.NewScanner(strings.NewReader(printed))
	sc.Buffer(nil, 1<<20)
	n := 0
	for sc.Scan() {
		m := comment.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		if !sc.Scan() {
			t.Fatalf("no command after %q", m[0])
		}
		cmd := sc.Text()
		n++
		var got string
		if m[1] == "gRPC" {
			got = grpcCall(t, cmd)
		} else {
			got = curl(t, cmd)
		}
		if got != m[3] {
			t.Errorf("%s %s: got %s; the comment says %s\n%s", m[1], m[2], got, m[3], cmd)
		}
	}
	if want := len(Calls()); n != want {
		t.Errorf("%d calls printed; want %d\n%s", n, want, printed)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run: %v", err)
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (l lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// grpcCall makes the call of a printed "go run ./client ..." line and
// returns its status code.
func grpcCall(t *testing.T, line string) string {
	t.Helper()
	f := strings.Fields(line)
	if len(f) < 6 || strings.Join(f[:3], " ") != "go run ./client" || f[3] != "-addr" {
		t.Fatalf("not a client command: %q", line)
	}
	addr, rest := f[4], f[5:]
	ctx := t.Context()
	if rest[0] == "-token" {
		ctx = metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+rest[1])
		rest = rest[2:]
	}
	conn, err := grpc.NewClient(addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	c := itemsv1.NewItemServiceClient(conn)
	arg := ""
	if len(rest) > 1 {
		arg = rest[1]
	}
	switch rest[0] {
	case "Ping":
		_, err = c.Ping(ctx, &itemsv1.PingRequest{})
	case "WhoAmI":
		_, err = c.WhoAmI(ctx, &itemsv1.WhoAmIRequest{})
	case "GetItem":
		_, err = c.GetItem(ctx, &itemsv1.GetItemRequest{Id: arg})
	case "ListItems":
		var s grpc.ServerStreamingClient[itemsv1.Item]
		if s, err = c.ListItems(ctx, &itemsv1.ListItemsRequest{}); err == nil {
			for err == nil {
				_, err = s.Recv()
			}
		}
	case "UploadItems":
		var s grpc.ClientStreamingClient[itemsv1.Item, itemsv1.UploadItemsResponse]
		if s, err = c.UploadItems(ctx); err == nil {
			_ = s.Send(&itemsv1.Item{Name: "x"})
			_, err = s.CloseAndRecv()
		}
	case "SyncItems":
		var s grpc.BidiStreamingClient[itemsv1.Item, itemsv1.Item]
		if s, err = c.SyncItems(ctx); err == nil {
			_ = s.Send(&itemsv1.Item{Name: "x"})
			s.CloseSend()
			for err == nil {
				_, err = s.Recv()
			}
		}
	default:
		t.Fatalf("unknown method in %q", line)
	}
	if errors.Is(err, io.EOF) {
		err = nil
	}
	return status.Code(err).String()
}

var curlArg = regexp.MustCompile(`(-[XHd]) '([^']*)'|(-[XHd]) (\S+)|(http://\S+)`)

// curl makes the request of a printed curl line and returns its status.
func curl(t *testing.T, line string) string {
	t.Helper()
	if !strings.HasPrefix(line, "curl -i ") {
		t.Fatalf("not a curl command: %q", line)
	}
	method, url, body := "GET", "", ""
	h := http.Header{}
	for _, m := range curlArg.FindAllStringSubmatch(line[len("curl -i "):], -1) {
		flag, val := m[1]+m[3], m[2]+m[4]
		switch {
		case m[5] != "":
			url = m[5]
		case flag == "-X":
			method = val
		case flag == "-d":
			body = val
		case flag == "-H":
			k, v, _ := strings.Cut(val, ": ")
			h.Add(k, v)
		}
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header = h
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	return strconv.Itoa(resp.StatusCode)
}
