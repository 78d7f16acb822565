package load

import (
	"context"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// loadFast loads the root packages with type information while compiling
// only their dependencies. packages.Load with NeedTypes asks the go
// command for export data of every package, the roots included, which
// compiles each root for nothing: the roots are type-checked from source
// here anyway. So: list the roots (no compilation), load export data for
// the packages they import, then type-check the roots from source in
// dependency order. ok is false when the fast path does not apply (cgo),
// and the caller falls back to packages.Load.
func loadFast(ctx context.Context, cfg packages.Config, patterns []string) (pkgs []*packages.Package, ok bool, err error) {
	cfg.Context = ctx
	cfg.Mode = packages.NeedName | packages.NeedFiles | packages.NeedImports | packages.NeedModule
	roots, err := packages.Load(&cfg, patterns...)
	if err != nil {
		return nil, false, err
	}
	byPath := map[string]*packages.Package{}
	for _, r := range roots {
		if slices.ContainsFunc(r.OtherFiles, func(f string) bool { return strings.HasSuffix(f, ".c") }) {
			return nil, false, nil
		}
		byPath[r.PkgPath] = r
	}
	// cgo needs the go command's preprocessing: leave it to packages.Load.
	for _, r := range roots {
		for _, name := range r.GoFiles {
			f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
			if err != nil {
				continue // reported by the full parse below
			}
			for _, imp := range f.Imports {
				if imp.Path.Value == `"C"` {
					return nil, false, nil
				}
			}
		}
	}
	var deps []string
	for _, r := range roots {
		for path := range r.Imports {
			if _, isRoot := byPath[path]; !isRoot && path != "C" && path != "unsafe" {
				deps = append(deps, path)
			}
		}
	}
	slices.Sort(deps)
	deps = slices.Compact(deps)

	// One FileSet for the roots and the export data of their
	// dependencies: positions of imported objects (a generated wrapper of
	// a package outside the pattern) must resolve to their files.
	fset := token.NewFileSet()
	imported := map[string]*types.Package{"unsafe": types.Unsafe}
	if len(deps) > 0 {
		dcfg := cfg
		dcfg.Fset = fset
		dcfg.Mode = packages.NeedName | packages.NeedTypes
		depPkgs, err := packages.Load(&dcfg, deps...)
		if err != nil {
			return nil, false, err
		}
		packages.Visit(depPkgs, nil, func(p *packages.Package) {
			if p.Types != nil {
				imported[p.PkgPath] = p.Types
			}
		})
		for _, p := range depPkgs {
			for _, e := range p.Errors {
				// A broken dependency: report it on every root that imports it.
				for _, r := range roots {
					if _, ok := r.Imports[p.PkgPath]; ok {
						r.Errors = append(r.Errors, e)
					}
				}
			}
		}
	}

	done := map[string]bool{}
	var check func(r *packages.Package)
	check = func(r *packages.Package) {
		if done[r.PkgPath] {
			return
		}
		done[r.PkgPath] = true
		for path := range r.Imports {
			if dep, isRoot := byPath[path]; isRoot {
				check(dep)
			}
		}
		typeCheck(fset, r, imported)
		if r.Types != nil {
			imported[r.PkgPath] = r.Types
		}
	}
	for _, r := range roots {
		check(r)
	}
	return roots, true, nil
}

// typeCheck parses and type-checks one root package from source, filling
// Fset, Syntax, Types, TypesInfo and Errors as packages.Load would.
func typeCheck(fset *token.FileSet, p *packages.Package, imported map[string]*types.Package) {
	p.Fset = fset
	for _, name := range p.GoFiles {
		f, err := parser.ParseFile(fset, name, nil, parser.ParseComments|parser.SkipObjectResolution)
		if f != nil {
			p.Syntax = append(p.Syntax, f)
		}
		if err != nil {
			p.Errors = append(p.Errors, packages.Error{Pos: posOf(err), Msg: err.Error(), Kind: packages.ParseError})
		}
	}
	p.TypesInfo = &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Implicits:  map[ast.Node]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
		Scopes:     map[ast.Node]*types.Scope{},
		Instances:  map[*ast.Ident]types.Instance{},
	}
	conf := types.Config{
		Importer: importerFunc(func(path string) (*types.Package, error) {
			if t, ok := imported[path]; ok {
				return t, nil
			}
			return nil, fmt.Errorf("package %s was not loaded", path)
		}),
		Error: func(err error) {
			te, _ := err.(types.Error)
			p.Errors = append(p.Errors, packages.Error{Pos: fset.Position(te.Pos).String(), Msg: te.Msg, Kind: packages.TypeError})
		},
	}
	if p.Module != nil && p.Module.GoVersion != "" {
		conf.GoVersion = "go" + p.Module.GoVersion
	}
	p.Types, _ = conf.Check(p.PkgPath, fset, p.Syntax, p.TypesInfo)
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

func posOf(err error) string {
	s := err.Error()
	if i := strings.Index(s, ": "); i > 0 {
		return s[:i]
	}
	return ""
}
