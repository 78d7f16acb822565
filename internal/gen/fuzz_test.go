package gen

import (
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
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
	} {
		f.Add(s)
	}
	imp := importer.ForCompiler(token.NewFileSet(), "source", nil)
	check := func(fset *token.FileSet, files []*ast.File) (*types.Package, *types.Info, error) {
		info := &types.Info{
			Types: map[ast.Expr]types.TypeAndValue{}, Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{},
			Implicits: map[ast.Node]types.Object{}, Selections: map[*ast.SelectorExpr]*types.Selection{}, Scopes: map[ast.Node]*types.Scope{},
		}
		conf := types.Config{Importer: imp.(types.ImporterFrom)}
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
			if p := imp.Path.Value; p != `"net/http"` && p != `"github.com/axioms-go/axiomsgen/runtime"` {
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
