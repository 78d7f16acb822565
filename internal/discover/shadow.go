// Shadowing: two registrations of routes that meet on one router, where
// the router serves one of them (or refuses both), whoever wrote them.

package discover

import (
	"cmp"
	"fmt"
	"go/token"
	"slices"
	"strings"

	"github.com/axioms-go/axiomsgen/internal/parse"
	"github.com/axioms-go/axiomsgen/internal/routers"
)

// routeSet is one router's table of routes: a router value and the
// groups made from it register into the same set; a sub-router of its
// own (chi Route, gorilla Subrouter, a router mounted under a prefix)
// has a set of its own.
type routeSet struct {
	id int
	// parent is the set of the chi router a chi router is mounted on
	// (Route, Mount), nil for others.
	parent *routeSet
}

// newSet makes the route set of a new router.
func (d *discoverer) newSet() *routeSet {
	d.sets++
	return &routeSet{id: d.sets}
}

// Served says which of a Shadow's two registrations the router serves.
type Served int

// The outcomes of two registrations that meet.
const (
	// ServesFirst: the router keeps the first registration (gorilla/mux
	// tries routes in order).
	ServesFirst Served = iota + 1
	// ServesSecond: the later registration replaces the earlier one (chi,
	// echo).
	ServesSecond
	// Panics: the router refuses the second registration and the
	// program stops at start (net/http, gin).
	Panics
	// EitherOne: the registrations run in code whose order the tool
	// cannot tell, so either may be served.
	EitherOne
)

// Shadow is a pair of registrations the router does not both serve.
// First runs before Second when the order is known.
type Shadow struct {
	First, Second Row
	Served        Served
	// Rule is the router's rule, as the router would state it.
	Rule string
	// Error says the request may reach a weaker guard than its author
	// wrote for it (unguarded, public, unknown, or a requirement not at
	// least as strict), or the program panics at start; otherwise the
	// finding is a warning.
	Error bool
}

// Winner is the registration the router serves; for Panics and
// EitherOne it is the weaker one (what a request may reach).
func (s Shadow) Winner() (served, hidden Row) {
	switch s.Served {
	case ServesFirst:
		return s.First, s.Second
	case ServesSecond:
		return s.Second, s.First
	}
	if weaker(s.First, s.Second) {
		return s.First, s.Second
	}
	return s.Second, s.First
}

// Message renders the finding; rel shortens file names. Its position is
// Pos.
func (s Shadow) Message(rel func(string) string) string {
	served, hidden := s.Winner()
	at := func(r Row) string {
		p := r.at()
		if p == s.Second.at() {
			return "the same line, run again"
		}
		return fmt.Sprintf("%s:%d", rel(p.Filename), p.Line)
	}
	var what string
	switch s.Served {
	case Panics:
		what = s.Rule
	case EitherOne:
		what = fmt.Sprintf("%s; which one that is depends on an order the tool cannot tell, and it may serve %s instead of %s", s.Rule, served.describe(), hidden.describe())
	default:
		what = fmt.Sprintf("%s; it serves %s, not %s", s.Rule, served.describe(), hidden.describe())
	}
	fix := "remove one registration or give them different paths"
	if s.Error && s.Served != Panics {
		fix = "requests can reach the weaker guard; " + fix
	}
	return fmt.Sprintf("%s: also registered at %s (%s): %s: %s", s.Second.Pattern(), at(s.First), s.First.Pattern(), what, fix)
}

// Pos is where a Shadow is reported: at the later registration.
func (s Shadow) Pos() token.Position { return s.Second.at() }

// at is where a route is registered: the call of the generated
// registration function for an annotated row.
func (r Row) at() token.Position {
	if r.regPos.IsValid() {
		return r.regPos
	}
	return r.Pos
}

// describe names a route's handler and guard for a finding.
func (r Row) describe() string {
	origin := "handler " + r.Handler
	if r.Router == "axioms" {
		origin = "the generated route of " + r.Handler
	}
	switch r.Status {
	case Guarded:
		return fmt.Sprintf("%s (guarded: %s)", origin, r.Requirement)
	case Unknown:
		return fmt.Sprintf("%s (%s: %s)", origin, r.Status, r.Reason)
	}
	return fmt.Sprintf("%s (%s)", origin, r.Status)
}

// shadows finds the pairs of registrations on one router that it would
// not both serve: the same route registered twice (a hand registration
// over a generated one, or two by hand), or patterns the router refuses
// together. Routes whose path, methods or router the walk does not know
// for certain are left out: a finding is never a guess. A registration
// run again (a helper called twice, a recursion) is reported once.
func shadows(routes []Row, mounts []connectMount) []Shadow {
	bySet := map[*routeSet][]Row{}
	for _, r := range routes {
		if r.set == nil || r.inexact || r.Dynamic != "" || strings.Contains(r.Path, "{?}") {
			continue
		}
		bySet[r.set] = append(bySet[r.set], r)
	}
	var out []Shadow
	seen := map[[2]token.Position]bool{}
	for _, rs := range bySet {
		slices.SortStableFunc(rs, func(a, b Row) int { return a.seq - b.seq })
		prefixes := make([]string, len(rs))
		for i := range rs {
			prefixes[i] = literalPrefix(rs[i].Path)
		}
		// Each registration is judged once, against the registration
		// that beats it: the first one for a router that serves the
		// first, else the latest one before it (which replaced, or
		// panics on, everything before).
		for j := range rs {
			var pick *Shadow
			for i := range j {
				pa, pb := prefixes[i], prefixes[j]
				if !strings.HasPrefix(pa, pb) && !strings.HasPrefix(pb, pa) {
					continue // cheap: most pairs part here
				}
				s, ok := shadow(rs[i], rs[j])
				if !ok {
					continue
				}
				if pick == nil || s.Served != ServesFirst {
					pick = &s
				}
			}
			if pick == nil {
				continue
			}
			if key := [2]token.Position{pick.First.at(), pick.Second.at()}; !seen[key] {
				seen[key] = true
				out = append(out, *pick)
			}
		}
	}
	out = append(out, mountedShadows(bySet)...)
	out = append(out, connectShadows(routes, mounts)...)
	slices.SortFunc(out, func(a, b Shadow) int {
		pa, pb := a.Pos(), b.Pos()
		if c := strings.Compare(pa.Filename, pb.Filename); c != 0 {
			return c
		}
		if pa.Line != pb.Line {
			return pa.Line - pb.Line
		}
		return strings.Compare(a.Second.Pattern(), b.Second.Pattern())
	})
	return out
}

// shadow judges two registrations of one route set, a registered first
// when their order is known.
func shadow(a, b Row) (Shadow, bool) {
	if a.seq == b.seq {
		return Shadow{}, false // one generated function: the generator checks its own routes
	}
	if a.cond && b.cond {
		return Shadow{}, false // both conditional: perhaps never together (if/else)
	}
	desc := byKind(a.setKind)
	if desc == nil || b.setKind != a.setKind {
		return Shadow{}, false
	}
	if !mayMeet(a, b) {
		return Shadow{}, false
	}
	rule := routers.Conflict(desc, routePattern(a), routePattern(b))
	if rule == "" {
		return Shadow{}, false
	}
	s := Shadow{First: a, Second: b, Rule: rule}
	switch {
	case (desc == routers.NetHTTP || desc == routers.Gin) && a.top != b.top:
		// A panic needs both to run; in functions the tool cannot tell
		// run together (the DefaultServeMux, a router in a field), that
		// would be a guess, and what it would serve is nothing.
		return Shadow{}, false
	case desc == routers.NetHTTP || desc == routers.Gin:
		s.Served, s.Error = Panics, true
		return s, true
	case a.top != b.top:
		s.Served = EitherOne
		s.Error = weaker(a, b) || weaker(b, a)
		return s, true
	case desc == routers.Gorilla:
		s.Served = ServesFirst
	default:
		s.Served = ServesSecond
	}
	served, hidden := s.Winner()
	s.Error = weaker(served, hidden)
	return s, true
}

// routePattern is the route as its router's Conflict reads it.
func routePattern(r Row) string {
	if r.Method == "" {
		return r.Host + r.Path
	}
	return r.Method + " " + r.Host + r.Path
}

// weaker reports whether a request that b was written for gets less
// protection from a: a is unguarded, public or unknown where b is
// guarded, or a's requirement is not known to be at least b's.
func weaker(a, b Row) bool {
	if b.Status != Guarded {
		return false
	}
	if a.Status != Guarded {
		return true
	}
	if a.Req == nil || b.Req == nil {
		return a.Requirement != b.Requirement
	}
	return !implies(*a.Req, *b.Req)
}

// implies reports whether every token meeting a meets b.
func implies(a, b parse.Requirement) bool {
	for _, k := range [][2][][]string{{a.Scopes, b.Scopes}, {a.Roles, b.Roles}, {a.Permissions, b.Permissions}} {
		// Each of b's any-of lists must be met by one of a's: a list of
		// a within it.
		for _, need := range k[1] {
			if !slices.ContainsFunc(k[0], func(have []string) bool {
				return len(have) > 0 && !slices.ContainsFunc(have, func(v string) bool { return !slices.Contains(need, v) })
			}) {
				return false
			}
		}
	}
	if b.DPoP && !a.DPoP {
		return false
	}
	if len(b.ACR) > 0 && (len(a.ACR) == 0 || slices.ContainsFunc(a.ACR, func(v string) bool { return !slices.Contains(b.ACR, v) })) {
		return false
	}
	if b.MaxAge > 0 && (a.MaxAge <= 0 || a.MaxAge > b.MaxAge) {
		return false
	}
	return true
}

// byKind returns the router whose reports name it kind, or nil.
func byKind(kind string) *routers.Router {
	for _, r := range routers.All {
		if r.Kind == kind {
			return r
		}
	}
	return nil
}

// markHidden marks the rows a router never serves: the losing side of
// each Shadow whose winner is certain. A row standing for several
// registrations (an annotated route through several calls of the
// generated function, extra) is marked only when all of them lose.
func markHidden(routes, extra []Row, shadows []Shadow) {
	type key struct {
		set     *routeSet
		seq     int
		pos     token.Position
		pattern string
	}
	keyOf := func(r Row) key { return key{r.set, r.seq, r.Pos, r.Pattern()} }
	hidden := map[key]Row{} // the losing registrations, to the winner
	for _, s := range shadows {
		if s.Served == ServesFirst || s.Served == ServesSecond {
			served, lost := s.Winner()
			hidden[keyOf(lost)] = served
		}
	}
	for i, r := range routes {
		served, ok := hidden[keyOf(r)]
		if !ok || slices.ContainsFunc(extra, func(e Row) bool {
			_, lost := hidden[keyOf(e)]
			return e.Pos == r.Pos && e.Pattern() == r.Pattern() && !lost
		}) {
			continue
		}
		routes[i].Status, routes[i].Reason = Shadowed, fmt.Sprintf("never served: %s serves %s instead", cmp.Or(r.setKind, served.setKind), served.describe())
		routes[i].Requirement, routes[i].DPoP, routes[i].Kinds, routes[i].Middleware, routes[i].Req = "", false, nil, "", nil
		routes[i].problem = "" // never reached: the Shadow is the finding
	}
}

// mayMeet is a cheap necessary condition for two routes of one router to
// conflict, checked before the router's own rules (which build muxes
// and regexps): the same host, methods that can be the same, and
// literal prefixes (up to the first parameter or wildcard) of which one
// starts the other.
func mayMeet(a, b Row) bool {
	if a.Host != b.Host || a.Method != b.Method && a.Method != "" && b.Method != "" {
		return false
	}
	pa, pb := literalPrefix(a.Path), literalPrefix(b.Path)
	return strings.HasPrefix(pa, pb) || strings.HasPrefix(pb, pa)
}

// literalPrefix is a path up to its first parameter or wildcard.
func literalPrefix(p string) string {
	if i := strings.IndexAny(p, "{:*"); i >= 0 {
		return p[:i]
	}
	return p
}

// mountedShadows: chi tries a router's own routes before the catch-all
// it mounts a sub-router on (Route, Mount), so a route of the parent (or of an
// ancestor) matching the requests of a route of the sub-router is
// served instead of it, whatever the order of registration.
func mountedShadows(bySet map[*routeSet][]Row) []Shadow {
	var out []Shadow
	for set, rs := range bySet {
		for _, sub := range rs {
			depth := 0
			for anc := set.parent; anc != nil && depth < maxMountChain; anc, depth = anc.parent, depth+1 {
				i := slices.IndexFunc(bySet[anc], func(p Row) bool {
					return mayMeet(p, sub) && routers.Conflict(routers.Chi, routePattern(p), routePattern(sub)) != ""
				})
				if i < 0 {
					continue
				}
				p := bySet[anc][i]
				out = append(out, Shadow{First: p, Second: sub, Served: ServesFirst, Error: weaker(p, sub),
					Rule: "chi tries a router's own routes before those of a router mounted on it (Route, Mount), so the mounted router's route is never reached"})
				break
			}
		}
	}
	return out
}
