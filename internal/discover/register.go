// Registrations: each call of a router's registration method becomes
// one row per method and path, with its guard status.

package discover

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/axioms-go/axiomsgen/internal/parse"
	"github.com/axioms-go/axiomsgen/internal/routers"
	"golang.org/x/tools/go/types/typeutil"
)

// isRegistrationName reports a method name that registers a route on
// some router of the table.
func isRegistrationName(name string) bool {
	for _, r := range routers.All {
		if _, ok := r.Registration(name); ok {
			return true
		}
	}
	return false
}

// oddRegistrations reports, as unknown, registrations the walk cannot
// follow rather than dropping them: a router method taken as a value or
// through a method expression, and a registration-shaped call through an
// interface of the program's own.
func (w *walker) oddRegistrations() {
	for _, f := range w.files {
		ast.PreorderStack(f, nil, func(n ast.Node, stack []ast.Node) bool {
			switch n := n.(type) {
			case *ast.SelectorExpr:
				sel, ok := w.info().Selections[n]
				if !ok || !isRegistrationName(n.Sel.Name) {
					return true
				}
				kind := routerKind(sel.Recv())
				if kind == "" {
					return true
				}
				called := false
				if len(stack) > 0 {
					if call, ok := stack[len(stack)-1].(*ast.CallExpr); ok && call.Fun == n {
						called = true
					}
				}
				switch {
				case sel.Kind() == types.MethodExpr:
					w.unknownAt(n, kind, "registered through a method expression")
				case sel.Kind() == types.MethodVal && !called:
					w.unknownAt(n, kind, "a registration method used as a value")
				}
			case *ast.CallExpr:
				fn, _ := typeutil.Callee(w.info(), n).(*types.Func)
				if sel, ok := ast.Unparen(n.Fun).(*ast.SelectorExpr); ok && fn == nil && isRegistrationName(sel.Sel.Name) && w.typeMissing(sel.X) {
					w.unknownAt(n, "", "the router's type is missing: its package does not compile")
					return true
				}
				if fn == nil || !isRegistrationName(fn.Name()) || len(n.Args) < 2 {
					return true
				}
				recv := fn.Signature().Recv()
				if recv == nil || !types.IsInterface(recv.Type()) || routerKind(recv.Type()) != "" {
					return true
				}
				if pkg, _ := funcID(fn); routers.ByPath(pkg) != nil {
					return true // the router libraries' own interfaces are walked
				}
				if t := w.info().TypeOf(n.Args[0]); t != nil && types.Identical(t.Underlying(), types.Typ[types.String]) {
					w.unknownAt(n, "", "registered through an interface the tool cannot follow")
				}
			}
			return true
		})
	}
}

func (w *walker) unknownAt(n ast.Node, kind, reason string) {
	w.d.routes = append(w.d.routes, Row{
		Router: cmp.Or(kind, "unknown"), Path: "{?}", Handler: types.ExprString(n.(ast.Expr)),
		Pos: w.p.Fset.Position(n.Pos()), Status: Unknown, Reason: reason,
	})
}

// call handles one call expression in a function body.
func (w *walker) call(call *ast.CallExpr, loop int) {
	if w.d.done[call] == w.d.curWalk || w.d.mountCalls[call] {
		return
	}
	fn, _ := typeutil.Callee(w.info(), call).(*types.Func)
	if fn == nil {
		return
	}
	pkg, name := funcID(fn)

	// The generated registration function: the package's annotated rows
	// are served under this router.
	if fn.Pkg() != nil && fn.Signature().Recv() == nil && !strings.HasPrefix(fn.Name(), parse.WrapperPrefix) &&
		len(call.Args) > 0 && w.inGenerated(fn) && routerKind(w.info().TypeOf(call.Args[0])) != "" {
		st := w.routerOf(call.Args[0])
		w.d.seq++
		mt := regMount{prefix: st.prefix, dynamic: st.dynamic, set: st.set, kind: st.kind, seq: w.d.seq, top: w.d.top, cond: w.cond > 0 || w.d.condHelpers > 0, pos: w.p.Fset.Position(call.Pos())}
		switch {
		case loop > 0:
			mt.reason = "registered inside a loop"
		case st.ambiguous != "":
			mt.reason = st.ambiguous
		}
		w.d.regMounts[fn.Pkg().Path()] = append(w.d.regMounts[fn.Pkg().Path()], mt)
		w.d.regCalls[fn.Pkg().Path()]++
		return
	}

	// A helper receiving routers, in any loaded package: walk it with
	// them bound.
	if ref, ok := w.d.funcs[fn]; ok && w.d.calledWithRouter[fn] {
		params := fn.Signature().Params()
		bound := map[types.Object]*router{}
		for i, a := range call.Args {
			if i < params.Len() && routerKind(params.At(i).Type()) != "" {
				bound[params.At(i)] = w.routerOf(a)
			}
		}
		w.walkHelper(call, ref, bound, loop)
		return
	}

	desc := routers.ByPath(pkg)
	if desc == nil {
		return
	}
	if sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr); ok {
		if s, ok := w.info().Selections[sel]; ok && s.Kind() == types.MethodExpr {
			return // (*T).Method(recv, ...): an unknown row of oddRegistrations
		}
	}
	recv := w.receiverExpr(call)
	if desc == routers.Gorilla {
		// Routes are chains (r.Path(p).Methods(m).Handler(h)), read whole.
		if name == desc.Use && recv != nil {
			w.use(recv, call.Args)
		} else {
			w.gorillaChain(call, loop)
		}
		return
	}
	if recv == nil && !desc.PackageFuncs {
		return
	}
	if recv != nil && routers.KindOf(w.info().TypeOf(recv)) == "" {
		return // a method of another type of the library (a gorilla route chain, echo's Router)
	}
	if name == desc.Use && recv != nil {
		w.use(recv, call.Args)
		return
	}
	if reg, ok := desc.Registration(name); ok {
		var st *router
		if recv == nil { // http.Handle: the DefaultServeMux
			if w.d.defaultMux == nil {
				w.d.defaultMux = w.d.newSet()
			}
			st = &router{kind: desc.Kind, traced: true, set: w.d.defaultMux}
		} else {
			st = w.routerOf(recv)
		}
		w.registration(call, st, reg, loop)
		return
	}
	if g, ok := desc.Group(name); ok && g.Callback && len(call.Args) > 0 {
		st := w.routerOf(recv).derive()
		w.groupSet(desc, g, st)
		if g.Prefix >= 0 && g.Prefix < len(call.Args)-1 {
			w.addPrefix(st, call.Args[g.Prefix])
		}
		w.bindCallback(call, call.Args[len(call.Args)-1], st, loop)
	}
}

// walkHelper walks a helper (or named callback) with its router
// parameters bound to routers. Past maxHelpers nested helpers the
// routers are not followed (its routes are unknown rows saying so);
// past maxHelpersUnbound the call itself is an unknown row.
func (w *walker) walkHelper(call *ast.CallExpr, ref funcRef, bound map[types.Object]*router, loop int) {
	if w.d.depth.helpers >= maxHelpersUnbound {
		w.unknownAt(call, "", fmt.Sprintf("registration helpers nested more than %d deep, which the tool does not follow", maxHelpersUnbound))
		return
	}
	if w.d.depth.helpers >= maxHelpers {
		for obj, st := range bound {
			bound[obj] = &router{kind: st.kind, ambiguous: fmt.Sprintf("the router passes through more than %d registration helpers, which the tool does not follow", maxHelpers)}
		}
	}
	saved := map[types.Object]*router{}
	for obj, st := range bound {
		if prev, ok := w.d.states[obj]; ok {
			saved[obj] = prev
		}
		w.d.states[obj] = st
	}
	w.d.depth.helpers++
	if w.cond > 0 {
		// Its registrations run only when the call does (for Shadows).
		w.d.condHelpers++
		defer func() { w.d.condHelpers-- }()
	}
	ref.w.walkBody(ref.decl.Body, loop)
	w.d.depth.helpers--
	for obj := range bound {
		delete(w.d.states, obj)
	}
	for obj, st := range saved {
		w.d.states[obj] = st
	}
}

// registration records the routes of one call of a registration method,
// reading each argument by its role in the router table.
func (w *walker) registration(call *ast.CallExpr, st *router, reg routers.Registration, loop int) {
	var (
		path, methodArg, methodsArg ast.Expr
		handlers, mws, files        []ast.Expr
	)
	for i, role := range reg.Args {
		if i >= len(call.Args) {
			break
		}
		rest := call.Args[i:]
		if i < len(reg.Args)-1 {
			rest = rest[:1]
		}
		switch role {
		case routers.Method:
			methodArg = call.Args[i]
		case routers.Methods:
			methodsArg = call.Args[i]
		case routers.Path:
			path = call.Args[i]
		case routers.Handler, routers.Handlers:
			handlers = append(handlers, rest...)
		case routers.Middleware:
			mws = append(mws, rest...)
		case routers.Files:
			files = append(files, rest...)
		}
	}
	if len(call.Args) == 1 && len(reg.Args) > 1 {
		// mux.Handle(pbconnect.NewXServiceHandler(...)): the call's two
		// results are the path and the handler.
		if inner, ok := ast.Unparen(call.Args[0]).(*ast.CallExpr); ok {
			fn, _ := typeutil.Callee(w.info(), inner).(*types.Func)
			if svc, ok := routers.RegisteredService(fn); ok && svc.RPC == routers.Connect {
				w.mountConnect(st, inner.Pos(), "")
				return
			}
		}
	}
	if path == nil || (len(handlers) == 0 && len(files) == 0 && !slices.Contains(reg.Args, routers.Handlers)) {
		return // not a call that compiles against the router's API
	}
	rg := registered{call: call, st: st, handlers: handlers, mws: mws, loop: loop, withMethod: reg.PatternMethod}
	if len(files) > 0 {
		rg.handler = "files from " + types.ExprString(files[0])
	}
	methods := reg.Fixed
	switch {
	case methodArg != nil:
		m, _ := w.stringValue(methodArg)
		methods = []string{strings.ToUpper(m)}
	case methodsArg != nil:
		ms, ok := w.stringList(methodsArg)
		if !ok {
			methods, rg.unknown = nil, "the methods depend on "+types.ExprString(methodsArg)
		} else {
			methods = ms
		}
	}
	if len(methods) == 0 {
		methods = []string{""}
	}
	suffixes := reg.Suffixes
	if len(suffixes) == 0 {
		suffixes = []string{""}
	}
	p, dyn := w.stringValue(path)
	for _, m := range methods {
		for _, suf := range suffixes {
			rg.method, rg.path, rg.dynamic = m, joinSuffix(p, suf), dyn
			w.register(rg)
		}
	}
}

// registered is one route of a registration call. handlers are the
// handler-chain arguments (the last one is the handler for gin; the only
// one elsewhere); mws are route middlewares after the handler (echo).
// withMethod says the pattern may carry a method ("GET /x", net/http and
// chi Handle).
type registered struct {
	call                  *ast.CallExpr
	st                    *router
	method, path, dynamic string
	handlers, mws         []ast.Expr
	handler               string // what answers, when no handler argument says (files)
	unknown               string // why the route cannot be known even when unguarded
	loop                  int
	withMethod            bool
}

// mountConnect records a Connect service's handler (made by the call at
// at) registered on st with pattern ("" when it is not a literal: the
// path the handler's constructor returns). Only a ServeMux whose routes
// the walk knows in full is recorded: connectShadows asks it.
func (w *walker) mountConnect(st *router, at token.Pos, pattern string) {
	if st.set != nil && (st.kind == "" || st.kind == "net/http") && st.prefix == "" && !st.lostPrefix && st.ambiguous == "" {
		w.d.connectMounts = append(w.d.connectMounts, connectMount{set: st.set, pattern: pattern, call: w.p.Fset.Position(at),
			top: w.d.top, cond: w.cond > 0 || w.d.condHelpers > 0})
	}
}

// register records one route.
func (w *walker) register(rg registered) {
	call, st, handlers, mws, loop := rg.call, rg.st, rg.handlers, rg.mws, rg.loop
	if len(handlers) > 0 {
		if at, ok := w.rpcHandler(handlers[len(handlers)-1]); ok {
			// A Connect service's handler: its methods are rows of their
			// own; a ServeMux's routes may take their calls.
			pattern := ""
			if rg.dynamic == "" {
				pattern = rg.path
			}
			w.mountConnect(st, at, pattern)
			return
		}
	}
	r := Row{Router: st.kind, Method: rg.method, Pos: w.p.Fset.Position(call.Pos())}
	if r.Router == "" {
		r.Router = "net/http"
	}
	w.d.seq++
	r.set, r.setKind, r.seq, r.top, r.cond, r.inexact = st.set, r.Router, w.d.seq, w.d.top, w.cond > 0 || w.d.condHelpers > 0, rg.unknown != ""
	if st.lostPrefix || st.ambiguous != "" {
		r.set = nil
	}
	path := rg.path
	r.Dynamic = rg.dynamic
	switch {
	case rg.withMethod && r.Dynamic == "":
		m, h, p := splitPattern(path)
		if m != "" {
			r.Method = m
		}
		r.Host, path = h, p
	case rg.withMethod:
		// "GET " + path: the method is known even when the path is not.
		if m, rest, ok := strings.Cut(path, " "); ok && m != "" && strings.Trim(m, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == "" {
			r.Method, path = m, strings.TrimLeft(rest, " ")
		}
	}
	r.Path = st.prefix + path
	if st.lostPrefix {
		r.Path = "{?}" + path
	}
	if st.dynamic != "" {
		r.Dynamic = cmp.Or(r.Dynamic, st.dynamic)
	}
	r.Handler = rg.handler
	if len(handlers) > 0 {
		r.Handler = w.handlerName(handlers[len(handlers)-1])
	}

	// Guard status.
	guard := st.guard
	firstGuard := -1
	unclassified := st.unclassified
	for i, h := range append(slices.Clone(handlers), mws...) {
		if req, ok := w.guardValue(h); ok {
			if guard == nil {
				guard = req
			}
			if firstGuard < 0 {
				firstGuard = i
			}
		} else if unclassified == "" && (i < len(handlers)-1 || i >= len(handlers)) && !w.ginBuiltin(h) {
			unclassified = w.trustID(h) // a middleware of the chain, not the handler
		}
	}
	if len(handlers) > 0 && unclassified == "" {
		unclassified = w.wrapperID(handlers[len(handlers)-1])
	}
	// gin runs a chain in order: a handler before the guard runs for
	// every request, token or not.
	var before string
	if st.kind == "gin" && st.guard == nil && firstGuard > 0 {
		for _, h := range handlers[:min(firstGuard, len(handlers))] {
			if !w.ginBuiltin(h) {
				before = types.ExprString(h)
				break
			}
		}
	}
	switch {
	case before != "":
		r.Status, r.Reason = Unknown, before+" runs before the guard in this gin chain, with or without a token: put the guard first"
	case guard == nil && st.ambiguous != "":
		r.Status, r.Reason = Unknown, st.ambiguous
	case guard != nil && guard.unknown != "":
		r.Status, r.Reason = Unknown, guard.unknown
	case guard != nil:
		r.Status, r.Requirement, r.DPoP, r.Kinds, r.Req = Guarded, guard.text, guard.dpop, guard.kinds, guard.parsed
	case w.publicMarker(call, handlers):
		r.Status = Public
		if w.resourceMetadata(handlers) {
			r.Metadata, r.Reason = true, "RFC 9728 protected resource metadata (Guard.ResourceMetadata): public by design"
			if r.Dynamic != "" && strings.HasPrefix(r.Path, "{") && strings.Index(r.Path, "}") == len(r.Path)-1 {
				// A path that is one value known only at run time, as
				// mux.Handle("GET "+g.ResourceMetadataPath(), ...):
				// the handler answers at ResourceMetadataPath() alone
				// (404 elsewhere), the well-known prefix and the path
				// of the configured resource.
				r.Path, r.Dynamic = wellKnownResource+"{resource path}", "the path of the configured resource (AXIOMS_RESOURCE)"
			}
		}
	case len(handlers) > 0 && w.typeMissing(handlers[len(handlers)-1]):
		r.Status, r.Reason = Unknown, "the handler's type is missing: its package does not compile"
	case loop > 0:
		r.Status, r.Reason = Unknown, "registered inside a loop"
	case rg.unknown != "":
		r.Status, r.Reason = Unknown, rg.unknown
	case r.Dynamic != "":
		r.Status, r.Reason = Unknown, "the path depends on "+r.Dynamic
	case !st.traced:
		r.Status, r.Reason = Unknown, "the router comes from a value the tool cannot follow"
	case len(handlers) > 0 && w.untraceable(handlers[len(handlers)-1]):
		r.Status, r.Reason = Unknown, "the handler comes from a value the tool cannot follow"
	default:
		r.Status = Unguarded
	}
	if r.Status == Unguarded || r.Status == Unknown {
		r.Middleware = unclassified
	}
	w.d.routes = append(w.d.routes, r)
}

// wellKnownResource is the path prefix of RFC 9728 resource metadata.
const wellKnownResource = "/.well-known/oauth-protected-resource"

// resourceMetadata reports a handler that is the Guard's resource
// metadata: g.ResourceMetadata(...).
func (w *walker) resourceMetadata(handlers []ast.Expr) bool {
	if len(handlers) == 0 {
		return false
	}
	c, ok := ast.Unparen(handlers[len(handlers)-1]).(*ast.CallExpr)
	if !ok {
		return false
	}
	fn, _ := typeutil.Callee(w.info(), c).(*types.Func)
	if fn == nil {
		return false
	}
	pkg, name := funcID(fn)
	return pkg == parse.RuntimePath && name == "ResourceMetadata" && isGuardMethod(fn)
}

// typeMissing reports an expression the type checker could not type, in
// a package that does not compile (loaded for a partial report).
func (w *walker) typeMissing(e ast.Expr) bool {
	if !w.p.IllTyped {
		return false
	}
	t := w.info().TypeOf(e)
	return t == nil || t == types.Typ[types.Invalid]
}

// untraceable reports a handler that is a parameter or other variable
// whose value the tool does not see.
func (w *walker) untraceable(h ast.Expr) bool {
	obj := w.objOf(h)
	v, ok := obj.(*types.Var)
	return ok && w.d.params[v]
}

// publicMarker: the handler func carries //axioms:public, or the
// registration line ends with a //axioms:public comment, or the handler is
// the Guard's resource metadata (g.ResourceMetadata(...)), public by
// definition (RFC 9728: clients read it before they have a token).
func (w *walker) publicMarker(call *ast.CallExpr, handlers []ast.Expr) bool {
	if w.resourceMetadata(handlers) {
		return true
	}
	if len(handlers) > 0 {
		if fn := w.funcOf(handlers[len(handlers)-1]); fn != nil {
			if fd := w.declOf(fn); fd != nil && fd.Doc != nil && hasDirective(fd.Doc, parse.DirPublic) {
				return true
			}
		}
	}
	line := w.p.Fset.Position(call.End()).Line
	for _, f := range w.files {
		if w.p.Fset.File(f.Pos()) != w.p.Fset.File(call.Pos()) {
			continue
		}
		for _, g := range f.Comments {
			for _, c := range g.List {
				if w.p.Fset.Position(c.Slash).Line != line {
					continue
				}
				if d, ok := ast.ParseDirective(c.Slash, c.Text); ok && d.Tool == parse.Tool && d.Name == parse.DirPublic {
					return true
				}
			}
		}
	}
	return false
}

func hasDirective(doc *ast.CommentGroup, name string) bool {
	for _, c := range doc.List {
		if d, ok := ast.ParseDirective(c.Slash, c.Text); ok && d.Tool == parse.Tool && d.Name == name {
			return true
		}
	}
	return false
}

// handlerName names a handler expression, package-qualified when it is a
// func or method (qualifiedName).
func (w *walker) handlerName(e ast.Expr) string {
	if fn := w.funcOf(e); fn != nil {
		return qualifiedName(fn)
	}
	return types.ExprString(e)
}

// qualifiedName names a func or method as the annotated rows name their
// handlers, the package path first: "pkg.F", "pkg.(*T).M", "pkg.T.M"
// (go/types' FullName would write "(*pkg.T).M").
func qualifiedName(fn *types.Func) string {
	recv := fn.Signature().Recv()
	if fn.Pkg() == nil || recv == nil {
		return fn.FullName()
	}
	t, ptr := recv.Type(), ""
	if p, ok := t.(*types.Pointer); ok {
		t, ptr = p.Elem(), "*"
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok {
		return fn.FullName()
	}
	if ptr != "" {
		return fn.Pkg().Path() + ".(*" + n.Obj().Name() + ")." + fn.Name()
	}
	return fn.Pkg().Path() + "." + n.Obj().Name() + "." + fn.Name()
}
