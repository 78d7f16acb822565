// Package routers is what axiomsgen knows of each router it supports:
// import paths, the types routes are registered on, and every method
// that registers a route with the role of each argument. Discovery reads
// routes with it; adding a router is one descriptor here plus its
// testdata.
package routers

import (
	"fmt"
	"go/types"
	"slices"
	"strings"
)

// Role is what one argument of a registration method is.
type Role int

// The argument roles.
const (
	Method     Role = iota + 1 // the HTTP method, a string
	Methods                    // a list of HTTP methods ([]string)
	Path                       // the path, or a pattern that may carry a method (see Registration.PatternMethod)
	Handler                    // the handler
	Handlers                   // variadic handler chain; the last one answers (gin)
	Middleware                 // variadic route middleware, run before the handler (echo)
	Files                      // a directory, file or file system the route serves
	Ignored                    // an argument that says nothing about the route
)

// Registration is one method (or package func) that registers routes.
type Registration struct {
	Name string
	// Args gives the role of each argument; a final Handlers,
	// Middleware or Files takes the remaining (variadic) arguments.
	Args []Role
	// Fixed are the methods the route answers when no argument says:
	// "GET" for r.Get, GET and HEAD for gin's Static. nil with no
	// Method or Methods argument means any method.
	Fixed []string
	// Suffixes are appended to the path, one route each (a file tree
	// served under the path); nil is the path alone.
	Suffixes []string
	// PatternMethod says the pattern may start with a method
	// ("GET /items", net/http and chi's Handle).
	PatternMethod bool
	// Chains says the method returns the router it was called on, so a
	// call on its result registers on the same router (gin's IRoutes).
	Chains bool
}

// Group is a method returning a router whose routes go under the
// receiver's prefix and middleware, plus its own (a group or sub-router).
type Group struct {
	Name       string
	Prefix     int  // the argument holding the prefix, -1 if none
	Middleware int  // the first middleware argument, -1 if none
	Callback   bool // the last argument is a func run with the new router, which registers its routes (chi)
}

// Chain describes routes built by a chain of calls on a route builder
// (gorilla/mux: r.Path(p).Methods(m).Handler(h), in any order): the
// calls that set the path, the methods and the handler, and the one that
// turns the route so far into a sub-router. A registration of the
// router (Handle, HandleFunc) may start the chain.
type Chain struct {
	Builder   TypeName // the route builder the chain's calls return
	Path      []string // one argument: the path or prefix
	Methods   string   // variadic: the methods
	Handler   []string // one argument: the handler
	Subrouter string
	// Other are the builder's other exported methods, with why the
	// chain does not read them (the table test walks the builder too);
	// its Get... accessors are never read.
	Other map[string]string
}

// TypeName is a named type of a package.
type TypeName struct{ Path, Name string }

// Generated is how generated code registers routes on the router.
type Generated struct {
	// PkgName is the name the generated file imports the router as
	// ("" for net/http, which registers on the runtime's Mux).
	PkgName string
	// Params are the names RegisterRoutes' router parameter may take, in
	// order of preference (the next is taken when one clashes).
	Params []string
	// ParamType is that parameter's type; %s is PkgName as imported, or
	// the runtime's name for net/http.
	ParamType string
	// Statement is the registration of handler for pattern ("[METHOD
	// ]/path", as the directive wrote it) on the parameter on.
	Statement func(on, pattern, handler string) string
}

// Router describes one router library.
type Router struct {
	// Kind names the router in reports: net/http, chi, gorilla/mux, gin, echo.
	Kind string
	// Flag names the router as -router takes it and the generated
	// file's header records it.
	Flag string
	// Gen is how generated code registers on it.
	Gen Generated
	// Context is the first parameter of the router's own handler
	// signature, when it has one (gin, echo): a pointer to the type when
	// ContextPtr, and the handler returns an error when ReturnsError.
	// Routers without one take net/http handlers.
	Context                  TypeName
	ContextPtr, ReturnsError bool
	// Paths are the import paths of the library (chi has two).
	Paths []string
	// Types are the types whose methods register routes: routers,
	// groups, sub-routers, and interfaces over them.
	Types []TypeName
	// Constructors are the package funcs that return a new, empty router.
	Constructors []string
	// Registrations are the methods (or, with PackageFuncs, funcs) that
	// register routes.
	Registrations []Registration
	// PackageFuncs says Registrations are also package funcs that
	// register on a default router (http.Handle).
	PackageFuncs bool
	// Use names the method applying middleware to the registrations
	// that follow, "" if none.
	Use string
	// Groups are the methods making groups and sub-routers.
	Groups []Group
	// Strip names the package func returning a handler that strips a
	// prefix (its first argument) from the requests of another (its
	// second): a router handed to it and registered with a
	// PatternMethod registration is mounted under the prefix.
	Strip string
	// Chain is how routes are built by chains of calls, nil if they are not.
	Chain *Chain
	// Mount names the method mounting a whole router (its second
	// argument) under a prefix (its first), "" if none.
	Mount string
	// Other are the exported methods of Types that are deliberately not
	// registrations, with why: the table test fails on a method that is
	// neither here nor in Registrations, so a router release adding one
	// is noticed.
	Other map[string]string
}

// Registration returns the registration named name, if r has one.
func (r *Router) Registration(name string) (Registration, bool) {
	i := slices.IndexFunc(r.Registrations, func(reg Registration) bool { return reg.Name == name })
	if i < 0 {
		return Registration{}, false
	}
	return r.Registrations[i], true
}

// Group returns the group method named name, if r has one.
func (r *Router) Group(name string) (Group, bool) {
	i := slices.IndexFunc(r.Groups, func(g Group) bool { return g.Name == name })
	if i < 0 {
		return Group{}, false
	}
	return r.Groups[i], true
}

// IsConstructor reports whether the package func name returns a new router.
func (r *Router) IsConstructor(name string) bool { return slices.Contains(r.Constructors, name) }

var verbs = []string{"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "CONNECT", "TRACE"}

// verbMethods are registrations named for their method: GET, or Get
// with title (chi).
func verbMethods(names []string, title bool, args []Role, chains bool) []Registration {
	var out []Registration
	for _, v := range names {
		name := v
		if title {
			name = v[:1] + toLower(v[1:])
		}
		out = append(out, Registration{Name: name, Args: args, Fixed: []string{v}, Chains: chains})
	}
	return out
}

func toLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// RuntimePath is the import path of axiomsgen's runtime, whose Mux
// interface is a net/http router.
const RuntimePath = "github.com/axioms-go/axiomsgen/runtime"

// Import paths of the routers.
const (
	ChiPath       = "github.com/go-chi/chi/v5"
	ChiLegacyPath = "github.com/go-chi/chi" // v1 to v4
	GorillaPath   = "github.com/gorilla/mux"
	GinPath       = "github.com/gin-gonic/gin"
	EchoPath      = "github.com/labstack/echo/v4"
)

var notFound = "answers requests no route matches: not a route of its own"

// NetHTTP is net/http's ServeMux.
var NetHTTP = &Router{
	Kind: "net/http",
	Flag: "net/http",
	Gen: Generated{
		Params: []string{"mux", "router", "axiomsMux"}, ParamType: "%s.Mux",
		Statement: func(on, pattern, h string) string { return fmt.Sprintf("%s.Handle(%q, %s)", on, pattern, h) },
	},
	Paths:        []string{"net/http"},
	Types:        []TypeName{{"net/http", "ServeMux"}, {RuntimePath, "Mux"}},
	Constructors: []string{"NewServeMux"},
	Registrations: []Registration{
		{Name: "Handle", Args: []Role{Path, Handler}, PatternMethod: true},
		{Name: "HandleFunc", Args: []Role{Path, Handler}, PatternMethod: true},
	},
	PackageFuncs: true,
	Strip:        "StripPrefix",
	Other: map[string]string{
		"Handler":   "looks a handler up for a request",
		"ServeHTTP": "serves a request",
	},
}

// Chi is github.com/go-chi/chi, v5 and the unversioned path of v1 to v4.
var Chi = &Router{
	Kind: "chi",
	Flag: "chi",
	Gen: Generated{
		PkgName: "chi", Params: []string{"r", "router", "axiomsRouter"}, ParamType: "%s.Router",
		Statement: func(on, pattern, h string) string {
			if method, path := SplitRoute(pattern); method != "" {
				return fmt.Sprintf("%s.Method(%q, %q, %s)", on, method, path, h)
			}
			return fmt.Sprintf("%s.Handle(%q, %s)", on, pattern, h)
		},
	},
	Paths: []string{ChiPath, ChiLegacyPath},
	Types: []TypeName{
		{ChiPath, "Mux"}, {ChiPath, "Router"},
		{ChiLegacyPath, "Mux"}, {ChiLegacyPath, "Router"},
	},
	Constructors: []string{"NewRouter", "NewMux"},
	Registrations: append([]Registration{
		{Name: "Handle", Args: []Role{Path, Handler}, PatternMethod: true},
		{Name: "HandleFunc", Args: []Role{Path, Handler}, PatternMethod: true},
		{Name: "Method", Args: []Role{Method, Path, Handler}},
		{Name: "MethodFunc", Args: []Role{Method, Path, Handler}},
		// Mount of a handler that is not a router: a route for the
		// prefix (a mounted router is a mount, not a route).
		{Name: "Mount", Args: []Role{Path, Handler}},
	}, verbMethods(slices.Concat(verbs, []string{"QUERY"}), true, []Role{Path, Handler}, false)...),
	Use:   "Use",
	Mount: "Mount",
	Groups: []Group{
		{Name: "With", Prefix: -1, Middleware: 0},
		{Name: "Group", Prefix: -1, Middleware: -1, Callback: true},
		{Name: "Route", Prefix: 0, Middleware: -1, Callback: true},
	},
	Other: map[string]string{
		"NotFoundHandler":         "returns the not-found handler",
		"MethodNotAllowedHandler": "returns the method-not-allowed handler",

		"Use":              "middleware for the routes after it",
		"With":             "a router with middleware",
		"Group":            "a group, walked through its callback",
		"Route":            "a sub-router under a prefix, walked through its callback",
		"NotFound":         notFound,
		"MethodNotAllowed": notFound,
		"Middlewares":      "lists middleware",
		"Routes":           "lists routes",
		"Match":            "looks a route up",
		"Find":             "looks a route up",
		"ServeHTTP":        "serves a request",
	},
}

// Gorilla is github.com/gorilla/mux. Its routes are built by chains
// (r.Path(p).Methods(m).Handler(h)); Registrations are the router's own
// methods that end a route.
var Gorilla = &Router{
	Kind: "gorilla/mux",
	Flag: "gorilla",
	Gen: Generated{
		PkgName: "mux", Params: []string{"r", "router", "axiomsRouter"}, ParamType: "*%s.Router",
		Statement: func(on, pattern, h string) string {
			if method, path := SplitRoute(pattern); method != "" {
				return fmt.Sprintf("%s.Handle(%q, %s).Methods(%q)", on, path, h, method)
			}
			return fmt.Sprintf("%s.Handle(%q, %s)", on, pattern, h)
		},
	},
	Paths:        []string{GorillaPath},
	Types:        []TypeName{{GorillaPath, "Router"}},
	Constructors: []string{"NewRouter"},
	Registrations: []Registration{
		{Name: "Handle", Args: []Role{Path, Handler}},
		{Name: "HandleFunc", Args: []Role{Path, Handler}},
	},
	Chain: &Chain{
		Builder: TypeName{GorillaPath, "Route"},
		Path:    []string{"Path", "PathPrefix"}, Methods: "Methods",
		Handler: []string{"Handler", "HandlerFunc"}, Subrouter: "Subrouter",
		Other: map[string]string{
			"Host":          "narrows the route to a host: not read, the row has no host",
			"Headers":       "narrows the route to headers: not read",
			"HeadersRegexp": "narrows the route to headers: not read",
			"Queries":       "narrows the route to query values: not read",
			"Schemes":       "narrows the route to schemes: not read",
			"MatcherFunc":   "narrows the route by a func: not read",
			"Name":          "names the route",
			"BuildOnly":     "a route only for building URLs",
			"BuildVarsFunc": "rewrites variables when building URLs",
			"SkipClean":     "reports a matching option",
			"Match":         "matches a request",
			"URL":           "builds a URL",
			"URLHost":       "builds a URL",
			"URLPath":       "builds a URL",
		},
	},
	Use: "Use",
	Other: map[string]string{
		"Use":            "middleware for the routes after it",
		"Path":           "starts a route built by a chain",
		"PathPrefix":     "starts a route built by a chain",
		"Methods":        "starts a route built by a chain",
		"Host":           "starts a route built by a chain",
		"Headers":        "starts a route built by a chain",
		"Queries":        "starts a route built by a chain",
		"Schemes":        "starts a route built by a chain",
		"MatcherFunc":    "starts a route built by a chain",
		"BuildVarsFunc":  "starts a route built by a chain",
		"Name":           "starts a route built by a chain",
		"NewRoute":       "starts a route built by a chain",
		"Get":            "looks a named route up",
		"GetRoute":       "looks a named route up",
		"Match":          "looks a route up",
		"Walk":           "visits routes",
		"ServeHTTP":      "serves a request",
		"StrictSlash":    "a matching option",
		"SkipClean":      "a matching option",
		"UseEncodedPath": "a matching option",
	},
}

// Gin is github.com/gin-gonic/gin.
var Gin = &Router{
	Kind: "gin",
	Flag: "gin",
	Gen: Generated{
		PkgName: "gin", Params: []string{"r", "router", "axiomsRouter"}, ParamType: "%s.IRoutes",
		Statement: func(on, pattern, h string) string {
			if method, path := SplitRoute(pattern); method != "" {
				return fmt.Sprintf("%s.Handle(%q, %q, %s)", on, method, path, h)
			}
			return fmt.Sprintf("%s.Any(%q, %s)", on, pattern, h)
		},
	},
	Paths: []string{GinPath},
	Types: []TypeName{
		{GinPath, "Engine"}, {GinPath, "RouterGroup"}, {GinPath, "IRouter"}, {GinPath, "IRoutes"},
	},
	Context:      TypeName{GinPath, "Context"},
	ContextPtr:   true,
	Constructors: []string{"New", "Default"},
	Registrations: append([]Registration{
		{Name: "Handle", Args: []Role{Method, Path, Handlers}, Chains: true},
		{Name: "Any", Args: []Role{Path, Handlers}, Chains: true},
		{Name: "Match", Args: []Role{Methods, Path, Handlers}, Chains: true},
		{Name: "Static", Args: []Role{Path, Files}, Fixed: []string{"GET", "HEAD"}, Suffixes: []string{"/*filepath"}, Chains: true},
		{Name: "StaticFS", Args: []Role{Path, Files}, Fixed: []string{"GET", "HEAD"}, Suffixes: []string{"/*filepath"}, Chains: true},
		{Name: "StaticFile", Args: []Role{Path, Files}, Fixed: []string{"GET", "HEAD"}, Chains: true},
		{Name: "StaticFileFS", Args: []Role{Path, Files}, Fixed: []string{"GET", "HEAD"}, Chains: true},
	}, verbMethods(verbs[:7], false, []Role{Path, Handlers}, true)...),
	Use:    "Use",
	Groups: []Group{{Name: "Group", Prefix: 0, Middleware: 1}},
	Other: map[string]string{
		"Handler":           "the engine as an http.Handler",
		"ServeHTTP":         "serves a request",
		"HandleContext":     "re-enters the engine with a context",
		"Routes":            "lists routes",
		"Run":               "serves",
		"RunFd":             "serves",
		"RunListener":       "serves",
		"RunQUIC":           "serves",
		"RunTLS":            "serves",
		"RunUnix":           "serves",
		"Delims":            "an HTML template setting",
		"LoadHTMLFS":        "an HTML template setting",
		"LoadHTMLFiles":     "an HTML template setting",
		"LoadHTMLGlob":      "an HTML template setting",
		"SetFuncMap":        "an HTML template setting",
		"SetHTMLTemplate":   "an HTML template setting",
		"SecureJsonPrefix":  "a rendering setting",
		"SetTrustedProxies": "a client IP setting",
		"With":              "applies engine options",

		"Use":      "middleware for the routes after it",
		"Group":    "a group under a prefix",
		"BasePath": "the group's prefix",
		"NoRoute":  notFound,
		"NoMethod": notFound,
	},
}

// Echo is github.com/labstack/echo/v4.
var Echo = &Router{
	Kind: "echo",
	Flag: "echo",
	Gen: Generated{
		// The interface *echo.Echo and *echo.Group both satisfy, declared
		// in the generated file.
		PkgName: "echo", Params: []string{"e", "router", "axiomsRouter"}, ParamType: "AxiomsEchoRouter",
		Statement: func(on, pattern, h string) string {
			if method, path := SplitRoute(pattern); method != "" {
				return fmt.Sprintf("%s.Add(%q, %q, %s)", on, method, path, h)
			}
			return fmt.Sprintf("%s.Any(%q, %s)", on, pattern, h)
		},
	},
	Paths:        []string{EchoPath},
	Types:        []TypeName{{EchoPath, "Echo"}, {EchoPath, "Group"}},
	Context:      TypeName{EchoPath, "Context"},
	ReturnsError: true,
	Constructors: []string{"New"},
	Registrations: append([]Registration{
		{Name: "Add", Args: []Role{Method, Path, Handler, Middleware}},
		{Name: "Any", Args: []Role{Path, Handler, Middleware}},
		{Name: "Match", Args: []Role{Methods, Path, Handler, Middleware}},
		{Name: "Static", Args: []Role{Path, Files}, Fixed: []string{"GET"}, Suffixes: []string{"", "/*"}},
		{Name: "StaticFS", Args: []Role{Path, Files}, Fixed: []string{"GET"}, Suffixes: []string{"", "/*"}},
		{Name: "File", Args: []Role{Path, Files, Middleware}, Fixed: []string{"GET"}},
		{Name: "FileFS", Args: []Role{Path, Files, Files, Middleware}, Fixed: []string{"GET"}},
	}, verbMethods(verbs, false, []Role{Path, Handler, Middleware}, false)...),
	Use:    "Use",
	Groups: []Group{{Name: "Group", Prefix: 0, Middleware: 1}},
	Other: map[string]string{
		"ServeHTTP":               "serves a request",
		"Start":                   "serves",
		"StartAutoTLS":            "serves",
		"StartH2CServer":          "serves",
		"StartServer":             "serves",
		"StartTLS":                "serves",
		"Shutdown":                "stops serving",
		"Close":                   "stops serving",
		"ListenerAddr":            "the address served",
		"TLSListenerAddr":         "the address served",
		"AcquireContext":          "context pooling",
		"ReleaseContext":          "context pooling",
		"NewContext":              "context pooling",
		"DefaultHTTPErrorHandler": "answers errors",
		"Reverse":                 "builds the URL of a route",
		"URI":                     "builds the URL of a route",
		"URL":                     "builds the URL of a route",
		"Router":                  "the routing tree",
		"Routers":                 "the routing trees",
		"Routes":                  "lists routes",

		"Use":           "middleware for the routes after it",
		"Pre":           "middleware run before routing",
		"Group":         "a group under a prefix",
		"Host":          "a group for a host",
		"RouteNotFound": notFound,
	},
}

// All are the routers, in the order -router lists them.
var All = []*Router{NetHTTP, Chi, Gorilla, Gin, Echo}

// ByFlag returns the router -router names, or nil.
func ByFlag(flag string) *Router {
	for _, r := range All {
		if r.Flag == flag {
			return r
		}
	}
	return nil
}

// SplitRoute splits "METHOD /path" into method and path; method is ""
// when the pattern has none.
func SplitRoute(pattern string) (method, path string) {
	if i := strings.IndexAny(pattern, " \t"); i >= 0 {
		return pattern[:i], strings.TrimLeft(pattern[i+1:], " \t")
	}
	return "", pattern
}

// ByPath returns the router whose library has the import path, or nil.
func ByPath(path string) *Router {
	for _, r := range All {
		if slices.Contains(r.Paths, path) {
			return r
		}
	}
	return nil
}

// KindOf names the router of a type (a router, group or pointer to
// one), "" if it is none.
func KindOf(t types.Type) string {
	if r := Of(t); r != nil {
		return r.Kind
	}
	return ""
}

// Of returns the router a type registers routes for, or nil.
func Of(t types.Type) *Router {
	if t == nil {
		return nil
	}
	if p, ok := types.Unalias(t).(*types.Pointer); ok {
		t = p.Elem()
	}
	n, ok := types.Unalias(t).(*types.Named)
	if !ok || n.Obj().Pkg() == nil {
		return nil
	}
	tn := TypeName{n.Obj().Pkg().Path(), n.Obj().Name()}
	for _, r := range All {
		if slices.Contains(r.Types, tn) {
			return r
		}
	}
	return nil
}
