package gen

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	goruntime "runtime"
	"strconv"
	"sync"
	"testing"

	"github.com/axioms-go/axiomsgen/internal/parse"
	"golang.org/x/tools/go/packages"
)

// FuzzGenerate runs the generator's pipeline on fuzzed Go source: it
// either reports errors or produces a file that compiles with the source;
// it never panics.
func FuzzGenerate(f *testing.F) {
	for _, s := range []string{
		"package a\n\nimport \"net/http\"\n\n//axioms:route GET /x\n//axioms:scopes read\nfunc X(w http.ResponseWriter, r *http.Request) {}\n",
		"package a\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/axioms-go/axiomsgen/runtime\"\n)\n\ntype S struct{}\n\n//axioms:route POST example.com/items/{id}\n//axioms:roles a \"b c\"\n//axioms:permissions p\nfunc (s *S) C(w http.ResponseWriter, r *http.Request, c *runtime.Claims) {}\n\n//axioms:route GET /h\n//axioms:public\nfunc H(w http.ResponseWriter, r *http.Request) {}\n",
		"package a\n\nimport \"net/http\"\n\ntype T int\n\n//axioms:route GET /{x...}\n//axioms:authenticated\nfunc (T) V(w http.ResponseWriter, r *http.Request) {}\n\n//axioms:scopes only\nfunc W(w http.ResponseWriter, r *http.Request) {}\n",
		"package a\n\n//axioms:route GET /x\n//axioms:scope read\nfunc X() {}\n",
		"package a\n\nimport (\n\t\"github.com/axioms-go/axiomsgen/runtime\"\n\t\"github.com/gin-gonic/gin\"\n)\n\ntype C struct{ Org string `json:\"org\"` }\n\ntype S struct{}\n\n//axioms:route GET /items/:id\n//axioms:scopes read\nfunc (s *S) Item(c *gin.Context, claims *runtime.Claims) {}\n\n//axioms:route /org/*rest\n//axioms:dpop\nfunc Org(c *gin.Context, o *C) {}\n\n//axioms:route GET /h\n//axioms:public\nfunc H(c *gin.Context) {}\n",
		"package a\n\nimport \"github.com/labstack/echo/v4\"\n\ntype g struct{ X string }\n\n//axioms:route DELETE /items/:id\n//axioms:permissions d\nfunc D(c echo.Context, x *g) error { return nil }\n\n//axioms:route /static/*\n//axioms:authenticated\nfunc r(c echo.Context) error { return nil }\n",
		"package a\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/go-chi/chi/v5\"\n)\n\nvar _ chi.Router\n\n//axioms:route GET /items/{id:[0-9]+}\n//axioms:roles admin\nfunc I(w http.ResponseWriter, r *http.Request) {}\n\n//axioms:route /files/*\n//axioms:public\nfunc F(w http.ResponseWriter, r *http.Request) {}\n",
		"package a\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/gorilla/mux\"\n)\n\nvar _ mux.Router\n\n//axioms:route PUT /items/{id}\n//axioms:scopes write\nfunc P(w http.ResponseWriter, r *http.Request) {}\n",
	} {
		f.Add(s)
	}
	imp := stubImporter(f, importer.ForCompiler(token.NewFileSet(), "source", nil).(types.ImporterFrom))
	// Type-checking net/http and the runtime from source takes seconds:
	// do it once here, before the fuzzing engine times each input (it
	// counts an input over 10 s as a hang, and the first one paid this).
	for _, path := range []string{"net/http", parse.RuntimePath} {
		if _, err := imp.Import(path); err != nil {
			f.Fatalf("importing %s: %v", path, err)
		}
	}
	check := func(fset *token.FileSet, files []*ast.File) (*types.Package, *types.Info, error) {
		info := &types.Info{
			Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{},
			Implicits: map[ast.Node]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{}, Scopes: map[ast.Node]*types.Scope{},
		}
		conf := types.Config{Importer: imp}
		pkg, err := conf.Check("example.com/a", fset, files, info)
		return pkg, info, err
	}
	f.Fuzz(func(t *testing.T, src string) {
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, "/fuzz/a/a.go", src, parser.ParseComments)
		if err != nil {
			return
		}
		for _, imp := range file.Imports {
			// Keep to the packages the seeds use: loading others from
			// source is slow and tells nothing about the generator.
			if p, _ := strconv.Unquote(imp.Path.Value); p != "net/http" && p != parse.RuntimePath && routerStubs[p] == "" {
				return
			}
		}
		pkg, info, err := check(fset, []*ast.File{file})
		if err != nil {
			return // the real loader stops here with exit status 2
		}
		p := &packages.Package{PkgPath: "example.com/a", Name: pkg.Name(), Fset: fset, Syntax: []*ast.File{file},
			Types: pkg, TypesInfo: info, GoFiles: []string{"/fuzz/a/a.go"}}
		res, errs := parse.Parse(fset, p.Syntax, info, parse.Options{})
		p.Imports = map[string]*packages.Package{}
		if len(errs) > 0 {
			return
		}
		out, rerrs := render(Package{Pkg: p, Router: res.Router, RouterPath: res.RouterPath, Handlers: res.Handlers}, Options{}.withDefaults())
		if len(rerrs) > 0 || out == nil || out.Content == nil {
			return
		}
		gen, err := parser.ParseFile(fset, "/fuzz/a/axioms_gen.go", out.Content, parser.ParseComments)
		if err != nil {
			t.Fatalf("generated code does not parse: %v\n%s", err, out.Content)
		}
		if _, _, err := check(fset, []*ast.File{file, gen}); err != nil {
			t.Fatalf("generated code does not compile: %v\n--- source\n%s\n--- generated\n%s", err, src, out.Content)
		}
	})
}

// routerStubs are the routers' stand-ins of testdata/stubs, by import path.
var routerStubs = map[string]string{
	parse.GinPath: "gin", parse.EchoPath: "echo", parse.ChiPath: "chi", parse.GorillaPath: "gorilla",
}

// stubImporter imports the routers from their stand-ins (type-checked
// from source once each) and everything else through base.
func stubImporter(tb testing.TB, base types.ImporterFrom) types.ImporterFrom {
	_, self, _, _ := goruntime.Caller(0)
	root := filepath.Join(filepath.Dir(self), "..", "..", "testdata", "stubs")
	var mu sync.Mutex
	cache := map[string]*types.Package{}
	return importerFromFunc(func(path, dir string, mode types.ImportMode) (*types.Package, error) {
		name, ok := routerStubs[path]
		if !ok {
			return base.ImportFrom(path, dir, mode)
		}
		mu.Lock()
		defer mu.Unlock()
		if p, ok := cache[path]; ok {
			return p, nil
		}
		fset := token.NewFileSet()
		matches, _ := filepath.Glob(filepath.Join(root, name, "*.go"))
		var files []*ast.File
		for _, m := range matches {
			f, err := parser.ParseFile(fset, m, nil, 0)
			if err != nil {
				return nil, err
			}
			files = append(files, f)
		}
		p, err := (&types.Config{Importer: base}).Check(path, fset, files, nil)
		if err != nil {
			tb.Fatalf("stub %s: %v", path, err)
		}
		cache[path] = p
		return p, nil
	})
}

type importerFromFunc func(path, dir string, mode types.ImportMode) (*types.Package, error)

func (f importerFromFunc) Import(path string) (*types.Package, error) { return f(path, "", 0) }
func (f importerFromFunc) ImportFrom(path, dir string, mode types.ImportMode) (*types.Package, error) {
	return f(path, dir, mode)
}
