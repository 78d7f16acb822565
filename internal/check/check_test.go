package check

import "testing"

// TestCleanDiff: the diff of a stale file names it from the module root,
// and each run of changes lists its removals before its additions, as a
// unified diff does (the lines of each kind keep their order).
func TestCleanDiff(t *testing.T) {
	for _, tc := range []struct{ name, in, want string }{
		{
			name: "paths from the module root",
			in:   "--- a/axioms_gen.go\n+++ b/axioms_gen.go\n@@ -1 +1 @@\n-x\n+y\n",
			want: "--- a/api/v1/axioms_gen.go\n+++ b/api/v1/axioms_gen.go\n@@ -1 +1 @@\n-x\n+y\n",
		},
		{
			name: "additions first become removals first",
			in:   "--- a/axioms_gen.go\n+++ b/axioms_gen.go\n@@ -1,4 +1,4 @@\n ctx\n+b1\n+b2\n-a1\n-a2\n ctx\n",
			want: "--- a/api/v1/axioms_gen.go\n+++ b/api/v1/axioms_gen.go\n@@ -1,4 +1,4 @@\n ctx\n-a1\n-a2\n+b1\n+b2\n ctx\n",
		},
		{
			name: "interleaved runs, each in its own block",
			in:   "--- a/axioms_gen.go\n+++ b/axioms_gen.go\n@@ -1,5 +1,5 @@\n+b1\n-a1\n+b2\n-a2\n c\n+d1\n-e1\n",
			want: "--- a/api/v1/axioms_gen.go\n+++ b/api/v1/axioms_gen.go\n@@ -1,5 +1,5 @@\n-a1\n-a2\n+b1\n+b2\n c\n-e1\n+d1\n",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := cleanDiff(tc.in, "axioms_gen.go", "api/v1/axioms_gen.go"); got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

// TestClosestID: a -trust value without its full import path is matched
// to the function it names; a misspelt one to the nearest of the same
// name; one with no such name to nothing.
func TestClosestID(t *testing.T) {
	known := map[string]bool{
		"example.com/app/auth.RequireUser":      true,
		"example.com/other/auth.RequireUser":    true,
		"example.com/app/auth.Session.Require":  true,
		"example.com/app/internal/auth.Require": true,
	}
	for _, tc := range []struct{ trust, want string }{
		{"auth.RequireUser", "example.com/app/auth.RequireUser"},
		{"app/auth.RequireUser", "example.com/app/auth.RequireUser"},
		{"example.com/ap/auth.RequireUser", "example.com/app/auth.RequireUser"},
		{"auth.Nothing", ""},
	} {
		if got := closestID(known, tc.trust); got != tc.want {
			t.Errorf("closestID(%q) = %q, want %q", tc.trust, got, tc.want)
		}
	}
}
