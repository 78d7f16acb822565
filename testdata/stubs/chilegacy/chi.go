// Package chi stands in for github.com/go-chi/chi, the import path of
// chi v1 to v4, which the generator supports beside v5.
package chi

import "net/http"

// Router is chi's router interface.
type Router interface {
	http.Handler
	Use(middlewares ...func(http.Handler) http.Handler)
	With(middlewares ...func(http.Handler) http.Handler) Router
	Group(fn func(r Router)) Router
	Route(pattern string, fn func(r Router)) Router
	Mount(pattern string, h http.Handler)
	Handle(pattern string, h http.Handler)
	HandleFunc(pattern string, h http.HandlerFunc)
	Method(method, pattern string, h http.Handler)
	MethodFunc(method, pattern string, h http.HandlerFunc)
	Get(pattern string, h http.HandlerFunc)
	Post(pattern string, h http.HandlerFunc)
}

// Mux is chi's router.
type Mux struct{ Router }

// NewRouter returns a new router.
func NewRouter() *Mux { return &Mux{} }
