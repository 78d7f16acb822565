package parse_test

import (
	"slices"
	"testing"

	"github.com/axioms-go/axiomsgen/internal/parse"
	"github.com/axioms-go/axiomsgen/runtime"
)

// TestRequirementMatchesRuntime: the model's requirement renders as the
// runtime's does (reports show one text for both), and its kinds are
// read from its lists, never from that text.
func TestRequirementMatchesRuntime(t *testing.T) {
	for _, tc := range []struct {
		name  string
		req   parse.Requirement
		kinds []string
	}{
		{"any valid token", parse.Requirement{Authenticated: true}, nil},
		{"dpop only", parse.Requirement{DPoP: true}, nil},
		{"scopes any-of", parse.Requirement{Scopes: [][]string{{"a", "b"}}}, []string{"scopes"}},
		{"every kind and dpop", parse.Requirement{Scopes: [][]string{{"s"}}, Roles: [][]string{{"r"}, {"q"}}, Permissions: [][]string{{"p"}}, DPoP: true}, []string{"scopes", "roles", "permissions"}},
		{"a value that reads like another kind", parse.Requirement{Scopes: [][]string{{"roles(x)"}}}, []string{"scopes"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rt := runtime.Requirement{Scopes: tc.req.Scopes, Roles: tc.req.Roles, Permissions: tc.req.Permissions, Authenticated: tc.req.Authenticated, DPoP: tc.req.DPoP}
			if got, want := tc.req.String(), rt.String(); got != want {
				t.Errorf("String() = %q, the runtime's is %q", got, want)
			}
			if got := tc.req.Kinds(); !slices.Equal(got, tc.kinds) {
				t.Errorf("Kinds() = %q, want %q", got, tc.kinds)
			}
		})
	}
}
