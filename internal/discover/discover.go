// Package discover finds the route registrations of loaded Go packages
// (net/http, chi, gorilla/mux, gin, echo and generated code), resolving
// callees by type, and decides whether each route is guarded.
package discover

import (
	"cmp"
	"go/ast"
	"go/token"
	"go/types"
	"slices"

	"github.com/axioms-go/axiomsgen/internal/parse"
	"golang.org/x/tools/go/packages"
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
