package rpcauth

import (
	"fmt"
	"strings"
	"testing"

	"github.com/axioms-go/axiomsgen/runtime"
)

func TestLookup(t *testing.T) {
	read := runtime.Requirement{Scopes: [][]string{{"read"}}}
	tab := NewTable("gRPC", []runtime.Route{
		{Pattern: "/items.v1.ItemService/GetItem", Requirement: read},
		{Pattern: "/items.v1.ItemService/Ping", Public: true},
	}, []string{"grpc.health.v1.Health", "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo"}, false)
	tests := []struct {
		method       string
		public, ok   bool
		wantRequired bool
	}{
		{"/items.v1.ItemService/GetItem", false, true, true},
		{"/items.v1.ItemService/Ping", true, true, false},
		{"/items.v1.ItemService/DeleteItem", false, false, false},
		{"/grpc.health.v1.Health/Check", true, true, false},
		{"/grpc.health.v1.Health/Watch", true, true, false},
		{"/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", true, true, false},
		{"/grpc.reflection.v1.ServerReflection/Other", false, false, false},
		{"/grpc.health.v1.HealthX/Check", false, false, false},
		{"grpc.health.v1.Health/Check", false, false, false},
		{"", false, false, false},
	}
	for _, tc := range tests {
		req, public, ok := tab.Lookup(tc.method)
		if public != tc.public || ok != tc.ok || (len(req.Scopes) > 0) != tc.wantRequired {
			t.Errorf("Lookup(%q) = %v, %v, %v; want public %v, ok %v, required %v", tc.method, req, public, ok, tc.public, tc.ok, tc.wantRequired)
		}
	}
	if msg := tab.RefusedMessage("/items.v1.ItemService/DeleteItem"); !strings.Contains(msg, "not allow-listed") {
		t.Errorf("RefusedMessage = %q", msg)
	}
}

func TestNewTablePanics(t *testing.T) {
	read := runtime.Requirement{Scopes: [][]string{{"read"}}}
	tests := []struct {
		name   string
		routes []runtime.Route
		allow  []string
		want   string
	}{
		{"HTTP route", []runtime.Route{{Pattern: "GET /items"}}, nil, "not a full method name"},
		{"no method", []runtime.Route{{Pattern: "/items.v1.ItemService"}}, nil, "not a full method name"},
		{"dpop", []runtime.Route{{Pattern: "/a.S/M", Requirement: runtime.Requirement{DPoP: true}}}, nil, "DPoP"},
		{"conflict", []runtime.Route{{Pattern: "/a.S/M", Requirement: read}, {Pattern: "/a.S/M", Public: true}}, nil, "listed twice"},
		{"bad allow", nil, []string{"a.S/"}, "Allow"},
		{"bad allow 2", nil, []string{"/a.S/M/x"}, "Allow"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			defer func() {
				if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), tc.want) {
					t.Errorf("panic %v; want one containing %q", r, tc.want)
				}
			}()
			NewTable("gRPC", tc.routes, tc.allow, false)
		})
	}
	// The same method twice with the same requirement is fine (two tables
	// appended), and DPoP is accepted where the transport carries it.
	NewTable("Connect", []runtime.Route{{Pattern: "/a.S/M", Requirement: read}, {Pattern: "/a.S/M", Requirement: read}, {Pattern: "/a.S/N", Requirement: runtime.Requirement{DPoP: true}}}, nil, true)
}

func TestCodeOf(t *testing.T) {
	tests := []struct {
		err  error
		want Code
	}{
		{nil, OK},
		{&runtime.Error{Kind: runtime.ErrNoToken}, Unauthenticated},
		{&runtime.Error{Kind: runtime.ErrInvalidRequest}, Unauthenticated},
		{&runtime.Error{Kind: runtime.ErrInvalidToken}, Unauthenticated},
		{&runtime.Error{Kind: runtime.ErrInsufficientAuthentication}, Unauthenticated},
		{&runtime.Error{Kind: runtime.ErrInsufficient}, PermissionDenied},
		{&runtime.Error{Kind: runtime.ErrKeysUnavailable}, Unavailable},
	}
	for _, tc := range tests {
		if got := CodeOf(tc.err); got != tc.want {
			t.Errorf("CodeOf(%v) = %v; want %v", tc.err, got, tc.want)
		}
	}
}
