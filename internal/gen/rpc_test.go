package gen_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/axioms-go/axiomsgen/internal/gen"
	"golang.org/x/tools/txtar"
)

// TestRenamedRPCFailsToCompile: an RPC renamed in the .proto (so in the
// regenerated service package) while its implementation keeps the old
// name must break the build of the generated file, never leave the
// method silently out of the table.
func TestRenamedRPCFailsToCompile(t *testing.T) {
	root := repoRoot(t)
	ar, err := txtar.ParseFile(filepath.Join(root, "testdata", "gen", "rpc.txtar"))
	if err != nil {
		t.Fatal(err)
	}
	dir := writeModule(t, root, ar)
	plan, err := gen.Generate(context.Background(), gen.Options{Dir: dir}, "./...")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plan.Write(); err != nil {
		t.Fatal(err)
	}
	build := func() (string, error) {
		cmd := exec.Command("go", "build", "./...")
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	if out, err := build(); err != nil {
		t.Fatalf("the generated files do not build before the rename: %v\n%s", err, out)
	}
	// The .proto's GetItem becomes FetchItem: the generator renames the
	// constant and the interface method.
	pb := filepath.Join(dir, "pb", "itemsv1", "items_grpc.pb.go")
	src, err := os.ReadFile(pb)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pb, []byte(strings.ReplaceAll(string(src), "GetItem", "FetchItem")), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := build()
	if err == nil {
		t.Fatal("the build passes after the rename: the method is no longer guarded")
	}
	if !strings.Contains(out, "axioms_gen.go") || !strings.Contains(out, "ItemService_GetItem_FullMethodName") {
		t.Errorf("the build fails, but not on the generated table's constant:\n%s", out)
	}
}
