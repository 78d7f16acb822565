package parse

import (
	"go/ast"
	"go/types"
	"slices"
	"strconv"
	"strings"

	"github.com/axioms-go/axiomsgen/internal/routers"
)

// handlerShapes lists the handler signatures a package may use, for the
// error on an unsupported one: net/http's always, and the own signature
// of the router the package was generated for, or else of each router it
// imports (a chi package is not told about gin's).
func handlerShapes(router Router, imports []string) string {
	shapes := []string{"func(http.ResponseWriter, *http.Request)"}
	for _, r := range routers.All {
		c := r.Context
		if c.Name == "" {
			continue
		}
		if router != "" && string(router) != r.Flag || router == "" && !slices.Contains(imports, c.Path) {
			continue
		}
		ptr, result := "", ""
		if r.ContextPtr {
			ptr = "*"
		}
		if r.ReturnsError {
			result = " error"
		}
		shapes = append(shapes, "func("+ptr+r.Gen.PkgName+"."+c.Name+")"+result)
	}
	switch len(shapes) {
	case 1:
		return shapes[0]
	default:
		return strings.Join(shapes[:len(shapes)-1], ", ") + " or " + shapes[len(shapes)-1]
	}
}

// signatureHint is a likely fix for an unsupported signature: the
// request or the claims taken by value instead of by pointer.
func signatureHint(sig *types.Signature) string {
	for v := range sig.Params().Variables() {
		switch t := v.Type(); {
		case isNamed(t, "net/http", "Request"):
			return "; did you mean *http.Request?"
		case isNamed(t, RuntimePath, "Claims"):
			return "; did you mean *runtime.Claims?"
		}
	}
	return ""
}

// importsOf lists the import paths of files.
func importsOf(files []*ast.File) []string {
	var out []string
	for _, f := range files {
		for _, spec := range f.Imports {
			if path, err := strconv.Unquote(spec.Path.Value); err == nil {
				out = append(out, path)
			}
		}
	}
	return out
}
