// Mounts and prefixes: routers guarded or mounted whole, helpers and
// callbacks that receive routers, and routers also used as plain
// values, found before the walk.

package discover

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/types"

	"github.com/axioms-go/axiomsgen/internal/routers"
	"golang.org/x/tools/go/types/typeutil"
)

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
	desc := routers.ByPath(pkg)
	if desc == nil {
		return
	}
	var prefixes []ast.Expr // outermost first: each strips its prefix from what the next sees
	var target ast.Expr
	reg, isReg := desc.Registration(name)
	switch {
	case name == desc.Mount:
		prefixes, target = []ast.Expr{call.Args[0]}, call.Args[1]
	case desc.Strip != "" && isReg && reg.PatternMethod:
		target = call.Args[1]
	default:
		return
	}
	st := &router{parent: w.objOf(w.receiverExpr(call))}
	// Unwrap guards and prefix strippers around the mounted router, as
	// deep as they go: each step is a smaller expression.
	for {
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
			if p, n := funcID(ifn); p == pkg && n == desc.Strip {
				prefixes, target = append(prefixes, inner.Args[0]), inner.Args[1]
				continue
			}
		}
		break
	}
	objs := w.routerObjs(target)
	if len(objs) == 0 {
		return
	}
	// Without a prefix stripper, a router handed to net/http sees the
	// full path: no prefix to add.
	for _, p := range prefixes {
		w.addPrefix(st, p)
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
		switch {
		case m.parent != nil && w.d.depth.mounts >= maxMountChain:
			st.ambiguous = fmt.Sprintf("the router is mounted through more than %d routers, which the tool does not follow", maxMountChain)
			st.lostPrefix = true
		case m.parent != nil:
			// The router it is mounted on may itself be mounted or guarded.
			w.d.depth.mounts++
			parent := w.applyOuter(m.parent, cmp.Or(w.stateOf(m.parent), &router{}))
			w.d.depth.mounts--
			if st.kind == "chi" && parent.kind == "chi" && st.set != nil && parent.set != nil && st.set != parent.set && st.set.parent == nil {
				st.set.parent = parent.set // chi Mount: see mountedShadows
			}
			prefix = parent.prefix + prefix
			guard = cmp.Or(guard, parent.guard)
			st.ambiguous = cmp.Or(st.ambiguous, parent.ambiguous)
			st.lostPrefix = st.lostPrefix || parent.lostPrefix
		}
		st.prefix = prefix + st.prefix
		st.dynamic = cmp.Or(m.dynamic, st.dynamic)
		st.ambiguous = cmp.Or(st.ambiguous, m.ambiguous)
		st.lostPrefix = st.lostPrefix || m.lostPrefix
		st.guard = cmp.Or(st.guard, guard)
	}
	if guarded && st.guard == nil {
		st.guard = req
	}
	return st
}
