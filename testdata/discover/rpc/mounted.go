package rpc

import (
	"net/http"

	"example.com/routes/rpc/pb/pbconnect"
	"github.com/axioms-go/axiomsgen/connectguard"
	"github.com/axioms-go/axiomsgen/runtime"
)

// Open is a handler with no guard.
func Open(w http.ResponseWriter, r *http.Request) {}

// A route at a Connect procedure's path on the ServeMux the handler is
// mounted on is more specific than the mount: it takes the procedure's
// calls, and the guarded Connect method is never reached.
func ConnectTakenOver(g *runtime.Guard) *http.ServeMux {
	mux := http.NewServeMux()
	path, h := pbconnect.NewNoteServiceHandler(ConnectNotes{}, connectguard.WithGuard(g, AxiomsConnectProcedures)) // want "shadowed CONNECT /notes.v1.NoteService/GetNote" "guarded CONNECT /notes.v1.NoteService/Stats refused (no directive)" shadow "error"
	mux.Handle(path, h)
	mux.HandleFunc("POST /notes.v1.NoteService/GetNote", Open) // want "unguarded POST /notes.v1.NoteService/GetNote"
	return mux
}

// The same with the mount's path written out, and a wildcard that takes
// every procedure.
func ConnectTakenOverByWildcard(g *runtime.Guard) *http.ServeMux {
	mux := http.NewServeMux()
	_, h := pbconnect.NewNoteServiceHandler(ConnectNotes{}, connectguard.WithGuard(g, AxiomsConnectProcedures)) // want "shadowed CONNECT /notes.v1.NoteService/GetNote" "shadowed CONNECT /notes.v1.NoteService/Stats" shadow "error"
	mux.Handle("/notes.v1.NoteService/", h)
	mux.HandleFunc("/notes.v1.NoteService/{method}", Open) // want "unguarded * /notes.v1.NoteService/{method}"
	return mux
}

// Lookalikes, none of which takes a call: a GET route at the path
// (Connect's unary calls are POSTs), the path on another mux, another
// service's path.
func ConnectNotTakenOver(g *runtime.Guard) (*http.ServeMux, *http.ServeMux) {
	mux, other := http.NewServeMux(), http.NewServeMux()
	path, h := pbconnect.NewNoteServiceHandler(ConnectNotes{}, connectguard.WithGuard(g, AxiomsConnectProcedures)) // want "guarded CONNECT /notes.v1.NoteService/GetNote roles(admin) AND dpop" "guarded CONNECT /notes.v1.NoteService/Stats refused (no directive)"
	mux.Handle(path, h)
	mux.HandleFunc("GET /notes.v1.NoteService/GetNote", Open)    // want "unguarded GET /notes.v1.NoteService/GetNote"
	other.HandleFunc("POST /notes.v1.NoteService/GetNote", Open) // want "unguarded POST /notes.v1.NoteService/GetNote"
	mux.HandleFunc("POST /notes.v1.OtherService/GetNote", Open)  // want "unguarded POST /notes.v1.OtherService/GetNote"
	return mux, other
}

// The one-line form.
func ConnectOneLineTakenOver(g *runtime.Guard) *http.ServeMux {
	mux := http.NewServeMux()
	mux.Handle(pbconnect.NewNoteServiceHandler(ConnectNotes{}, connectguard.WithGuard(g, AxiomsConnectProcedures))) // want "shadowed CONNECT /notes.v1.NoteService/GetNote" "guarded CONNECT /notes.v1.NoteService/Stats refused (no directive)" shadow "error"
	mux.HandleFunc("POST /notes.v1.NoteService/GetNote", Open)                                                      // want "unguarded POST /notes.v1.NoteService/GetNote"
	return mux
}

// Not compared (a finding is never a guess): a mount with a host (the
// calls of other hosts go elsewhere), a route registered only under a
// condition.
func ConnectHostAndCondition(g *runtime.Guard, debug bool) (*http.ServeMux, *http.ServeMux) {
	mux, other := http.NewServeMux(), http.NewServeMux()
	_, h := pbconnect.NewNoteServiceHandler(ConnectNotes{}, connectguard.WithGuard(g, AxiomsConnectProcedures)) // want "guarded CONNECT /notes.v1.NoteService/GetNote roles(admin) AND dpop" "guarded CONNECT /notes.v1.NoteService/Stats refused (no directive)"
	mux.Handle("api.example.com/notes.v1.NoteService/", h)
	mux.HandleFunc("/notes.v1.NoteService/GetNote", Open)                                                           // want "unguarded * /notes.v1.NoteService/GetNote"
	path, h2 := pbconnect.NewNoteServiceHandler(ConnectNotes{}, connectguard.WithGuard(g, AxiomsConnectProcedures)) // want "guarded CONNECT /notes.v1.NoteService/GetNote roles(admin) AND dpop" "guarded CONNECT /notes.v1.NoteService/Stats refused (no directive)"
	other.Handle(path, h2)
	if debug {
		other.HandleFunc("POST /notes.v1.NoteService/GetNote", Open) // want "unguarded POST /notes.v1.NoteService/GetNote"
	}
	return mux, other
}

// A route at the path that asks at least as much: the method is still
// never reached, a warning.
func ConnectTakenOverByStronger(g *runtime.Guard) *http.ServeMux {
	mux := http.NewServeMux()
	path, h := pbconnect.NewNoteServiceHandler(ConnectNotes{}, connectguard.WithGuard(g, AxiomsConnectProcedures)) // want "shadowed CONNECT /notes.v1.NoteService/GetNote" "guarded CONNECT /notes.v1.NoteService/Stats refused (no directive)" shadow "warning"
	mux.Handle(path, h)
	mux.Handle("POST /notes.v1.NoteService/GetNote", g.Handler(runtime.Requirement{Roles: [][]string{{"admin"}}, Scopes: [][]string{{"x"}}, DPoP: true}, http.HandlerFunc(Open))) // want "guarded POST /notes.v1.NoteService/GetNote scopes(x) AND roles(admin) AND dpop"
	return mux
}

// A helper run twice: one finding.
func mountBoth(g *runtime.Guard, mux *http.ServeMux) {
	path, h := pbconnect.NewNoteServiceHandler(ConnectNotes{}, connectguard.WithGuard(g, AxiomsConnectProcedures)) // want "shadowed CONNECT /notes.v1.NoteService/GetNote" "guarded CONNECT /notes.v1.NoteService/Stats refused (no directive)" shadow "error"
	mux.Handle(path, h)
	mux.HandleFunc("POST /notes.v1.NoteService/GetNote", Open) // want "unguarded POST /notes.v1.NoteService/GetNote" "unguarded POST /notes.v1.NoteService/GetNote"
}

func MountedTwice(g *runtime.Guard) {
	mountBoth(g, http.NewServeMux())
	mountBoth(g, http.NewServeMux())
}
