package parse

import (
	"strings"
	"testing"
)

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
		router  Router
		pattern string
		want    string // "" = valid, else a part of the message
	}{
		{RouterHTTP, "/items", ""},
		{RouterHTTP, "GET /items/{id}", ""},
		{RouterHTTP, "POST example.com/items/{rest...}", ""},
		{RouterHTTP, "GET /items/{$}", ""},
		{RouterHTTP, "GET /items/:id", ""}, // a literal segment for ServeMux
		{RouterHTTP, "GET items", "/"},
		{RouterHTTP, "GET /items/{id", "bad wildcard"},
		{RouterHTTP, "GET /{a}/{a}", "duplicate"},
		{RouterHTTP, "GET /{x...}/y", "..."},
		{RouterHTTP, "", "invalid pattern"},

		{RouterChi, "GET /items/{id}", ""},
		{RouterChi, "/items/{id:[0-9]{1,3}}", ""},
		{RouterChi, "GET /static/*", ""},
		{RouterChi, "DELETE /items/{id}.json", ""},
		{RouterChi, "GET /items/:id", "chi writes a path parameter as {name}, not :name"},
		{RouterChi, "GET /files/{path...}", "chi writes a catch-all as a trailing /*"},
		{RouterChi, "GET /a/*/b", "only at the end"},
		{RouterChi, "GET /items/{id", "no closing }"},
		{RouterChi, "GET /items/id}", "no opening {"},
		{RouterChi, "GET /{}", "needs a name"},
		{RouterChi, "GET /{a}/{a}", "appears twice"},
		{RouterChi, "GET /{id:[0-9}", "does not compile"},
		{RouterChi, "GET /{id:}", "empty regular expression"},
		{RouterChi, "FROB /x", "chi knows only the methods"},
		{RouterChi, "get /x", "upper-case"},
		{RouterChi, "GET example.com/x", "no host"},
		{RouterChi, "GET x", "must start with /"},
		{RouterChi, "GET /a /b", "one method and one path"},

		{RouterGorilla, "GET /items/{id:[0-9]+}", ""},
		{RouterGorilla, "PROPFIND /dav/{p}", ""},
		{RouterGorilla, "/items", ""},
		{RouterGorilla, "GET /static/*", "no * wildcard"},
		{RouterGorilla, "GET /files/{p...}", "use {p:.*}"},
		{RouterGorilla, "GET /items/:id", "gorilla/mux writes a path parameter as {name}"},
		{RouterGorilla, "GET /export.{format:(csv|json)}", "capture group"},
		{RouterGorilla, "GET /export.{format:(?:csv|json)}", ""},
		{RouterGorilla, "GET /items/{$}", "end-of-path marker"},
		{RouterChi, "GET /items/{$}", "end-of-path marker"},
		{RouterChi, "QUERY /items", ""},
		{RouterGin, "GET /items/:id.json", "letters, digits and _"},
		{RouterEcho, "GET /files/*path", "bare *"},

		{RouterGin, "GET /items/:id", ""},
		{RouterGin, "GET /files/*path", ""},
		{RouterGin, "/any/:x", ""},
		{RouterGin, "GET /items/{id}", "gin writes a path parameter as :name, not {name}"},
		{RouterGin, "GET /files/*path/x", "only in the last segment"},
		{RouterGin, "GET /files/*", "needs a name"},
		{RouterGin, "GET /files/x*path", "a / right before"},
		{RouterGin, "GET /items/:", "needs a name"},
		{RouterGin, "GET /:a:b", "more than one parameter"},
		{RouterGin, "GET /:a/:a", "appears twice"},

		{RouterEcho, "GET /items/:id", ""},
		{RouterEcho, "GET /static/*", ""},
		{RouterEcho, "GET /static*", ""},
		{RouterEcho, "GET /items/{id}", "echo writes a path parameter as :name, not {name}"},
		{RouterEcho, "GET /*/x", "only in the last segment"},
	} {
		msg := ValidPattern(tt.router, tt.pattern)
		if (msg == "") != (tt.want == "") || !strings.Contains(msg, tt.want) {
			t.Errorf("ValidPattern(%s, %q) = %q, want %q", tt.router, tt.pattern, msg, tt.want)
		}
	}
}

func TestConflicts(t *testing.T) {
	for _, tt := range []struct {
		router Router
		a, b   string
		want   bool
	}{
		{RouterHTTP, "GET /items/{id}", "GET /items/{name}", true},
		{RouterHTTP, "GET /items/{id}", "GET /items/new", false},
		{RouterHTTP, "GET /x", "POST /x", false},
		{RouterHTTP, "/x", "GET /x", false},
		{RouterHTTP, "GET /x", "GET /x", true},
		{RouterHTTP, "GET /a/{x}", "GET /{y}/b", true},

		{RouterChi, "GET /items/{id}", "GET /items/{name}", true},
		{RouterChi, "GET /items/{id:[0-9]+}", "GET /items/{slug:[a-z]+}", false},
		{RouterChi, "GET /x", "POST /x", false},
		{RouterChi, "/x", "GET /x", true},
		{RouterGorilla, "GET /x/{a}", "GET /x/{b}", true},
		{RouterGorilla, "/files/{name}", "GET /files/secret", true},
		{RouterGorilla, "GET /a/{id}", "GET /a/{id:[0-9]+}", true},
		{RouterGorilla, "GET /a/{id:[0-9]+}", "GET /a/{id}", false},
		{RouterGorilla, "GET /files/secret", "GET /files/{name}", false},
		{RouterGorilla, "GET /files/{name}", "POST /files/secret", false},
		{RouterGin, "GET /files/*path", "GET /files/index", true},
		{RouterGin, "GET /src/", "GET /src/*fp", true},
		{RouterGin, "GET /files/*path", "POST /files/index", false},
		{RouterGin, "GET /files/*path", "GET /other/index", false},
		{RouterGin, "GET /items/:id", "GET /items/:name", true},
		{RouterGin, "GET /items/:id", "POST /items/:name", false},
		{RouterGin, "GET /items/:id/a", "GET /items/:name/b", true},
		{RouterGin, "GET /items/:id", "GET /items/new", false},
		{RouterGin, "/items", "PUT /items", true},
		{RouterEcho, "GET /items/:id", "GET /items/:key", true},
		{RouterEcho, "GET /items/:id", "GET /items/:id/x", false},
	} {
		if got := conflict(tt.router, tt.a, tt.b) != ""; got != tt.want {
			t.Errorf("conflict(%s, %q, %q) = %v, want %v", tt.router, tt.a, tt.b, got, tt.want)
		}
	}
}
