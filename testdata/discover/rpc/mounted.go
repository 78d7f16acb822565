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
