package openapi_test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/axioms-go/axiomsgen/internal/discover"
	"github.com/axioms-go/axiomsgen/internal/openapi"
	"golang.org/x/tools/txtar"
)

// TestDrift runs drift on each archive's document against examples/api:
// the findings, one per line, must be the archive's want.
func TestDrift(t *testing.T) {
	for _, tc := range []struct{ archive, spec string }{
		{"drift.txtar", "spec.yaml"},
		{"drift_swaggo.txtar", "swagger.yaml"},
	} {
		t.Run(tc.archive, func(t *testing.T) {
			ar, err := txtar.ParseFile(filepath.Join("testdata", tc.archive))
			if err != nil {
				t.Fatal(err)
			}
			var spec []byte
			for _, f := range ar.Files {
				if f.Name == tc.spec {
					spec = f.Data
				}
			}
			if spec == nil {
				t.Fatalf("%s has no %s", tc.archive, tc.spec)
			}
			res := example(t)
			findings, err := openapi.Drift(spec, tc.spec, res.Routes, res.Root)
			if err != nil {
				t.Fatal(err)
			}
			var lines []string
			for _, f := range findings {
				lines = append(lines, f.String())
			}
			golden(t, tc.archive, "want", []byte(strings.Join(lines, "\n")+"\n"))
		})
	}
}

// TestDriftRefuses: a document drift cannot read whole is an error, never
// a list of findings made from part of it.
func TestDriftRefuses(t *testing.T) {
	res := example(t)
	for _, tc := range []struct{ name, spec, want string }{
		{"unresolved reference", "openapi: 3.1.0\ninfo: {title: x, version: \"1\"}\npaths:\n  /items:\n    get:\n      security: [{bearer: [read:items]}]\n      responses:\n        \"200\": {$ref: '#/components/responses/Missing'}\n", "bundle the document first"},
		{"not OpenAPI", "title: x\n", "spec.yaml:"},
		{"too large", "openapi: 3.1.0\n" + strings.Repeat("#", openapi.MaxSpecSize), "larger than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			findings, err := openapi.Drift([]byte(tc.spec), "spec.yaml", res.Routes, res.Root)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v (%d findings), want an error with %q", err, len(findings), tc.want)
			}
		})
	}
}

// TestRPCRoutesLeftOut: gRPC and Connect methods are neither operations
// of the document nor compared with one.
func TestRPCRoutesLeftOut(t *testing.T) {
	routes := []discover.Row{
		{Method: "GRPC", Router: "grpc", Path: "/items.v1.ItemService/GetItem", Status: discover.Guarded, Requirement: "authenticated"},
		{Method: "CONNECT", Router: "connect", Path: "/items.v1.ItemService/GetItem", Status: discover.Guarded, Requirement: "authenticated"},
		{Method: "CONNECT", Router: "connect", Path: "/items.v1.ItemService/ListItems", Status: discover.Unguarded},
	}
	doc := openapi.New(routes, nil, "", openapi.Options{})
	if y := string(doc.YAML()); !strings.Contains(y, "paths: {}") || len(doc.Skipped) != 0 {
		t.Errorf("RPC methods in the document (skipped %v):\n%s", doc.Skipped, y)
	}
	findings, err := openapi.Drift([]byte("openapi: 3.1.0\ninfo: {title: x, version: \"1\"}\npaths: {}\n"), "spec.yaml", routes, "")
	if err != nil || len(findings) != 0 {
		t.Errorf("drift of RPC methods: %v, %v", findings, err)
	}
	// A document that describes the Connect procedures as the POSTs they
	// are: served, and compared (ListItems is marked secured but served
	// without a guard); the gRPC method is never an operation.
	spec := "openapi: 3.1.0\ninfo: {title: x, version: \"1\"}\npaths:\n" +
		"  /items.v1.ItemService/GetItem:\n    post:\n      security: [{bearer: []}]\n      responses: {\"200\": {description: ok}}\n" +
		"  /items.v1.ItemService/ListItems:\n    post:\n      security: [{bearer: []}]\n      responses: {\"200\": {description: ok}}\n" +
		"components:\n  securitySchemes:\n    bearer: {type: http, scheme: bearer}\n"
	findings, err = openapi.Drift([]byte(spec), "spec.yaml", routes, "")
	if err != nil || len(findings) != 1 || !strings.Contains(findings[0].Message, "CONNECT /items.v1.ItemService/ListItems: spec.yaml:") ||
		!strings.Contains(findings[0].Message, "marks it secured, but the code serves it without a guard") {
		t.Errorf("drift of Connect procedures described as POSTs: %v, %v", findings, err)
	}
}

// TestDriftOfGeneratedDocument: the document axiomsgen writes, in either
// format and with any token scheme, tells the truth about the code.
func TestDriftOfGeneratedDocument(t *testing.T) {
	res := example(t)
	for _, opts := range []openapi.Options{{}, {Issuer: "https://issuer.example"}, {TokenURL: "https://issuer.example/token"}} {
		doc := openapi.New(res.Routes, res.Packages, res.Root, opts)
		js, err := doc.JSON()
		if err != nil {
			t.Fatal(err)
		}
		for format, spec := range map[string][]byte{"yaml": doc.YAML(), "json": js} {
			findings, err := openapi.Drift(spec, "openapi."+format, res.Routes, res.Root)
			if err != nil || len(findings) != 0 {
				t.Errorf("%+v, %s: %v %v", opts, format, findings, err)
			}
		}
	}
}

// TestStaleAndShadowedLeftOut: a route whose guard is not what its
// directives say (stale generated file) or that is never served
// (shadowed) is named as left out of the document; drift compares
// neither, and a stale route still serves its operation.
func TestStaleAndShadowedLeftOut(t *testing.T) {
	routes := []discover.Row{
		{Method: "GET", Path: "/a", Status: discover.Stale, Reason: "generated file is stale: run go generate", Requirement: "scopes(read)"},
		{Method: "GET", Path: "/b", Status: discover.Shadowed, Requirement: "scopes(read)"},
	}
	doc := openapi.New(routes, nil, "", openapi.Options{})
	if y := string(doc.YAML()); !strings.Contains(y, "paths: {}") || len(doc.Skipped) != 2 ||
		!strings.Contains(doc.Skipped[0].Message, "GET /a: not in the document: what the binary enforces") ||
		!strings.Contains(doc.Skipped[1].Message, "GET /b: not in the document: another registration") {
		t.Errorf("skipped %v:\n%s", doc.Skipped, y)
	}
	// GET /a is served (stale, not compared), GET /b by no route.
	spec := "openapi: 3.1.0\ninfo: {title: x, version: \"1\"}\npaths:\n  /a:\n    get:\n      security: []\n      responses: {\"200\": {description: ok}}\n  /b:\n    get:\n      responses: {\"200\": {description: ok}}\n"
	findings, err := openapi.Drift([]byte(spec), "spec.yaml", routes, "")
	if err != nil || len(findings) != 1 || !strings.Contains(findings[0].Message, "GET /b: operation") {
		t.Errorf("drift: %v, %v; want only GET /b served by no route", findings, err)
	}
}
