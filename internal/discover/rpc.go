// RPC rows: every method of each gRPC or Connect service registered in
// the code (RegisterXServer(s, impl), s.RegisterService(&X_ServiceDesc,
// impl), NewXServiceHandler(impl, opts...)), with the guard installed on
// its server and the requirement the guard's method table gives it.

package discover

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/axioms-go/axiomsgen/internal/parse"
	"github.com/axioms-go/axiomsgen/internal/routers"
	"golang.org/x/tools/go/ast/astutil"
	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"
)

// Markers of RPC rows' messages.
const (
	// NoDirective starts the finding of a registered method the guard
	// refuses for lack of a directive.
	NoDirective = "method without a directive"
	// ImplNotLoaded starts the reason of a row whose method table's
	// package is not loaded (the analyzer, which sees one package at a
	// time, leaves those to the run on that package).
	ImplNotLoaded = "the package of the guard's method table is not loaded:"
)

// maxRPCTrace is how many assignments the search for a server's guard
// follows back from the registration.
const maxRPCTrace = 8

// rpcGuard is what a registration's server has installed.
type rpcGuard struct {
	unary, stream bool     // the guard covers unary / streaming methods
	allow         []string // allow-listed services and methods
	allowUnknown  string   // why the allow-list cannot be read, if so
	tables        []string // packages whose generated table the guard takes
	unknown       string   // why the server cannot be read, if so
}

// rpcState is what the RPC rows of one discovery share.
type rpcState struct {
	byPath  map[string]*packages.Package
	methods map[string][]*parse.Handler // parsed RPC methods, by package
}

// rpcRoutes adds a row per method of each service registered in p.
func (d *discoverer) rpcRoutes(p *packages.Package, st *rpcState) {
	if p.TypesInfo == nil {
		return
	}
	for _, f := range p.Syntax {
		if d.isGenerated(p.Fset.Position(f.Pos()).Filename) {
			continue
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			fn, _ := typeutil.Callee(p.TypesInfo, call).(*types.Func)
			if svc, server, ok := registerService(p, fn, call); ok {
				// s.RegisterService(&pb.X_ServiceDesc, impl)
				d.rpcRows(p, call, svc, p.TypesInfo.TypeOf(call.Args[1]), d.grpcGuard(p, f, call, server), st)
				return true
			}
			svc, ok := routers.RegisteredService(fn)
			if !ok || len(call.Args) < 1 || (svc.RPC == routers.GRPC && len(call.Args) < 2) {
				return true
			}
			if svc.RPC == routers.GRPC {
				d.rpcRows(p, call, svc, p.TypesInfo.TypeOf(call.Args[1]), d.grpcGuard(p, f, call, call.Args[0]), st)
			} else {
				t := &tracer{p: p, f: f}
				var g rpcGuard
				for _, a := range call.Args[1:] {
					t.options(a, call.Pos(), &g, 0)
				}
				if call.Ellipsis.IsValid() && g.unknown == "" && !g.unary {
					g.unknown = "the handler's options are a slice the tool cannot read"
				}
				d.rpcRows(p, call, svc, p.TypesInfo.TypeOf(call.Args[0]), g, st)
			}
			return true
		})
	}
}

// registerService recognises s.RegisterService(&pkg.X_ServiceDesc, impl)
// on a grpc server or registrar, and returns the service and s.
func registerService(p *packages.Package, fn *types.Func, call *ast.CallExpr) (routers.Service, ast.Expr, bool) {
	if fn == nil || fn.Name() != "RegisterService" || fn.Pkg() == nil || fn.Pkg().Path() != routers.GRPC.Path || len(call.Args) != 2 {
		return routers.Service{}, nil, false
	}
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return routers.Service{}, nil, false
	}
	amp, ok := ast.Unparen(call.Args[0]).(*ast.UnaryExpr)
	if !ok || amp.Op != token.AND {
		return routers.Service{}, nil, false
	}
	var id *ast.Ident
	switch x := ast.Unparen(amp.X).(type) {
	case *ast.Ident:
		id = x
	case *ast.SelectorExpr:
		id = x.Sel
	}
	v, _ := p.TypesInfo.Uses[id].(*types.Var)
	if v == nil || v.Pkg() == nil || v.Pkg() == p.Types {
		// The generated package's own RegisterXServer: its callers are
		// the registrations.
		return routers.Service{}, nil, false
	}
	for _, s := range routers.Services(v.Pkg()) {
		if s.RPC == routers.GRPC && v.Name() == fmt.Sprintf(s.RPC.Marker, s.Name) {
			return s, sel.X, true
		}
	}
	return routers.Service{}, nil, false
}

// tableEntry is what a guard's method table says of one method.
type tableEntry struct {
	public bool
	req    *requirement
	// missing: the method has a directive, but the package's stale
	// generated table (the binary's) lacks it, so the guard refuses it.
	missing bool
}

// tableMethods is the table entries of the packages whose table g takes,
// by full method name: their annotated methods' directives, or, for a
// package whose generated file is stale, that file's table (what the
// binary enforces); missing names a package that is not loaded.
func (d *discoverer) tableMethods(g rpcGuard, kind *routers.RPC, st *rpcState) (entries map[string]tableEntry, missing string) {
	entries = map[string]tableEntry{}
	for _, path := range g.tables {
		ip := st.byPath[path]
		generated := d.opts.Stale[path] != "" && ip != nil && d.generatedTable(ip, kind, entries)
		hs, ok := st.methods[path]
		if !ok {
			if ip == nil || ip.TypesInfo == nil {
				return nil, path
			}
			res, _ := parse.Parse(ip.Fset, ip.Syntax, ip.TypesInfo, parse.Options{Skip: d.isGenerated})
			hs = res.Methods
			st.methods[path] = hs
		}
		for _, h := range hs {
			if h.RPC.Kind != kind {
				continue
			}
			if _, dup := entries[h.RPC.FullName]; dup {
				continue
			}
			if generated {
				entries[h.RPC.FullName] = tableEntry{missing: true}
			} else {
				entries[h.RPC.FullName] = tableEntry{public: h.Public, req: requirementFrom(h.Requirement())}
			}
		}
	}
	return entries, ""
}

// generatedTable adds the entries of p's generated method table of kind
// (AxiomsGRPCMethods, AxiomsConnectProcedures) to entries; false when p
// has no generated file with that table. An entry whose pattern the tool
// cannot read (a constant the stale file names that is gone) is left out.
func (d *discoverer) generatedTable(p *packages.Package, kind *routers.RPC, entries map[string]tableEntry) bool {
	if p.TypesInfo == nil {
		return false
	}
	w := &walker{d: d, p: p}
	found := false
	for _, f := range p.Syntax {
		if !d.isGenerated(p.Fset.File(f.Pos()).Name()) {
			continue
		}
		for _, decl := range f.Decls {
			gd, ok := decl.(*ast.GenDecl)
			if !ok {
				continue
			}
			for _, spec := range gd.Specs {
				vs, ok := spec.(*ast.ValueSpec)
				if !ok || len(vs.Names) != 1 || vs.Names[0].Name != kind.TableVar || len(vs.Values) != 1 {
					continue
				}
				list, ok := vs.Values[0].(*ast.CompositeLit)
				if !ok {
					continue
				}
				found = true
				for _, g := range w.tableEntries(list) {
					e := tableEntry{public: g.public, req: cmp.Or(g.req, opaque(""))}
					if _, dup := entries[g.pattern]; g.pattern != "" && !dup {
						entries[g.pattern] = e
					}
				}
			}
		}
	}
	return found
}

// rpcRows adds the rows of one registration.
func (d *discoverer) rpcRows(p *packages.Package, call *ast.CallExpr, svc routers.Service, impl types.Type, g rpcGuard, st *rpcState) {
	pos := p.Fset.Position(call.Pos())
	named, _ := types.Unalias(derefType(impl)).(*types.Named)
	var entries map[string]tableEntry
	missing := ""
	if g.unknown == "" && (g.unary || g.stream) {
		entries, missing = d.tableMethods(g, svc.RPC, st)
	}
	iface := svc.Interface.Underlying().(*types.Interface)
	for m := range iface.Methods() {
		if !m.Exported() {
			continue
		}
		r := Row{Method: svc.RPC.Method, Router: svc.RPC.Flag, Pos: pos}
		r.Path = "/" + svc.Name + "/" + m.Name()
		if c, ok := svc.Pkg.Scope().Lookup(svc.Const(m.Name())).(*types.Const); ok && c.Val().Kind() == constant.String {
			r.Path = constant.StringVal(c.Val())
		}
		r.Handler = handlerName(named, m.Name(), svc)
		streaming := isStreaming(m, svc.RPC)
		covered := g.unary
		if streaming {
			covered = g.stream
		}
		h, inTable := entries[r.Path]
		allowed := allowListed(g.allow, r.Path)
		switch {
		case g.unknown != "":
			r.Status, r.Reason = Unknown, g.unknown
		case !covered && (g.unary || g.stream):
			other := "unary"
			if !streaming {
				other = "streaming"
			}
			r.Status = Unguarded
			r.problem = fmt.Sprintf("%s %s: unguarded route (handler %s): the server has the axioms guard for %s methods only, so calls reach this one without a token; install both with %s",
				r.Method, r.Path, r.Handler, other, guardHint(svc.RPC))
		case !covered:
			r.Status = Unguarded
			r.problem = fmt.Sprintf("%s %s: unguarded route (handler %s): %s is registered on a server without the axioms guard, so calls reach it without a token; install it with %s",
				r.Method, r.Path, r.Handler, svc.Name, guardHint(svc.RPC))
		case missing != "":
			r.Status, r.Reason = Unknown, fmt.Sprintf("%s %s: its directives cannot be read", ImplNotLoaded, missing)
		case inTable && h.missing:
			// Stale: the binary's table lacks the directive; go generate
			// is the fix, which the stale row says.
			r.Status, r.Requirement, r.pkg = Guarded, "refused (not in the generated table)", tablePkg(g)
		case inTable && h.public:
			r.Status, r.pkg = Public, tablePkg(g)
		case inTable:
			r.pkg = tablePkg(g)
			r.Status, r.Requirement, r.DPoP, r.Kinds, r.Req = Guarded, h.req.text, h.req.dpop, h.req.kinds, h.req.parsed
		case allowed != "":
			r.Status, r.Reason = Public, "allow-listed ("+allowed+")"
		case g.allowUnknown != "":
			r.Status, r.Reason = Unknown, g.allowUnknown
		default:
			// The guard refuses it: safe, but dead.
			r.Status, r.Requirement, r.pkg = Guarded, "refused (no directive)", tablePkg(g)
			r.problem = fmt.Sprintf("%s %s: %s (handler %s): the guard refuses every call (PermissionDenied); add a requirement or //axioms:public, or allow-list it",
				r.Method, r.Path, NoDirective, r.Handler)
		}
		d.routes = append(d.routes, r)
	}
}

func guardHint(rpc *routers.RPC) string {
	if rpc == routers.Connect {
		return "connectguard.WithGuard(guard, pkg." + rpc.TableVar + ") in the handler's options"
	}
	return "grpc.NewServer(grpcguard.ServerOptions(guard, pkg." + rpc.TableVar + ")...)"
}

// handlerName is "(*pkgpath.T).Method" for the implementation's method, as
// go/types names it, or that of the embedded type it is promoted from.
func handlerName(named *types.Named, method string, svc routers.Service) string {
	if named == nil {
		return svc.Pkg.Path() + "." + svc.IfaceName() + "." + method
	}
	obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(named), true, named.Obj().Pkg(), method)
	if fn, ok := obj.(*types.Func); ok {
		return fn.FullName()
	}
	return named.Obj().Pkg().Path() + "." + named.Obj().Name() + "." + method
}

func derefType(t types.Type) types.Type {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// isStreaming reports whether a service method streams: a unary method
// is (context.Context, *Req) (*Resp, error) for gRPC, and takes a
// *connect.Request for Connect; anything else is a stream, whatever its
// types are named (generators before grpc's generic streams named them
// X_MethodServer).
func isStreaming(m *types.Func, rpc *routers.RPC) bool {
	params, results := m.Signature().Params(), m.Signature().Results()
	if params.Len() != 2 || results.Len() != 2 {
		return true
	}
	if n, ok := types.Unalias(params.At(0).Type()).(*types.Named); !ok || n.Obj().Pkg() == nil || n.Obj().Pkg().Path() != "context" || n.Obj().Name() != "Context" {
		return true
	}
	if rpc == routers.Connect {
		n, ok := types.Unalias(derefType(params.At(1).Type())).(*types.Named)
		return !ok || n.Obj().Pkg() == nil || n.Obj().Pkg().Path() != rpc.Path || n.Obj().Name() != "Request"
	}
	_, ptr := types.Unalias(params.At(1).Type()).(*types.Pointer)
	return !ptr
}

func allowListed(allow []string, method string) string {
	for _, a := range allow {
		if a == method || strings.HasPrefix(method, "/"+a+"/") && !strings.Contains(method[len(a)+2:], "/") {
			return a
		}
	}
	return ""
}

// tracer follows expressions back to their values within one file.
type tracer struct {
	p *packages.Package
	f *ast.File
}

// controlFlow reports whether n runs its body conditionally or repeatedly.
func controlFlow(n ast.Node) bool {
	switch n.(type) {
	case *ast.IfStmt, *ast.ForStmt, *ast.RangeStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt,
		*ast.CaseClause, *ast.CommClause, *ast.FuncLit, *ast.DeferStmt, *ast.GoStmt:
		return true
	}
	return false
}

// value is the one expression assigned to the local variable e names, in
// the function enclosing at, or nil and why not: the value must be
// assigned once, unconditionally with respect to at, and never changed
// in place.
func (t *tracer) value(e ast.Expr, at token.Pos) (ast.Expr, string) {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return nil, fmt.Sprintf("%s is not a local variable", types.ExprString(e))
	}
	obj, _ := t.p.TypesInfo.Uses[id].(*types.Var)
	if obj == nil {
		return nil, fmt.Sprintf("%s is not a variable", id.Name)
	}
	if obj.Parent() == t.p.Types.Scope() || obj.IsField() {
		return nil, fmt.Sprintf("%s is package-level or a field", obj.Name())
	}
	regPath, _ := astutil.PathEnclosingInterval(t.f, at, at)
	onRegPath := map[ast.Node]bool{}
	var body *ast.BlockStmt
	for _, n := range regPath {
		onRegPath[n] = true
		if body == nil {
			switch fn := n.(type) {
			case *ast.FuncDecl:
				body = fn.Body
			case *ast.FuncLit:
				body = fn.Body
			}
		}
	}
	if body == nil {
		return nil, "the server is not set up in a function"
	}
	if paramOf(regPath, obj) {
		return nil, fmt.Sprintf("%s is a parameter: its value is the caller's", obj.Name())
	}
	var last ast.Expr
	count := 0
	var why string
	conditional := func(n ast.Node) bool {
		path, _ := astutil.PathEnclosingInterval(t.f, n.Pos(), n.End())
		for _, p := range path {
			if p == body {
				return false
			}
			if controlFlow(p) && !onRegPath[p] {
				return true
			}
		}
		return false
	}
	isObj := func(x ast.Expr) bool {
		id, ok := ast.Unparen(x).(*ast.Ident)
		return ok && (t.p.TypesInfo.Defs[id] == obj || t.p.TypesInfo.Uses[id] == obj)
	}
	ast.Inspect(body, func(n ast.Node) bool {
		switch s := n.(type) {
		case *ast.AssignStmt:
			for i, l := range s.Lhs {
				switch lx := ast.Unparen(l).(type) {
				case *ast.IndexExpr:
					if isObj(lx.X) && why == "" {
						why = fmt.Sprintf("an element of %s is changed after it is set", obj.Name())
					}
					continue
				}
				if !isObj(l) {
					continue
				}
				if s.Pos() > at {
					continue // after the registration: does not change what it saw
				}
				count++
				if conditional(s) && why == "" {
					why = fmt.Sprintf("%s is assigned under a condition or in a loop", obj.Name())
				}
				if len(s.Rhs) == len(s.Lhs) {
					last = s.Rhs[i]
				} else {
					last = nil
				}
			}
		case *ast.ValueSpec:
			for i, n := range s.Names {
				if t.p.TypesInfo.Defs[n] == obj && i < len(s.Values) {
					count++
					last = s.Values[i]
				}
			}
		case *ast.UnaryExpr:
			if s.Op == token.AND && isObj(s.X) && why == "" {
				why = fmt.Sprintf("%s is passed by address, so it may change", obj.Name())
			}
		}
		return true
	})
	switch {
	case why != "":
		return nil, why
	case count > 1:
		return nil, fmt.Sprintf("%s is assigned %d times", obj.Name(), count)
	case last == nil:
		return nil, fmt.Sprintf("%s is not assigned a value the tool can read", obj.Name())
	}
	return last, ""
}

func paramOf(path []ast.Node, obj *types.Var) bool {
	for _, n := range path {
		var ft *ast.FuncType
		switch fn := n.(type) {
		case *ast.FuncDecl:
			ft = fn.Type
		case *ast.FuncLit:
			ft = fn.Type
		default:
			continue
		}
		for _, f := range ft.Params.List {
			for _, name := range f.Names {
				if name.Pos() == obj.Pos() {
					return true
				}
			}
		}
		return false
	}
	return false
}

// grpcGuard reads the guard of the server a registration registers on:
// the grpc.NewServer call that made it, and its options.
func (d *discoverer) grpcGuard(p *packages.Package, f *ast.File, reg *ast.CallExpr, server ast.Expr) rpcGuard {
	t := &tracer{p: p, f: f}
	e := server
	for range maxRPCTrace {
		if call, ok := ast.Unparen(e).(*ast.CallExpr); ok {
			fn, _ := typeutil.Callee(p.TypesInfo, call).(*types.Func)
			if fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == routers.GRPC.Path && fn.Name() == "NewServer" {
				var g rpcGuard
				for _, a := range call.Args {
					t.options(a, reg.Pos(), &g, 0)
				}
				return g
			}
			return rpcGuard{unknown: "the server comes from a call the tool does not follow (" + types.ExprString(call.Fun) + ")"}
		}
		v, why := t.value(e, reg.Pos())
		if v == nil {
			return rpcGuard{unknown: "the server cannot be traced: " + why}
		}
		e = v
	}
	return rpcGuard{unknown: "the server passes through too many variables"}
}

// options reads one server or handler option expression into g: a call
// into the guard modules, grpc's interceptor options and connect's
// WithInterceptors / WithHandlerOptions, slices, appends and variables
// holding them.
func (t *tracer) options(e ast.Expr, at token.Pos, g *rpcGuard, depth int) {
	if depth > maxRPCTrace {
		g.unknown = "the server's options nest deeper than the tool follows"
		return
	}
	if g.unknown != "" {
		return
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.CompositeLit:
		for _, el := range x.Elts {
			t.options(el, at, g, depth+1)
		}
	case *ast.Ident:
		if x.Name == "nil" {
			return
		}
		v, why := t.value(x, at)
		if v == nil {
			g.unknown = "the server's options cannot be traced: " + why
			return
		}
		t.options(v, at, g, depth+1)
	case *ast.CallExpr:
		if id, ok := ast.Unparen(x.Fun).(*ast.Ident); ok {
			if _, builtin := t.p.TypesInfo.Uses[id].(*types.Builtin); builtin && id.Name == "append" {
				for _, a := range x.Args {
					t.options(a, at, g, depth+1)
				}
				return
			}
		}
		fn, _ := typeutil.Callee(t.p.TypesInfo, x).(*types.Func)
		if fn == nil || fn.Pkg() == nil {
			return
		}
		path, name := fn.Pkg().Path(), fn.Name()
		guard := func(kind *routers.RPC) {
			if len(x.Args) < 2 {
				return
			}
			t.table(x.Args[1], kind, at, g, depth)
			for _, o := range x.Args[2:] {
				t.allow(o, at, g, depth+1)
			}
			if x.Ellipsis.IsValid() && g.allowUnknown == "" {
				g.allowUnknown = "the guard's options are a slice the tool cannot read (an allow-list may be in it)"
			}
		}
		switch {
		case path == routers.GRPC.Guard && name == "ServerOptions":
			g.unary, g.stream = true, true
			guard(routers.GRPC)
		case path == routers.GRPC.Guard && name == "UnaryServerInterceptor":
			g.unary = true
			guard(routers.GRPC)
		case path == routers.GRPC.Guard && name == "StreamServerInterceptor":
			g.stream = true
			guard(routers.GRPC)
		case path == routers.Connect.Guard && (name == "WithGuard" || name == "NewInterceptor"):
			g.unary, g.stream = true, true
			guard(routers.Connect)
		case path == routers.GRPC.Path && (name == "ChainUnaryInterceptor" || name == "UnaryInterceptor" || name == "ChainStreamInterceptor" || name == "StreamInterceptor"),
			path == routers.Connect.Path && (name == "WithInterceptors" || name == "WithHandlerOptions"):
			for _, a := range x.Args {
				t.options(a, at, g, depth+1)
			}
		}
	}
}

// table reads the method table given to a guard: a package's generated
// table, or an append of them.
func (t *tracer) table(e ast.Expr, kind *routers.RPC, at token.Pos, g *rpcGuard, depth int) {
	if depth > maxRPCTrace {
		g.unknown = "the guard's method table nests deeper than the tool follows"
		return
	}
	var id *ast.Ident
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		id = x
	case *ast.SelectorExpr:
		id = x.Sel
	case *ast.CallExpr:
		if fid, ok := ast.Unparen(x.Fun).(*ast.Ident); ok {
			if _, builtin := t.p.TypesInfo.Uses[fid].(*types.Builtin); builtin && fid.Name == "append" {
				for _, a := range x.Args {
					t.table(a, kind, at, g, depth+1)
				}
				return
			}
		}
	}
	if id != nil && id.Name == kind.TableVar && t.p.TypesInfo.Uses[id] == nil {
		// The generated file is missing: the name does not resolve, but
		// it is the table of this package or of the one it is selected
		// from (check then says the file is missing).
		path := t.p.PkgPath
		if sel, ok := ast.Unparen(e).(*ast.SelectorExpr); ok {
			x, _ := ast.Unparen(sel.X).(*ast.Ident)
			pn, _ := t.p.TypesInfo.Uses[x].(*types.PkgName)
			if pn == nil {
				g.unknown = fmt.Sprintf("the guard's method table (%s) is not a generated %s or an append of them: the tool cannot tell what it allows", types.ExprString(e), kind.TableVar)
				return
			}
			path = pn.Imported().Path()
		}
		if !slices.Contains(g.tables, path) {
			g.tables = append(g.tables, path)
		}
		return
	}
	if id != nil {
		if v, ok := t.p.TypesInfo.Uses[id].(*types.Var); ok && v.Pkg() != nil && v.Parent() == v.Pkg().Scope() && v.Name() == kind.TableVar {
			if !slices.Contains(g.tables, v.Pkg().Path()) {
				g.tables = append(g.tables, v.Pkg().Path())
			}
			return
		}
		if v, _ := t.value(id, at); v != nil {
			t.table(v, kind, at, g, depth+1)
			return
		}
	}
	g.unknown = fmt.Sprintf("the guard's method table (%s) is not a generated %s or an append of them: the tool cannot tell what it allows", types.ExprString(e), kind.TableVar)
}

// allow reads an option given to a guard: the constant names of Allow.
func (t *tracer) allow(e ast.Expr, at token.Pos, g *rpcGuard, depth int) {
	if depth > maxRPCTrace {
		g.allowUnknown = "the guard's options nest deeper than the tool follows"
		return
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.Ident:
		if v, why := t.value(x, at); v != nil {
			t.allow(v, at, g, depth+1)
		} else if g.allowUnknown == "" {
			g.allowUnknown = "an option of the guard cannot be traced (an allow-list may be in it): " + why
		}
	case *ast.CallExpr:
		fn, _ := typeutil.Callee(t.p.TypesInfo, x).(*types.Func)
		if fn == nil || fn.Name() != "Allow" || fn.Pkg() == nil || (fn.Pkg().Path() != routers.GRPC.Guard && fn.Pkg().Path() != routers.Connect.Guard) {
			if g.allowUnknown == "" {
				g.allowUnknown = "an option of the guard is not one the tool reads (" + types.ExprString(x.Fun) + ")"
			}
			return
		}
		if x.Ellipsis.IsValid() {
			g.allowUnknown = "the allow-list is a slice the tool cannot read"
			return
		}
		for _, a := range x.Args {
			if tv, ok := t.p.TypesInfo.Types[a]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
				g.allow = append(g.allow, constant.StringVal(tv.Value))
			} else if g.allowUnknown == "" {
				g.allowUnknown = "an allow-listed name is not a constant (" + types.ExprString(a) + ")"
			}
		}
	default:
		if g.allowUnknown == "" {
			g.allowUnknown = "an option of the guard cannot be read (" + types.ExprString(e) + ")"
		}
	}
}

// tablePkg is the package whose generated table gives a row its
// requirement (the first, for an append of several): when its generated
// file is stale, so is the row.
func tablePkg(g rpcGuard) string {
	if len(g.tables) == 0 {
		return ""
	}
	return g.tables[0]
}

// rpcHandler reports whether e is the handler a Connect NewXServiceHandler
// call returned (path, h := pbconnect.NewXServiceHandler(...); then
// mux.Handle(path, h)), and where that call is: the service's methods are
// rows of their own (at the call), so the mount is not a route.
func (w *walker) rpcHandler(e ast.Expr) (token.Pos, bool) {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return token.NoPos, false
	}
	obj := w.info().Uses[id]
	if obj == nil {
		return token.NoPos, false
	}
	for _, f := range w.files {
		if f.Pos() > obj.Pos() || obj.Pos() >= f.End() {
			continue
		}
		path, _ := astutil.PathEnclosingInterval(f, obj.Pos(), obj.Pos())
		for _, n := range path {
			var rhs []ast.Expr
			switch s := n.(type) {
			case *ast.AssignStmt:
				rhs = s.Rhs
			case *ast.ValueSpec:
				rhs = s.Values
			default:
				continue
			}
			if len(rhs) != 1 {
				return token.NoPos, false
			}
			call, ok := ast.Unparen(rhs[0]).(*ast.CallExpr)
			if !ok {
				return token.NoPos, false
			}
			fn, _ := typeutil.Callee(w.info(), call).(*types.Func)
			svc, ok := routers.RegisteredService(fn)
			return call.Pos(), ok && svc.RPC == routers.Connect
		}
	}
	return token.NoPos, false
}

// connectMount is a Connect service's handler registered on a ServeMux.
type connectMount struct {
	set     *routeSet
	pattern string         // as registered; "" when not a literal
	call    token.Position // the NewXServiceHandler call: its rows' Pos
	top     int            // the top-level walk that registered it
	cond    bool           // registered only conditionally
}

// connectShadows: a ServeMux serves the most specific pattern, so a route
// registered on the mux a Connect handler is mounted on, at one of its
// procedures' paths (POST /pkg.Service/Method, or a pattern matching it),
// takes that procedure's calls: the Connect method is never reached. Each
// mount's mux is rebuilt from its route set and asked, as overlaps does.
// As for shadows, a finding is never a guess: a mount or a route that
// runs only conditionally, or in another top-level walk (which may not
// run with it), is not compared, nor are patterns with a host (the calls
// of other hosts go elsewhere).
func connectShadows(routes []Row, mounts []connectMount) []Shadow {
	var out []Shadow
	type key struct {
		call, route token.Position
		path        string
	}
	seen := map[key]bool{} // a helper run twice mounts and registers twice
	for _, m := range mounts {
		pattern := m.pattern
		if _, p, _ := strings.Cut(pattern, " "); m.cond || pattern != "" && !strings.HasPrefix(pattern, "/") && !strings.HasPrefix(p, "/") {
			continue
		}
		var rpc, rs []Row
		for _, r := range routes {
			switch {
			case r.Router == routers.Connect.Flag && r.Pos == m.call:
				rpc = append(rpc, r)
			case r.set == m.set && r.setKind == "net/http" && r.top == m.top && !r.cond && r.Host == "" &&
				!r.inexact && r.Dynamic == "" && !strings.Contains(r.Path, "{?}"):
				rs = append(rs, r)
			}
		}
		if len(rpc) == 0 || len(rs) == 0 {
			continue
		}
		if pattern == "" {
			// The path NewXServiceHandler returns: "/pkg.Service/".
			pattern = rpc[0].Path[:strings.LastIndexByte(rpc[0].Path, '/')+1]
		}
		mux, ok := muxOf(append(slices.Clone(rs), Row{Path: pattern}))
		if !ok {
			// The mux refuses a route with the mount (the program panics
			// at start); the mount is no row to report it on.
			continue
		}
		for _, c := range rpc {
			req := &http.Request{Method: http.MethodPost, URL: &url.URL{Scheme: "http", Host: "example.com", Path: c.Path}, Host: "example.com", Header: http.Header{}}
			_, served := mux.Handler(req)
			j := slices.IndexFunc(rs, func(r Row) bool { return routePattern(r) == served })
			if served == pattern || j < 0 {
				continue
			}
			if k := (key{m.call, rs[j].at(), c.Path}); !seen[k] {
				seen[k] = true
				out = append(out, Shadow{First: rs[j], Second: c, Served: ServesFirst, Error: weaker(rs[j], c),
					Rule: fmt.Sprintf("net/http serves the most specific pattern, and %s is more specific than the Connect handler's %s, so it takes POST %s", served, pattern, c.Path)})
			}
		}
	}
	return out
}
