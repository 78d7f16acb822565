package gen_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/axioms-go/axiomsgen/internal/gen"
	"golang.org/x/tools/txtar"
)

const robustSrc = `package a

import "net/http"

//axioms:route GET /x
//axioms:scopes read
func X(w http.ResponseWriter, r *http.Request) {}
`

func robustModule(t *testing.T) string {
	t.Helper()
	return writeModule(t, repoRoot(t), &txtar.Archive{Files: []txtar.File{{Name: "a/a.go", Data: []byte(robustSrc)}}})
}

// leftovers lists temporary files a run may have left in dir.
func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".tmp") {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestWriteFailureLeavesNoPartialFile: when the rename cannot happen (the
// target is a directory here; a read-only directory behaves alike for
// users other than root), the run fails, the target is untouched and no
// temporary file remains.
func TestWriteFailureLeavesNoPartialFile(t *testing.T) {
	dir := robustModule(t)
	target := filepath.Join(dir, "a", "axioms_gen.go")
	if err := os.Mkdir(target, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(target, "keep"), []byte("user data"), 0o644); err != nil {
		t.Fatal(err)
	}
	plan, err := gen.Generate(context.Background(), gen.Options{Dir: dir}, "./...")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plan.Write(); err == nil {
		t.Fatal("writing over a directory succeeded")
	}
	if b, err := os.ReadFile(filepath.Join(target, "keep")); err != nil || string(b) != "user data" {
		t.Errorf("user data lost: %q %v", b, err)
	}
	if l := leftovers(t, filepath.Join(dir, "a")); len(l) > 0 {
		t.Errorf("temporary files left: %v", l)
	}
}

// TestConcurrentRuns: two generations of one package at once (two go
// generate runs) both succeed and leave one complete file.
func TestConcurrentRuns(t *testing.T) {
	dir := robustModule(t)
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 4 {
		wg.Go(func() {
			plan, err := gen.Generate(context.Background(), gen.Options{Dir: dir}, "./...")
			if err == nil {
				_, err = plan.Write()
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "a", "axioms_gen.go"))
	if err != nil || !strings.HasPrefix(string(b), gen.Header) || !strings.Contains(string(b), "func GuardedX(") {
		t.Errorf("generated file incomplete: %v\n%s", err, b)
	}
	if l := leftovers(t, filepath.Join(dir, "a")); len(l) > 0 {
		t.Errorf("temporary files left: %v", l)
	}
}

// TestHandEditedFileIsStale: a generated file edited by hand is reported
// stale with a diff, and regeneration restores it.
func TestHandEditedFileIsStale(t *testing.T) {
	dir := robustModule(t)
	plan, err := gen.Generate(context.Background(), gen.Options{Dir: dir}, "./...")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plan.Write(); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "a", "axioms_gen.go")
	b, _ := os.ReadFile(path)
	edited := strings.Replace(string(b), `{{"read"}}`, `{{"read", "anything"}}`, 2)
	os.WriteFile(path, []byte(edited), 0o644)
	pkgs, err := gen.Load(context.Background(), gen.Options{Dir: dir}, "./...")
	if err != nil {
		t.Fatal(err)
	}
	parsed, _ := gen.Parse(pkgs, gen.Options{})
	stale, findings := gen.CheckStale(parsed, gen.Options{})
	if len(findings) != 0 || len(stale) != 1 || !strings.Contains(stale[0].Diff, `-	return g.Handler(runtime.Requirement{Scopes: [][]string{{"read", "anything"}}}`) {
		t.Fatalf("stale = %+v, findings = %v", stale, findings)
	}
	plan, err = gen.Generate(context.Background(), gen.Options{Dir: dir}, "./...")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plan.Write(); err != nil {
		t.Fatal(err)
	}
	if after, _ := os.ReadFile(path); string(after) != string(b) {
		t.Error("regeneration did not restore the file")
	}
}
