package runtime

import (
	"encoding"
	"encoding/json"
	"math"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/axioms-go/axiomsgen/runtime/internal/jsonscan"
)

// Claims.Decode uses encoding/json, whose field matching is
// case-insensitive with Unicode folding: {"sub":"alice","ſub":"admin"}
// would fill a field tagged "sub" with "admin" while Claims.Subject says
// "alice". JWT claim names are case-sensitive, so before encoding/json
// sees the payload, exactJSON rewrites it for the target type: members of
// an object decoded into a struct are kept only when their name is one of
// the struct's json names, byte for byte. The same walk rewrites integral
// numbers written with a fraction or an exponent (2.0, 1e3) as integers
// where an integer field receives them, as the float64 map Decode used to
// go through allowed.

// decodeExact decodes the JSON object payload (already validated) into v.
func decodeExact(payload string, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return &json.InvalidUnmarshalError{Type: reflect.TypeOf(v)}
	}
	var b strings.Builder
	b.Grow(len(payload))
	if err := exactJSON(&b, payload, rv.Type().Elem(), 0); err != nil {
		return err
	}
	dec := json.NewDecoder(strings.NewReader(b.String()))
	dec.UseNumber()
	return dec.Decode(v)
}

var (
	unmarshalerType     = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// exactJSON writes raw, a valid JSON value, to b as it should reach
// encoding/json for a value of type t.
func exactJSON(b *strings.Builder, raw string, t reflect.Type, depth int) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if depth > jsonscan.MaxDepth || reflect.PointerTo(t).Implements(unmarshalerType) ||
		(raw[0] == '"' && reflect.PointerTo(t).Implements(textUnmarshalerType)) {
		b.WriteString(raw) // the type reads the text its own way
		return nil
	}
	switch {
	case raw[0] == '{' && (t.Kind() == reflect.Struct || t.Kind() == reflect.Map):
		ms, err := jsonscan.Members(raw, nil)
		if err != nil {
			return err
		}
		var names map[string]reflect.Type
		if t.Kind() == reflect.Struct {
			names = jsonFields(t)
		}
		b.WriteByte('{')
		first := true
		for _, m := range ms {
			ft := t
			if t.Kind() == reflect.Struct {
				var ok bool
				if ft, ok = names[m.Name]; !ok {
					continue // no field has exactly this name
				}
			} else {
				ft = t.Elem()
			}
			if !first {
				b.WriteByte(',')
			}
			first = false
			b.WriteString(strconv.Quote(m.Name))
			b.WriteByte(':')
			if err := exactJSON(b, m.Value, ft, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte('}')
		return nil
	case raw[0] == '[' && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
		b.WriteByte('[')
		first := true
		err := jsonscan.Elements(raw, func(elem string) error {
			if !first {
				b.WriteByte(',')
			}
			first = false
			return exactJSON(b, elem, t.Elem(), depth+1)
		})
		if err != nil {
			return err
		}
		b.WriteByte(']')
		return nil
	case isNumber(raw) && isInteger(t.Kind()) && strings.ContainsAny(raw, ".eE"):
		if f, err := strconv.ParseFloat(raw, 64); err == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
			b.WriteString(strconv.FormatInt(int64(f), 10))
			return nil
		}
	}
	b.WriteString(raw)
	return nil
}

func isNumber(raw string) bool { return raw[0] == '-' || (raw[0] >= '0' && raw[0] <= '9') }

func isInteger(k reflect.Kind) bool {
	return k >= reflect.Int && k <= reflect.Uintptr
}

// fieldCache holds jsonFields' answers by type.
var fieldCache sync.Map // reflect.Type -> map[string]reflect.Type

// jsonFields returns the names encoding/json decodes into for the struct
// type t, with each field's type: the json tag's name, else the field's
// name; fields of embedded structs without a tag name are promoted. As in
// encoding/json, a shallower field hides a deeper one of the same name,
// at one depth a tagged field wins over untagged ones, and a name still
// ambiguous is no field at all (its member is dropped).
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := fieldCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	taken := map[string]bool{} // names settled at a shallower depth
	level := []reflect.Type{t}
	for depth := 0; len(level) > 0 && depth <= 8; depth++ {
		type candidate struct {
			typ           reflect.Type
			tagged, clash bool
		}
		found := map[string]*candidate{}
		var next []reflect.Type
		for _, st := range level {
			for i := range st.NumField() {
				sf := st.Field(i)
				tag := sf.Tag.Get("json")
				if tag == "-" {
					continue
				}
				name, _, _ := strings.Cut(tag, ",")
				if !validTagName(name) {
					name = ""
				}
				ft := sf.Type
				if sf.Anonymous {
					et := ft
					if et.Kind() == reflect.Pointer {
						et = et.Elem()
					}
					if name == "" && et.Kind() == reflect.Struct {
						next = append(next, et)
						continue
					}
					if !sf.IsExported() {
						continue
					}
				} else if !sf.IsExported() {
					continue
				}
				tagged := name != ""
				if name == "" {
					name = sf.Name
				}
				if taken[name] {
					continue
				}
				switch c := found[name]; {
				case c == nil:
					found[name] = &candidate{typ: ft, tagged: tagged}
				case tagged && !c.tagged:
					*c = candidate{typ: ft, tagged: true}
				case tagged == c.tagged:
					c.clash = true
				}
			}
		}
		for name, c := range found {
			taken[name] = true
			if !c.clash {
				m[name] = c.typ
			}
		}
		level = next
	}
	fieldCache.Store(t, m)
	return m
}

// validTagName is encoding/json's rule for a usable name in a json tag.
func validTagName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		switch {
		case strings.ContainsRune("!#$%&()*+-./:;<=>?@[]^_{|}~ ", c):
		case !unicode.IsLetter(c) && !unicode.IsDigit(c):
			return false
		}
	}
	return true
}
