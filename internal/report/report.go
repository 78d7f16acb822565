// Package report renders discovered routes as text, JSON, Markdown or
// SARIF, and turns them into check findings.
package report

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/axioms-go/axiomsgen/internal/discover"
)

// Row is one route as reported, with the file relative to the module root.
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
	Total     int     `json:"total"`
	Guarded   int     `json:"guarded"`
	Public    int     `json:"public"`
	Unguarded int     `json:"unguarded"`
	Unknown   int     `json:"unknown"`
	Coverage  float64 `json:"coverage"`
}

// Report is the JSON document.
type Report struct {
	Routes  []Row   `json:"routes"`
	Summary Summary `json:"summary"`
}

// New builds a report; root is the module root files are made relative to.
func New(routes []discover.Route, root string) Report {
	rep := Report{Routes: []Row{}}
	for _, r := range routes {
		file := Relative(root, r.Pos.Filename)
		method := r.Method
		if method == "" {
			method = "*"
		}
		rep.Routes = append(rep.Routes, Row{
			Method: method, Host: r.Host, Path: r.Path, Handler: r.Handler, File: file, Line: r.Pos.Line, Column: r.Pos.Column,
			Status: string(r.Status), Requirement: r.Requirement, Router: r.Router, Dynamic: r.Dynamic, Reason: r.Reason, DPoP: r.DPoP,
			Problem: r.Problem(), kinds: r.Kinds,
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
		}
	}
	rep.Summary.Coverage = 1
	if need := rep.Summary.Total - rep.Summary.Public; need > 0 {
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
		detail := r.Requirement
		if r.Reason != "" {
			detail = r.Reason
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s:%d\n", r.Status, r.Method, r.Host+r.Path, r.Handler, detail, r.File, r.Line)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintln(w, rep.Summary.line())
	return err
}

func (s Summary) line() string {
	return fmt.Sprintf("%d routes: %d guarded, %d public, %d unguarded, %d unknown; coverage %.1f%%",
		s.Total, s.Guarded, s.Public, s.Unguarded, s.Unknown, 100*s.Coverage)
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
	fmt.Fprintf(w, "%d routes: **%d guarded**, %d public, **%d unguarded**, %d unknown.\n\n", s.Total, s.Guarded, s.Public, s.Unguarded, s.Unknown)
	fmt.Fprintln(w, "| status | route | handler | requirement | location |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, r := range rep.Routes {
		icon := map[string]string{"guarded": "✅", "public": "🌐", "unguarded": "❌", "unknown": "❓"}[r.Status]
		detail := r.Requirement
		if r.Reason != "" {
			detail = r.Reason
		}
		fmt.Fprintf(w, "| %s %s | `%s` | `%s` | %s | `%s:%d` |\n", icon, r.Status, md(r.pattern()), md(r.Handler), md(detail), r.File, r.Line)
	}
	return nil
}

func md(s string) string { return strings.NewReplacer("|", `\|`, "`", "'", "\n", " ").Replace(s) }

// Finding is one check failure.
type Finding struct {
	File    string `json:"file"`
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

func (f Finding) String() string {
	return fmt.Sprintf("%s:%d:%d: %s", f.File, f.Line, f.Column, f.Message)
}

// Findings are the unguarded and unknown routes.
func (rep Report) Findings() []Finding {
	var out []Finding
	for _, r := range rep.Routes {
		var msg string
		switch {
		case r.Problem != "":
			msg = r.Problem
		case r.Status == "unguarded":
			msg = fmt.Sprintf("%s: unguarded route (handler %s): guard it with //axioms: directives or runtime.Guard, or mark it //axioms:public", r.pattern(), r.Handler)
		case r.Status == "unknown":
			msg = fmt.Sprintf("%s: route the tool cannot resolve (%s): guard it visibly at the registration or mark it //axioms:public", r.pattern(), r.Reason)
		default:
			continue
		}
		out = append(out, Finding{File: r.File, Line: r.Line, Column: r.Column, Message: msg})
	}
	return out
}

// DPoPKinds are the values -require-dpop takes: a guarded route whose
// requirement has one of these kinds must require DPoP ("authenticated"
// means every guarded route).
var DPoPKinds = []string{"scopes", "roles", "permissions", "authenticated"}

// DPoPFindings are the guarded routes whose requirement has one of kinds
// but not DPoP.
func (rep Report) DPoPFindings(kinds []string) []Finding {
	var out []Finding
	for _, r := range rep.Routes {
		if r.Status != "guarded" || r.DPoP {
			continue
		}
		for _, k := range kinds {
			if k == "authenticated" || slices.Contains(r.kinds, k) {
				out = append(out, Finding{File: r.File, Line: r.Line, Column: r.Column, Message: fmt.Sprintf(
					"%s: route guarded by %s does not require DPoP (-require-dpop=%s): add //axioms:dpop (or Requirement.DPoP)", r.pattern(), r.Requirement, k)})
				break
			}
		}
	}
	return out
}

// WriteSARIF writes a SARIF 2.1.0 log with one result per unguarded or
// unknown route.
func (rep Report) WriteSARIF(w io.Writer, version string) error {
	type region struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
	}
	type location struct {
		PhysicalLocation struct {
			ArtifactLocation struct {
				URI string `json:"uri"`
			} `json:"artifactLocation"`
			Region region `json:"region"`
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
	for _, r := range rep.Routes {
		if r.Status != "unguarded" && r.Status != "unknown" {
			continue
		}
		res := result{RuleID: "axioms/" + r.Status, Level: "error"}
		if r.Status == "unknown" {
			res.Level = "warning"
		}
		for _, f := range rep.Findings() {
			if f.File == r.File && f.Line == r.Line && f.Column == r.Column && strings.HasPrefix(f.Message, r.pattern()+":") {
				res.Message.Text = f.Message
			}
		}
		var loc location
		loc.PhysicalLocation.ArtifactLocation.URI = r.File
		loc.PhysicalLocation.Region = region{StartLine: r.Line, StartColumn: r.Column}
		res.Locations = []location{loc}
		results = append(results, res)
	}
	doc := map[string]any{
		"$schema": "https://json.schemastore.org/sarif-2.1.0.json",
		"version": "2.1.0",
		"runs": []any{map[string]any{
			"tool": map[string]any{"driver": map[string]any{
				"name":           "axiomsgen",
				"informationUri": "https://github.com/axioms-go/axiomsgen",
				"version":        version,
				"rules": []rule{
					{ID: "axioms/unguarded", Name: "UnguardedRoute", ShortDescription: message{"A route is served without an access-token guard and is not marked public."}},
					{ID: "axioms/unknown", Name: "UnresolvedRoute", ShortDescription: message{"A route registration the tool cannot resolve statically."}},
				},
			}},
			"results": results,
		}},
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// SummaryLine is the one-line summary of a clean check.
func (rep Report) SummaryLine() string { return rep.Summary.line() }
