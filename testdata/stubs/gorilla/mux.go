// Package mux stands in for github.com/gorilla/mux (v1.8) in tests: the
// exported API of the router and its route builder, declarations only.
package mux

import (
	"net/http"
	"net/url"
)

// Router is gorilla's router.
type Router struct {
	NotFoundHandler         http.Handler
	MethodNotAllowedHandler http.Handler
}

// Route is one route, built by a chain of calls.
type Route struct{}

// RouteMatch is the result of a match.
type RouteMatch struct{}

// MiddlewareFunc wraps a handler.
type MiddlewareFunc func(http.Handler) http.Handler

// MatcherFunc matches a request.
type MatcherFunc func(*http.Request, *RouteMatch) bool

// BuildVarsFunc rewrites route variables.
type BuildVarsFunc func(map[string]string) map[string]string

// WalkFunc visits a route.
type WalkFunc func(route *Route, router *Router, ancestors []*Route) error

// NewRouter returns a new router.
func NewRouter() *Router { return &Router{} }

// Vars returns the route variables of a request.
func Vars(r *http.Request) map[string]string { return nil }

func (r *Router) BuildVarsFunc(f BuildVarsFunc) *Route            { return nil }
func (r *Router) Get(name string) *Route                          { return nil }
func (r *Router) GetRoute(name string) *Route                     { return nil }
func (r *Router) Handle(path string, handler http.Handler) *Route { return &Route{} }
func (r *Router) HandleFunc(path string, f func(http.ResponseWriter, *http.Request)) *Route {
	return &Route{}
}
func (r *Router) Headers(pairs ...string) *Route                     { return nil }
func (r *Router) Host(tpl string) *Route                             { return nil }
func (r *Router) Match(req *http.Request, match *RouteMatch) bool    { return false }
func (r *Router) MatcherFunc(f MatcherFunc) *Route                   { return nil }
func (r *Router) Methods(methods ...string) *Route                   { return nil }
func (r *Router) Name(name string) *Route                            { return nil }
func (r *Router) NewRoute() *Route                                   { return nil }
func (r *Router) Path(tpl string) *Route                             { return nil }
func (r *Router) PathPrefix(tpl string) *Route                       { return nil }
func (r *Router) Queries(pairs ...string) *Route                     { return nil }
func (r *Router) Schemes(schemes ...string) *Route                   { return nil }
func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {}
func (r *Router) SkipClean(value bool) *Router                       { return r }
func (r *Router) StrictSlash(value bool) *Router                     { return r }
func (r *Router) Use(mwf ...MiddlewareFunc)                          {}
func (r *Router) UseEncodedPath() *Router                            { return r }
func (r *Router) Walk(walkFn WalkFunc) error                         { return nil }

func (r *Route) BuildOnly() *Route                                             { return r }
func (r *Route) BuildVarsFunc(f BuildVarsFunc) *Route                          { return r }
func (r *Route) GetError() error                                               { return nil }
func (r *Route) GetHandler() http.Handler                                      { return nil }
func (r *Route) GetHostTemplate() (string, error)                              { return "", nil }
func (r *Route) GetMethods() ([]string, error)                                 { return nil, nil }
func (r *Route) GetName() string                                               { return "" }
func (r *Route) GetPathRegexp() (string, error)                                { return "", nil }
func (r *Route) GetPathTemplate() (string, error)                              { return "", nil }
func (r *Route) GetQueriesRegexp() ([]string, error)                           { return nil, nil }
func (r *Route) GetQueriesTemplates() ([]string, error)                        { return nil, nil }
func (r *Route) GetVarNames() ([]string, error)                                { return nil, nil }
func (r *Route) Handler(handler http.Handler) *Route                           { return r }
func (r *Route) HandlerFunc(f func(http.ResponseWriter, *http.Request)) *Route { return r }
func (r *Route) Headers(pairs ...string) *Route                                { return r }
func (r *Route) HeadersRegexp(pairs ...string) *Route                          { return r }
func (r *Route) Host(tpl string) *Route                                        { return r }
func (r *Route) Match(req *http.Request, match *RouteMatch) bool               { return false }
func (r *Route) MatcherFunc(f MatcherFunc) *Route                              { return r }
func (r *Route) Methods(methods ...string) *Route                              { return r }
func (r *Route) Name(name string) *Route                                       { return r }
func (r *Route) Path(tpl string) *Route                                        { return r }
func (r *Route) PathPrefix(tpl string) *Route                                  { return r }
func (r *Route) Queries(pairs ...string) *Route                                { return r }
func (r *Route) Schemes(schemes ...string) *Route                              { return r }
func (r *Route) SkipClean() bool                                               { return false }
func (r *Route) Subrouter() *Router                                            { return &Router{} }
func (r *Route) URL(pairs ...string) (*url.URL, error)                         { return nil, nil }
func (r *Route) URLHost(pairs ...string) (*url.URL, error)                     { return nil, nil }
func (r *Route) URLPath(pairs ...string) (*url.URL, error)                     { return nil, nil }
