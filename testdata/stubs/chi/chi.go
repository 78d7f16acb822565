// Package chi stands in for github.com/go-chi/chi/v5 in golden tests.
package chi

import "net/http"

// Router is the part of chi's Router that generated code uses.
type Router interface {
	http.Handler
	Handle(pattern string, h http.Handler)
	Method(method, pattern string, h http.Handler)
}
