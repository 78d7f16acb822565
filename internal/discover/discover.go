// Package discover finds the route registrations of loaded Go packages
// (net/http, chi, gorilla/mux, gin, echo and generated code), resolving
// callees by type, and decides whether each route is guarded.
package discover

import (
	"cmp"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"

	"github.com/axioms-go/axiomsgen/internal/header"
	"github.com/axioms-go/axiomsgen/internal/parse"
	"github.com/axioms-go/axiomsgen/internal/routers"
	"golang.org/x/tools/go/packages"
	"golang.org/x/tools/go/types/typeutil"
)

// Status is the guard status of a route.
type Status string

// The statuses.
const (
	Guarded   Status = "guarded"
	Public    Status = "public"
	Unguarded Status = "unguarded"
	Unknown   Status = "unknown"
)

// Route is one discovered route.
type Route struct {
	Method      string         // "" when any method matches
	Host        string         // host part of a net/http pattern
	Path        string         // the path; dynamic parts as {?}
	Dynamic     string         // what part of the path is not static, if any
	Handler     string         // package-qualified handler name or expression
	Router      string         // net/http, chi, gorilla/mux, gin, echo, axioms
	Pos         token.Position // registration call, or handler func for annotated routes
	Status      Status
	Requirement string // for guarded routes
	Reason      string // for unknown routes: why
	DPoP        bool   // guarded routes that accept only DPoP-bound tokens
	// Kinds are the kinds of claims a guarded route's requirement checks
	// (KindScopes, KindRoles, KindPermissions), read from its structure;
	// none when it accepts any valid token or is not readable.
	Kinds []string

	pkg string // annotated rows: the package whose directives made them
}

// Requirement kinds, as Route.Kinds lists them.
const (
	KindScopes      = parse.KindScopes
	KindRoles       = parse.KindRoles
	KindPermissions = parse.KindPermissions
)

// requirement is what a guard requires, as far as the walk reads it.
type requirement struct {
	text  string   // as reports show it: runtime.Requirement's String, "trusted pkg.F", ...
	kinds []string // the kinds of claims it checks; none for any valid token, or when unreadable
	dpop  bool     // accepts only DPoP-bound tokens
}

// requirementFrom is the requirement of a directive's or a
// runtime.Requirement literal's value.
func requirementFrom(r parse.Requirement) *requirement {
	return &requirement{text: r.String(), dpop: r.DPoP, kinds: r.Kinds()}
}

// opaque is a requirement known only by its description.
func opaque(text string) *requirement { return &requirement{text: text} }

// Pattern renders the route as written in a check finding: "METHOD /path".
func (r Route) Pattern() string {
	p := r.Host + r.Path
	if r.Method != "" {
		return r.Method + " " + p
	}
	return p
}

// Options tune discovery.
type Options struct {
	// Trust lists functions or methods whose result (or value) used as
	// middleware or handler wrapper counts as a guard: "pkgpath.Func" or
	// "pkgpath.Type.Method".
	Trust []string
	// Output is the generated file name (its code is not a registration
	// site: the annotated routes come from the directives).
	Output string
	// Handlers are the packages' directives already parsed, by package
	// path (check parses them once for discovery and regeneration); a
	// package not in it is parsed here.
	Handlers map[string][]*parse.Handler
}

// Routes discovers every route of pkgs, sorted by position.
func Routes(pkgs []*packages.Package, opts Options) []Route {
	if opts.Output == "" {
		opts.Output = "axioms_gen.go"
	}
	d := &discoverer{
		opts: opts, wrappers: map[string]*requirement{}, fieldStates: map[types.Object]*router{},
		funcs: map[*types.Func]funcRef{}, returns: map[*types.Func][]types.Object{}, params: map[*types.Var]bool{},
		states: map[types.Object]*router{}, wholeGuard: map[types.Object]*requirement{}, mounts: map[types.Object]*router{},
		calledWithRouter: map[*types.Func]bool{}, done: map[*ast.CallExpr]int{}, mountCalls: map[*ast.CallExpr]bool{},
		rawUse: map[types.Object]bool{}, callbacks: map[*ast.FuncLit]bool{}, mountCount: map[types.Object]int{},
		values: map[types.Object]ast.Expr{}, regMounts: map[string][]regMount{},
		regCalls: map[string]int{}, regUses: map[string]int{},
	}
	for _, p := range pkgs {
		d.annotated(p)
	}
	// Routers flow across packages (a helper in one package registers on
	// a group made in another), so every stage runs over all packages
	// before the next.
	var walkers []*walker
	for _, p := range pkgs {
		walkers = append(walkers, d.collect(p))
	}
	for _, w := range walkers {
		w.collectReturns()
	}
	for _, w := range walkers {
		w.prepass()
	}
	for _, w := range walkers {
		w.rawUses()
	}
	for _, w := range walkers {
		w.walkAll()
		w.oddRegistrations()
	}
	d.mountAnnotated()
	slices.SortFunc(d.routes, func(a, b Route) int {
		return cmp.Or(cmp.Compare(a.Pos.Filename, b.Pos.Filename), cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Column, b.Pos.Column), cmp.Compare(a.Pattern(), b.Pattern()))
	})
	return d.routes
}

type discoverer struct {
	opts   Options
	routes []Route
	// wrappers maps "pkgpath.GuardedX" to its requirement.
	wrappers map[string]*requirement
	// fieldStates are routers held in struct fields, shared across funcs.
	fieldStates map[types.Object]*router
	// params are the parameters of every func and closure: a handler
	// received as one is a value the walk cannot see.
	params map[*types.Var]bool
	// funcs are the declarations of every loaded function.
	funcs map[*types.Func]funcRef
	// returns: router variables a function returns.
	returns map[*types.Func][]types.Object
	// states: router variables and bound parameters.
	states map[types.Object]*router
	// wholeGuard: routers passed whole through a guard (requirement text).
	wholeGuard map[types.Object]*requirement
	// mounts: routers mounted under a prefix of another router.
	mounts map[types.Object]*router
	// calledWithRouter: funcs whose router parameters are bound at their
	// call sites, and walked only from there.
	calledWithRouter map[*types.Func]bool
	// done marks the inner calls of a gorilla chain already handled by
	// the walk that met the chain (a helper walked twice registers twice).
	done          map[*ast.CallExpr]int
	walk, curWalk int
	mountCalls    map[*ast.CallExpr]bool    // mounts of whole routers: not routes
	values        map[types.Object]ast.Expr // single assignments of locals
	// rawUse: routers used as a value other than through a guard
	// (served, returned, stored), so a guard wrapping them elsewhere does
	// not cover every path to their routes.
	rawUse map[types.Object]bool
	// mountCount: how many mounts each router has; a router mounted at
	// several paths has routes under each, which one row cannot say.
	mountCount map[types.Object]int
	// callbacks: FuncLits run by chi Route/Group as the router is built.
	callbacks map[*ast.FuncLit]bool
	depth     int
	// regMounts: the routers each package's generated registration
	// function is called with, by package path; regCalls counts those
	// calls as walked, regUses the references to the function in the
	// source (a reference that is not a walked call, such as a func
	// value, leaves the mount unknown).
	regMounts         map[string][]regMount
	regCalls, regUses map[string]int
}

// regMount is one call of a generated registration function.
type regMount struct {
	prefix, dynamic string
	reason          string // why the prefix is not certain, if it is not
}

// mountAnnotated puts the annotated rows under the prefix of the router
// their generated registration function was called with (a gin or echo
// group, a chi sub-router, a StripPrefix mount): one row per distinct
// prefix. Rows of a package whose registration call was not seen keep
// the pattern as written.
func (d *discoverer) mountAnnotated() {
	var out []Route
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
			}
			if key := m.Path + "\x00" + m.Dynamic; !seen[key] {
				seen[key] = true
				out = append(out, m)
			}
		}
	}
	d.routes = out
}

// funcRef locates a function declaration and the walker of its package.
type funcRef struct {
	w    *walker
	decl *ast.FuncDecl
}

// annotated adds the routes of the package's //axioms: directives, as the
// generated RegisterRoutes registers them.
func (d *discoverer) annotated(p *packages.Package) {
	handlers, parsed := d.opts.Handlers[p.PkgPath]
	if !parsed {
		skip := func(name string) bool { return filepath.Base(name) == d.opts.Output }
		popts := parse.Options{Skip: skip}
		if len(p.GoFiles) > 0 {
			// The router the generated file was made for (-router), if any.
			popts.Router = parse.Router(header.Read(filepath.Join(filepath.Dir(p.GoFiles[0]), d.opts.Output)).Router)
		}
		res, _ := parse.Parse(p.Fset, p.Syntax, p.TypesInfo, popts)
		handlers = res.Handlers
	}
	for _, h := range handlers {
		req := requirementFrom(h.Requirement())
		if !h.Public {
			d.wrappers[p.PkgPath+"."+h.WrapperName()] = req
		}
		for _, rt := range h.Routes {
			r := Route{Router: "axioms", Handler: p.PkgPath + "." + h.Display(), Pos: h.Pos, pkg: p.PkgPath}
			r.Method, r.Host, r.Path = splitPattern(rt.Pattern)
			if h.Public {
				r.Status = Public
			} else {
				r.Status, r.Requirement, r.DPoP, r.Kinds = Guarded, req.text, h.DPoP, req.kinds
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

// collect makes the walker of a package and records its functions.
func (d *discoverer) collect(p *packages.Package) *walker {
	w := &walker{d: d, p: p}
	for id, obj := range p.TypesInfo.Uses {
		fn, ok := obj.(*types.Func)
		if ok && fn.Pkg() != nil && fn.Signature().Recv() == nil && !strings.HasPrefix(fn.Name(), parse.WrapperPrefix) &&
			w.inGenerated(fn) && filepath.Base(p.Fset.Position(id.Pos()).Filename) != d.opts.Output {
			d.regUses[fn.Pkg().Path()]++
		}
	}
	for _, f := range p.Syntax {
		if filepath.Base(p.Fset.File(f.Pos()).Name()) == d.opts.Output {
			continue
		}
		w.files = append(w.files, f)
		ast.Inspect(f, func(n ast.Node) bool {
			if ft, ok := n.(*ast.FuncType); ok && ft.Params != nil {
				for _, field := range ft.Params.List {
					for _, name := range field.Names {
						if v, ok := p.TypesInfo.Defs[name].(*types.Var); ok {
							d.params[v] = true
						}
					}
				}
			}
			return true
		})
		for _, decl := range f.Decls {
			if fd, ok := decl.(*ast.FuncDecl); ok && fd.Body != nil {
				if fn, ok := p.TypesInfo.Defs[fd.Name].(*types.Func); ok {
					d.funcs[fn] = funcRef{w, fd}
				}
			}
		}
	}
	return w
}

// collectReturns records the router variables each function returns, so
// that mounting the result of a call mounts the routes registered on them.
func (w *walker) collectReturns() {
	for fn, ref := range w.d.funcs {
		if ref.w != w {
			continue
		}
		ast.Inspect(ref.decl.Body, func(n ast.Node) bool {
			if _, ok := n.(*ast.FuncLit); ok {
				return false
			}
			ret, ok := n.(*ast.ReturnStmt)
			if !ok {
				return true
			}
			for _, r := range ret.Results {
				if obj := w.objOf(r); obj != nil && routerKind(obj.Type()) != "" {
					w.d.returns[fn] = append(w.d.returns[fn], obj)
				}
			}
			return true
		})
	}
}

// walkAll walks every function not walked from its call sites.
func (w *walker) walkAll() {
	for _, f := range w.files {
		for _, decl := range f.Decls {
			fd, ok := decl.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			if fn, ok := w.info().Defs[fd.Name].(*types.Func); ok && w.d.calledWithRouter[fn] {
				continue // walked from its call sites, with the router bound
			}
			w.walkBody(fd.Body, 0)
		}
		// Package-level var initialisers can register too (rare); walk them.
		for _, decl := range f.Decls {
			if gd, ok := decl.(*ast.GenDecl); ok && gd.Tok == token.VAR {
				ast.Walk(&visitor{w: w}, gd)
			}
		}
	}
}

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
	w.d.routes = append(w.d.routes, Route{
		Router: cmp.Or(kind, "unknown"), Path: "{?}", Handler: types.ExprString(n.(ast.Expr)),
		Pos: w.p.Fset.Position(n.Pos()), Status: Unknown, Reason: reason,
	})
}

// router is what is known of a router value at a point of the program.
type router struct {
	kind    string // net/http, chi, gorilla/mux, gin, echo
	prefix  string
	dynamic string       // description of a dynamic prefix part
	traced  bool         // created where we could see it
	guard   *requirement // a guard applied to every route, nil if none
	parent  types.Object // for a mount: the router it is mounted on
	// ambiguous says why the router's prefix and guard are not certain
	// (mounted at several paths); its routes are unknown unless guarded
	// at the registration.
	ambiguous string
}

func (r *router) derive() *router {
	c := *r
	return &c
}

// walker walks the functions of one package; what it learns lives in
// the discoverer, shared by every package.
type walker struct {
	d     *discoverer
	p     *packages.Package
	files []*ast.File
	cond  int // > 0 while visiting conditionally run code
}

func (w *walker) info() *types.Info { return w.p.TypesInfo }

// prepass finds routers guarded as a whole, mounted routers and helper
// funcs that receive routers.
func (w *walker) prepass() {
	for _, f := range w.files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			// g.Handler(req, mux) and g.Middleware(req)(mux) guard every route of mux.
			if req, inner, ok := w.guardCall(call); ok {
				for _, obj := range w.routerObjs(inner) {
					w.d.wholeGuard[obj] = req
				}
			}
			w.mount(call)
			w.callback(call)
			// Helpers receiving a router: walked from their call sites.
			if fn, ok := typeutil.Callee(w.info(), call).(*types.Func); ok {
				if _, known := w.d.funcs[fn]; known {
					for _, a := range call.Args {
						if routerKind(w.info().TypeOf(a)) != "" {
							w.d.calledWithRouter[fn] = true
						}
					}
				}
			}
			return true
		})
	}
}

// callback records the function a chi Route or Group call runs with the
// new router, so it is walked from there only.
func (w *walker) callback(call *ast.CallExpr) {
	fn, _ := typeutil.Callee(w.info(), call).(*types.Func)
	if fn == nil || len(call.Args) == 0 {
		return
	}
	pkg, name := funcID(fn)
	desc := routers.ByPath(pkg)
	if desc == nil {
		return
	}
	if g, ok := desc.Group(name); !ok || !g.Callback {
		return
	}
	switch arg := ast.Unparen(call.Args[len(call.Args)-1]).(type) {
	case *ast.FuncLit:
		w.d.callbacks[arg] = true
	default:
		if f, ok := w.info().Uses[identOf(arg)].(*types.Func); ok {
			w.d.calledWithRouter[f] = true
		}
	}
}

// mount records a router mounted whole under a prefix of another one:
// chi Mount(prefix, sub), and net/http Handle(pattern,
// http.StripPrefix(prefix, sub)), each possibly through a guard.
func (w *walker) mount(call *ast.CallExpr) {
	fn, _ := typeutil.Callee(w.info(), call).(*types.Func)
	if fn == nil || len(call.Args) != 2 {
		return
	}
	pkg, name := funcID(fn)
	var prefixArg, target ast.Expr
	switch {
	case routers.ByPath(pkg) != nil && name == routers.ByPath(pkg).Mount:
		prefixArg, target = call.Args[0], call.Args[1]
	case pkg == "net/http" && name == "Handle":
		target = call.Args[1]
	default:
		return
	}
	st := &router{parent: w.objOf(w.receiverExpr(call))}
	// Unwrap guards and StripPrefix around the mounted router.
	for range 4 {
		inner, ok := ast.Unparen(target).(*ast.CallExpr)
		if !ok {
			break
		}
		if req, h, ok := w.guardCall(inner); ok {
			st.guard = cmp.Or(st.guard, req)
			target = h
			continue
		}
		if ifn, _ := typeutil.Callee(w.info(), inner).(*types.Func); ifn != nil && len(inner.Args) == 2 {
			if p, n := funcID(ifn); p == "net/http" && n == "StripPrefix" {
				prefixArg, target = inner.Args[0], inner.Args[1]
				continue
			}
		}
		break
	}
	objs := w.routerObjs(target)
	if len(objs) == 0 {
		return
	}
	if prefixArg != nil {
		// Without StripPrefix, a router handed to net/http sees the full
		// path: no prefix to add.
		w.addPrefix(st, prefixArg)
	}
	for _, obj := range objs {
		w.d.mounts[obj] = st
		w.d.mountCount[obj]++
	}
	w.d.mountCalls[call] = true
}

// routerObjs returns the router variables an expression denotes: a
// router variable, or the routers a called function returns.
func (w *walker) routerObjs(e ast.Expr) []types.Object {
	if obj := w.objOf(e); obj != nil {
		if routerKind(obj.Type()) != "" {
			return []types.Object{obj}
		}
		return nil
	}
	if call, ok := ast.Unparen(e).(*ast.CallExpr); ok {
		if fn, _ := typeutil.Callee(w.info(), call).(*types.Func); fn != nil {
			return w.d.returns[fn]
		}
	}
	return nil
}

func isField(obj types.Object) bool {
	v, ok := obj.(*types.Var)
	return ok && v.IsField()
}

// rawUses records routers used as plain values: anything but a method
// call on them, the argument of a guard, a registration helper's
// argument, or an assignment to them.
func (w *walker) rawUses() {
	for _, f := range w.files {
		ast.PreorderStack(f, nil, func(n ast.Node, stack []ast.Node) bool {
			id, ok := n.(*ast.Ident)
			if !ok || len(stack) == 0 {
				return true
			}
			obj, ok := w.info().Uses[id].(*types.Var)
			if !ok || routerKind(obj.Type()) == "" {
				return true
			}
			switch p := stack[len(stack)-1].(type) {
			case *ast.SelectorExpr:
				if p.X == id {
					return true // mux.Handle(...), mux.Use(...)
				}
			case *ast.AssignStmt:
				for _, lhs := range p.Lhs {
					if lhs == id {
						return true
					}
				}
			case *ast.CallExpr:
				if _, inner, ok := w.guardCall(p); ok && ast.Unparen(inner) == id {
					return true
				}
				if fn, _ := typeutil.Callee(w.info(), p).(*types.Func); fn != nil && w.d.calledWithRouter[fn] {
					return true
				}
			}
			w.d.rawUse[obj] = true
			return true
		})
	}
}

// objOf returns the variable or field an expression names.
func (w *walker) objOf(e ast.Expr) types.Object {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return w.info().ObjectOf(e)
	case *ast.SelectorExpr:
		if sel, ok := w.info().Selections[e]; ok && sel.Kind() == types.FieldVal {
			return sel.Obj()
		}
	case *ast.UnaryExpr:
		if e.Op == token.AND {
			return w.objOf(e.X)
		}
	}
	return nil
}

// visitor walks statements in source order, tracking loop depth and
// whether the code runs only conditionally (if, switch, select, a
// closure that is not a router callback).
type visitor struct {
	w    *walker
	loop int
	cond int
}

func (v *visitor) Visit(n ast.Node) ast.Visitor {
	switch n := n.(type) {
	case *ast.ForStmt, *ast.RangeStmt:
		if r, ok := n.(*ast.RangeStmt); ok {
			v.w.forget(r.Key)
			v.w.forget(r.Value)
		}
		return &visitor{w: v.w, loop: v.loop + 1, cond: v.cond}
	case *ast.IfStmt, *ast.SwitchStmt, *ast.TypeSwitchStmt, *ast.SelectStmt:
		return &visitor{w: v.w, loop: v.loop, cond: v.cond + 1}
	case *ast.FuncLit:
		if !v.w.d.callbacks[n] {
			return &visitor{w: v.w, loop: v.loop, cond: v.cond + 1}
		}
	case *ast.UnaryExpr:
		if n.Op == token.AND {
			v.w.forget(n.X) // its address escapes: any later write is unseen
		}
	case *ast.AssignStmt:
		v.w.assign(n)
	case *ast.ValueSpec:
		for i, name := range n.Names {
			if i < len(n.Values) {
				v.w.bind(name, n.Values[i])
			}
		}
	case *ast.CallExpr:
		v.w.cond = v.cond
		v.w.call(n, v.loop)
	}
	return v
}

// forget marks a local's remembered value unknown.
func (w *walker) forget(e ast.Expr) {
	if e == nil {
		return
	}
	if obj := w.objOf(e); obj != nil {
		if v, ok := obj.(*types.Var); ok && !v.IsField() {
			w.d.values[obj] = nil
		}
	}
}

func (w *walker) walkBody(body *ast.BlockStmt, loop int) {
	saved := w.d.curWalk
	w.d.walk++
	w.d.curWalk = w.d.walk
	defer func() { w.d.curWalk = saved }()
	ast.Walk(&visitor{w: w, loop: loop}, body)
}

func (w *walker) assign(a *ast.AssignStmt) {
	if len(a.Lhs) != len(a.Rhs) || (a.Tok != token.ASSIGN && a.Tok != token.DEFINE) {
		for _, lhs := range a.Lhs {
			w.forget(lhs)
		}
		return
	}
	for i, lhs := range a.Lhs {
		w.bind(lhs, a.Rhs[i])
	}
}

// bind records the router state of lhs when rhs evaluates to a router.
func (w *walker) bind(lhs ast.Expr, rhs ast.Expr) {
	obj := w.objOf(lhs)
	if obj == nil {
		return
	}
	if routerKind(obj.Type()) == "" {
		// Remember what a local holds, so a middleware or handler kept in
		// a variable can be recognised; a second assignment makes it
		// unknown.
		if v, ok := obj.(*types.Var); ok && !v.IsField() {
			if _, seen := w.d.values[obj]; seen {
				w.d.values[obj] = nil
			} else {
				w.d.values[obj] = rhs
			}
		}
		return
	}
	if st := w.routerOf(rhs); st != nil {
		w.setState(obj, st)
	}
}

func (w *walker) setState(obj types.Object, st *router) {
	if _, isField := obj.(*types.Var); isField && obj.(*types.Var).IsField() {
		w.d.fieldStates[obj] = st
		return
	}
	w.d.states[obj] = st
}

func (w *walker) stateOf(obj types.Object) *router {
	if st, ok := w.d.states[obj]; ok {
		return st
	}
	if st, ok := w.d.fieldStates[obj]; ok {
		return st
	}
	return nil
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
		return &router{kind: kind, traced: true}
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
	case pkg == gorillaPath && name == "Subrouter":
		// r.PathPrefix("/api").Subrouter()
		if inner, ok := ast.Unparen(recvExpr).(*ast.CallExpr); ok {
			if ifn, ok := typeutil.Callee(w.info(), inner).(*types.Func); ok {
				if ip, in := funcID(ifn); ip == gorillaPath && (in == "PathPrefix" || in == "Path") && len(inner.Args) == 1 {
					if base := w.receiverExpr(inner); base != nil {
						st := w.routerOf(base).derive()
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

// applyOuter adds what happens to a router object as a whole: mounted
// under a prefix, or wrapped by a guard before being served.
func (w *walker) applyOuter(obj types.Object, st *router) *router {
	m, mounted := w.d.mounts[obj]
	req, guarded := w.d.wholeGuard[obj]
	if isField(obj) || w.d.rawUse[obj] {
		// One field declaration stands for every instance, and a router
		// also served as it is bypasses the guard wrapped around it.
		guarded = false
	}
	if !mounted && !guarded {
		return st
	}
	st = st.derive()
	if mounted && w.d.mountCount[obj] > 1 {
		st.ambiguous = "the router is mounted at several paths"
		st.guard = nil
		mounted = false
	}
	if mounted {
		prefix, guard := m.prefix, m.guard
		if m.parent != nil && w.d.depth < 8 {
			// The router it is mounted on may itself be mounted or guarded.
			w.d.depth++
			parent := w.applyOuter(m.parent, cmp.Or(w.stateOf(m.parent), &router{}))
			w.d.depth--
			prefix = parent.prefix + prefix
			guard = cmp.Or(guard, parent.guard)
		}
		st.prefix = prefix + st.prefix
		st.dynamic = cmp.Or(m.dynamic, st.dynamic)
		st.guard = cmp.Or(st.guard, guard)
	}
	if guarded && st.guard == nil {
		st.guard = req
	}
	return st
}

func (w *walker) addPrefix(st *router, arg ast.Expr) {
	tmpl, dyn := w.stringValue(arg)
	st.prefix += tmpl
	st.dynamic = cmp.Or(st.dynamic, dyn)
}

func (w *walker) applyMiddleware(st *router, mws []ast.Expr) {
	for _, mw := range mws {
		if req, ok := w.guardValue(mw); ok && st.guard == nil {
			st.guard = req
		}
	}
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
		mt := regMount{prefix: st.prefix, dynamic: st.dynamic}
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

	// Past the binding depth, a helper receiving routers is walked once
	// more unbound (its routes come out unknown); deeper still, the call
	// itself is an unknown row. Nothing is dropped.
	if ref, ok := w.d.funcs[fn]; ok && w.d.calledWithRouter[fn] && w.d.depth >= 4 {
		if w.d.depth >= 8 {
			w.unknownAt(call, "", "registration helpers nested too deep to follow")
			return
		}
		w.d.depth++
		ref.w.walkBody(ref.decl.Body, loop)
		w.d.depth--
		return
	}
	// A helper receiving routers, in any loaded package: walk it with
	// them bound.
	if ref, ok := w.d.funcs[fn]; ok && w.d.calledWithRouter[fn] && w.d.depth < 4 {
		saved := map[types.Object]*router{}
		params := fn.Signature().Params()
		for i, a := range call.Args {
			if i >= params.Len() || routerKind(params.At(i).Type()) == "" {
				continue
			}
			obj := params.At(i)
			if prev, ok := w.d.states[obj]; ok {
				saved[obj] = prev
			}
			w.d.states[obj] = w.routerOf(a)
		}
		w.d.depth++
		ref.w.walkBody(ref.decl.Body, loop)
		w.d.depth--
		for i := range params.Len() {
			delete(w.d.states, params.At(i))
		}
		for obj, st := range saved {
			w.d.states[obj] = st
		}
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
			st = &router{kind: desc.Kind, traced: true}
		} else {
			st = w.routerOf(recv)
		}
		w.registration(call, st, reg, loop)
		return
	}
	if g, ok := desc.Group(name); ok && g.Callback && len(call.Args) > 0 {
		st := w.routerOf(recv).derive()
		if g.Prefix >= 0 && g.Prefix < len(call.Args)-1 {
			w.addPrefix(st, call.Args[g.Prefix])
		}
		w.bindCallback(call.Args[len(call.Args)-1], st, loop)
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

// gorillaChain handles a chain of gorilla/mux calls ending in a route:
// r.HandleFunc(p, h).Methods(m), r.Path(p).Methods(m).HandlerFunc(h),
// r.Methods(m).PathPrefix(p).Handler(h), in any order. The walker meets
// the outermost call first; the inner ones are marked done.
func (w *walker) gorillaChain(call *ast.CallExpr, loop int) {
	var chain []*ast.CallExpr
	var base ast.Expr
	for cur := call; ; {
		fn, _ := typeutil.Callee(w.info(), cur).(*types.Func)
		if fn == nil || fn.Pkg() == nil || fn.Pkg().Path() != gorillaPath {
			break
		}
		chain = append(chain, cur)
		recv := w.receiverExpr(cur)
		if recv == nil {
			break
		}
		if routerKind(w.info().TypeOf(recv)) == "gorilla/mux" {
			base = recv
			break
		}
		inner, ok := ast.Unparen(recv).(*ast.CallExpr)
		if !ok {
			break
		}
		cur = inner
	}
	var path ast.Expr
	var handlers []ast.Expr
	var methods []string
	for _, c := range chain {
		w.d.done[c] = w.d.curWalk
		fn := typeutil.Callee(w.info(), c).(*types.Func)
		switch fn.Name() {
		case "Subrouter":
			return // a router, not a route: routerOf follows it
		case "Path", "PathPrefix":
			if len(c.Args) == 1 {
				path = c.Args[0]
			}
		case "Methods":
			var ms []string
			for _, a := range c.Args {
				m, _ := w.stringValue(a)
				ms = append(ms, strings.ToUpper(m))
			}
			methods = append(ms, methods...) // inner calls come first in the source
		case "Handle", "HandleFunc":
			if len(c.Args) == 2 {
				path, handlers = c.Args[0], c.Args[1:]
			}
		case "Handler", "HandlerFunc":
			if len(c.Args) == 1 {
				handlers = c.Args
			}
		}
	}
	if len(handlers) == 0 || path == nil {
		return
	}
	st := &router{kind: "gorilla/mux"}
	if base != nil {
		st = w.routerOf(base)
	}
	p, dyn := w.stringValue(path)
	w.register(registered{call: call, st: st, method: strings.Join(methods, ","), path: p, dynamic: dyn, handlers: handlers, loop: loop})
}

// bindCallback binds the router parameter of a chi Route/Group callback.
func (w *walker) bindCallback(fnArg ast.Expr, st *router, loop int) {
	switch f := ast.Unparen(fnArg).(type) {
	case *ast.FuncLit:
		if params := f.Type.Params.List; len(params) == 1 && len(params[0].Names) == 1 {
			if obj := w.info().ObjectOf(params[0].Names[0]); obj != nil {
				w.d.states[obj] = st
			}
		}
	default:
		// A named func: walk it with its parameter bound.
		if fn, ok := w.info().Uses[identOf(fnArg)].(*types.Func); ok {
			if ref, ok := w.d.funcs[fn]; ok && w.d.depth < 4 && fn.Signature().Params().Len() == 1 {
				w.d.states[fn.Signature().Params().At(0)] = st
				w.d.calledWithRouter[fn] = true
				w.d.depth++
				ref.w.walkBody(ref.decl.Body, loop)
				w.d.depth--
			}
		}
	}
}

func identOf(e ast.Expr) *ast.Ident {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return e
	case *ast.SelectorExpr:
		return e.Sel
	}
	return nil
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

// register records one route.
func (w *walker) register(rg registered) {
	call, st, handlers, mws, loop := rg.call, rg.st, rg.handlers, rg.mws, rg.loop
	r := Route{Router: st.kind, Method: rg.method, Pos: w.p.Fset.Position(call.Pos())}
	if r.Router == "" {
		r.Router = "net/http"
	}
	path := rg.path
	r.Dynamic = rg.dynamic
	if rg.withMethod && r.Dynamic == "" {
		m, h, p := splitPattern(path)
		if m != "" {
			r.Method = m
		}
		r.Host, path = h, p
	}
	r.Path = st.prefix + path
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
	for i, h := range append(slices.Clone(handlers), mws...) {
		if req, ok := w.guardValue(h); ok {
			if guard == nil {
				guard = req
			}
			if firstGuard < 0 {
				firstGuard = i
			}
		}
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
	case guard != nil:
		r.Status, r.Requirement, r.DPoP, r.Kinds = Guarded, guard.text, guard.dpop, guard.kinds
	case w.publicMarker(call, handlers):
		r.Status = Public
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
	w.d.routes = append(w.d.routes, r)
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

// ginBuiltin reports a handler made by gin itself (gin.Logger(),
// gin.Recovery()): middleware that never answers for the route.
func (w *walker) ginBuiltin(e ast.Expr) bool {
	var fn *types.Func
	if call, ok := ast.Unparen(e).(*ast.CallExpr); ok {
		fn, _ = typeutil.Callee(w.info(), call).(*types.Func)
	} else {
		fn = w.funcOf(e)
	}
	return fn != nil && fn.Pkg() != nil && fn.Pkg().Path() == ginPath
}

// untraceable reports a handler that is a parameter or other variable
// whose value the tool does not see.
func (w *walker) untraceable(h ast.Expr) bool {
	obj := w.objOf(h)
	v, ok := obj.(*types.Var)
	return ok && w.d.params[v]
}

// publicMarker: the handler func carries //axioms:public, or the
// registration line ends with a //axioms:public comment.
func (w *walker) publicMarker(call *ast.CallExpr, handlers []ast.Expr) bool {
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

// funcOf resolves a handler expression naming a func or method value,
// through http.HandlerFunc(f) conversions.
func (w *walker) funcOf(e ast.Expr) *types.Func {
	e = ast.Unparen(e)
	if call, ok := e.(*ast.CallExpr); ok && len(call.Args) == 1 {
		if tv, ok := w.info().Types[call.Fun]; ok && tv.IsType() {
			return w.funcOf(call.Args[0])
		}
		return nil
	}
	if id := identOf(e); id != nil {
		fn, _ := w.info().Uses[id].(*types.Func)
		return fn
	}
	return nil
}

func (w *walker) declOf(fn *types.Func) *ast.FuncDecl {
	if ref, ok := w.d.funcs[fn]; ok {
		return ref.decl
	}
	return nil
}

// handlerName names a handler expression, package-qualified when it is a
// func or method.
func (w *walker) handlerName(e ast.Expr) string {
	if fn := w.funcOf(e); fn != nil {
		return fn.FullName()
	}
	return types.ExprString(e)
}

// guardCall recognises g.Handler(req, h) and g.Middleware(req)(h): it
// returns the requirement text and h.
func (w *walker) guardCall(call *ast.CallExpr) (req *requirement, inner ast.Expr, ok bool) {
	if fn, _ := typeutil.Callee(w.info(), call).(*types.Func); fn != nil {
		if pkg, name := funcID(fn); pkg == parse.RuntimePath && name == "Handler" && len(call.Args) == 2 && isGuardMethod(fn) {
			return w.requirementOf(call.Args[0]), call.Args[1], true
		}
	}
	if mw, ok := ast.Unparen(call.Fun).(*ast.CallExpr); ok && len(call.Args) == 1 {
		if req, ok := w.middlewareCall(mw); ok {
			return req, call.Args[0], true
		}
	}
	return nil, nil, false
}

// middlewareCall recognises g.Middleware(req) and trusted middleware.
func (w *walker) middlewareCall(call *ast.CallExpr) (*requirement, bool) {
	fn, _ := typeutil.Callee(w.info(), call).(*types.Func)
	if fn == nil {
		return nil, false
	}
	if pkg, name := funcID(fn); pkg == parse.RuntimePath && name == "Middleware" && isGuardMethod(fn) && len(call.Args) == 1 {
		return w.requirementOf(call.Args[0]), true
	}
	return w.trusted(fn)
}

// guardValue recognises a guard used as a handler or middleware value: a
// guard call, g.Middleware(req), a generated Guarded wrapper, or a
// trusted func (called or as a value).
func (w *walker) guardValue(e ast.Expr) (*requirement, bool) {
	e = ast.Unparen(e)
	if call, ok := e.(*ast.CallExpr); ok {
		if req, _, ok := w.guardCall(call); ok {
			return req, true
		}
		if req, ok := w.middlewareCall(call); ok {
			return req, true
		}
		if fn, _ := typeutil.Callee(w.info(), call).(*types.Func); fn != nil && fn.Pkg() != nil && w.inGenerated(fn) {
			if req, ok := w.d.wrappers[fn.Pkg().Path()+"."+fn.Name()]; ok {
				return req, true
			}
			if strings.HasPrefix(fn.Name(), parse.WrapperPrefix) {
				// A generated wrapper of a package not loaded here (the
				// analyzer sees one package at a time).
				return opaque("see the //axioms: directives of " + fn.FullName()), true
			}
		}
		// http.HandlerFunc(x) and similar conversions.
		if tv, ok := w.info().Types[call.Fun]; ok && tv.IsType() && len(call.Args) == 1 {
			return w.guardValue(call.Args[0])
		}
		return nil, false
	}
	if id := identOf(e); id != nil {
		switch obj := w.info().Uses[id].(type) {
		case *types.Func:
			return w.trusted(obj)
		case *types.Var:
			if v := w.d.values[obj]; v != nil && w.d.depth < 8 {
				w.d.depth++
				defer func() { w.d.depth-- }()
				return w.guardValue(v)
			}
		}
	}
	return nil, false
}

// inGenerated reports whether fn is declared in a generated file (export
// data keeps file names, so this holds for imported packages too).
func (w *walker) inGenerated(fn *types.Func) bool {
	return filepath.Base(w.p.Fset.Position(fn.Pos()).Filename) == w.d.opts.Output
}

func (w *walker) trusted(fn *types.Func) (*requirement, bool) {
	if fn.Pkg() == nil {
		return nil, false
	}
	id := fn.Pkg().Path() + "." + fn.Name()
	if recv := fn.Signature().Recv(); recv != nil {
		t := recv.Type()
		if p, ok := t.(*types.Pointer); ok {
			t = p.Elem()
		}
		if n, ok := t.(*types.Named); ok {
			id = fn.Pkg().Path() + "." + n.Obj().Name() + "." + fn.Name()
		}
	}
	if slices.Contains(w.d.opts.Trust, id) {
		return opaque("trusted " + id), true
	}
	return nil, false
}

func isGuardMethod(fn *types.Func) bool {
	recv := fn.Signature().Recv()
	if recv == nil {
		return false
	}
	p, ok := recv.Type().(*types.Pointer)
	if !ok {
		return false
	}
	n, ok := p.Elem().(*types.Named)
	return ok && n.Obj().Name() == "Guard"
}

// requirementOf reads a runtime.Requirement composite literal, its
// values folded as constants by the type checker, or says it is not
// static.
func (w *walker) requirementOf(e ast.Expr) *requirement {
	lit, ok := ast.Unparen(e).(*ast.CompositeLit)
	if !ok {
		return opaque("requirement " + types.ExprString(e) + " (not a literal)")
	}
	var req parse.Requirement
	for _, elt := range lit.Elts {
		kv, ok := elt.(*ast.KeyValueExpr)
		if !ok {
			continue
		}
		var dst *[][]string
		switch types.ExprString(kv.Key) {
		case "Scopes":
			dst = &req.Scopes
		case "Roles":
			dst = &req.Roles
		case "Permissions":
			dst = &req.Permissions
		case "DPoP":
			tv := w.info().Types[kv.Value]
			req.DPoP = tv.Value != nil && tv.Value.Kind() == constant.Bool && constant.BoolVal(tv.Value)
			continue
		default:
			continue
		}
		lists, ok := kv.Value.(*ast.CompositeLit)
		if !ok {
			return opaque("requirement " + types.ExprString(e) + " (not a literal)")
		}
		for _, l := range lists.Elts {
			inner, ok := l.(*ast.CompositeLit)
			if !ok {
				continue
			}
			var vals []string
			for _, v := range inner.Elts {
				s, _ := w.stringValue(v)
				vals = append(vals, s)
			}
			*dst = append(*dst, vals)
		}
	}
	return requirementFrom(req)
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

// funcID returns the package path and name of a func or method.
func funcID(fn *types.Func) (pkg, name string) {
	if fn.Pkg() == nil {
		return "", fn.Name()
	}
	return fn.Pkg().Path(), fn.Name()
}

// receiverExpr returns x of a method call x.M(...), nil for a func call
// (including pkg.Func).
func (w *walker) receiverExpr(call *ast.CallExpr) ast.Expr {
	sel, ok := ast.Unparen(call.Fun).(*ast.SelectorExpr)
	if !ok {
		return nil
	}
	if s, ok := w.info().Selections[sel]; !ok || s.Kind() == types.FieldVal {
		return nil
	}
	return sel.X
}
