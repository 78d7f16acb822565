package main

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/axioms-go/axiomsgen/examples/demo"
	"github.com/axioms-go/axiomsgen/examples/demo/demotest"
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

// TestAPI runs every request -dev prints (DPoP and step-up included) with
// the status it promises, so the README's walkthrough stays true; path
// parameters, claims and typed claims reaching the handlers; the -dev
// printout; and every route's guard on the real handler, each refusal
// with its status and challenge and the smallest token that meets the
// requirement let through (axiomstest.Probe).
func TestAPI(t *testing.T) { demotest.Test(t, example(), AxiomsRoutes) }

// TestMetadata: with -dev, the API serves its metadata (RFC 9728) at the
// listener's URL, and scopes_supported is what the directives name
// (through the generated table, so a changed directive shows after go
// generate).
func TestMetadata(t *testing.T) {
	iss := axiomstest.New(t, axiomstest.WithAudience(demo.Audience))
	cfg := iss.Config()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	const base = "http://127.0.0.1:8080"
	e := example()
	if _, err := e.Configure(&cfg, base, true); err != nil {
		t.Fatal(err)
	}
	g, err := runtime.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	rec := httptest.NewRecorder()
	e.Routes(g).ServeHTTP(rec, httptest.NewRequest("GET", base+"/.well-known/oauth-protected-resource", nil))
	var meta struct {
		Resource string   `json:"resource"`
		Scopes   []string `json:"scopes_supported"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &meta) != nil {
		t.Fatalf("metadata = %d %s", rec.Code, rec.Body)
	}
	if meta.Resource != base || strings.Join(meta.Scopes, " ") != "admin read:items write:items" {
		t.Errorf("metadata %+v", meta)
	}
}
