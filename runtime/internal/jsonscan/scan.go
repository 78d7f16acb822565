package jsonscan

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Member is one member of a JSON object: its name and the raw JSON text of
// its value, a slice of the source.
type Member struct{ Name, Value string }

// linearDuplicates is how many member names an object may have before
// duplicates are found with a map instead of a linear search.
const linearDuplicates = 16

// Members validates src as exactly one JSON object, with the rules
// of Parse, and appends its members in order to dst.
func Members(src string, dst []Member) ([]Member, error) {
	p := jsonParser{s: src}
	return p.topMembers(dst)
}

// Scan is Members for text nobody vouched for yet (a token
// before its signature is checked): it checks the JSON grammar, UTF-8,
// escapes and depth, and the duplicate names of small objects, and appends
// the members to dst, in time linear in the text and cheaper than a
// signature check for any text under the token size limit. The checks
// whose cost grows faster or is high per byte are deferred: duplicates
// among more than linearDuplicates names (a map), the range of numbers
// with an exponent or more than 308 digits (strconv.ParseFloat), and
// names written with escapes (not decoded: they are not found by name).
// deferred reports that one of these was met: Members must then
// validate src before anything relies on it.
func Scan(src string, dst []Member) (_ []Member, deferred bool, err error) {
	if !utf8.ValidString(src) {
		return dst, false, ErrSyntax
	}
	p := jsonParser{s: src, lax: true, budget: scanBudget * unit}
	dst, err = p.topMembers(dst)
	if err == errScanBudget {
		return dst, true, nil
	}
	return dst, p.deferred, err
}

// The bounds of Scan. It stops, deferring the rest of the text to
// Members, after scanBudget units of work: a unit per value, per
// member name and per escape, and an eighth of one per name compared in
// the search for duplicates (the first linearDuplicates names of an
// object are compared with each other). It returns only the first
// ScanKept members of the object: a member further on is not found by
// name before the signature is checked (with several issuers, an "iss"
// placed after them is not seen, and the token is refused). A token's
// payload holds a few dozen members and, rarely, a few hundred values;
// BenchmarkWorstCaseToken shows what the budget costs at most.
const (
	scanBudget = 512
	ScanKept   = 64
	unit       = 8 // of the budget; a name comparison costs 1
)

func (p *jsonParser) topMembers(dst []Member) ([]Member, error) {
	p.space()
	if p.i >= len(p.s) || p.s[p.i] != '{' {
		return dst, ErrNotObject
	}
	dst, err := p.members(dst)
	if err != nil {
		return dst, err
	}
	p.space()
	if p.i != len(p.s) {
		return dst, ErrSyntax
	}
	return dst, nil
}

// members scans the object starting at '{', appending its members to dst.
func (p *jsonParser) members(dst []Member) ([]Member, error) {
	if p.depth++; p.depth > MaxDepth {
		return dst, ErrDepth
	}
	p.i++ // '{'
	first := len(dst)
	var seen map[string]struct{}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		p.depth--
		return dst, nil
	}
	for {
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return dst, ErrSyntax
		}
		name, err := p.name()
		if err != nil {
			return dst, err
		}
		n := len(dst) - first
		if p.lax {
			if p.budget -= unit + compares(n); p.budget < 0 {
				return dst, errScanBudget
			}
		}
		if n < linearDuplicates {
			for _, m := range dst[first:] {
				if m.Name == name {
					return dst, ErrDuplicate
				}
			}
		} else if p.lax {
			p.deferred = true
		} else {
			if seen == nil {
				seen = make(map[string]struct{}, 2*n)
				for _, m := range dst[first:] {
					seen[m.Name] = struct{}{}
				}
			}
			if _, dup := seen[name]; dup {
				return dst, ErrDuplicate
			}
			seen[name] = struct{}{}
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return dst, ErrSyntax
		}
		p.i++
		p.space()
		start := p.i
		if err := p.skip(); err != nil {
			return dst, err
		}
		if p.lax && len(dst)-first >= ScanKept {
			p.deferred = true // not kept
		} else {
			dst = append(dst, Member{Name: name, Value: p.s[start:p.i]})
		}
		if more, err := p.more('}'); !more {
			return dst, err
		}
	}
}

// name parses a member name. In lax mode a name with escapes is kept as
// written, backslashes and all, and defers the check of src.
func (p *jsonParser) name() (string, error) {
	name, err := p.string()
	if err == nil && p.lax && strings.IndexByte(name, '\\') >= 0 {
		p.deferred = true
	}
	return name, err
}

// compares is how many names a new member's name is compared with when
// n names came before it in its object: a lax scan defers the rest.
func compares(n int) int {
	if n < linearDuplicates {
		return n
	}
	return 0
}

// more consumes what follows a member or an element: a comma, when
// another follows (true), or the closing byte, which ends the object or
// array (false, nil); anything else is a syntax error.
func (p *jsonParser) more(closing byte) (bool, error) {
	p.space()
	switch {
	case p.i >= len(p.s):
		return false, ErrSyntax
	case p.s[p.i] == ',':
		p.i++
		p.space()
		return true, nil
	case p.s[p.i] == closing:
		p.i++
		p.depth--
		return false, nil
	}
	return false, ErrSyntax
}

// skip validates one value, as value would parse it, without building it.
func (p *jsonParser) skip() error {
	if p.i >= len(p.s) {
		return ErrSyntax
	}
	if p.lax {
		if p.budget -= unit; p.budget < 0 {
			return errScanBudget
		}
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.skipObject()
	case c == '[':
		return p.skipArray()
	case c == '"':
		_, err := p.string()
		return err
	case c == '-' || (c >= '0' && c <= '9'):
		return p.skipNumber()
	case c == 't':
		return p.literal("true")
	case c == 'f':
		return p.literal("false")
	case c == 'n':
		return p.literal("null")
	}
	return ErrSyntax
}

// skipObject validates the object starting at '{' without keeping it:
// members' checks, with the names held in a local array so that nothing
// escapes to the heap for small objects.
func (p *jsonParser) skipObject() error {
	if p.depth++; p.depth > MaxDepth {
		return ErrDepth
	}
	p.i++ // '{'
	var names [linearDuplicates]string
	n := 0
	var seen map[string]struct{}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == '}' {
		p.i++
		p.depth--
		return nil
	}
	for {
		if p.i >= len(p.s) || p.s[p.i] != '"' {
			return ErrSyntax
		}
		name, err := p.name()
		if err != nil {
			return err
		}
		if p.lax {
			if p.budget -= unit + compares(n); p.budget < 0 {
				return errScanBudget
			}
		}
		if n < len(names) {
			for _, seenName := range names[:n] {
				if seenName == name {
					return ErrDuplicate
				}
			}
			names[n] = name
			n++
		} else if p.lax {
			p.deferred = true
		} else {
			if seen == nil {
				seen = make(map[string]struct{}, 2*n)
				for _, seenName := range names {
					seen[seenName] = struct{}{}
				}
			}
			if _, dup := seen[name]; dup {
				return ErrDuplicate
			}
			seen[name] = struct{}{}
		}
		p.space()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return ErrSyntax
		}
		p.i++
		p.space()
		if err := p.skip(); err != nil {
			return err
		}
		if more, err := p.more('}'); !more {
			return err
		}
	}
}

// skipArray validates the array starting at '[' without keeping it.
func (p *jsonParser) skipArray() error {
	if p.depth++; p.depth > MaxDepth {
		return ErrDepth
	}
	p.i++ // '['
	p.space()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		p.depth--
		return nil
	}
	for {
		if err := p.skip(); err != nil {
			return err
		}
		if more, err := p.more(']'); !more {
			return err
		}
	}
}

// The helpers below decode one raw value from Members; the text was
// validated there, so they only tell its type apart.

// Value decodes a raw value into what Parse gives for it, but
// with numbers as json.Number.
func Value(raw string) (any, bool) {
	p := jsonParser{s: raw, useNumber: true}
	v, err := p.value()
	return v, err == nil
}

// String decodes a raw JSON string; false for any other type.
func String(raw string) (string, bool) {
	if raw == "" || raw[0] != '"' {
		return "", false
	}
	if strings.IndexByte(raw, '\\') < 0 {
		// Validated and without escapes: the text between the quotes.
		return raw[1 : len(raw)-1], true
	}
	p := jsonParser{s: raw}
	s, err := p.string()
	return s, err == nil
}

// Number decodes a raw JSON number; false for any other type.
func Number(raw string) (float64, bool) {
	if raw == "" || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9')) {
		return 0, false
	}
	// Dates are integers: up to 15 digits convert exactly without
	// strconv's general path.
	digits, neg := raw, false
	if digits[0] == '-' {
		digits, neg = digits[1:], true
	}
	if len(digits) > 0 && len(digits) <= 15 {
		var n int64
		for i := 0; i < len(digits); i++ {
			c := digits[i]
			if c < '0' || c > '9' {
				n = -1
				break
			}
			n = n*10 + int64(c-'0')
		}
		if n >= 0 {
			if neg {
				return -float64(n), true
			}
			return float64(n), true
		}
	}
	f, err := strconv.ParseFloat(raw, 64)
	return f, err == nil
}

// AppendStrings appends the strings of a claim value to out: the words of
// a space-delimited string, or the non-empty strings of an array (other
// elements are skipped); with words false, a string whole and every
// string of an array. Other types give nothing. allStrings reports
// whether an array held strings only.
func AppendStrings(raw string, out []string, words bool) (_ []string, allStrings bool) {
	switch {
	case raw == "":
		return out, false
	case raw[0] == '"':
		s, ok := String(raw)
		if !ok {
			return out, false
		}
		if !words {
			return append(out, s), true
		}
		return AppendWords(s, out), true
	case raw[0] == '[':
		// One pass over the array, decoding its strings as it checks them.
		p := jsonParser{s: raw, i: 1, depth: 1}
		allStrings = true
		p.space()
		if p.i < len(p.s) && p.s[p.i] == ']' {
			return out, true
		}
		for more := true; more; {
			if p.i < len(p.s) && p.s[p.i] == '"' {
				s, err := p.string()
				if err != nil {
					return out, false
				}
				if s != "" || !words {
					out = append(out, s)
				}
			} else {
				allStrings = false
				if err := p.skip(); err != nil {
					return out, false
				}
			}
			var err error
			if more, err = p.more(']'); err != nil {
				return out, false
			}
		}
		return out, allStrings
	}
	return out, false
}

// AppendWords appends the space-delimited words of s to out. Only U+0020
// delimits (RFC 6749 section 3.3, scope-token lists): a tab, a line
// break or a no-break space stays inside a word, so that "viewer\u00a0admin"
// is one value and grants neither "viewer" nor "admin". Empty words
// (from repeated spaces) are skipped.
func AppendWords(s string, out []string) []string {
	for s != "" {
		i := strings.IndexByte(s, ' ')
		if i < 0 {
			return append(out, s)
		}
		if i > 0 {
			out = append(out, s[:i])
		}
		s = s[i+1:]
	}
	return out
}

// IsList reports whether a raw value is of a type a list claim reads: a
// string or an array.
func IsList(raw string) bool { return raw != "" && (raw[0] == '"' || raw[0] == '[') }

// Find returns the raw value of the Member called name.
func Find(ms []Member, name string) (string, bool) {
	for _, m := range ms {
		if m.Name == name {
			return m.Value, true
		}
	}
	return "", false
}

// Lookup finds a claim by name among a payload's members: first as
// an exact name (namespaced claims such as "https://example.com/roles" or
// "cognito:groups" hold dots and colons), then as a dotted path into
// nested objects ("realm_access.roles").
func Lookup(ms []Member, name string) (string, bool) {
	if v, ok := Find(ms, name); ok {
		return v, true
	}
	head, rest, dotted := strings.Cut(name, ".")
	if !dotted {
		return "", false
	}
	cur, ok := Find(ms, head)
	for ok {
		head, rest, dotted = strings.Cut(rest, ".")
		if cur, ok = Nested(cur, head); !dotted {
			break
		}
	}
	return cur, ok
}

// Nested returns the raw value of the member name of the raw object obj;
// false when obj is not an object or has no such member.
func Nested(obj, name string) (string, bool) {
	if obj == "" || obj[0] != '{' {
		return "", false
	}
	var buf [linearDuplicates]Member
	ms, err := Members(obj, buf[:0])
	if err != nil {
		return "", false
	}
	return Find(ms, name)
}

// Elements calls f with the raw text of each element of raw, a JSON array
// already validated, in order; it stops at f's first error.
func Elements(raw string, f func(elem string) error) error {
	p := jsonParser{s: raw, i: 1, depth: 1}
	p.space()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		return nil
	}
	for more := true; more; {
		start := p.i
		if err := p.skip(); err != nil {
			return err
		}
		if err := f(p.s[start:p.i]); err != nil {
			return err
		}
		var err error
		if more, err = p.more(']'); err != nil {
			return err
		}
	}
	return nil
}
