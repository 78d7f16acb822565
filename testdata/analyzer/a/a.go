package a

import (
	"net/http"

	"github.com/axioms-go/axiomsgen/runtime"
)

func Routes(g *runtime.Guard) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /open", open)   // want `GET /open: unguarded route \(handler example.com/vet/a.open\)`
	mux.HandleFunc("GET /marked", open) //axioms:public
	mux.Handle("GET /guarded", g.Handler(runtime.Requirement{}, http.HandlerFunc(open)))
	for _, p := range []string{"/x", "/y"} {
		mux.HandleFunc(p, open) // want `route the tool cannot resolve \(registered inside a loop\)`
	}
}

//axioms:route GET /bad
//axioms:scope read // want `unknown directive //axioms:scope; did you mean //axioms:scopes\?`
func Bad(w http.ResponseWriter, r *http.Request) {}

func open(w http.ResponseWriter, r *http.Request) {}

// Twice registers one pattern twice: ServeMux panics at start.
func Twice() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /twice", open) //axioms:public
	mux.HandleFunc("GET /twice", open) // want `GET /twice: also registered at a.go:28 \(GET /twice\): net/http.ServeMux would panic registering both` `GET /twice: unguarded route`
}

// axioms:route GET /healthz // want `"// axioms:route" is ignored: a directive is written //axioms:route`
func Healthz(w http.ResponseWriter, r *http.Request) {}
