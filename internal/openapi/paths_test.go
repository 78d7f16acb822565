package openapi

import (
	"reflect"
	"testing"
)

func TestOpenAPIPath(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
		params         []string
		ok             bool
	}{
		{"static", "/items", "/items", nil, true},
		{"net/http wildcard", "/items/{id}", "/items/{id}", []string{"id"}, true},
		{"net/http rest wildcard", "/files/{path...}", "/files/{path}", []string{"path"}, true},
		{"net/http exact end", "/{$}", "/", nil, true},
		{"chi or gorilla regexp", "/items/{id:[0-9]+}", "/items/{id}", []string{"id"}, true},
		{"gin or echo param", "/notes/:id/tags/:tag", "/notes/{id}/tags/{tag}", []string{"id", "tag"}, true},
		{"gin catch-all", "/static/*filepath", "/static/{filepath}", []string{"filepath"}, true},
		{"echo bare star", "/static/*", "/static/{wildcard}", []string{"wildcard"}, true},
		{"dynamic part", "{?}/items", "", nil, false},
		{"no leading slash", "items", "", nil, false},
		{"parameter inside a segment", "/items/{id}.json", "", nil, false},
		{"empty parameter", "/items/{}", "", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, params, ok := openAPIPath(tc.in)
			if got != tc.want || !reflect.DeepEqual(params, tc.params) || ok != tc.ok {
				t.Errorf("openAPIPath(%q) = %q, %q, %v; want %q, %q, %v", tc.in, got, params, ok, tc.want, tc.params, tc.ok)
			}
		})
	}
}

func TestScopeAlternatives(t *testing.T) {
	for _, tc := range []struct {
		name  string
		lists [][]string
		want  [][]string
		ok    bool
	}{
		{"none: any token", nil, [][]string{{}}, true},
		{"one any-of list: one alternative each", [][]string{{"read", "admin"}}, [][]string{{"admin"}, {"read"}}, true},
		{"two lists multiply out", [][]string{{"a", "b"}, {"c"}}, [][]string{{"a", "c"}, {"b", "c"}}, true},
		{"repeats collapse", [][]string{{"a", "a"}, {"a"}}, [][]string{{"a"}}, true},
		{"too many", [][]string{{"1", "2", "3", "4", "5"}, {"1", "2", "3", "4", "5"}, {"1", "2", "3"}}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := scopeAlternatives(tc.lists)
			if ok != tc.ok || tc.ok && !reflect.DeepEqual(got, tc.want) {
				t.Errorf("scopeAlternatives(%q) = %q, %v; want %q, %v", tc.lists, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestHandlerName(t *testing.T) {
	for _, tc := range []struct{ in, name, recv string }{
		{"example.com/app/api.List", "List", ""},
		{"example.com/app/api.(*Server).List", "List", "Server"},
		{"example.com/app/api.Server.List", "List", "Server"},
		{"http.HandlerFunc(h.ServeList)", "", ""},
		{"g.ResourceMetadata(runtime.ScopesOf(AxiomsRoutes)...)", "", ""},
		{"handler", "", ""},
	} {
		name, recv := handlerName(tc.in)
		if name != tc.name || recv != tc.recv {
			t.Errorf("handlerName(%q) = %q, %q; want %q, %q", tc.in, name, recv, tc.name, tc.recv)
		}
	}
}

func TestAssignIDs(t *testing.T) {
	ops := []*operation{
		{method: "get", path: "/a", name: "List", recv: "A"},
		{method: "get", path: "/b", name: "List", recv: "B"},
		{method: "get", path: "/c", name: "Get"},
		{method: "post", path: "/c", name: "Get"},
		{method: "get", path: "/d/{id}"},
		{method: "get", path: "/"},
	}
	assignIDs(ops)
	var got []string
	for _, op := range ops {
		got = append(got, op.id)
	}
	want := []string{"A_List", "B_List", "Get_get_c", "Get_post_c", "get_d_id", "get"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("ids %q, want %q", got, want)
	}
}
