// Annotated rows: the routes of a package's //axioms: directives, put
// under the prefix of the router their generated registration function
// is called with.

package discover

import (
	"cmp"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/axioms-go/axiomsgen/internal/header"
	"github.com/axioms-go/axiomsgen/internal/parse"
	"golang.org/x/tools/go/packages"
)

// regMount is one call of a generated registration function.
type regMount struct {
	prefix, dynamic string
	reason          string // why the prefix is not certain, if it is not
	// The router's route set and kind, the order of the call, whether
	// it runs only conditionally, and where it is.
	set      *routeSet
	kind     string
	seq, top int
	cond     bool
	pos      token.Position
}

// mountAnnotated puts the annotated rows under the prefix of the router
// their generated registration function was called with (a gin or echo
// group, a chi sub-router, a StripPrefix mount): one row per distinct
// prefix. Rows of a package whose registration call was not seen keep
// the pattern as written.
func (d *discoverer) mountAnnotated() {
	var out []Row
	for _, r := range d.routes {
		mounts := d.regMounts[r.pkg]
		if r.pkg == "" || len(mounts) == 0 {
			out = append(out, r)
			continue
		}
		if d.regUses[r.pkg] > d.regCalls[r.pkg] {
			// Also called some way the walk does not follow: keep the
			// pattern as written.
			mounts = append(mounts, regMount{})
		}
		seen := map[string]bool{}
		for _, mt := range mounts {
			m := r
			if mt.reason != "" {
				m.Path, m.Dynamic = "{?}"+r.Path, mt.reason
			} else {
				m.Path, m.Dynamic = mt.prefix+r.Path, cmp.Or(mt.dynamic, r.Dynamic)
				m.set, m.setKind, m.seq, m.top, m.cond, m.regPos = mt.set, mt.kind, mt.seq, mt.top, mt.cond, mt.pos
			}
			if key := m.Path + "\x00" + m.Dynamic; !seen[key] {
				seen[key] = true
				out = append(out, m)
			} else if m.set != nil {
				// One row per route, but every registration for Shadows.
				d.extra = append(d.extra, m)
			}
		}
	}
	d.routes = out
}

// annotated adds the routes of the package's //axioms: directives, as the
// generated RegisterRoutes registers them.
func (d *discoverer) annotated(p *packages.Package) {
	handlers, parsed := d.opts.Handlers[p.PkgPath]
	if !parsed {
		skip := d.isGenerated
		popts := parse.Options{Skip: skip}
		if len(p.GoFiles) > 0 {
			// The router the generated file was made for (-router), if any.
			path := header.Find(p.GoFiles, d.opts.Output, d.genFiles)
			if path == "" {
				path = filepath.Join(filepath.Dir(p.GoFiles[0]), d.opts.Output)
			}
			popts.Router = parse.Router(header.Read(path).Router)
		}
		res, _ := parse.Parse(p.Fset, p.Syntax, p.TypesInfo, popts)
		handlers = res.Handlers
	}
	why, stale := d.opts.Stale[p.PkgPath]
	if stale && d.fromGenerated(p, why) {
		return // what the binary registers, not what the directives say
	}
	for _, h := range handlers {
		req := requirementFrom(h.Requirement())
		if !h.Public {
			d.wrappers[p.PkgPath+"."+h.WrapperName()] = req
		}
		for _, rt := range h.Routes {
			r := Row{Router: "axioms", Handler: fullName(p.PkgPath, h), Pos: h.Pos, pkg: p.PkgPath}
			r.Method, r.Host, r.Path = splitPattern(rt.Pattern)
			if h.Public {
				r.Status = Public
			} else {
				r.Status, r.Requirement, r.DPoP, r.Kinds, r.Req = Guarded, req.text, h.DPoP, req.kinds, req.parsed
			}
			d.routes = append(d.routes, r)
		}
	}
}

// splitPattern splits a net/http pattern into method, host and path.
func splitPattern(p string) (method, host, path string) {
	if i := strings.IndexAny(p, " \t"); i >= 0 {
		method, p = p[:i], strings.TrimLeft(p[i+1:], " \t")
	}
	if i := strings.IndexByte(p, '/'); i > 0 {
		host, p = p[:i], p[i:]
	}
	return method, host, p
}

// fullName names a handler as the rows of hand registrations name
// theirs (qualifiedName): "pkg.F", "pkg.(*T).M", "pkg.T.M".
func fullName(pkg string, h *parse.Handler) string { return pkg + "." + h.Display() }

// fromGenerated adds the rows of a package whose generated file is not
// what its directives would make (stale, or the directives have errors)
// from that file itself, which the binary runs: its AxiomsRoutes list and
// the requirements of its Guarded wrappers. The rows are Stale with why.
// It reports false when the package has no generated file with that
// list.
func (d *discoverer) fromGenerated(p *packages.Package, why string) bool {
	w := &walker{d: d, p: p}
	var list *ast.CompositeLit
	var dir string
	for _, f := range p.Syntax {
		name := p.Fset.File(f.Pos()).Name()
		if !d.isGenerated(name) {
			continue
		}
		dir = filepath.Dir(name)
		for _, decl := range f.Decls {
			switch decl := decl.(type) {
			case *ast.GenDecl:
				for _, spec := range decl.Specs {
					if vs, ok := spec.(*ast.ValueSpec); ok && len(vs.Names) == 1 && vs.Names[0].Name == "AxiomsRoutes" && len(vs.Values) == 1 {
						list, _ = vs.Values[0].(*ast.CompositeLit)
					}
				}
			case *ast.FuncDecl:
				// func GuardedX(g *runtime.Guard) http.Handler { return g.Handler(req, h) }
				if !strings.HasPrefix(decl.Name.Name, parse.WrapperPrefix) || decl.Body == nil || len(decl.Body.List) != 1 {
					continue
				}
				if ret, ok := decl.Body.List[0].(*ast.ReturnStmt); ok && len(ret.Results) == 1 {
					if call, ok := ret.Results[0].(*ast.CallExpr); ok {
						if req, _, ok := w.guardCall(call); ok {
							d.wrappers[p.PkgPath+"."+decl.Name.Name] = req
						}
					}
				}
			}
		}
	}
	if list == nil {
		return false
	}
	for _, e := range w.tableEntries(list) {
		r := Row{Router: "axioms", Status: Stale, Reason: why, pkg: p.PkgPath}
		if e.handler != "" {
			r.Handler = qualify(p.PkgPath, e.handler)
		}
		pattern, public := e.pattern, e.public
		if e.req != nil {
			r.Requirement, r.DPoP, r.Kinds, r.Req = e.req.text, e.req.dpop, e.req.kinds, e.req.parsed
		}
		if e.position != "" {
			r.Pos = position(dir, e.position)
		}
		if public {
			r.Requirement, r.DPoP, r.Kinds, r.Req = "", false, nil, nil
		}
		r.Method, r.Host, r.Path = splitPattern(pattern)
		d.routes = append(d.routes, r)
	}
	return true
}

// generatedEntry is one element of a generated []runtime.Route literal
// (AxiomsRoutes, AxiomsGRPCMethods, AxiomsConnectProcedures).
type generatedEntry struct {
	pattern, handler, position string
	req                        *requirement // nil when the element has none
	public                     bool
}

// tableEntries reads the elements of a generated []runtime.Route literal;
// a value the tool cannot read (a constant the file names that is gone)
// is left empty.
func (w *walker) tableEntries(list *ast.CompositeLit) []generatedEntry {
	var out []generatedEntry
	for _, elt := range list.Elts {
		lit, ok := elt.(*ast.CompositeLit)
		if !ok {
			continue
		}
		var e generatedEntry
		for _, x := range lit.Elts {
			kv, ok := x.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			switch types.ExprString(kv.Key) {
			case "Pattern":
				e.pattern, _ = w.stringValue(kv.Value)
			case "Handler":
				e.handler, _ = w.stringValue(kv.Value)
			case "Requirement":
				e.req = w.requirementOf(kv.Value)
			case "Public":
				e.public = types.ExprString(kv.Value) == "true"
			case "Position":
				e.position, _ = w.stringValue(kv.Value)
			}
		}
		out = append(out, e)
	}
	return out
}

// qualify names a generated file's handler ("X", "(*T).M", "T.M") as
// fullName does.
func qualify(pkg, h string) string { return pkg + "." + h }

// position reads a generated file's "file.go:line:col".
func position(dir, s string) token.Position {
	pos := token.Position{Filename: filepath.Join(dir, s)}
	if i := strings.LastIndexByte(s, ':'); i > 0 {
		if j := strings.LastIndexByte(s[:i], ':'); j > 0 {
			line, err1 := strconv.Atoi(s[j+1 : i])
			col, err2 := strconv.Atoi(s[i+1:])
			if err1 == nil && err2 == nil {
				pos = token.Position{Filename: filepath.Join(dir, s[:j]), Line: line, Column: col}
			}
		}
	}
	return pos
}
