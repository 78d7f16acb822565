package parse

import "testing"

func TestSuggest(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"scope", "scopes"},
		{"role", "roles"},
		{"permission", "permissions"},
		{"Scopes", "scopes"},
		{"routes", "route"},
		{"authenticate", "authenticated"},
		{"publc", "public"},
		{"frobnicate", ""},
		{"x", ""},
	} {
		if got := suggest(tt.in); got != tt.want {
			t.Errorf("suggest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestValidPattern(t *testing.T) {
	for _, tt := range []struct {
		pattern string
		ok      bool
	}{
		{"/items", true},
		{"GET /items/{id}", true},
		{"POST example.com/items/{rest...}", true},
		{"GET /items/{$}", true},
		{"GET items", false},
		{"GET /items/{id", false},
		{"GET /{a}/{a}", false},
		{"GET /{x...}/y", false},
		{"", false},
	} {
		if msg := validPattern(tt.pattern); (msg == "") != tt.ok {
			t.Errorf("validPattern(%q) = %q, want ok=%v", tt.pattern, msg, tt.ok)
		}
	}
}

func TestConflicts(t *testing.T) {
	for _, tt := range []struct {
		a, b string
		want bool
	}{
		{"GET /items/{id}", "GET /items/{name}", true},
		{"GET /items/{id}", "GET /items/new", false},
		{"GET /x", "POST /x", false},
		{"/x", "GET /x", false},
		{"GET /x", "GET /x", true},
		{"GET /a/{x}", "GET /{y}/b", true},
	} {
		if got := conflicts(tt.a, tt.b); got != tt.want {
			t.Errorf("conflicts(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
