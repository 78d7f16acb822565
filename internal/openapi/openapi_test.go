package openapi_test

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/axioms-go/axiomsgen/internal/check"
	"github.com/axioms-go/axiomsgen/internal/gen"
	"github.com/axioms-go/axiomsgen/internal/openapi"
	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi-validator/schema_validation"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the goldens in testdata/*.txtar and examples/api/openapi.yaml with what is written now")

func repoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

var (
	exampleOnce sync.Once
	exampleRes  *check.Result
	exampleErr  error
)

// example is the analysis of examples/api, loaded once for the tests.
func example(t *testing.T) *check.Result {
	t.Helper()
	exampleOnce.Do(func() {
		exampleRes, exampleErr = check.Report(context.Background(), check.Options{Gen: gen.Options{Dir: repoRoot(t)}}, "./examples/api")
	})
	if exampleErr != nil {
		t.Fatal(exampleErr)
	}
	return exampleRes
}

func exampleDoc(t *testing.T, opts openapi.Options) *openapi.Document {
	t.Helper()
	res := example(t)
	return openapi.New(res.Routes, res.Packages, res.Root, opts)
}

// golden compares got with the archive's file name, or rewrites it
// with -update.
func golden(t *testing.T, archive, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", archive)
	ar, err := txtar.ParseFile(path)
	if err != nil {
		if !*update {
			t.Fatal(err)
		}
		ar = &txtar.Archive{}
	}
	for i, f := range ar.Files {
		if f.Name != name {
			continue
		}
		if *update {
			ar.Files[i].Data = got
			writeArchive(t, path, ar)
			return
		}
		if !bytes.Equal(f.Data, got) {
			t.Errorf("%s: %s differs from the golden (go test -update to accept):\n%s", archive, name, got)
		}
		return
	}
	if !*update {
		t.Fatalf("%s has no file %s (go test -update writes it)", archive, name)
	}
	ar.Files = append(ar.Files, txtar.File{Name: name, Data: got})
	writeArchive(t, path, ar)
}

func writeArchive(t *testing.T, path string, ar *txtar.Archive) {
	t.Helper()
	if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestExampleDocument: the example API's document, YAML and JSON.
func TestExampleDocument(t *testing.T) {
	doc := exampleDoc(t, openapi.Options{})
	golden(t, "example_api.txtar", "openapi.yaml", doc.YAML())
	js, err := doc.JSON()
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "example_api.txtar", "openapi.json", js)
	var skipped []string
	for _, s := range doc.Skipped {
		skipped = append(skipped, s.String())
	}
	golden(t, "example_api.txtar", "skipped", []byte(strings.Join(skipped, "\n")+"\n"))
}

// TestExampleCommitted: examples/api commits its document, and it must be
// what axiomsgen openapi writes today.
func TestExampleCommitted(t *testing.T) {
	path := filepath.Join(repoRoot(t), "examples", "api", "openapi.yaml")
	got := exampleDoc(t, openapi.Options{}).YAML()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	disk, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go generate ./examples/api)", err)
	}
	if !bytes.Equal(disk, got) {
		t.Errorf("examples/api/openapi.yaml is stale: run go generate ./examples/api")
	}
}

// validate validates a document against the OpenAPI schema of its
// version with libopenapi-validator.
func validate(t *testing.T, spec []byte) (ok bool, msgs []string) {
	t.Helper()
	doc, err := libopenapi.NewDocument(spec)
	if err != nil {
		t.Fatal(err)
	}
	ok, errs := schema_validation.ValidateOpenAPIDocument(doc)
	for _, e := range errs {
		msg := e.Message + ": " + e.Reason
		for _, f := range e.SchemaValidationErrors {
			msg += "\n\t" + f.FieldPath + ": " + f.Reason
		}
		msgs = append(msgs, msg)
	}
	return ok, msgs
}

// TestValidatesAgainstSchema validates the generated documents, for every
// kind of token scheme, against the OpenAPI 3.1 schema; and shows the
// validator does reject a document that breaks it.
func TestValidatesAgainstSchema(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts openapi.Options
	}{
		{"bearer", openapi.Options{}},
		{"openIdConnect", openapi.Options{Issuer: "https://issuer.example/"}},
		{"oauth2 client credentials", openapi.Options{TokenURL: "https://issuer.example/token"}},
		{"oauth2 authorization code", openapi.Options{TokenURL: "https://issuer.example/token", AuthorizationURL: "https://issuer.example/authorize", Scheme: "corp"}},
		{"oauth2 implicit", openapi.Options{AuthorizationURL: "https://issuer.example/authorize"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := exampleDoc(t, tc.opts)
			js, err := doc.JSON()
			if err != nil {
				t.Fatal(err)
			}
			for format, spec := range map[string][]byte{"yaml": doc.YAML(), "json": js} {
				if ok, msgs := validate(t, spec); !ok {
					t.Errorf("%s: not a valid OpenAPI 3.1 document:\n%s", format, strings.Join(msgs, "\n"))
				}
			}
		})
	}
	t.Run("the validator rejects a broken document", func(t *testing.T) {
		// A path parameter must be required: true.
		broken := bytes.Replace(exampleDoc(t, openapi.Options{}).YAML(), []byte("required: true"), []byte("required: false"), 1)
		if ok, _ := validate(t, broken); ok {
			t.Fatal("a path parameter with required: false passed validation")
		}
	})
}
