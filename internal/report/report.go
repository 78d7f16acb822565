// Package report renders discovered routes and the problems found with
// them as text, JSON, Markdown or SARIF, and turns them into check
// findings.
package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/axioms-go/axiomsgen/internal/discover"
)

// Row is a discover.Row as rendered: its position split into a file
// relative to the module root, line and column, its requirement as text,
// with the JSON names the report's formats use.
type Row struct {
	Method      string `json:"method"`
	Host        string `json:"host,omitempty"`
	Path        string `json:"path"`
	Handler     string `json:"handler"`
	File        string `json:"file"`
	Line        int    `json:"line"`
	Column      int    `json:"column"`
	Status      string `json:"status"`
	Requirement string `json:"requirement"`
	Router      string `json:"router"`
	Dynamic     string `json:"dynamic,omitempty"`
	Reason      string `json:"reason,omitempty"`
	DPoP        bool   `json:"dpop"` // accepts only DPoP-bound tokens
	// Middleware names an unguarded route's middleware the tool cannot
	// classify, as -trust would name it.
	Middleware string `json:"middleware,omitempty"`
	// Problem is a finding the row carries beyond its status (a gRPC or
	// Connect method the guard refuses for lack of a directive, a
	// service registered without the guard).
	Problem string `json:"problem,omitempty"`
	// kinds are the kinds of claims the requirement checks (scopes,
	// roles, permissions), read from its structure, never from its text.
	kinds []string
}

// Summary counts routes by status.
type Summary struct {
	Total     int `json:"total"`
	Guarded   int `json:"guarded"`
	Public    int `json:"public"`
	Unguarded int `json:"unguarded"`
	Unknown   int `json:"unknown"`
	// Stale counts annotated routes whose generated registration is
	// stale or missing: the binary does not enforce what their
	// directives say.
	Stale int `json:"stale"`
	// Shadowed counts registrations their router never serves (another
	// registration of the route wins).
	Shadowed int     `json:"shadowed"`
	Coverage float64 `json:"coverage"`
}

// Report is the JSON document.
type Report struct {
	Routes  []Row   `json:"routes"`
	Summary Summary `json:"summary"`
	// Problems are what is wrong beyond the routes' own statuses:
	// invalid directives, stale or missing generated files, routes a
	// router does not both serve, near misses, -trust values that match
	// nothing. Add them with AddProblems.
	Problems []Finding `json:"problems"`

	root string // the module root, for SARIF's uriBaseId
}

// New builds a report; root is the module root files are made relative to.
func New(routes []discover.Row, root string) Report {
	rep := Report{Routes: []Row{}, Problems: []Finding{}, root: root}
	for _, r := range routes {
		file := Relative(root, r.Pos.Filename)
		method := r.Method
		if method == "" {
			method = "*"
		}
		rep.Routes = append(rep.Routes, Row{
			Method: method, Host: r.Host, Path: r.Path, Handler: r.Handler, File: file, Line: r.Pos.Line, Column: r.Pos.Column,
			Status: string(r.Status), Requirement: r.Requirement, Router: r.Router, Dynamic: r.Dynamic, Reason: r.Reason, DPoP: r.DPoP,
			Problem: r.Problem(), kinds: r.Kinds, Middleware: r.Middleware,
		})
		rep.Summary.Total++
		switch r.Status {
		case discover.Guarded:
			rep.Summary.Guarded++
		case discover.Public:
			rep.Summary.Public++
		case discover.Unguarded:
			rep.Summary.Unguarded++
		case discover.Unknown:
			rep.Summary.Unknown++
		case discover.Stale:
			rep.Summary.Stale++
		case discover.Shadowed:
			rep.Summary.Shadowed++
		}
	}
	// A problem beyond a row's status (a gRPC or Connect method the guard
	// refuses for lack of a directive) is one of the report's problems,
	// so that every format lists and counts it.
	var rowProblems []Finding
	for _, r := range rep.Routes {
		if r.Problem != "" && !r.finding(r.Problem).fromStatus() {
			rowProblems = append(rowProblems, r.finding(r.Problem))
		}
	}
	rep.AddProblems(rowProblems...)
	rep.Summary.Coverage = 1
	// A shadowed registration serves nothing: it needs no guard.
	if need := rep.Summary.Total - rep.Summary.Public - rep.Summary.Shadowed; need > 0 {
		rep.Summary.Coverage = float64(rep.Summary.Guarded) / float64(need)
	}
	return rep
}

// Relative is path relative to the module root, with forward slashes;
// a path outside the root is returned as it is.
func Relative(root, path string) string {
	if rel, err := filepath.Rel(root, path); err == nil && !strings.HasPrefix(rel, "..") {
		return filepath.ToSlash(rel)
	}
	return path
}

// detail is what a row's requirement column shows: the requirement, the
// reason, or both (a stale row: what the binary enforces, and why).
func (r Row) detail() string {
	switch {
	case r.Reason == "":
		return r.Requirement
	case r.Requirement == "":
		return r.Reason
	}
	return r.Requirement + "; " + r.Reason
}

// pattern renders a row's route as written: METHOD host/path.
func (r Row) pattern() string {
	if r.Method == "*" {
		return r.Host + r.Path
	}
	return r.Method + " " + r.Host + r.Path
}

// WriteText writes an aligned table and a summary line.
func (rep Report) WriteText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tMETHOD\tPATH\tHANDLER\tREQUIREMENT\tLOCATION")
	for _, r := range rep.Routes {
		detail := r.detail()
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s:%d\n", r.Status, r.Method, r.Host+r.Path, r.Handler, detail, r.File, r.Line)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if len(rep.Problems) > 0 {
		fmt.Fprintln(w, "\nPROBLEMS")
		for _, p := range rep.Problems {
			fmt.Fprintln(w, p)
		}
	}
	_, err := fmt.Fprintln(w, rep.Summary.line()+problemCount(rep.Problems))
	return err
}

func (s Summary) line() string {
	stale := ""
	if s.Stale > 0 {
		stale = fmt.Sprintf(", %d stale", s.Stale)
	}
	if s.Shadowed > 0 {
		stale += fmt.Sprintf(", %d shadowed", s.Shadowed)
	}
	return fmt.Sprintf("%d routes: %d guarded, %d public, %d unguarded, %d unknown%s; coverage %.1f%%",
		s.Total, s.Guarded, s.Public, s.Unguarded, s.Unknown, stale, 100*s.Coverage)
}

// problemCount is the summary line's count of the problems listed below
// the rows, "" when none. It is labelled as such: the routes' own
// findings (unguarded, unknown, ...) are counted by status before it,
// where check's summary counts every finding as an error or a warning.
func problemCount(fs []Finding) string {
	if len(fs) == 0 {
		return ""
	}
	errs := Errors(fs)
	return fmt.Sprintf("; problems: %d %s, %d %s", errs, plural(errs, "error"), len(fs)-errs, plural(len(fs)-errs, "warning"))
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// WriteJSON writes the JSON document.
func (rep Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// WriteMarkdown writes a table for a pull-request comment or
// $GITHUB_STEP_SUMMARY.
func (rep Report) WriteMarkdown(w io.Writer) error {
	s := rep.Summary
	fmt.Fprintf(w, "## Route guard coverage: %.1f%%\n\n", 100*s.Coverage)
	stale := ""
	if s.Stale > 0 {
		stale = fmt.Sprintf(", **%d stale**", s.Stale)
	}
	if s.Shadowed > 0 {
		stale += fmt.Sprintf(", %d shadowed", s.Shadowed)
	}
	fmt.Fprintf(w, "%d routes: **%d guarded**, %d public, **%d unguarded**, %d unknown%s%s.\n\n", s.Total, s.Guarded, s.Public, s.Unguarded, s.Unknown, stale, problemCount(rep.Problems))
	fmt.Fprintln(w, "| status | route | handler | requirement | location |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, r := range rep.Routes {
		icon := map[string]string{"guarded": "✅", "public": "🌐", "unguarded": "❌", "unknown": "❓", "stale": "⚠️", "shadowed": "🚫"}[r.Status]
		detail := r.detail()
		fmt.Fprintf(w, "| %s %s | `%s` | `%s` | %s | `%s:%d` |\n", icon, r.Status, md(r.pattern()), md(r.Handler), md(detail), r.File, r.Line)
	}
	if len(rep.Problems) > 0 {
		fmt.Fprintf(w, "\n### Problems\n\n")
		for _, p := range rep.Problems {
			if p.File == "" {
				fmt.Fprintf(w, "- **%s**: %s\n", p.Level, md(p.Message))
				continue
			}
			fmt.Fprintf(w, "- **%s** `%s:%d:%d`: %s\n", p.Level, p.File, p.Line, p.Column, md(p.Message))
		}
	}
	return nil
}

func md(s string) string { return strings.NewReplacer("|", `\|`, "`", "'", "\n", " ").Replace(s) }

// Finding is one check failure or warning.
type Finding struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
	// Level is LevelError or LevelWarning.
	Level string `json:"level"`
	// Rule names the kind of finding (RuleUnguarded, ...).
	Rule string `json:"rule"`
}

// Finding levels: an error fails check; a warning fails it only with
// -strict.
const (
	LevelError   = "error"
	LevelWarning = "warning"
)

func (f Finding) String() string {
	if f.File == "" {
		return f.Message // about the command line, not a file
	}
	if f.Level == LevelWarning {
		return fmt.Sprintf("%s:%d:%d: warning: %s", f.File, f.Line, f.Column, f.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s", f.File, f.Line, f.Column, f.Message)
}

// Findings are the unguarded and unknown routes (a problem beyond a row's
// status is in Problems).
func (rep Report) Findings() []Finding {
	var out []Finding
	for _, r := range rep.Routes {
		var msg string
		switch {
		case r.Problem != "" && (r.Status == "unguarded" || r.Status == "unknown"):
			msg = r.Problem
		case r.Status == "unguarded":
			msg = fmt.Sprintf("%s: unguarded route (handler %s): guard it with //axioms: directives or runtime.Guard, or mark it //axioms:public", r.pattern(), r.Handler)
		case r.Status == "unknown":
			msg = fmt.Sprintf("%s: route the tool cannot resolve (%s): guard it visibly at the registration or mark it //axioms:public", r.pattern(), r.Reason)
		default:
			continue
		}
		out = append(out, r.finding(msg))
	}
	return out
}

// finding is the finding of a row with message msg: the rule of its
// status, and the -trust hint of a middleware the tool cannot classify.
func (r Row) finding(msg string) Finding {
	if r.Middleware != "" {
		msg += fmt.Sprintf("; it passes through %s, which the tool cannot classify: if this middleware authorises requests, pass -trust %s", r.Middleware, r.Middleware)
	}
	rule := RuleUnguarded
	switch {
	case r.Status == "unknown":
		rule = RuleUnknown
	case r.Status != "unguarded":
		rule = RuleRefused // a problem on a row that is not unguarded
	}
	return Finding{File: r.File, Line: r.Line, Column: r.Column, Message: msg, Level: LevelError, Rule: rule}
}

// fromStatus reports whether a row finding is its status's (unguarded,
// unknown) rather than a problem beyond it.
func (f Finding) fromStatus() bool { return f.Rule == RuleUnguarded || f.Rule == RuleUnknown }

// DPoPKinds are the values -require-dpop takes: a guarded route whose
// requirement has one of these kinds must require DPoP ("authenticated"
// means every guarded route).
var DPoPKinds = []string{"scopes", "roles", "permissions", "authenticated"}

// DPoPFindings are the guarded routes whose requirement has one of kinds
// but not DPoP.
func (rep Report) DPoPFindings(kinds []string) []Finding {
	var out []Finding
	for _, r := range rep.Routes {
		if r.Status != "guarded" || r.DPoP || r.Router == "grpc" {
			continue // a gRPC call cannot carry a DPoP proof: Connect can
		}
		for _, k := range kinds {
			if k == "authenticated" || slices.Contains(r.kinds, k) {
				out = append(out, Finding{File: r.File, Line: r.Line, Column: r.Column, Level: LevelError, Rule: RuleDPoP, Message: fmt.Sprintf(
					"%s: route guarded by %s does not require DPoP (-require-dpop=%s): add //axioms:dpop (or Requirement.DPoP)", r.pattern(), r.Requirement, k)})
				break
			}
		}
	}
	return out
}

// WriteSARIF writes a SARIF 2.1.0 log with one result per unguarded or
// unknown route and per problem. Locations are relative to the module
// root, named by the uriBaseId %SRCROOT% (originalUriBaseIds says where
// it is), so they resolve in a repository whose go.mod is in a
// subdirectory.
func (rep Report) WriteSARIF(w io.Writer, version string) error {
	type region struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
	}
	type artifact struct {
		URI       string `json:"uri"`
		URIBaseID string `json:"uriBaseId,omitempty"`
	}
	type location struct {
		PhysicalLocation struct {
			ArtifactLocation artifact `json:"artifactLocation"`
			Region           region   `json:"region"`
		} `json:"physicalLocation"`
	}
	type message struct {
		Text string `json:"text"`
	}
	type result struct {
		RuleID    string     `json:"ruleId"`
		Level     string     `json:"level"`
		Message   message    `json:"message"`
		Locations []location `json:"locations"`
	}
	type rule struct {
		ID               string  `json:"id"`
		Name             string  `json:"name"`
		ShortDescription message `json:"shortDescription"`
		HelpURI          string  `json:"helpUri,omitempty"`
	}
	results := []result{}
	for _, f := range append(rep.Findings(), rep.Problems...) {
		res := result{RuleID: f.Rule, Level: f.Level, Message: message{f.Message}}
		if f.Rule == RuleUnknown {
			res.Level = LevelWarning
		}
		file, line := f.File, f.Line
		if file == "" {
			// About the command line: code scanning needs a location, and
			// the module's go.mod is where the run starts.
			file, line = "go.mod", 1
		}
		var loc location
		loc.PhysicalLocation.ArtifactLocation = artifact{URI: file}
		if !filepath.IsAbs(file) {
			loc.PhysicalLocation.ArtifactLocation.URIBaseID = "%SRCROOT%"
		}
		loc.PhysicalLocation.Region = region{StartLine: line, StartColumn: f.Column}
		res.Locations = []location{loc}
		results = append(results, res)
	}
	var ruleList []rule
	for _, r := range rules {
		ruleList = append(ruleList, rule{ID: r.id, Name: r.name, ShortDescription: message{r.text}})
	}
	run := map[string]any{
		"tool": map[string]any{"driver": map[string]any{
			"name":           "axiomsgen",
			"informationUri": "https://github.com/axioms-go/axiomsgen",
			"version":        version,
			"rules":          ruleList,
		}},
		"results": results,
	}
	if rep.root != "" {
		root := (&url.URL{Scheme: "file", Path: filepath.ToSlash(rep.root)}).String()
		if !strings.HasSuffix(root, "/") {
			root += "/"
		}
		run["originalUriBaseIds"] = map[string]any{"%SRCROOT%": map[string]string{"uri": root}}
	}
	doc := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs":    []any{run},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// SummaryLine is the one-line summary of a clean check.
func (rep Report) SummaryLine() string { return rep.Summary.line() }

// The kinds of finding, as SARIF's ruleId and -json's rule name them.
const (
	RuleUnguarded = "axioms/unguarded"
	RuleUnknown   = "axioms/unknown"
	RuleDPoP      = "axioms/dpop"
	RuleDirective = "axioms/directive"
	RuleStale     = "axioms/stale"
	RuleShadowed  = "axioms/shadowed"
	RuleOverlap   = "axioms/overlap"
	RuleNearMiss  = "axioms/near-miss"
	RuleTrust     = "axioms/trust"
	RuleRefused   = "axioms/refused"
)

// rules describe each kind of finding in SARIF.
var rules = []struct{ id, name, text string }{
	{RuleUnguarded, "UnguardedRoute", "A route is served without an access-token guard and is not marked public."},
	{RuleUnknown, "UnresolvedRoute", "A route registration the tool cannot resolve statically."},
	{RuleDPoP, "DPoPRequired", "A guarded route of a kind -require-dpop names does not require DPoP."},
	{RuleDirective, "InvalidDirective", "An //axioms: directive is invalid: go generate fails, and the binary serves what the generated file on disk says."},
	{RuleStale, "StaleGeneratedFile", "A generated file is stale or missing: the binary does not enforce what the directives say."},
	{RuleShadowed, "ShadowedRoute", "Two registrations of one route on one router: the router serves only one of them, or panics at start."},
	{RuleOverlap, "OverlappingRoute", "A request a guarded route was written for, spelt another way (host case, trailing dot, encoded slash), is served by a weaker route."},
	{RuleNearMiss, "NearMissDirective", "A comment that looks like an //axioms: directive but is not read as one."},
	{RuleRefused, "RefusedMethod", "A gRPC or Connect method without a directive: the guard refuses every call to it."},
	{RuleTrust, "UnmatchedTrust", "A -trust value names no function of the loaded packages."},
}

// AddProblems adds findings to the report's problems, keeping them
// sorted by file, line and column.
func (rep *Report) AddProblems(fs ...Finding) {
	rep.Problems = append(rep.Problems, fs...)
	SortFindings(rep.Problems)
}

// SortFindings sorts findings by file, line, column and message.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column), cmp.Compare(a.Message, b.Message))
	})
}

// Errors counts the findings of level error.
func Errors(fs []Finding) int {
	n := 0
	for _, f := range fs {
		if f.Level != LevelWarning {
			n++
		}
	}
	return n
}
