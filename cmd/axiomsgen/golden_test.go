package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	goruntime "runtime"
	"slices"
	"strings"
	"testing"

	"github.com/axioms-go/axiomsgen/internal/check"
	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite the want/ files of testdata/check/*.txtar with the output of now")

// TestGolden runs report (every format) and check on each module of
// testdata/check and compares their output byte for byte with the
// archive's want/ files (go test -update rewrites them).
//
// Archive layout: the module's files at their paths (go.mod and go.sum
// are added; the routers resolve to their stand-ins in testdata/stubs).
// Comment lines set the steps: "generate: patterns" runs the generator
// first; then the after/<path> files replace (or add) files, and
// "remove: path" deletes one; "args: ..." are the flags report and check
// both get, "check-args: ..." those check alone gets. want/check is check's standard output after a first line
// "exit N"; want/report.FORMAT is report's, which always exits 0. The
// module's directory reads as $ROOT.
func TestGolden(t *testing.T) {
	_, self, _, _ := goruntime.Caller(0)
	root := filepath.Clean(filepath.Join(filepath.Dir(self), "..", ".."))
	archives, err := filepath.Glob(filepath.Join(root, "testdata", "check", "*.txtar"))
	if err != nil || len(archives) == 0 {
		t.Fatalf("no archives: %v", err)
	}
	for _, path := range archives {
		t.Run(strings.TrimSuffix(filepath.Base(path), ".txtar"), func(t *testing.T) {
			runGolden(t, root, path)
		})
	}
}

func runGolden(t *testing.T, root, path string) {
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{}
	for _, f := range ar.Files {
		if !strings.HasPrefix(f.Name, "want/") && !strings.HasPrefix(f.Name, "after/") {
			files[f.Name] = string(f.Data)
		}
	}
	dir := stubModule(t, root, files)
	t.Chdir(dir)
	var args, checkArgs []string
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		if v, ok := strings.CutPrefix(line, "generate: "); ok {
			var out, errb bytes.Buffer
			if code := run(context.Background(), strings.Fields(v), &out, &errb); code != 0 {
				t.Fatalf("generate %s: exit %d: %s", v, code, errb.String())
			}
		}
		if v, ok := strings.CutPrefix(line, "args: "); ok {
			args = strings.Fields(v)
		}
		if v, ok := strings.CutPrefix(line, "check-args: "); ok {
			checkArgs = strings.Fields(v)
		}
	}
	for _, f := range ar.Files {
		if name, ok := strings.CutPrefix(f.Name, "after/"); ok {
			os.MkdirAll(filepath.Join(dir, filepath.Dir(filepath.FromSlash(name))), 0o755)
			if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		if v, ok := strings.CutPrefix(line, "remove: "); ok {
			if err := os.Remove(filepath.Join(dir, filepath.FromSlash(strings.TrimSpace(v)))); err != nil {
				t.Fatal(err)
			}
		}
	}

	got := map[string]string{}
	var out, errb bytes.Buffer
	code := run(context.Background(), slices.Concat([]string{"check"}, args, checkArgs, []string{"./..."}), &out, &errb)
	got["want/check"] = fmt.Sprintf("exit %d\n%s", code, out.String())
	out.Reset()
	errb.Reset()
	if code := run(context.Background(), slices.Concat([]string{"report"}, args, []string{"./..."}), &out, &errb); code != 0 {
		t.Fatalf("report: exit %d: %s", code, errb.String())
	}
	got["want/report.text"] = out.String()
	// The other formats render the same analysis: load it once more, not
	// once per format.
	var c common
	fs := flag.NewFlagSet("report", flag.ContinueOnError)
	c.register(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	res, err := check.Report(context.Background(), c.options(), "./...")
	if err != nil {
		t.Fatal(err)
	}
	for format, write := range map[string]func(io.Writer) error{
		"json":     res.Report.WriteJSON,
		"markdown": res.Report.WriteMarkdown,
		"sarif":    func(w io.Writer) error { return res.Report.WriteSARIF(w, version) },
	} {
		out.Reset()
		if err := write(&out); err != nil {
			t.Fatal(err)
		}
		got["want/report."+format] = out.String()
	}
	for name, g := range got {
		got[name] = strings.ReplaceAll(g, dir, "$ROOT")
	}

	if *update {
		var kept []txtar.File
		for _, f := range ar.Files {
			if _, ok := got[f.Name]; !ok {
				kept = append(kept, f)
			}
		}
		for _, name := range []string{"want/check", "want/report.text", "want/report.json", "want/report.markdown", "want/report.sarif"} {
			kept = append(kept, txtar.File{Name: name, Data: []byte(got[name])})
		}
		ar.Files = kept
		if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	for _, f := range ar.Files {
		if g, ok := got[f.Name]; ok {
			if g != string(f.Data) {
				t.Errorf("%s differs (go test -update rewrites it):\ngot:\n%s\nwant:\n%s", f.Name, g, f.Data)
			}
			delete(got, f.Name)
		}
	}
	for name := range got {
		t.Errorf("the archive has no %s (go test -update writes it)", name)
	}
}

// stubModule writes a module using axiomsgen and the routers' stand-ins
// (testdata/stubs) with the given files, and returns its directory.
func stubModule(t *testing.T, root string, files map[string]string) string {
	t.Helper()
	dir := module(t, files)
	mod, err := os.ReadFile(filepath.Join(dir, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
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
		mod = fmt.Appendf(mod, "require %s %s\nreplace %s => %s\n", path, version, path, filepath.Dir(gomod))
	}
	if err := os.WriteFile(filepath.Join(dir, "go.mod"), mod, 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}
