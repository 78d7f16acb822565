// Package connectguard guards Connect handlers (connectrpc.com/connect)
// with the //axioms: directives written on their service methods.
//
// axiomsgen writes, next to a package's service implementation, a table of
// its procedures and their requirements (AxiomsConnectProcedures).
// WithGuard installs it on a handler:
//
//	path, h := itemsv1connect.NewItemServiceHandler(&items.Server{},
//		connectguard.WithGuard(guard, items.AxiomsConnectProcedures))
//	mux.Handle(path, h)
//
// Every call then needs an access token in its Authorization header,
// Bearer or, for the methods that accept it, DPoP with its proof, validated
// as for HTTP (keys, issuers, cache, introspection, DPoP replay checks);
// the claims reach the method through runtime.ClaimsFromContext. A DPoP
// proof's htu is the procedure's URL: Config.DPoPBaseURL joined with the
// procedure path (or the trusted proxy's forwarded scheme and host). The
// guard fails closed: a procedure with no directive that is not
// allow-listed is refused with PermissionDenied. Rejections: no or
// malformed credentials, an invalid token, a bad proof or a step-up to do
// → Unauthenticated (HTTP 401); requirement not met → PermissionDenied
// (403); keys not available → Unavailable (503). The message is the OAuth
// error code and the rule that failed; the token is never echoed. The
// WWW-Authenticate challenge (and a DPoP-Nonce) go in the error's
// metadata: HTTP response headers for unary calls and the gRPC and
// gRPC-Web protocols, the end-of-stream metadata for Connect streams.
package connectguard

import (
	"context"
	"errors"
	"net/http"

	"connectrpc.com/connect"
	"github.com/axioms-go/axiomsgen/rpcauth"
	"github.com/axioms-go/axiomsgen/runtime"
)

// An Option changes how the guard treats procedures.
type Option func(*options)

type options struct{ allow []string }

// Allow serves the named services ("grpc.health.v1.Health") or procedures
// ("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo") without a
// token, though they carry no //axioms: directive: the explicit way to
// open procedures of services you did not write, such as health checking
// and reflection. It panics on a name of neither form.
func Allow(names ...string) Option {
	return func(o *options) { o.allow = append(o.allow, names...) }
}

// WithGuard is connect.WithInterceptors(NewInterceptor(...)), for the
// options of a NewXServiceHandler call.
func WithGuard(g *runtime.Guard, procedures []runtime.Route, opts ...Option) connect.HandlerOption {
	return connect.WithInterceptors(NewInterceptor(g, procedures, opts...))
}

// NewInterceptor returns the guard as a Connect interceptor, for handlers
// (unary and streaming) by procedures (the generated
// AxiomsConnectProcedures of each package, appended). On a client it
// does nothing. Put it first among a handler's interceptors, so that no
// other sees an unauthenticated call.
func NewInterceptor(g *runtime.Guard, procedures []runtime.Route, opts ...Option) connect.Interceptor {
	if g == nil {
		panic("connectguard: nil *runtime.Guard")
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	return &interceptor{g: g, table: rpcauth.NewTable("Connect", procedures, o.allow, true)}
}

type interceptor struct {
	g     *runtime.Guard
	table *rpcauth.Table
}

func (i *interceptor) WrapUnary(next connect.UnaryFunc) connect.UnaryFunc {
	return func(ctx context.Context, req connect.AnyRequest) (connect.AnyResponse, error) {
		if req.Spec().IsClient {
			return next(ctx, req)
		}
		ctx, nonce, err := i.authorize(ctx, req.Spec().Procedure, req.HTTPMethod(), req.Header(), req.Peer().Addr)
		if err != nil {
			return nil, err
		}
		resp, err := next(ctx, req)
		if nonce != "" {
			if err != nil {
				var ce *connect.Error
				if errors.As(err, &ce) {
					ce.Meta().Set("DPoP-Nonce", nonce)
				}
			} else if resp != nil {
				resp.Header().Set("DPoP-Nonce", nonce)
			}
		}
		return resp, err
	}
}

func (i *interceptor) WrapStreamingClient(next connect.StreamingClientFunc) connect.StreamingClientFunc {
	return next
}

func (i *interceptor) WrapStreamingHandler(next connect.StreamingHandlerFunc) connect.StreamingHandlerFunc {
	return func(ctx context.Context, conn connect.StreamingHandlerConn) error {
		ctx, nonce, err := i.authorize(ctx, conn.Spec().Procedure, http.MethodPost, conn.RequestHeader(), conn.Peer().Addr)
		if err != nil {
			return err
		}
		if nonce != "" {
			conn.ResponseHeader().Set("DPoP-Nonce", nonce)
		}
		return next(ctx, conn)
	}
}

// authorize checks a call to procedure; on success it returns ctx with the
// claims (public procedures: ctx unchanged) and the DPoP nonce to send.
func (i *interceptor) authorize(ctx context.Context, procedure, httpMethod string, header http.Header, addr string) (context.Context, string, error) {
	req, public, ok := i.table.Lookup(procedure)
	if !ok {
		return ctx, "", connect.NewError(connect.CodePermissionDenied, errors.New(i.table.RefusedMessage(procedure)))
	}
	if public {
		return ctx, "", nil
	}
	if httpMethod == "" {
		httpMethod = http.MethodPost
	}
	// Only what the Guard reads: the credentials, and the forwarding
	// headers a trusted proxy writes (for a DPoP proof's htu).
	r := rpcauth.NewRequest(ctx, httpMethod, procedure, header, addr)
	c, h, err := i.g.Check(r, req)
	if err != nil {
		ce := connect.NewError(connectCode(rpcauth.CodeOf(err)), errors.New(rpcauth.Message(err)))
		for k, v := range h {
			ce.Meta()[k] = v
		}
		return ctx, "", ce
	}
	return runtime.ContextWithClaims(ctx, c), h.Get("DPoP-Nonce"), nil
}

func connectCode(c rpcauth.Code) connect.Code {
	switch c {
	case rpcauth.PermissionDenied:
		return connect.CodePermissionDenied
	case rpcauth.Unavailable:
		return connect.CodeUnavailable
	default:
		return connect.CodeUnauthenticated
	}
}
