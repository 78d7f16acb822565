package gen_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/axioms-go/axiomsgen/internal/gen"
	"github.com/axioms-go/axiomsgen/internal/parse"
	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want sections of testdata/gen/*.txtar")

// repoRoot is the module root, for the replace directive of test modules.
func repoRoot(t testing.TB) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Archive layout: input files at any path; "want/<path>" is the expected
// generated file at <path>; "want/errors" the expected findings, one
// "file:line:col: message" per line; "want/loaderror" a substring of the
// expected load error; "want/absent" paths that must not exist after the
// run. The harness adds go.mod and go.sum unless the archive has them;
// its go.mod resolves the routers to their stand-ins in testdata/stubs.
// Comment lines "register: X", "router: X" and "tags: a,b" set options.
func TestGolden(t *testing.T) {
	root := repoRoot(t)
	archives, err := filepath.Glob(filepath.Join(root, "testdata", "gen", "*.txtar"))
	if err != nil || len(archives) == 0 {
		t.Fatalf("no archives: %v", err)
	}
	for _, path := range archives {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			t.Parallel()
			runArchive(t, root, path)
		})
	}
}

func writeModule(t testing.TB, root string, ar *txtar.Archive) string {
	t.Helper()
	dir := t.TempDir()
	has := map[string]bool{}
	for _, f := range ar.Files {
		if strings.HasPrefix(f.Name, "want/") {
			continue
		}
		has[f.Name] = true
		p := filepath.Join(dir, filepath.FromSlash(f.Name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if !has["go.mod"] {
		mod := fmt.Sprintf("module example.com/app\n\ngo 1.26.0\n\nrequire github.com/axioms-go/axiomsgen v0.0.0\n\nreplace github.com/axioms-go/axiomsgen => %s\n", root)
		// The runtime's own requirements, so the go command needs no tidy.
		rootMod, err := os.ReadFile(filepath.Join(root, "go.mod"))
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(string(rootMod), "\n") {
			line = strings.TrimSpace(strings.TrimPrefix(line, "require "))
			if f := strings.Fields(line); len(f) >= 2 && strings.Contains(f[0], ".") && strings.HasPrefix(f[1], "v") {
				mod += fmt.Sprintf("require %s %s // indirect\n", f[0], f[1])
			}
		}
		// The routers' stand-ins (testdata/stubs), for the router archives.
		stubs, _ := filepath.Glob(filepath.Join(root, "testdata", "stubs", "*", "go.mod"))
		for _, gomod := range stubs {
			b, err := os.ReadFile(gomod)
			if err != nil {
				t.Fatal(err)
			}
			path := strings.TrimSpace(strings.TrimPrefix(strings.SplitN(string(b), "\n", 2)[0], "module"))
			version := "v0.0.0"
			if i := strings.LastIndex(path, "/v"); i >= 0 && strings.Trim(path[i+2:], "0123456789") == "" {
				version = path[i+1:] + ".0.0" // a /vN module path needs a vN version
			}
			mod += fmt.Sprintf("require %s %s\nreplace %s => %s\n", path, version, path, filepath.Dir(gomod))
		}
		if err := os.WriteFile(filepath.Join(dir, "go.mod"), []byte(mod), 0o644); err != nil {
			t.Fatal(err)
		}
		sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "go.sum"), sum, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func runArchive(t *testing.T, root, path string) {
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := writeModule(t, root, ar)
	before := snapshot(t, dir)

	opts := gen.Options{Dir: dir}
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		if v, ok := strings.CutPrefix(line, "register: "); ok {
			opts.Register = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "router: "); ok {
			opts.Router = parse.Router(strings.TrimSpace(v))
		}
		if v, ok := strings.CutPrefix(line, "tags: "); ok {
			opts.Tags = strings.Split(strings.TrimSpace(v), ",")
		}
	}
	plan, err := gen.Generate(context.Background(), opts, "./...")

	got := map[string][]byte{} // want/<name> -> content
	var findings gen.Findings
	var loadErr *gen.LoadError
	switch {
	case errors.As(err, &findings):
		var b strings.Builder
		for _, f := range findings {
			rel, _ := filepath.Rel(dir, f.Pos.Filename)
			fmt.Fprintf(&b, "%s:%d:%d: %s\n", filepath.ToSlash(rel), f.Pos.Line, f.Pos.Column, f.Msg)
		}
		got["want/errors"] = []byte(b.String())
	case errors.As(err, &loadErr):
		got["want/loaderror"] = []byte(loadErr.Msg + "\n")
	case err != nil:
		t.Fatalf("unexpected error type %T: %v", err, err)
	default:
		if _, err := plan.Write(); err != nil {
			t.Fatal(err)
		}
		for _, f := range plan.Files {
			if f.Content == nil {
				continue
			}
			rel, _ := filepath.Rel(dir, f.Path)
			got["want/"+filepath.ToSlash(rel)] = f.Content
		}
	}
	if err != nil {
		// A failed run leaves every file as it was.
		if after := snapshot(t, dir); !mapsEqual(before, after) {
			t.Errorf("a failed run changed files")
		}
	}

	if *update {
		var files []txtar.File
		for _, f := range ar.Files {
			if !strings.HasPrefix(f.Name, "want/") || f.Name == "want/absent" {
				files = append(files, f)
			}
		}
		for _, name := range slices.Sorted(maps.Keys(got)) {
			data := got[name]
			if name == "want/loaderror" {
				// A substring chosen by hand: keep it.
				for _, f := range ar.Files {
					if f.Name == name {
						data = f.Data
					}
				}
			}
			files = append(files, txtar.File{Name: name, Data: data})
		}
		ar.Files = files
		if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}

	want := map[string][]byte{}
	for _, f := range ar.Files {
		if strings.HasPrefix(f.Name, "want/") && f.Name != "want/absent" {
			want[f.Name] = f.Data
		}
	}
	for name, w := range want {
		g, ok := got[name]
		switch {
		case !ok:
			t.Errorf("%s: not produced (error: %v)", name, err)
		case name == "want/loaderror":
			if !strings.Contains(string(g), strings.TrimSpace(string(w))) {
				t.Errorf("load error %q does not contain %q", g, strings.TrimSpace(string(w)))
			}
		case !bytes.Equal(g, w):
			t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", name, g, w)
		}
	}
	for name := range got {
		if _, ok := want[name]; !ok {
			t.Errorf("%s produced but not expected:\n%s", name, got[name])
		}
	}
	for _, f := range ar.Files {
		if f.Name != "want/absent" {
			continue
		}
		for _, p := range strings.Fields(string(f.Data)) {
			if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
				t.Errorf("%s still exists", p)
			}
		}
	}
	if err == nil && len(plan.Files) > 0 {
		typeCheck(t, dir, opts.Tags)
	}
}

// typeCheck loads the module after generation: every generated file must
// compile with the code around it.
func typeCheck(t *testing.T, dir string, tags []string) {
	t.Helper()
	cfg := &packages.Config{Dir: dir, Mode: packages.NeedName | packages.NeedTypes | packages.NeedSyntax | packages.NeedTypesInfo}
	if len(tags) > 0 {
		cfg.BuildFlags = []string{"-tags=" + strings.Join(tags, ",")}
	}
	pkgs, err := packages.Load(cfg, "./...")
	if err != nil {
		t.Fatal(err)
	}
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			t.Errorf("generated code does not compile: %v", e)
		}
	})
}

func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			out[p] = string(b)
		}
		return nil
	})
	return out
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
