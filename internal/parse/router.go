package parse

import (
	"fmt"

	"github.com/axioms-go/axiomsgen/internal/routers"
)

// Router is the router a package's generated registrations are written
// for.
type Router string

// The routers axiomsgen generates registrations for.
const (
	RouterHTTP    Router = "net/http"
	RouterChi     Router = "chi"
	RouterGorilla Router = "gorilla"
	RouterGin     Router = "gin"
	RouterEcho    Router = "echo"
)

// Routers lists the routers, as -router takes them (the router table's
// flags, in its order).
var Routers = func() []Router {
	var out []Router
	for _, r := range routers.All {
		out = append(out, Router(r.Flag))
	}
	return out
}()

// Import paths of the routers, from the router table.
const (
	ChiPath       = routers.ChiPath
	ChiLegacyPath = routers.ChiLegacyPath
	GorillaPath   = routers.GorillaPath
	GinPath       = routers.GinPath
	EchoPath      = routers.EchoPath
)

// Framework is the handler signature family the router's handlers have.
func (r Router) Framework() Framework {
	switch r {
	case RouterGin:
		return FrameworkGin
	case RouterEcho:
		return FrameworkEcho
	}
	return FrameworkHTTP
}

func (f Framework) String() string {
	switch f {
	case FrameworkGin:
		return "gin"
	case FrameworkEcho:
		return "echo"
	}
	return "net/http"
}

// router resolves the package's router: the explicit one, else gin or
// echo when the handlers have their signatures, else chi or gorilla/mux
// when the package imports one of them, else net/http. Handlers of
// another signature family than the router's are errors and dropped.
func (p *parser) router(explicit Router, imports []string) (Router, string) {
	chiPath, gorilla := "", false
	for _, path := range imports {
		switch routers.ByPath(path) {
		case routers.Chi:
			chiPath = path
		case routers.Gorilla:
			gorilla = true
		}
	}

	router := explicit
	if router == "" {
		switch p.handlers[0].Framework {
		case FrameworkGin:
			router = RouterGin
		case FrameworkEcho:
			router = RouterEcho
		default:
			switch {
			case chiPath != "" && gorilla:
				h := p.handlers[0]
				p.errs = append(p.errs, Error{Pos: h.Pos, Msg: "this package imports both chi and gorilla/mux, so the router RegisterRoutes takes is ambiguous: run axiomsgen with -router=chi, -router=gorilla or -router=net/http"})
				router = RouterChi
			case chiPath != "":
				router = RouterChi
			case gorilla:
				router = RouterGorilla
			default:
				router = RouterHTTP
			}
		}
	}
	want := router.Framework()
	var first *Handler
	kept := p.handlers[:0]
	for _, h := range p.handlers {
		if h.Framework == want {
			if first == nil {
				first = h
			}
			kept = append(kept, h)
			continue
		}
		if explicit != "" {
			p.errs = append(p.errs, Error{Pos: h.Pos, Msg: fmt.Sprintf("%s is a %s handler, but -router=%s registers %s handlers: change its signature or the -router flag", h.Display(), h.Framework, string(router), want)})
		} else {
			p.errs = append(p.errs, Error{Pos: h.Pos, Msg: fmt.Sprintf("%s is a %s handler, but %s at %s is a %s handler: the routes of one package go on one router; move one of them to another package", h.Display(), h.Framework, first.Display(), Short(first.Pos), want)})
		}
	}
	p.handlers = kept

	if router == RouterChi && chiPath != "" {
		return router, chiPath // the path the package imports: v5 or v1 to v4
	}
	if d := routers.ByFlag(string(router)); d != nil && d != routers.NetHTTP {
		return router, d.Paths[0]
	}
	return router, ""
}

// checkRoutes validates every route with the router's rules, drops the
// handlers with an invalid one and reports routes that clash.
func (p *parser) checkRoutes(router Router) {
	kept := p.handlers[:0]
	for _, h := range p.handlers {
		ok := true
		for _, rt := range h.Routes {
			msg := ValidPattern(router, rt.Pattern)
			switch {
			case msg == "":
				continue
			case router == RouterHTTP:
				p.errs = append(p.errs, Error{Pos: rt.Pos, Msg: fmt.Sprintf("invalid route pattern %q: %s", rt.Pattern, msg)})
			default:
				p.errs = append(p.errs, Error{Pos: rt.Pos, Msg: fmt.Sprintf("invalid %s route pattern %q: %s", router, rt.Pattern, msg)})
			}
			ok = false
		}
		if ok {
			kept = append(kept, h)
		}
	}
	p.handlers = kept
	p.checkConflicts(router)
}

// SplitRoute splits "METHOD /path" into method and path; method is ""
// when the pattern has none.
func SplitRoute(pattern string) (method, path string) { return routers.SplitRoute(pattern) }

// ValidPattern checks a route pattern, "[METHOD ]/path", with the rules of
// router (the router table's), returning what is wrong or "".
func ValidPattern(router Router, pattern string) string {
	return routers.ValidPattern(routers.ByFlag(string(router)), pattern)
}

// conflict reports why two valid patterns of router cannot both be
// registered, or "".
func conflict(router Router, a, b string) string {
	return routers.Conflict(routers.ByFlag(string(router)), a, b)
}

// checkConflicts finds routes of the package that the router would
// refuse together, or of which it would serve only one.
func (p *parser) checkConflicts(router Router) {
	type entry struct {
		h *Handler
		r RouteDirective
	}
	var all []entry
	for _, h := range p.handlers {
		for _, r := range h.Routes {
			all = append(all, entry{h, r})
		}
	}
	for j := range all {
		for i := range j {
			if why := conflict(router, all[i].r.Pattern, all[j].r.Pattern); why != "" {
				p.errs = append(p.errs, Error{Pos: all[j].r.Pos, Msg: fmt.Sprintf(
					"route %q of %s conflicts with route %q of %s at %s: %s",
					all[j].r.Pattern, all[j].h.Display(), all[i].r.Pattern, all[i].h.Display(), Short(all[i].r.Pos), why)})
				break
			}
		}
	}
}

func (r Router) String() string {
	if r == RouterGorilla {
		return "gorilla/mux"
	}
	return string(r)
}
