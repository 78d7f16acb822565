// Package docs holds the tests that keep README.md and docs/ true: every
// relative link resolves (file and heading), every Go block parses, the
// Go blocks of README.md and docs/runtime.md that are whole files (they
// start with "package") build and pass go vet in a scratch module that
// uses this checkout (the README's handlers through the code axiomsgen
// generates for them), and nothing in the repository cites a file
// outside it.
package docs

import (
	"bytes"
	"fmt"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// root is the repository root.
func root(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// pages are the documents checked.
func pages(t *testing.T) []string {
	t.Helper()
	out := []string{filepath.Join(root(t), "README.md")}
	more, err := filepath.Glob(filepath.Join(root(t), "docs", "*.md"))
	if err != nil || len(more) == 0 {
		t.Fatalf("no docs: %v", err)
	}
	return append(out, more...)
}

var (
	linkRE    = regexp.MustCompile(`\]\(([^)\s]+)\)`)
	headingRE = regexp.MustCompile("(?m)^#{1,6} (.+)$")
	fenceRE   = regexp.MustCompile("(?ms)^```([a-z]*)\n(.*?)^```")
)

// anchor is a heading's GitHub anchor: lower case, punctuation dropped,
// spaces to hyphens.
func anchor(heading string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(heading) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func anchors(text string) map[string]bool {
	out := map[string]bool{}
	for _, m := range headingRE.FindAllStringSubmatch(stripFences(text), -1) {
		out[anchor(m[1])] = true
	}
	return out
}

func stripFences(text string) string { return fenceRE.ReplaceAllString(text, "") }

// TestLinks: every relative link of README.md and docs/ names a file that
// exists and, with a #fragment, a heading of that file.
func TestLinks(t *testing.T) {
	for _, page := range pages(t) {
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		text := string(b)
		for _, m := range linkRE.FindAllStringSubmatch(stripFences(text), -1) {
			target := m[1]
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			file, frag, _ := strings.Cut(target, "#")
			dest := page
			if file != "" {
				dest = filepath.Join(filepath.Dir(page), file)
				if _, err := os.Stat(dest); err != nil {
					t.Errorf("%s: link %q: %v", filepath.Base(page), target, err)
					continue
				}
			}
			if frag == "" || !strings.HasSuffix(dest, ".md") {
				continue
			}
			db, _ := os.ReadFile(dest)
			if !anchors(string(db))[frag] {
				t.Errorf("%s: link %q: no heading #%s in %s", filepath.Base(page), target, frag, filepath.Base(dest))
			}
		}
	}
}

// TestGoBlocks: every Go block parses, as a file or as declarations or
// statements (TestSnippetsBuild builds the whole files).
func TestGoBlocks(t *testing.T) {
	for _, page := range pages(t) {
		b, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range fenceRE.FindAllStringSubmatch(string(b), -1) {
			if m[1] != "go" {
				continue
			}
			src := m[2]
			if !parses(src) {
				t.Errorf("%s: Go block %d does not parse:\n%s", filepath.Base(page), i+1, src)
			}
		}
	}
}

// elided turns the "..." that stands for omitted code into nothing.
var elided = strings.NewReplacer("{ ... }", "{}", "(...)", "()")

func parses(src string) bool {
	src = elided.Replace(src)
	fset := token.NewFileSet()
	if strings.HasPrefix(src, "package ") {
		_, err := parser.ParseFile(fset, "", src, 0)
		return err == nil
	}
	if _, err := parser.ParseFile(fset, "", "package p\n"+src, 0); err == nil {
		return true
	}
	_, err := parser.ParseFile(fset, "", "package p\nfunc _() {\n"+src+"\n}", 0)
	return err == nil
}

// command runs name with args in dir with env, failing t with its output.
func command(t *testing.T, dir string, env []string, name string, args ...string) {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir, cmd.Env = dir, env
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
}

// copyGoSum gives a scratch module this module's go.sum: it stands in for
// the checksum database, which a test does not reach (the scratch module
// needs the same modules).
func copyGoSum(t *testing.T, dir string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root(t), "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "go.sum"), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSnippetsBuild: the whole-file Go blocks of README.md and
// docs/runtime.md build and pass go vet, in a scratch module named
// example.com/svc (the README's) that requires this checkout. The
// README's package api block (its handlers, with "{ ... }" bodies) is
// package example.com/svc/api, completed with its imports and its Server
// type, and axiomsgen generates its axioms_gen.go, so the README's main
// is built against what the generator really writes.
func TestSnippetsBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command several times")
	}
	dir := t.TempDir()
	write := func(name, content string) {
		t.Helper()
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("go.mod", "module example.com/svc\n\ngo 1.26\n\nrequire github.com/axioms-go/axiomsgen v0.0.0\n\nreplace github.com/axioms-go/axiomsgen => "+root(t)+"\n")
	copyGoSum(t, dir)
	blocks := 0
	for _, page := range []string{"README.md", filepath.Join("docs", "runtime.md")} {
		b, err := os.ReadFile(filepath.Join(root(t), page))
		if err != nil {
			t.Fatal(err)
		}
		for i, m := range fenceRE.FindAllStringSubmatch(string(b), -1) {
			src := m[2]
			if m[1] != "go" || !strings.HasPrefix(src, "package ") {
				continue
			}
			blocks++
			if strings.HasPrefix(src, "package api\n") {
				// The handlers: imports and the Server type are left out
				// of the README for brevity.
				src = strings.Replace(elided.Replace(src), "package api\n", "package api\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/axioms-go/axiomsgen/runtime\"\n)\n\ntype Server struct{}\n", 1)
				write(filepath.Join("api", "api.go"), src)
				continue
			}
			name := "snippet.go"
			if strings.Contains(src, "testing.T") {
				name = "snippet_test.go"
			}
			// A directory per block, named after its page and number, so
			// that the go command's messages say which block failed.
			pkg := fmt.Sprintf("%s_block%d", strings.TrimSuffix(filepath.Base(page), ".md"), i+1)
			write(filepath.Join(strings.ToLower(pkg), name), src)
		}
	}
	if blocks < 4 {
		t.Fatalf("found %d whole-file Go blocks, want at least 4 (README's handlers and main, runtime.md's main and test)", blocks)
	}
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	gocmd := func(args ...string) { t.Helper(); command(t, dir, env, "go", args...) }
	gocmd("run", "github.com/axioms-go/axiomsgen/cmd/axiomsgen", "./api")
	gocmd("mod", "tidy")
	gocmd("vet", "./...")
}

// TestNoOutsideReferences: the repository states its behaviour in its own
// words; no file cites the team's notes kept outside it.
func TestNoOutsideReferences(t *testing.T) {
	banned := []string{"DECISION" + "S", ".." + "/shared"}
	err := filepath.WalkDir(root(t), func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name == ".git" || name == "node_modules" {
				return filepath.SkipDir
			}
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, word := range banned {
			if bytes.Contains(b, []byte(word)) {
				rel, _ := filepath.Rel(root(t), path)
				t.Errorf("%s cites %q, a file outside the repository: state the behaviour in docs/", rel, word)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestInstallSurvivesTidy: a new service installed as the README says (the
// generator as a tool of its module, //go:generate go tool axiomsgen)
// keeps working through go mod tidy: generate, tidy again, build, and the
// README's CI steps (report to the step summary, check) pass.
// The README's install lines run as written; the module, not published
// under this name, is replaced by this checkout first.
func TestInstallSurvivesTidy(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command several times")
	}
	readme, err := os.ReadFile(filepath.Join(root(t), "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	section := string(readme)
	i := strings.Index(section, "## Install in your service")
	if i < 0 {
		t.Fatal(`README.md has no "## Install in your service" section`)
	}
	section = section[i:]
	block := fenceRE.FindStringSubmatch(section)
	if block == nil || block[1] != "sh" {
		t.Fatal("the install section has no sh block")
	}
	var install [][]string
	for _, line := range strings.Split(block[2], "\n") {
		line, _, _ = strings.Cut(line, "#")
		if f := strings.Fields(line); len(f) > 0 {
			if f[0] != "go" {
				t.Fatalf("install line %q is not a go command", line)
			}
			install = append(install, f[1:])
		}
	}
	if len(install) == 0 {
		t.Fatal("the install block has no command")
	}
	dir := t.TempDir()
	env := append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	run := func(args ...string) { t.Helper(); command(t, dir, env, "go", args...) }
	run("mod", "init", "example.com/svc")
	run("mod", "edit", "-replace", "github.com/axioms-go/axiomsgen="+root(t))
	copyGoSum(t, dir)
	// The install lines run off the network: the module proxy does not
	// know this module (a proxy may refuse the lookup outright), and what
	// they add is in the go.sum copied above and, once this module's
	// modules are downloaded (through the proxy: a no-op when go test
	// ./... has loaded them), in the module cache.
	command(t, root(t), env, "go", "mod", "download")
	env = append(env, "GOPROXY=off")
	for _, args := range install {
		run(args...)
	}
	env = env[:len(env)-1]
	if err := os.MkdirAll(filepath.Join(dir, "api"), 0o755); err != nil {
		t.Fatal(err)
	}
	src := "package api\n\n//go:generate go tool axiomsgen\n\nimport \"net/http\"\n\n// List lists the items.\n//\n//axioms:route GET /items\n//axioms:scopes read:items\nfunc List(w http.ResponseWriter, r *http.Request) {}\n"
	if err := os.WriteFile(filepath.Join(dir, "api", "api.go"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	run("mod", "tidy")
	run("generate", "./...")
	if _, err := os.Stat(filepath.Join(dir, "api", "axioms_gen.go")); err != nil {
		t.Fatalf("go generate wrote nothing: %v", err)
	}
	run("mod", "tidy")
	run("build", "./...")

	// The README's CI steps, as written, in that module.
	var steps []string
	for _, m := range fenceRE.FindAllStringSubmatch(string(readme), -1) {
		if m[1] != "yaml" {
			continue
		}
		for _, line := range strings.Split(m[2], "\n") {
			if step, ok := strings.CutPrefix(strings.TrimSpace(line), "- run: "); ok {
				steps = append(steps, step)
			}
		}
	}
	if len(steps) == 0 {
		t.Fatal("the README shows no CI step (a yaml block of - run: lines)")
	}
	summary := filepath.Join(t.TempDir(), "summary.md")
	for _, step := range steps {
		command(t, dir, append(env, "GITHUB_STEP_SUMMARY="+summary), "sh", "-c", step)
	}
	if b, err := os.ReadFile(summary); err != nil || !bytes.Contains(b, []byte("GET /items")) {
		t.Errorf("the report step wrote no summary naming the route: %q, %v", b, err)
	}
}
