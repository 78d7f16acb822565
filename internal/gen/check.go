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
// the generated file at path, if any (DECISIONS 21).
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

// unifiedDiff is a line diff of a and b with 2 lines of context, enough
// to show what a regeneration would change.
func unifiedDiff(name, a, b string) string {
	al, bl := splitLines(a), splitLines(b)
	// Longest common subsequence table, from the end.
	lcs := make([][]int, len(al)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(bl)+1)
	}
	for i := len(al) - 1; i >= 0; i-- {
		for j := len(bl) - 1; j >= 0; j-- {
			if al[i] == bl[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	type op struct {
		kind byte // ' ', '-', '+'
		text string
		ai   int
		bi   int
	}
	var ops []op
	i, j := 0, 0
	for i < len(al) || j < len(bl) {
		switch {
		case i < len(al) && j < len(bl) && al[i] == bl[j]:
			ops = append(ops, op{' ', al[i], i, j})
			i, j = i+1, j+1
		case j < len(bl) && (i == len(al) || lcs[i][j+1] >= lcs[i+1][j]):
			ops = append(ops, op{'+', bl[j], i, j})
			j++
		default:
			ops = append(ops, op{'-', al[i], i, j})
			i++
		}
	}
	const ctx = 2
	var out strings.Builder
	fmt.Fprintf(&out, "--- a/%s\n+++ b/%s\n", name, name)
	for k := 0; k < len(ops); {
		if ops[k].kind == ' ' {
			k++
			continue
		}
		start := max(k-ctx, 0)
		end := k
		for end < len(ops) {
			if ops[end].kind != ' ' {
				end++
				continue
			}
			// stop after ctx unchanged lines followed by no change within 2*ctx
			run := end
			for run < len(ops) && ops[run].kind == ' ' {
				run++
			}
			if run == len(ops) || run-end > 2*ctx {
				end = min(end+ctx, len(ops))
				break
			}
			end = run
		}
		aStart, bStart := ops[start].ai, ops[start].bi
		aN, bN := 0, 0
		for _, o := range ops[start:end] {
			if o.kind != '+' {
				aN++
			}
			if o.kind != '-' {
				bN++
			}
		}
		fmt.Fprintf(&out, "@@ -%d,%d +%d,%d @@\n", aStart+1, aN, bStart+1, bN)
		for _, o := range ops[start:end] {
			out.WriteByte(o.kind)
			out.WriteString(o.text)
			out.WriteByte('\n')
		}
		k = end
	}
	return out.String()
}

func splitLines(s string) []string {
	s = strings.TrimSuffix(s, "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// OptionsLine starts the line of a generated file's header that records
// the options it was generated with.
const OptionsLine = header.OptionsLine
