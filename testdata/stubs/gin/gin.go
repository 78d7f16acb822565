// Package gin stands in for github.com/gin-gonic/gin in golden tests.
package gin

import "net/http"

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

// IRoutes is what *Engine and *RouterGroup register routes with.
type IRoutes interface {
	Handle(string, string, ...HandlerFunc) IRoutes
	Any(string, ...HandlerFunc) IRoutes
}
