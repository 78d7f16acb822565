package parse

import (
	"go/ast"
	goparser "go/parser"
	"go/token"
	"testing"
)

// TestNearMisses: each way a directive is almost written is a warning
// naming the directive meant; directives, prose and other tools' comments
// are not.
func TestNearMisses(t *testing.T) {
	for _, tc := range []struct {
		name, comment, want string
	}{
		{"blank after //", "// axioms:route GET /healthz", `"// axioms:route" is ignored: a directive is written //axioms:route, with no blanks and the tool name axioms`},
		{"tab after //", "//\taxioms:scopes read", `"//\taxioms:scopes" is ignored: a directive is written //axioms:scopes, with no blanks and the tool name axioms`},
		{"tool name in the singular", "//axiom:route GET /x", `"//axiom:route" is ignored: a directive is written //axioms:route, with no blanks and the tool name axioms`},
		{"upper case", "//Axioms:public", `"//Axioms:public" is ignored: a directive is written //axioms:public, with no blanks and the tool name axioms`},
		{"blank before the colon", "//axioms :roles admin", `"//axioms :roles" is ignored: a directive is written //axioms:roles, with no blanks and the tool name axioms`},
		{"misspelt name too", "// axioms:scope read", `"// axioms:scope" is ignored: a directive is written //axioms:scopes, with no blanks and the tool name axioms`},
		{"block comment", "/*axioms:route GET /x*/", "axioms:route... in a /* */ comment is ignored: directives are line comments; write //axioms:route"},
		{"a directive", "//axioms:route GET /x", ""},
		{"an unknown directive is Parse's", "//axioms:scope read", ""},
		{"prose", "// Axioms: the guards of this package.", ""},
		{"prose with a colon word", "// axioms:tomorrow we ship", ""},
		{"another tool", "//go:generate axiomsgen", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "package p\n\n" + tc.comment + "\nfunc F() {}\n"
			fset := token.NewFileSet()
			f, err := goparser.ParseFile(fset, "p.go", src, goparser.ParseComments)
			if err != nil {
				t.Fatal(err)
			}
			errs := NearMisses(fset, []*ast.File{f}, nil)
			switch {
			case tc.want == "" && len(errs) > 0:
				t.Errorf("got %v, want none", errs)
			case tc.want != "" && (len(errs) != 1 || errs[0].Msg != tc.want || errs[0].Pos.Line != 3):
				t.Errorf("got %v, want p.go:3:1: %s", errs, tc.want)
			}
		})
	}
}
