// Package check is the analysis behind axiomsgen report and check: it
// loads the packages (those that do not compile too, with partial type
// information), parses their directives once, compares the generated
// files, discovers every route (the rows of a stale package read from
// its generated file, which the binary runs), and gathers what is wrong
// beyond the routes' statuses (invalid directives, stale or missing
// files, shadowed and overlapping routes, near misses, -trust values
// that match nothing) as the report's problems; check adds the routes'
// own findings and sorts them.
package check

import (
	"cmp"
	"context"
	"fmt"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/axioms-go/axiomsgen/internal/discover"
	"github.com/axioms-go/axiomsgen/internal/gen"
	"github.com/axioms-go/axiomsgen/internal/header"
	"github.com/axioms-go/axiomsgen/internal/load"
	"github.com/axioms-go/axiomsgen/internal/parse"
	"github.com/axioms-go/axiomsgen/internal/report"
	"golang.org/x/tools/go/packages"
)

// Options control an analysis.
type Options struct {
	Gen gen.Options // Dir, Tags and Output are used
	// Trust lists the team's own guards: "pkgpath.Func" or
	// "pkgpath.Type.Method".
	Trust []string
	// RequireDPoP lists requirement kinds (report.DPoPKinds) whose
	// routes must also require DPoP.
	RequireDPoP []string
}

// Result is what an analysis found.
type Result struct {
	Root   string        // the module root, which file names are relative to
	Report report.Report // every route
	// Routes are the discovered routes the report was made from, with
	// their requirements' values (for the OpenAPI document and drift).
	Routes []discover.Row
	// Packages are the loaded packages (doc comments, positions).
	Packages []*packages.Package
	// Broken are the packages that do not compile: their routes come
	// from partial type information, and check must not pass.
	Broken []load.Broken
	// Findings and Stale are check's: everything that fails it, in the
	// order routes, DPoP, directives, stale files; and the stale files
	// with their diffs.
	Findings []report.Finding
	Stale    []gen.Stale
}

// Report loads the packages and lists their routes, with the problems
// check would fail on beyond the routes' own statuses: invalid
// directives, stale or missing generated files (their routes marked
// stale), registrations a router does not both serve, near misses and
// -trust values that match nothing.
func Report(ctx context.Context, opts Options, patterns ...string) (*Result, error) {
	return analyze(ctx, opts, patterns)
}

// Check is Report plus the findings that fail axiomsgen check, sorted
// by file, line and column.
func Check(ctx context.Context, opts Options, patterns ...string) (*Result, error) {
	res, err := analyze(ctx, opts, patterns)
	if err != nil {
		return nil, err
	}
	res.Findings = slices.Concat(res.Report.Findings(), res.Report.DPoPFindings(opts.RequireDPoP), res.Report.Problems)
	report.SortFindings(res.Findings)
	return res, nil
}

func analyze(ctx context.Context, opts Options, patterns []string) (*Result, error) {
	pkgs, broken, err := gen.LoadPartial(ctx, opts.Gen, patterns...)
	if err != nil {
		return nil, err
	}
	res := &Result{Root: moduleRoot(pkgs), Broken: broken, Packages: pkgs}
	gopts := opts.Gen
	gopts.Recorded = true
	output := cmp.Or(gopts.Output, gen.DefaultOutput)
	// A package that does not compile is neither regenerated nor judged
	// by its directives: its types are partial. The others' directives
	// are parsed once, for discovery and regeneration alike.
	whole := slices.DeleteFunc(slices.Clone(pkgs), func(p *packages.Package) bool { return p.IllTyped })
	parsed, directiveErrs := gen.Parse(whole, gopts)
	handlers := map[string][]*parse.Handler{}
	for _, p := range parsed {
		handlers[p.Pkg.PkgPath] = p.Handlers
	}

	var problems []report.Finding
	add := func(pos token.Position, level, rule, msg string) {
		problems = append(problems, report.Finding{File: report.Relative(res.Root, pos.Filename), Line: pos.Line, Column: pos.Column, Message: msg, Level: level, Rule: rule})
	}
	// A package whose directives have errors is not compared with its
	// generated file: go generate would fail and write nothing, so a
	// diff would show a change that never happens.
	why := map[string]string{} // package path -> why its annotated rows are stale
	for _, e := range directiveErrs {
		add(e.Pos, report.LevelError, report.RuleDirective, e.Msg)
		if p := packageOf(parsed, e.Pos.Filename); p != nil {
			why[p.Pkg.PkgPath] = fmt.Sprintf("the package's //axioms: directives have errors: go generate writes nothing, and the binary serves what %s says", output)
		}
	}
	clean := slices.DeleteFunc(slices.Clone(parsed), func(p gen.Package) bool { return why[p.Pkg.PkgPath] != "" })
	stale, renderErrs := gen.CheckStale(clean, gopts)
	for _, e := range renderErrs {
		add(e.Pos, report.LevelError, report.RuleDirective, e.Msg)
	}
	for _, s := range stale {
		rel := report.Relative(res.Root, s.Path)
		p := packageOf(parsed, s.Path)
		switch {
		case s.Reason != "":
			add(token.Position{Filename: s.Path, Line: 1, Column: 1}, report.LevelError, report.RuleStale, s.Reason)
			continue
		case !exists(s.Path):
			// One finding, where the directives are: the file has no line.
			pos := token.Position{Filename: filepath.Dir(s.Path)}
			if p != nil && len(p.Handlers) > 0 {
				pos = p.Handlers[0].Pos
			} else if p != nil && len(p.Methods) > 0 {
				pos = p.Methods[0].Pos
			}
			add(pos, report.LevelError, report.RuleStale, fmt.Sprintf("%s is missing: run go generate", rel))
			if p != nil {
				why[p.Pkg.PkgPath] = fmt.Sprintf("%s is missing: the binary does not register this route; run go generate", rel)
			}
			continue
		}
		add(token.Position{Filename: s.Path, Line: 1, Column: 1}, report.LevelError, report.RuleStale, "generated file is stale: run go generate")
		s.Diff = cleanDiff(s.Diff, output, rel)
		res.Stale = append(res.Stale, s)
		if p != nil {
			why[p.Pkg.PkgPath] = fmt.Sprintf("%s is stale: the binary enforces what it says, not these directives; run go generate", rel)
		}
	}
	// The annotated rows of a package whose generated file is not what
	// its directives make come from that file, which the binary runs.
	dopts := opts.discover(handlers)
	dopts.Stale = why
	found := discover.Analyze(pkgs, dopts)
	routes := found.Routes
	for i, r := range routes {
		if reason := why[r.Package()]; reason != "" && (r.Router == "axioms" || r.Router == "grpc" || r.Router == "connect") {
			routes[i].Status, routes[i].Reason = discover.Stale, reason
		}
	}
	seen := map[string]bool{}
	for _, p := range pkgs {
		skip := func(name string) bool { return header.IsGenerated(name, output, seen) }
		for _, e := range parse.NearMisses(p.Fset, p.Syntax, skip) {
			add(e.Pos, report.LevelWarning, report.RuleNearMiss, e.Msg)
		}
	}
	rel := func(f string) string { return report.Relative(res.Root, f) }
	for _, o := range found.Overlaps {
		add(o.Pos(), report.LevelError, report.RuleOverlap, o.Message(rel))
	}
	for _, s := range found.Shadows {
		level := report.LevelWarning
		if s.Error {
			level = report.LevelError
		}
		add(s.Pos(), level, report.RuleShadowed, s.Message(func(f string) string { return report.Relative(res.Root, f) }))
	}
	for _, msg := range unmatchedTrust(pkgs, opts.Trust) {
		problems = append(problems, report.Finding{Message: msg, Level: report.LevelError, Rule: report.RuleTrust})
	}
	res.Routes = routes
	res.Report = report.New(routes, res.Root)
	res.Report.AddProblems(problems...)
	return res, nil
}

// packageOf returns the parsed package holding the file, or nil.
func packageOf(parsed []gen.Package, file string) *gen.Package {
	dir := filepath.Dir(file)
	for i, p := range parsed {
		for _, f := range p.Pkg.GoFiles {
			if filepath.Dir(f) == dir {
				return &parsed[i]
			}
		}
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func (o Options) discover(handlers map[string][]*parse.Handler) discover.Options {
	output := o.Gen.Output
	if output == "" {
		output = gen.DefaultOutput
	}
	return discover.Options{Trust: o.Trust, Output: output, Handlers: handlers}
}

func moduleRoot(pkgs []*packages.Package) string {
	for _, p := range pkgs {
		if p.Module != nil && p.Module.Dir != "" {
			return p.Module.Dir
		}
	}
	wd, _ := os.Getwd()
	return wd
}

// cleanDiff names the files of a generated file's diff by their path
// from the module root, and puts each run of changes in the order of a
// unified diff: the removed lines, then the added ones.
func cleanDiff(diff, output, rel string) string {
	lines := strings.SplitAfter(diff, "\n")
	var out, minus, plus []string
	flush := func() {
		out = append(append(out, minus...), plus...)
		minus, plus = nil, nil
	}
	for i, l := range lines {
		switch {
		case i < 2 && strings.HasPrefix(l, "--- a/"+output):
			out = append(out, "--- a/"+rel+strings.TrimPrefix(l, "--- a/"+output))
		case i < 2 && strings.HasPrefix(l, "+++ b/"+output):
			out = append(out, "+++ b/"+rel+strings.TrimPrefix(l, "+++ b/"+output))
		case strings.HasPrefix(l, "-"):
			minus = append(minus, l)
		case strings.HasPrefix(l, "+"):
			plus = append(plus, l)
		default:
			flush()
			out = append(out, l)
		}
	}
	flush()
	return strings.Join(out, "")
}

// unmatchedTrust says, for each -trust value that names no function or
// method of the loaded packages and their imports, what it may have
// meant: a value that matches nothing trusts nothing, silently.
func unmatchedTrust(pkgs []*packages.Package, trust []string) []string {
	if len(trust) == 0 {
		return nil
	}
	known := map[string]bool{}
	seen := map[*types.Package]bool{}
	var visit func(p *types.Package)
	visit = func(p *types.Package) {
		if p == nil || seen[p] {
			return
		}
		seen[p] = true
		scope := p.Scope()
		for _, name := range scope.Names() {
			switch obj := scope.Lookup(name).(type) {
			case *types.Func:
				known[discover.FuncID(obj)] = true
			case *types.TypeName:
				if n, ok := types.Unalias(obj.Type()).(*types.Named); ok {
					for m := range n.Methods() {
						known[discover.FuncID(m)] = true
					}
				}
			}
		}
		for _, imp := range p.Imports() {
			visit(imp)
		}
	}
	for _, p := range pkgs {
		visit(p.Types)
	}
	var out []string
	for _, t := range trust {
		if known[t] {
			continue
		}
		msg := fmt.Sprintf("-trust %s matches no function or method of the loaded packages or their imports, so it trusts nothing", t)
		if near := closestID(known, t); near != "" {
			msg += fmt.Sprintf(": did you mean -trust %s?", near)
		} else {
			msg += ": name it by its full import path, pkgpath.Func or pkgpath.Type.Method"
		}
		out = append(out, msg)
	}
	return out
}

// closestID is the known name t most likely meant: one that ends with
// t after a path element (t without the full import path), else the
// nearest of those with the same func or method name.
func closestID(known map[string]bool, t string) string {
	base := t[strings.LastIndex(t, ".")+1:]
	best, bestDist := "", int(^uint(0)>>1)
	for id := range known {
		if !strings.HasSuffix(id, "."+base) {
			continue
		}
		d := parse.Distance(id, t)
		if strings.HasSuffix(id, "/"+t) {
			d = -1 // t is this id without the first elements of its import path
		}
		if d < bestDist || d == bestDist && id < best {
			best, bestDist = id, d
		}
	}
	return best
}
