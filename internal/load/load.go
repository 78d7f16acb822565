// Package load loads Go packages with syntax and type information for
// the later stages, keeping the packages that do not type-check (with
// their partial information) and saying which they are.
package load

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"golang.org/x/tools/go/packages"
)

// Options control loading.
type Options struct {
	Dir  string   // directory the patterns are relative to ("" = current)
	Tags []string // build tags
	// Output is the generated file's name: type errors inside it are
	// ignored, since it is about to be replaced.
	Output string
	// Declared reports the names the generated file declares: a
	// reference to one while the file is missing or stale is ignored.
	Declared func(name string) bool
}

// Error means the packages could not be loaded at all: a pattern
// matched nothing, or the go command failed.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// Broken is a package that does not type-check, with its errors.
type Broken struct {
	PkgPath string
	Errors  []string
}

// Packages loads the packages matching patterns, sorted by path. Those
// that do not type-check are returned too, with the type information
// the checker could give (IllTyped set), and listed in broken.
func Packages(ctx context.Context, opts Options, patterns ...string) (pkgs []*packages.Package, broken []Broken, err error) {
	if len(patterns) == 0 {
		patterns = []string{"."}
	}
	cfg := &packages.Config{
		Context: ctx,
		Dir:     opts.Dir,
		Mode: packages.NeedName | packages.NeedFiles | packages.NeedCompiledGoFiles | packages.NeedSyntax |
			packages.NeedTypes | packages.NeedTypesInfo | packages.NeedImports,
	}
	if len(opts.Tags) > 0 {
		cfg.BuildFlags = []string{"-tags=" + strings.Join(opts.Tags, ",")}
	}
	pkgs, fast, err := loadFast(ctx, *cfg, patterns)
	if err == nil && !fast {
		pkgs, err = packages.Load(cfg, patterns...)
	}
	if err != nil {
		return nil, nil, &Error{Msg: fmt.Sprintf("loading %s: %v", strings.Join(patterns, " "), err)}
	}
	if len(pkgs) == 0 {
		return nil, nil, &Error{Msg: fmt.Sprintf("pattern %s matched no packages (run go list %s to see why)", strings.Join(patterns, " "), strings.Join(patterns, " "))}
	}
	slices.SortFunc(pkgs, func(a, b *packages.Package) int { return strings.Compare(a.PkgPath, b.PkgPath) })
	for _, p := range pkgs {
		var msgs []string
		for _, e := range p.Errors {
			if !ignorable(p, e, opts) {
				msgs = append(msgs, e.Error())
			}
		}
		// Errors only of the generated file do not make a package broken.
		p.IllTyped = len(msgs) > 0
		if len(msgs) > 0 {
			broken = append(broken, Broken{PkgPath: p.PkgPath, Errors: msgs})
		}
	}
	return pkgs, broken, nil
}

// ignorable reports errors that come only from the generated file being
// stale or not there yet: type errors inside it, and references to the
// names it declares (RegisterRoutes before the first run). The go
// command's own compile report of a root package repeats its type errors,
// which are judged one by one instead.
func ignorable(p *packages.Package, e packages.Error, opts Options) bool {
	switch e.Kind {
	case packages.ListError:
		return strings.HasPrefix(e.Msg, "# "+p.PkgPath+"\n") || e.Msg == "# "+p.PkgPath
	case packages.TypeError:
		file, _, _ := strings.Cut(e.Pos, ":")
		if opts.Output != "" && filepath.Base(file) == opts.Output {
			return true
		}
		name, ok := strings.CutPrefix(e.Msg, "undefined: ")
		if !ok {
			return false
		}
		if i := strings.LastIndexByte(name, '.'); i >= 0 {
			name = name[i+1:]
		}
		return opts.Declared != nil && opts.Declared(name)
	}
	return false
}
