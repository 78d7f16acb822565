// Router values: what is known of a router at a point of the program
// (its prefix, guard and origin), and the constant strings of paths.

package discover

import (
	"cmp"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"slices"
	"strings"

	"github.com/axioms-go/axiomsgen/internal/routers"
	"golang.org/x/tools/go/types/typeutil"
)

// router is what is known of a router value at a point of the program.
type router struct {
	kind    string // net/http, chi, gorilla/mux, gin, echo
	prefix  string
	dynamic string       // description of a dynamic prefix part
	traced  bool         // created where we could see it
	guard   *requirement // a guard applied to every route, nil if none
	parent  types.Object // for a mount: the router it is mounted on
	set     *routeSet    // the route set registrations go into; nil when not known
	// unclassified names the first middleware applied to the router that
	// is neither a guard nor trusted, as -trust would name it.
	unclassified string
	// ambiguous says why the router's prefix and guard are not certain
	// (mounted at several paths); its routes are unknown unless guarded
	// at the registration.
	ambiguous string
	// lostPrefix says the prefix is not known in full (a limit hit on
	// the way to the root): the row's path starts with {?}.
	lostPrefix bool
}

func (r *router) derive() *router {
	c := *r
	return &c
}

// routerOf evaluates an expression of router type.
func (w *walker) routerOf(e ast.Expr) *router {
	e = ast.Unparen(e)
	kind := routerKind(w.info().TypeOf(e))
	if obj := w.objOf(e); obj != nil {
		if st := w.stateOf(obj); st != nil {
			st = w.applyOuter(obj, st)
			return st
		}
		return w.applyOuter(obj, &router{kind: kind})
	}
	call, ok := e.(*ast.CallExpr)
	if !ok {
		return &router{kind: kind}
	}
	fn, _ := typeutil.Callee(w.info(), call).(*types.Func)
	if fn == nil {
		return &router{kind: kind}
	}
	pkg, name := funcID(fn)
	desc := routers.ByPath(pkg)
	if desc != nil && fn.Signature().Recv() == nil && desc.IsConstructor(name) {
		return &router{kind: kind, traced: true, set: w.d.newSet()}
	}
	if objs := w.d.returns[fn]; len(objs) > 0 {
		// A function of ours that builds and returns a router.
		if st := w.stateOf(objs[0]); st != nil {
			return w.applyOuter(objs[0], st)
		}
		return &router{kind: kind, traced: true}
	}
	recvExpr := w.receiverExpr(call)
	if recvExpr == nil {
		return &router{kind: kind}
	}
	if desc != nil && routerKind(w.info().TypeOf(recvExpr)) != "" {
		// gin's registrations and Use return the group they were called
		// on: r.Group("/u").Use(mw).POST("", h).
		if reg, ok := desc.Registration(name); ok && reg.Chains {
			return w.routerOf(recvExpr)
		}
		if name == desc.Use {
			st := w.routerOf(recvExpr).derive()
			w.applyMiddleware(st, call.Args)
			return st
		}
		if g, ok := desc.Group(name); ok {
			st := w.routerOf(recvExpr).derive()
			w.groupSet(desc, g, st)
			if g.Prefix >= 0 && g.Prefix < len(call.Args) {
				w.addPrefix(st, call.Args[g.Prefix])
			}
			if g.Middleware >= 0 && g.Middleware < len(call.Args) {
				w.applyMiddleware(st, call.Args[g.Middleware:])
			}
			return st
		}
	}
	switch {
	case desc != nil && desc.Chain != nil && name == desc.Chain.Subrouter:
		// r.PathPrefix("/api").Subrouter()
		if inner, ok := ast.Unparen(recvExpr).(*ast.CallExpr); ok {
			if ifn, ok := typeutil.Callee(w.info(), inner).(*types.Func); ok {
				if ip, in := funcID(ifn); ip == pkg && slices.Contains(desc.Chain.Path, in) && len(inner.Args) == 1 {
					if base := w.receiverExpr(inner); base != nil {
						st := w.routerOf(base).derive()
						st.set = nil // a sub-router matched within its parent's order
						w.addPrefix(st, inner.Args[0])
						return st
					}
				}
			}
		}
		return &router{kind: kind}
	}
	return &router{kind: kind}
}

// use applies middleware to a router variable for the registrations
// that follow. The stored state excludes what applyOuter adds, which is
// added again on every read.
func (w *walker) use(recv ast.Expr, mws []ast.Expr) {
	obj := w.objOf(recv)
	if obj == nil || w.cond > 0 || isField(obj) {
		// A Use that may not run, or on a router in a struct field (one
		// declaration, many instances), guards nothing for certain.
		return
	}
	st := w.stateOf(obj)
	if st == nil {
		st = &router{kind: routerKind(obj.Type())}
	}
	st = st.derive()
	w.applyMiddleware(st, mws)
	w.setState(obj, st)
}

// groupSet gives a chi Route sub-router a route set of its own (chi
// mounts a new router there); other groups share their router's.
func (w *walker) groupSet(desc *routers.Router, g routers.Group, st *router) {
	if desc == routers.Chi && g.Prefix >= 0 && st.set != nil {
		parent := st.set
		st.set = w.d.newSet()
		st.set.parent = parent
	}
}

func (w *walker) addPrefix(st *router, arg ast.Expr) {
	tmpl, dyn := w.stringValue(arg)
	st.prefix += tmpl
	st.dynamic = cmp.Or(st.dynamic, dyn)
}

func (w *walker) applyMiddleware(st *router, mws []ast.Expr) {
	for _, mw := range mws {
		req, ok := w.guardValue(mw)
		if ok && st.guard == nil {
			st.guard = req
		}
		if !ok && st.unclassified == "" {
			st.unclassified = w.trustID(mw)
		}
	}
}

// trustID names the function a middleware expression calls or is, as
// -trust takes it ("pkgpath.Func", "pkgpath.Type.Method"); "" when it is
// no function of a package.
func (w *walker) trustID(e ast.Expr) string {
	var fn *types.Func
	if call, ok := ast.Unparen(e).(*ast.CallExpr); ok {
		fn, _ = typeutil.Callee(w.info(), call).(*types.Func)
	} else {
		fn = w.funcOf(e)
	}
	if fn == nil || fn.Pkg() == nil {
		return ""
	}
	return FuncID(fn)
}

// wrapperID names, as -trust would, the function of the program or a
// third-party package that wraps the handler (auth.Require(h)): it may
// be the team's own guard. Conversions, the standard library, the
// routers and the runtime are not named.
func (w *walker) wrapperID(e ast.Expr) string {
	call, ok := ast.Unparen(e).(*ast.CallExpr)
	if !ok || len(call.Args) == 0 {
		return ""
	}
	fn, _ := typeutil.Callee(w.info(), call).(*types.Func)
	if fn == nil || fn.Pkg() == nil {
		return ""
	}
	path := fn.Pkg().Path()
	first, _, _ := strings.Cut(path, "/")
	if !strings.Contains(first, ".") || routers.ByPath(path) != nil || strings.HasPrefix(path, routers.RuntimePath) {
		return ""
	}
	return FuncID(fn)
}

// FuncID names a func or method as -trust takes it: "pkgpath.Func" or
// "pkgpath.Type.Method".
func FuncID(fn *types.Func) string {
	id := fn.Pkg().Path() + "." + fn.Name()
	if recv := fn.Signature().Recv(); recv != nil {
		t := recv.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := types.Unalias(t).(*types.Named); ok {
			id = fn.Pkg().Path() + "." + n.Obj().Name() + "." + fn.Name()
		}
	}
	return id
}

// stringValue folds a constant string. For a concatenation with runtime
// values it returns the template with each dynamic part as {expr}, and
// the first dynamic expression.
func (w *walker) stringValue(e ast.Expr) (template, dynamic string) {
	if tv, ok := w.info().Types[e]; ok && tv.Value != nil && tv.Value.Kind() == constant.String {
		return constant.StringVal(tv.Value), ""
	}
	if b, ok := ast.Unparen(e).(*ast.BinaryExpr); ok && b.Op == token.ADD {
		x, dx := w.stringValue(b.X)
		y, dy := w.stringValue(b.Y)
		return x + y, cmp.Or(dx, dy)
	}
	expr := types.ExprString(e)
	return "{" + expr + "}", expr
}

// joinSuffix appends the path a file route serves below its prefix.
func joinSuffix(p, suffix string) string {
	if suffix == "" {
		return p
	}
	return strings.TrimSuffix(p, "/") + suffix
}

// stringList folds a []string composite literal of constants.
func (w *walker) stringList(e ast.Expr) ([]string, bool) {
	lit, ok := ast.Unparen(e).(*ast.CompositeLit)
	if !ok {
		return nil, false
	}
	var out []string
	for _, elt := range lit.Elts {
		s, dyn := w.stringValue(elt)
		if dyn != "" {
			return nil, false
		}
		out = append(out, strings.ToUpper(s))
	}
	return out, len(out) > 0
}

// Router packages, as the generator knows them.
const (
	chiPath     = routers.ChiPath
	gorillaPath = routers.GorillaPath
	ginPath     = routers.GinPath
	echoPath    = routers.EchoPath
)

// isChi reports chi's import paths (v5, and the unversioned v1 to v4).
func isChi(path string) bool { return routers.ByPath(path) == routers.Chi }

// routerKind names the router library of a type, "" if it is not a router.
func routerKind(t types.Type) string { return routers.KindOf(t) }
