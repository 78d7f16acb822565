package gen

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
)

// largeFiles are a 5,000-line generated file and its regeneration with
// one line in 500 changed.
func largeFiles() (string, string) {
	var a, b strings.Builder
	for i := range 5000 {
		fmt.Fprintf(&a, "line %d\n", i)
		if i%500 == 0 {
			fmt.Fprintf(&b, "changed %d\n", i)
			continue
		}
		fmt.Fprintf(&b, "line %d\n", i)
	}
	return a.String(), b.String()
}

// BenchmarkUnifiedDiff5000 diffs largeFiles, as check does a stale file.
func BenchmarkUnifiedDiff5000(b *testing.B) {
	x, y := largeFiles()
	b.ReportAllocs()
	for b.Loop() {
		unifiedDiff("axioms_gen.go", x, y)
	}
}

// TestUnifiedDiffLargeFile: a stale file of thousands of lines is
// diffed in memory proportional to the file and the changes, not to the
// product of the two lengths (an n×m table of 5,000 lines is 200 MB).
func TestUnifiedDiffLargeFile(t *testing.T) {
	a, b := largeFiles()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	d := unifiedDiff("axioms_gen.go", a, b)
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 16<<20 {
		t.Errorf("diffing 5,000 lines allocated %d MiB, want at most 16", got>>20)
	}
	if n := strings.Count(d, "\n-line "); n != 10 {
		t.Errorf("%d lines removed, want 10:\n%s", n, d)
	}
	if n := strings.Count(d, "\n+changed "); n != 10 {
		t.Errorf("%d lines added, want 10:\n%s", n, d)
	}
}

// TestUnifiedDiff pins the format check prints: a/ and b/ names, hunks
// with two lines of context.
func TestUnifiedDiff(t *testing.T) {
	for _, tc := range []struct {
		name, a, b, want string
	}{
		{"same", "x\ny\n", "x\ny\n", ""},
		{"one line changed", "1\n2\n3\n4\n5\n6\n7\n", "1\n2\n3\nfour\n5\n6\n7\n",
			"--- a/f.go\n+++ b/f.go\n@@ -2,5 +2,5 @@\n 2\n 3\n-4\n+four\n 5\n 6\n"},
		{"added at the end", "1\n2\n3\n", "1\n2\n3\n4\n",
			"--- a/f.go\n+++ b/f.go\n@@ -2,2 +2,3 @@\n 2\n 3\n+4\n"},
		{"from nothing", "", "1\n",
			"--- a/f.go\n+++ b/f.go\n@@ -0,0 +1 @@\n+1\n"},
		{"two hunks", "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "one\n2\n3\n4\n5\n6\n7\n8\n9\nten\n",
			"--- a/f.go\n+++ b/f.go\n@@ -1,3 +1,3 @@\n-1\n+one\n 2\n 3\n@@ -8,3 +8,3 @@\n 8\n 9\n-10\n+ten\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := unifiedDiff("f.go", tc.a, tc.b); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}
