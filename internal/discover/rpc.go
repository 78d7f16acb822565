// RPC rows: every method of each gRPC or Connect service registered in
// the code (RegisterXServer(s, impl), NewXServiceHandler(impl, opts...)),
// with the guard installed on its server.

package discover

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
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
	// ImplNotLoaded starts the reason of a row whose implementation's
	// package is not loaded (the analyzer, which sees one package at a
	// time, leaves those to the run on that package).
	ImplNotLoaded = "the implementation's package is not loaded:"
)

// maxRPCTrace is how many assignments the search for a server's guard
// follows back from the registration.
const maxRPCTrace = 8

// rpcGuard is what a registration's server has installed.
type rpcGuard struct {
	unary, stream bool     // the guard covers unary / streaming methods
	allow         []string // allow-listed services and methods
	unknown       string   // why the server cannot be read, if so
}

// rpcRoutes adds a row per method of each service registered in p.
func (d *discoverer) rpcRoutes(p *packages.Package, byPath map[string]*packages.Package, methods map[string][]*parse.Handler) {
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
			svc, ok := routers.RegisteredService(fn)
			if !ok {
				return true
			}
			implArg, serverArgs := 1, call.Args[:min(1, len(call.Args))]
			if svc.RPC == routers.Connect {
				implArg, serverArgs = 0, call.Args[min(1, len(call.Args)):]
			}
			if implArg >= len(call.Args) {
				return true
			}
			var g rpcGuard
			if svc.RPC == routers.GRPC {
				g = d.grpcGuard(p, f, call, serverArgs[0])
			} else {
				g = d.connectGuard(p, f, call, serverArgs)
			}
			d.rpcRows(p, call, svc, p.TypesInfo.TypeOf(call.Args[implArg]), g, byPath, methods)
			return true
		})
	}
}

// rpcRows adds the rows of one registration.
func (d *discoverer) rpcRows(p *packages.Package, call *ast.CallExpr, svc routers.Service, impl types.Type, g rpcGuard, byPath map[string]*packages.Package, methods map[string][]*parse.Handler) {
	pos := p.Fset.Position(call.Pos())
	base := impl
	if ptr, ok := types.Unalias(impl).(*types.Pointer); ok {
		base = ptr.Elem()
	}
	named, _ := types.Unalias(base).(*types.Named)
	var directives map[string]*parse.Handler
	implPkg := ""
	if named != nil && named.Obj().Pkg() != nil {
		implPkg = named.Obj().Pkg().Path()
		directives = map[string]*parse.Handler{}
		hs, ok := methods[implPkg]
		if !ok {
			if ip := byPath[implPkg]; ip != nil && ip.TypesInfo != nil {
				res, _ := parse.Parse(ip.Fset, ip.Syntax, ip.TypesInfo, parse.Options{Skip: d.isGenerated})
				hs = res.Methods
			} else if isLibrary(implPkg) {
				// Health, reflection...: services the RPC libraries
				// implement themselves carry no directives.
			} else {
				directives = nil // the package's source is not loaded
			}
			methods[implPkg] = hs
		}
		for _, h := range hs {
			if h.Recv == named.Obj().Name() && h.RPC != nil && h.RPC.Service.Interface == svc.Interface {
				directives[h.Name] = h
			}
		}
	}
	iface := svc.Interface.Underlying().(*types.Interface)
	serviceName := ""
	for m := range iface.Methods() {
		if !m.Exported() {
			continue
		}
		r := Route{Method: svc.RPC.Method, Router: svc.RPC.Flag, Pos: pos}
		r.Path = "/" + svc.Name + "/" + m.Name()
		if c, ok := svc.Pkg.Scope().Lookup(svc.Const(m.Name())).(*types.Const); ok && c.Val().Kind() == constant.String {
			r.Path = constant.StringVal(c.Val())
			serviceName = r.Path[1:strings.LastIndexByte(r.Path, '/')]
		}
		r.Handler = handlerName(named, m.Name(), svc)
		h := directives[m.Name()]
		streaming := isStreaming(m, svc.RPC)
		covered := g.unary
		if streaming {
			covered = g.stream
		}
		allowed := allowListed(g.allow, r.Path)
		switch {
		case g.unknown != "":
			r.Status, r.Reason = Unknown, g.unknown
		case !covered && (g.unary || g.stream):
			kind := "stream"
			if !streaming {
				kind = "unary"
			}
			r.Status = Unguarded
			r.problem = fmt.Sprintf("%s %s: unguarded route (handler %s): the server has the axioms guard for %s methods only, so calls reach this one without a token; install both with %s",
				r.Method, r.Path, r.Handler, map[string]string{"stream": "unary", "unary": "streaming"}[kind], guardHint(svc.RPC))
		case !covered:
			r.Status = Unguarded
			r.problem = fmt.Sprintf("%s %s: unguarded route (handler %s): %s is registered on a server without the axioms guard, so calls reach it without a token; install it with %s",
				r.Method, r.Path, r.Handler, svc.Name, guardHint(svc.RPC))
		case h != nil && h.Public:
			r.Status = Public
		case h != nil:
			req := requirementFrom(h.Requirement())
			r.Status, r.Requirement, r.DPoP, r.Kinds = Guarded, req.text, h.DPoP, req.kinds
		case allowed != "":
			r.Status, r.Reason = Public, "allow-listed ("+allowed+")"
		case directives == nil:
			r.Status, r.Reason = Unknown, fmt.Sprintf("%s %s: its directives cannot be read", ImplNotLoaded, implPkg)
		default:
			// The guard refuses it: safe, but dead.
			r.Status, r.Requirement = Guarded, "refused (no directive)"
			r.problem = fmt.Sprintf("%s %s: %s (handler %s): the guard refuses every call (PermissionDenied); add a requirement or //axioms:public, or allow-list it",
				r.Method, r.Path, NoDirective, r.Handler)
		}
		d.routes = append(d.routes, r)
	}
	_ = serviceName
}

func guardHint(rpc *routers.RPC) string {
	if rpc == routers.Connect {
		return "connectguard.WithGuard(guard, pkg." + rpc.TableVar + ") in the handler's options"
	}
	return "grpc.NewServer(grpcguard.ServerOptions(guard, pkg." + rpc.TableVar + ")...)"
}

// handlerName is "pkgpath.(*T).Method" for the implementation's method.
func handlerName(named *types.Named, method string, svc routers.Service) string {
	if named == nil {
		return svc.Pkg.Name() + "." + svc.IfaceName() + "." + method
	}
	obj, _, _ := types.LookupFieldOrMethod(types.NewPointer(named), true, named.Obj().Pkg(), method)
	ptr := false
	if fn, ok := obj.(*types.Func); ok {
		if r := fn.Signature().Recv(); r != nil {
			_, ptr = types.Unalias(r.Type()).(*types.Pointer)
			if rn, ok := types.Unalias(derefType(r.Type())).(*types.Named); ok && rn.Obj() != named.Obj() {
				// Promoted from an embedded type (Unimplemented...).
				return rn.Obj().Pkg().Path() + "." + rn.Obj().Name() + "." + method
			}
		}
	}
	if ptr {
		return named.Obj().Pkg().Path() + ".(*" + named.Obj().Name() + ")." + method
	}
	return named.Obj().Pkg().Path() + "." + named.Obj().Name() + "." + method
}

func derefType(t types.Type) types.Type {
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		return p.Elem()
	}
	return t
}

// isStreaming reports whether a service method streams: its parameters
// hold a stream (gRPC) or it takes no *connect.Request (Connect).
func isStreaming(m *types.Func, rpc *routers.RPC) bool {
	params := m.Signature().Params()
	for i := range params.Len() {
		t := derefType(params.At(i).Type())
		n, ok := types.Unalias(t).(*types.Named)
		if !ok || n.Obj().Pkg() == nil {
			continue
		}
		name := n.Obj().Name()
		if rpc == routers.GRPC && strings.HasSuffix(name, "StreamingServer") {
			return true
		}
		if rpc == routers.Connect && (name == "ServerStream" || name == "ClientStream" || name == "BidiStream") {
			return true
		}
	}
	return false
}

func allowListed(allow []string, method string) string {
	for _, a := range allow {
		if a == method || strings.HasPrefix(method, "/"+a+"/") {
			return a
		}
	}
	return ""
}

// tracer follows expressions back to their values within one file.
type tracer struct {
	p     *packages.Package
	f     *ast.File
	depth int
}

// value is the expression last assigned to the local variable e names,
// in the function enclosing at, or nil.
func (t *tracer) value(e ast.Expr, at token.Pos) (ast.Expr, string) {
	id, ok := ast.Unparen(e).(*ast.Ident)
	if !ok {
		return nil, "the server is not a local variable"
	}
	obj, _ := t.p.TypesInfo.Uses[id].(*types.Var)
	if obj == nil {
		return nil, "the server is not a variable"
	}
	if obj.Parent() == t.p.Types.Scope() || obj.IsField() {
		return nil, fmt.Sprintf("the server is package-level or a field (%s)", obj.Name())
	}
	path, _ := astutil.PathEnclosingInterval(t.f, at, at)
	var body *ast.BlockStmt
	for _, n := range path {
		switch fn := n.(type) {
		case *ast.FuncDecl:
			body = fn.Body
		case *ast.FuncLit:
			body = fn.Body
		}
		if body != nil {
			break
		}
	}
	if body == nil {
		return nil, "the server is not assigned in a function"
	}
	var last ast.Expr
	count := 0
	ast.Inspect(body, func(n ast.Node) bool {
		switch s := n.(type) {
		case *ast.AssignStmt:
			if s.Pos() > at {
				return false
			}
			for i, l := range s.Lhs {
				lid, ok := l.(*ast.Ident)
				if !ok || (t.p.TypesInfo.Defs[lid] != obj && t.p.TypesInfo.Uses[lid] != obj) {
					continue
				}
				count++
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
		}
		return true
	})
	if _, isParam := paramOf(path, obj); isParam {
		return nil, fmt.Sprintf("the server is a parameter (%s): its options are set by the caller", obj.Name())
	}
	if last == nil {
		return nil, fmt.Sprintf("%s is not assigned a value the tool can read", obj.Name())
	}
	if count > 1 {
		return nil, fmt.Sprintf("%s is assigned %d times", obj.Name(), count)
	}
	return last, ""
}

func paramOf(path []ast.Node, obj *types.Var) (*ast.Field, bool) {
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
				if name.Name == obj.Name() && name.Pos() == obj.Pos() {
					return f, true
				}
			}
		}
		return nil, false
	}
	return nil, false
}

// grpcGuard reads the guard of the server a RegisterXServer call
// registers on: the grpc.NewServer call that made it, and its options.
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
			return rpcGuard{unknown: why}
		}
		e = v
	}
	return rpcGuard{unknown: "the server passes through too many variables"}
}

// connectGuard reads the guard among a NewXServiceHandler call's options.
func (d *discoverer) connectGuard(p *packages.Package, f *ast.File, reg *ast.CallExpr, opts []ast.Expr) rpcGuard {
	t := &tracer{p: p, f: f}
	var g rpcGuard
	for _, a := range opts {
		t.options(a, reg.Pos(), &g, 0)
	}
	return g
}

// options reads one server or handler option expression into g: a call
// into the guard modules, grpc's interceptor options and connect's
// WithInterceptors / WithHandlerOptions, slices and variables holding
// them.
func (t *tracer) options(e ast.Expr, at token.Pos, g *rpcGuard, depth int) {
	if depth > maxRPCTrace || g.unknown != "" {
		return
	}
	switch x := ast.Unparen(e).(type) {
	case *ast.CompositeLit:
		for _, el := range x.Elts {
			t.options(el, at, g, depth+1)
		}
	case *ast.Ident:
		if v, _ := t.value(x, at); v != nil {
			t.options(v, at, g, depth+1)
		}
	case *ast.CallExpr:
		fn, _ := typeutil.Callee(t.p.TypesInfo, x).(*types.Func)
		if fn == nil || fn.Pkg() == nil {
			return
		}
		switch path, name := fn.Pkg().Path(), fn.Name(); {
		case path == routers.GRPC.Guard && name == "ServerOptions":
			g.unary, g.stream = true, true
			g.allow = append(g.allow, allowArgs(t.p, x.Args[min(2, len(x.Args)):])...)
		case path == routers.GRPC.Guard && name == "UnaryServerInterceptor":
			g.unary = true
			g.allow = append(g.allow, allowArgs(t.p, x.Args[min(2, len(x.Args)):])...)
		case path == routers.GRPC.Guard && name == "StreamServerInterceptor":
			g.stream = true
			g.allow = append(g.allow, allowArgs(t.p, x.Args[min(2, len(x.Args)):])...)
		case path == routers.Connect.Guard && (name == "WithGuard" || name == "NewInterceptor"):
			g.unary, g.stream = true, true
			g.allow = append(g.allow, allowArgs(t.p, x.Args[min(2, len(x.Args)):])...)
		case path == routers.GRPC.Path && (name == "ChainUnaryInterceptor" || name == "UnaryInterceptor" || name == "ChainStreamInterceptor" || name == "StreamInterceptor"),
			path == routers.Connect.Path && (name == "WithInterceptors" || name == "WithHandlerOptions"),
			name == "append":
			for _, a := range x.Args {
				t.options(a, at, g, depth+1)
			}
		}
	}
}

// allowArgs are the constant names given to Allow options.
func allowArgs(p *packages.Package, opts []ast.Expr) []string {
	var out []string
	for _, o := range opts {
		call, ok := ast.Unparen(o).(*ast.CallExpr)
		if !ok {
			continue
		}
		fn, _ := typeutil.Callee(p.TypesInfo, call).(*types.Func)
		if fn == nil || fn.Name() != "Allow" || fn.Pkg() == nil || (fn.Pkg().Path() != routers.GRPC.Guard && fn.Pkg().Path() != routers.Connect.Guard) {
			continue
		}
		for _, a := range call.Args {
			if tv, ok := p.TypesInfo.Types[a]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
				out = append(out, constant.StringVal(tv.Value))
			}
		}
	}
	return out
}

// isLibrary reports whether path is a package of an RPC library itself
// (grpc's health and reflection services, connect's grpchealth...).
func isLibrary(path string) bool {
	for _, rpc := range routers.RPCs {
		if path == rpc.Path || strings.HasPrefix(path, rpc.Path+"/") {
			return true
		}
	}
	return strings.HasPrefix(path, "connectrpc.com/")
}
