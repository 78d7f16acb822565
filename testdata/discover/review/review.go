// Package review holds the shapes an independent review found
// misreported: each must never come out guarded when it is open.
package review

import (
	"net/http"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/go-chi/chi/v5"
	"github.com/gorilla/mux"
)

var req = runtime.Requirement{Roles: [][]string{{"admin"}}}

// A guard is built around the mux, but the raw mux is what is served.
func RawServed(g *runtime.Guard) {
	m := http.NewServeMux()
	m.HandleFunc("/a-admin", h) // want "unguarded * /a-admin"
	_ = g.Handler(req, m)
	http.ListenAndServe("127.0.0.1:0", m)
}

// A guarded handler variable is replaced through a multi-value assignment.
func Reassigned(g *runtime.Guard) {
	m := http.NewServeMux()
	hh := g.Handler(req, http.HandlerFunc(h))
	hh, err := open()
	_ = err
	m.Handle("/b", hh) // want "unguarded * /b"
	http.ListenAndServe("127.0.0.1:0", m)
}

func open() (http.Handler, error) { return http.HandlerFunc(h), nil }

type srv struct{ r chi.Router }

// Middleware on one instance's field router must not guard another's.
func Fields(g *runtime.Guard) {
	admin := srv{r: chi.NewRouter()}
	admin.r.Use(g.Middleware(req))
	pub := srv{r: chi.NewRouter()}
	pub.r.Get("/pub-open", h) // want "unknown GET /pub-open"
}

// A Use that may not run guards nothing for certain.
func Conditional(g *runtime.Guard, auth bool) http.Handler {
	r := chi.NewRouter()
	if auth {
		r.Use(g.Middleware(req))
	}
	r.Get("/maybe", h) // want "unguarded GET /maybe"
	return r
}

// adminRoutes is declared before its caller: one row, not two.
func adminRoutes(r chi.Router) {
	r.Get("/stats", h) // want "guarded GET /admin/stats requirement req (not a literal)"
}

func NamedCallback(g *runtime.Guard) http.Handler {
	r := chi.NewRouter()
	r.Route("/admin", func(r chi.Router) {
		r.Use(g.Middleware(req))
		r.Group(adminRoutes)
	})
	return r
}

// A gorilla helper called twice registers twice.
func gorillaRoutes(r *mux.Router) {
	r.HandleFunc("/x", h).Methods("GET") // want "guarded GET /v1/x requirement req (not a literal)" "unguarded GET /v2/x"
}

func GorillaTwice(g *runtime.Guard) http.Handler {
	r := mux.NewRouter()
	v1 := r.PathPrefix("/v1").Subrouter()
	v1.Use(mux.MiddlewareFunc(g.Middleware(req)))
	gorillaRoutes(v1)
	gorillaRoutes(r.PathPrefix("/v2").Subrouter())
	return r
}

// A router mounted at two paths, one of them guarded.
func MountedTwice(g *runtime.Guard) http.Handler {
	root := http.NewServeMux()
	api := http.NewServeMux()
	api.HandleFunc("/secret", h) // want "unknown * /secret"
	root.Handle("/pub/", http.StripPrefix("/pub", api))
	root.Handle("/adm/", http.StripPrefix("/adm", g.Handler(req, api)))
	return root
}

func h(w http.ResponseWriter, r *http.Request) {}

// Registrations the walk cannot follow are unknown rows, never dropped.
func Odd() {
	m := http.NewServeMux()
	(*http.ServeMux).HandleFunc(m, "/c-methodexpr", h) // want "unknown * {?}"
	reg := m.HandleFunc                                // want "unknown * {?}"
	reg("/c-methodvalue", h)
	var r registrar = http.NewServeMux()
	r.HandleFunc("/d-iface", h) // want "unknown * {?}"
}

type registrar interface {
	HandleFunc(string, func(http.ResponseWriter, *http.Request))
}

// Deeply nested helpers: the innermost registration is still a row.
func Deep() {
	m := http.NewServeMux()
	l1(m)
}

func l1(m *http.ServeMux) { l2(m) }
func l2(m *http.ServeMux) { l3(m) }
func l3(m *http.ServeMux) { l4(m) }
func l4(m *http.ServeMux) { l5(m) }
func l5(m *http.ServeMux) {
	m.HandleFunc("/deep", h) // want "unknown * /deep"
}

// A recursive helper terminates and reports its route: bound while the
// helpers are few enough, unknown past that.
func recurse(m *http.ServeMux, n int) {
	m.HandleFunc("/rec", h) // want "unguarded * /rec" "unguarded * /rec" "unguarded * /rec" "unguarded * /rec" "unknown * /rec" "unknown * /rec" "unknown * /rec" "unknown * /rec" shadow "error"
	if n > 0 {
		recurse(m, n-1) // want "unknown * {?}"
	}
}

func Recursive() {
	m := http.NewServeMux()
	recurse(m, 3)
}

// Limits: past each named limit of the walk, a row says which limit it
// hit; nothing is dropped and nothing is called guarded on a guess.

// A guarded handler passed through more variables than the walk follows.
func LongChain(g *runtime.Guard) {
	m := http.NewServeMux()
	v0 := g.Handler(runtime.Requirement{}, http.HandlerFunc(h))
	v1 := v0
	v2 := v1
	v3 := v2
	v4 := v3
	v5 := v4
	v6 := v5
	v7 := v6
	v8 := v7
	v9 := v8
	m.Handle("/long", v9)  // want "unknown * /long"
	m.Handle("/short", v1) // want "guarded * /short authenticated"
	http.ListenAndServe("127.0.0.1:0", m)
}

// Named chi callbacks nested deeper than the walk binds routers.
func DeepCallbacks() http.Handler {
	r := chi.NewRouter()
	r.Route("/c1", c1)
	return r
}

func c1(r chi.Router) { r.Route("/c2", c2) }
func c2(r chi.Router) { r.Route("/c3", c3) }
func c3(r chi.Router) { r.Route("/c4", c4) }
func c4(r chi.Router) { r.Route("/c5", c5) }
func c5(r chi.Router) {
	r.Get("/leaf", h) // want "unknown GET /leaf"
}

// Routers mounted on routers deeper than the walk follows the prefixes.
func DeepMounts() {
	m0, m1, m2, m3, m4 := http.NewServeMux(), http.NewServeMux(), http.NewServeMux(), http.NewServeMux(), http.NewServeMux()
	m5, m6, m7, m8, m9 := http.NewServeMux(), http.NewServeMux(), http.NewServeMux(), http.NewServeMux(), http.NewServeMux()
	m10 := http.NewServeMux()
	m10.HandleFunc("/leaf", h) // want "unknown * {?}/leaf"
	m0.Handle("/a/", http.StripPrefix("/a", m1))
	m1.Handle("/a/", http.StripPrefix("/a", m2))
	m2.Handle("/a/", http.StripPrefix("/a", m3))
	m3.Handle("/a/", http.StripPrefix("/a", m4))
	m4.Handle("/a/", http.StripPrefix("/a", m5))
	m5.Handle("/a/", http.StripPrefix("/a", m6))
	m6.Handle("/a/", http.StripPrefix("/a", m7))
	m7.Handle("/a/", http.StripPrefix("/a", m8))
	m8.Handle("/a/", http.StripPrefix("/a", m9))
	m9.Handle("/a/", http.StripPrefix("/a", m10))
	http.ListenAndServe("127.0.0.1:0", m0)
}

// A router wrapped in several guards and prefix strippers: every prefix
// is stripped in turn, so the route is under all of them.
func DeepWrappers(g *runtime.Guard) {
	root := http.NewServeMux()
	sub := http.NewServeMux()
	sub.HandleFunc("/wrapped", h) // want "guarded * /w/x/y/wrapped authenticated"
	root.Handle("/w/", http.StripPrefix("/w", g.Handler(runtime.Requirement{}, http.StripPrefix("/x", g.Handler(runtime.Requirement{}, http.StripPrefix("/y", sub))))))
	http.ListenAndServe("127.0.0.1:0", root)
}
