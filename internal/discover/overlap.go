// Overlaps: a request that a guarded pattern was written for, spelt
// another way (another case or a trailing dot in the host, a slash
// encoded as %2F), that the router serves with a weaker route: probed on
// a real ServeMux for net/http; for chi and echo, which route on the
// request's escaped path, a catch-all before a guarded path below it.

package discover

import (
	"cmp"
	"fmt"
	"go/token"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// Overlap is a request a route was written for that its router serves
// with a weaker route.
type Overlap struct {
	Route   Row    // the route the request was meant for
	Served  Row    // the weaker route that serves it
	Request string // one such request, "GET /static/admin%2Fconfig (Host: ...)"
}

// Pos is where an Overlap is reported: at the route the request was
// meant for.
func (o Overlap) Pos() token.Position { return o.Route.at() }

// Message renders the finding; rel shortens file names.
func (o Overlap) Message(rel func(string) string) string {
	p := o.Served.at()
	return fmt.Sprintf("%s: the request %s is served by %s at %s:%d, %s, not by this route (%s): requests can reach the weaker guard; guard %s as strictly, or narrow its pattern",
		o.Route.Pattern(), o.Request, o.Served.Pattern(), rel(p.Filename), p.Line, o.Served.describe(), o.Route.describe(), o.Served.Pattern())
}

// overlaps probes each ServeMux route set with the requests its guarded
// routes were written for, spelt the ways a client may spell them, on a
// real http.ServeMux holding the set's patterns: whatever the mux's own
// rules, the finding is what it does.
func overlaps(routes []Row) []Overlap {
	bySet := map[*routeSet][]Row{}
	for _, r := range routes {
		if r.set == nil || r.setKind != "net/http" || r.inexact || r.Dynamic != "" || strings.Contains(r.Path, "{?}") {
			continue
		}
		bySet[r.set] = append(bySet[r.set], r)
	}
	var out []Overlap
	for _, rs := range rawPathSets(routes) {
		out = append(out, rawPathOverlaps(rs)...)
	}
	for _, rs := range bySet {
		mux, ok := muxOf(rs)
		if !ok {
			continue // patterns the mux refuses together: a Shadow says so
		}
		for i, r := range rs {
			if r.Status != Guarded {
				continue
			}
			for _, probe := range probes(r) {
				_, pattern := mux.Handler(probe.req)
				j := slices.IndexFunc(rs, func(o Row) bool { return routePattern(o) == pattern })
				if j < 0 || j == i || !weaker(rs[j], r) {
					continue
				}
				out = append(out, Overlap{Route: r, Served: rs[j], Request: probe.text})
				break // one request per pair says enough
			}
		}
	}
	slices.SortFunc(out, func(a, b Overlap) int {
		pa, pb := a.Pos(), b.Pos()
		return cmp.Or(cmp.Compare(pa.Filename, pb.Filename), cmp.Compare(pa.Line, pb.Line), cmp.Compare(a.Request, b.Request))
	})
	return out
}

// muxOf registers the set's patterns on a new ServeMux; ok is false when
// it refuses one (a conflict). A pattern registered twice is kept once.
func muxOf(rs []Row) (mux *http.ServeMux, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	mux = http.NewServeMux()
	seen := map[string]bool{}
	for _, r := range rs {
		if p := routePattern(r); !seen[p] {
			seen[p] = true
			mux.Handle(p, http.NotFoundHandler())
		}
	}
	return mux, true
}

type probe struct {
	req  *http.Request
	text string
}

// probes are requests route r was written for, spelt otherwise: its
// host in upper case and with a trailing dot, and its path with one of
// its slashes (after the first segment) encoded as %2F.
func probes(r Row) []probe {
	method := cmp.Or(r.Method, http.MethodGet)
	path, ok := samplePath(r.Path)
	if !ok {
		return nil
	}
	var out []probe
	add := func(host, rawPath string) {
		u := &url.URL{Scheme: "http", Host: cmp.Or(host, "example.com")}
		var err error
		if u.Path, err = url.PathUnescape(rawPath); err != nil {
			return
		}
		u.RawPath = rawPath
		req := &http.Request{Method: method, URL: u, Host: u.Host, Header: http.Header{}}
		text := method + " " + rawPath
		if host != "" {
			text += " with Host: " + host
		}
		out = append(out, probe{req: req, text: text})
	}
	if r.Host != "" {
		add(strings.ToUpper(r.Host), path)
		add(r.Host+".", path)
	}
	for i := 1; i < len(path); i++ {
		if path[i] == '/' && i < len(path)-1 {
			add(r.Host, path[:i]+"%2F"+path[i+1:])
		}
	}
	return out
}

// samplePath is a path matching a ServeMux pattern's path: each
// wildcard a plain segment, {$} nothing.
func samplePath(p string) (string, bool) {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		switch {
		case s == "{$}":
			segs[i] = ""
		case strings.HasPrefix(s, "{") && strings.HasSuffix(s, "}"):
			segs[i] = "x"
		case strings.ContainsAny(s, "{}"):
			return "", false
		}
	}
	return strings.Join(segs, "/"), true
}

// rawPathSets groups the chi and echo routes whose path and methods are
// known by route set.
func rawPathSets(routes []Row) map[*routeSet][]Row {
	out := map[*routeSet][]Row{}
	for _, r := range routes {
		if r.set == nil || (r.setKind != "chi" && r.setKind != "echo") || r.inexact || r.Dynamic != "" || strings.Contains(r.Path, "{?}") {
			continue
		}
		out[r.set] = append(out[r.set], r)
	}
	return out
}

// rawPathOverlaps: chi and echo match routes against the escaped path
// when the request has one, so /static/admin%2Fconfig does not reach a
// static /static/admin/config; their catch-all /static/* takes it, and
// the handler behind it sees the path unescaped: admin/config. A
// catch-all weaker than a guarded route with a slash below the
// catch-all's prefix serves the guarded route's request that way.
func rawPathOverlaps(rs []Row) []Overlap {
	var out []Overlap
	for _, s := range rs {
		if s.Status != Guarded {
			continue
		}
		for _, w := range rs {
			prefix, ok := strings.CutSuffix(w.Path, "*")
			if !ok || !strings.HasSuffix(prefix, "/") || w.Method != s.Method && w.Method != "" || !weaker(w, s) {
				continue
			}
			rest, ok := strings.CutPrefix(s.Path, prefix)
			seg, below, split := strings.Cut(rest, "/")
			if !ok || !split || below == "" || seg == "" || strings.ContainsAny(seg, "{}:*") {
				continue
			}
			segs := strings.Split(below, "/")
			for i, g := range segs {
				if strings.ContainsAny(g, "{}:*") {
					segs[i] = "x" // a parameter: any plain segment
				}
			}
			out = append(out, Overlap{Route: s, Served: w, Request: cmp.Or(s.Method, http.MethodGet) + " " + prefix + seg + "%2F" + strings.Join(segs, "/")})
			break
		}
	}
	return out
}
