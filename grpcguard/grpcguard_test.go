package grpcguard_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/axioms-go/axiomsgen/grpcguard"
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	testpb "google.golang.org/grpc/interop/grpc_testing"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// The table axiomsgen would write for a TestService implementation whose
// methods carry directives; UnimplementedCall-like methods it does not
// list (CacheableUnaryCall, HalfDuplexCall) must be refused.
var methods = []runtime.Route{
	{Pattern: testpb.TestService_EmptyCall_FullMethodName, Public: true},
	{Pattern: testpb.TestService_UnaryCall_FullMethodName, Requirement: runtime.Requirement{Scopes: [][]string{{"read", "admin"}}, Roles: [][]string{{"editor"}}}},
	{Pattern: testpb.TestService_StreamingOutputCall_FullMethodName, Requirement: runtime.Requirement{Scopes: [][]string{{"read"}}}},
	{Pattern: testpb.TestService_StreamingInputCall_FullMethodName, Requirement: runtime.Requirement{Permissions: [][]string{{"items:write"}}}},
	{Pattern: testpb.TestService_FullDuplexCall_FullMethodName, Requirement: runtime.Requirement{Authenticated: true}},
}

// server implements TestService; each method reports the subject of the
// claims it sees in its context.
type server struct {
	testpb.UnimplementedTestServiceServer
}

func subject(ctx context.Context) string {
	if c, ok := runtime.ClaimsFromContext(ctx); ok {
		return c.Subject
	}
	return "<none>"
}

func (server) EmptyCall(ctx context.Context, _ *testpb.Empty) (*testpb.Empty, error) {
	if _, ok := runtime.ClaimsFromContext(ctx); ok {
		return nil, status.Error(codes.Internal, "public method got claims")
	}
	return &testpb.Empty{}, nil
}

func (server) UnaryCall(ctx context.Context, _ *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	return &testpb.SimpleResponse{Username: subject(ctx)}, nil
}

func (server) CacheableUnaryCall(ctx context.Context, _ *testpb.SimpleRequest) (*testpb.SimpleResponse, error) {
	return &testpb.SimpleResponse{Username: "reached"}, nil
}

func (server) StreamingOutputCall(_ *testpb.StreamingOutputCallRequest, s grpc.ServerStreamingServer[testpb.StreamingOutputCallResponse]) error {
	for range 3 {
		if err := s.Send(&testpb.StreamingOutputCallResponse{Payload: &testpb.Payload{Body: []byte(subject(s.Context()))}}); err != nil {
			return err
		}
	}
	return nil
}

func (server) StreamingInputCall(s grpc.ClientStreamingServer[testpb.StreamingInputCallRequest, testpb.StreamingInputCallResponse]) error {
	n := 0
	for {
		_, err := s.Recv()
		if errors.Is(err, io.EOF) {
			if subject(s.Context()) == "<none>" {
				return status.Error(codes.Internal, "no claims")
			}
			return s.SendAndClose(&testpb.StreamingInputCallResponse{AggregatedPayloadSize: int32(n)})
		}
		if err != nil {
			return err
		}
		n++
	}
}

func (server) FullDuplexCall(s grpc.BidiStreamingServer[testpb.StreamingOutputCallRequest, testpb.StreamingOutputCallResponse]) error {
	for {
		_, err := s.Recv()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := s.Send(&testpb.StreamingOutputCallResponse{Payload: &testpb.Payload{Body: []byte(subject(s.Context()))}}); err != nil {
			return err
		}
	}
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// start serves a guarded TestService and health service on a loopback
// port and returns a client connection to it.
func start(t *testing.T, cfg runtime.Config, opts ...grpcguard.Option) *grpc.ClientConn {
	t.Helper()
	cfg.Logger = quiet()
	g, err := runtime.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	s := grpc.NewServer(grpcguard.ServerOptions(g, methods, opts...)...)
	testpb.RegisterTestServiceServer(s, server{})
	healthpb.RegisterHealthServer(s, health.NewServer())
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(lis)
	t.Cleanup(s.Stop)
	conn, err := grpc.NewClient(lis.Addr().String(), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

func withAuth(ctx context.Context, auth string) context.Context {
	if auth == "" {
		return ctx
	}
	return metadata.AppendToOutgoingContext(ctx, "authorization", auth)
}

// wantStatus checks a call's error: its code, a message containing want,
// and that the message never holds the token.
func wantStatus(t *testing.T, err error, code codes.Code, want, auth string) {
	t.Helper()
	st := status.Convert(err)
	if st.Code() != code || !strings.Contains(st.Message(), want) {
		t.Fatalf("status %v %q; want %v with %q", st.Code(), st.Message(), code, want)
	}
	if tok, ok := strings.CutPrefix(auth, "Bearer "); ok && len(tok) > 8 && strings.Contains(st.Message(), tok) {
		t.Fatalf("the message echoes the token: %q", st.Message())
	}
}

func TestUnaryStatuses(t *testing.T) {
	iss := axiomstest.New(t)
	conn := start(t, iss.Config())
	client := testpb.NewTestServiceClient(conn)
	tok := func(opts ...axiomstest.TokenOption) string { return "Bearer " + iss.Token(t, opts...) }
	other := axiomstest.New(t)

	tests := []struct {
		name      string
		auth      string
		code      codes.Code
		msg       string
		challenge string
	}{
		{"no token", "", codes.Unauthenticated, "unauthorized: ", `Bearer realm="api"`},
		{"malformed header", "Bearer", codes.Unauthenticated, "invalid_request: ", `error="invalid_request"`},
		{"two tokens", "Bearer a b", codes.Unauthenticated, "invalid_request: ", `error="invalid_request"`},
		{"garbage token", "Bearer abc.def.ghi", codes.Unauthenticated, "invalid_token: ", `error="invalid_token"`},
		{"other issuer", "Bearer " + other.Token(t, axiomstest.WithScopes("read"), axiomstest.WithRoles("editor")), codes.Unauthenticated, "invalid_token: ", `error="invalid_token"`},
		{"expired", tok(axiomstest.WithScopes("read"), axiomstest.WithRoles("editor"), axiomstest.WithExpiresIn(-2*60*60*1e9)), codes.Unauthenticated, "invalid_token: ", `error="invalid_token"`},
		{"DPoP scheme", "DPoP " + iss.Token(t), codes.Unauthenticated, "bearer tokens only", "-"},
		{"scope missing (AND)", tok(axiomstest.WithRoles("editor")), codes.PermissionDenied, "insufficient_scope: ", `error="insufficient_scope"`},
		{"role missing (AND)", tok(axiomstest.WithScopes("read")), codes.PermissionDenied, "insufficient_scope: ", `error="insufficient_scope"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var hdr metadata.MD
			_, err := client.UnaryCall(withAuth(t.Context(), tc.auth), &testpb.SimpleRequest{}, grpc.Header(&hdr))
			wantStatus(t, err, tc.code, tc.msg, tc.auth)
			got := strings.Join(hdr.Get("www-authenticate"), ", ")
			if tc.challenge == "-" {
				if got != "" {
					t.Errorf("www-authenticate %q; want none", got)
				}
				return
			}
			if strings.Contains(got, "DPoP") {
				t.Errorf("www-authenticate %q offers DPoP, which a gRPC call cannot carry", got)
			}
			if !strings.Contains(got, tc.challenge) {
				t.Errorf("www-authenticate %q; want it to contain %q", got, tc.challenge)
			}
		})
	}

	// Any of (read, admin) AND editor: both alternatives pass, and the
	// claims reach the method.
	for _, scope := range []string{"read", "admin"} {
		resp, err := client.UnaryCall(withAuth(t.Context(), tok(axiomstest.WithScopes(scope), axiomstest.WithRoles("editor"), axiomstest.WithSubject("alice"))), &testpb.SimpleRequest{})
		if err != nil || resp.Username != "alice" {
			t.Fatalf("scope %s: %v, %v; want the method to see sub alice", scope, resp, err)
		}
	}

	// Two authorization values: refused, whichever is valid.
	good := tok(axiomstest.WithScopes("read"), axiomstest.WithRoles("editor"))
	ctx := metadata.AppendToOutgoingContext(t.Context(), "authorization", good, "authorization", good)
	_, err := client.UnaryCall(ctx, &testpb.SimpleRequest{})
	wantStatus(t, err, codes.Unauthenticated, "invalid_request", good)

	// Public: no token needed, none put in the context.
	if _, err := client.EmptyCall(t.Context(), &testpb.Empty{}); err != nil {
		t.Fatalf("public method: %v", err)
	}
}

func TestFailClosed(t *testing.T) {
	iss := axiomstest.New(t)
	valid := "Bearer " + iss.Token(t, axiomstest.WithScopes("read", "admin"), axiomstest.WithRoles("editor"))

	conn := start(t, iss.Config())
	client := testpb.NewTestServiceClient(conn)
	// A method with no directive is refused, even with a token that would
	// pass every listed method.
	_, err := client.CacheableUnaryCall(withAuth(t.Context(), valid), &testpb.SimpleRequest{})
	wantStatus(t, err, codes.PermissionDenied, "/grpc.testing.TestService/CacheableUnaryCall has no //axioms: directive and is not allow-listed", valid)
	// A streaming method with no directive too.
	hd, err := client.HalfDuplexCall(withAuth(t.Context(), valid))
	if err == nil {
		_, err = hd.Recv()
	}
	wantStatus(t, err, codes.PermissionDenied, "HalfDuplexCall has no //axioms: directive", valid)
	// So is a whole registered service that has no table (health).
	_, err = healthpb.NewHealthClient(conn).Check(t.Context(), &healthpb.HealthCheckRequest{})
	wantStatus(t, err, codes.PermissionDenied, "not allow-listed", "")

	// Allow-listed: the health service by name, one method by full name.
	conn = start(t, iss.Config(), grpcguard.Allow("grpc.health.v1.Health", testpb.TestService_CacheableUnaryCall_FullMethodName))
	if _, err := healthpb.NewHealthClient(conn).Check(t.Context(), &healthpb.HealthCheckRequest{}); err != nil {
		t.Fatalf("allow-listed health: %v", err)
	}
	resp, err := testpb.NewTestServiceClient(conn).CacheableUnaryCall(t.Context(), &testpb.SimpleRequest{})
	if err != nil || resp.Username != "reached" {
		t.Fatalf("allow-listed method: %v, %v", resp, err)
	}
	// Allow-listing one method opens no other.
	_, err = testpb.NewTestServiceClient(conn).UnaryCall(t.Context(), &testpb.SimpleRequest{})
	wantStatus(t, err, codes.Unauthenticated, "unauthorized", "")
}

func TestStreams(t *testing.T) {
	iss := axiomstest.New(t)
	conn := start(t, iss.Config())
	client := testpb.NewTestServiceClient(conn)
	tok := func(opts ...axiomstest.TokenOption) context.Context {
		return withAuth(t.Context(), "Bearer "+iss.Token(t, append(opts, axiomstest.WithSubject("bob"))...))
	}

	t.Run("server streaming", func(t *testing.T) {
		s, err := client.StreamingOutputCall(tok(axiomstest.WithScopes("read")), &testpb.StreamingOutputCallRequest{})
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; ; i++ {
			m, err := s.Recv()
			if errors.Is(err, io.EOF) {
				if i != 3 {
					t.Fatalf("%d messages; want 3", i)
				}
				break
			}
			if err != nil || string(m.Payload.Body) != "bob" {
				t.Fatalf("message %d: %v, %v", i, m, err)
			}
		}
		s, err = client.StreamingOutputCall(tok(axiomstest.WithScopes("write")), &testpb.StreamingOutputCallRequest{})
		if err == nil {
			_, err = s.Recv()
		}
		wantStatus(t, err, codes.PermissionDenied, "insufficient_scope", "")
		hdr, _ := s.Header()
		if !strings.Contains(strings.Join(hdr.Get("www-authenticate"), ""), `scope="read"`) {
			t.Errorf("www-authenticate %q", hdr.Get("www-authenticate"))
		}
	})

	t.Run("client streaming", func(t *testing.T) {
		s, err := client.StreamingInputCall(tok(axiomstest.WithPermissions("items:write")))
		if err != nil {
			t.Fatal(err)
		}
		for range 4 {
			if err := s.Send(&testpb.StreamingInputCallRequest{}); err != nil {
				t.Fatal(err)
			}
		}
		resp, err := s.CloseAndRecv()
		if err != nil || resp.AggregatedPayloadSize != 4 {
			t.Fatalf("%v, %v", resp, err)
		}
		s, err = client.StreamingInputCall(t.Context())
		if err == nil {
			_, err = s.CloseAndRecv()
		}
		wantStatus(t, err, codes.Unauthenticated, "unauthorized", "")
	})

	t.Run("bidi streaming", func(t *testing.T) {
		s, err := client.FullDuplexCall(tok())
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := s.Send(&testpb.StreamingOutputCallRequest{}); err != nil {
				t.Fatal(err)
			}
			m, err := s.Recv()
			if err != nil || string(m.Payload.Body) != "bob" {
				t.Fatalf("%v, %v", m, err)
			}
		}
		s.CloseSend()
		if _, err := s.Recv(); !errors.Is(err, io.EOF) {
			t.Fatalf("end of stream: %v", err)
		}
		s, err = client.FullDuplexCall(withAuth(t.Context(), "Bearer nope"))
		if err == nil {
			_, err = s.Recv()
		}
		wantStatus(t, err, codes.Unauthenticated, "invalid_token", "")
	})
}

// TestKeysUnavailable: keys that never loaded give Unavailable, not
// Unauthenticated (the client should retry, not get a new token).
func TestKeysUnavailable(t *testing.T) {
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	}))
	t.Cleanup(broken.Close)
	iss := axiomstest.New(t)
	cfg := iss.Config()
	cfg.JWKSURL = broken.URL + "/jwks.json"
	conn := start(t, cfg)
	_, err := testpb.NewTestServiceClient(conn).UnaryCall(withAuth(t.Context(), "Bearer "+iss.Token(t, axiomstest.WithScopes("read"), axiomstest.WithRoles("editor"))), &testpb.SimpleRequest{})
	wantStatus(t, err, codes.Unavailable, "temporarily_unavailable", "")
}

func TestDPoPTableRefused(t *testing.T) {
	iss := axiomstest.New(t)
	g, err := runtime.New(t.Context(), runtime.Config{Issuer: iss.URL(), Audiences: iss.Config().Audiences, Logger: quiet()})
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "DPoP") {
			t.Fatalf("panic %v; want one about DPoP", r)
		}
	}()
	grpcguard.ServerOptions(g, []runtime.Route{{Pattern: "/a.S/M", Requirement: runtime.Requirement{DPoP: true}}})
}
