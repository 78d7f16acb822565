package items_test

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"

	"connectrpc.com/connect"
	itemsv1 "github.com/axioms-go/axiomsgen/examples/grpc/gen/items/v1"
	"github.com/axioms-go/axiomsgen/examples/grpc/gen/items/v1/itemsv1connect"
	"github.com/axioms-go/axiomsgen/examples/grpc/items"
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// TestTablesCoverTheService: every method of the service, as the
// generated service descriptor lists it, is in both generated tables, so
// none is refused for lack of a directive.
func TestTablesCoverTheService(t *testing.T) {
	var want []string
	sd := itemsv1.ItemService_ServiceDesc
	for _, m := range sd.Methods {
		want = append(want, "/"+sd.ServiceName+"/"+m.MethodName)
	}
	for _, s := range sd.Streams {
		want = append(want, "/"+sd.ServiceName+"/"+s.StreamName)
	}
	slices.Sort(want)
	for name, table := range map[string][]runtime.Route{"gRPC": items.AxiomsGRPCMethods, "Connect": items.AxiomsConnectProcedures} {
		var got []string
		for _, r := range table {
			got = append(got, r.Pattern)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s table %v; want every method %v", name, got, want)
		}
	}
}

func guard(t *testing.T, iss *axiomstest.Issuer, base string) *runtime.Guard {
	cfg := iss.Config()
	cfg.DPoPBaseURL = base
	g, err := runtime.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	return g
}

// TestGRPC: the generated table on a real grpc-go server: claims reach
// the method, any-of and AND requirements, the allow-listed health
// service.
func TestGRPC(t *testing.T) {
	iss := axiomstest.New(t)
	s := items.NewGRPCServer(guard(t, iss, ""), items.NewStore())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(ln)
	t.Cleanup(s.Stop)
	conn, err := grpc.NewClient(ln.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	c := itemsv1.NewItemServiceClient(conn)
	as := func(opts ...axiomstest.TokenOption) context.Context {
		return metadata.AppendToOutgoingContext(t.Context(), "authorization", "Bearer "+iss.Token(t, opts...))
	}

	who, err := c.WhoAmI(as(axiomstest.WithSubject("dana")), &itemsv1.WhoAmIRequest{})
	if err != nil || who.Subject != "dana" {
		t.Fatalf("WhoAmI: %v %v", who, err)
	}
	for _, scope := range []string{"read:items", "admin"} {
		if _, err := c.GetItem(as(axiomstest.WithScopes(scope)), &itemsv1.GetItemRequest{Id: "1"}); err != nil {
			t.Errorf("GetItem with %s: %v", scope, err)
		}
	}
	upload := func(ctx context.Context) error {
		s, err := c.UploadItems(ctx)
		if err != nil {
			return err
		}
		_ = s.Send(&itemsv1.Item{Name: "n"})
		_, err = s.CloseAndRecv()
		return err
	}
	if err := upload(as(axiomstest.WithScopes("write:items"), axiomstest.WithRoles("admin"))); err != nil {
		t.Errorf("upload with scope and role: %v", err)
	}
	for _, opts := range [][]axiomstest.TokenOption{{axiomstest.WithScopes("write:items")}, {axiomstest.WithRoles("editor")}} {
		if err := upload(as(opts...)); status.Code(err) != codes.PermissionDenied {
			t.Errorf("upload with half the requirement: %v; want PermissionDenied", err)
		}
	}
	if _, err := healthpb.NewHealthClient(conn).Check(t.Context(), &healthpb.HealthCheckRequest{}); err != nil {
		t.Errorf("allow-listed health check: %v", err)
	}
}

// TestConnectDPoP: DeleteItem over Connect needs a DPoP-bound token and a
// proof for the procedure's URL; over gRPC a bearer token is enough.
func TestConnectDPoP(t *testing.T) {
	iss := axiomstest.New(t)
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	t.Cleanup(srv.Close)
	srv.Config.Handler = items.NewConnectHandler(guard(t, iss, srv.URL), items.NewStore())
	c := itemsv1connect.NewItemServiceClient(http.DefaultClient, srv.URL)

	del := func(auth, proof string) error {
		req := connect.NewRequest(&itemsv1.DeleteItemRequest{Id: "2"})
		req.Header().Set("Authorization", auth)
		if proof != "" {
			req.Header().Set("DPoP", proof)
		}
		_, err := c.DeleteItem(t.Context(), req)
		return err
	}
	bearer := iss.Token(t, axiomstest.WithPermissions("items:delete"))
	if err := del("Bearer "+bearer, ""); connect.CodeOf(err) != connect.CodeUnauthenticated {
		t.Fatalf("bearer token: %v; want unauthenticated", err)
	}
	key, err := axiomstest.NewDPoPKey("ES256")
	if err != nil {
		t.Fatal(err)
	}
	bound := iss.Token(t, axiomstest.WithPermissions("items:delete"), axiomstest.WithDPoPKey(key))
	proof, err := key.Proof(http.MethodPost, srv.URL+itemsv1connect.ItemServiceDeleteItemProcedure, bound)
	if err != nil {
		t.Fatal(err)
	}
	if err := del("DPoP "+bound, proof); err != nil {
		t.Fatalf("DPoP: %v", err)
	}
}
