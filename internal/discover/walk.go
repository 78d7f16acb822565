// The walk: every function body in source order, binding router values
// to the variables, fields and parameters that hold them.

package discover

import (
	"go/ast"
	"go/token"
	"go/types"
	"strings"

	"github.com/axioms-go/axiomsgen/internal/parse"
	"golang.org/x/tools/go/packages"
)

// funcRef locates a function declaration and the walker of its package.
type funcRef struct {
	w    *walker
	decl *ast.FuncDecl
}

// collect makes the walker of a package and records its functions.
func (d *discoverer) collect(p *packages.Package) *walker {
	w := &walker{d: d, p: p}
	for id, obj := range p.TypesInfo.Uses {
		fn, ok := obj.(*types.Func)
		if ok && fn.Pkg() != nil && fn.Signature().Recv() == nil && !strings.HasPrefix(fn.Name(), parse.WrapperPrefix) &&
			w.inGenerated(fn) && !d.isGenerated(p.Fset.Position(id.Pos()).Filename) {
			d.regUses[fn.Pkg().Path()]++
		}
	}
	for _, f := range p.Syntax {
		if d.isGenerated(p.Fset.File(f.Pos()).Name()) {
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
			w.d.top++
			w.walkBody(fd.Body, 0)
		}
		// Package-level var initialisers can register too (rare); walk them.
		for _, decl := range f.Decls {
			if gd, ok := decl.(*ast.GenDecl); ok && gd.Tok == token.VAR {
				w.d.top++
				ast.Walk(&visitor{w: w}, gd)
			}
		}
	}
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

func isField(obj types.Object) bool {
	v, ok := obj.(*types.Var)
	return ok && v.IsField()
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

func identOf(e ast.Expr) *ast.Ident {
	switch e := ast.Unparen(e).(type) {
	case *ast.Ident:
		return e
	case *ast.SelectorExpr:
		return e.Sel
	}
	return nil
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
