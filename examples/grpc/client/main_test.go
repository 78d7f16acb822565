package main

import (
	"bytes"
	"net"
	"strings"
	"testing"

	"github.com/axioms-go/axiomsgen/examples/grpc/items"
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

func TestClient(t *testing.T) {
	iss := axiomstest.New(t)
	g, err := runtime.New(t.Context(), iss.Config())
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	s := items.NewGRPCServer(g, items.NewStore())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go s.Serve(ln)
	defer s.Stop()
	addr := ln.Addr().String()
	reader := iss.Token(t, axiomstest.WithScopes("read:items"))

	tests := []struct {
		args []string
		code int
		out  []string
	}{
		{[]string{"-addr", addr, "Ping"}, 0, []string{`{"message":"pong"}`}},
		{[]string{"-addr", addr, "-token", reader, "GetItem", "1"}, 0, []string{`{"id":"1","name":"first"}`}},
		{[]string{"-addr", addr, "-token", reader, "ListItems"}, 0, []string{`"id":"1"`, `"id":"2"`}},
		{[]string{"-addr", addr, "GetItem", "1"}, 1, []string{"Unauthenticated: unauthorized: ", `www-authenticate: Bearer realm="api"`}},
		{[]string{"-addr", addr, "-token", reader, "UploadItems"}, 1, []string{"PermissionDenied: insufficient_scope: "}},
		{[]string{"-addr", addr}, 2, nil},
	}
	for _, tc := range tests {
		var stdout, stderr bytes.Buffer
		code := run(t.Context(), tc.args, &stdout, &stderr)
		if code != tc.code {
			t.Errorf("%v: exit %d; want %d\n%s%s", tc.args[len(tc.args)-1], code, tc.code, stdout.String(), stderr.String())
		}
		// protojson varies its spacing on purpose: compare without it.
		flat := strings.ReplaceAll(stdout.String(), " ", "")
		for _, want := range tc.out {
			if !strings.Contains(flat, strings.ReplaceAll(want, " ", "")) {
				t.Errorf("%v: output %q lacks %q", tc.args[len(tc.args)-1], stdout.String(), want)
			}
		}
		if strings.Contains(stdout.String(), reader) {
			t.Errorf("%v: the output echoes the token", tc.args[len(tc.args)-1])
		}
	}
}
