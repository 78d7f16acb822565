package axiomstest

import (
	"strings"
	"testing"

	"github.com/axioms-go/axiomsgen/runtime"
)

// TestProbeRequests: the prober derives a valid request from each
// router's pattern syntax, with user values taking precedence.
func TestProbeRequests(t *testing.T) {
	p := &prober{c: &probeConfig{params: map[string]string{"tenant": "acme"}, paths: map[string]string{"GET /odd/{x}": "/odd/given"},
		routeParams: map[string]map[string]string{"GET /orders/{id}": {"id": "o-42"}}}}
	for _, tt := range []struct {
		router, pattern, method, host, path string
	}{
		{"net/http", "GET /items/{id}", "GET", "", "/items/1"},
		{"net/http", "POST /files/{path...}", "POST", "", "/files/probe"},
		{"net/http", "GET /{$}", "GET", "", "/"},
		{"net/http", "GET api.example.com/stats", "GET", "api.example.com", "/stats"},
		{"net/http", "/legacy", "GET", "", "/legacy"},
		{"net/http", "GET /t/{tenant}/items", "GET", "", "/t/acme/items"},
		{"net/http", "GET /orders/{id}", "GET", "", "/orders/o-42"},
		{"net/http", "GET /odd/{x}", "GET", "", "/odd/given"},
		{"chi", "GET /items/{id:[0-9]+}", "GET", "", "/items/1"},
		{"chi", "GET /codes/{code:[0-9]{3}}", "GET", "", "/codes/123"},
		{"chi", "GET /assets/*", "GET", "", "/assets/probe"},
		{"gorilla/mux", "GET /users/{name:[a-z]+}", "GET", "", "/users/a"},
		{"gorilla/mux", "GET /days/{day:\\d{4}-\\d{2}-\\d{2}}", "GET", "", "/days/2024-01-01"},
		{"gin", "GET /items/:id", "GET", "", "/items/1"},
		{"gin", "GET /static/*filepath", "GET", "", "/static/probe"},
		{"gin", "PATCH /t/:tenant/items/:id", "PATCH", "", "/t/acme/items/1"},
		{"echo", "GET /users/:id/files/*", "GET", "", "/users/1/files/probe"},
		{"echo", "DELETE /users/:id", "DELETE", "", "/users/1"},
	} {
		t.Run(tt.router+" "+tt.pattern, func(t *testing.T) {
			method, host, path, err := p.request(runtime.Route{Pattern: tt.pattern})
			if err != nil || method != tt.method || host != tt.host || path != tt.path {
				t.Errorf("got %s %q %q (%v), want %s %q %q", method, host, path, err, tt.method, tt.host, tt.path)
			}
		})
	}
	// A parameter no sample matches: an error that says what to pass.
	_, _, _, err := p.request(runtime.Route{Pattern: "GET /k/{key:[#]{9}}"})
	if err == nil || !strings.Contains(err.Error(), "WithRouteParam") {
		t.Errorf("err = %v", err)
	}
}
