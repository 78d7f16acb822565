package parse

import (
	"go/ast"
	goparser "go/parser"
	"go/token"
	"go/types"
	"strings"
	"testing"
)

// fakeHTTP is a minimal net/http with the two handler parameter types,
// so the fuzzer type-checks without loading the real package.
func fakeImporter() types.Importer {
	src := map[string]string{
		"net/http":  "package http\n\ntype ResponseWriter interface{ Write([]byte) (int, error) }\n\ntype Request struct{ Method string }\n",
		RuntimePath: "package runtime\n\ntype Claims struct{ Subject string }\n",
	}
	pkgs := map[string]*types.Package{}
	return importerFunc(func(path string) (*types.Package, error) {
		if p, ok := pkgs[path]; ok {
			return p, nil
		}
		fset := token.NewFileSet()
		f, err := goparser.ParseFile(fset, path+".go", src[path], 0)
		if err != nil {
			return nil, err
		}
		p, err := (&types.Config{}).Check(path, fset, []*ast.File{f}, nil)
		pkgs[path] = p
		return p, err
	})
}

type importerFunc func(string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

// FuzzDirectives parses fuzzed directive lines on a handler: errors come
// with positions inside the file, handlers only with a route or a
// requirement, and nothing panics.
func FuzzDirectives(f *testing.F) {
	for _, s := range []string{
		"//axioms:route GET /x\n//axioms:scopes read",
		"//axioms:route POST /items/{id}\n//axioms:roles a \"b c\"\n//axioms:permissions p q",
		"//axioms:route GET /x\n//axioms:public",
		"//axioms:scope read",
		"//axioms:roles \"unterminated",
		"//axioms:route GET /a/{x}/{x}\n//axioms:authenticated",
		"//axioms:route\n//axioms:scopes `raw value`",
	} {
		f.Add(s)
	}
	imp := fakeImporter()
	f.Fuzz(func(t *testing.T, directives string) {
		if strings.Contains(directives, "*/") {
			return
		}
		var lines []string
		for _, l := range strings.Split(directives, "\n") {
			lines = append(lines, "//"+strings.TrimPrefix(l, "//"))
		}
		src := "package a\n\nimport (\n\t\"net/http\"\n\n\t\"github.com/axioms-go/axiomsgen/runtime\"\n)\n\nvar _ *runtime.Claims\n\n" +
			strings.Join(lines, "\n") + "\nfunc H(w http.ResponseWriter, r *http.Request) {}\n"
		fset := token.NewFileSet()
		file, err := goparser.ParseFile(fset, "a.go", src, goparser.ParseComments)
		if err != nil {
			return
		}
		info := &types.Info{Defs: map[*ast.Ident]types.Object{}, Uses: map[*ast.Ident]types.Object{}, Types: map[ast.Expr]types.TypeAndValue{}}
		if _, err := (&types.Config{Importer: imp}).Check("example.com/a", fset, []*ast.File{file}, info); err != nil {
			return
		}
		res, errs := Parse(fset, []*ast.File{file}, info, Options{})
		handlers := res.Handlers
		for _, e := range errs {
			if e.Pos.Filename != "a.go" || e.Pos.Line < 1 || e.Msg == "" {
				t.Fatalf("error without a position in the file: %+v", e)
			}
		}
		for _, h := range handlers {
			if !h.Generated() || (h.Public && h.HasRequirement()) {
				t.Fatalf("bad handler %+v", h)
			}
			for _, r := range h.Routes {
				if ValidPattern(RouterHTTP, r.Pattern) != "" {
					t.Fatalf("invalid pattern %q accepted", r.Pattern)
				}
			}
		}
	})
}
