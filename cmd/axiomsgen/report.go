package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/axioms-go/axiomsgen/internal/atomicfile"
	"github.com/axioms-go/axiomsgen/internal/check"
	"github.com/axioms-go/axiomsgen/internal/gen"
	"github.com/axioms-go/axiomsgen/internal/load"
	"github.com/axioms-go/axiomsgen/internal/report"
	"golang.org/x/mod/modfile"
)

// version is reported in SARIF logs.
const version = "0.1.0"

// listFlag is a repeatable string flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// common holds the flags report and check share.
type common struct {
	trust  listFlag
	tags   string
	output string
}

func (c *common) register(fs *flag.FlagSet) {
	fs.Var(&c.trust, "trust", "`pkgpath.Func` or pkgpath.Type.Method whose result used as middleware or handler wrapper counts as a guard (repeatable)")
	fs.StringVar(&c.tags, "tags", "", "comma-separated build tags used to load the packages")
	fs.StringVar(&c.output, "output", gen.DefaultOutput, "name of the generated file in each package")
}

func (c *common) genOptions() gen.Options {
	opts := gen.Options{Output: c.output}
	if c.tags != "" {
		opts.Tags = strings.Split(c.tags, ",")
	}
	return opts
}

func (c *common) options() check.Options {
	return check.Options{Gen: c.genOptions(), Trust: c.trust}
}

// printBroken names the packages that do not type-check, with their
// errors, on stderr.
func printBroken(stderr io.Writer, cmd string, broken []load.Broken) {
	if len(broken) == 0 {
		return
	}
	fmt.Fprintf(stderr, "axiomsgen %s: these packages do not compile; their routes come from partial type information, and what it cannot resolve is unknown:\n", cmd)
	for _, b := range broken {
		fmt.Fprintf(stderr, "%s:\n", b.PkgPath)
		for _, e := range b.Errors {
			fmt.Fprintf(stderr, "\t%s\n", e)
		}
	}
}

func runReport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("axiomsgen report", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c common
	c.register(fs)
	format := fs.String("format", "text", "output format: text, json, markdown, sarif or html")
	out := fs.String("o", "", "write the report to this file instead of standard output")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: axiomsgen report [-format text|json|markdown|sarif|html] [-o file] [-trust pkg.Func] [packages]\n\nLists every route of the packages with its guard status.\n\nflags:\n")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	var root string          // the module root, once loaded: the html page names its module
	var broken []load.Broken // and warns of the packages that do not compile
	write := map[string]func(report.Report, io.Writer) error{
		"text":     report.Report.WriteText,
		"json":     report.Report.WriteJSON,
		"markdown": report.Report.WriteMarkdown,
		"sarif":    func(r report.Report, w io.Writer) error { return r.WriteSARIF(w, version) },
		"html":     func(r report.Report, w io.Writer) error { return r.WriteHTML(w, htmlOptions(root, broken)) },
	}[*format]
	if write == nil {
		fmt.Fprintf(stderr, "axiomsgen report: unknown -format %q: use text, json, markdown, sarif or html\n", *format)
		return exitUsage
	}
	res, err := check.Report(ctx, c.options(), fs.Args()...)
	if code, ok := printError(err, stderr); !ok {
		return code
	}
	printBroken(stderr, "report", res.Broken)
	rep := res.Report
	root, broken = res.Root, res.Broken
	w := stdout
	if *out != "" {
		// The report is rendered whole, then replaces the file at once: a
		// failed run leaves the previous report as it was.
		var buf bytes.Buffer
		if err := write(rep, &buf); err != nil {
			fmt.Fprintf(stderr, "axiomsgen report: %v\n", err)
			return exitUsage
		}
		if err := atomicfile.Write(*out, buf.Bytes()); err != nil {
			fmt.Fprintf(stderr, "axiomsgen report: %v\n", err)
			return exitUsage
		}
		return exitOK
	}
	if err := write(rep, w); err != nil {
		fmt.Fprintf(stderr, "axiomsgen report: %v\n", err)
		return exitUsage
	}
	return exitOK
}

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("axiomsgen check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c common
	c.register(fs)
	asJSON := fs.Bool("json", false, "print findings as JSON")
	strict := fs.Bool("strict", false, "fail on warnings too (near-miss directives, a route registered twice where the one served is not weaker)")
	spec := fs.String("openapi", "", "also compare this OpenAPI (or Swagger 2.0) document with the code: an operation it marks secured that the code serves unguarded, or public that the code guards, other scopes, a guarded route it leaves out, an operation no route serves")
	requireDPoP := fs.String("require-dpop", "", "comma-separated requirement kinds (scopes, roles, permissions, authenticated = every guarded route) whose routes must also require DPoP (//axioms:dpop); off by default")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: axiomsgen check [-json] [-strict] [-trust pkg.Func] [-require-dpop kinds] [-openapi spec.yaml] [packages]\n\nFails (exit 1) on an unguarded or unresolvable route, an invalid directive, a stale or missing generated file, a route a router does not serve as written, a -trust value that matches nothing, or (with -openapi) a drift from the document; with -strict on warnings too.\n\nflags:\n")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	var dpopKinds []string
	for k := range strings.SplitSeq(*requireDPoP, ",") {
		if k = strings.TrimSpace(k); k == "" {
			continue
		}
		if !slices.Contains(report.DPoPKinds, k) {
			fmt.Fprintf(stderr, "axiomsgen check: -require-dpop %q: use a comma-separated list of %s\n", k, strings.Join(report.DPoPKinds, ", "))
			return exitUsage
		}
		dpopKinds = append(dpopKinds, k)
	}
	opts := c.options()
	opts.RequireDPoP = dpopKinds
	res, err := check.Check(ctx, opts, fs.Args()...)
	if code, ok := printError(err, stderr); !ok {
		return code
	}
	if *spec != "" {
		drift, err := driftFindings(*spec, res)
		if err != nil {
			fmt.Fprintf(stderr, "axiomsgen check: -openapi: %v\n", err)
			return exitUsage
		}
		for i := range drift {
			drift[i].Level, drift[i].Rule = cmp.Or(drift[i].Level, report.LevelError), cmp.Or(drift[i].Rule, "axioms/openapi-drift")
		}
		res.Findings = append(res.Findings, drift...)
		report.SortFindings(res.Findings)
	}
	root, rep, findings, stale, broken := res.Root, res.Report, res.Findings, res.Stale, res.Broken
	if *asJSON {
		type staleJSON struct {
			File string `json:"file"`
			Diff string `json:"diff"`
		}
		doc := struct {
			Findings []report.Finding `json:"findings"`
			Stale    []staleJSON      `json:"stale"`
			Summary  report.Summary   `json:"summary"`
		}{Findings: append([]report.Finding{}, findings...), Stale: []staleJSON{}, Summary: rep.Summary}
		for _, s := range stale {
			doc.Stale = append(doc.Stale, staleJSON{File: report.Relative(root, s.Path), Diff: s.Diff})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(doc); err != nil {
			fmt.Fprintf(stderr, "axiomsgen check: writing the findings: %v\n", err)
			return exitUsage
		}
	} else {
		for _, f := range findings {
			fmt.Fprintln(stdout, f)
		}
		for _, s := range stale {
			fmt.Fprint(stdout, s.Diff)
		}
		if failed(findings, *strict) || len(broken) > 0 {
			errs := report.Errors(findings)
			fmt.Fprintf(stdout, "axiomsgen check: failed: %d %s, %d %s; %s\n", errs, plural(errs, "error"), len(findings)-errs, plural(len(findings)-errs, "warning"), rep.SummaryLine())
		} else if len(findings) > 0 {
			fmt.Fprintf(stdout, "axiomsgen check: ok: %d %s (-strict fails on them); %s\n", len(findings), plural(len(findings), "warning"), rep.SummaryLine())
		} else {
			fmt.Fprintln(stdout, "axiomsgen check: ok:", rep.SummaryLine())
		}
	}
	if len(broken) > 0 {
		// A gate never passes on a broken build: findings first, then 2.
		printBroken(stderr, "check", broken)
		return exitUsage
	}
	if failed(findings, *strict) {
		return exitFindings
	}
	return exitOK
}

// failed reports whether findings fail check: any error, or with strict
// any finding.
func failed(findings []report.Finding, strict bool) bool {
	return report.Errors(findings) > 0 || strict && len(findings) > 0
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// htmlOptions describe the run for the html page: the module path from
// root's go.mod ("" when it cannot be read), the time (now, or
// $SOURCE_DATE_EPOCH for a reproducible page) and the packages that do
// not compile.
func htmlOptions(root string, broken []load.Broken) report.HTMLOptions {
	opts := report.HTMLOptions{Version: version, Time: time.Now()}
	if sec, err := strconv.ParseInt(os.Getenv("SOURCE_DATE_EPOCH"), 10, 64); err == nil {
		opts.Time = time.Unix(sec, 0)
	}
	for _, b := range broken {
		opts.Broken = append(opts.Broken, b.PkgPath)
	}
	if data, err := os.ReadFile(filepath.Join(root, "go.mod")); err == nil {
		opts.Module = modfile.ModulePath(data)
	}
	return opts
}
