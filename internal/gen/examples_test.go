package gen_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/axioms-go/axiomsgen/internal/gen"
)

// TestExamplesUpToDate regenerates the examples in memory: the committed
// generated files must be exactly what axiomsgen writes today.
func TestExamplesUpToDate(t *testing.T) {
	plan, err := gen.Generate(context.Background(), gen.Options{Dir: repoRoot(t)}, "./examples/...")
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Files) == 0 {
		t.Fatal("no generated file planned for the examples")
	}
	for _, f := range plan.Files {
		disk, err := os.ReadFile(f.Path)
		if err != nil {
			t.Errorf("%s: %v (run go generate ./examples/...)", f.Path, err)
			continue
		}
		if !bytes.Equal(disk, f.Content) {
			t.Errorf("%s is stale: run go generate ./examples/...", f.Path)
		}
	}
}

// TestDeterministic generates the examples twice and compares the bytes.
func TestDeterministic(t *testing.T) {
	var first [][]byte
	for i := range 2 {
		plan, err := gen.Generate(context.Background(), gen.Options{Dir: repoRoot(t)}, "./examples/...")
		if err != nil {
			t.Fatal(err)
		}
		for j, f := range plan.Files {
			if i == 0 {
				first = append(first, f.Content)
			} else if !bytes.Equal(first[j], f.Content) {
				t.Errorf("%s differs between runs", f.Path)
			}
		}
	}
}
