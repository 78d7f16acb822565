package report

import (
	"cmp"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"fmt"
	"html/template"
	"io"
	"path"
	"slices"
	"strings"
	"time"
)

// The page's template, style sheet and script. They are inlined, so the
// page needs no network access and works from file:// or as a CI
// artifact.
//
//go:embed page/page.html.tmpl page/page.css page/page.js
var pageFS embed.FS

// HTMLOptions are what the page says about the run that made it.
type HTMLOptions struct {
	Module  string    // module path, shown in the title
	Version string    // axiomsgen version
	Time    time.Time // when the report was made
	// Broken are the import paths of the packages that do not compile:
	// the page warns that their routes come from partial type
	// information.
	Broken []string
}

// statuses are the route statuses in the page's default order: what needs
// attention first.
var statuses = []string{"unguarded", "unknown", "stale", "guarded", "public", "shadowed"}

func statusRank(s string) int {
	if i := slices.Index(statuses, s); i >= 0 {
		return i
	}
	return len(statuses)
}

// segment is one status's share of a coverage bar.
type segment struct {
	Status  string
	Count   int
	Percent float64 // of all routes
	X       float64 // where the segment starts on the bar, 0..100
}

// bar is a summary drawn as a stacked bar.
type bar struct {
	Name     string
	Summary  Summary
	Segments []segment
}

func newBar(name string, s Summary) bar {
	b := bar{Name: name, Summary: s}
	x := 0.0
	for _, st := range statuses {
		n := map[string]int{"guarded": s.Guarded, "public": s.Public, "unguarded": s.Unguarded, "unknown": s.Unknown, "stale": s.Stale, "shadowed": s.Shadowed}[st]
		if n == 0 && (st == "stale" || st == "shadowed") {
			continue // shown only where there are some
		}
		p := 0.0
		if s.Total > 0 {
			p = 100 * float64(n) / float64(s.Total)
		}
		b.Segments = append(b.Segments, segment{Status: st, Count: n, Percent: p, X: x})
		x += p
	}
	return b
}

// summarize counts rows as New does.
func summarize(rows []Row) Summary {
	var s Summary
	for _, r := range rows {
		s.Total++
		switch r.Status {
		case "guarded":
			s.Guarded++
		case "public":
			s.Public++
		case "unguarded":
			s.Unguarded++
		case "unknown":
			s.Unknown++
		case "stale":
			s.Stale++
		case "shadowed":
			s.Shadowed++
		}
	}
	s.Coverage = 1
	if need := s.Total - s.Public - s.Shadowed; need > 0 {
		s.Coverage = float64(s.Guarded) / float64(need)
	}
	return s
}

// Package is the directory of the row's file: the Go package, relative
// to the module root.
func (r Row) Package() string { return path.Dir(r.File) }

// Terms splits the requirement into the parts that AND together, as the
// report writes them: "scopes(a|b)", "dpop", "max-age(5m0s)".
func (r Row) Terms() []string {
	if r.Requirement == "" {
		return nil
	}
	return strings.Split(r.Requirement, " AND ")
}

// claimKinds are the claim kinds the per-claim view lists.
var claimKinds = []string{"scopes", "roles", "permissions"}

// claim is a value of one kind and the routes whose requirement names it.
type claim struct {
	Kind, Value string
	Routes      []claimRoute
}

// claimRoute is a route in the per-claim view; Alone is false when the
// value is one of several any-of alternatives.
type claimRoute struct {
	Row   Row
	Alone bool
}

// claimKind is the values of one kind.
type claimKind struct {
	Kind   string
	Claims []claim
}

// byKind groups claims, sorted by kind, by kind.
func byKind(cs []claim) []claimKind {
	var out []claimKind
	for _, c := range cs {
		if len(out) == 0 || out[len(out)-1].Kind != c.Kind {
			out = append(out, claimKind{Kind: c.Kind})
		}
		out[len(out)-1].Claims = append(out[len(out)-1].Claims, c)
	}
	return out
}

// claims lists every scope, role and permission the guarded routes name,
// by kind then value. Only requirements whose structure the tool read
// (they have kinds) are listed; their values are read from the
// requirement as the report writes that structure: kind(a|b), one term
// per any-of list.
func claims(rows []Row) []claim {
	byKey := map[[2]string]*claim{}
	for _, r := range rows {
		if r.Status != "guarded" || len(r.kinds) == 0 {
			continue
		}
		for _, term := range r.Terms() {
			for _, kind := range r.kinds {
				inner, ok := strings.CutPrefix(term, kind+"(")
				if !ok || !strings.HasSuffix(inner, ")") {
					continue
				}
				values := strings.Split(strings.TrimSuffix(inner, ")"), "|")
				for _, v := range values {
					key := [2]string{kind, v}
					c := byKey[key]
					if c == nil {
						c = &claim{Kind: kind, Value: v}
						byKey[key] = c
					}
					c.Routes = append(c.Routes, claimRoute{Row: r, Alone: len(values) == 1})
				}
			}
		}
	}
	out := make([]claim, 0, len(byKey))
	for _, c := range byKey {
		out = append(out, *c)
	}
	slices.SortFunc(out, func(a, b claim) int {
		return cmp.Or(cmp.Compare(slices.Index(claimKinds, a.Kind), slices.Index(claimKinds, b.Kind)), cmp.Compare(strings.ToLower(a.Value), strings.ToLower(b.Value)), cmp.Compare(a.Value, b.Value))
	})
	return out
}

// group splits rows by key into bars, sorted by name.
func group(rows []Row, key func(Row) string) []bar {
	byName := map[string][]Row{}
	for _, r := range rows {
		byName[key(r)] = append(byName[key(r)], r)
	}
	var out []bar
	for name, rs := range byName {
		out = append(out, newBar(name, summarize(rs)))
	}
	slices.SortFunc(out, func(a, b bar) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// htmlRow is a route as the table shows it; Index is its place in the
// JSON report.
type htmlRow struct {
	Row
	Index int
}

// page is the template's data.
type page struct {
	Options  HTMLOptions
	Total    bar
	Packages []bar
	Routers  []bar
	Rows     []htmlRow
	// Problems are the report's problems (invalid directives, stale
	// files, shadowed routes...), sorted.
	Problems []Finding
	Claims   []claimKind
	Statuses []string
	CSS      template.CSS
	JS       template.JS
	CSP      string
}

// WriteHTML writes a self-contained page: the summary as coverage bars
// (overall, per package, per router), the route table (sortable and
// filterable in the browser, unguarded and unknown routes first) and the
// routes that need each scope, role and permission. Everything that
// comes from code is escaped: it is shown as text.
func (rep Report) WriteHTML(w io.Writer, opts HTMLOptions) error {
	tmpl, css, js, err := pageAssets()
	if err != nil {
		return err
	}
	p := page{
		Options:  opts,
		Total:    newBar("all", rep.Summary),
		Packages: group(rep.Routes, Row.Package),
		Routers:  group(rep.Routes, func(r Row) string { return r.Router }),
		Claims:   byKind(claims(rep.Routes)),
		Problems: rep.Problems,
		Statuses: statuses,
		// The style sheet and script are our own embedded files, never
		// data from code, so they go in as they are.
		CSS: template.CSS(css),
		JS:  template.JS(js),
		// Only the page's own style sheet and script may run: anything
		// else, were it ever to slip through, is refused by the browser,
		// and so is any network access.
		CSP: "default-src 'none'; style-src '" + hash(css) + "'; script-src '" + hash(js) + "'; img-src data:",
	}
	for i, r := range rep.Routes {
		p.Rows = append(p.Rows, htmlRow{Row: r, Index: i})
	}
	slices.SortStableFunc(p.Rows, func(a, b htmlRow) int { return cmp.Compare(statusRank(a.Status), statusRank(b.Status)) })
	return tmpl.Execute(w, p)
}

// wrapPoints splits s after each '/', '.' and ')' : the page puts a line
// break opportunity (<wbr>, no text) between the pieces, so that long
// handler names, paths and files wrap where a reader expects.
func wrapPoints(s string) []string {
	var out []string
	for len(s) > 0 {
		i := strings.IndexAny(s, "/.)")
		if i < 0 {
			break
		}
		out = append(out, s[:i+1])
		s = s[i+1:]
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

func hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

func pageAssets() (*template.Template, string, string, error) {
	css, err := pageFS.ReadFile("page/page.css")
	if err != nil {
		return nil, "", "", err
	}
	js, err := pageFS.ReadFile("page/page.js")
	if err != nil {
		return nil, "", "", err
	}
	tmpl, err := template.New("page.html.tmpl").Funcs(template.FuncMap{
		"pct":  func(f float64) string { return fmt.Sprintf("%.1f%%", f) },
		"cov":  func(f float64) string { return fmt.Sprintf("%.1f%%", 100*f) },
		"num":  func(f float64) string { return fmt.Sprintf("%.3f", f) },
		"rank": statusRank,
		"list": func(v ...any) []any { return v },
		"wrap": wrapPoints,
		"time": func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	}).ParseFS(pageFS, "page/page.html.tmpl")
	if err != nil {
		return nil, "", "", err
	}
	return tmpl, string(css), string(js), nil
}
