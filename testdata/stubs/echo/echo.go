// Package echo stands in for github.com/labstack/echo/v4 in golden tests.
package echo

import "net/http"

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
type Route struct{}
