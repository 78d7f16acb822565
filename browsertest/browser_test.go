// Package browsertest opens axiomsgen's html report in headless Chromium
// and checks what a person sees and does there: rows, filters, sorting,
// the coverage numbers, code-borne markup shown as text, no console
// errors, no network access. It is a module of its own, so the main
// module's users never download a browser driver.
package browsertest

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/axioms-go/axiomsgen/internal/report"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// repo is the axiomsgen repository, the parent of this module.
var repo = func() string {
	wd, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return filepath.Dir(wd)
}()

// binary is axiomsgen, built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "axiomsgen-browsertest")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "axiomsgen")
	build := exec.Command("go", "build", "-o", binary, "./cmd/axiomsgen")
	build.Dir = repo
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building axiomsgen: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// reports runs axiomsgen report in dir on ./... twice, as JSON and as
// the html page, and returns the decoded JSON and the page's file.
func reports(t *testing.T, dir string) (report.Report, string) {
	t.Helper()
	page := filepath.Join(t.TempDir(), "routes.html")
	run := func(args ...string) []byte {
		cmd := exec.Command(binary, append([]string{"report"}, args...)...)
		cmd.Dir = dir
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("axiomsgen report %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
		}
		return out
	}
	var rep report.Report
	if err := json.Unmarshal(run("-format", "json", "./..."), &rep); err != nil {
		t.Fatal(err)
	}
	run("-format", "html", "-o", page, "./...")
	return rep, page
}

// chromium is the browser: $AXIOMS_CHROMIUM, else the first of the
// usual names on $PATH. The test fails without one: this module exists
// to run it.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("AXIOMS_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium found: install Debian's chromium package (apt-get install chromium) or set AXIOMS_CHROMIUM")
	return ""
}

// tab is a page open in a fresh headless Chromium, with what the page
// wrote to the console and every request it made.
type tab struct {
	t   *testing.T
	ctx context.Context
	mu  sync.Mutex
	// errs are console errors, uncaught exceptions and error entries of
	// the browser log (a refused inline script, a failed load).
	errs []string
	// requests are the URLs the page asked for.
	requests []string
}

// open starts Chromium on a throw-away profile, without the background
// services that need a network, and opens the file.
func open(t *testing.T, file string) *tab {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromium(t)),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 900),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	actx, acancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(acancel)
	bctx, bcancel := chromedp.NewContext(actx)
	t.Cleanup(bcancel)
	tb := &tab{t: t, ctx: bctx}
	// Start the browser and the tab, then listen before navigating.
	if err := chromedp.Do(bctx); err != nil {
		t.Fatalf("starting %s: %v", chromium(t), err)
	}
	if err := chromedp.Listen(bctx, tb.listen); err != nil {
		t.Fatal(err)
	}
	u := (&url.URL{Scheme: "file", Path: file}).String()
	if err := chromedp.Do(bctx, chromedp.Navigate(u), chromedp.WaitVisible(chromedp.CSS("#controls"))); err != nil {
		t.Fatalf("opening %s: %v", u, err)
	}
	return tb
}

func (tb *tab) listen(ev any) {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	switch ev := ev.(type) {
	case *cdpruntime.EventConsoleAPICalled:
		if ev.Type == "error" || ev.Type == "assert" {
			var args []string
			for _, a := range ev.Args {
				args = append(args, string(a.Value)+a.Description)
			}
			tb.errs = append(tb.errs, "console."+string(ev.Type)+": "+strings.Join(args, " "))
		}
	case *cdpruntime.EventExceptionThrown:
		d := ev.ExceptionDetails
		msg := d.Text
		if d.Exception != nil {
			msg += " " + d.Exception.Description
		}
		tb.errs = append(tb.errs, fmt.Sprintf("exception at %d:%d: %s", d.LineNumber+1, d.ColumnNumber+1, msg))
	case *cdplog.EventEntryAdded:
		if ev.Entry.Level == "error" {
			tb.errs = append(tb.errs, "log ("+string(ev.Entry.Source)+"): "+ev.Entry.Text)
		}
	case *network.EventRequestWillBeSent:
		tb.requests = append(tb.requests, ev.Request.URL)
	}
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	v, err := chromedp.Run(tb.ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

func (tb *tab) do(actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	if err := chromedp.Do(tb.ctx, actions...); err != nil {
		tb.t.Fatal(err)
	}
}

// checkClean fails on any console error so far and on any request
// other than the page itself; then it proves the listener hears errors,
// so that silence meant something.
func (tb *tab) checkClean(page string) {
	tb.t.Helper()
	tb.mu.Lock()
	errs, reqs := slices.Clone(tb.errs), slices.Clone(tb.requests)
	tb.mu.Unlock()
	for _, e := range errs {
		if e != probe {
			tb.t.Errorf("console: %s", e)
		}
	}
	self := (&url.URL{Scheme: "file", Path: page}).String()
	for _, r := range reqs {
		if r != self {
			tb.t.Errorf("the page requested %s", r)
		}
	}
	if len(reqs) == 0 {
		tb.t.Error("no request seen, not even the page's own: the network listener is deaf")
	}
	eval[any](tb, `console.error("axioms-probe"), null`)
	deadline := time.Now().Add(5 * time.Second)
	for {
		tb.mu.Lock()
		n := len(tb.errs)
		tb.mu.Unlock()
		if n > len(errs) {
			break
		}
		if time.Now().After(deadline) {
			tb.t.Fatal("a console.error made by the test was not seen: the console listener is deaf")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// probe is the console error checkClean makes itself.
const probe = `console.error: "axioms-probe"`

// pageRow is a row of the table as the page shows it.
type pageRow struct {
	Status, Method, Path, Location, Requirement, Handler string
	Visible                                              bool
	I                                                    int // the row's index in the JSON report
}

const readRows = `Array.from(document.querySelectorAll("#routes tbody tr"), r => ({
	Status: r.querySelector(".status").textContent,
	Method: r.querySelector(".method").textContent,
	Path: r.querySelector(".path").textContent,
	Location: r.querySelector(".location").textContent,
	Requirement: r.querySelector(".requirement .req").textContent,
	Handler: r.querySelector(".handler").textContent,
	Visible: r.getClientRects().length > 0,
	I: Number(r.dataset.i),
}))`

func (tb *tab) rows() []pageRow { tb.t.Helper(); return eval[[]pageRow](tb, readRows) }

func (tb *tab) visible() []pageRow {
	tb.t.Helper()
	return slices.DeleteFunc(tb.rows(), func(r pageRow) bool { return !r.Visible })
}

// shown is the page's count of visible rows.
func (tb *tab) shown() int {
	tb.t.Helper()
	n, err := strconv.Atoi(eval[string](tb, `document.getElementById("shown").textContent`))
	if err != nil {
		tb.t.Fatal(err)
	}
	return n
}

// filterText types q into the filter box (after clearing it).
func (tb *tab) filterText(q string) {
	tb.t.Helper()
	eval[any](tb, `(() => { const f = document.getElementById("filter"); f.value = ""; f.dispatchEvent(new Event("input", {bubbles: true})); return null })()`)
	if q != "" {
		tb.do(chromedp.SendKeys(chromedp.CSS("#filter"), q))
	}
}

// setStatuses clicks the status boxes so that exactly on are checked.
func (tb *tab) setStatuses(on ...string) {
	tb.t.Helper()
	for _, s := range []string{"unguarded", "unknown", "guarded", "public"} {
		sel := fmt.Sprintf(`input[name=status][value=%s]`, s)
		checked := eval[bool](tb, `document.querySelector("`+sel+`").checked`)
		if checked != slices.Contains(on, s) {
			tb.do(chromedp.Click(chromedp.CSS(sel)))
		}
	}
}

// rowText is what the filter searches in a row, from the JSON: the text
// of each cell of the row, cells apart.
func rowText(r report.Row) string {
	req, notes := r.Requirement, r.Reason
	if r.DPoP {
		req += " DPoP"
	}
	if r.Problem != "" {
		notes += " " + r.Problem
	}
	if r.Dynamic != "" {
		notes += " not static: " + r.Dynamic
	}
	cells := []string{r.Status, r.Method, r.Host + r.Path, req, r.Handler, fmt.Sprintf("%s:%d:%d", r.File, r.Line, r.Column), r.Router, notes}
	return strings.ToLower(strings.Join(cells, "\n"))
}

// expect counts the JSON's rows with one of statuses whose text has q.
func expect(rep report.Report, q string, statuses ...string) int {
	n := 0
	for _, r := range rep.Routes {
		if slices.Contains(statuses, r.Status) && strings.Contains(rowText(r), strings.ToLower(q)) {
			n++
		}
	}
	return n
}

var allStatuses = []string{"unguarded", "unknown", "guarded", "public"}

// filterCase is a filter and why it is there.
type filterCase struct {
	name     string
	q        string
	statuses []string
}

// checkPage runs every check shared by the pages: rows, summary, filters,
// sorting, then the console and the network.
func checkPage(t *testing.T, tb *tab, page string, rep report.Report, filters []filterCase) {
	t.Helper()
	rows := tb.rows()
	if len(rows) != len(rep.Routes) || tb.shown() != len(rep.Routes) {
		t.Fatalf("%d rows, %d shown; the JSON has %d routes", len(rows), tb.shown(), len(rep.Routes))
	}
	// Each row shows its JSON route, and every route has its row.
	seen := make([]bool, len(rep.Routes))
	for _, r := range rows {
		if r.I < 0 || r.I >= len(rep.Routes) || seen[r.I] {
			t.Fatalf("row %+v: index out of range or repeated", r)
		}
		seen[r.I] = true
		j := rep.Routes[r.I]
		want := pageRow{Status: j.Status, Method: j.Method, Path: j.Host + j.Path, Location: fmt.Sprintf("%s:%d:%d", j.File, j.Line, j.Column),
			Requirement: j.Requirement, Handler: j.Handler, Visible: true, I: r.I}
		if r != want {
			t.Errorf("row %d:\n page %+v\n JSON %+v", r.I, r, want)
		}
	}
	// Unguarded and unknown first.
	for i := 1; i < len(rows); i++ {
		if rank(rows[i].Status) < rank(rows[i-1].Status) {
			t.Fatalf("row %d (%s) after a %s row: the default order is unguarded, unknown, guarded, public", i, rows[i].Status, rows[i-1].Status)
		}
	}
	checkSummary(t, tb, rep.Summary)

	for _, s := range allStatuses {
		filters = append(filters, filterCase{"status " + s, "", []string{s}})
	}
	filters = append(filters, filterCase{"no status", "", nil})
	for _, f := range filters {
		tb.setStatuses(f.statuses...)
		tb.filterText(f.q)
		want := expect(rep, f.q, f.statuses...)
		if got, vis := tb.shown(), len(tb.visible()); got != want || vis != want {
			t.Errorf("filter %s (%q, %v): %d shown, %d rows visible; the JSON has %d", f.name, f.q, f.statuses, got, vis, want)
		}
	}
	tb.setStatuses(allStatuses...)
	tb.filterText("")
	if n := len(tb.visible()); n != len(rep.Routes) {
		t.Errorf("filters cleared: %d rows visible, want %d", n, len(rep.Routes))
	}

	checkSort(t, tb, rep)
	tb.checkClean(page)
}

func rank(status string) int { return slices.Index(allStatuses, status) }

// checkSummary: the legend's counts and shares and the coverage are the
// JSON summary's.
func checkSummary(t *testing.T, tb *tab, s report.Summary) {
	t.Helper()
	type legend struct{ Status, Count, Pct string }
	got := eval[[]legend](tb, `Array.from(document.querySelectorAll("#legend li"), li => ({
		Status: li.dataset.status, Count: li.querySelector(".count").textContent, Pct: li.querySelector(".pct").textContent}))`)
	want := map[string]int{"guarded": s.Guarded, "public": s.Public, "unguarded": s.Unguarded, "unknown": s.Unknown}
	if len(got) != len(want) {
		t.Errorf("legend has %d entries, want %d", len(got), len(want))
	}
	for _, l := range got {
		n, ok := want[l.Status]
		if !ok {
			t.Errorf("legend entry %q", l.Status)
			continue
		}
		if l.Count != strconv.Itoa(n) {
			t.Errorf("legend %s: %s, the JSON says %d", l.Status, l.Count, n)
		}
		if pct := fmt.Sprintf("%.1f%%", 100*float64(n)/float64(s.Total)); l.Pct != pct {
			t.Errorf("legend %s: %s, the JSON gives %s", l.Status, l.Pct, pct)
		}
	}
	if cov, want := eval[string](tb, `document.getElementById("coverage").textContent`), fmt.Sprintf("%.1f%%", 100*s.Coverage); cov != want {
		t.Errorf("coverage shown %s, the JSON gives %s", cov, want)
	}
	// The per-package rows add up to the summary.
	totals := eval[[]int](tb, `["total", "guarded", "public", "unguarded", "unknown"].map(c =>
		Array.from(document.querySelectorAll("#packages tbody td." + c)).reduce((n, td) => n + Number(td.textContent), 0))`)
	if w := []int{s.Total, s.Guarded, s.Public, s.Unguarded, s.Unknown}; !slices.Equal(totals, w) {
		t.Errorf("per-package totals %v, the JSON %v", totals, w)
	}
}

// location is a row's file:line:col, for sorting checks.
type location struct {
	file      string
	line, col int
}

func parseLocation(t *testing.T, s string) location {
	t.Helper()
	i := strings.LastIndexByte(s, ':')
	j := strings.LastIndexByte(s[:i], ':')
	line, err1 := strconv.Atoi(s[j+1 : i])
	col, err2 := strconv.Atoi(s[i+1:])
	if j < 0 || err1 != nil || err2 != nil {
		t.Fatalf("location %q", s)
	}
	return location{s[:j], line, col}
}

func (a location) compare(b location) int {
	return cmp.Or(strings.Compare(a.file, b.file), cmp.Compare(a.line, b.line), cmp.Compare(a.col, b.col))
}

// checkSort clicks column headers (and presses Enter on one) and checks
// the order of the rows and the header's aria-sort.
func checkSort(t *testing.T, tb *tab, rep report.Report) {
	t.Helper()
	sortBy := func(col string) string {
		tb.do(chromedp.Click(chromedp.CSS(`#routes th[data-col=` + col + `] button`)))
		return eval[string](tb, `document.querySelector("#routes th[data-col=`+col+`]").getAttribute("aria-sort") || ""`)
	}
	// Location: by file, then line and column as numbers, both ways.
	for _, dir := range []string{"ascending", "descending"} {
		if got := sortBy("location"); got != dir {
			t.Fatalf("location header: aria-sort %q, want %q", got, dir)
		}
		rows := tb.rows()
		locs := make([]location, len(rows))
		for i, r := range rows {
			locs[i] = parseLocation(t, r.Location)
		}
		sorted := slices.IsSortedFunc(locs, location.compare)
		if dir == "descending" {
			sorted = slices.IsSortedFunc(locs, func(a, b location) int { return b.compare(a) })
		}
		if !sorted {
			t.Errorf("sorted by location %s: %v ...", dir, locs[:min(len(locs), 8)])
		}
	}
	// Method, ascending.
	if got := sortBy("method"); got != "ascending" {
		t.Fatalf("method header: aria-sort %q", got)
	}
	rows := tb.rows()
	if !slices.IsSortedFunc(rows, func(a, b pageRow) int { return strings.Compare(a.Method, b.Method) }) {
		t.Error("rows not sorted by method")
	}
	if len(rows) != len(rep.Routes) {
		t.Errorf("%d rows after sorting, want %d", len(rows), len(rep.Routes))
	}
	// Status, from the keyboard: focus its header and press Enter.
	tb.do(chromedp.Focus(chromedp.CSS(`#routes th[data-col=status] button`)), chromedp.KeyEvent(kb.Enter))
	if got := eval[string](tb, `document.querySelector("#routes th[data-col=status]").getAttribute("aria-sort") || ""`); got != "ascending" {
		t.Fatalf("status header after Enter: aria-sort %q", got)
	}
	rows = tb.rows()
	if !slices.IsSortedFunc(rows, func(a, b pageRow) int { return cmp.Compare(rank(a.Status), rank(b.Status)) }) {
		t.Error("rows not back in status order after Enter on the status header")
	}
}

// screenshot saves a PNG of the whole page in the test's artifact
// directory (go test -artifacts -outputdir DIR keeps it).
func (tb *tab) screenshot(name string, full bool) {
	tb.t.Helper()
	var png []byte
	var err error
	if full {
		png, err = chromedp.Run(tb.ctx, chromedp.FullScreenshot(100))
	} else {
		png, err = chromedp.Run(tb.ctx, chromedp.CaptureScreenshot())
	}
	if err != nil {
		tb.t.Fatal(err)
	}
	path := filepath.Join(tb.t.ArtifactDir(), name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		tb.t.Fatal(err)
	}
	tb.t.Logf("screenshot: %s", path)
}

// media emulates a media type ("print", "" for screen) and a color scheme.
func (tb *tab) media(typ, scheme string) {
	tb.t.Helper()
	tb.do(func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Media: typ, Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}},
		})
		return chromedp.Void{}, err
	})
}

// TestExampleAPI opens the example API's page.
func TestExampleAPI(t *testing.T) {
	rep, page := reports(t, filepath.Join(repo, "examples", "api"))
	if rep.Summary.Total < 10 {
		t.Fatalf("examples/api has %d routes, want at least 10", rep.Summary.Total)
	}
	tb := open(t, page)
	tb.screenshot("examples-api.png", true)
	checkPage(t, tb, page, rep, []filterCase{
		{"a scope", "write:items", allStatuses},
		{"a path", "/items", allStatuses},
		{"a handler, in another case", "(*server).getitem", allStatuses},
		{"a role with a blank", "Global Admin", allStatuses},
		{"public and a path", "/healthz", []string{"public"}},
		{"guarded and a path", "/healthz", []string{"guarded"}},
	})

	// A value in the per-claim view shows its routes in the table.
	tb.do(chromedp.Click(chromedp.CSS(`details.claim:has(.value) summary`)))
	value := eval[string](tb, `document.querySelector("details.claim .value").textContent`)
	tb.do(chromedp.Click(chromedp.CSS(`details.claim button.show`)))
	if got := eval[string](tb, `document.getElementById("filter").value`); got != value {
		t.Errorf("show in table: filter %q, want %q", got, value)
	}
	if got, want := tb.shown(), expect(rep, value, allStatuses...); got != want {
		t.Errorf("show %q in table: %d shown, want %d", value, got, want)
	}
	tb.filterText("")

	// Dark mode changes the colours; print hides the controls.
	bg := func() string { return eval[string](tb, `getComputedStyle(document.documentElement).backgroundColor`) }
	tb.media("", "light")
	light := bg()
	tb.media("", "dark")
	if dark := bg(); dark == light {
		t.Errorf("dark mode: background %s, as in light mode", dark)
	}
	tb.screenshot("examples-api-dark.png", false)
	// Printed: no filter controls, but the count of the rows shown.
	tb.media("print", "light")
	display := func(sel string) string {
		return eval[string](tb, `getComputedStyle(document.querySelector("`+sel+`")).display`)
	}
	if d := display("#controls fieldset"); d != "none" {
		t.Errorf("printed, the status boxes are display:%s", d)
	}
	if d := display("#controls .search"); d != "none" {
		t.Errorf("printed, the filter box is display:%s", d)
	}
	if d := display("#controls .shown"); d == "none" {
		t.Error("printed, the count of rows shown is hidden")
	}
	tb.media("", "")
	tb.checkClean(page)

	// Without JavaScript: the whole table, and no controls that would do
	// nothing.
	tb.do(func(ctx context.Context, t *chromedp.Target) (chromedp.Void, error) {
		_, err := cdp.Call(ctx, t, emulation.SetScriptExecutionDisabled, emulation.SetScriptExecutionDisabledParams{Value: true})
		return chromedp.Void{}, err
	}, chromedp.Reload(), chromedp.WaitReady(chromedp.CSS("#routes")))
	if d := display("#controls"); d != "none" {
		t.Errorf("without JavaScript, the controls are display:%s", d)
	}
	if n := len(tb.visible()); n != len(rep.Routes) {
		t.Errorf("without JavaScript, %d rows visible, want %d", n, len(rep.Routes))
	}
}

// TestTwoThousandRoutes opens the page of a generated module of 2,000
// routes of every status, one of whose paths is a <script> element.
func TestTwoThousandRoutes(t *testing.T) {
	dir := writeBigModule(t, repo)
	rep, page := reports(t, dir)
	total, guarded, public, unguarded, unknown := bigWant()
	if s := rep.Summary; s.Total != total || s.Guarded != guarded || s.Public != public || s.Unguarded != unguarded || s.Unknown != unknown {
		t.Fatalf("the JSON summary is %+v; the module was made with %d routes: %d guarded, %d public, %d unguarded, %d unknown", s, total, guarded, public, unguarded, unknown)
	}
	tb := open(t, page)
	t.Logf("%d routes: the page (%d KiB) loaded in %.0f ms", total, fileSize(t, page)/1024,
		eval[float64](tb, `performance.getEntriesByType("navigation")[0].loadEventEnd`))

	// The path that is markup is text, and no script of it ran.
	matches := eval[[]string](tb, `Array.from(document.querySelectorAll("#routes td.path"), td => td.textContent).filter(p => p.includes("<script>"))`)
	if !slices.Equal(matches, []string{scriptPath}) {
		t.Errorf("rows whose path shows <script>: %q, want [%q]", matches, scriptPath)
	}
	if n := eval[int](tb, `document.scripts.length`); n != 1 {
		t.Errorf("%d script elements, want the page's own", n)
	}
	if title := eval[string](tb, `document.title`); title != "Route guard coverage: example.com/big" {
		t.Errorf("title %q: a script from the data ran", title)
	}
	// The page does not outgrow the window: wide content scrolls inside
	// the table's box.
	if w := eval[[]int](tb, `[document.documentElement.scrollWidth, window.innerWidth]`); w[0] > w[1] {
		t.Errorf("the page is %d px wide in a %d px window", w[0], w[1])
	}
	tb.screenshot("two-thousand-routes.png", false)
	// Scrolled far down the table, its header stays in view.
	if top := eval[float64](tb, `(() => {
		window.scrollTo(0, document.getElementById("routes").offsetTop + 20000);
		return document.querySelector("#routes thead th").getBoundingClientRect().top })()`); top < 0 || top > 1 {
		t.Errorf("scrolled down the table, its header is at %.0f px from the top of the window", top)
	}
	tb.screenshot("two-thousand-routes-scrolled.png", false)
	eval[any](tb, `window.scrollTo(0, 0), null`)

	checkPage(t, tb, page, rep, []filterCase{
		{"a package's paths", "/svc03/", allStatuses},
		{"a scope", "write:svc01-3", allStatuses},
		{"a permission", "items:4", allStatuses},
		{"a handler", "svc05.(*Server).Item04", allStatuses},
		{"the markup path", "<script>", allStatuses},
		{"unguarded in a package", "/svc02/", []string{"unguarded"}},
		{"unknown and a reason", "inside a loop", []string{"unknown", "guarded"}},
		{"nothing", "no such route anywhere", allStatuses},
	})
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}
