// Drift: where an existing document says something about security that
// the code does not do.

package openapi

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/axioms-go/axiomsgen/internal/discover"
	"github.com/axioms-go/axiomsgen/internal/report"
)

// Drift compares the document data (OpenAPI 3.x or Swagger 2.0, YAML or
// JSON) with the routes, and returns a finding for each operation the
// document marks secured that the code serves without a guard, each it
// marks public that the code guards, each whose scopes differ, each that
// does not say DPoP where the code requires it (OpenAPI 3 only), each
// guarded route the document leaves out, and each operation no route
// serves. specFile names the document in findings, root is what code
// file names are made relative to.
func Drift(data []byte, specFile string, routes []discover.Row, root string) ([]report.Finding, error) {
	sp, err := readSpec(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", specFile, err)
	}
	byKey := map[string][]int{} // method+path key -> spec ops
	for i, op := range sp.ops {
		k := matchKey(op.method, op.path)
		byKey[k] = append(byKey[k], i)
	}
	served := make([]bool, len(sp.ops))
	var out []report.Finding
	for _, r := range routes {
		switch {
		case r.Status == discover.Unknown || r.Dynamic != "":
			continue // a finding of check already, and no path to match
		case r.Status == discover.Shadowed:
			continue // never served: the registration that wins is compared
		}
		// A Connect procedure is an HTTP operation too (a unary call is a
		// POST to its path), which a document may describe; a gRPC method
		// is not.
		connect := r.Method == "CONNECT"
		if r.Method != "" && !connect && !slices.Contains(methods, strings.ToLower(r.Method)) {
			continue // not an HTTP operation (a gRPC method)
		}
		path, _, ok := openAPIPath(r.Path)
		if !ok {
			continue
		}
		var matched []int
		switch {
		case connect:
			matched = byKey[matchKey("post", path)]
		case r.Method == "":
			for _, m := range methods {
				matched = append(matched, byKey[matchKey(m, path)]...)
			}
		default:
			matched = byKey[matchKey(strings.ToLower(r.Method), path)]
			if r.Method == "GET" {
				// net/http serves HEAD with a GET pattern's handler,
				// behind the same guard.
				matched = append(matched, byKey[matchKey("head", path)]...)
			}
		}
		at := func(msg string) report.Finding {
			return report.Finding{File: report.Relative(root, r.Pos.Filename), Line: r.Pos.Line, Column: r.Pos.Column, Message: r.Pattern() + ": " + msg}
		}
		if r.Status == discover.Stale {
			// A finding of check already; what the binary enforces is
			// not known, but the route is served.
			for _, i := range matched {
				served[i] = true
			}
			continue
		}
		if len(matched) == 0 {
			// The document need not describe Connect procedures (a .proto
			// does): only those it describes are compared.
			if r.Status == discover.Guarded && !connect {
				out = append(out, at(fmt.Sprintf("guarded route (%s) is not in %s: add the operation, or run axiomsgen openapi -merge", r.Requirement, specFile)))
			}
			continue
		}
		for _, i := range matched {
			served[i] = true
			op := sp.ops[i]
			where := fmt.Sprintf("%s:%d", specFile, op.line)
			if op.pattern() != strings.ToUpper(r.Method)+" "+path {
				where += " (" + op.pattern() + ")"
			}
			switch {
			case op.secured && r.Status != discover.Guarded:
				out = append(out, at(fmt.Sprintf("%s marks it secured, but the code serves it without a guard (%s): guard the route, or fix the document", where, r.Status)))
			case !op.secured && r.Status == discover.Guarded:
				out = append(out, at(fmt.Sprintf("%s marks it public, but the code requires %s: clients will not send a token; fix the document", where, r.Requirement)))
			case op.secured && r.Req != nil:
				code, ok := scopeAlternatives(r.Req.Scopes)
				if ok && !slices.EqualFunc(code, op.alts, slices.Equal) {
					out = append(out, at(fmt.Sprintf("%s requires %s, but the code requires %s", where, sayAlternatives(op.alts), sayAlternatives(code))))
				}
			}
			if op.secured && r.Status == discover.Guarded && r.DPoP && op.canSayDPoP && !op.dpop {
				out = append(out, at(fmt.Sprintf("%s does not require DPoP (an http scheme with scheme: DPoP in every alternative), but the code accepts only DPoP-bound tokens: clients that send a bearer token get 401", where)))
			}
		}
	}
	for i, op := range sp.ops {
		if !served[i] {
			out = append(out, report.Finding{File: specFile, Line: op.line, Column: op.col, Message: fmt.Sprintf(
				"%s: operation %s is in the document but no route serves it", op.pattern(), cmp.Or(op.id, "(no operationId)"))})
		}
	}
	return out, nil
}

// matchKey is method and path with every parameter's name left out, so
// /items/{id} in the code matches /items/{itemId} in a document.
func matchKey(method, path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}") {
			segs[i] = "{}"
		}
	}
	return method + " " + strings.Join(segs, "/")
}

// sayAlternatives says scope alternatives in words: "scope a", "scopes a
// and b", "scope a or scope b", "no scope".
func sayAlternatives(alts [][]string) string {
	var parts []string
	for _, a := range alts {
		switch len(a) {
		case 0:
			parts = append(parts, "no scope")
		case 1:
			parts = append(parts, "scope "+a[0])
		default:
			parts = append(parts, "scopes "+strings.Join(a, " and "))
		}
	}
	if len(parts) == 0 {
		return "no scope"
	}
	return strings.Join(parts, " or ")
}
