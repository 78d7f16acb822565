package discover

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/axioms-go/axiomsgen/internal/parse"
)

// TestWeaker: the served registration is weaker when a token that passes
// it need not pass the hidden one's requirement.
func TestWeaker(t *testing.T) {
	guarded := func(r parse.Requirement) Row { return Row{Status: Guarded, Requirement: r.String(), Req: &r} }
	read := parse.Requirement{Scopes: [][]string{{"read"}}}
	readOrAdmin := parse.Requirement{Scopes: [][]string{{"read", "admin"}}}
	readAndAdmin := parse.Requirement{Scopes: [][]string{{"read"}, {"admin"}}}
	for _, tc := range []struct {
		name           string
		served, hidden Row
		weaker         bool
	}{
		{"unguarded over guarded", Row{Status: Unguarded}, guarded(read), true},
		{"public over guarded", Row{Status: Public}, guarded(read), true},
		{"unknown over guarded", Row{Status: Unknown}, guarded(read), true},
		{"guarded over unguarded", guarded(read), Row{Status: Unguarded}, false},
		{"unguarded over public", Row{Status: Unguarded}, Row{Status: Public}, false},
		{"same requirement", guarded(read), guarded(read), false},
		{"any-of list wider than the hidden one", guarded(readOrAdmin), guarded(read), true},
		{"any-of list narrower than the hidden one", guarded(read), guarded(readOrAdmin), false},
		{"one of two required lists", guarded(read), guarded(readAndAdmin), true},
		{"both required lists", guarded(readAndAdmin), guarded(read), false},
		{"authenticated over scopes", guarded(parse.Requirement{Authenticated: true}), guarded(read), true},
		{"without DPoP", guarded(read), guarded(parse.Requirement{Scopes: [][]string{{"read"}}, DPoP: true}), true},
		{"longer max-age", guarded(parse.Requirement{MaxAge: time.Hour}), guarded(parse.Requirement{MaxAge: time.Minute}), true},
		{"shorter max-age", guarded(parse.Requirement{MaxAge: time.Minute}), guarded(parse.Requirement{MaxAge: time.Hour}), false},
		{"acr not among the hidden's", guarded(parse.Requirement{ACR: []string{"low"}}), guarded(parse.Requirement{ACR: []string{"high"}}), true},
		{"opaque requirements that differ", Row{Status: Guarded, Requirement: "trusted a.F"}, Row{Status: Guarded, Requirement: "trusted a.G"}, true},
		{"opaque requirements alike", Row{Status: Guarded, Requirement: "trusted a.F"}, Row{Status: Guarded, Requirement: "trusted a.F"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := weaker(tc.served, tc.hidden); got != tc.weaker {
				t.Errorf("weaker = %v, want %v", got, tc.weaker)
			}
		})
	}
}

// BenchmarkShadowsAndOverlaps: 1,000 routes on one router, each with a
// path of its own, as a large service has them; the pairwise rules run
// only for routes whose literal prefixes meet.
func BenchmarkShadowsAndOverlaps(b *testing.B) {
	for _, kind := range []string{"net/http", "gorilla/mux", "gin"} {
		b.Run(strings.ReplaceAll(kind, "/", "_"), func(b *testing.B) {
			set := &routeSet{id: 1}
			var rs []Row
			for i := range 1000 {
				p := fmt.Sprintf("/items%d/{id}", i)
				if kind == "gin" {
					p = fmt.Sprintf("/items%d/:id", i)
				}
				rs = append(rs, Row{Method: "GET", Path: p, set: set, setKind: kind, seq: i + 1, Status: Guarded, Requirement: "scopes(read)"})
			}
			for b.Loop() {
				if len(shadows(rs, nil))+len(overlaps(rs)) != 0 {
					b.Fatal("routes of their own paths met")
				}
			}
		})
	}
}
