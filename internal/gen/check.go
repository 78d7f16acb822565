package gen

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/axioms-go/axiomsgen/internal/header"
	"github.com/axioms-go/axiomsgen/internal/parse"
	"github.com/aymanbagabas/go-udiff"
)

// Stale is a generated file that differs from what axiomsgen would write.
type Stale struct {
	Path string
	Diff string // unified diff, disk (a/) to expected (b/)
	// Reason replaces the diff when the file cannot be compared: it was
	// generated with other build tags than check loaded the package with.
	Reason string
}

// RecordedOptions returns opts with the options recorded in the header of
// the generated file at path, if any (see docs/coverage.md).
func RecordedOptions(path string, opts Options) Options {
	rec := header.Read(path)
	if rec.Register != "" {
		opts.Register = rec.Register
	}
	if rec.Router != "" {
		opts.Router = parse.Router(rec.Router)
	}
	return opts
}

// CheckStale regenerates every package in memory, each with the options
// recorded in its generated file, and compares bytes with the disk.
func CheckStale(parsed []Package, opts Options) ([]Stale, Findings) {
	opts = opts.withDefaults()
	var stale []Stale
	var findings Findings
	for _, p := range parsed {
		dir := packageDir(p.Pkg)
		if dir == "" {
			continue
		}
		path := filepath.Join(dir, opts.Output)
		if isGenerated(path) {
			recorded := NormalizeTags([]string{header.Read(path).Tags})
			if !slices.Equal(recorded, opts.Tags) {
				stale = append(stale, Stale{Path: path, Reason: fmt.Sprintf("generated with -tags=%q but checked with -tags=%q: run axiomsgen check -tags=%s, or regenerate with the tags you check with",
					strings.Join(recorded, ","), strings.Join(opts.Tags, ","), strings.Join(recorded, ","))})
				continue
			}
		}
		popts := RecordedOptions(path, opts)
		f, errs := render(p, popts)
		findings = append(findings, errs...)
		if len(errs) > 0 || f == nil {
			continue
		}
		disk, err := os.ReadFile(path)
		switch {
		case f.Content == nil && err == nil:
			stale = append(stale, Stale{Path: path, Diff: fmt.Sprintf("%s has no //axioms: directives left: remove %s (go generate does)\n", p.Pkg.PkgPath, opts.Output)})
		case f.Content != nil && err != nil:
			stale = append(stale, Stale{Path: path, Diff: fmt.Sprintf("%s is missing: run go generate\n", path)})
		case f.Content != nil && !bytes.Equal(disk, f.Content):
			stale = append(stale, Stale{Path: path, Diff: unifiedDiff(opts.Output, string(disk), string(f.Content))})
		}
	}
	return stale, parse.SortErrors(findings)
}

// unifiedDiff is a unified line diff of a and b with 2 lines of
// context, enough to show what a regeneration would change. The diff is
// go-udiff's (Myers' algorithm, in memory linear in the input and the
// changes).
func unifiedDiff(name, a, b string) string {
	d, err := udiff.ToUnified("a/"+name, "b/"+name, a, udiff.Lines(a, b), 2)
	if err != nil {
		// Edits computed from a itself always apply.
		return fmt.Sprintf("%s differs (no diff: %v)\n", name, err)
	}
	return d
}

// OptionsLine starts the line of a generated file's header that records
// the options it was generated with.
const OptionsLine = header.OptionsLine
