package analyzer_test

import (
	"context"
	"fmt"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/axioms-go/axiomsgen/analyzer"
	"github.com/axioms-go/axiomsgen/internal/check"
	"github.com/axioms-go/axiomsgen/internal/discover"
	"github.com/axioms-go/axiomsgen/internal/gen"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/checker"
	"golang.org/x/tools/go/packages"
)

// trusted are the team guards the router testdata declares.
var trusted = []string{
	"example.com/routes/ginrouter.Auth",
	"example.com/routes/echorouter.Auth",
}

// TestReportCheckAnalyzerAgree runs report, check and the analyzer on
// each router's testdata package: the routes that fail (unguarded or
// unknown) and the registrations a router does not both serve are the
// same in all three, at the same lines.
func TestReportCheckAnalyzerAgree(t *testing.T) {
	_, self, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(self), "..", "testdata", "discover")
	if err := analyzer.Analyzer.Flags.Set("trust", strings.Join(trusted, ",")); err != nil {
		t.Fatal(err)
	}
	defer analyzer.Analyzer.Flags.Set("trust", "")
	names := []string{"nethttp", "chirouter", "chilegacy", "gorilla", "ginrouter", "echorouter", "annotatedchi", "annotatedgin", "annotatedecho", "annotatedgorilla", "review", "rpc",
		"shadownethttp", "shadowchi", "shadowgorilla", "shadowgin", "shadowecho", "overlapnethttp"}
	var patterns []string
	for _, n := range names {
		patterns = append(patterns, "./"+n)
	}
	// The analyzer on every package at once, as go vet runs it.
	pkgs, err := packages.Load(&packages.Config{Dir: dir, Mode: packages.LoadSyntax}, patterns...)
	if err != nil || packages.PrintErrors(pkgs) > 0 {
		t.Fatalf("loading: %v", err)
	}
	graph, err := checker.Analyze([]*analysis.Analyzer{analyzer.Analyzer}, pkgs, nil)
	if err != nil {
		t.Fatal(err)
	}
	fromAnalyzer := map[string][]string{}
	for act := range graph.All() {
		if !act.IsRoot {
			continue
		}
		name := filepath.Base(act.Package.PkgPath)
		for _, d := range act.Diagnostics {
			if p, ok := routeFinding(d.Message); ok {
				fromAnalyzer[name] = append(fromAnalyzer[name], fmt.Sprintf("%d %s", act.Package.Fset.Position(d.Pos).Line, p))
			}
		}
	}
	// report and check on the same packages, each run once.
	opts := check.Options{Gen: gen.Options{Dir: dir}, Trust: trusted}
	rep, err := check.Report(context.Background(), opts, patterns...)
	if err != nil {
		t.Fatal(err)
	}
	fromReport := map[string][]string{}
	for _, r := range rep.Report.Routes {
		// A problem beyond a row's status (a refused method) is among
		// the report's problems, below.
		if r.Status != "unguarded" && r.Status != "unknown" {
			continue
		}
		pattern := r.Host + r.Path
		if r.Method != "*" {
			pattern = r.Method + " " + pattern
		}
		name := filepath.Base(filepath.Dir(r.File))
		fromReport[name] = append(fromReport[name], fmt.Sprintf("%d %s", r.Line, pattern))
	}
	for _, f := range rep.Report.Problems {
		if p, ok := routeFinding(f.Message); ok {
			name := filepath.Base(filepath.Dir(f.File))
			fromReport[name] = append(fromReport[name], fmt.Sprintf("%d %s", f.Line, p))
		}
	}
	chk, err := check.Check(context.Background(), opts, patterns...)
	if err != nil {
		t.Fatal(err)
	}
	fromCheck := map[string][]string{}
	for _, f := range chk.Findings {
		if p, ok := routeFinding(f.Message); ok {
			name := filepath.Base(filepath.Dir(f.File))
			fromCheck[name] = append(fromCheck[name], fmt.Sprintf("%d %s", f.Line, p))
		}
	}

	for _, pkg := range names {
		t.Run(pkg, func(t *testing.T) {
			fromReport, fromCheck := fromReport[pkg], fromCheck[pkg]
			fromAnalyzer := fromAnalyzer[pkg]
			for _, s := range [][]string{fromReport, fromCheck, fromAnalyzer} {
				slices.Sort(s)
			}
			if !slices.Equal(fromReport, fromCheck) || !slices.Equal(fromReport, fromAnalyzer) {
				t.Errorf("failing routes differ:\nreport:   %q\ncheck:    %q\nanalyzer: %q", fromReport, fromCheck, fromAnalyzer)
			}
			if len(fromReport) == 0 && !strings.HasPrefix(pkg, "annotated") && !strings.HasPrefix(pkg, "shadow") && !strings.HasPrefix(pkg, "overlap") {
				t.Errorf("no failing route: the comparison proves nothing")
			}
		})
	}
}

// routeFinding returns the route of a finding about an unguarded or
// unresolvable route ("GET /x: unguarded route ...").
func routeFinding(msg string) (string, bool) {
	for _, marker := range []string{": unguarded route", ": route the tool cannot resolve", ": " + discover.NoDirective, ": also registered at", ": the request "} {
		if i := strings.Index(msg, marker); i > 0 {
			return strings.TrimPrefix(msg[:i], "warning: "), true
		}
	}
	return "", false
}
