package parse

import (
	"fmt"
	"go/ast"
	"go/token"
	"regexp"
	"strings"
)

// nearMissRE matches the start of a comment that reads like a directive
// but is not one to the Go toolchain or to axiomsgen: blanks after //,
// "axiom" or another case, blanks before the colon. The name must follow
// the colon at once, so prose such as "// Axioms: ..." is not matched.
var nearMissRE = regexp.MustCompile(`^(?i)[ \t]*(axioms?)[ \t]*:([a-z][a-z-]*)`)

// NearMisses returns the comments of files that look like //axioms:
// directives but are ignored as written: "// axioms:route" (a blank after
// //), "//axiom:route", "//Axioms:route", "//axioms :route", and a
// directive in a /* */ comment. Each is a warning: the route or
// requirement the author meant is not there. Files for which skip
// reports true (the generated file) are not read.
func NearMisses(fset *token.FileSet, files []*ast.File, skip func(filename string) bool) []Error {
	var out []Error
	for _, f := range files {
		if skip != nil && skip(fset.File(f.Pos()).Name()) {
			continue
		}
		for _, g := range f.Comments {
			for _, c := range g.List {
				if msg := nearMiss(c.Text); msg != "" {
					out = append(out, Error{Pos: fset.Position(c.Slash), Msg: msg})
				}
			}
		}
	}
	return SortErrors(out)
}

// nearMiss says why a comment is a near miss, or "".
func nearMiss(text string) string {
	if d, ok := ast.ParseDirective(token.NoPos, text); ok && d.Tool == Tool {
		return "" // a directive, valid or not: Parse judges it
	}
	body, block := strings.CutPrefix(text, "/*")
	if block {
		body = strings.TrimSuffix(body, "*/")
	} else {
		body = strings.TrimPrefix(body, "//")
	}
	m := nearMissRE.FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	name := strings.ToLower(m[2])
	if !isKnownDirective(name) && suggest(name) == "" {
		return "" // not about axiomsgen
	}
	if !isKnownDirective(name) {
		name = suggest(name)
	}
	want := "//" + Tool + ":" + name
	written := strings.TrimSpace(m[0])
	if !block {
		written = "//" + m[0]
	}
	switch {
	case block:
		return fmt.Sprintf("%s in a /* */ comment is ignored: directives are line comments; write %s", written+"...", want)
	default:
		return fmt.Sprintf("%q is ignored: a directive is written %s, with no blanks and the tool name %s", written, want, Tool)
	}
}

func isKnownDirective(name string) bool {
	for _, k := range knownDirectives {
		if k == name {
			return true
		}
	}
	return false
}
