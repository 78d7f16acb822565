// Package gen loads Go packages, parses their //axioms: directives and
// renders each package's guarded route registrations (axioms_gen.go).
package gen

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/token"
	"go/types"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/axioms-go/axiomsgen/internal/atomicfile"
	"github.com/axioms-go/axiomsgen/internal/header"
	"github.com/axioms-go/axiomsgen/internal/load"
	"github.com/axioms-go/axiomsgen/internal/parse"
	"github.com/axioms-go/axiomsgen/internal/routers"
	"golang.org/x/tools/go/packages"
)

// Header is the first line of every generated file.
const Header = header.First

// Defaults of Options and generated names.
const (
	// EchoRouterType is the interface the echo RegisterRoutes takes.
	EchoRouterType  = "AxiomsEchoRouter"
	DefaultOutput   = "axioms_gen.go"
	DefaultRegister = "RegisterRoutes"
	RoutesVar       = "AxiomsRoutes"
)

// Options control loading and generation.
type Options struct {
	Output   string   // generated file name in each package (default axioms_gen.go)
	Register string   // name of the registration function (default RegisterRoutes)
	Tags     []string // build tags for loading
	Dir      string   // directory the patterns are relative to ("" = current)
	// Router is the router of the generated registrations; "" infers it
	// per package from the handlers' signatures and the imports.
	Router parse.Router
	// Recorded takes -register and -router of each package from the
	// header of its generated file, as it was generated (check).
	Recorded bool
}

// NormalizeTags splits build tags given with commas or blanks, drops
// empty and repeated ones and sorts them: the form recorded in a
// generated file and compared by check.
func NormalizeTags(tags []string) []string {
	var out []string
	for _, t := range tags {
		out = append(out, strings.FieldsFunc(t, func(r rune) bool { return r == ',' || unicode.IsSpace(r) })...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func (o Options) withDefaults() Options {
	o.Tags = NormalizeTags(o.Tags)
	if o.Output == "" {
		o.Output = DefaultOutput
	}
	if o.Register == "" {
		o.Register = DefaultRegister
	}
	return o
}

// LoadError means the packages could not be loaded: a pattern matched
// nothing, or a package does not compile. It is exit status 2.
type LoadError = load.Error

// Findings are annotation errors, sorted by position. They are exit status 1.
type Findings []parse.Error

func (f Findings) Error() string {
	lines := make([]string, len(f))
	for i, e := range f {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// File is one planned change: Content nil means remove Path.
type File struct {
	Path    string
	PkgPath string
	Content []byte
}

// Plan is what a run would write.
type Plan struct {
	Files []File
}

// Package is a loaded package with its parsed handlers.
type Package struct {
	Pkg        *packages.Package
	Router     parse.Router
	RouterPath string // import path of the router package; "" for net/http
	Handlers   []*parse.Handler
	// Methods are the annotated gRPC and Connect methods.
	Methods []*parse.Handler
}

// Load loads the packages matching patterns with type information. Type
// errors located only in a package's own generated file are ignored: that
// file is about to be replaced. A package that does not type-check
// otherwise is a *LoadError.
func Load(ctx context.Context, opts Options, patterns ...string) ([]*packages.Package, error) {
	pkgs, broken, err := LoadPartial(ctx, opts, patterns...)
	if err != nil {
		return nil, err
	}
	if len(broken) > 0 {
		var msgs []string
		for _, b := range broken {
			msgs = append(msgs, b.Errors...)
		}
		return nil, &LoadError{Msg: "the packages do not load; fix these first:\n" + strings.Join(msgs, "\n")}
	}
	return pkgs, nil
}

// LoadPartial loads like Load, but returns the packages that do not
// type-check too, with their partial type information, and lists them in
// broken (report and check go on with what they can read).
func LoadPartial(ctx context.Context, opts Options, patterns ...string) ([]*packages.Package, []load.Broken, error) {
	opts = opts.withDefaults()
	return load.Packages(ctx, load.Options{
		Dir: opts.Dir, Tags: opts.Tags, Output: opts.Output,
		Declared: func(name string) bool {
			return name == opts.Register || name == RoutesVar || strings.HasPrefix(name, parse.WrapperPrefix) || slices.Contains(rpcTables, name)
		},
	}, patterns...)
}

// Parse parses the directives of every package, skipping the generated
// files.
func Parse(pkgs []*packages.Package, opts Options) ([]Package, Findings) {
	opts = opts.withDefaults()
	var out []Package
	var findings Findings
	for _, p := range pkgs {
		skip := func(name string) bool { return filepath.Base(name) == opts.Output }
		popts := opts
		if dir := packageDir(p); opts.Recorded && dir != "" {
			popts = RecordedOptions(filepath.Join(dir, opts.Output), opts)
		}
		res, errs := parse.Parse(p.Fset, p.Syntax, p.TypesInfo, parse.Options{Skip: skip, Router: popts.Router})
		findings = append(findings, errs...)
		out = append(out, Package{Pkg: p, Router: res.Router, RouterPath: res.RouterPath, Handlers: res.Handlers, Methods: res.Methods})
	}
	return out, findings
}

// Generate loads, parses and renders. It returns *LoadError or Findings
// on failure; it writes nothing.
func Generate(ctx context.Context, opts Options, patterns ...string) (*Plan, error) {
	opts = opts.withDefaults()
	if !token.IsIdentifier(opts.Register) || !token.IsExported(opts.Register) {
		return nil, &LoadError{Msg: fmt.Sprintf("-register %q must be an exported Go identifier", opts.Register)}
	}
	if filepath.Base(opts.Output) != opts.Output || !strings.HasSuffix(opts.Output, ".go") || strings.HasSuffix(opts.Output, "_test.go") {
		return nil, &LoadError{Msg: fmt.Sprintf("-output %q must be a plain .go file name (not a path, not a _test.go file)", opts.Output)}
	}
	if err := validRouter(opts.Router); err != nil {
		return nil, err
	}
	pkgs, err := Load(ctx, opts, patterns...)
	if err != nil {
		return nil, err
	}
	parsed, findings := Parse(pkgs, opts)
	plan := &Plan{}
	for _, p := range parsed {
		f, errs := render(p, opts)
		findings = append(findings, errs...)
		if f != nil {
			plan.Files = append(plan.Files, *f)
		}
	}
	if len(findings) > 0 {
		return nil, Findings(parse.SortErrors(findings))
	}
	return plan, nil
}

func validRouter(r parse.Router) error {
	if r == "" || slices.Contains(parse.Routers, r) {
		return nil
	}
	names := make([]string, len(parse.Routers))
	for i, r := range parse.Routers {
		names[i] = string(r)
	}
	return &LoadError{Msg: fmt.Sprintf("-router %q is not a router axiomsgen knows: use one of %s, or leave it out to infer it", r, strings.Join(names, ", "))}
}

// packageDir is the directory of a package's files.
func packageDir(p *packages.Package) string {
	for _, f := range p.GoFiles {
		return filepath.Dir(f)
	}
	return ""
}

// render plans the generated file of one package: new content, removal of
// a stale file, or nothing.
func render(p Package, opts Options) (*File, []parse.Error) {
	dir := packageDir(p.Pkg)
	if dir == "" {
		return nil, nil
	}
	path := filepath.Join(dir, opts.Output)
	if len(p.Handlers) == 0 && len(p.Methods) > 0 {
		r := &renderer{pkg: p, opts: opts}
		src, errs := r.rpcFile()
		if len(errs) > 0 {
			return nil, errs
		}
		return &File{Path: path, PkgPath: p.Pkg.PkgPath, Content: src}, nil
	}
	if len(p.Handlers) == 0 {
		if isGenerated(path) {
			return &File{Path: path, PkgPath: p.Pkg.PkgPath}, nil
		}
		return nil, nil
	}
	if p.Router == "" {
		p.Router = parse.RouterHTTP
	}
	r := &renderer{pkg: p, opts: opts}
	src, errs := r.file()
	if len(errs) > 0 {
		return nil, errs
	}
	return &File{Path: path, PkgPath: p.Pkg.PkgPath, Content: src}, nil
}

// isGenerated reports whether path exists and starts with our header, so
// a user's own file of that name is never removed.
func isGenerated(path string) bool {
	b, err := os.ReadFile(path)
	return err == nil && bytes.HasPrefix(b, []byte(Header))
}

type renderer struct {
	pkg  Package
	opts Options
	buf  bytes.Buffer
	errs []parse.Error
	// names of the runtime, net/http and router imports in the
	// generated file
	rt, http, router string
	// parameter names: the guard, a wrapper's receiver, the router
	g, recv, on string
	// svcName names the imported service packages of the method tables
	// by import path ("" for this package).
	svcName map[string]string
}

// desc is the router table's entry of the package's router.
func (r *renderer) desc() *routers.Router { return routers.ByFlag(string(r.pkg.Router)) }

func (r *renderer) printf(format string, args ...any) { fmt.Fprintf(&r.buf, format, args...) }

// receiver is a RegisterRoutes parameter.
type receiver struct {
	typ   string
	ptr   bool
	param string
}

func (r *renderer) file() ([]byte, []parse.Error) {
	scope := r.pkg.Pkg.Types.Scope()
	r.rt, r.http = r.importName("runtime", scope), r.importName("http", scope)
	if name := r.desc().Gen.PkgName; name != "" {
		r.router = r.importName(name, scope)
	}
	// Parameters must not shadow what the bodies refer to: the handlers,
	// claims types and imports.
	imports := map[string]bool{r.rt: true, r.http: true, r.router: true}
	r.g = r.freeName(imports, "g", "guard", "axiomsGuard")
	r.recv = r.freeName(imports, "recv", "receiver", "axiomsRecv")
	r.on = r.freeName(imports, r.desc().Gen.Params...)
	r.rpcImports(map[string]bool{r.rt: true, r.http: true, r.router: true, r.g: true, r.recv: true, r.on: true})

	// Generated names, checked against the package and each other.
	taken := map[string]string{} // name -> what generates it
	r.claim(scope, r.opts.Register, "the registration function", token.Position{}, taken)
	r.claim(scope, RoutesVar, "the route table", token.Position{}, taken)
	if r.pkg.Router == parse.RouterEcho {
		r.claim(scope, EchoRouterType, "the echo router interface", token.Position{}, taken)
	}
	r.claimRPC(taken)
	wrappers := map[*parse.Handler]string{}
	for _, h := range r.pkg.Handlers {
		if h.Public {
			continue
		}
		name := h.WrapperName()
		wrappers[h] = name
		r.claim(scope, name, "the wrapper of "+h.Display(), h.Pos, taken)
	}
	if len(r.errs) > 0 {
		return nil, r.errs
	}

	recvs := r.receivers()
	r.printf("%s\n%s -register=%s", Header, OptionsLine, r.opts.Register)
	if r.opts.Router != "" {
		r.printf(" -router=%s", string(r.opts.Router))
	}
	if len(r.opts.Tags) > 0 {
		// Directives in tagged files depend on them: check says so
		// rather than reporting a stale file.
		r.printf(" -tags=%s", strings.Join(r.opts.Tags, ","))
	}
	r.printf("\n\npackage %s\n\n", r.pkg.Pkg.Name)
	r.printf("import (\n")
	if r.pkg.Router.Framework() == parse.FrameworkHTTP {
		r.printf("\t%s\"net/http\"\n\n", alias(r.http, "http"))
	}
	r.printf("\t%s%q\n", alias(r.rt, "runtime"), parse.RuntimePath)
	if r.router != "" {
		r.printf("\t%s%q\n", alias(r.router, r.desc().Gen.PkgName), r.pkg.RouterPath)
	}
	r.printRPCImports()
	r.printf(")\n\n")

	r.routeTable()
	if len(r.pkg.Methods) > 0 {
		r.rpcTables()
	}
	if r.pkg.Router == parse.RouterEcho {
		r.printf("// %s is what %s needs of an echo router: *echo.Echo and\n// *echo.Group have it.\n", EchoRouterType, r.opts.Register)
		r.printf("type %s interface {\n", EchoRouterType)
		r.printf("\tAdd(method, path string, handler %[1]s.HandlerFunc, middleware ...%[1]s.MiddlewareFunc) *%[1]s.Route\n", r.router)
		r.printf("\tAny(path string, handler %[1]s.HandlerFunc, middleware ...%[1]s.MiddlewareFunc) []*%[1]s.Route\n}\n\n", r.router)
	}
	r.register(recvs, wrappers)
	for _, h := range r.pkg.Handlers {
		if name, ok := wrappers[h]; ok {
			r.wrapper(h, name)
		}
	}
	return formatted(r.buf.Bytes()), nil
}

// importName picks the file-local name of an import, renaming it when the
// package declares something of that name.
func (r *renderer) importName(name string, scope *types.Scope) string {
	for i, try := 1, name; ; i++ {
		if !r.declared(try) {
			return try
		}
		try = "axioms" + name
		if i > 1 {
			try += strconv.Itoa(i)
		}
	}
}

// declared reports whether the package declares name, outside the
// generated file.
func (r *renderer) declared(name string) bool {
	obj := r.pkg.Pkg.Types.Scope().Lookup(name)
	return obj != nil && !r.inOutput(obj.Pos())
}

// freeName is the first candidate the package does not declare and that
// is not an import name.
func (r *renderer) freeName(imports map[string]bool, candidates ...string) string {
	for _, c := range candidates {
		if !r.declared(c) && !imports[c] {
			return c
		}
	}
	for i := 2; ; i++ {
		if c := candidates[len(candidates)-1] + strconv.Itoa(i); !r.declared(c) && !imports[c] {
			return c
		}
	}
}

func alias(name, def string) string {
	if name == def {
		return ""
	}
	return name + " "
}

func (r *renderer) inOutput(pos token.Pos) bool {
	f := r.pkg.Pkg.Fset.File(pos)
	return f != nil && filepath.Base(f.Name()) == r.opts.Output
}

// claim records a generated package-level name, reporting a collision
// with the package's own declarations or with another generated name.
func (r *renderer) claim(scope *types.Scope, name, what string, at token.Position, taken map[string]string) {
	hint := ""
	if name == r.opts.Register {
		hint = ", or choose another name for the generated one with -register"
	}
	if obj := scope.Lookup(name); obj != nil && !r.inOutput(obj.Pos()) {
		pos := r.pkg.Pkg.Fset.Position(obj.Pos())
		if at.IsValid() {
			r.errs = append(r.errs, parse.Error{Pos: at, Msg: fmt.Sprintf("generated name %s (%s) collides with %s declared at %s: rename one", name, what, name, parse.Short(pos))})
		} else {
			r.errs = append(r.errs, parse.Error{Pos: pos, Msg: fmt.Sprintf("%s collides with %s that axiomsgen generates: rename it%s", name, what, hint)})
		}
		return
	}
	if prev, dup := taken[name]; dup {
		r.errs = append(r.errs, parse.Error{Pos: at, Msg: fmt.Sprintf("generated name %s for %s collides with the one for %s: rename one of the handlers", name, what, prev)})
		return
	}
	taken[name] = what
}

// lowerParam turns a type name into a parameter name: Server -> server,
// HTTPServer -> httpServer, API -> api.
func lowerParam(s string) string {
	r := []rune(s)
	n := 0
	for n < len(r) && unicode.IsUpper(r[n]) {
		n++
	}
	switch {
	case n == 0:
	case n == 1 || n == len(r):
		for i := range n {
			r[i] = unicode.ToLower(r[i])
		}
	default:
		for i := range n - 1 {
			r[i] = unicode.ToLower(r[i])
		}
	}
	return string(r)
}

// receivers lists the RegisterRoutes receiver parameters: one per
// receiver type with a routed method, in the order in which each type's
// first annotated method appears (see docs/directives.md), files in name order.
func (r *renderer) receivers() []*receiver {
	routed := map[string]bool{}
	for _, h := range r.pkg.Handlers {
		if h.Recv != "" && len(h.Routes) > 0 {
			routed[h.Recv] = true
		}
	}
	var out []*receiver
	byType := map[string]*receiver{}
	used := map[string]bool{r.on: true, r.g: true, r.rt: true, r.http: true, r.router: true}
	for _, h := range r.pkg.Handlers {
		if !routed[h.Recv] {
			continue
		}
		rc, ok := byType[h.Recv]
		if !ok {
			name := lowerParam(h.Recv)
			if token.IsKeyword(name) || types.Universe.Lookup(name) != nil || used[name] || r.declared(name) {
				name += "Recv"
			}
			for base, i := name, 2; used[name] || r.declared(name); i++ {
				name = base + strconv.Itoa(i)
			}
			used[name] = true
			rc = &receiver{typ: h.Recv, param: name}
			byType[h.Recv] = rc
			out = append(out, rc)
		}
		if len(h.Routes) > 0 {
			rc.ptr = rc.ptr || h.PtrRecv
		}
	}
	return out
}

func (r *renderer) routeTable() {
	r.printf("// %s lists the routes annotated in this package, in source order.\n", RoutesVar)
	r.printf("var %s = []%s.Route{\n", RoutesVar, r.rt)
	for _, h := range r.pkg.Handlers {
		for _, rt := range h.Routes {
			r.tableEntry(strconv.Quote(rt.Pattern), h)
		}
	}
	r.printf("}\n\n")
}

// tableEntry prints one runtime.Route of a generated table; pattern is Go
// source (a quoted pattern, or a method-name constant).
func (r *renderer) tableEntry(pattern string, h *parse.Handler) {
	r.printf("\t{Pattern: %s, Handler: %q, ", pattern, h.Display())
	if h.Public {
		r.printf("Public: true, ")
	} else {
		r.printf("Requirement: %s, ", r.requirement(h))
	}
	r.printf("Position: %q},\n", fmt.Sprintf("%s:%d:%d", filepath.Base(h.Pos.Filename), h.Pos.Line, h.Pos.Column))
}

func (r *renderer) register(recvs []*receiver, wrappers map[*parse.Handler]string) {
	on := r.on
	gen := r.desc().Gen
	pkgName := r.router
	if gen.PkgName == "" {
		pkgName = r.rt
	}
	routerType := gen.ParamType
	if strings.Contains(routerType, "%s") {
		routerType = fmt.Sprintf(routerType, pkgName)
	}
	params := []string{on + " " + routerType, r.g + " *" + r.rt + ".Guard"}
	paramOf := map[string]*receiver{}
	for _, rc := range recvs {
		t := rc.typ
		if rc.ptr {
			t = "*" + t
		}
		params = append(params, rc.param+" "+t)
		paramOf[rc.typ] = rc
	}
	r.printf("// %s registers every annotated route of this package on %s, each\n", r.opts.Register, on)
	r.printf("// behind the requirement of its //axioms: directives.\n")
	r.printf("func %s(%s) {\n", r.opts.Register, strings.Join(params, ", "))
	for _, h := range r.pkg.Handlers {
		for _, rt := range h.Routes {
			recv := ""
			if h.Recv != "" {
				rc := paramOf[h.Recv]
				recv = rc.param
				if rc.ptr && !h.PtrRecv && !h.Public {
					recv = "*" + recv // the wrapper takes the value its method needs
				}
			}
			var handler string
			switch {
			case h.Public:
				handler = h.Name
				if recv != "" {
					handler = recv + "." + h.Name
				}
				if h.Framework == parse.FrameworkHTTP {
					handler = fmt.Sprintf("%s.HandlerFunc(%s)", r.http, handler)
				}
			case recv != "":
				handler = fmt.Sprintf("%s(%s, %s)", wrappers[h], r.g, recv)
			default:
				handler = fmt.Sprintf("%s(%s)", wrappers[h], r.g)
			}
			r.printf("\t%s\n", gen.Statement(on, rt.Pattern, handler))
		}
	}
	r.printf("}\n\n")
}

func (r *renderer) wrapper(h *parse.Handler, name string) {
	if h.Framework != parse.FrameworkHTTP {
		r.contextWrapper(h, name)
		return
	}
	params := r.g + " *" + r.rt + ".Guard"
	target := h.Name
	if h.Recv != "" {
		t := h.Recv
		if h.PtrRecv {
			t = "*" + t
		}
		params += ", " + r.recv + " " + t
		target = r.recv + "." + h.Name
	}
	var handler string
	switch h.Shape {
	case parse.ShapeClaims:
		handler = fmt.Sprintf("%s.ClaimsHandlerFunc(%s)", r.rt, target)
	case parse.ShapeTyped:
		handler = fmt.Sprintf("%s.TypedClaimsHandler(%s, %s)", r.rt, r.g, target)
	default:
		handler = fmt.Sprintf("%s.HandlerFunc(%s)", r.http, target)
	}
	r.printf("// %s returns %s guarded by %s.\n// Use it to register the handler by hand.\n", name, h.Display(), h.Requirement())
	r.printf("func %s(%s) %s.Handler {\n", name, params, r.http)
	r.printf("\treturn %s.Handler(%s, %s)\n}\n\n", r.g, r.requirement(h), handler)
}

// contextWrapper renders the wrapper of a gin or echo handler: the guard
// runs through Guard.Enforce, which writes any rejection itself.
func (r *renderer) contextWrapper(h *parse.Handler, name string) {
	// Locals must not shadow what the closure refers to.
	reserved := map[string]bool{r.rt: true, r.router: true, h.Claims: true, r.g: true, r.recv: true}
	target := r.recv + "." + h.Name
	params := r.g + " *" + r.rt + ".Guard"
	if h.Recv != "" {
		t := h.Recv
		if h.PtrRecv {
			t = "*" + t
		}
		params += ", " + r.recv + " " + t
	} else {
		target = h.Name
		reserved[h.Name] = true
	}
	local := func(name string) string {
		for reserved[name] {
			name += "_"
		}
		reserved[name] = true
		return name
	}
	req, c, rq, claims, ok := local("req"), local("c"), local("r"), local("claims"), local("ok")
	v, err := local("v"), local("err")
	gin := h.Framework == parse.FrameworkGin

	var w, ctxType, result, setReq, reject string
	if gin {
		w, ctxType, result = c+".Writer", "*"+r.router+".Context", r.router+".HandlerFunc"
		setReq = fmt.Sprintf("%s.Request = %s", c, rq)
		reject = fmt.Sprintf("%s.Abort()\n\t\t\treturn", c)
	} else {
		w, ctxType, result = c+".Response()", r.router+".Context", r.router+".HandlerFunc"
		setReq = fmt.Sprintf("%s.SetRequest(%s)", c, rq)
		reject = "return nil // the rejection is written"
	}
	reqOf := c + ".Request"
	if !gin {
		reqOf += "()"
	}
	claimsVar := claims
	if h.Shape == parse.ShapeHTTP {
		claimsVar = "_"
	}
	r.printf("// %s returns %s guarded by %s.\n// Use it to register the handler by hand.\n", name, h.Display(), h.Requirement())
	r.printf("func %s(%s) %s {\n", name, params, result)
	r.printf("\t%s := %s\n", req, r.requirement(h))
	ret := ""
	if !gin {
		ret = " error"
	}
	r.printf("\treturn func(%s %s)%s {\n", c, ctxType, ret)
	r.printf("\t\t%s, %s, %s := %s.Enforce(%s, %s, %s)\n", rq, claimsVar, ok, r.g, w, reqOf, req)
	r.printf("\t\tif !%s {\n\t\t\t%s\n\t\t}\n", ok, reject)
	r.printf("\t\t%s\n", setReq)
	args := c
	switch h.Shape {
	case parse.ShapeClaims:
		args += ", " + claims
	case parse.ShapeTyped:
		r.printf("\t\t%s, %s := %s.DecodeClaims[%s](%s)\n", v, err, r.rt, h.Claims, claims)
		r.printf("\t\tif %s != nil {\n\t\t\t%s.WriteError(%s, %s, %s)\n", err, r.g, w, rq, err)
		r.printf("\t\t\t%s\n\t\t}\n", reject)
		args += ", " + v
	}
	if gin {
		r.printf("\t\t%s(%s)\n", target, args)
	} else {
		r.printf("\t\treturn %s(%s)\n", target, args)
	}
	r.printf("\t}\n}\n\n")
}

// requirement renders a runtime.Requirement composite literal.
func (r *renderer) requirement(h *parse.Handler) string {
	var fields []string
	for _, f := range []struct {
		name  string
		lists [][]string
	}{{"Scopes", h.Scopes}, {"Roles", h.Roles}, {"Permissions", h.Permissions}} {
		if len(f.lists) == 0 {
			continue
		}
		var lists []string
		for _, l := range f.lists {
			quoted := make([]string, len(l))
			for i, v := range l {
				quoted[i] = strconv.Quote(v)
			}
			lists = append(lists, "{"+strings.Join(quoted, ", ")+"}")
		}
		fields = append(fields, f.name+": [][]string{"+strings.Join(lists, ", ")+"}")
	}
	if h.Authenticated {
		fields = append(fields, "Authenticated: true")
	}
	if h.DPoP {
		fields = append(fields, "DPoP: true")
	}
	if len(h.ACR) > 0 {
		quoted := make([]string, len(h.ACR))
		for i, v := range h.ACR {
			quoted[i] = strconv.Quote(v)
		}
		fields = append(fields, "ACR: []string{"+strings.Join(quoted, ", ")+"}")
	}
	if h.MaxAge > 0 {
		// Whole seconds, in nanoseconds as an untyped constant: the
		// generated file needs no time import.
		fields = append(fields, fmt.Sprintf("MaxAge: %de9 /* %s */", h.MaxAge/time.Second, h.MaxAge))
	}
	return r.rt + ".Requirement{" + strings.Join(fields, ", ") + "}"
}

// Write applies the plan: each file is written to a temporary file in its
// directory and renamed over the target, so no reader ever sees half a
// file; unchanged files are not touched. It returns the paths changed.
func (p *Plan) Write() ([]string, error) {
	var changed []string
	var errs []error
	for _, f := range p.Files {
		if f.Content == nil {
			if err := os.Remove(f.Path); err != nil && !errors.Is(err, os.ErrNotExist) {
				errs = append(errs, err)
				continue
			}
			changed = append(changed, f.Path)
			continue
		}
		if old, err := os.ReadFile(f.Path); err == nil && bytes.Equal(old, f.Content) {
			continue
		}
		if err := atomicfile.Write(f.Path, f.Content); err != nil {
			errs = append(errs, err)
			continue
		}
		changed = append(changed, f.Path)
	}
	return changed, errors.Join(errs...)
}
