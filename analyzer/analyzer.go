// Package analyzer exposes axiomsgen's route check as a go/analysis
// Analyzer, for go vet -vettool, editors (gopls) and golangci-lint
// module plugins: it reports every route registration that is neither
// guarded nor marked public, every pair of registrations a router does
// not both serve, every invalid //axioms: directive, and comments that
// look like directives but are ignored (near misses, as warnings).
package analyzer

import (
	"flag"
	"go/ast"
	"go/token"
	"path/filepath"
	"strings"

	"github.com/axioms-go/axiomsgen/internal/discover"
	"github.com/axioms-go/axiomsgen/internal/gen"
	"github.com/axioms-go/axiomsgen/internal/header"
	"github.com/axioms-go/axiomsgen/internal/parse"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/packages"
)

// Analyzer reports unguarded and unresolvable routes and invalid
// directives. Its -trust flag (comma-separated pkgpath.Func or
// pkgpath.Type.Method) declares the team's own middleware a guard.
var Analyzer = &analysis.Analyzer{
	Name:  "axiomsguard",
	Doc:   "report HTTP routes and gRPC/Connect methods that are neither guarded by an access-token check nor marked //axioms:public, and invalid //axioms: directives",
	URL:   "https://github.com/axioms-go/axiomsgen",
	Flags: flags(),
	Run:   run,
}

var trust string

func flags() flag.FlagSet {
	fs := flag.NewFlagSet("axiomsguard", flag.ExitOnError)
	fs.StringVar(&trust, "trust", "", "comma-separated pkgpath.Func or pkgpath.Type.Method whose result counts as a guard")
	return *fs
}

func run(pass *analysis.Pass) (any, error) {
	var goFiles []string
	for _, f := range pass.Files {
		goFiles = append(goFiles, pass.Fset.File(f.Pos()).Name())
	}
	pkg := &packages.Package{
		PkgPath:   pass.Pkg.Path(),
		Name:      pass.Pkg.Name(),
		Fset:      pass.Fset,
		Syntax:    pass.Files,
		Types:     pass.Pkg,
		TypesInfo: pass.TypesInfo,
		GoFiles:   goFiles,
	}
	var trusted []string
	for _, t := range strings.Split(trust, ",") {
		if t = strings.TrimSpace(t); t != "" {
			trusted = append(trusted, t)
		}
	}

	// The generated file is found by its header, whatever -output named
	// it; its header says the router it was made for (-router), as check
	// and report read it.
	seen := map[string]bool{}
	skip := func(name string) bool { return header.IsGenerated(name, gen.DefaultOutput, seen) }
	popts := parse.Options{Skip: skip}
	if path := header.Find(goFiles, gen.DefaultOutput, seen); path != "" {
		popts.Router = parse.Router(header.Read(path).Router)
	}
	_, errs := parse.Parse(pass.Fset, pass.Files, pass.TypesInfo, popts)
	for _, e := range errs {
		if f := fileAt(pass, e.Pos.Filename); f != nil {
			pass.Reportf(pass.Fset.File(f.Pos()).LineStart(e.Pos.Line)+tokenOffset(e.Pos.Column), "%s", e.Msg)
		}
	}
	for _, e := range parse.NearMisses(pass.Fset, pass.Files, skip) {
		if f := fileAt(pass, e.Pos.Filename); f != nil {
			pass.Reportf(pass.Fset.File(f.Pos()).LineStart(e.Pos.Line)+tokenOffset(e.Pos.Column), "warning: %s", e.Msg)
		}
	}

	report := map[discover.Status]string{
		discover.Unguarded: "%s: unguarded route (handler %s): guard it with //axioms: directives or runtime.Guard, or mark it //axioms:public",
		discover.Unknown:   "%s: route the tool cannot resolve (%s): guard it visibly at the registration or mark it //axioms:public",
	}
	found := discover.Analyze([]*packages.Package{pkg}, discover.Options{Trust: trusted})
	for _, o := range found.Overlaps {
		pos := o.Pos()
		if f := fileAt(pass, pos.Filename); f != nil {
			pass.Reportf(pass.Fset.File(f.Pos()).LineStart(pos.Line)+tokenOffset(pos.Column), "%s", o.Message(filepath.Base))
		}
	}
	for _, s := range found.Shadows {
		pos := s.Pos()
		f := fileAt(pass, pos.Filename)
		if f == nil {
			continue
		}
		level := "warning: "
		if s.Error {
			level = ""
		}
		pass.Reportf(pass.Fset.File(f.Pos()).LineStart(pos.Line)+tokenOffset(pos.Column), "%s%s", level, s.Message(filepath.Base))
	}
	for _, r := range found.Routes {
		f := fileAt(pass, r.Pos.Filename)
		if f == nil {
			continue
		}
		at := pass.Fset.File(f.Pos()).LineStart(r.Pos.Line) + tokenOffset(r.Pos.Column)
		if msg := r.Problem(); msg != "" {
			pass.Reportf(at, "%s", msg)
			continue
		}
		format, ok := report[r.Status]
		if !ok || (r.Status == discover.Unknown && strings.HasPrefix(r.Reason, discover.ImplNotLoaded)) {
			continue
		}
		detail := r.Handler
		if r.Status == discover.Unknown {
			detail = r.Reason
		}
		if r.Middleware != "" {
			format += "; it passes through %s, which the tool cannot classify: if this middleware authorises requests, pass -trust %s"
			pass.Reportf(at, format, r.Pattern(), detail, r.Middleware, r.Middleware)
			continue
		}
		pass.Reportf(at, format, r.Pattern(), detail)
	}
	return nil, nil
}

func fileAt(pass *analysis.Pass, name string) *ast.File {
	for _, f := range pass.Files {
		if pass.Fset.File(f.Pos()).Name() == name {
			return f
		}
	}
	return nil
}

// tokenOffset turns a 1-based column into an offset from the line start.
func tokenOffset(col int) token.Pos { return token.Pos(max(col-1, 0)) }
