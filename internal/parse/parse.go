// Package parse reads the //axioms: directives of a type-checked package
// into a model of annotated handlers, reporting every mistake with its
// position.
package parse

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/axioms-go/axiomsgen/internal/routers"
)

// RuntimePath is the import path of the runtime package generated code uses.
const RuntimePath = routers.RuntimePath

// Tool is the directive prefix: //axioms:name args.
const Tool = "axioms"

// Directive names.
const (
	DirRoute         = "route"
	DirScopes        = "scopes"
	DirRoles         = "roles"
	DirPermissions   = "permissions"
	DirAuthenticated = "authenticated"
	DirPublic        = "public"
	DirDPoP          = "dpop"
	DirACR           = "acr"
	DirMaxAge        = "max-age"
)

var knownDirectives = []string{DirRoute, DirScopes, DirRoles, DirPermissions, DirAuthenticated, DirPublic, DirDPoP, DirACR, DirMaxAge}

// Error is a mistake in the annotations, at a position.
type Error struct {
	Pos token.Position
	Msg string
}

func (e Error) Error() string { return fmt.Sprintf("%s: %s", e.Pos, e.Msg) }

// SortErrors sorts errors by position and drops exact repeats.
func SortErrors(errs []Error) []Error {
	slices.SortStableFunc(errs, func(a, b Error) int {
		return cmp.Or(cmp.Compare(a.Pos.Filename, b.Pos.Filename), cmp.Compare(a.Pos.Line, b.Pos.Line), cmp.Compare(a.Pos.Column, b.Pos.Column))
	})
	return slices.Compact(errs)
}

// WrapperPrefix starts the name of every generated wrapper.
const WrapperPrefix = "Guarded"

// WrapperName is the name of the handler's generated wrapper: Guarded,
// the receiver type and the func name, each with its first letter upper
// case (GuardedServerListItems).
func (h *Handler) WrapperName() string {
	return WrapperPrefix + upperFirst(h.Recv) + upperFirst(h.Name)
}

func upperFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	if size == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[size:]
}

// Short renders a position inside a message: file base name, line and
// column (the files of a package share one directory).
func Short(pos token.Position) string {
	return fmt.Sprintf("%s:%d:%d", filepath.Base(pos.Filename), pos.Line, pos.Column)
}

// RouteDirective is one //axioms:route directive.
type RouteDirective struct {
	Pattern string
	Pos     token.Position
}

// Shape is what a handler takes besides its framework's parameters.
type Shape int

const (
	// ShapeHTTP takes nothing more: func(http.ResponseWriter,
	// *http.Request), func(*gin.Context), func(echo.Context) error.
	ShapeHTTP Shape = iota
	// ShapeClaims takes a last *runtime.Claims parameter.
	ShapeClaims
	// ShapeTyped takes a last *T parameter, T a struct type of the
	// handler's package that the verified claims are decoded into.
	ShapeTyped
)

// Framework is the family of a handler's signature.
type Framework int

const (
	// FrameworkHTTP is func(http.ResponseWriter, *http.Request, ...):
	// net/http, chi and gorilla/mux.
	FrameworkHTTP Framework = iota
	// FrameworkGin is func(*gin.Context, ...).
	FrameworkGin
	// FrameworkEcho is func(echo.Context, ...) error (echo v4).
	FrameworkEcho
)

// Handler is an annotated func or method.
type Handler struct {
	Name    string // func or method name
	Recv    string // receiver type name; "" for a package func
	PtrRecv bool   // receiver is a pointer
	Shape   Shape
	// Framework is the signature family; FrameworkPath the import path
	// of gin or echo for those.
	Framework     Framework
	FrameworkPath string
	Claims        string         // T of ShapeTyped
	Pos           token.Position // the func declaration

	Routes        []RouteDirective
	Scopes        [][]string
	Roles         [][]string
	Permissions   [][]string
	Authenticated bool
	Public        bool
	// DPoP: the route accepts only DPoP-bound tokens with a valid proof.
	DPoP bool
	// ACR and MaxAge are the step-up checks (RFC 9470): the token's acr
	// one of ACR, in order of preference; its auth_time at most MaxAge
	// ago (whole seconds).
	ACR    []string
	MaxAge time.Duration
	// RPC is set for a method of a generated gRPC or Connect service
	// interface: it has no Routes, and its name is RPC.FullName.
	RPC *RPC
}

// Display names the handler as Go does in stack traces: "Func" or
// "(*Type).Method" / "Type.Method".
func (h *Handler) Display() string {
	switch {
	case h.Recv == "":
		return h.Name
	case h.PtrRecv:
		return "(*" + h.Recv + ")." + h.Name
	default:
		return h.Recv + "." + h.Name
	}
}

// Requirement is the handler's requirement, as its directives say.
func (h *Handler) Requirement() Requirement {
	return Requirement{Scopes: h.Scopes, Roles: h.Roles, Permissions: h.Permissions, Authenticated: h.Authenticated, DPoP: h.DPoP, ACR: h.ACR, MaxAge: h.MaxAge}
}

// Requirement is what a route requires of a token, the model's value of
// the runtime's Requirement: each list of Scopes, Roles and Permissions
// is any-of, and all lists AND together; DPoP requires a DPoP-bound
// token; with none of these any valid token passes.
type Requirement struct {
	Scopes, Roles, Permissions [][]string
	Authenticated, DPoP        bool
	ACR                        []string
	MaxAge                     time.Duration
}

// Requirement kinds, as Kinds lists them.
const (
	KindScopes      = "scopes"
	KindRoles       = "roles"
	KindPermissions = "permissions"
)

// Kinds are the kinds of claims r checks, in the order scopes, roles,
// permissions; none when any valid token passes.
func (r Requirement) Kinds() []string {
	var out []string
	for _, k := range r.lists() {
		if len(k.lists) > 0 {
			out = append(out, k.kind)
		}
	}
	return out
}

type kindLists struct {
	kind  string
	lists [][]string
}

func (r Requirement) lists() []kindLists {
	return []kindLists{{KindScopes, r.Scopes}, {KindRoles, r.Roles}, {KindPermissions, r.Permissions}}
}

// String renders r as reports show it, as the runtime's Requirement
// does: "scopes(a|b) AND roles(x) AND dpop", or "authenticated".
func (r Requirement) String() string {
	var parts []string
	for _, k := range r.lists() {
		for _, anyOf := range k.lists {
			parts = append(parts, k.kind+"("+strings.Join(anyOf, "|")+")")
		}
	}
	if r.DPoP {
		parts = append(parts, "dpop")
	}
	if len(r.ACR) > 0 {
		parts = append(parts, "acr("+strings.Join(r.ACR, "|")+")")
	}
	if r.MaxAge > 0 {
		parts = append(parts, "max-age("+r.MaxAge.String()+")")
	}
	if len(parts) == 0 {
		return "authenticated"
	}
	return strings.Join(parts, " AND ")
}

// HasRequirement reports whether any requirement directive is present
// (//axioms:dpop is one: it implies a valid token).
func (h *Handler) HasRequirement() bool {
	return h.Authenticated || h.DPoP || len(h.ACR) > 0 || h.MaxAge > 0 || len(h.Scopes)+len(h.Roles)+len(h.Permissions) > 0
}

// Generated reports whether the handler gets generated code: a route or a
// requirement. A func marked only //axioms:public is a report marker.
func (h *Handler) Generated() bool { return len(h.Routes) > 0 || h.HasRequirement() }

// Options control Parse.
type Options struct {
	// Skip names files (base names) whose comments are ignored.
	Skip func(filename string) bool
	// Router is the router of the generated registrations; "" infers it
	// from the handlers' signatures and the package's imports.
	Router Router
}

// Result is a parsed package.
type Result struct {
	Router Router
	// RouterPath is the import path of the router package ("" for
	// net/http).
	RouterPath string
	Handlers   []*Handler
	// Methods are the annotated methods of gRPC and Connect services, in
	// source order.
	Methods []*Handler
}

// Parse parses the directives of one type-checked package: the routers'
// patterns are checked with the rules of the package's router.
func Parse(fset *token.FileSet, files []*ast.File, info *types.Info, opts Options) (Result, []Error) {
	p := &parser{fset: fset, info: info}
	p.shapes = func() string { return handlerShapes(opts.Router, importsOf(files)) }
	files = slices.Clone(files)
	slices.SortFunc(files, func(a, b *ast.File) int {
		return cmp.Compare(fset.File(a.Pos()).Name(), fset.File(b.Pos()).Name())
	})
	var imports []string
	for _, f := range files {
		if opts.Skip != nil && opts.Skip(fset.File(f.Pos()).Name()) {
			continue
		}
		for _, spec := range f.Imports {
			if path, err := strconv.Unquote(spec.Path.Value); err == nil {
				imports = append(imports, path)
			}
		}
		p.file(f)
	}
	p.checkRPCDuplicates()
	res := Result{}
	if len(p.handlers) > 0 {
		res.Router, res.RouterPath = p.router(opts.Router, imports)
		p.checkRoutes(res.Router)
	}
	res.Handlers = p.handlers
	res.Methods = p.methods
	return res, SortErrors(p.errs)
}

type parser struct {
	fset     *token.FileSet
	info     *types.Info
	handlers []*Handler
	methods  []*Handler
	errs     []Error
	shapes   func() string // the handler signatures the package may use
	// rpcServices caches the service interfaces the package sees.
	rpcServices []routers.Service
}

func (p *parser) errorf(pos token.Pos, format string, args ...any) {
	p.errs = append(p.errs, Error{Pos: p.fset.Position(pos), Msg: fmt.Sprintf(format, args...)})
}

// file parses the directives of every func's doc comment and rejects
// directives anywhere else (except the //axioms:public marker).
func (p *parser) file(f *ast.File) {
	docs := map[*ast.CommentGroup]*ast.FuncDecl{}
	for _, decl := range f.Decls {
		if fd, ok := decl.(*ast.FuncDecl); ok && fd.Doc != nil {
			docs[fd.Doc] = fd
		}
	}
	for _, group := range f.Comments {
		if fd, ok := docs[group]; ok {
			p.funcDecl(fd)
			continue
		}
		for _, c := range group.List {
			d, ok := ast.ParseDirective(c.Slash, c.Text)
			if !ok || d.Tool != Tool || d.Name == DirPublic {
				continue
			}
			p.errorf(c.Slash, "//%s:%s must be in the doc comment of a func or method declaration", Tool, d.Name)
		}
	}
}

func (p *parser) funcDecl(fd *ast.FuncDecl) {
	h := &Handler{Name: fd.Name.Name, Pos: p.fset.Position(fd.Pos())}
	var publicPos token.Pos
	var reqPos token.Pos
	found := false
	errsBefore := len(p.errs)
	for _, c := range fd.Doc.List {
		d, ok := ast.ParseDirective(c.Slash, c.Text)
		if !ok || d.Tool != Tool {
			continue
		}
		found = true
		switch d.Name {
		case DirRoute:
			if d.Args == "" {
				p.errorf(d.Slash, "//axioms:route needs a pattern such as \"GET /items/{id}\"")
				continue
			}
			h.Routes = append(h.Routes, RouteDirective{Pattern: d.Args, Pos: p.fset.Position(d.ArgsPos)})
		case DirScopes, DirRoles, DirPermissions:
			values, ok := p.values(&d)
			if !ok {
				continue
			}
			if reqPos == token.NoPos {
				reqPos = d.Slash
			}
			switch d.Name {
			case DirScopes:
				h.Scopes = append(h.Scopes, values)
			case DirRoles:
				h.Roles = append(h.Roles, values)
			default:
				h.Permissions = append(h.Permissions, values)
			}
		case DirACR:
			values, ok := p.values(&d)
			if !ok {
				continue
			}
			if h.ACR != nil {
				p.errorf(d.Slash, "//axioms:acr appears twice: a token has one acr, so put every accepted value on one line, in order of preference")
				continue
			}
			h.ACR = values
			if reqPos == token.NoPos {
				reqPos = d.Slash
			}
		case DirMaxAge:
			if h.MaxAge > 0 {
				p.errorf(d.Slash, "//axioms:max-age appears twice: keep one")
				continue
			}
			age, err := time.ParseDuration(strings.TrimSpace(d.Args))
			switch {
			case d.Args == "":
				p.errorf(d.Slash, "//axioms:max-age needs a duration, e.g. 10m")
				continue
			case err != nil || age < time.Second || age%time.Second != 0:
				p.errorf(d.ArgsPos, "//axioms:max-age %q is not a duration of whole seconds (at least 1s), e.g. 10m or 90s", d.Args)
				continue
			}
			h.MaxAge = age
			if reqPos == token.NoPos {
				reqPos = d.Slash
			}
		case DirAuthenticated, DirPublic, DirDPoP:
			if d.Args != "" {
				p.errorf(d.ArgsPos, "//axioms:%s takes no arguments", d.Name)
				continue
			}
			switch d.Name {
			case DirPublic:
				h.Public = true
				publicPos = d.Slash
			case DirDPoP:
				h.DPoP = true
			default:
				h.Authenticated = true
			}
			if d.Name != DirPublic && reqPos == token.NoPos {
				reqPos = d.Slash
			}
		default:
			msg := fmt.Sprintf("unknown directive //axioms:%s", d.Name)
			if s := suggest(d.Name); s != "" {
				msg += fmt.Sprintf("; did you mean //axioms:%s?", s)
			} else {
				msg += "; known directives: " + strings.Join(knownDirectives, ", ")
			}
			p.errorf(d.Slash, "%s", msg)
		}
	}
	if !found || len(p.errs) > errsBefore {
		return // a directive was wrong: its error says enough
	}
	if h.Public && h.HasRequirement() {
		p.errorf(publicPos, "//axioms:public cannot be combined with a requirement (the requirement starts at %s): remove one", Short(p.fset.Position(reqPos)))
		return
	}
	if p.rpc(fd, h) {
		if h.RPC != nil && p.checkRPC(fd, h) {
			p.methods = append(p.methods, h)
		}
		return
	}
	if !h.Generated() {
		return // a public marker for report and check
	}
	if len(h.Routes) > 0 && !h.Public && !h.HasRequirement() {
		p.errorf(fd.Pos(), "%s has a route but no requirement: add //axioms:scopes, //axioms:roles, //axioms:permissions or //axioms:authenticated, or //axioms:public if it is deliberately open", h.Name)
		return
	}
	if !p.signature(fd, h) {
		return
	}
	p.handlers = append(p.handlers, h)
}

// values parses the arguments of a scopes/roles/permissions directive.
func (p *parser) values(d *ast.Directive) ([]string, bool) {
	args, err := d.ParseArgs()
	if err != nil {
		p.errorf(d.ArgsPos, "bad quoting in //axioms:%s: %v (quote values containing spaces as Go strings, e.g. \"Global Admin\")", d.Name, err)
		return nil, false
	}
	if len(args) == 0 {
		p.errorf(d.Slash, "//axioms:%s needs at least one value (several values on one line mean any of them)", d.Name)
		return nil, false
	}
	values := make([]string, 0, len(args))
	for _, a := range args {
		if strings.TrimSpace(a.Arg) == "" {
			p.errorf(a.Pos, "//axioms:%s has an empty value", d.Name)
			return nil, false
		}
		values = append(values, a.Arg)
	}
	return values, true
}

// signature checks the handler shape with go/types and fills the receiver.
func (p *parser) signature(fd *ast.FuncDecl, h *Handler) bool {
	obj, ok := p.info.Defs[fd.Name].(*types.Func)
	if !ok {
		p.errorf(fd.Pos(), "%s: no type information (does the package compile?)", h.Name)
		return false
	}
	sig := obj.Signature()
	if sig.TypeParams().Len() > 0 {
		p.errorf(fd.Pos(), "%s is generic: a handler cannot have type parameters", h.Name)
		return false
	}
	if recv := sig.Recv(); recv != nil {
		t := recv.Type()
		if ptr, ok := types.Unalias(t).(*types.Pointer); ok {
			h.PtrRecv = true
			t = ptr.Elem()
		}
		named, ok := types.Unalias(t).(*types.Named)
		if !ok || named.TypeParams().Len() > 0 {
			p.errorf(fd.Pos(), "%s: methods of generic types are not supported as handlers", h.Name)
			return false
		}
		h.Recv = named.Obj().Name()
	}
	fw, fwPath, shape, typed, ok := shapeOf(sig, obj.Pkg())
	if !ok && sig.Recv() != nil && sig.Params().Len() > 0 && isNamed(sig.Params().At(0).Type(), "context", "Context") {
		p.errorf(fd.Pos(), "%s takes a context.Context like an RPC method, but %s implements no generated service interface with that method visible in this package (protoc-gen-go-grpc's XServer or protoc-gen-connect-go's XServiceHandler, declared here or in an imported package): check the method's signature against the interface, or embed its Unimplemented type",
			h.Name, h.Recv)
		return false
	}
	if !ok {
		p.errorf(fd.Pos(), "%s has an unsupported handler signature %s: use %s, each optionally with one more parameter, *runtime.Claims or *T with T a struct type of this package%s",
			h.Name, types.TypeString(sig, func(p *types.Package) string { return p.Name() }), p.shapes(), signatureHint(sig))
		return false
	}
	h.Claims = typed
	h.Framework, h.FrameworkPath = fw, fwPath
	if shape != ShapeHTTP && h.Public {
		p.errorf(fd.Pos(), "%s is //axioms:public but takes the token's claims, which a public route never has: drop the parameter or add a requirement", h.Name)
		return false
	}
	h.Shape = shape
	return true
}

// contextRouter is the router of the table whose own handler signature
// starts with a parameter of type t and has these results, or nil.
func contextRouter(t types.Type, results *types.Tuple) *routers.Router {
	for _, r := range routers.All {
		c := r.Context
		if c.Name == "" {
			continue
		}
		first := isNamed(t, c.Path, c.Name)
		if r.ContextPtr {
			first = isPtrTo(t, c.Path, c.Name)
		}
		returns := results.Len() == 0
		if r.ReturnsError {
			returns = results.Len() == 1 && isError(results.At(0).Type())
		}
		if first && returns {
			return r
		}
	}
	return nil
}

func shapeOf(sig *types.Signature, pkg *types.Package) (fw Framework, fwPath string, shape Shape, typed string, ok bool) {
	params, results := sig.Params(), sig.Results()
	if sig.Variadic() || params.Len() == 0 {
		return 0, "", 0, "", false
	}
	var fixed int // parameters of the framework
	switch {
	case params.Len() >= 2 && isNamed(params.At(0).Type(), "net/http", "ResponseWriter") && isPtrTo(params.At(1).Type(), "net/http", "Request") && results.Len() == 0:
		fw, fixed = FrameworkHTTP, 2
	default:
		r := contextRouter(params.At(0).Type(), results)
		if r == nil {
			return 0, "", 0, "", false
		}
		fw, fwPath, fixed = Router(r.Flag).Framework(), r.Context.Path, 1
	}
	switch params.Len() - fixed {
	case 0:
		return fw, fwPath, ShapeHTTP, "", true
	case 1:
	default:
		return 0, "", 0, "", false
	}
	last := params.At(fixed).Type()
	if isPtrTo(last, RuntimePath, "Claims") {
		return fw, fwPath, ShapeClaims, "", true
	}
	// *T with T a struct type declared in the handler's package.
	ptr, isPtr := types.Unalias(last).(*types.Pointer)
	if !isPtr {
		return 0, "", 0, "", false
	}
	named, isNamedT := types.Unalias(ptr.Elem()).(*types.Named)
	if !isNamedT || named.Obj().Pkg() != pkg || named.TypeParams().Len() > 0 {
		return 0, "", 0, "", false
	}
	if _, isStruct := named.Underlying().(*types.Struct); !isStruct {
		return 0, "", 0, "", false
	}
	return fw, fwPath, ShapeTyped, named.Obj().Name(), true
}

func isError(t types.Type) bool { return types.Identical(t, types.Universe.Lookup("error").Type()) }

func isNamed(t types.Type, pkg, name string) bool {
	n, ok := types.Unalias(t).(*types.Named)
	return ok && n.Obj().Pkg() != nil && n.Obj().Pkg().Path() == pkg && n.Obj().Name() == name
}

func isPtrTo(t types.Type, pkg, name string) bool {
	ptr, ok := types.Unalias(t).(*types.Pointer)
	return ok && isNamed(ptr.Elem(), pkg, name)
}

// suggest returns the known directive closest to name, if it is close.
func suggest(name string) string {
	best, bestDist := "", 3
	for _, k := range knownDirectives {
		if d := Distance(strings.ToLower(name), k); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// Distance is the Levenshtein distance between a and b.
func Distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
