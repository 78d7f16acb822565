package jsonscan

import (
	"encoding/json"
	"errors"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// MaxDepth is the deepest nesting of objects and arrays accepted.
const MaxDepth = 32

var (
	ErrSyntax    = errors.New("invalid JSON")
	ErrDuplicate = errors.New("duplicate JSON member name")
	ErrDepth     = errors.New("JSON nested too deeply")
	ErrNotObject = errors.New("JSON value is not an object")
	// errScanBudget: Scan stopped at its budget (deferred).
	errScanBudget = errors.New("JSON scan budget spent")
)

type jsonParser struct {
	s     string
	i     int
	depth int
	// useNumber makes numbers json.Number (their exact text) instead of
	// float64, as Claims.Get gives them.
	useNumber bool
	// lax, deferred and budget: see Scan. In lax mode the text's
	// UTF-8 was validated as a whole, so strings skip bytes from 0x80.
	lax, deferred bool
	budget        int
}

// Parse decodes src, which must hold exactly one JSON object, into the
// values encoding/json gives for map[string]any (string, float64, bool,
// nil, []any, map[string]any), with the package's strict rules. Strings
// without escapes share the memory of src.
func Parse(src string) (map[string]any, error) {
	p := jsonParser{s: src}
	p.space()
	if p.i >= len(p.s) || p.s[p.i] != '{' {
		return nil, ErrNotObject
	}
	m, err := p.object()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.i != len(p.s) {
		return nil, ErrSyntax
	}
	return m, nil
}

func (p *jsonParser) space() {
	for p.i < len(p.s) {
		// Tokens are compact JSON: the next byte is rarely a blank.
		if c := p.s[p.i]; c > ' ' || (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
			return
		}
		p.i++
	}
}

func (p *jsonParser) value() (any, error) {
	if p.i >= len(p.s) {
		return nil, ErrSyntax
	}
	switch c := p.s[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		return p.string()
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return true, p.literal("true")
	case c == 'f':
		return false, p.literal("false")
	case c == 'n':
		return nil, p.literal("null")
	}
	return nil, ErrSyntax
}

func (p *jsonParser) literal(word string) error {
	if len(p.s)-p.i < len(word) || p.s[p.i:p.i+len(word)] != word {
		return ErrSyntax
	}
	p.i += len(word)
	return nil
}

// object parses the object starting at '{'. members checks the whole
// object (syntax, duplicate names, depth) once; each member's value, then
// known to be valid, is built from its text.
func (p *jsonParser) object() (map[string]any, error) {
	var buf [linearDuplicates]Member
	ms, err := p.members(buf[:0])
	if err != nil {
		return nil, err
	}
	m := make(map[string]any, len(ms))
	var q jsonParser // one parser for the values (it escapes: value and object recurse)
	for _, mb := range ms {
		q = jsonParser{s: mb.Value, useNumber: p.useNumber}
		m[mb.Name], _ = q.value()
	}
	return m, nil
}

func (p *jsonParser) array() ([]any, error) {
	if p.depth++; p.depth > MaxDepth {
		return nil, ErrDepth
	}
	p.i++ // '['
	a := make([]any, 0, 4)
	p.space()
	if p.i < len(p.s) && p.s[p.i] == ']' {
		p.i++
		p.depth--
		return a, nil
	}
	for {
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		a = append(a, v)
		if more, err := p.more(']'); !more {
			if err != nil {
				return nil, err
			}
			return a, nil
		}
	}
}

// string parses a JSON string starting at the opening quote.
func (p *jsonParser) string() (string, error) {
	start := p.i + 1
	for j := start; j < len(p.s); {
		// Skip the plain bytes. In lax mode UTF-8 was validated: any
		// byte from 0x80 is plain too.
		if p.lax {
			for j < len(p.s) && (plainASCII[p.s[j]] || p.s[j] >= utf8.RuneSelf) {
				j++
			}
		} else {
			for j < len(p.s) && plainASCII[p.s[j]] {
				j++
			}
		}
		if j >= len(p.s) {
			break
		}
		c := p.s[j]
		switch {
		case c == '"':
			p.i = j + 1
			return p.s[start:j], nil
		case c == '\\':
			return p.escapedString(start)
		case c < 0x20:
			return "", ErrSyntax
		case c < utf8.RuneSelf, p.lax:
			j++
		default:
			r, size := utf8.DecodeRuneInString(p.s[j:])
			if r == utf8.RuneError && size == 1 {
				return "", ErrSyntax
			}
			j += size
		}
	}
	return "", ErrSyntax
}

// plainASCII marks the bytes a JSON string holds as they are: printable
// ASCII other than the quote and the backslash.
var plainASCII = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// escapedString is the slow path for strings with escapes, from start
// (after the opening quote). In strict mode it builds the decoded string.
// In lax mode (Scan) it applies the same checks without building
// anything, counts each escape against the budget, skips bytes from 0x80
// (the text's UTF-8 was validated as a whole) and returns the text as
// written.
func (p *jsonParser) escapedString(start int) (string, error) {
	var buf []byte
	if !p.lax {
		buf = make([]byte, 0, 32)
	}
	j := start
	for j < len(p.s) {
		c := p.s[j]
		switch {
		case c == '"':
			p.i = j + 1
			if p.lax {
				return p.s[start:j], nil
			}
			return string(buf), nil
		case c < 0x20:
			return "", ErrSyntax
		case c == '\\':
			if p.lax {
				if p.budget -= unit; p.budget < 0 {
					return "", errScanBudget
				}
			}
			if j+1 >= len(p.s) {
				return "", ErrSyntax
			}
			esc := p.s[j+1]
			j += 2
			var r rune
			switch esc {
			case '"', '\\', '/':
				r = rune(esc)
			case 'b':
				r = '\b'
			case 'f':
				r = '\f'
			case 'n':
				r = '\n'
			case 'r':
				r = '\r'
			case 't':
				r = '\t'
			case 'u':
				var ok bool
				if r, ok = hex4(p.s, j); !ok {
					return "", ErrSyntax
				}
				j += 4
				if utf16.IsSurrogate(r) {
					// Only a high surrogate followed by a low one is a rune.
					if j+6 > len(p.s) || p.s[j] != '\\' || p.s[j+1] != 'u' {
						return "", ErrSyntax
					}
					r2, ok := hex4(p.s, j+2)
					if !ok {
						return "", ErrSyntax
					}
					if r = utf16.DecodeRune(r, r2); r == utf8.RuneError {
						return "", ErrSyntax
					}
					j += 6
				}
			default:
				return "", ErrSyntax
			}
			if !p.lax {
				buf = utf8.AppendRune(buf, r)
			}
		case c < utf8.RuneSelf || p.lax:
			if !p.lax {
				buf = append(buf, c)
			}
			j++
		default:
			r, size := utf8.DecodeRuneInString(p.s[j:])
			if r == utf8.RuneError && size == 1 {
				return "", ErrSyntax
			}
			buf = append(buf, p.s[j:j+size]...)
			j += size
		}
	}
	return "", ErrSyntax
}

func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// number parses a JSON number (RFC 8259 grammar) as float64, or as
// json.Number with useNumber.
func (p *jsonParser) number() (any, error) {
	if p.useNumber {
		start := p.i
		if err := p.skipNumber(); err != nil {
			return nil, err
		}
		return json.Number(p.s[start:p.i]), nil
	}
	f, err := p.float()
	if err != nil {
		return nil, err
	}
	return f, nil
}

// float parses a JSON number without boxing it.
func (p *jsonParser) float() (float64, error) {
	start := p.i
	if err := p.skipNumber(); err != nil {
		return 0, err
	}
	f, ok := Number(p.s[start:p.i])
	if !ok {
		p.i = start
		// Out of float64 range: encoding/json refuses it too.
		return 0, ErrSyntax
	}
	return f, nil
}

// skipNumber validates a JSON number (RFC 8259 grammar) that float64 can
// hold, without converting it when it is plainly in range.
func (p *jsonParser) skipNumber() error {
	start := p.i
	j := p.i
	if j < len(p.s) && p.s[j] == '-' {
		j++
	}
	switch {
	case j < len(p.s) && p.s[j] == '0':
		j++
	case j < len(p.s) && p.s[j] >= '1' && p.s[j] <= '9':
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
	default:
		return ErrSyntax
	}
	if j < len(p.s) && p.s[j] == '.' {
		j++
		if j >= len(p.s) || p.s[j] < '0' || p.s[j] > '9' {
			return ErrSyntax
		}
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
	}
	exp := j < len(p.s) && (p.s[j] == 'e' || p.s[j] == 'E')
	if exp {
		j++
		if j < len(p.s) && (p.s[j] == '+' || p.s[j] == '-') {
			j++
		}
		if j >= len(p.s) || p.s[j] < '0' || p.s[j] > '9' {
			return ErrSyntax
		}
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
	}
	// Only an exponent or more than 308 digits can leave float64's range.
	if (exp || j-start > 308) && p.lax {
		p.deferred = true
	} else if exp || j-start > 308 {
		if _, err := strconv.ParseFloat(p.s[start:j], 64); err != nil {
			// Out of float64 range: encoding/json refuses it too.
			return ErrSyntax
		}
	}
	p.i = j
	return nil
}
