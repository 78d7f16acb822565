package discover_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/axioms-go/axiomsgen/internal/discover"
	"github.com/axioms-go/axiomsgen/internal/gen"
)

// wantRE matches the expectation comments of testdata/discover:
// // want "STATUS METHOD PATH [REQUIREMENT]" ["..." for more routes on
// the line].
var (
	wantRE  = regexp.MustCompile(`// want ("[^"]*"(?:\s+"[^"]*")*)`)
	quoteRE = regexp.MustCompile(`"([^"]*)"`)
)

func testdataDir(t *testing.T) string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "discover")
}

func render(r discover.Row) string {
	method := r.Method
	if method == "" {
		method = "*"
	}
	s := fmt.Sprintf("%s %s %s", r.Status, method, r.Host+r.Path)
	if r.Status == discover.Guarded {
		s += " " + r.Requirement
	}
	return s
}

// TestRouters checks every route found in the router testdata module
// against the want comment on its line, and that every want is found.
func TestRouters(t *testing.T) {
	dir := testdataDir(t)
	pkgs, err := gen.Load(context.Background(), gen.Options{Dir: dir}, "./...")
	if err != nil {
		t.Fatal(err)
	}
	routes := discover.Routes(pkgs, discover.Options{Trust: []string{
		"example.com/routes/ginrouter.Auth",
		"example.com/routes/echorouter.Auth",
		"example.com/routes/crosspkg/handlers.Auth",
	}})

	type key struct {
		file string
		line int
	}
	wants := map[key][]string{}
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		b, _ := os.ReadFile(path)
		for i, line := range strings.Split(string(b), "\n") {
			if m := wantRE.FindStringSubmatch(line); m != nil {
				var all []string
				for _, q := range quoteRE.FindAllStringSubmatch(m[1], -1) {
					all = append(all, q[1])
				}
				wants[key{filepath.Base(filepath.Dir(path)) + "/" + filepath.Base(path), i + 1}] = all
			}
		}
		return nil
	})
	got := map[key][]string{}
	for _, r := range routes {
		k := key{filepath.Base(filepath.Dir(r.Pos.Filename)) + "/" + filepath.Base(r.Pos.Filename), r.Pos.Line}
		got[k] = append(got[k], render(r))
	}
	for k, g := range got {
		want, ok := wants[k]
		slices.Sort(g)
		slices.Sort(want)
		switch {
		case !ok:
			t.Errorf("%s:%d: unexpected routes %q", k.file, k.line, g)
		case !slices.Equal(g, want):
			t.Errorf("%s:%d: got %q, want %q", k.file, k.line, g, want)
		}
	}
	for k, want := range wants {
		if _, ok := got[k]; !ok {
			t.Errorf("%s:%d: routes %q not found", k.file, k.line, want)
		}
	}
}

// TestWrapperOfPackageOutsidePattern: a generated wrapper of a package
// that is only a dependency of the loaded ones is still a guard (its
// declaration is found in the generated file of that package).
func TestWrapperOfPackageOutsidePattern(t *testing.T) {
	pkgs, err := gen.Load(context.Background(), gen.Options{Dir: testdataDir(t)}, "./outside")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range discover.Routes(pkgs, discover.Options{}) {
		got = append(got, render(r))
	}
	want := []string{"guarded GET /outside see the //axioms: directives of example.com/routes/annotated.GuardedA"}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestLimitsSayWhy: a route past one of the walk's limits is an unknown
// row whose reason names the limit.
func TestLimitsSayWhy(t *testing.T) {
	pkgs, err := gen.Load(context.Background(), gen.Options{Dir: testdataDir(t)}, "./review")
	if err != nil {
		t.Fatal(err)
	}
	reasons := map[string]string{}
	for _, r := range discover.Routes(pkgs, discover.Options{}) {
		reasons[r.Pattern()] = r.Reason
	}
	for _, tc := range []struct{ name, pattern, reason string }{
		{"handler through too many variables", "/long", "the handler passes through more than 8 variables"},
		{"named callbacks nested too deep", "GET /leaf", "the router passes through more than 4 registration helpers"},
		{"mounts nested too deep", "{?}/leaf", "the router is mounted through more than 8 routers"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := reasons[tc.pattern]; !strings.HasPrefix(got, tc.reason) {
				t.Errorf("%s: reason %q, want %q...", tc.pattern, got, tc.reason)
			}
		})
	}
}

// shadowRE matches the shadowing expectations of testdata/discover:
// shadow "error" or shadow "warning" on the line of the later
// registration.
var shadowRE = regexp.MustCompile(`shadow "(error|warning)"`)

// TestShadows: every pair of registrations a router does not both serve
// is found, on the line of the later one, an error when the served one is
// weaker (or the router panics), a warning otherwise; and nothing else in
// the module is (each router's testdata is a corpus of lookalikes).
func TestShadows(t *testing.T) {
	dir := testdataDir(t)
	pkgs, err := gen.Load(context.Background(), gen.Options{Dir: dir}, "./...")
	if err != nil {
		t.Fatal(err)
	}
	shadows := discover.Analyze(pkgs, discover.Options{Trust: []string{
		"example.com/routes/ginrouter.Auth",
		"example.com/routes/echorouter.Auth",
		"example.com/routes/crosspkg/handlers.Auth",
	}})
	want := map[string]string{}
	filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") {
			return err
		}
		b, _ := os.ReadFile(path)
		for i, line := range strings.Split(string(b), "\n") {
			if m := shadowRE.FindStringSubmatch(line); m != nil {
				want[fmt.Sprintf("%s/%s:%d", filepath.Base(filepath.Dir(path)), filepath.Base(path), i+1)] = m[1]
			}
		}
		return nil
	})
	got := map[string]string{}
	for _, s := range shadows.Shadows {
		p := s.Pos()
		key := fmt.Sprintf("%s/%s:%d", filepath.Base(filepath.Dir(p.Filename)), filepath.Base(p.Filename), p.Line)
		level := "warning"
		if s.Error {
			level = "error"
		}
		got[key] = level
		t.Logf("%s: %s: %s", key, level, s.Message(filepath.Base))
	}
	for k, g := range got {
		if want[k] != g {
			t.Errorf("%s: got a shadowing %s, want %q", k, g, want[k])
		}
	}
	for k, w := range want {
		if _, ok := got[k]; !ok {
			t.Errorf("%s: no shadowing %s found", k, w)
		}
	}
}

// TestOverlaps: on a ServeMux, the requests a guarded pattern was written
// for that reach a weaker one are found (host case, encoded slash), one
// per pair, and patterns that only look alike are not.
func TestOverlaps(t *testing.T) {
	pkgs, err := gen.Load(context.Background(), gen.Options{Dir: testdataDir(t)}, "./overlapnethttp")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, o := range discover.Analyze(pkgs, discover.Options{}).Overlaps {
		got = append(got, o.Route.Pattern()+" <- "+o.Request+" -> "+o.Served.Pattern())
	}
	want := []string{
		"GET admin.example.com/panel <- GET /panel with Host: ADMIN.EXAMPLE.COM -> GET /panel",
		"GET /static/admin/config <- GET /static/admin%2Fconfig -> GET /static/{path...}",
	}
	if !slices.Equal(got, want) {
		t.Errorf("overlaps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
