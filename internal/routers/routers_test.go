package routers_test

import (
	"go/types"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/axioms-go/axiomsgen/internal/routers"
	"golang.org/x/tools/go/packages"
)

// stubDirs maps each router's import path to its stand-in module under
// testdata/stubs (declarations of the real exported API), so the walk
// runs offline.
func stubDirs(t *testing.T) (root string, dirs map[string]string) {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	root = filepath.Join(filepath.Dir(self), "..", "..")
	dirs = map[string]string{}
	mods, _ := filepath.Glob(filepath.Join(root, "testdata", "stubs", "*", "go.mod"))
	for _, m := range mods {
		b, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		first, _, _ := strings.Cut(string(b), "\n")
		dirs[strings.TrimSpace(strings.TrimPrefix(first, "module"))] = filepath.Dir(m)
	}
	return root, dirs
}

// load type-checks the package at path: a stub, the standard library or
// this module's runtime.
func load(t *testing.T, root string, dirs map[string]string, path string) *types.Package {
	t.Helper()
	dir, pattern := root, path
	if d, ok := dirs[path]; ok {
		dir, pattern = d, "."
	}
	pkgs, err := packages.Load(&packages.Config{Dir: dir, Mode: packages.NeedName | packages.NeedTypes}, pattern)
	if err != nil || len(pkgs) != 1 || len(pkgs[0].Errors) > 0 || pkgs[0].Types == nil {
		t.Fatalf("loading %s: %v %v", path, err, pkgs)
	}
	return pkgs[0].Types
}

// methods are the exported methods of a named type (its pointer's method
// set, or an interface's methods).
func methods(obj types.Object) []string {
	var out []string
	ms := types.NewMethodSet(types.NewPointer(obj.Type()))
	if types.IsInterface(obj.Type()) {
		ms = types.NewMethodSet(obj.Type())
	}
	for sel := range ms.Methods() {
		if sel.Obj().Exported() {
			out = append(out, sel.Obj().Name())
		}
	}
	return out
}

// TestTableCoversAPI walks the exported API of every type the table says
// registers routes: each method must be a registration, or be marked as
// deliberately not one, so a router release that adds a registration
// method (chi's Query did) fails here until the table says what it is.
// Every registration of the table must exist on one of its types.
func TestTableCoversAPI(t *testing.T) {
	root, dirs := stubDirs(t)
	pkgs := map[string]*types.Package{}
	for _, r := range routers.All {
		t.Run(r.Kind, func(t *testing.T) {
			seen := map[string]bool{}
			for _, tn := range r.Types {
				p, ok := pkgs[tn.Path]
				if !ok {
					p = load(t, root, dirs, tn.Path)
					pkgs[tn.Path] = p
				}
				obj := p.Scope().Lookup(tn.Name)
				if obj == nil {
					t.Errorf("%s.%s: no such type", tn.Path, tn.Name)
					continue
				}
				for _, m := range methods(obj) {
					seen[m] = true
					_, reg := r.Registration(m)
					_, other := r.Other[m]
					switch {
					case reg && other:
						t.Errorf("%s.%s.%s is both a registration and not one", tn.Path, tn.Name, m)
					case !reg && !other:
						t.Errorf("%s.%s has method %s, which the table neither lists as a registration nor marks as not one", tn.Path, tn.Name, m)
					}
				}
			}
			for _, reg := range r.Registrations {
				if !seen[reg.Name] && !(r.PackageFuncs && pkgs[r.Paths[0]].Scope().Lookup(reg.Name) != nil) {
					t.Errorf("registration %s is a method of none of the %s types", reg.Name, r.Kind)
				}
			}
			for name := range r.Other {
				if !seen[name] {
					t.Errorf("Other lists %s, a method of none of the %s types", name, r.Kind)
				}
			}
			if c := r.Chain; c != nil {
				p, ok := pkgs[c.Builder.Path]
				if !ok {
					p = load(t, root, dirs, c.Builder.Path)
					pkgs[c.Builder.Path] = p
				}
				read := slices.Concat(c.Path, c.Handler, []string{c.Methods, c.Subrouter})
				for _, m := range methods(p.Scope().Lookup(c.Builder.Name)) {
					_, other := c.Other[m]
					if !slices.Contains(read, m) && !other && !strings.HasPrefix(m, "Get") {
						t.Errorf("%s.%s has method %s, which the chain neither reads nor marks as not read", c.Builder.Path, c.Builder.Name, m)
					}
				}
			}
			if r.Use != "" && !slices.Contains(methods(pkgs[r.Types[0].Path].Scope().Lookup(r.Types[0].Name)), r.Use) {
				t.Errorf("%s has no %s method", r.Types[0].Name, r.Use)
			}
		})
	}
}
