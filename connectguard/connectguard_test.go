package connectguard_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"connectrpc.com/connect"
	"github.com/axioms-go/axiomsgen/connectguard"
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
	"google.golang.org/protobuf/types/known/wrapperspb"
)

// Procedures of a service served with connect's generic handlers, and the
// table axiomsgen would write for them.
const (
	procGet    = "/items.v1.ItemService/GetItem"
	procPing   = "/items.v1.ItemService/Ping"
	procList   = "/items.v1.ItemService/ListItems"
	procUpload = "/items.v1.ItemService/UploadItems"
	procSync   = "/items.v1.ItemService/SyncItems"
	procDelete = "/items.v1.ItemService/DeleteItem"
	procStats  = "/items.v1.ItemService/Stats" // no directive
)

var procedures = []runtime.Route{
	{Pattern: procPing, Public: true},
	{Pattern: procGet, Requirement: runtime.Requirement{Scopes: [][]string{{"read", "admin"}}, Roles: [][]string{{"editor"}}}},
	{Pattern: procList, Requirement: runtime.Requirement{Scopes: [][]string{{"read"}}}},
	{Pattern: procUpload, Requirement: runtime.Requirement{Permissions: [][]string{{"items:write"}}}},
	{Pattern: procSync, Requirement: runtime.Requirement{Authenticated: true}},
	{Pattern: procDelete, Requirement: runtime.Requirement{Scopes: [][]string{{"items:delete"}}, DPoP: true}},
}

type str = wrapperspb.StringValue

func subject(ctx context.Context) *str {
	if c, ok := runtime.ClaimsFromContext(ctx); ok {
		return wrapperspb.String(c.Subject)
	}
	return wrapperspb.String("<none>")
}

func unary(ctx context.Context, _ *connect.Request[str]) (*connect.Response[str], error) {
	return connect.NewResponse(subject(ctx)), nil
}

// start serves the procedures behind the guard over HTTP/2 with TLS on a
// loopback port (streams need HTTP/2) and returns its URL and client.
func start(t testing.TB, cfg runtime.Config, opts ...connectguard.Option) (string, *http.Client) {
	t.Helper()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	srv := httptest.NewUnstartedServer(nil)
	srv.EnableHTTP2 = true
	srv.StartTLS()
	t.Cleanup(srv.Close)
	if cfg.DPoPBaseURL == "" {
		cfg.DPoPBaseURL = srv.URL
	}
	g, err := runtime.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	guard := connectguard.WithGuard(g, procedures, opts...)
	mux := http.NewServeMux()
	for _, p := range []string{procGet, procPing, procDelete, procStats} {
		mux.Handle(p, connect.NewUnaryHandler(p, unary, guard))
	}
	mux.Handle(procList, connect.NewServerStreamHandler(procList, func(ctx context.Context, _ *connect.Request[str], s *connect.ServerStream[str]) error {
		for range 3 {
			if err := s.Send(subject(ctx)); err != nil {
				return err
			}
		}
		return nil
	}, guard))
	mux.Handle(procUpload, connect.NewClientStreamHandler(procUpload, func(ctx context.Context, s *connect.ClientStream[str]) (*connect.Response[str], error) {
		n := 0
		for s.Receive() {
			n++
		}
		return connect.NewResponse(wrapperspb.String(subject(ctx).Value + strings.Repeat("+", n))), s.Err()
	}, guard))
	mux.Handle(procSync, connect.NewBidiStreamHandler(procSync, func(ctx context.Context, s *connect.BidiStream[str, str]) error {
		for {
			if _, err := s.Receive(); errors.Is(err, io.EOF) {
				return nil
			} else if err != nil {
				return err
			}
			if err := s.Send(subject(ctx)); err != nil {
				return err
			}
		}
	}, guard))
	srv.Config.Handler = mux
	return srv.URL, srv.Client()
}

func call(t *testing.T, base string, hc *http.Client, proc, auth string) (*connect.Response[str], error) {
	t.Helper()
	req := connect.NewRequest(wrapperspb.String("x"))
	if auth != "" {
		req.Header().Set("Authorization", auth)
	}
	return connect.NewClient[str, str](hc, base+proc).CallUnary(t.Context(), req)
}

func wantCode(t *testing.T, err error, code connect.Code, msg string) *connect.Error {
	t.Helper()
	var ce *connect.Error
	if !errors.As(err, &ce) || ce.Code() != code || !strings.Contains(ce.Message(), msg) {
		t.Fatalf("error %v; want %v containing %q", err, code, msg)
	}
	return ce
}

func TestUnary(t *testing.T) {
	iss := axiomstest.New(t)
	base, hc := start(t, iss.Config())
	tok := func(opts ...axiomstest.TokenOption) string { return "Bearer " + iss.Token(t, opts...) }

	tests := []struct {
		name, auth string
		code       connect.Code
		msg        string
		challenge  string
	}{
		{"no token", "", connect.CodeUnauthenticated, "unauthorized: ", `Bearer realm="api"`},
		{"malformed", "Bearer a b", connect.CodeUnauthenticated, "invalid_request: ", `error="invalid_request"`},
		{"garbage", "Bearer abc.def.ghi", connect.CodeUnauthenticated, "invalid_token: ", `error="invalid_token"`},
		{"scope missing", tok(axiomstest.WithRoles("editor")), connect.CodePermissionDenied, "insufficient_scope: ", `scope="read admin"`},
		{"role missing", tok(axiomstest.WithScopes("admin")), connect.CodePermissionDenied, "insufficient_scope: ", `error="insufficient_scope"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := call(t, base, hc, procGet, tc.auth)
			ce := wantCode(t, err, tc.code, tc.msg)
			if got := ce.Meta().Get("WWW-Authenticate"); !strings.Contains(got, tc.challenge) {
				t.Errorf("WWW-Authenticate %q; want %q in it", got, tc.challenge)
			}
			if tok, ok := strings.CutPrefix(tc.auth, "Bearer "); ok && len(tok) > 8 && strings.Contains(ce.Message(), tok) {
				t.Errorf("message echoes the token")
			}
		})
	}
	for _, scope := range []string{"read", "admin"} {
		resp, err := call(t, base, hc, procGet, tok(axiomstest.WithScopes(scope), axiomstest.WithRoles("editor"), axiomstest.WithSubject("alice")))
		if err != nil || resp.Msg.Value != "alice" {
			t.Fatalf("scope %s: %v %v", scope, resp, err)
		}
	}
	if resp, err := call(t, base, hc, procPing, ""); err != nil || resp.Msg.Value != "<none>" {
		t.Fatalf("public: %v %v", resp, err)
	}
}

// TestHTTPStatus: on the wire, Connect's unary protocol answers the
// codes with their HTTP statuses, and the challenge is a real header.
func TestHTTPStatus(t *testing.T) {
	iss := axiomstest.New(t)
	base, hc := start(t, iss.Config())
	tests := []struct {
		name, auth string
		status     int
		challenge  string
	}{
		{"no token", "", 401, `Bearer realm="api"`},
		{"insufficient", "Bearer " + iss.Token(t, axiomstest.WithScopes("write")), 403, `error="insufficient_scope"`},
	}
	for _, tc := range tests {
		req, _ := http.NewRequest(http.MethodPost, base+procGet, strings.NewReader(`"x"`))
		req.Header.Set("Content-Type", "application/json")
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status || !strings.Contains(resp.Header.Get("WWW-Authenticate"), tc.challenge) {
			t.Errorf("%s: %d %q %s; want %d with %q", tc.name, resp.StatusCode, resp.Header.Get("WWW-Authenticate"), body, tc.status, tc.challenge)
		}
	}
}

func TestFailClosed(t *testing.T) {
	iss := axiomstest.New(t)
	valid := "Bearer " + iss.Token(t, axiomstest.WithScopes("read", "admin", "items:delete"), axiomstest.WithRoles("editor"))
	base, hc := start(t, iss.Config())
	_, err := call(t, base, hc, procStats, valid)
	wantCode(t, err, connect.CodePermissionDenied, procStats+" has no //axioms: directive and is not allow-listed")

	base, hc = start(t, iss.Config(), connectguard.Allow(procStats))
	if resp, err := call(t, base, hc, procStats, ""); err != nil || resp.Msg.Value != "<none>" {
		t.Fatalf("allow-listed: %v %v", resp, err)
	}
	base, hc = start(t, iss.Config(), connectguard.Allow("items.v1.ItemService"))
	if _, err := call(t, base, hc, procStats, ""); err != nil {
		t.Fatalf("allow-listed service: %v", err)
	}
	// Allow-listing a service does not open its listed methods.
	_, err = call(t, base, hc, procGet, "")
	wantCode(t, err, connect.CodeUnauthenticated, "unauthorized")
}

func TestStreams(t *testing.T) {
	iss := axiomstest.New(t)
	base, hc := start(t, iss.Config())
	bob := func(opts ...axiomstest.TokenOption) string {
		return "Bearer " + iss.Token(t, append(opts, axiomstest.WithSubject("bob"))...)
	}

	t.Run("server streaming", func(t *testing.T) {
		for _, tc := range []struct {
			auth string
			code connect.Code
		}{{bob(axiomstest.WithScopes("read")), 0}, {bob(axiomstest.WithScopes("write")), connect.CodePermissionDenied}, {"", connect.CodeUnauthenticated}} {
			req := connect.NewRequest(wrapperspb.String("x"))
			if tc.auth != "" {
				req.Header().Set("Authorization", tc.auth)
			}
			s, err := connect.NewClient[str, str](hc, base+procList).CallServerStream(t.Context(), req)
			if err != nil {
				t.Fatal(err)
			}
			n := 0
			for s.Receive() {
				if s.Msg().Value != "bob" {
					t.Fatalf("message %q", s.Msg().Value)
				}
				n++
			}
			if tc.code == 0 {
				if s.Err() != nil || n != 3 {
					t.Fatalf("%d messages, %v", n, s.Err())
				}
			} else {
				wantCode(t, s.Err(), tc.code, "")
				if n != 0 {
					t.Fatalf("%d messages reached a rejected client", n)
				}
			}
			s.Close()
		}
	})

	t.Run("client streaming", func(t *testing.T) {
		s := connect.NewClient[str, str](hc, base+procUpload).CallClientStream(t.Context())
		s.RequestHeader().Set("Authorization", bob(axiomstest.WithPermissions("items:write")))
		for range 2 {
			if err := s.Send(wrapperspb.String("x")); err != nil {
				t.Fatal(err)
			}
		}
		resp, err := s.CloseAndReceive()
		if err != nil || resp.Msg.Value != "bob++" {
			t.Fatalf("%v %v", resp, err)
		}
		s = connect.NewClient[str, str](hc, base+procUpload).CallClientStream(t.Context())
		s.RequestHeader().Set("Authorization", bob(axiomstest.WithPermissions("items:read")))
		_ = s.Send(wrapperspb.String("x"))
		_, err = s.CloseAndReceive()
		wantCode(t, err, connect.CodePermissionDenied, "insufficient_scope")
	})

	t.Run("bidi streaming", func(t *testing.T) {
		s := connect.NewClient[str, str](hc, base+procSync).CallBidiStream(t.Context())
		s.RequestHeader().Set("Authorization", bob())
		for range 2 {
			if err := s.Send(wrapperspb.String("x")); err != nil {
				t.Fatal(err)
			}
			m, err := s.Receive()
			if err != nil || m.Value != "bob" {
				t.Fatalf("%v %v", m, err)
			}
		}
		s.CloseRequest()
		if _, err := s.Receive(); !errors.Is(err, io.EOF) {
			t.Fatalf("end: %v", err)
		}
		s.CloseResponse()
		s = connect.NewClient[str, str](hc, base+procSync).CallBidiStream(t.Context())
		s.RequestHeader().Set("Authorization", "Bearer nope")
		_ = s.Send(wrapperspb.String("x"))
		_, err := s.Receive()
		wantCode(t, err, connect.CodeUnauthenticated, "invalid_token")
		s.CloseResponse()
	})
}

// TestDPoP: a //axioms:dpop procedure takes a DPoP-bound token with a
// proof whose htu is the procedure's URL; a bearer token, a proof for
// another URL or a replayed proof are refused.
func TestDPoP(t *testing.T) {
	iss := axiomstest.New(t)
	base, hc := start(t, iss.Config())
	key, err := axiomstest.NewDPoPKey("ES256")
	if err != nil {
		t.Fatal(err)
	}
	bound := iss.Token(t, axiomstest.WithScopes("items:delete"), axiomstest.WithDPoPKey(key), axiomstest.WithSubject("carol"))
	proof := func(url string) string {
		p, err := key.Proof(http.MethodPost, url, bound)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	send := func(auth, proof string) (*connect.Response[str], error) {
		req := connect.NewRequest(wrapperspb.String("x"))
		req.Header().Set("Authorization", auth)
		if proof != "" {
			req.Header().Set("DPoP", proof)
		}
		return connect.NewClient[str, str](hc, base+procDelete).CallUnary(t.Context(), req)
	}
	p := proof(base + procDelete)
	resp, err := send("DPoP "+bound, p)
	if err != nil || resp.Msg.Value != "carol" {
		t.Fatalf("DPoP call: %v %v", resp, err)
	}
	_, err = send("DPoP "+bound, p)
	wantCode(t, err, connect.CodeUnauthenticated, "invalid_dpop_proof")
	_, err = send("DPoP "+bound, proof(base+procGet))
	ce := wantCode(t, err, connect.CodeUnauthenticated, "invalid_dpop_proof")
	if !strings.Contains(ce.Meta().Get("WWW-Authenticate"), "DPoP") {
		t.Errorf("challenge %q has no DPoP scheme", ce.Meta().Get("WWW-Authenticate"))
	}
	plain := iss.Token(t, axiomstest.WithScopes("items:delete"))
	_, err = send("Bearer "+plain, "")
	wantCode(t, err, connect.CodeUnauthenticated, "DPoP")
	_, err = send("Bearer "+bound, "")
	wantCode(t, err, connect.CodeUnauthenticated, "DPoP")
}

// TestDPoPNonce: with server nonces on, a proof without the nonce gets
// use_dpop_nonce with the nonce in DPoP-Nonce; a proof carrying it
// passes, and the answer carries the current nonce.
func TestDPoPNonce(t *testing.T) {
	iss := axiomstest.New(t)
	cfg := iss.Config()
	cfg.DPoPNonce = true
	base, hc := start(t, cfg)
	key, err := axiomstest.NewDPoPKey("ES256")
	if err != nil {
		t.Fatal(err)
	}
	bound := iss.Token(t, axiomstest.WithScopes("items:delete"), axiomstest.WithDPoPKey(key))
	send := func(opts ...axiomstest.ProofOption) (*connect.Response[str], error) {
		p, err := key.Proof(http.MethodPost, base+procDelete, bound, opts...)
		if err != nil {
			t.Fatal(err)
		}
		req := connect.NewRequest(wrapperspb.String("x"))
		req.Header().Set("Authorization", "DPoP "+bound)
		req.Header().Set("DPoP", p)
		return connect.NewClient[str, str](hc, base+procDelete).CallUnary(t.Context(), req)
	}
	_, err = send()
	ce := wantCode(t, err, connect.CodeUnauthenticated, "use_dpop_nonce")
	nonce := ce.Meta().Get("DPoP-Nonce")
	if nonce == "" {
		t.Fatal("no DPoP-Nonce with use_dpop_nonce")
	}
	resp, err := send(axiomstest.WithProofNonce(nonce))
	if err != nil {
		t.Fatalf("with the nonce: %v", err)
	}
	if resp.Header().Get("DPoP-Nonce") == "" {
		t.Error("the answer carries no DPoP-Nonce")
	}
}

func TestKeysUnavailable(t *testing.T) {
	broken := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "down", http.StatusInternalServerError)
	}))
	t.Cleanup(broken.Close)
	iss := axiomstest.New(t)
	cfg := iss.Config()
	cfg.JWKSURL = broken.URL + "/jwks.json"
	base, hc := start(t, cfg)
	_, err := call(t, base, hc, procGet, "Bearer "+iss.Token(t, axiomstest.WithScopes("read"), axiomstest.WithRoles("editor")))
	wantCode(t, err, connect.CodeUnavailable, "temporarily_unavailable")
}
