package browsertest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The generated module: packages × routes per package, each package with
// the same mix of statuses.
const (
	bigPackages = 8
	// Per package: annotated routes guarded by directives, routes guarded
	// by Guard.Handler at the registration, public, unguarded and
	// unresolvable (registered in a loop) ones.
	bigAnnotated = 100
	bigHandler   = 50
	bigPublic    = 40
	bigOpen      = 40
	bigLoop      = 20
)

// scriptPath is a route path that is markup: the page must show it as
// text and never run it.
const scriptPath = "/x/<script>document.title='pwned'</script>"

// bigWant is the summary the generated module must have, by construction.
func bigWant() (total, guarded, public, unguarded, unknown int) {
	per := bigAnnotated + bigHandler + bigPublic + bigOpen + bigLoop
	return bigPackages * per, bigPackages * (bigAnnotated + bigHandler), bigPackages * bigPublic, bigPackages * bigOpen, bigPackages * bigLoop
}

// writeBigModule writes a module of bigPackages net/http packages that
// uses the axiomsgen runtime at repo, and returns its directory.
func writeBigModule(t *testing.T, repo string) string {
	t.Helper()
	dir := t.TempDir()
	rootMod, err := os.ReadFile(filepath.Join(repo, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	mod := fmt.Sprintf("module example.com/big\n\ngo 1.26.0\n\nrequire github.com/axioms-go/axiomsgen v0.0.0\n\nreplace github.com/axioms-go/axiomsgen => %s\n", repo)
	// The runtime's dependencies at the versions the repository uses, so
	// that its go.sum is all the generated module needs.
	for _, line := range strings.Split(string(rootMod), "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(line, "require "))
		if f := strings.Fields(line); len(f) >= 2 && strings.Contains(f[0], ".") && strings.HasPrefix(f[1], "v") {
			mod += fmt.Sprintf("require %s %s // indirect\n", f[0], f[1])
		}
	}
	sum, err := os.ReadFile(filepath.Join(repo, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{"go.mod": mod, "go.sum": string(sum)}
	for p := range bigPackages {
		name := fmt.Sprintf("svc%02d", p)
		files[name+"/handlers.go"] = bigHandlers(name)
		files[name+"/routes.go"] = bigRoutes(name, p == 0)
	}
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// The annotated routes need their generated files: without them the
	// report rightly calls them stale (the binary would not register
	// them).
	gen := exec.Command(binary, "./...")
	gen.Dir = dir
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("axiomsgen ./...: %v\n%s", err, out)
	}
	return dir
}

// bigHandlers are the annotated handlers: scopes, roles and permissions
// drawn from small sets so that each value guards many routes.
func bigHandlers(pkg string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "package %s\n\nimport \"net/http\"\n\n// Server serves the %s API.\ntype Server struct{}\n", pkg, pkg)
	methods := []string{"GET", "POST", "PUT", "DELETE", "PATCH"}
	for i := range bigAnnotated {
		fmt.Fprintf(&b, "\n// Item%03d serves an item.\n//\n//axioms:route %s /%s/items/%03d\n", i, methods[i%len(methods)], pkg, i)
		switch i % 4 {
		case 0:
			fmt.Fprintf(&b, "//axioms:scopes read:%s-%d admin\n", pkg, i%10)
		case 1:
			fmt.Fprintf(&b, "//axioms:scopes write:%s-%d\n//axioms:roles editor admin\n", pkg, i%10)
		case 2:
			fmt.Fprintf(&b, "//axioms:permissions items:%d\n//axioms:dpop\n", i%7)
		case 3:
			fmt.Fprintf(&b, "//axioms:authenticated\n")
		}
		fmt.Fprintf(&b, "func (s *Server) Item%03d(w http.ResponseWriter, r *http.Request) {}\n", i)
	}
	return b.String()
}

// bigRoutes are the hand registrations: guarded at the registration,
// public, unguarded, and in loops (unknown).
func bigRoutes(pkg string, withScript bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, `package %s

import (
	"net/http"

	"github.com/axioms-go/axiomsgen/runtime"
)

func h(w http.ResponseWriter, r *http.Request) {}

// Routes registers the hand-written routes.
func Routes(g *runtime.Guard, prefixes []string) *http.ServeMux {
	mux := http.NewServeMux()
`, pkg)
	for i := range bigHandler {
		fmt.Fprintf(&b, "\tmux.Handle(\"GET /%s/guarded/%03d\", g.Handler(runtime.Requirement{Scopes: [][]string{{\"ops:%d\"}}}, http.HandlerFunc(h)))\n", pkg, i, i%5)
	}
	for i := range bigPublic {
		fmt.Fprintf(&b, "\tmux.HandleFunc(\"GET /%s/public/%03d\", h) //axioms:public\n", pkg, i)
	}
	for i := range bigOpen {
		path := fmt.Sprintf("/%s/open/%03d", pkg, i)
		if withScript && i == 0 {
			path = scriptPath
		}
		fmt.Fprintf(&b, "\tmux.HandleFunc(%q, h)\n", "GET "+path)
	}
	for i := range bigLoop {
		fmt.Fprintf(&b, "\tfor _, p := range prefixes {\n\t\tmux.HandleFunc(p+\"/loop/%03d\", h)\n\t}\n", i)
	}
	b.WriteString("\treturn mux\n}\n")
	return b.String()
}
