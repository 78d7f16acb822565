// Package discover finds the route registrations of loaded Go packages
// (net/http, chi, gorilla/mux, gin, echo and generated code), resolving
// callees by type, decides whether each route is guarded, and finds what
// the routers make of the routes together: registrations a router does
// not both serve (Shadow) and requests a guarded route was written for
// that a weaker one serves (Overlap).
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
	// Stale is an annotated route whose package's generated file is
	// stale or missing, or whose directives have errors: the binary does
	// not enforce what the directives say (set by the caller that
	// compares the generated files, not by Routes).
	Stale Status = "stale"
	// Shadowed is a registration its router never serves: another
	// registration of the same route on the same router wins (see
	// Shadow).
	Shadowed Status = "shadowed"
)

// Row is one discovered route, with everything the rules that compare
// routes need (report.Row is its rendered form).
type Row struct {
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
	// Middleware names, for an unguarded or unknown route, a middleware
	// on its way that the tool cannot classify, as -trust would name it.
	Middleware string
	DPoP       bool // guarded routes that accept only DPoP-bound tokens
	// Metadata marks the Guard's RFC 9728 resource metadata
	// (g.ResourceMetadata), public by design.
	Metadata bool
	// Kinds are the kinds of claims a guarded route's requirement checks
	// (KindScopes, KindRoles, KindPermissions), read from its structure;
	// none when it accepts any valid token or is not readable.
	Kinds []string
	// Req is a guarded route's requirement when it was read whole (a
	// directive or a runtime.Requirement literal); nil when it is known
	// only by its description (a trusted guard, a variable).
	Req *parse.Requirement

	pkg string // annotated rows: the package whose directives made them

	// What Shadows needs: the route set the route went into and its
	// router's kind, the order of registration (seq) within one
	// top-level function's walk (top), whether it runs only
	// conditionally, and for annotated rows the call of the generated
	// registration function.
	set      *routeSet
	setKind  string
	inexact  bool // the methods are not known
	seq, top int
	cond     bool
	regPos   token.Position

	// problem is a finding a row carries whatever its status (an RPC
	// method the guard refuses for lack of a directive), or the message
	// of its unguarded finding.
	problem string
}

// Problem is the finding the row carries beyond its status, if any.
func (r Row) Problem() string { return r.problem }

// Requirement kinds, as Row.Kinds lists them.
const (
	KindScopes      = parse.KindScopes
	KindRoles       = parse.KindRoles
	KindPermissions = parse.KindPermissions
)

// Pattern renders the route as written in a check finding: "METHOD /path".
func (r Row) Pattern() string {
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
	// site: the annotated routes come from the directives). A file of
	// another name whose first line is the generated header counts too.
	Output string
	// Handlers are the packages' directives already parsed, by package
	// path (check parses them once for discovery and regeneration); a
	// package not in it is parsed here.
	Handlers map[string][]*parse.Handler
	// Stale maps the path of a package whose generated file is not what
	// its directives would make (stale, or the directives have errors) to
	// why: its annotated rows come from that file, which the binary runs,
	// and are Stale with that reason.
	Stale map[string]string
}

// Routes discovers every route of pkgs, sorted by position.
func Routes(pkgs []*packages.Package, opts Options) []Row {
	return Analyze(pkgs, opts).Routes
}

// Result is what Analyze finds.
type Result struct {
	Routes []Row // sorted by position
	// Shadows are the pairs of registrations a router does not both
	// serve; Overlaps the requests a guarded route was written for that
	// its router serves with a weaker one.
	Shadows  []Shadow
	Overlaps []Overlap
}

// Analyze discovers every route of pkgs and what their routers make of
// them together.
func Analyze(pkgs []*packages.Package, opts Options) Result {
	if opts.Output == "" {
		opts.Output = "axioms_gen.go"
	}
	d := &discoverer{
		opts: opts,
		program: program{
			funcs: map[*types.Func]funcRef{}, params: map[*types.Var]bool{}, returns: map[*types.Func][]types.Object{},
		},
		bindings: bindings{
			states: map[types.Object]*router{}, fieldStates: map[types.Object]*router{}, values: map[types.Object]ast.Expr{},
		},
		wholes: wholes{
			wholeGuard: map[types.Object]*requirement{}, mounts: map[types.Object]*router{}, mountCount: map[types.Object]int{},
			mountCalls: map[*ast.CallExpr]bool{}, calledWithRouter: map[*types.Func]bool{}, callbacks: map[*ast.FuncLit]bool{},
			rawUse: map[types.Object]bool{},
		},
		generated: generated{
			genFiles: map[string]bool{}, wrappers: map[string]*requirement{}, regMounts: map[string][]regMount{}, regCalls: map[string]int{}, regUses: map[string]int{},
		},
		walking: walking{done: map[*ast.CallExpr]int{}},
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
	st := &rpcState{byPath: map[string]*packages.Package{}, methods: map[string][]*parse.Handler{}}
	for _, p := range pkgs {
		st.byPath[p.PkgPath] = p
	}
	for _, p := range pkgs {
		d.rpcRoutes(p, st)
	}
	slices.SortFunc(d.routes, func(a, b Row) int {
		return cmp.Or(cmp.Compare(a.Pos.Filename, b.Pos.Filename), cmp.Compare(a.Pos.Line, b.Pos.Line),
			cmp.Compare(a.Pos.Column, b.Pos.Column), cmp.Compare(a.Pattern(), b.Pattern()))
	})
	all := append(slices.Clone(d.routes), d.extra...)
	res := Result{Routes: d.routes, Shadows: shadows(all, d.connectMounts), Overlaps: overlaps(all)}
	markHidden(res.Routes, d.extra, res.Shadows)
	return res
}

// discoverer is one discovery over all loaded packages. Its state is
// grouped by the stage that fills it; the groups are embedded, so each
// field reads as d.name.
type discoverer struct {
	opts   Options
	routes []Row
	// sets counts the route sets made; seq and top number registrations
	// and top-level walks; defaultMux is http.DefaultServeMux's set.
	sets, seq, top int
	defaultMux     *routeSet
	// condHelpers counts the helpers being walked from a call that runs
	// only conditionally: their registrations are conditional too.
	condHelpers int
	// extra are registrations of annotated routes that are not rows of
	// their own (the same route through another call of the generated
	// registration function): Shadows judges them too.
	extra []Row
	// connectMounts are the Connect handlers registered on a ServeMux.
	connectMounts []connectMount
	program
	bindings
	wholes
	generated
	walking
}

// program is what the loaded code declares, collected before the walk.
type program struct {
	// funcs are the declarations of every loaded function.
	funcs map[*types.Func]funcRef
	// params are the parameters of every func and closure: a handler
	// received as one is a value the walk cannot see.
	params map[*types.Var]bool
	// returns: router variables a function returns.
	returns map[*types.Func][]types.Object
}

// bindings are the values the walk binds as it goes.
type bindings struct {
	// states: router variables and bound parameters.
	states map[types.Object]*router
	// fieldStates are routers held in struct fields, shared across funcs.
	fieldStates map[types.Object]*router
	values      map[types.Object]ast.Expr // single assignments of locals
}

// wholes are what the prepass finds done to routers as a whole: guarded,
// mounted, handed to helpers and callbacks, or used as plain values.
type wholes struct {
	// wholeGuard: routers passed whole through a guard.
	wholeGuard map[types.Object]*requirement
	// mounts: routers mounted under a prefix of another router.
	mounts map[types.Object]*router
	// mountCount: how many mounts each router has; a router mounted at
	// several paths has routes under each, which one row cannot say.
	mountCount map[types.Object]int
	mountCalls map[*ast.CallExpr]bool // mounts of whole routers: not routes
	// calledWithRouter: funcs whose router parameters are bound at their
	// call sites, and walked only from there.
	calledWithRouter map[*types.Func]bool
	// callbacks: FuncLits run by chi Route/Group as the router is built.
	callbacks map[*ast.FuncLit]bool
	// rawUse: routers used as a value other than through a guard
	// (served, returned, stored), so a guard wrapping them elsewhere does
	// not cover every path to their routes.
	rawUse map[types.Object]bool
}

// generated is what the generated code contributes.
type generated struct {
	// genFiles caches, by path, whether a file is a generated one.
	genFiles map[string]bool
	// wrappers maps "pkgpath.GuardedX" to its requirement.
	wrappers map[string]*requirement
	// regMounts: the routers each package's generated registration
	// function is called with, by package path; regCalls counts those
	// calls as walked, regUses the references to the function in the
	// source (a reference that is not a walked call, such as a func
	// value, leaves the mount unknown).
	regMounts         map[string][]regMount
	regCalls, regUses map[string]int
}

// The limits of the walk's recursions. Past each, the routes concerned
// are unknown rows saying which limit they hit: never dropped, never
// called guarded on a guess.
const (
	// maxHelpers is how many nested helpers (and named chi callbacks)
	// receiving routers are walked with the routers bound; deeper ones
	// are walked with routers the walk does not know.
	maxHelpers = 4
	// maxHelpersUnbound is how deep helpers are walked at all; a call
	// deeper still is an unknown row of its own.
	maxHelpersUnbound = 8
	// maxMountChain is how many routers mounted on routers the walk
	// follows to add their prefixes and guards.
	maxMountChain = 8
	// maxValueChain is how many variables holding a handler or
	// middleware the walk follows to find a guard.
	maxValueChain = 8
)

// walking is the state of the walk in progress.
type walking struct {
	// done marks the inner calls of a gorilla chain already handled by
	// the walk that met the chain (a helper walked twice registers twice).
	done          map[*ast.CallExpr]int
	walk, curWalk int
	// depth counts, per recursion, how deep the walk is.
	depth struct{ helpers, mounts, values int }
}

// Package is the import path of the package whose //axioms: directives
// made an annotated route ("" for other routes).
func (r Row) Package() string { return r.pkg }
