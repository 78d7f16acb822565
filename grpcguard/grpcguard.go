// Package grpcguard guards a grpc-go server with the //axioms: directives
// written on its service methods.
//
// axiomsgen writes, next to a package's service implementation, a table of
// its methods and their requirements (AxiomsGRPCMethods). ServerOptions
// installs it on a server:
//
//	s := grpc.NewServer(grpcguard.ServerOptions(guard, items.AxiomsGRPCMethods,
//		grpcguard.Allow("grpc.health.v1.Health"))...)
//	itemsv1.RegisterItemServiceServer(s, &items.Server{})
//
// Every call then needs a bearer access token in its "authorization"
// metadata, validated as for HTTP (keys, issuers, cache, introspection)
// and checked against the method's requirement; the claims reach the
// method through runtime.ClaimsFromContext. The guard fails closed: a
// method with no directive that is not allow-listed is refused with
// PermissionDenied. Rejections: no or malformed credentials, an invalid
// token, or a step-up to do → Unauthenticated; requirement not met →
// PermissionDenied; keys not available → Unavailable. The message is the
// OAuth error code and the rule that failed; the token is never echoed.
// The WWW-Authenticate challenge goes in the "www-authenticate" response
// header.
//
// gRPC requests carry no URL a DPoP proof could bind to: methods take
// bearer tokens only, and a table with a //axioms:dpop method is refused
// at start-up (serve those over Connect).
package grpcguard

import (
	"context"
	"net/http"
	"strings"

	"github.com/axioms-go/axiomsgen/rpcauth"
	"github.com/axioms-go/axiomsgen/runtime"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// An Option changes how the guard treats methods.
type Option func(*options)

type options struct{ allow []string }

// Allow serves the named services ("grpc.health.v1.Health") or methods
// ("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo") without a
// token, though they carry no //axioms: directive: the explicit way to
// open methods of services you did not write, such as health checking
// and reflection. It panics on a name of neither form.
func Allow(names ...string) Option {
	return func(o *options) { o.allow = append(o.allow, names...) }
}

// ServerOptions returns the unary and stream interceptors that guard every
// method of a server by methods (the generated AxiomsGRPCMethods of each
// package, appended), as chained interceptors. grpc-go runs the
// interceptor of a grpc.UnaryInterceptor (or StreamInterceptor) option
// first, then the chained ones in the order of the options: put these
// options before any other interceptor that must only see authenticated
// calls.
func ServerOptions(g *runtime.Guard, methods []runtime.Route, opts ...Option) []grpc.ServerOption {
	gd := newGuard(g, methods, opts)
	return []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(gd.unary),
		grpc.ChainStreamInterceptor(gd.stream),
	}
}

// UnaryServerInterceptor returns the guard for unary methods. A server
// with streaming methods needs StreamServerInterceptor too: ServerOptions
// installs both.
func UnaryServerInterceptor(g *runtime.Guard, methods []runtime.Route, opts ...Option) grpc.UnaryServerInterceptor {
	return newGuard(g, methods, opts).unary
}

// StreamServerInterceptor returns the guard for streaming methods.
func StreamServerInterceptor(g *runtime.Guard, methods []runtime.Route, opts ...Option) grpc.StreamServerInterceptor {
	return newGuard(g, methods, opts).stream
}

type guard struct {
	g     *runtime.Guard
	table *rpcauth.Table
}

func newGuard(g *runtime.Guard, methods []runtime.Route, opts []Option) *guard {
	if g == nil {
		panic("grpcguard: nil *runtime.Guard")
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return &guard{g: g, table: rpcauth.NewTable("gRPC", methods, o.allow, false)}
}

func (gd *guard) unary(ctx context.Context, req any, info *grpc.UnaryServerInfo, handler grpc.UnaryHandler) (any, error) {
	ctx, err := gd.authorize(ctx, info.FullMethod, func(md metadata.MD) { _ = grpc.SetHeader(ctx, md) })
	if err != nil {
		return nil, err
	}
	return handler(ctx, req)
}

func (gd *guard) stream(srv any, ss grpc.ServerStream, info *grpc.StreamServerInfo, handler grpc.StreamHandler) error {
	ctx, err := gd.authorize(ss.Context(), info.FullMethod, func(md metadata.MD) { _ = ss.SetHeader(md) })
	if err != nil {
		return err
	}
	return handler(srv, &claimsStream{ServerStream: ss, ctx: ctx})
}

// authorize checks the call to method; on success it returns ctx with the
// claims (public methods: ctx unchanged).
func (gd *guard) authorize(ctx context.Context, method string, setHeader func(metadata.MD)) (context.Context, error) {
	req, public, ok := gd.table.Lookup(method)
	if !ok {
		return ctx, status.Error(codes.PermissionDenied, gd.table.RefusedMessage(method))
	}
	if public {
		return ctx, nil
	}
	auth := metadata.ValueFromIncomingContext(ctx, "authorization")
	for _, a := range auth {
		if scheme, _, _ := strings.Cut(a, " "); strings.EqualFold(scheme, "DPoP") {
			return ctx, status.Error(codes.Unauthenticated, "invalid_request: gRPC methods take bearer tokens only: a DPoP proof cannot be checked without a request URL")
		}
	}
	// No RemoteAddr: the guard reads it only to trust a proxy's
	// forwarding headers for a DPoP proof's URL, and a gRPC call carries
	// no proof.
	r := rpcauth.NewRequest(ctx, http.MethodPost, method, http.Header{"Authorization": auth}, "")
	c, h, err := gd.g.Check(r, req)
	if err != nil {
		if v := bearerChallenge(h.Get("WWW-Authenticate")); v != "" {
			setHeader(metadata.Pairs("www-authenticate", v))
		}
		return ctx, status.Error(grpcCode(rpcauth.CodeOf(err)), rpcauth.Message(err))
	}
	return runtime.ContextWithClaims(ctx, c), nil
}

func grpcCode(c rpcauth.Code) codes.Code {
	switch c {
	case rpcauth.PermissionDenied:
		return codes.PermissionDenied
	case rpcauth.Unavailable:
		return codes.Unavailable
	default:
		return codes.Unauthenticated
	}
}

// claimsStream is a ServerStream whose context carries the claims.
type claimsStream struct {
	grpc.ServerStream
	ctx context.Context
}

func (s *claimsStream) Context() context.Context { return s.ctx }

// bearerChallenge keeps the Bearer challenge of a WWW-Authenticate value
// that offers DPoP too: a gRPC call cannot carry a proof, so it must not
// be invited to. The cut is safe: a quoted attribute value never holds a
// double quote, so `, DPoP realm="` only starts the DPoP challenge.
func bearerChallenge(v string) string {
	if i := strings.Index(v, `, DPoP realm="`); i >= 0 {
		return v[:i]
	}
	return v
}
