package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	goruntime "runtime"
	"strings"
	"testing"
)

const guardedPkg = `package a

import (
	"net/http"

	"github.com/axioms-go/axiomsgen/runtime"
)

//axioms:route GET /x
//axioms:scopes read
func X(w http.ResponseWriter, r *http.Request) {}

//axioms:route GET /health
//axioms:public
func Health(w http.ResponseWriter, r *http.Request) {}

func Serve(g *runtime.Guard) http.Handler {
	mux := http.NewServeMux()
	RegisterRoutes(mux, g)
	return mux
}
`

// generated runs the generator in dir and fails the test on error.
func generated(t *testing.T, dir string) {
	t.Helper()
	t.Chdir(dir)
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"./..."}, &out, &errb); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, errb.String())
	}
}

func TestCheck(t *testing.T) {
	t.Run("clean", func(t *testing.T) {
		dir := module(t, map[string]string{"a/a.go": guardedPkg})
		generated(t, dir)
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{"check", "./..."}, &out, &errb); code != 0 {
			t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
		}
		if want := "axiomsgen check: ok: 2 routes: 1 guarded, 1 public, 0 unguarded, 0 unknown; coverage 100.0%"; strings.TrimSpace(out.String()) != want {
			t.Errorf("got %q", out.String())
		}
	})
	t.Run("an unguarded HandleFunc fails", func(t *testing.T) {
		src := strings.Replace(guardedPkg, "RegisterRoutes(mux, g)", "RegisterRoutes(mux, g)\n\tmux.HandleFunc(\"GET /debug/vars\", X)", 1)
		dir := module(t, map[string]string{"a/a.go": src})
		generated(t, dir)
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{"check", "./..."}, &out, &errb); code != 1 {
			t.Fatalf("exit %d, want 1\n%s%s", code, out.String(), errb.String())
		}
		want := "a/a.go:20:2: GET /debug/vars: unguarded route (handler example.com/app/a.X)"
		if !strings.HasPrefix(out.String(), want) {
			t.Errorf("got %q, want prefix %q", out.String(), want)
		}
	})
	t.Run("stale generated file", func(t *testing.T) {
		dir := module(t, map[string]string{"a/a.go": guardedPkg})
		generated(t, dir)
		// Change a requirement without regenerating.
		src := strings.Replace(guardedPkg, "//axioms:scopes read", "//axioms:scopes read write", 1)
		if err := os.WriteFile(filepath.Join(dir, "a", "a.go"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{"check", "./..."}, &out, &errb); code != 1 {
			t.Fatalf("exit %d, want 1\n%s%s", code, out.String(), errb.String())
		}
		for _, want := range []string{
			"a/axioms_gen.go:1:1: generated file is stale: run go generate",
			`-	{Pattern: "GET /x", Handler: "X", Requirement: runtime.Requirement{Scopes: [][]string{{"read"}}}`,
			`+	{Pattern: "GET /x", Handler: "X", Requirement: runtime.Requirement{Scopes: [][]string{{"read", "write"}}}`,
		} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("output lacks %q:\n%s", want, out.String())
			}
		}
	})
	t.Run("invalid directive", func(t *testing.T) {
		dir := module(t, map[string]string{"a/a.go": guardedPkg})
		generated(t, dir)
		src := strings.Replace(guardedPkg, "//axioms:scopes read", "//axioms:scope read", 1)
		os.WriteFile(filepath.Join(dir, "a", "a.go"), []byte(src), 0o644)
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{"check", "-json", "./..."}, &out, &errb); code != 1 {
			t.Fatalf("exit %d, want 1\n%s%s", code, out.String(), errb.String())
		}
		var doc struct {
			Findings []struct {
				File    string `json:"file"`
				Line    int    `json:"line"`
				Message string `json:"message"`
			} `json:"findings"`
		}
		if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out.String())
		}
		found := false
		for _, f := range doc.Findings {
			if f.File == "a/a.go" && f.Line == 10 && strings.Contains(f.Message, "did you mean //axioms:scopes?") {
				found = true
			}
		}
		if !found {
			t.Errorf("directive finding missing: %s", out.String())
		}
	})
	t.Run("recorded -register is honoured", func(t *testing.T) {
		src := strings.Replace(guardedPkg, "RegisterRoutes(mux, g)", "RegisterAPI(mux, g)", 1)
		dir := module(t, map[string]string{"a/a.go": src})
		t.Chdir(dir)
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{"-register", "RegisterAPI", "./..."}, &out, &errb); code != 0 {
			t.Fatalf("generate: %d %s", code, errb.String())
		}
		out.Reset()
		if code := run(context.Background(), []string{"check", "./..."}, &out, &errb); code != 0 {
			t.Fatalf("check with recorded options: exit %d\n%s", code, out.String())
		}
	})
}

func TestReportFormats(t *testing.T) {
	dir := module(t, map[string]string{"a/a.go": strings.Replace(guardedPkg, "RegisterRoutes(mux, g)", "RegisterRoutes(mux, g)\n\tmux.HandleFunc(\"GET /open\", X)", 1)})
	generated(t, dir)
	for _, tt := range []struct {
		format string
		check  func(t *testing.T, out string)
	}{
		{"text", func(t *testing.T, out string) {
			if !strings.Contains(out, "unguarded  GET     /open") || !strings.Contains(out, "3 routes: 1 guarded, 1 public, 1 unguarded, 0 unknown; coverage 50.0%") {
				t.Errorf("text:\n%s", out)
			}
		}},
		{"json", func(t *testing.T, out string) {
			var doc struct {
				Routes []struct {
					Method, Path, Handler, File, Status, Requirement string
					Line                                             int
				} `json:"routes"`
				Summary struct {
					Total, Guarded, Public, Unguarded, Unknown int
					Coverage                                   float64
				} `json:"summary"`
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Summary.Total != 3 || doc.Summary.Coverage != 0.5 || len(doc.Routes) != 3 || doc.Routes[0].File != "a/a.go" || doc.Routes[0].Path != "/x" || doc.Routes[0].Requirement != "scopes(read)" {
				t.Errorf("json: %+v", doc)
			}
		}},
		{"markdown", func(t *testing.T, out string) {
			if !strings.Contains(out, "## Route guard coverage: 50.0%") || !strings.Contains(out, "| ❌ unguarded | `GET /open` |") {
				t.Errorf("markdown:\n%s", out)
			}
		}},
		{"sarif", func(t *testing.T, out string) {
			var doc struct {
				Version string `json:"version"`
				Runs    []struct {
					Results []struct {
						RuleID string `json:"ruleId"`
					} `json:"results"`
				} `json:"runs"`
			}
			if err := json.Unmarshal([]byte(out), &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Version != "2.1.0" || len(doc.Runs) != 1 || len(doc.Runs[0].Results) != 1 || doc.Runs[0].Results[0].RuleID != "axioms/unguarded" {
				t.Errorf("sarif: %s", out)
			}
		}},
	} {
		t.Run(tt.format, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(context.Background(), []string{"report", "-format", tt.format, "./..."}, &out, &errb); code != 0 {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			tt.check(t, out.String())
		})
	}
}

// TestExamplesAllGuarded: the report of the example API is complete (every
// route it serves) and all guarded, and check passes on it.
func TestExamplesAllGuarded(t *testing.T) {
	_, self, _, _ := goruntime.Caller(0)
	t.Chdir(filepath.Join(filepath.Dir(self), "..", ".."))
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"report", "-format", "json", "./examples/..."}, &out, &errb); code != 0 {
		t.Fatalf("report: exit %d: %s", code, errb.String())
	}
	var doc struct {
		Routes []struct{ Method, Path, Status string } `json:"routes"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range doc.Routes {
		got = append(got, r.Status+" "+r.Method+" "+r.Path)
	}
	want := []string{
		"public GET /.well-known/oauth-protected-resource{resource path}", // the resource's metadata, at a path the configuration gives
		"public GET /healthz", "guarded GET /items", "guarded GET /items/{id}", "guarded POST /items",
		"guarded DELETE /items/{id}", "guarded POST /payouts", "guarded GET /me", "guarded GET /tenant",
		"guarded POST /account/close",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("routes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	out.Reset()
	if code := run(context.Background(), []string{"check", "./examples/..."}, &out, &errb); code != 0 {
		t.Fatalf("check: exit %d\n%s", code, out.String())
	}
}

// TestRouterExamplesAllGuarded: each router's example (its own module,
// the real router) is reported complete and all guarded, in that router's
// path syntax, and check passes on it (generated file up to date).
func TestRouterExamplesAllGuarded(t *testing.T) {
	_, self, _, _ := goruntime.Caller(0)
	root := filepath.Join(filepath.Dir(self), "..", "..")
	for _, tt := range []struct{ dir, param string }{
		{"chi", "{id}"}, {"gorilla", "{id}"}, {"gin", ":id"}, {"echo", ":id"},
	} {
		t.Run(tt.dir, func(t *testing.T) {
			t.Chdir(filepath.Join(root, "examples", tt.dir))
			// The real router is only ever taken from the module cache:
			// the suite runs offline, and CI tests the examples with
			// their routers on its own.
			t.Setenv("GOPROXY", "off")
			var out, errb bytes.Buffer
			code := run(context.Background(), []string{"report", "-format", "json", "./..."}, &out, &errb)
			if strings.Contains(errb.String(), "GOPROXY=off") {
				t.Skipf("the example's router is not in the module cache (go mod download in examples/%s): %s", tt.dir, errb.String())
			}
			if code != 0 {
				t.Fatalf("report: exit %d: %s", code, errb.String())
			}
			var doc struct {
				Routes  []struct{ Method, Path, Status string } `json:"routes"`
				Summary struct{ Coverage float64 }              `json:"summary"`
			}
			if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range doc.Routes {
				got = append(got, r.Status+" "+r.Method+" "+r.Path)
			}
			want := []string{
				"public GET /healthz", "guarded GET /items/" + tt.param, "guarded POST /items",
				"guarded DELETE /items/" + tt.param, "guarded GET /tenant",
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") || doc.Summary.Coverage != 1 {
				t.Errorf("coverage %v, routes:\n%s\nwant:\n%s", doc.Summary.Coverage, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			out.Reset()
			if code := run(context.Background(), []string{"check", "./..."}, &out, &errb); code != 0 {
				t.Fatalf("check: exit %d\n%s%s", code, out.String(), errb.String())
			}
		})
	}
}

const dpopPkg = `package a

import (
	"net/http"

	"github.com/axioms-go/axiomsgen/runtime"
)

//axioms:route POST /payments
//axioms:permissions payments:create
//axioms:dpop
func Pay(w http.ResponseWriter, r *http.Request) {}

//axioms:route DELETE /items/{id}
//axioms:permissions items:delete
func Delete(w http.ResponseWriter, r *http.Request) {}

//axioms:route GET /items
//axioms:scopes read
func List(w http.ResponseWriter, r *http.Request) {}

func Serve(g *runtime.Guard) http.Handler {
	mux := http.NewServeMux()
	RegisterRoutes(mux, g)
	mux.Handle("POST /refunds", g.Handler(runtime.Requirement{Permissions: [][]string{{"refunds"}}, DPoP: true}, http.HandlerFunc(List)))
	return mux
}
`

// TestDPoPReportAndCheck: the report says per route whether it requires
// DPoP (hand-written requirements included), and check -require-dpop
// fails on routes of the named kinds without it.
func TestDPoPReportAndCheck(t *testing.T) {
	dir := module(t, map[string]string{"a/a.go": dpopPkg})
	generated(t, dir)
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"report", "-format", "json", "./..."}, &out, &errb); code != 0 {
		t.Fatalf("report: exit %d: %s", code, errb.String())
	}
	var doc struct {
		Routes []struct {
			Method, Path, Requirement string
			DPoP                      bool
		} `json:"routes"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range doc.Routes {
		got = append(got, fmt.Sprintf("%s %s dpop=%v %s", r.Method, r.Path, r.DPoP, r.Requirement))
	}
	want := []string{
		"POST /payments dpop=true permissions(payments:create) AND dpop",
		"DELETE /items/{id} dpop=false permissions(items:delete)",
		"GET /items dpop=false scopes(read)",
		"POST /refunds dpop=true permissions(refunds) AND dpop",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("routes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	out.Reset()
	if code := run(context.Background(), []string{"check", "./..."}, &out, &errb); code != 0 {
		t.Fatalf("check without -require-dpop: exit %d\n%s", code, out.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"check", "-require-dpop", "permissions", "./..."}, &out, &errb); code != 1 {
		t.Fatalf("check -require-dpop permissions: exit %d\n%s", code, out.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || lines[1] != "axiomsgen check: failed: 1 error, 0 warnings; 4 routes: 4 guarded, 0 public, 0 unguarded, 0 unknown; coverage 100.0%" || !strings.Contains(lines[0], "a/a.go:") || !strings.Contains(lines[0], "DELETE /items/{id}: route guarded by permissions(items:delete) does not require DPoP") {
		t.Errorf("findings:\n%s", out.String())
	}
	out.Reset()
	if code := run(context.Background(), []string{"check", "-require-dpop", "authenticated", "./..."}, &out, &errb); code != 1 || strings.Count(out.String(), "does not require DPoP") != 2 {
		t.Errorf("check -require-dpop authenticated: exit %d\n%s", code, out.String())
	}
	errb.Reset()
	if code := run(context.Background(), []string{"check", "-require-dpop", "admins", "./..."}, &out, &errb); code != 2 || !strings.Contains(errb.String(), "scopes, roles, permissions, authenticated") {
		t.Errorf("bad -require-dpop value: exit %d %s", code, errb.String())
	}
}

// TestRequireDPoPReadsKinds: -require-dpop judges a route by the kinds
// its requirement has, never by the text: a scope whose value reads
// "roles(x)" is not a role requirement, and a hand-written requirement
// whose DPoP is a named constant requires DPoP.
func TestRequireDPoPReadsKinds(t *testing.T) {
	src := `package a

import (
	"net/http"

	"github.com/axioms-go/axiomsgen/runtime"
)

const dpop = true

//axioms:route GET /odd
//axioms:scopes roles(x)
func Odd(w http.ResponseWriter, r *http.Request) {}

func Serve(g *runtime.Guard) http.Handler {
	mux := http.NewServeMux()
	RegisterRoutes(mux, g)
	mux.Handle("POST /pay", g.Handler(runtime.Requirement{Roles: [][]string{{"payer"}}, DPoP: dpop}, http.HandlerFunc(Odd)))
	return mux
}
`
	dir := module(t, map[string]string{"a/a.go": src})
	generated(t, dir)
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"check", "-require-dpop", "roles", "./..."}, &out, &errb); code != 0 {
		t.Errorf("check -require-dpop roles: exit %d, want 0\n%s%s", code, out.String(), errb.String())
	}
}

// TestCheckRecordedTags: a file generated with -tags records them
// (normalised: any separators, any order); check run with the same tags
// passes, with other tags it says so instead of calling the file stale,
// and packages without a generated file are judged as always.
func TestCheckRecordedTags(t *testing.T) {
	dir := module(t, map[string]string{
		"a/a.go":          "package a\n\nimport \"net/http\"\n\n//axioms:route GET /x\n//axioms:scopes read\nfunc X(w http.ResponseWriter, r *http.Request) {}\n",
		"a/enterprise.go": "//go:build enterprise\n\npackage a\n\nimport \"net/http\"\n\n//axioms:route GET /audit\n//axioms:roles auditor\nfunc Audit(w http.ResponseWriter, r *http.Request) {}\n",
		"b/b.go":          "package b\n\nfunc B() {}\n",
	})
	t.Chdir(dir)
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"-tags", "enterprise, audit", "./..."}, &out, &errb); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, errb.String())
	}
	gen, _ := os.ReadFile(filepath.Join(dir, "a", "axioms_gen.go"))
	if !strings.Contains(string(gen), "-tags=audit,enterprise\n") {
		t.Errorf("header does not record the normalised tags:\n%s", gen)
	}
	for _, tags := range []string{"audit,enterprise", "enterprise audit", "enterprise,audit,audit"} {
		out.Reset()
		if code := run(context.Background(), []string{"check", "-tags", tags, "./..."}, &out, &errb); code != 0 {
			t.Errorf("check -tags %q: exit %d\n%s", tags, code, out.String())
		}
	}
	out.Reset()
	if code := run(context.Background(), []string{"check", "./..."}, &out, &errb); code != 1 ||
		!strings.Contains(out.String(), `a/axioms_gen.go:1:1: generated with -tags="audit,enterprise" but checked with -tags=""`) ||
		strings.Contains(out.String(), "stale") || strings.Contains(out.String(), "b/") {
		t.Fatalf("check without the tags: exit %d\n%s", code, out.String())
	}
}

// brokenPkg imports a module that is not in go.mod (as when a dependency
// cannot be downloaded): the package does not type-check.
const brokenPkg = `package b

import (
	"net/http"

	"example.com/missing/dep"
)

func Serve() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /b-open", open)
	mux.Handle("GET /b-dep", dep.Handler())
	return mux
}

func open(w http.ResponseWriter, r *http.Request) {}
`

// TestPartialBuild: on a module where one package does not type-check,
// report lists every route it can find (rows it cannot resolve are
// unknown, with the reason), names the broken package on stderr and
// exits 0; check prints its findings, then exits 2.
func TestPartialBuild(t *testing.T) {
	dir := module(t, map[string]string{"a/a.go": guardedPkg, "b/b.go": brokenPkg})
	t.Chdir(dir)
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"./a"}, &out, &errb); code != 0 {
		t.Fatalf("generate ./a: exit %d: %s", code, errb.String())
	}

	out.Reset()
	errb.Reset()
	if code := run(context.Background(), []string{"report", "-format", "json", "./..."}, &out, &errb); code != 0 {
		t.Fatalf("report: exit %d, want 0\n%s%s", code, out.String(), errb.String())
	}
	if !strings.Contains(errb.String(), "example.com/app/b") {
		t.Errorf("stderr does not name the broken package:\n%s", errb.String())
	}
	var doc struct {
		Routes []struct{ Method, Path, Status, Reason string } `json:"routes"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	var got []string
	for _, r := range doc.Routes {
		got = append(got, fmt.Sprintf("%s %s %s %s", r.Status, r.Method, r.Path, r.Reason))
	}
	want := []string{
		"guarded GET /x ",
		"public GET /health ",
		"unguarded GET /b-open ",
		"unknown GET /b-dep the handler's type is missing: its package does not compile",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("routes:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	out.Reset()
	errb.Reset()
	if code := run(context.Background(), []string{"check", "./..."}, &out, &errb); code != 2 {
		t.Fatalf("check: exit %d, want 2\n%s%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "GET /b-open: unguarded route") || !strings.Contains(errb.String(), "example.com/app/b") {
		t.Errorf("check did not print its findings and the broken package:\nstdout:\n%s\nstderr:\n%s", out.String(), errb.String())
	}
}

// TestGRPCExample: the gRPC/Connect example (its own module) is reported
// method by method, every method guarded or public, and check passes.
func TestGRPCExample(t *testing.T) {
	_, self, _, _ := goruntime.Caller(0)
	t.Chdir(filepath.Join(filepath.Dir(self), "..", "..", "examples", "grpc"))
	t.Setenv("GOPROXY", "off")
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"report", "-format", "json", "./..."}, &out, &errb)
	if strings.Contains(errb.String(), "GOPROXY=off") {
		t.Skipf("grpc and connect are not in the module cache (go mod download in examples/grpc): %s", errb.String())
	}
	if code != 0 {
		t.Fatalf("report: exit %d: %s", code, errb.String())
	}
	var doc struct {
		Routes []struct{ Method, Path, Status, Requirement, Router string } `json:"routes"`
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range doc.Routes {
		got[r.Method+" "+r.Path] = r.Status + " " + r.Requirement
	}
	want := map[string]string{}
	for _, m := range []string{"GRPC", "CONNECT"} {
		want[m+" /items.v1.ItemService/Ping"] = "public "
		want[m+" /items.v1.ItemService/WhoAmI"] = "guarded authenticated"
		want[m+" /items.v1.ItemService/GetItem"] = "guarded scopes(read:items|admin)"
		want[m+" /items.v1.ItemService/ListItems"] = "guarded scopes(read:items|admin)"
		want[m+" /items.v1.ItemService/UploadItems"] = "guarded scopes(write:items) AND roles(editor|admin)"
		want[m+" /items.v1.ItemService/SyncItems"] = "guarded permissions(items:sync)"
	}
	want["GRPC /items.v1.ItemService/DeleteItem"] = "guarded permissions(items:delete)"
	want["CONNECT /items.v1.ItemService/DeleteItem"] = "guarded permissions(items:delete) AND dpop"
	for _, m := range []string{"Check", "List", "Watch"} {
		want["GRPC /grpc.health.v1.Health/"+m] = "public "
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q; want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("%d rows; want %d: %v", len(got), len(want), got)
	}
	out.Reset()
	if code := run(context.Background(), []string{"check", "./..."}, &out, &errb); code != 0 {
		t.Fatalf("check: exit %d\n%s%s", code, out.String(), errb.String())
	}
}

// TestCheckRPCFindings: check fails on a service registered on a server
// without the guard, on a server guarding unary methods only, and on a
// registered method that has no directive (refused by the guard).
func TestCheckRPCFindings(t *testing.T) {
	_, self, _, _ := goruntime.Caller(0)
	t.Chdir(filepath.Join(filepath.Dir(self), "..", "..", "testdata", "discover"))
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"check", "./rpc"}, &out, &errb); code != exitFindings {
		t.Fatalf("check: exit %d; want %d\n%s%s", code, exitFindings, out.String(), errb.String())
	}
	for _, want := range []string{
		"rpc/rpc.go:42:2: GRPC /notes.v1.NoteService/Stats: method without a directive (handler (example.com/routes/rpc/pb.UnimplementedNoteServiceServer).Stats)",
		"rpc/rpc.go:47:2: GRPC /notes.v1.NoteService/GetNote: unguarded route (handler (*example.com/routes/rpc.Notes).GetNote): NoteService is registered on a server without the axioms guard",
		"rpc/rpc.go:53:2: GRPC /notes.v1.NoteService/WatchNotes: unguarded route (handler (*example.com/routes/rpc.Notes).WatchNotes): the server has the axioms guard for unary methods only",
		"rpc/rpc.go:76:13: CONNECT /notes.v1.NoteService/GetNote: unguarded route",
		"rpc/rpc.go:67:13: CONNECT /notes.v1.NoteService/Stats: method without a directive",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("check output lacks %q:\n%s", want, out.String())
		}
	}
	// A helper that mounts a Connect handler and registers a route at one
	// of its procedures, run twice: the shadowing is said once.
	if n := strings.Count(out.String(), "rpc/mounted.go:84:13: CONNECT /notes.v1.NoteService/GetNote: also registered at"); n != 1 {
		t.Errorf("the shadowing of the twice-run helper is said %d times, want once:\n%s", n, out.String())
	}
}

// TestGRPCExampleStale: with the generated method tables missing, the
// rows whose requirement comes from them are stale (never guarded), and
// check gives one finding where the directives are.
func TestGRPCExampleStale(t *testing.T) {
	dir := copyGRPCExample(t)
	if err := os.Remove(filepath.Join(dir, "items", "axioms_gen.go")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOFLAGS", "-mod=mod")
	var out, errb bytes.Buffer
	code := run(context.Background(), []string{"check", "./..."}, &out, &errb)
	if strings.Contains(errb.String(), "GOPROXY=off") {
		t.Skipf("grpc and connect are not in the module cache: %s", errb.String())
	}
	if code != exitFindings {
		t.Fatalf("check: exit %d; want %d\n%s%s", code, exitFindings, out.String(), errb.String())
	}
	for _, want := range []string{"items/connect.go:24:1: items/axioms_gen.go is missing: run go generate", "14 stale"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("check output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), " guarded,") && !strings.Contains(out.String(), " 0 guarded,") {
		t.Errorf("rows reported guarded without their generated table:\n%s", out.String())
	}
}

// copyGRPCExample copies examples/grpc into a temporary module that
// points at this repository.
func copyGRPCExample(t *testing.T) string {
	t.Helper()
	_, self, _, _ := goruntime.Caller(0)
	root := filepath.Join(filepath.Dir(self), "..", "..")
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(filepath.Join(root, "examples", "grpc"))); err != nil {
		t.Fatal(err)
	}
	mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	abs, _ := filepath.Abs(root)
	mod = []byte(strings.NewReplacer("=> ../../", "=> "+abs+"/", "=> ../..\n", "=> "+abs+"\n").Replace(string(mod)))
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), mod, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestGRPCExampleStaleDirective: a directive edited without go generate
// makes the method's rows stale with the requirement the generated table
// (the binary) enforces, not the edited one.
func TestGRPCExampleStaleDirective(t *testing.T) {
	dir := copyGRPCExample(t)
	file := filepath.Join(dir, "items", "grpc.go")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(src), "//axioms:scopes read:items admin", "//axioms:scopes write:items", 1)
	if edited == string(src) {
		t.Fatal("examples/grpc/items/grpc.go has no //axioms:scopes read:items admin to edit")
	}
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOFLAGS", "-mod=mod")
	var out, errb bytes.Buffer
	run(context.Background(), []string{"report", "-format", "json", "./..."}, &out, &errb)
	if strings.Contains(errb.String(), "GOPROXY=off") {
		t.Skipf("grpc and connect are not in the module cache: %s", errb.String())
	}
	var doc struct {
		Routes []struct{ Method, Path, Status, Requirement, Reason string }
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s%s", err, out.String(), errb.String())
	}
	n := 0
	for _, r := range doc.Routes {
		if r.Method != "GRPC" || r.Path != "/items.v1.ItemService/GetItem" {
			continue
		}
		n++
		if r.Status != "stale" || !strings.Contains(r.Requirement, "read:items") || strings.Contains(r.Requirement, "write:items") {
			t.Errorf("GRPC GetItem: %s %q (%s); want stale with the generated requirement (read:items or admin)", r.Status, r.Requirement, r.Reason)
		}
	}
	if n == 0 {
		t.Errorf("no GRPC GetItem row:\n%s", out.String())
	}
}

// TestGRPCExampleStaleTableLacksMethod: a method whose directive the
// stale generated table lacks is refused by the binary; its rows are stale
// (go generate is the fix), never "method without a directive".
func TestGRPCExampleStaleTableLacksMethod(t *testing.T) {
	dir := copyGRPCExample(t)
	file := filepath.Join(dir, "items", "axioms_gen.go")
	src, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var kept []string
	for _, line := range strings.Split(string(src), "\n") {
		if !strings.Contains(line, "{Pattern: itemsv1.ItemService_GetItem_FullMethodName,") {
			kept = append(kept, line)
		}
	}
	if len(kept) == len(strings.Split(string(src), "\n")) {
		t.Fatal("examples/grpc/items/axioms_gen.go has no GetItem entry to remove")
	}
	if err := os.WriteFile(file, []byte(strings.Join(kept, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Chdir(dir)
	t.Setenv("GOPROXY", "off")
	t.Setenv("GOFLAGS", "-mod=mod")
	var out, errb bytes.Buffer
	run(context.Background(), []string{"report", "-format", "json", "./..."}, &out, &errb)
	if strings.Contains(errb.String(), "GOPROXY=off") {
		t.Skipf("grpc and connect are not in the module cache: %s", errb.String())
	}
	var doc struct {
		Routes []struct{ Method, Path, Status, Requirement, Reason, Problem string }
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("%v\n%s%s", err, out.String(), errb.String())
	}
	n := 0
	for _, r := range doc.Routes {
		if r.Method != "GRPC" || r.Path != "/items.v1.ItemService/GetItem" {
			continue
		}
		n++
		if r.Status != "stale" || r.Problem != "" || !strings.Contains(r.Requirement, "not in the generated table") {
			t.Errorf("GRPC GetItem: %s %q, problem %q; want stale, refused as not in the generated table, no problem", r.Status, r.Requirement, r.Problem)
		}
	}
	if n == 0 {
		t.Errorf("no GRPC GetItem row:\n%s", out.String())
	}
	out.Reset()
	run(context.Background(), []string{"check", "./..."}, &out, &errb)
	if strings.Contains(out.String(), "GetItem: method without a directive") {
		t.Errorf("check calls GetItem a method without a directive:\n%s", out.String())
	}
}

// TestReportRowProblems: a gRPC or Connect method the guard refuses for
// lack of a directive is a problem in every format of the report (listed
// and counted), and check gives it once.
func TestReportRowProblems(t *testing.T) {
	_, self, _, _ := goruntime.Caller(0)
	t.Chdir(filepath.Join(filepath.Dir(self), "..", "..", "testdata", "discover"))
	const (
		refused = "rpc/rpc.go:42:2: GRPC /notes.v1.NoteService/Stats: method without a directive"
		marker  = "method without a directive"
		count   = 13 // the methods of ./rpc the guard refuses, each registration apart
	)
	for _, format := range []string{"text", "markdown", "json"} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{"report", "-format", format, "./rpc"}, &out, &errb); code != exitOK {
			t.Fatalf("report -format %s: exit %d\n%s", format, code, errb.String())
		}
		switch format {
		case "json":
			var doc struct {
				Problems []struct{ File, Message string }
			}
			if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			n := 0
			for _, p := range doc.Problems {
				if strings.Contains(p.Message, marker) {
					n++
				}
			}
			if n != count {
				t.Errorf("json: %d problems of refused methods, want %d: %+v", n, count, doc.Problems)
			}
		case "text":
			_, problems, _ := strings.Cut(out.String(), "\nPROBLEMS\n")
			lines := strings.Split(strings.TrimSpace(problems), "\n")
			summary := lines[len(lines)-1]
			if n := strings.Count(problems, marker); n != count {
				t.Errorf("text: %d refused methods under PROBLEMS, want %d:\n%s", n, count, out.String())
			}
			var errs, warnings int
			if i := strings.LastIndex(summary, "; "); i < 0 || func() bool {
				_, err := fmt.Sscanf(summary[i+2:], "problems: %d error", &errs)
				if j := strings.Index(summary[i:], ", "); err == nil && j >= 0 {
					_, err = fmt.Sscanf(summary[i+j+2:], "%d warning", &warnings)
				}
				return err != nil
			}() || errs+warnings != len(lines)-1 {
				t.Errorf("text: summary %q does not count the %d problems", summary, len(lines)-1)
			}
		default:
			if n := strings.Count(out.String(), marker); n != count {
				t.Errorf("%s: %d refused methods, want %d:\n%s", format, n, count, out.String())
			}
		}
	}
	var out, errb bytes.Buffer
	run(context.Background(), []string{"check", "./rpc"}, &out, &errb)
	if n := strings.Count(out.String(), refused); n != 1 {
		t.Errorf("check gives %q %d times, want once:\n%s", refused, n, out.String())
	}
}
