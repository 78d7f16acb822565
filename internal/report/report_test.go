package report_test

import (
	"bytes"
	"flag"
	"go/token"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/axioms-go/axiomsgen/internal/discover"
	"github.com/axioms-go/axiomsgen/internal/report"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite testdata/report/*.txtar with the reports written now")

// routes are one route of each status, with the fields that reach a
// report: a host, a dynamic path, a reason, DPoP, a value to escape.
func routes(root string) []discover.Row {
	at := func(line int) token.Position {
		return token.Position{Filename: filepath.Join(root, "api", "routes.go"), Line: line, Column: 2}
	}
	return []discover.Row{
		{Method: "GET", Path: "/items", Handler: "example.com/app/api.List", Router: "axioms", Pos: at(10), Status: discover.Guarded, Requirement: "scopes(read|admin)"},
		{Method: "POST", Path: "/payments", Handler: "example.com/app/api.Pay", Router: "axioms", Pos: at(14), Status: discover.Guarded, Requirement: "permissions(pay) AND dpop", DPoP: true},
		{Method: "GET", Path: "/healthz", Handler: "example.com/app/api.Health", Router: "net/http", Pos: at(20), Status: discover.Public},
		{Method: "GET", Host: "admin.example.com", Path: "/debug/vars", Handler: "expvar.Handler", Router: "net/http", Pos: at(21), Status: discover.Unguarded},
		{Path: "{prefix}/x|y", Dynamic: "prefix", Handler: "example.com/app/api.X", Router: "chi", Pos: at(22), Status: discover.Unknown, Reason: "the path depends on prefix"},
		{Method: "GET", Path: "/items", Handler: "example.com/app/api.Metrics", Router: "chi", Pos: at(24), Status: discover.Shadowed, Reason: "never served: chi serves the generated route of example.com/app/api.List (guarded: scopes(read|admin)) instead"},
		{Method: "DELETE", Path: "/items/{id}", Handler: "example.com/app/api.Delete", Router: "axioms", Pos: at(30), Status: discover.Stale, Requirement: "roles(admin)", Reason: "api/axioms_gen.go is stale: the binary enforces what it says, not these directives"},
	}
}

// someProblems are one finding of each level, out of order.
func someProblems() []report.Finding {
	return []report.Finding{
		{File: "main.go", Line: 12, Column: 2, Level: report.LevelWarning, Rule: report.RuleShadowed, Message: "GET /items: also registered at api/routes.go:10"},
		{File: "api/routes.go", Line: 9, Column: 1, Level: report.LevelError, Rule: report.RuleDirective, Message: "unknown directive //axioms:scope; did you mean //axioms:scopes?"},
	}
}

// TestFormats compares each format's report of the same routes, byte for
// byte, with its golden archive in testdata/report (go test -update
// rewrites them).
func TestFormats(t *testing.T) {
	_, self, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(self), "..", "..", "testdata", "report")
	root := "/src/app"
	rep := report.New(routes(root), root)
	rep.AddProblems(someProblems()...)
	for _, tc := range []struct {
		format string
		write  func(*bytes.Buffer) error
	}{
		{"text", func(b *bytes.Buffer) error { return rep.WriteText(b) }},
		{"json", func(b *bytes.Buffer) error { return rep.WriteJSON(b) }},
		{"markdown", func(b *bytes.Buffer) error { return rep.WriteMarkdown(b) }},
		{"sarif", func(b *bytes.Buffer) error { return rep.WriteSARIF(b, "0.0.0-test") }},
	} {
		t.Run(tc.format, func(t *testing.T) {
			var got bytes.Buffer
			if err := tc.write(&got); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, tc.format+".txtar")
			if *update {
				ar := &txtar.Archive{
					Comment: []byte("The " + tc.format + " report of the routes of internal/report's TestFormats.\n"),
					Files:   []txtar.File{{Name: "report", Data: got.Bytes()}},
				}
				if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			ar, err := txtar.ParseFile(path)
			if err != nil {
				t.Fatalf("%v (go test -update writes it)", err)
			}
			if len(ar.Files) != 1 || ar.Files[0].Name != "report" {
				t.Fatalf("%s: want one file named report", path)
			}
			if want := ar.Files[0].Data; !bytes.Equal(got.Bytes(), want) {
				t.Errorf("%s report differs from %s (go test -update rewrites it):\ngot:\n%s\nwant:\n%s", tc.format, path, got.Bytes(), want)
			}
		})
	}
}

// TestRequireDPoPSkipsGRPC: -require-dpop never asks a gRPC method for
// DPoP, which a gRPC call cannot carry; the same method over Connect is
// asked.
func TestRequireDPoPSkipsGRPC(t *testing.T) {
	pos := token.Position{Filename: "/m/items/serve.go", Line: 3, Column: 2}
	rep := report.New([]discover.Row{
		{Method: "GRPC", Path: "/a.S/M", Router: "grpc", Status: discover.Guarded, Requirement: "scopes(x)", Kinds: []string{"scopes"}, Pos: pos},
		{Method: "CONNECT", Path: "/a.S/M", Router: "connect", Status: discover.Guarded, Requirement: "scopes(x)", Kinds: []string{"scopes"}, Pos: pos},
	}, "/m")
	got := rep.DPoPFindings([]string{"scopes"})
	if len(got) != 1 || got[0].Message[:len("CONNECT ")] != "CONNECT " {
		t.Errorf("findings %v; want one, for the Connect method", got)
	}
}
