package openapi_test

import (
	"bytes"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/axioms-go/axiomsgen/internal/openapi"
	"github.com/aymanbagabas/go-udiff"
	"github.com/aymanbagabas/go-udiff/myers"
	"github.com/pb33f/go-yaml"
	"golang.org/x/tools/txtar"
)

func archiveFile(t *testing.T, archive, name string) []byte {
	t.Helper()
	ar, err := txtar.ParseFile(filepath.Join("testdata", archive))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range ar.Files {
		if f.Name == name {
			return f.Data
		}
	}
	t.Fatalf("%s has no %s", archive, name)
	return nil
}

// TestMerge merges the example API's security into a hand-written
// document: the result, its diff from the input and the operations only
// one side has are the archive's want files.
func TestMerge(t *testing.T) {
	spec := archiveFile(t, "merge.txtar", "spec.yaml")
	doc := exampleDoc(t, openapi.Options{})
	m, err := doc.Merge(spec)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "merge.txtar", "want/spec.yaml", m.Content)
	diff, err := udiff.ToUnified("spec.yaml", "spec.yaml", string(spec), myers.ComputeEdits(string(spec), string(m.Content)), 3)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "merge.txtar", "want/diff", []byte(diff))
	var lines []string
	for _, op := range m.CodeOnly {
		lines = append(lines, "code only: "+op)
	}
	for _, op := range m.SpecOnly {
		lines = append(lines, "document only: "+op)
	}
	golden(t, "merge.txtar", "want/stderr", []byte(strings.Join(lines, "\n")+"\n"))

	t.Run("nothing but security changes", func(t *testing.T) {
		before, after := withoutSecurity(t, spec), withoutSecurity(t, m.Content)
		if !reflect.DeepEqual(before, after) {
			t.Errorf("the merge changed more than security:\nbefore: %v\nafter:  %v", before, after)
		}
	})
	t.Run("the result is a valid OpenAPI 3.1 document", func(t *testing.T) {
		if ok, msgs := validate(t, m.Content); !ok {
			t.Errorf("not valid:\n%s", strings.Join(msgs, "\n"))
		}
	})
	t.Run("drift finds only the operations one side lacks", func(t *testing.T) {
		res := example(t)
		findings, err := openapi.Drift(m.Content, "spec.yaml", res.Routes, res.Root)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range findings {
			got = append(got, f.String())
			if !strings.Contains(f.Message, "is not in spec.yaml") && !strings.Contains(f.Message, "no route serves it") {
				t.Errorf("after the merge: %s", f)
			}
		}
		if want := len(m.CodeOnly) + len(m.SpecOnly); len(got) != want {
			t.Errorf("%d findings after the merge, want %d (one per operation only one side has):\n%s", len(got), want, strings.Join(got, "\n"))
		}
	})
	t.Run("merging again changes nothing", func(t *testing.T) {
		again, err := doc.Merge(m.Content)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(again.Content, m.Content) {
			t.Errorf("a second merge changed the document:\n%s", udiff.Unified("first", "second", string(m.Content), string(again.Content)))
		}
	})
	t.Run("JSON stays JSON, in its order", func(t *testing.T) {
		js, err := doc.JSON()
		if err != nil {
			t.Fatal(err)
		}
		m, err := doc.Merge(js)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(m.Content, js) {
			t.Errorf("merging the generated JSON into itself changed it:\n%s", udiff.Unified("generated", "merged", string(js), string(m.Content)))
		}
	})
}

// withoutSecurity decodes a document and drops what a merge may change:
// each operation's security, x-axioms-* and guard responses (401, 403,
// 503, and 400 where the guard's), and the components named Axioms* or
// dpop; the security schemes other than those must stay as they were.
func withoutSecurity(t *testing.T, spec []byte) map[string]any {
	t.Helper()
	var doc map[string]any
	if err := yaml.Unmarshal(spec, &doc); err != nil {
		t.Fatal(err)
	}
	paths, _ := doc["paths"].(map[string]any)
	for _, item := range paths {
		for _, op := range item.(map[string]any) {
			op := op.(map[string]any)
			delete(op, "security")
			delete(op, "x-axioms-requirement")
			delete(op, "x-axioms-unguarded")
			resp, _ := op["responses"].(map[string]any)
			for code, r := range resp {
				if ref, _ := r.(map[string]any)["$ref"].(string); strings.HasPrefix(ref, "#/components/responses/Axioms") {
					delete(resp, code)
				}
			}
		}
	}
	comp, _ := doc["components"].(map[string]any)
	for _, section := range comp {
		for name := range section.(map[string]any) {
			if strings.HasPrefix(name, "Axioms") || name == "dpop" {
				delete(section.(map[string]any), name)
			}
		}
	}
	for name, section := range comp {
		if len(section.(map[string]any)) == 0 {
			delete(comp, name)
		}
	}
	return doc
}

// TestMergeRefuses: what -merge does not update.
func TestMergeRefuses(t *testing.T) {
	doc := exampleDoc(t, openapi.Options{})
	for _, tc := range []struct{ name, spec, want string }{
		{"Swagger 2.0", "swagger: \"2.0\"\ninfo: {title: x, version: \"1\"}\npaths: {}\n", "OpenAPI 3 documents only"},
		{"not an object", "- a\n- b\n", "not a YAML or JSON object"},
		{"not YAML", "a: [\n", "did not find expected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := doc.Merge([]byte(tc.spec))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// TestMergeHead: a HEAD operation takes its GET route's security (net/http
// serves HEAD with the GET handler), and the GET operation the document
// lacks is still reported.
func TestMergeHead(t *testing.T) {
	spec := "openapi: 3.1.0\ninfo:\n  title: x\n  version: \"1\"\npaths:\n  /me:\n    head:\n      responses:\n        \"200\":\n          description: ok\n"
	m, err := exampleDoc(t, openapi.Options{}).Merge([]byte(spec))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(m.Content), "    head:\n      responses:\n        \"200\":\n          description: ok\n        \"400\":") ||
		!strings.Contains(string(m.Content), "      security:\n        - bearer: []\n      x-axioms-requirement:\n        text: authenticated\n") {
		t.Errorf("HEAD /me did not take GET /me's security:\n%s", m.Content)
	}
	if !slices.Contains(m.CodeOnly, "GET /me") || len(m.SpecOnly) != 0 {
		t.Errorf("code only %q, document only %q", m.CodeOnly, m.SpecOnly)
	}
}
