// Guards and trust: what a guard requires, read from runtime.Guard
// calls, generated wrappers and trusted functions.

package discover

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"
	"slices"
	"strings"
	"time"

	"github.com/axioms-go/axiomsgen/internal/header"
	"github.com/axioms-go/axiomsgen/internal/parse"
	"golang.org/x/tools/go/types/typeutil"
)

// requirement is what a guard requires, as far as the walk reads it.
type requirement struct {
	// unknown says why the walk cannot tell whether this is a guard (a
	// limit it hit); the routes it would cover are unknown rows.
	unknown string
	text    string   // as reports show it: runtime.Requirement's String, "trusted pkg.F", ...
	kinds   []string // the kinds of claims it checks; none for any valid token, or when unreadable
	dpop    bool     // accepts only DPoP-bound tokens
	// parsed is the requirement's value when it was read whole (a
	// directive or a runtime.Requirement literal); nil otherwise.
	parsed *parse.Requirement
}

// requirementFrom is the requirement of a directive's or a
// runtime.Requirement literal's value.
func requirementFrom(r parse.Requirement) *requirement {
	return &requirement{text: r.String(), dpop: r.DPoP, kinds: r.Kinds(), parsed: &r}
}

// opaque is a requirement known only by its description.
func opaque(text string) *requirement { return &requirement{text: text} }

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
			if v := w.d.values[obj]; v != nil {
				if w.d.depth.values >= maxValueChain {
					return &requirement{unknown: fmt.Sprintf("the handler passes through more than %d variables, which the tool does not follow", maxValueChain)}, true
				}
				w.d.depth.values++
				defer func() { w.d.depth.values-- }()
				return w.guardValue(v)
			}
		}
	}
	return nil, false
}

// inGenerated reports whether fn is declared in a generated file (export
// data keeps file names, so this holds for imported packages too).
func (w *walker) inGenerated(fn *types.Func) bool {
	return w.d.isGenerated(w.p.Fset.Position(fn.Pos()).Filename)
}

// isGenerated reports whether the file at path is a generated file: named
// as Options.Output says, or starting with the generated header.
func (d *discoverer) isGenerated(path string) bool {
	return path != "" && header.IsGenerated(path, d.opts.Output, d.genFiles)
}

func (w *walker) trusted(fn *types.Func) (*requirement, bool) {
	if fn.Pkg() == nil {
		return nil, false
	}
	id := FuncID(fn)
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
		case "MaxAge":
			tv := w.info().Types[kv.Value]
			if tv.Value == nil {
				return opaque("requirement " + types.ExprString(e) + " (MaxAge is not a constant)")
			}
			if n, exact := constant.Int64Val(constant.ToInt(tv.Value)); exact {
				req.MaxAge = time.Duration(n)
			}
			continue
		case "ACR":
			list, ok := kv.Value.(*ast.CompositeLit)
			if !ok {
				return opaque("requirement " + types.ExprString(e) + " (ACR is not a literal)")
			}
			for _, v := range list.Elts {
				s, _ := w.stringValue(v)
				req.ACR = append(req.ACR, s)
			}
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
