// Package overlapnethttp: requests a guarded ServeMux pattern was written
// for, spelt another way, that a weaker pattern serves.
package overlapnethttp

import (
	"net/http"

	"github.com/axioms-go/axiomsgen/runtime"
)

func Panel(w http.ResponseWriter, r *http.Request) {}

func Serve(g *runtime.Guard) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET admin.example.com/panel", g.Handler(runtime.Requirement{Roles: [][]string{{"admin"}}}, http.HandlerFunc(Panel))) // want "guarded GET admin.example.com/panel roles(admin)"
	mux.Handle("GET /panel", g.Handler(runtime.Requirement{}, http.HandlerFunc(Panel)))                                              // want "guarded GET /panel authenticated"
	mux.HandleFunc("GET /static/{path...}", Panel)                                                                                   //axioms:public // want "public GET /static/{path...}"
	mux.Handle("GET /static/admin/config", g.Handler(runtime.Requirement{Roles: [][]string{{"admin"}}}, http.HandlerFunc(Panel)))    // want "guarded GET /static/admin/config roles(admin)"
	mux.Handle("GET /files/{name}", g.Handler(runtime.Requirement{Roles: [][]string{{"admin"}}}, http.HandlerFunc(Panel)))           // want "guarded GET /files/{name} roles(admin)"
	mux.Handle("GET /api/{name}", g.Handler(runtime.Requirement{Roles: [][]string{{"admin"}}}, http.HandlerFunc(Panel)))             // want "guarded GET /api/{name} roles(admin)"
	mux.Handle("GET /api/{name}/{rest...}", g.Handler(runtime.Requirement{Roles: [][]string{{"admin"}}}, http.HandlerFunc(Panel)))   // want "guarded GET /api/{name}/{rest...} roles(admin)"
	return mux
}
