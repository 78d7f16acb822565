package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportHTML: report -format html -o writes one page that names the
// module and the tool's version and lists the module's routes.
func TestReportHTML(t *testing.T) {
	dir := module(t, map[string]string{"a/a.go": good})
	generated(t, dir) // without its generated file the route is stale, not guarded
	t.Setenv("SOURCE_DATE_EPOCH", "1800000000")
	out := filepath.Join(t.TempDir(), "routes.html")
	var errb bytes.Buffer
	if code := run(context.Background(), []string{"report", "-format", "html", "-o", out, "./..."}, &bytes.Buffer{}, &errb); code != 0 {
		t.Fatalf("report -format html: exit %d: %s", code, errb.String())
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<!DOCTYPE html>", "Route guard coverage: example.com/app</title>", `<span id="version">` + version + "</span>", `datetime="2027-01-15T08:00:00Z"`} {
		if !strings.Contains(string(page), want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// The module has one route, guarded.
	if n, g := strings.Count(string(page), "<tr data-status="), strings.Count(string(page), `<tr data-status="guarded"`); n != 1 || g != 1 {
		t.Errorf("%d rows, %d guarded; want the module's one guarded route", n, g)
	}
}

// TestReportHTMLBroken: with a package that does not compile, the page
// is still written (exit 0) and warns of that package.
func TestReportHTMLBroken(t *testing.T) {
	dir := module(t, map[string]string{"a/a.go": guardedPkg, "b/b.go": brokenPkg})
	t.Chdir(dir)
	out := filepath.Join(t.TempDir(), "routes.html")
	var errb bytes.Buffer
	if code := run(context.Background(), []string{"report", "-format", "html", "-o", out, "./..."}, &bytes.Buffer{}, &errb); code != 0 {
		t.Fatalf("report -format html: exit %d: %s", code, errb.String())
	}
	page, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(page), `id="broken"`) || !strings.Contains(string(page), "<li>example.com/app/b</li>") {
		t.Error("the page does not warn of example.com/app/b, which does not compile")
	}
}
