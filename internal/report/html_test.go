package report_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/axioms-go/axiomsgen/internal/check"
	"github.com/axioms-go/axiomsgen/internal/discover"
	"github.com/axioms-go/axiomsgen/internal/report"
	"golang.org/x/net/html"
	"golang.org/x/tools/txtar"
)

var htmlOpts = report.HTMLOptions{Module: "example.com/app", Version: "0.0.0-test", Time: time.Date(2026, 12, 1, 9, 30, 0, 0, time.UTC)}

// exampleAPI is the report of examples/api, loaded once.
func exampleAPI(t *testing.T) report.Report {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(self), "..", "..", "examples", "api")
	res, err := check.Report(context.Background(), check.Options{}, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Broken) > 0 {
		t.Fatalf("examples/api does not compile: %v", res.Broken)
	}
	return res.Report
}

// hostile are routes whose every field that comes from code is markup.
func hostile() report.Report {
	at := token.Position{Filename: "/src/app/api/<x>.go", Line: 30, Column: 2}
	return report.New([]discover.Row{
		{Method: "GET", Path: "/x/<script>alert(1)</script>", Handler: `<img src=x onerror="alert(2)">`, Router: "net/http", Pos: at, Status: discover.Unguarded},
		{Method: "POST", Host: `"><b>h</b>`, Path: "/a&amp;b", Handler: "api.</td></tr><tr><td>X", Router: "chi", Pos: at, Status: discover.Guarded,
			Requirement: "scopes(<i>s</i>|a&b) AND roles(</span>) AND dpop", DPoP: true},
		{Path: "{p}/{q}", Dynamic: "<u>", Handler: "h", Router: "echo", Pos: at, Status: discover.Unknown, Reason: "<!-- the path --> depends on a value"},
	}, "/src/app")
}

// problems are rows that carry a finding beyond their status, as gRPC
// and Connect methods do; built as rows, since only discovery sets it.
func problems() report.Report {
	rows := []report.Row{
		{Method: "POST", Path: "/items.v1.ItemService/Get", Handler: "example.com/app/svc.(*Items).Get", File: "svc/items.go", Line: 12, Column: 1, Status: "guarded",
			Requirement: "refused (no directive)", Router: "grpc", Problem: "POST /items.v1.ItemService/Get: no directive: the guard refuses <every> call"},
		{Method: "POST", Path: "/items.v1.ItemService/Put", Handler: "example.com/app/svc.(*Items).Put", File: "svc/items.go", Line: 20, Column: 1, Status: "unguarded",
			Router: "connect", Problem: "registered on a server without the axioms guard & so on"},
		{Method: "POST", Path: "/grpc.health.v1.Health/Check", Handler: "health.Check", File: "main.go", Line: 30, Column: 2, Status: "public",
			Router: "grpc", Reason: "allow-listed (health)"},
	}
	return report.Report{Routes: rows, Summary: report.Summary{Total: 3, Guarded: 1, Public: 1, Unguarded: 1, Coverage: 0.5}}
}

func render(t *testing.T, rep report.Report) (*html.Node, []byte) {
	t.Helper()
	var b bytes.Buffer
	if err := rep.WriteHTML(&b, htmlOpts); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(b.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	return doc, b.Bytes()
}

// TestHTMLMatchesJSON: the page's route table and summary are the JSON
// report's, field for field, read back from the parsed page.
func TestHTMLMatchesJSON(t *testing.T) {
	for name, rep := range map[string]report.Report{"examples/api": exampleAPI(t), "hostile": hostile(), "no routes": report.New(nil, "/src/app"), "problems": problems()} {
		t.Run(name, func(t *testing.T) {
			var js bytes.Buffer
			if err := rep.WriteJSON(&js); err != nil {
				t.Fatal(err)
			}
			var want report.Report
			if err := json.Unmarshal(js.Bytes(), &want); err != nil {
				t.Fatal(err)
			}
			doc, _ := render(t, rep)
			got := pageReport(t, doc)
			if len(got.Routes) != len(want.Routes) {
				t.Fatalf("page has %d rows, JSON %d", len(got.Routes), len(want.Routes))
			}
			for i := range want.Routes {
				if !reflect.DeepEqual(got.Routes[i], want.Routes[i]) {
					t.Errorf("row %d:\npage %+v\njson %+v", i, got.Routes[i], want.Routes[i])
				}
			}
			if got.Summary != want.Summary {
				t.Errorf("summary: page %+v, JSON %+v", got.Summary, want.Summary)
			}
		})
	}
}

// TestHTMLEscapes: markup in paths, handlers, requirements and reasons is
// text: the page has one script (its own) and none of the injected
// elements, and the script and style sheet are the ones the page's
// Content-Security-Policy allows.
func TestHTMLEscapes(t *testing.T) {
	doc, raw := render(t, hostile())
	for _, tag := range []string{"img", "b", "i", "u"} {
		if n := findAll(doc, func(n *html.Node) bool { return n.Data == tag }); len(n) > 0 {
			t.Errorf("%d <%s> elements: code became markup", len(n), tag)
		}
	}
	if bytes.Contains(raw, []byte("<script>alert")) {
		t.Error("the raw page contains <script>alert")
	}
	scripts := findAll(doc, func(n *html.Node) bool { return n.Data == "script" })
	styles := findAll(doc, func(n *html.Node) bool { return n.Data == "style" })
	if len(scripts) != 1 || len(styles) != 1 {
		t.Fatalf("%d scripts and %d style sheets, want one each", len(scripts), len(styles))
	}
	var csp string
	for _, m := range findAll(doc, func(n *html.Node) bool { return n.Data == "meta" && attr(n, "http-equiv") == "Content-Security-Policy" }) {
		csp = attr(m, "content")
	}
	for _, want := range []string{
		"default-src 'none'",
		"script-src '" + sha(text(scripts[0])) + "'",
		"style-src '" + sha(text(styles[0])) + "'",
	} {
		if !strings.Contains(csp, want) {
			t.Errorf("Content-Security-Policy %q lacks %q", csp, want)
		}
	}
	// Nothing is loaded from anywhere: no src, and links only within the page.
	for _, n := range findAll(doc, func(n *html.Node) bool { return n.Type == html.ElementNode }) {
		if v := attr(n, "src"); v != "" {
			t.Errorf("<%s src=%q>", n.Data, v)
		}
		if v := attr(n, "href"); v != "" && !strings.HasPrefix(v, "#") {
			t.Errorf("<%s href=%q>", n.Data, v)
		}
	}
	first := pageReport(t, doc).Routes[0]
	if first.Path != "/x/<script>alert(1)</script>" {
		t.Errorf("path shown as %q", first.Path)
	}
}

// TestHTMLClaims: the per-claim view lists each scope, role and
// permission with the routes that name it.
func TestHTMLClaims(t *testing.T) {
	doc, _ := render(t, exampleAPI(t))
	got := map[string][]string{}
	for _, d := range findAll(doc, func(n *html.Node) bool { return n.Data == "details" && hasClass(n, "claim") }) {
		key := attr(d, "data-kind") + " " + text(byClass(d, "value")[0])
		for _, li := range findAll(d, func(n *html.Node) bool { return n.Data == "li" }) {
			route := text(byClass(li, "method")[0]) + " " + text(byClass(li, "path")[0])
			if len(byClass(li, "alt")) > 0 {
				route += " (one of)"
			}
			got[key] = append(got[key], route)
		}
	}
	want := map[string][]string{
		"scopes read:items":          {"GET /items (one of)", "GET /items/{id} (one of)"},
		"scopes admin":               {"GET /items (one of)", "GET /items/{id} (one of)"},
		"scopes write:items":         {"POST /items"},
		"roles editor":               {"POST /items (one of)"},
		"roles admin":                {"POST /items (one of)"},
		"roles Global Admin":         {"POST /items (one of)"},
		"permissions items:delete":   {"DELETE /items/{id}"},
		"permissions payouts:create": {"POST /payouts"},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("claims:\ngot  %v\nwant %v", got, want)
	}
}

// TestHTMLStructure compares the outline of the example API's page (its
// sections, headings, tables and the text of every row, read from the
// parsed document) with testdata/report/html.txtar; go test -update
// rewrites it.
func TestHTMLStructure(t *testing.T) {
	doc, _ := render(t, exampleAPI(t))
	got := outline(doc)
	_, self, _, _ := runtime.Caller(0)
	path := filepath.Join(filepath.Dir(self), "..", "..", "testdata", "report", "html.txtar")
	if *update {
		ar := &txtar.Archive{
			Comment: []byte("The outline of the html report of examples/api, from internal/report's TestHTMLStructure.\n"),
			Files:   []txtar.File{{Name: "outline", Data: []byte(got)}},
		}
		if err := os.WriteFile(path, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	ar, err := txtar.ParseFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if len(ar.Files) != 1 || ar.Files[0].Name != "outline" {
		t.Fatalf("%s: want one file named outline", path)
	}
	if want := string(ar.Files[0].Data); got != want {
		t.Errorf("the page's outline differs from %s (go test -update rewrites it):\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// outline is the page's structure as lines: landmarks and sections by id,
// headings, form controls, and each table's header and rows as cell texts.
func outline(doc *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		if n.Type != html.ElementNode {
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c, depth)
			}
			return
		}
		ind := strings.Repeat("  ", depth)
		line := ""
		descend := true
		switch n.Data {
		case "html", "head", "body", "header", "main", "footer", "nav", "section", "form", "fieldset", "div", "ul", "details", "svg":
			line = n.Data + ids(n)
			if n.Data == "svg" {
				line += " aria-label=" + strconv.Quote(attr(n, "aria-label"))
				descend = false
			}
		case "title", "h1", "h2", "h3", "legend", "caption", "summary", "button", "li", "p":
			line = n.Data + ids(n) + " " + strconv.Quote(text(n))
			descend = n.Data == "li" || n.Data == "p"
		case "meta":
			line = "meta " + attr(n, "name") + attr(n, "http-equiv") + attr(n, "charset")
		case "input", "output":
			line = n.Data + ids(n) + " type=" + attr(n, "type") + " name=" + attr(n, "name") + " value=" + attr(n, "value")
			if n.Data == "output" {
				line += " text=" + strconv.Quote(text(n))
			}
		case "style", "script":
			line, descend = n.Data, false
		case "table":
			line = "table" + ids(n)
		case "tr":
			var cells []string
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type != html.ElementNode {
					continue
				}
				if svg := findAll(c, func(n *html.Node) bool { return n.Data == "svg" }); len(svg) > 0 {
					cells = append(cells, "bar "+strconv.Quote(attr(svg[0], "aria-label")))
					continue
				}
				cells = append(cells, text(c)+attrs(c, "data-col", "aria-sort", "scope"))
			}
			line, descend = "tr"+attrs(n, "data-status", "data-i")+": "+strings.Join(cells, " | "), false
		}
		if line != "" {
			fmt.Fprintf(&b, "%s%s\n", ind, line)
			depth++
		}
		if !descend {
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth)
		}
	}
	walk(doc, 0)
	return b.String()
}

func ids(n *html.Node) string { return attrs(n, "id", "class", "hidden") }

func attrs(n *html.Node, keys ...string) string {
	var out string
	for _, k := range keys {
		for _, a := range n.Attr {
			if a.Key == k {
				out += fmt.Sprintf(" %s=%q", k, a.Val)
			}
		}
	}
	return out
}

// pageReport reads the routes and summary back from the page: the rows
// of the route table in their JSON order, the legend's counts and the
// coverage.
func pageReport(t *testing.T, doc *html.Node) report.Report {
	t.Helper()
	table := byID(doc, "routes")
	if table == nil {
		t.Fatal("no #routes table")
	}
	var rep report.Report
	var index []int
	for _, tr := range findAll(table, func(n *html.Node) bool { return n.Data == "tr" && attr(n, "data-status") != "" }) {
		cell := func(class string) *html.Node {
			c := byClass(tr, class)
			if len(c) == 0 {
				t.Fatalf("row %q: no .%s", text(tr), class)
			}
			return c[0]
		}
		opt := func(in *html.Node, class string) string {
			if c := byClass(in, class); len(c) > 0 {
				return text(c[0])
			}
			return ""
		}
		loc := cell("location")
		line, err1 := strconv.Atoi(opt(loc, "line"))
		col, err2 := strconv.Atoi(opt(loc, "col"))
		if err1 != nil || err2 != nil {
			t.Fatalf("location %q", text(loc))
		}
		notes := cell("notes")
		r := report.Row{
			Status:      text(cell("status")),
			Method:      text(cell("method")),
			Host:        opt(cell("path"), "host"),
			Path:        opt(cell("path"), "p"),
			Requirement: opt(cell("requirement"), "req"),
			DPoP:        len(byClass(cell("requirement"), "dpop")) > 0,
			Handler:     text(cell("handler")),
			File:        opt(loc, "file"),
			Line:        line,
			Column:      col,
			Router:      text(cell("router")),
			Reason:      opt(notes, "reason"),
			Problem:     opt(notes, "problem"),
			Dynamic:     opt(notes, "dyn"),
		}
		if attr(tr, "data-status") != r.Status {
			t.Errorf("row %q: data-status %q", text(tr), attr(tr, "data-status"))
		}
		i, err := strconv.Atoi(attr(tr, "data-i"))
		if err != nil {
			t.Fatal(err)
		}
		index = append(index, i)
		rep.Routes = append(rep.Routes, r)
	}
	// Back to the JSON's order; every index once.
	order := make([]report.Row, len(rep.Routes))
	seen := map[int]bool{}
	for k, i := range index {
		if i < 0 || i >= len(order) || seen[i] {
			t.Fatalf("data-i %d: out of range or repeated", i)
		}
		seen[i] = true
		order[i] = rep.Routes[k]
	}
	rep.Routes = order
	count := func(status string) int {
		for _, li := range findAll(byID(doc, "legend"), func(n *html.Node) bool { return attr(n, "data-status") == status }) {
			n, err := strconv.Atoi(text(byClass(li, "count")[0]))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		t.Fatalf("no legend entry for %s", status)
		return 0
	}
	s := &rep.Summary
	s.Guarded, s.Public, s.Unguarded, s.Unknown = count("guarded"), count("public"), count("unguarded"), count("unknown")
	s.Total = s.Guarded + s.Public + s.Unguarded + s.Unknown
	cov := strings.TrimSuffix(text(byID(doc, "coverage")), "%")
	if _, err := strconv.ParseFloat(cov, 64); err != nil {
		t.Fatalf("coverage %q", cov)
	}
	// The page shows one decimal: the JSON's fraction, recomputed from
	// the counts, must round to it.
	s.Coverage = 1
	if need := s.Total - s.Public; need > 0 {
		s.Coverage = float64(s.Guarded) / float64(need)
	}
	if shown := fmt.Sprintf("%.1f", 100*s.Coverage); shown != cov {
		t.Errorf("coverage shown %s%%, counts give %s%%", cov, shown)
	}
	if rows := text(byID(doc, "row-total")); rows != strconv.Itoa(len(rep.Routes)) {
		t.Errorf("the page says %s routes, the table has %d", rows, len(rep.Routes))
	}
	return rep
}

func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	for c := range n.Descendants() {
		if c.Type == html.ElementNode && match(c) {
			out = append(out, c)
		}
	}
	return out
}

func byID(n *html.Node, id string) *html.Node {
	if all := findAll(n, func(n *html.Node) bool { return attr(n, "id") == id }); len(all) > 0 {
		return all[0]
	}
	return nil
}

func byClass(n *html.Node, class string) []*html.Node {
	return findAll(n, func(n *html.Node) bool { return hasClass(n, class) })
}

func hasClass(n *html.Node, class string) bool {
	return slices.Contains(strings.Fields(attr(n, "class")), class)
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// text is the node's text content, as the browser's textContent.
func text(n *html.Node) string {
	var b strings.Builder
	for c := range n.Descendants() {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return "sha256-" + base64.StdEncoding.EncodeToString(sum[:])
}

// TestHTMLBroken: the page warns of the packages that do not compile,
// and only when there are some.
func TestHTMLBroken(t *testing.T) {
	doc, _ := render(t, hostile())
	if byID(doc, "broken") != nil {
		t.Error("a warning of broken packages, with none")
	}
	var b bytes.Buffer
	opts := htmlOpts
	opts.Broken = []string{"example.com/app/a", "example.com/app/<b>"}
	if err := hostile().WriteHTML(&b, opts); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(&b)
	if err != nil {
		t.Fatal(err)
	}
	warn := byID(doc, "broken")
	if warn == nil {
		t.Fatal("no warning of the broken packages")
	}
	var got []string
	for _, li := range findAll(warn, func(n *html.Node) bool { return n.Data == "li" }) {
		got = append(got, text(li))
	}
	if !slices.Equal(got, opts.Broken) {
		t.Errorf("broken packages listed: %q, want %q", got, opts.Broken)
	}
}

// manyRoutes are n routes of every status, guarded ones with scopes and
// roles from small sets, in packages of 250.
func manyRoutes(n int) report.Report {
	statuses := []discover.Status{discover.Guarded, discover.Guarded, discover.Guarded, discover.Public, discover.Unguarded, discover.Unknown}
	var routes []discover.Row
	for i := range n {
		r := discover.Row{
			Method: "GET", Path: fmt.Sprintf("/svc%02d/items/%04d/{id}", i/250, i), Handler: fmt.Sprintf("example.com/app/svc%02d.(*Server).Item%04d", i/250, i),
			Router: "net/http", Pos: token.Position{Filename: fmt.Sprintf("/src/app/svc%02d/routes.go", i/250), Line: 10 + i, Column: 2},
			Status: statuses[i%len(statuses)],
		}
		switch r.Status {
		case discover.Guarded:
			r.Requirement, r.Kinds = fmt.Sprintf("scopes(read:%d|admin) AND roles(editor)", i%20), []string{"scopes", "roles"}
		case discover.Unknown:
			r.Reason = "registered inside a loop"
		}
		routes = append(routes, r)
	}
	return report.New(routes, "/src/app")
}

// BenchmarkWriteHTML writes the page of 2,000 routes.
func BenchmarkWriteHTML(b *testing.B) {
	rep := manyRoutes(2000)
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := rep.WriteHTML(&buf, htmlOpts); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len())/1024, "KiB/page")
}

// TestHTMLProblems: the page lists the report's problems (as the other
// formats do), each with its level, location and message as text; a
// message with markup stays text; a report without problems has no
// such section.
func TestHTMLProblems(t *testing.T) {
	rep := report.New(nil, "/src/app")
	rep.AddProblems(
		report.Finding{File: "api/api.go", Line: 19, Column: 2, Level: report.LevelError, Rule: report.RuleShadowed, Message: "GET /books: also registered at <script>alert(1)</script>"},
		report.Finding{Level: report.LevelError, Rule: report.RuleTrust, Message: "-trust auth.RequireUser matches no function"},
		report.Finding{File: "api/api.go", Line: 3, Column: 1, Level: report.LevelWarning, Rule: report.RuleNearMiss, Message: `"// axioms:route" is ignored`},
	)
	doc, raw := render(t, rep)
	sec := byID(doc, "problems")
	if sec == nil {
		t.Fatal("no #problems section")
	}
	var got []string
	for _, li := range findAll(sec, func(n *html.Node) bool { return n.Data == "li" }) {
		got = append(got, attr(li, "data-level")+" | "+text(li))
	}
	want := []string{
		"error | error -trust auth.RequireUser matches no function",
		`warning | warning api/api.go:3:1 "// axioms:route" is ignored`,
		"error | error api/api.go:19:2 GET /books: also registered at <script>alert(1)</script>",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if len(findAll(sec, func(n *html.Node) bool { return n.Data == "script" })) != 0 || bytes.Contains(raw, []byte("<script>alert(1)")) {
		t.Error("a problem's markup became an element")
	}
	if doc, _ := render(t, report.New(nil, "/src/app")); byID(doc, "problems") != nil {
		t.Error("a report without problems has a #problems section")
	}
}
