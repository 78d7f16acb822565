package gen_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/axioms-go/axiomsgen/internal/check"
	"github.com/axioms-go/axiomsgen/internal/gen"
	"golang.org/x/tools/txtar"
)

// Synthetic module for the scale benchmarks: handlers annotated with
// directives (20 per package), plus as many routes registered by hand on
// a ServeMux behind Guard.Handler, so discovery has real router code to
// walk. The headline size is 1,000 handlers across 50 packages.
const synthHandlers = 20 // per package

var synthSizes = []int{100, 1000, 5000} // annotated handlers

// writeSynthetic writes a module with n annotated handlers and n
// hand-registered routes, and returns its directory.
func writeSynthetic(tb testing.TB, n int) string {
	tb.Helper()
	ar := &txtar.Archive{}
	for p := range n / synthHandlers {
		var b strings.Builder
		fmt.Fprintf(&b, "package p%03d\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/axioms-go/axiomsgen/runtime\"\n)\n\n", p)
		fmt.Fprintf(&b, "type Server struct{ name string }\n\n")
		for h := range synthHandlers {
			fmt.Fprintf(&b, "// H%02d handles resource %d.\n//\n//axioms:route GET /p%03d/r%02d/{id}\n", h, h, p, h)
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
		// The same number of routes registered by hand.
		fmt.Fprintf(&b, "func Mount(mux *http.ServeMux, g *runtime.Guard) {\n")
		for h := range synthHandlers {
			if h%4 == 3 {
				fmt.Fprintf(&b, "\tmux.HandleFunc(\"GET /p%03d/open%02d\", plain) //axioms:public\n", p, h)
				continue
			}
			fmt.Fprintf(&b, "\tmux.Handle(\"POST /p%03d/hand%02d\", g.Handler(runtime.Requirement{Scopes: [][]string{{\"s%02d\"}}}, http.HandlerFunc(plain)))\n", p, h, h)
		}
		fmt.Fprintf(&b, "}\n\nfunc plain(w http.ResponseWriter, r *http.Request) {}\n")
		ar.Files = append(ar.Files, txtar.File{Name: fmt.Sprintf("p%03d/handlers.go", p), Data: []byte(b.String())})
	}
	return writeModule(tb, repoRoot(tb), ar)
}

// touch edits a comment in every package so no cached result applies.
func touch(tb testing.TB, dir string, n, i int) {
	tb.Helper()
	for p := range n / synthHandlers {
		path := filepath.Join(dir, fmt.Sprintf("p%03d", p), "touch.go")
		if err := os.WriteFile(path, []byte(fmt.Sprintf("package p%03d\n\n// run %d\n", p, i)), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
}

// afterEdits times f once per benchmark iteration, each after an
// untimed edit in every package so that no cached result applies.
func afterEdits(b *testing.B, dir string, n int, f func()) {
	i := 0
	for b.Loop() {
		b.StopTimer()
		i++
		touch(b, dir, n, i)
		b.StartTimer()
		f()
	}
}

// forSizes runs f as a sub-benchmark per synthetic module size.
func forSizes(b *testing.B, f func(b *testing.B, n int, dir string)) {
	forTheseSizes(b, synthSizes, f)
}

// forTheseSizes runs f as a sub-benchmark per size given.
func forTheseSizes(b *testing.B, sizes []int, f func(b *testing.B, n int, dir string)) {
	for _, n := range sizes {
		b.Run(fmt.Sprintf("handlers=%d", n), func(b *testing.B) { f(b, n, writeSynthetic(b, n)) })
	}
}

// BenchmarkGenerateSynthetic generates the synthetic module after an edit
// in every package. Compare with BenchmarkGoVetSynthetic.
func BenchmarkGenerateSynthetic(b *testing.B) {
	forSizes(b, func(b *testing.B, n int, dir string) {
		afterEdits(b, dir, n, func() {
			plan, err := gen.Generate(context.Background(), gen.Options{Dir: dir}, "./...")
			if err != nil {
				b.Fatal(err)
			}
			if len(plan.Files) != n/synthHandlers {
				b.Fatalf("%d files planned", len(plan.Files))
			}
		})
	})
}

// generated writes the generated files of the synthetic module once.
func generated(b *testing.B, dir string) {
	b.Helper()
	plan, err := gen.Generate(context.Background(), gen.Options{Dir: dir}, "./...")
	if err != nil {
		b.Fatal(err)
	}
	if _, err := plan.Write(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkGoVetSynthetic runs go vet ./... on the same module after the
// same edit.
func BenchmarkGoVetSynthetic(b *testing.B) {
	forSizes(b, func(b *testing.B, n int, dir string) {
		generated(b, dir)
		afterEdits(b, dir, n, func() {
			cmd := exec.Command("go", "vet", "./...")
			cmd.Dir = dir
			if out, err := cmd.CombinedOutput(); err != nil {
				b.Fatalf("go vet: %v\n%s", err, out)
			}
		})
	})
}

// BenchmarkCheckSynthetic runs what axiomsgen check does (load, parse
// directives once, discover every route, regenerate in memory and
// compare) after the same edit.
func BenchmarkCheckSynthetic(b *testing.B) {
	forSizes(b, func(b *testing.B, n int, dir string) {
		generated(b, dir)
		afterEdits(b, dir, n, func() {
			res, err := check.Check(context.Background(), check.Options{Gen: gen.Options{Dir: dir}}, "./...")
			if err != nil {
				b.Fatal(err)
			}
			if len(res.Report.Routes) != 2*n || len(res.Findings)+len(res.Broken) != 0 {
				b.Fatalf("%d routes, %d findings, %d broken", len(res.Report.Routes), len(res.Findings), len(res.Broken))
			}
		})
	})
}

// BenchmarkPairedSynthetic times go vet, check and report on the same
// module in each iteration, one after the other, each after its own edit
// in every package, and reports check/vet and report/vet over the run:
// both halves of a ratio see the same machine load, as paired
// benchmarks do. It runs the sizes the targets name (100 and 1,000
// handlers): 5,000 would triple CI's single run of every benchmark.
func BenchmarkPairedSynthetic(b *testing.B) {
	forTheseSizes(b, []int{100, 1000}, func(b *testing.B, n int, dir string) {
		generated(b, dir)
		var vet, chk, rep time.Duration
		i := 0
		timed := func(f func()) time.Duration {
			i++
			touch(b, dir, n, i)
			start := time.Now()
			f()
			return time.Since(start)
		}
		for b.Loop() {
			vet += timed(func() {
				cmd := exec.Command("go", "vet", "./...")
				cmd.Dir = dir
				if out, err := cmd.CombinedOutput(); err != nil {
					b.Fatalf("go vet: %v\n%s", err, out)
				}
			})
			chk += timed(func() {
				if _, err := check.Check(context.Background(), check.Options{Gen: gen.Options{Dir: dir}}, "./..."); err != nil {
					b.Fatal(err)
				}
			})
			rep += timed(func() {
				if _, err := check.Report(context.Background(), check.Options{Gen: gen.Options{Dir: dir}}, "./..."); err != nil {
					b.Fatal(err)
				}
			})
		}
		b.ReportMetric(float64(chk)/float64(vet), "check/vet")
		b.ReportMetric(float64(rep)/float64(vet), "report/vet")
		b.ReportMetric(vet.Seconds()/float64(b.N), "vet-s/op")
	})
}
