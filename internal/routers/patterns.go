// Pattern rules: each router's path syntax, checked with its own
// rules, and the pairs of routes it would refuse together or of which
// it would serve only one.

package routers

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// ValidPattern checks a route pattern, "[METHOD ]/path", with the rules of
// router, returning what is wrong or "".
func ValidPattern(router *Router, pattern string) string {
	if router == NetHTTP {
		return validServeMux(pattern)
	}
	method, path := SplitRoute(pattern)
	if strings.ContainsAny(path, " \t") {
		return "write one method and one path, separated by a blank"
	}
	if method != "" {
		if strings.TrimLeft(method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
			return fmt.Sprintf("the method %q must be upper-case letters, such as GET", method)
		}
		if router == Chi && !slices.Contains(chiMethods, method) {
			return fmt.Sprintf("chi knows only the methods %s (register a route with another method by hand, after chi.RegisterMethod)", strings.Join(chiMethods, ", "))
		}
	}
	if !strings.HasPrefix(path, "/") {
		if strings.Contains(path, "/") {
			return router.Kind + " routes have no host: start the path with /"
		}
		return "the path must start with /"
	}
	if router == Chi || router == Gorilla {
		return bracePath(router, path)
	}
	return colonPath(router, path)
}

var chiMethods = []string{"CONNECT", "DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "QUERY", "TRACE"}

// bracePath checks a chi or gorilla/mux path: {name} and {name:regexp}
// parameters (regexps may hold braces), chi's trailing * catch-all.
func bracePath(router *Router, path string) string {
	names := map[string]bool{}
	for i := 0; i < len(path); i++ {
		switch path[i] {
		case '{':
			j := closingBrace(path, i)
			if j == len(path) {
				return "a { has no closing }"
			}
			name, re, hasRE := strings.Cut(path[i+1:j], ":")
			switch {
			case name == "$":
				return fmt.Sprintf("{$} is net/http's end-of-path marker; %s reads it as a parameter named $: drop it (%s matches the path exactly)", router.Kind, router.Kind)
			case strings.HasSuffix(name, "...") && router == Chi:
				return fmt.Sprintf("chi writes a catch-all as a trailing /*, not {%s}", name)
			case strings.HasSuffix(name, "..."):
				return fmt.Sprintf("gorilla/mux has no {%s} catch-all: use {%s:.*}", name, strings.TrimSuffix(name, "..."))
			case name == "":
				return "a parameter needs a name, such as {id}"
			case strings.ContainsAny(name, "/{}*"):
				return fmt.Sprintf("the parameter name %q is not a name", name)
			case hasRE && re == "":
				return fmt.Sprintf("the parameter {%s:} has an empty regular expression", name)
			case names[name]:
				return fmt.Sprintf("the parameter {%s} appears twice", name)
			}
			if hasRE {
				compiled, err := regexp.Compile(re)
				if err != nil {
					return fmt.Sprintf("the regular expression of {%s} does not compile: %v", name, err)
				}
				if router == Gorilla && compiled.NumSubexp() > 0 {
					return fmt.Sprintf("the regular expression of {%s} has a capture group, which gorilla/mux refuses at registration: write (?:...)", name)
				}
			}
			names[name] = true
			i = j
		case '}':
			return "a } has no opening {"
		case '*':
			if router == Gorilla {
				return "gorilla/mux has no * wildcard: use a parameter such as {rest:.*}"
			}
			if i != len(path)-1 {
				return "chi allows * only at the end of a pattern"
			}
		case ':':
			if path[i-1] == '/' {
				return fmt.Sprintf("%s writes a path parameter as {name}, not :name", router.Kind)
			}
		}
	}
	return ""
}

// colonPath checks a gin or echo path: :name parameters, a * catch-all in
// the last segment.
func colonPath(router *Router, path string) string {
	segs := strings.Split(path[1:], "/")
	names := map[string]bool{}
	for k, seg := range segs {
		if strings.ContainsAny(seg, "{}") {
			return fmt.Sprintf("%s writes a path parameter as :name, not {name}", router.Kind)
		}
		i := strings.IndexAny(seg, ":*")
		if i < 0 {
			continue
		}
		name := seg[i+1:]
		catchAll := seg[i] == '*'
		switch {
		case strings.ContainsAny(name, ":*"):
			return fmt.Sprintf("segment %q has more than one parameter: %s allows one per segment", seg, router.Kind)
		case name == "" && (!catchAll || router == Gin):
			return fmt.Sprintf("a parameter needs a name, such as %cid", seg[i])
		case catchAll && k != len(segs)-1:
			return fmt.Sprintf("%s allows a * catch-all only in the last segment", router.Kind)
		case catchAll && i != 0 && router == Gin:
			return "gin needs a / right before a * catch-all"
		case catchAll && name != "" && router == Echo:
			return fmt.Sprintf("echo's catch-all is a bare * (read it with c.Param(\"*\")), not *%s", name)
		case strings.Trim(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != "":
			return fmt.Sprintf("the parameter name %q has characters %s would keep in the name (c.Param(%q) would be empty): use letters, digits and _ only", name, router.Kind, strings.TrimRight(name, ".-~"))
		case name != "" && names[name]:
			return fmt.Sprintf("the parameter %s appears twice", name)
		}
		names[name] = true
	}
	return ""
}

// validServeMux checks a pattern with net/http's own parser: ServeMux
// panics on an invalid pattern, so register it on a scratch mux.
func validServeMux(pattern string) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = strings.TrimPrefix(fmt.Sprint(r), "http: ")
			msg = strings.TrimPrefix(msg, "parsing \""+pattern+"\": ")
		}
	}()
	http.NewServeMux().Handle(pattern, http.NotFoundHandler())
	return ""
}

// serveMuxConflict reports whether a and b cannot both be registered on
// one ServeMux.
func serveMuxConflict(a, b string) (conflict bool) {
	defer func() {
		if recover() != nil {
			conflict = true
		}
	}()
	mux := http.NewServeMux()
	mux.Handle(a, http.NotFoundHandler())
	mux.Handle(b, http.NotFoundHandler())
	return false
}

// Conflict reports why two valid patterns of router cannot both be
// registered, or "".
func Conflict(router *Router, a, b string) string {
	if router == NetHTTP {
		if serveMuxConflict(a, b) {
			return "net/http.ServeMux would panic registering both"
		}
		return ""
	}
	ma, pa := SplitRoute(a)
	mb, pb := SplitRoute(b)
	if ma != mb && ma != "" && mb != "" {
		return "" // different methods never meet
	}
	if normalize(router, pa) == normalize(router, pb) {
		switch router {
		case Gin:
			return "gin would panic registering both"
		case Gorilla:
			return "both match the same requests and gorilla/mux only ever serves the first"
		default:
			return fmt.Sprintf("both match the same requests and %s only ever serves the one registered last", router.Kind)
		}
	}
	if router == Gorilla && (ma == "" || ma == mb) {
		if gorillaShadows(pa, pb) {
			return "gorilla/mux serves the first matching route, and the earlier one matches every request of this one, so this one is never reached: put the more specific route first (file names, then source order) or narrow the earlier pattern"
		}
	}
	if router == Gin {
		// gin's tree holds one parameter name per position, and a catch-all
		// shares its position with nothing.
		sa, sb := strings.Split(pa, "/"), strings.Split(pb, "/")
		for _, pair := range [][2][]string{{sa, sb}, {sb, sa}} {
			x, y := pair[0], pair[1]
			k := len(x) - 1
			if !strings.HasPrefix(x[k], "*") || len(y) <= k {
				continue
			}
			same := true
			for i := range k {
				px, py := strings.HasPrefix(x[i], ":"), strings.HasPrefix(y[i], ":")
				if x[i] != y[i] && !(px && py) {
					same = false
					break
				}
			}
			if same {
				return "gin would panic: a * catch-all shares its position with no other route"
			}
		}
		for k := range min(len(sa), len(sb)) {
			ia, ib := strings.IndexAny(sa[k], ":*"), strings.IndexAny(sb[k], ":*")
			if ia >= 0 && ia == ib && sa[k][:ia] == sb[k][:ib] && sa[k] != sb[k] {
				return fmt.Sprintf("gin would panic: it allows one parameter name per position, and these use %s and %s", sa[k][ia:], sb[k][ib:])
			}
			if sa[k] != sb[k] {
				break
			}
		}
	}
	return ""
}

// normalize drops parameter names, so two paths matching the same
// requests compare equal.
func normalize(router *Router, path string) string {
	var b strings.Builder
	if router == Chi || router == Gorilla {
		for i := 0; i < len(path); i++ {
			if path[i] != '{' {
				b.WriteByte(path[i])
				continue
			}
			j := closingBrace(path, i)
			_, re, _ := strings.Cut(path[i+1:min(j, len(path))], ":")
			b.WriteString("{:" + re + "}")
			i = j
		}
		return b.String()
	}
	segs := strings.Split(path, "/")
	for k, seg := range segs {
		if i := strings.IndexAny(seg, ":*"); i >= 0 {
			segs[k] = seg[:i+1]
		}
	}
	return strings.Join(segs, "/")
}

// gorillaShadows reports whether every request matching path b also
// matches the earlier path a, tried on a sample path built from b.
func gorillaShadows(a, b string) bool {
	re, ok := gorillaRegexp(a)
	if !ok {
		return false
	}
	sample, ok := gorillaSample(b)
	return ok && re.MatchString(sample)
}

// gorillaRegexp turns a gorilla/mux path template into its regexp:
// {name} matches [^/]+, {name:re} matches re.
func gorillaRegexp(path string) (*regexp.Regexp, bool) {
	var b strings.Builder
	b.WriteString("^")
	for i := 0; i < len(path); i++ {
		if path[i] != '{' {
			b.WriteString(regexp.QuoteMeta(path[i : i+1]))
			continue
		}
		j := closingBrace(path, i)
		if j == len(path) {
			return nil, false
		}
		_, re, hasRE := strings.Cut(path[i+1:j], ":")
		if !hasRE {
			re = "[^/]+"
		}
		b.WriteString("(?:" + re + ")")
		i = j
	}
	b.WriteString("$")
	re, err := regexp.Compile(b.String())
	return re, err == nil
}

// gorillaSample is a path matching template b: each parameter replaced by
// a value its own pattern accepts.
func gorillaSample(path string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		if path[i] != '{' {
			b.WriteByte(path[i])
			continue
		}
		j := closingBrace(path, i)
		if j == len(path) {
			return "", false
		}
		_, re, hasRE := strings.Cut(path[i+1:j], ":")
		value := ""
		if !hasRE {
			value = "x"
		} else if own, err := regexp.Compile("^(?:" + re + ")$"); err == nil {
			for _, c := range []string{"1", "x", "X", "x1", "abc", "2024-01-01", "x/y"} {
				if own.MatchString(c) {
					value = c
					break
				}
			}
		}
		if value == "" {
			return "", false
		}
		b.WriteString(value)
		i = j
	}
	return b.String(), true
}

// closingBrace is the index of the } closing the { at path[i], counting
// nested braces (regexps may hold them), or len(path) when there is none.
func closingBrace(path string, i int) int {
	level := 0
	for j := i; j < len(path); j++ {
		switch path[j] {
		case '{':
			level++
		case '}':
			if level--; level == 0 {
				return j
			}
		}
	}
	return len(path)
}
