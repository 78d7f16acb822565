package gen_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/axioms-go/axiomsgen/internal/discover"
	"github.com/axioms-go/axiomsgen/internal/gen"
	"golang.org/x/tools/txtar"
)

// Synthetic module size for the scale benchmarks: 1,000 annotated handlers
// across 50 packages.
const (
	synthPackages = 50
	synthHandlers = 20 // per package
)

// writeSynthetic writes the synthetic module and returns its directory.
func writeSynthetic(tb testing.TB) string {
	tb.Helper()
	ar := &txtar.Archive{}
	for p := range synthPackages {
		var b strings.Builder
		fmt.Fprintf(&b, "package p%02d\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/axioms-go/axiomsgen/runtime\"\n)\n\n", p)
		fmt.Fprintf(&b, "type Server struct{ name string }\n\n")
		for h := range synthHandlers {
			fmt.Fprintf(&b, "// H%02d handles resource %d.\n//\n//axioms:route GET /p%02d/r%02d/{id}\n", h, h, p, h)
			switch h % 3 {
			case 0:
				fmt.Fprintf(&b, "//axioms:scopes read:r%02d admin\n", h)
				fmt.Fprintf(&b, "func (s *Server) H%02d(w http.ResponseWriter, r *http.Request) { _ = s.name }\n\n", h)
			case 1:
				fmt.Fprintf(&b, "//axioms:scopes write:r%02d\n//axioms:roles editor \"Global Admin\"\n", h)
				fmt.Fprintf(&b, "func (s *Server) H%02d(w http.ResponseWriter, r *http.Request, c *runtime.Claims) { _ = c.Subject }\n\n", h)
			default:
				fmt.Fprintf(&b, "//axioms:permissions r%02d:delete\n", h)
				fmt.Fprintf(&b, "func H%02d(w http.ResponseWriter, r *http.Request) {}\n\n", h)
			}
		}
		ar.Files = append(ar.Files, txtar.File{Name: fmt.Sprintf("p%02d/handlers.go", p), Data: []byte(b.String())})
	}
	return writeModule(tb, repoRoot(tb), ar)
}

// touch edits a comment in every package so no cached result applies.
func touch(tb testing.TB, dir string, i int) {
	tb.Helper()
	for p := range synthPackages {
		path := filepath.Join(dir, fmt.Sprintf("p%02d", p), "touch.go")
		if err := os.WriteFile(path, []byte(fmt.Sprintf("package p%02d\n\n// run %d\n", p, i)), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// BenchmarkGenerateSynthetic generates the 1,000-handler module after an
// edit in every package. Compare with BenchmarkGoVetSynthetic.
func BenchmarkGenerateSynthetic(b *testing.B) {
	dir := writeSynthetic(b)
	i := 0
	for b.Loop() {
		b.StopTimer()
		i++
		touch(b, dir, i)
		b.StartTimer()
		plan, err := gen.Generate(context.Background(), gen.Options{Dir: dir}, "./...")
		if err != nil {
			b.Fatal(err)
		}
		if len(plan.Files) != synthPackages {
			b.Fatalf("%d files planned", len(plan.Files))
		}
	}
}

// BenchmarkGoVetSynthetic runs go vet ./... on the same module after the
// same edit.
func BenchmarkGoVetSynthetic(b *testing.B) {
	dir := writeSynthetic(b)
	// go vet needs the generated files: the code calls nothing generated,
	// but keep the tree the same as after generation.
	plan, err := gen.Generate(context.Background(), gen.Options{Dir: dir}, "./...")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := plan.Write(); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		b.StopTimer()
		i++
		touch(b, dir, i)
		b.StartTimer()
		cmd := exec.Command("go", "vet", "./...")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("go vet: %v\n%s", err, out)
		}
	}
}

// BenchmarkCheckSynthetic runs what axiomsgen check does (load, discover
// routes, parse directives, regenerate in memory and compare) on the
// synthetic module after an edit in every package.
func BenchmarkCheckSynthetic(b *testing.B) {
	dir := writeSynthetic(b)
	plan, err := gen.Generate(context.Background(), gen.Options{Dir: dir}, "./...")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := plan.Write(); err != nil {
		b.Fatal(err)
	}
	i := 0
	for b.Loop() {
		b.StopTimer()
		i++
		touch(b, dir, i)
		b.StartTimer()
		pkgs, err := gen.Load(context.Background(), gen.Options{Dir: dir}, "./...")
		if err != nil {
			b.Fatal(err)
		}
		routes := discover.Routes(pkgs, discover.Options{})
		parsed, findings := gen.Parse(pkgs, gen.Options{})
		stale, more := gen.CheckStale(parsed, gen.Options{})
		if len(routes) != synthPackages*synthHandlers || len(findings)+len(more)+len(stale) != 0 {
			b.Fatalf("%d routes, %d findings, %d stale", len(routes), len(findings)+len(more), len(stale))
		}
	}
}
