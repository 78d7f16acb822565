package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runIn runs axiomsgen with args and returns its exit code and output.
func runIn(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestOpenAPICommand(t *testing.T) {
	dir := module(t, map[string]string{"a/a.go": guardedPkg})
	generated(t, dir)

	code, doc, stderr := runIn(t, "openapi", "./...")
	if code != 0 {
		t.Fatalf("openapi: exit %d: %s", code, stderr)
	}
	for _, want := range []string{"openapi: 3.1.0", "  /x:\n    get:", "- bearer:\n            - read", "  /health:\n    get:", "security: []"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the document lacks %q:\n%s", want, doc)
		}
	}
	t.Run("-o writes the same document", func(t *testing.T) {
		if code, _, stderr := runIn(t, "openapi", "-o", "spec.yaml", "./..."); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if b, err := os.ReadFile(filepath.Join(dir, "spec.yaml")); err != nil || string(b) != doc {
			t.Errorf("spec.yaml differs from standard output (%v)", err)
		}
	})
	t.Run("-format json", func(t *testing.T) {
		code, js, stderr := runIn(t, "openapi", "-format", "json", "-issuer", "https://issuer.example", "./...")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var v struct {
			OpenAPI    string `json:"openapi"`
			Components struct {
				SecuritySchemes map[string]struct {
					Type             string `json:"type"`
					OpenIDConnectURL string `json:"openIdConnectUrl"`
				} `json:"securitySchemes"`
			} `json:"components"`
		}
		if err := json.Unmarshal([]byte(js), &v); err != nil {
			t.Fatal(err)
		}
		if s := v.Components.SecuritySchemes["oidc"]; v.OpenAPI != "3.1.0" || s.Type != "openIdConnect" || s.OpenIDConnectURL != "https://issuer.example/.well-known/openid-configuration" {
			t.Errorf("got %+v", v)
		}
	})
	t.Run("usage errors", func(t *testing.T) {
		for _, args := range [][]string{
			{"openapi", "-format", "xml"},
			{"openapi", "-merge", "spec.yaml", "-o", "x.yaml"},
			{"openapi", "-merge", "missing.yaml"},
			{"check", "-openapi", "missing.yaml", "./..."},
		} {
			if code, _, _ := runIn(t, args...); code != exitUsage {
				t.Errorf("%v: exit %d, want %d", args, code, exitUsage)
			}
		}
	})
	t.Run("check -openapi passes on the generated document", func(t *testing.T) {
		if code, out, stderr := runIn(t, "check", "-openapi", "spec.yaml", "./..."); code != 0 {
			t.Errorf("exit %d:\n%s%s", code, out, stderr)
		}
	})
	// The document drifts: GET /x is public in it.
	drifted := strings.Replace(doc, "      security:\n        - bearer:\n            - read\n", "      security: []\n", 1)
	if drifted == doc {
		t.Fatal("the document's security of GET /x is not where the test expects it")
	}
	if err := os.WriteFile(filepath.Join(dir, "drift.yaml"), []byte(drifted), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("check -openapi finds the drift", func(t *testing.T) {
		code, out, _ := runIn(t, "check", "-openapi", "drift.yaml", "./...")
		if want := "a/a.go:11:1: GET /x: drift.yaml:"; code != exitFindings || !strings.Contains(out, want) || !strings.Contains(out, "marks it public, but the code requires scopes(read)") {
			t.Errorf("exit %d, want %d and a finding %q...:\n%s", code, exitFindings, want, out)
		}
		code, out, _ = runIn(t, "check", "-json", "-openapi", "drift.yaml", "./...")
		var v struct {
			Findings []struct{ File, Message string }
		}
		if err := json.Unmarshal([]byte(out), &v); err != nil || code != exitFindings || len(v.Findings) != 1 || v.Findings[0].File != "a/a.go" {
			t.Errorf("-json: exit %d, %v: %s", code, err, out)
		}
	})
	t.Run("-merge repairs the document in place", func(t *testing.T) {
		code, _, stderr := runIn(t, "openapi", "-merge", "drift.yaml", "./...")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if code, out, stderr := runIn(t, "check", "-openapi", "drift.yaml", "./..."); code != 0 {
			t.Errorf("after -merge: exit %d:\n%s%s", code, out, stderr)
		}
	})
}

const handRegistered = `package a

import (
	"net/http"

	"github.com/axioms-go/axiomsgen/runtime"
)

// Admin is for administrators.
func Admin(w http.ResponseWriter, r *http.Request) {}

func open(w http.ResponseWriter, r *http.Request) {}

func Serve(g *runtime.Guard, check func(http.Handler) http.Handler) http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /admin/{user}", g.Handler(runtime.Requirement{Scopes: [][]string{{"admin"}}, Roles: [][]string{{"ops"}}}, http.HandlerFunc(Admin)))
	mux.HandleFunc("POST /open", open)
	mux.HandleFunc("/debug", open) // every method
	return mux
}
`

// TestOpenAPIHandRegistered: routes registered by hand are in the
// document too: a runtime.Requirement literal read exactly, an unguarded
// route marked, and a route of every method named on stderr.
func TestOpenAPIHandRegistered(t *testing.T) {
	dir := module(t, map[string]string{"a/a.go": handRegistered})
	t.Chdir(dir)
	code, doc, stderr := runIn(t, "openapi", "./...")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	for _, want := range []string{
		"  /admin/{user}:\n    get:",
		"- name: user\n          in: path\n          required: true",
		"security:\n        - bearer:\n            - admin\n      x-axioms-requirement:\n        text: scopes(admin) AND roles(ops)",
		"  /open:\n    post:",
		"security: []\n      x-axioms-unguarded: true",
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("the document lacks %q:\n%s", want, doc)
		}
	}
	if strings.Contains(doc, "/debug") {
		t.Errorf("a route of every method is in the document:\n%s", doc)
	}
	if want := "a/a.go:18:2: /debug: not in the document: the route matches every method"; !strings.Contains(stderr, want) {
		t.Errorf("stderr lacks %q:\n%s", want, stderr)
	}
}
