// Package openapi writes the security part of an OpenAPI 3.1 document
// from the discovered routes and their guards, merges it into an existing
// document, and compares an existing document with the code (drift).
//
// Reading and writing documents goes through github.com/pb33f/libopenapi
// and its YAML library; this package is a dependency of the generator
// only: the runtime and generated code never import it.
package openapi

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/token"
	"regexp"
	"slices"
	"strings"

	"github.com/axioms-go/axiomsgen/internal/discover"
	"github.com/axioms-go/axiomsgen/internal/parse"
	"github.com/axioms-go/axiomsgen/internal/report"
	"golang.org/x/tools/go/packages"
)

// Options shape the generated document.
type Options struct {
	Title   string // info.title
	Version string // info.version
	// Issuer makes the token scheme an openIdConnect one whose
	// configuration is the issuer's /.well-known/openid-configuration.
	Issuer string
	// TokenURL and AuthorizationURL make it an oauth2 scheme with the
	// client-credentials flow (TokenURL) and the authorization-code flow
	// (both); Issuer wins over them.
	TokenURL, AuthorizationURL string
	// Scheme names the token scheme in components.securitySchemes; the
	// default is oidc, oauth2 or bearer after its type.
	Scheme string
}

// Names of the components the document adds.
const (
	DPoPScheme      = "dpop"
	ErrorSchema     = "AxiomsError"
	respBadRequest  = "AxiomsBadRequest"
	respUnauth      = "AxiomsUnauthorized"
	respForbidden   = "AxiomsForbidden"
	respUnavailable = "AxiomsUnavailable"
	// ExtRequirement is the extension that carries the exact requirement.
	ExtRequirement = "x-axioms-requirement"
	// ExtUnguarded marks an operation the code serves without a guard
	// that is not marked public.
	ExtUnguarded = "x-axioms-unguarded"
)

// schemeName is the token scheme's name under opts.
func (o Options) schemeName() string {
	switch {
	case o.Scheme != "":
		return o.Scheme
	case o.Issuer != "":
		return "oidc"
	case o.TokenURL != "" || o.AuthorizationURL != "":
		return "oauth2"
	default:
		return "bearer"
	}
}

// operation is one route as an OpenAPI operation.
type operation struct {
	method string // lower case
	path   string // OpenAPI syntax
	params []string
	id     string
	// name is the handler's func name, when the handler is one.
	name, recv  string
	summary     string
	description string
	status      discover.Status
	text        string // the requirement as reports show it
	req         *parse.Requirement
	pos         token.Position
	pattern     string // as written, for messages
}

var methods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// operations turns routes into operations, sorted by path and method.
// Routes OpenAPI cannot state (a dynamic path, no or an unusual method,
// unresolvable) are returned as skipped, and the first of two routes
// with one method and path wins.
func operations(routes []discover.Row, pkgs []*packages.Package, root string) (ops []*operation, skipped []report.Finding) {
	docs := docIndex(pkgs)
	seen := map[string]bool{}
	for _, r := range routes {
		skip := func(why string) {
			skipped = append(skipped, report.Finding{File: report.Relative(root, r.Pos.Filename), Line: r.Pos.Line, Column: r.Pos.Column, Message: r.Pattern() + ": " + why})
		}
		if r.Router == "grpc" || r.Router == "connect" {
			continue // RPC methods: OpenAPI describes HTTP operations
		}
		if r.Metadata && r.Dynamic != "" {
			continue // RFC 9728 metadata at a path known only at run time: not an operation of the API
		}
		method := strings.ToLower(r.Method)
		path, params, ok := openAPIPath(r.Path)
		switch {
		case r.Status == discover.Unknown:
			skip("not in the document: " + r.Reason)
			continue
		case r.Status == discover.Stale:
			skip("not in the document: what the binary enforces is not what the directives say (" + r.Reason + ")")
			continue
		case r.Status == discover.Shadowed:
			skip("not in the document: another registration of the route wins, so this one is never served")
			continue
		case !ok || r.Dynamic != "":
			skip("not in the document: the path is not a static pattern")
			continue
		case method == "":
			skip("not in the document: the route matches every method, an OpenAPI operation has one")
			continue
		case !slices.Contains(methods, method):
			skip("not in the document: OpenAPI has no operation for method " + r.Method)
			continue
		}
		key := method + " " + path
		if seen[key] {
			skip("not in the document: another route has the same method and path")
			continue
		}
		seen[key] = true
		op := &operation{method: method, path: path, params: params, status: r.Status, text: r.Requirement, req: r.Req, pos: r.Pos, pattern: r.Pattern()}
		op.name, op.recv = handlerName(r.Handler)
		if d, ok := docs[posKey(r.Pos)]; ok && r.Router == "axioms" {
			op.summary, op.description = splitDoc(d)
		}
		ops = append(ops, op)
	}
	slices.SortFunc(ops, func(a, b *operation) int {
		return cmp.Or(cmp.Compare(a.path, b.path), cmp.Compare(slices.Index(methods, a.method), slices.Index(methods, b.method)))
	})
	assignIDs(ops)
	return ops, skipped
}

func posKey(p token.Position) string { return fmt.Sprintf("%s:%d", p.Filename, p.Line) }

// docIndex maps each func declaration's position to its doc comment.
func docIndex(pkgs []*packages.Package) map[string]string {
	out := map[string]string{}
	for _, p := range pkgs {
		for _, f := range p.Syntax {
			for _, d := range f.Decls {
				if fd, ok := d.(*ast.FuncDecl); ok && fd.Doc != nil {
					out[posKey(p.Fset.Position(fd.Pos()))] = fd.Doc.Text()
				}
			}
		}
	}
	return out
}

// splitDoc makes a doc comment's first sentence the summary and the
// comment the description.
func splitDoc(doc string) (summary, description string) {
	doc = strings.TrimSpace(doc)
	if doc == "" {
		return "", ""
	}
	first, _, _ := strings.Cut(doc, "\n\n")
	first = strings.Join(strings.Fields(first), " ")
	if i := strings.Index(first, ". "); i >= 0 {
		first = first[:i+1]
	}
	if first == strings.Join(strings.Fields(doc), " ") {
		return first, "" // one sentence: the summary says it all
	}
	return first, doc
}

var handlerRE = regexp.MustCompile(`^(?:\(\*?([A-Za-z_]\w*)\)\.|([A-Za-z_]\w*)\.)?([A-Za-z_]\w*)$`)

// handlerName reads the func and receiver names of a package-qualified
// handler name: "pkg/path.Func", "pkg/path.(*T).M", "pkg/path.T.M".
// Anything else (an expression) has no name.
func handlerName(h string) (name, recv string) {
	if i := strings.LastIndexByte(h, '/'); i >= 0 {
		h = h[i+1:]
	}
	// Drop the package name: the rest is Func, (*T).M or T.M.
	if i := strings.IndexByte(h, '.'); i >= 0 {
		h = h[i+1:]
	} else {
		return "", ""
	}
	m := handlerRE.FindStringSubmatch(h)
	if m == nil {
		return "", ""
	}
	return m[3], cmp.Or(m[1], m[2])
}

var nonIdent = regexp.MustCompile(`[^A-Za-z0-9]+`)

// assignIDs gives each operation a unique operationId: the handler's
// func name, with its receiver type where two share a name, with the
// method and path where that is not enough.
func assignIDs(ops []*operation) {
	pathID := func(op *operation) string {
		return strings.TrimSuffix(op.method+"_"+strings.Trim(nonIdent.ReplaceAllString(op.path, "_"), "_"), "_")
	}
	levels := []func(*operation) string{
		func(op *operation) string { return op.name },
		func(op *operation) string {
			if op.recv == "" {
				return op.name
			}
			return op.recv + "_" + op.name
		},
		func(op *operation) string {
			if op.name == "" {
				return pathID(op)
			}
			return strings.TrimPrefix(cmp.Or(op.recv, "")+"_", "_") + op.name + "_" + pathID(op)
		},
	}
	pending := ops
	taken := map[string]bool{}
	for i, level := range levels {
		count := map[string]int{}
		for _, op := range pending {
			count[level(op)]++
		}
		var next []*operation
		for _, op := range pending {
			id := level(op)
			if id != "" && !taken[id] && (count[id] == 1 || i == len(levels)-1) {
				op.id = id
				taken[id] = true
				continue
			}
			next = append(next, op)
		}
		pending = next
	}
	for n, op := range pending { // identical method and path cannot happen; stay unique anyway
		op.id = fmt.Sprintf("%s_%d", pathID(op), n+1)
	}
}

// openAPIPath rewrites a route path in OpenAPI syntax and lists its
// parameters: {name}, {name...} (net/http), {name:regexp} (chi,
// gorilla/mux), :name and *name (gin, echo) become {name}; net/http's
// {$} goes. ok is false for a path that is not a pattern of its own
// (empty, or with a part discovery could not read).
func openAPIPath(p string) (path string, params []string, ok bool) {
	if !strings.HasPrefix(p, "/") || strings.Contains(p, "{?}") {
		return "", nil, false
	}
	p = strings.TrimSuffix(p, "{$}")
	segs := strings.Split(p, "/")
	for i, s := range segs {
		var name string
		switch {
		case strings.HasPrefix(s, ":") || strings.HasPrefix(s, "*"):
			name = s[1:]
			if name == "" && s == "*" {
				name = "wildcard"
			}
		case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}"):
			name = s[1 : len(s)-1]
			name, _, _ = strings.Cut(name, ":")
			name = strings.TrimSuffix(name, "...")
		default:
			if strings.ContainsAny(s, "{}") {
				return "", nil, false // a parameter inside a segment
			}
			continue
		}
		if name == "" {
			return "", nil, false
		}
		segs[i] = "{" + name + "}"
		params = append(params, name)
	}
	return strings.Join(segs, "/"), params, true
}
