package runtime_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

// FuzzAuthorize sends arbitrary Authorization values through a Guard: it
// never panics, never accepts anything but the one valid token it
// mints, and answers only with the documented statuses.
func FuzzAuthorize(f *testing.F) {
	iss := axiomstest.New(f, axiomstest.WithAlgorithms("ES256"))
	cfg := iss.Config()
	cfg.Logger = quietLogger()
	g, err := runtime.New(f.Context(), cfg)
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { g.Close() })
	valid := iss.Token(f, axiomstest.WithAlg("ES256"), axiomstest.WithScopes("read"))
	parts := strings.Split(valid, ".")
	for _, s := range []string{
		"", "Bearer", "Bearer ", "bearer " + valid, "Bearer " + valid, "Basic abc", "Bearer a.b.c",
		"Bearer " + parts[0] + "." + parts[1] + ".", "Bearer " + parts[0] + ".e30." + parts[2],
		"Bearer eyJhbGciOiJub25lIn0.e30.", "Bearer " + valid + "." + parts[2], "Bearer \x00",
		"Bearer " + strings.Repeat("A", 20000),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, header string) {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		if header != "" {
			r.Header["Authorization"] = []string{header}
		}
		c, err := g.Authorize(r, runtime.Requirement{Scopes: [][]string{{"read"}}})
		if err == nil {
			tok := strings.TrimLeft(header[len("Bearer"):], " ")
			if tok != valid || c == nil {
				t.Fatalf("accepted %q", header)
			}
			return
		}
		switch runtime.StatusCode(err) {
		case 400, 401:
		default:
			t.Fatalf("status %d for %q", runtime.StatusCode(err), header)
		}
	})
}
