// Router specifics the table cannot say: gorilla/mux's route chains,
// chi's callbacks, gin's handler chains.

package discover

import (
	"go/ast"
	"go/types"
	"slices"
	"strings"

	"github.com/axioms-go/axiomsgen/internal/routers"
	"golang.org/x/tools/go/types/typeutil"
)

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
	desc := routers.Gorilla
	for _, c := range chain {
		w.d.done[c] = w.d.curWalk
		name := typeutil.Callee(w.info(), c).(*types.Func).Name()
		_, isReg := desc.Registration(name)
		switch {
		case name == desc.Chain.Subrouter:
			return // a router, not a route: routerOf follows it
		case slices.Contains(desc.Chain.Path, name):
			if len(c.Args) == 1 {
				path = c.Args[0]
			}
		case name == desc.Chain.Methods:
			var ms []string
			for _, a := range c.Args {
				m, _ := w.stringValue(a)
				ms = append(ms, strings.ToUpper(m))
			}
			methods = append(ms, methods...) // inner calls come first in the source
		case isReg:
			if len(c.Args) == 2 {
				path, handlers = c.Args[0], c.Args[1:]
			}
		case slices.Contains(desc.Chain.Handler, name):
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
func (w *walker) bindCallback(call *ast.CallExpr, fnArg ast.Expr, st *router, loop int) {
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
			if ref, ok := w.d.funcs[fn]; ok && fn.Signature().Params().Len() == 1 {
				w.d.calledWithRouter[fn] = true
				w.walkHelper(call, ref, map[types.Object]*router{fn.Signature().Params().At(0): st}, loop)
			}
		}
	}
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
