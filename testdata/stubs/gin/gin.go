// Package gin stands in for github.com/gin-gonic/gin (v1.12) in tests:
// the exported API of the types routes are registered on, declarations
// only. A signature that would need a type of another module is
// simplified; the method set is the real one.
package gin

import (
	"html/template"
	"net"
	"net/http"
)

// ResponseWriter is gin's response writer.
type ResponseWriter interface{ http.ResponseWriter }

// Context is one request.
type Context struct {
	Request *http.Request
	Writer  ResponseWriter
}

// Abort stops the handler chain.
func (c *Context) Abort() {}

// HandlerFunc is a gin handler.
type HandlerFunc func(*Context)

// OptionFunc configures an Engine.
type OptionFunc func(*Engine)

// RoutesInfo lists routes.
type RoutesInfo []struct{ Method, Path string }

// IRouter is IRoutes plus groups.
type IRouter interface {
	IRoutes
	Group(string, ...HandlerFunc) *RouterGroup
}

// IRoutes is what *Engine and *RouterGroup register routes with.
type IRoutes interface {
	Use(...HandlerFunc) IRoutes

	Handle(string, string, ...HandlerFunc) IRoutes
	Any(string, ...HandlerFunc) IRoutes
	GET(string, ...HandlerFunc) IRoutes
	POST(string, ...HandlerFunc) IRoutes
	DELETE(string, ...HandlerFunc) IRoutes
	PATCH(string, ...HandlerFunc) IRoutes
	PUT(string, ...HandlerFunc) IRoutes
	OPTIONS(string, ...HandlerFunc) IRoutes
	HEAD(string, ...HandlerFunc) IRoutes
	Match([]string, string, ...HandlerFunc) IRoutes

	StaticFile(string, string) IRoutes
	StaticFileFS(string, string, http.FileSystem) IRoutes
	Static(string, string) IRoutes
	StaticFS(string, http.FileSystem) IRoutes
}

// RouterGroup is a group of routes under a prefix.
type RouterGroup struct{}

func (group *RouterGroup) Use(middleware ...HandlerFunc) IRoutes { return group }
func (group *RouterGroup) Group(relativePath string, handlers ...HandlerFunc) *RouterGroup {
	return group
}
func (group *RouterGroup) BasePath() string { return "" }
func (group *RouterGroup) Handle(httpMethod, relativePath string, handlers ...HandlerFunc) IRoutes {
	return group
}
func (group *RouterGroup) POST(relativePath string, handlers ...HandlerFunc) IRoutes    { return group }
func (group *RouterGroup) GET(relativePath string, handlers ...HandlerFunc) IRoutes     { return group }
func (group *RouterGroup) DELETE(relativePath string, handlers ...HandlerFunc) IRoutes  { return group }
func (group *RouterGroup) PATCH(relativePath string, handlers ...HandlerFunc) IRoutes   { return group }
func (group *RouterGroup) PUT(relativePath string, handlers ...HandlerFunc) IRoutes     { return group }
func (group *RouterGroup) OPTIONS(relativePath string, handlers ...HandlerFunc) IRoutes { return group }
func (group *RouterGroup) HEAD(relativePath string, handlers ...HandlerFunc) IRoutes    { return group }
func (group *RouterGroup) Any(relativePath string, handlers ...HandlerFunc) IRoutes     { return group }
func (group *RouterGroup) Match(methods []string, relativePath string, handlers ...HandlerFunc) IRoutes {
	return group
}
func (group *RouterGroup) StaticFile(relativePath, filepath string) IRoutes { return group }
func (group *RouterGroup) StaticFileFS(relativePath, filepath string, fs http.FileSystem) IRoutes {
	return group
}
func (group *RouterGroup) Static(relativePath, root string) IRoutes                 { return group }
func (group *RouterGroup) StaticFS(relativePath string, fs http.FileSystem) IRoutes { return group }

// Engine is gin's router.
type Engine struct{ RouterGroup }

// New returns an engine without middleware.
func New(opts ...OptionFunc) *Engine { return &Engine{} }

// Default returns an engine with the logger and recovery middleware.
func Default(opts ...OptionFunc) *Engine { return &Engine{} }

// Logger is gin's logging middleware.
func Logger() HandlerFunc { return nil }

// Recovery is gin's panic recovery middleware.
func Recovery() HandlerFunc { return nil }

func (engine *Engine) Delims(left, right string) *Engine                  { return engine }
func (engine *Engine) HandleContext(c *Context)                           {}
func (engine *Engine) Handler() http.Handler                              { return engine }
func (engine *Engine) LoadHTMLFS(fs http.FileSystem, patterns ...string)  {}
func (engine *Engine) LoadHTMLFiles(files ...string)                      {}
func (engine *Engine) LoadHTMLGlob(pattern string)                        {}
func (engine *Engine) NoMethod(handlers ...HandlerFunc)                   {}
func (engine *Engine) NoRoute(handlers ...HandlerFunc)                    {}
func (engine *Engine) Routes() (routes RoutesInfo)                        { return nil }
func (engine *Engine) Run(addr ...string) (err error)                     { return nil }
func (engine *Engine) RunFd(fd int) (err error)                           { return nil }
func (engine *Engine) RunListener(listener net.Listener) (err error)      { return nil }
func (engine *Engine) RunQUIC(addr, certFile, keyFile string) (err error) { return nil }
func (engine *Engine) RunTLS(addr, certFile, keyFile string) (err error)  { return nil }
func (engine *Engine) RunUnix(file string) (err error)                    { return nil }
func (engine *Engine) SecureJsonPrefix(prefix string) *Engine             { return engine }
func (engine *Engine) ServeHTTP(w http.ResponseWriter, req *http.Request) {}
func (engine *Engine) SetFuncMap(funcMap template.FuncMap)                {}
func (engine *Engine) SetHTMLTemplate(templ *template.Template)           {}
func (engine *Engine) SetTrustedProxies(trustedProxies []string) error    { return nil }
func (engine *Engine) Use(middleware ...HandlerFunc) IRoutes              { return engine }
func (engine *Engine) With(opts ...OptionFunc) *Engine                    { return engine }
