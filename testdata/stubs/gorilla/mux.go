// Package mux stands in for github.com/gorilla/mux in golden tests.
package mux

import "net/http"

// Router is gorilla's router.
type Router struct{}

// Route is one registered route.
type Route struct{}

// Handle registers h for path.
func (r *Router) Handle(path string, h http.Handler) *Route { return &Route{} }

// Methods restricts the route to methods.
func (r *Route) Methods(methods ...string) *Route { return r }
