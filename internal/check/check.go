// Package check is the analysis behind axiomsgen report and check: it
// loads the packages (those that do not compile too, with partial type
// information), parses their directives once, discovers every route,
// and for check merges unguarded routes, directive errors and stale
// generated files into one list of findings.
package check

import (
	"context"
	"os"
	"slices"

	"github.com/axioms-go/axiomsgen/internal/discover"
	"github.com/axioms-go/axiomsgen/internal/gen"
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
	Routes []discover.Route
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

// Report loads the packages and lists their routes.
func Report(ctx context.Context, opts Options, patterns ...string) (*Result, error) {
	pkgs, broken, err := gen.LoadPartial(ctx, opts.Gen, patterns...)
	if err != nil {
		return nil, err
	}
	res := &Result{Root: moduleRoot(pkgs), Broken: broken, Packages: pkgs}
	res.Routes = discover.Routes(pkgs, opts.discover(nil))
	res.Report = report.New(res.Routes, res.Root)
	return res, nil
}

// Check is Report plus the findings that fail axiomsgen check.
func Check(ctx context.Context, opts Options, patterns ...string) (*Result, error) {
	pkgs, broken, err := gen.LoadPartial(ctx, opts.Gen, patterns...)
	if err != nil {
		return nil, err
	}
	res := &Result{Root: moduleRoot(pkgs), Broken: broken, Packages: pkgs}
	gopts := opts.Gen
	gopts.Recorded = true
	// A package that does not compile is neither regenerated nor judged
	// by its directives: its types are partial. The others' directives
	// are parsed once, for discovery and regeneration alike.
	whole := slices.DeleteFunc(slices.Clone(pkgs), func(p *packages.Package) bool { return p.IllTyped })
	parsed, directiveErrs := gen.Parse(whole, gopts)
	handlers := map[string][]*parse.Handler{}
	for _, p := range parsed {
		handlers[p.Pkg.PkgPath] = p.Handlers
	}
	res.Routes = discover.Routes(pkgs, opts.discover(handlers))
	res.Report = report.New(res.Routes, res.Root)

	res.Findings = append(res.Report.Findings(), res.Report.DPoPFindings(opts.RequireDPoP)...)
	stale, renderErrs := gen.CheckStale(parsed, gopts)
	for _, e := range append(directiveErrs, renderErrs...) {
		res.Findings = append(res.Findings, report.Finding{File: report.Relative(res.Root, e.Pos.Filename), Line: e.Pos.Line, Column: e.Pos.Column, Message: e.Msg})
	}
	for _, s := range stale {
		msg := "generated file is stale: run go generate"
		if s.Reason != "" {
			msg = s.Reason
		}
		res.Findings = append(res.Findings, report.Finding{File: report.Relative(res.Root, s.Path), Line: 1, Column: 1, Message: msg})
	}
	res.Stale = stale
	return res, nil
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
