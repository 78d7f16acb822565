// Package echo stands in for github.com/labstack/echo/v4 (v4.16) in
// tests: the exported API of the types routes are registered on,
// declarations only. A signature that would need a type of another
// module is simplified; the method set is the real one.
package echo

import (
	"context"
	"io/fs"
	"net"
	"net/http"
)

// Context is one request.
type Context interface {
	Request() *http.Request
	SetRequest(r *http.Request)
	Response() *Response
}

// Response is echo's response writer.
type Response struct{ http.ResponseWriter }

// HandlerFunc is an echo handler.
type HandlerFunc func(Context) error

// MiddlewareFunc wraps a handler.
type MiddlewareFunc func(HandlerFunc) HandlerFunc

// Route is one registered route.
type Route struct{ Method, Path, Name string }

// Router is echo's routing tree (not where applications register).
type Router struct{}

// Echo is echo's router.
type Echo struct{}

// Group is a group of routes under a prefix.
type Group struct{}

// New returns an Echo.
func New() *Echo { return &Echo{} }

func (e *Echo) AcquireContext() Context { return nil }
func (e *Echo) Add(method, path string, handler HandlerFunc, middleware ...MiddlewareFunc) *Route {
	return nil
}
func (e *Echo) Any(path string, handler HandlerFunc, middleware ...MiddlewareFunc) []*Route {
	return nil
}
func (e *Echo) CONNECT(path string, h HandlerFunc, m ...MiddlewareFunc) *Route { return nil }
func (e *Echo) Close() error                                                   { return nil }
func (e *Echo) DELETE(path string, h HandlerFunc, m ...MiddlewareFunc) *Route  { return nil }
func (e *Echo) DefaultHTTPErrorHandler(err error, c Context)                   {}
func (e *Echo) File(path, file string, m ...MiddlewareFunc) *Route             { return nil }
func (e *Echo) FileFS(path, file string, filesystem fs.FS, m ...MiddlewareFunc) *Route {
	return nil
}
func (e *Echo) GET(path string, h HandlerFunc, m ...MiddlewareFunc) *Route  { return nil }
func (e *Echo) Group(prefix string, m ...MiddlewareFunc) (g *Group)         { return nil }
func (e *Echo) HEAD(path string, h HandlerFunc, m ...MiddlewareFunc) *Route { return nil }
func (e *Echo) Host(name string, m ...MiddlewareFunc) (g *Group)            { return nil }
func (e *Echo) ListenerAddr() net.Addr                                      { return nil }
func (e *Echo) Match(methods []string, path string, handler HandlerFunc, middleware ...MiddlewareFunc) []*Route {
	return nil
}
func (e *Echo) NewContext(r *http.Request, w http.ResponseWriter) Context      { return nil }
func (e *Echo) OPTIONS(path string, h HandlerFunc, m ...MiddlewareFunc) *Route { return nil }
func (e *Echo) PATCH(path string, h HandlerFunc, m ...MiddlewareFunc) *Route   { return nil }
func (e *Echo) POST(path string, h HandlerFunc, m ...MiddlewareFunc) *Route    { return nil }
func (e *Echo) PUT(path string, h HandlerFunc, m ...MiddlewareFunc) *Route     { return nil }
func (e *Echo) Pre(middleware ...MiddlewareFunc)                               {}
func (e *Echo) ReleaseContext(c Context)                                       {}
func (e *Echo) Reverse(name string, params ...interface{}) string              { return "" }
func (e *Echo) RouteNotFound(path string, h HandlerFunc, m ...MiddlewareFunc) *Route {
	return nil
}
func (e *Echo) Router() *Router                                              { return nil }
func (e *Echo) Routers() map[string]*Router                                  { return nil }
func (e *Echo) Routes() []*Route                                             { return nil }
func (e *Echo) ServeHTTP(w http.ResponseWriter, r *http.Request)             {}
func (e *Echo) Shutdown(ctx context.Context) error                           { return nil }
func (e *Echo) Start(address string) error                                   { return nil }
func (e *Echo) StartAutoTLS(address string) error                            { return nil }
func (e *Echo) StartH2CServer(address string, h2s any) error                 { return nil } // h2s is an *http2.Server
func (e *Echo) StartServer(s *http.Server) (err error)                       { return nil }
func (e *Echo) StartTLS(address string, certFile, keyFile any) (err error)   { return nil }
func (e *Echo) Static(pathPrefix, fsRoot string) *Route                      { return nil }
func (e *Echo) StaticFS(pathPrefix string, filesystem fs.FS) *Route          { return nil }
func (e *Echo) TLSListenerAddr() net.Addr                                    { return nil }
func (e *Echo) TRACE(path string, h HandlerFunc, m ...MiddlewareFunc) *Route { return nil }
func (e *Echo) URI(handler HandlerFunc, params ...interface{}) string        { return "" }
func (e *Echo) URL(h HandlerFunc, params ...interface{}) string              { return "" }
func (e *Echo) Use(middleware ...MiddlewareFunc)                             {}

func (g *Group) Add(method, path string, handler HandlerFunc, middleware ...MiddlewareFunc) *Route {
	return nil
}
func (g *Group) Any(path string, handler HandlerFunc, middleware ...MiddlewareFunc) []*Route {
	return nil
}
func (g *Group) CONNECT(path string, h HandlerFunc, m ...MiddlewareFunc) *Route { return nil }
func (g *Group) DELETE(path string, h HandlerFunc, m ...MiddlewareFunc) *Route  { return nil }
func (g *Group) File(path, file string)                                         {}
func (g *Group) FileFS(path, file string, filesystem fs.FS, m ...MiddlewareFunc) *Route {
	return nil
}
func (g *Group) GET(path string, h HandlerFunc, m ...MiddlewareFunc) *Route    { return nil }
func (g *Group) Group(prefix string, middleware ...MiddlewareFunc) (sg *Group) { return nil }
func (g *Group) HEAD(path string, h HandlerFunc, m ...MiddlewareFunc) *Route   { return nil }
func (g *Group) Match(methods []string, path string, handler HandlerFunc, middleware ...MiddlewareFunc) []*Route {
	return nil
}
func (g *Group) OPTIONS(path string, h HandlerFunc, m ...MiddlewareFunc) *Route { return nil }
func (g *Group) PATCH(path string, h HandlerFunc, m ...MiddlewareFunc) *Route   { return nil }
func (g *Group) POST(path string, h HandlerFunc, m ...MiddlewareFunc) *Route    { return nil }
func (g *Group) PUT(path string, h HandlerFunc, m ...MiddlewareFunc) *Route     { return nil }
func (g *Group) RouteNotFound(path string, h HandlerFunc, m ...MiddlewareFunc) *Route {
	return nil
}
func (g *Group) Static(pathPrefix, fsRoot string)                             {}
func (g *Group) StaticFS(pathPrefix string, filesystem fs.FS)                 {}
func (g *Group) TRACE(path string, h HandlerFunc, m ...MiddlewareFunc) *Route { return nil }
func (g *Group) Use(middleware ...MiddlewareFunc)                             {}
