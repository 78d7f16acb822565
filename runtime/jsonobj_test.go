package runtime

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestParseObject(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want map[string]any
		err  error
	}{
		{name: "empty object", src: `{}`, want: map[string]any{}},
		{name: "registered claims", src: `{"iss":"https://i","aud":["a","b"],"exp":1700000000,"nbf":1.5,"admin":true,"x":null}`,
			want: map[string]any{"iss": "https://i", "aud": []any{"a", "b"}, "exp": 1700000000.0, "nbf": 1.5, "admin": true, "x": nil}},
		{name: "blanks everywhere", src: " \t\n{ \"a\" : [ 1 , { } , [ ] ] }\r\n", want: map[string]any{"a": []any{1.0, map[string]any{}, []any{}}}},
		{name: "nested object", src: `{"realm_access":{"roles":["x"]}}`, want: map[string]any{"realm_access": map[string]any{"roles": []any{"x"}}}},
		{name: "escapes", src: `{"s":"a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00"}`, want: map[string]any{"s": "a\"b\\c/d\b\f\n\r\té😀"}},
		{name: "raw UTF-8", src: `{"ké":"vé"}`, want: map[string]any{"ké": "vé"}},
		{name: "numbers", src: `{"a":-0,"b":1e3,"c":2.5E-3,"d":-12.75}`, want: map[string]any{"a": 0.0, "b": 1000.0, "c": 0.0025, "d": -12.75}},
		{name: "duplicate member", src: `{"aud":"a","aud":"b"}`, err: errJSONDuplicate},
		{name: "duplicate after escape", src: `{"aud":"a","a\u0075d":"b"}`, err: errJSONDuplicate},
		{name: "nested duplicate", src: `{"a":{"b":1,"b":2}}`, err: errJSONDuplicate},
		{name: "duplicate inside an array's object", src: `{"a":[{"x":1,"x":1}]}`, err: errJSONDuplicate},
		{name: "many members", src: manyMembers(40, ""), want: manyMembersMap(40)},
		{name: "many members, duplicate last", src: manyMembers(40, `,"m3":0`), err: errJSONDuplicate},
		{name: "many nested members, duplicate last", src: `{"o":` + manyMembers(40, `,"m39":0`) + `}`, err: errJSONDuplicate},
		{name: "many members, duplicate of the first", src: manyMembers(17, `,"m0":0`), err: errJSONDuplicate},
		{name: "many nested members, duplicate of the first", src: `{"o":` + manyMembers(17, `,"m0":0`) + `}`, err: errJSONDuplicate},
		{name: "nested members, duplicate of the 16th", src: `{"o":` + manyMembers(16, `,"m15":0`) + `}`, err: errJSONDuplicate},
		{name: "nested members, duplicate of the 17th", src: `{"o":` + manyMembers(18, `,"m16":0`) + `}`, err: errJSONDuplicate},
		{name: "nested members past 16, all distinct", src: `{"o":` + manyMembers(17, "") + `}`, want: map[string]any{"o": manyMembersMap(17)}},
		{name: "depth 32", src: strings.Repeat(`{"a":`, 31) + `{}` + strings.Repeat("}", 31), want: nested(31)},
		{name: "depth 33", src: strings.Repeat(`{"a":`, 32) + `{}` + strings.Repeat("}", 32), err: errJSONDepth},
		{name: "308 digits", src: `{"a":1` + strings.Repeat("0", 307) + `}`, want: map[string]any{"a": 1e307}},
		{name: "309 digits", src: `{"a":1` + strings.Repeat("0", 308) + `}`, want: map[string]any{"a": 1e308}},
		{name: "long integer in range", src: `{"a":` + strings.Repeat("9", 300) + `}`, want: map[string]any{"a": 1e300}},
		{name: "integer out of range", src: `{"a":1` + strings.Repeat("0", 309) + `}`, err: errJSONSyntax},
		{name: "array at top", src: `["a"]`, err: errJSONNotObject},
		{name: "string at top", src: `"a"`, err: errJSONNotObject},
		{name: "empty input", src: ``, err: errJSONNotObject},
		{name: "trailing data", src: `{}{}`, err: errJSONSyntax},
		{name: "trailing comma", src: `{"a":1,}`, err: errJSONSyntax},
		{name: "single quotes", src: `{'a':1}`, err: errJSONSyntax},
		{name: "leading zero", src: `{"a":01}`, err: errJSONSyntax},
		{name: "bare dot", src: `{"a":1.}`, err: errJSONSyntax},
		{name: "plus sign", src: `{"a":+1}`, err: errJSONSyntax},
		{name: "out of range number", src: `{"a":1e400}`, err: errJSONSyntax},
		{name: "NaN", src: `{"a":NaN}`, err: errJSONSyntax},
		{name: "raw control character", src: "{\"a\":\"x\x00y\"}", err: errJSONSyntax},
		{name: "invalid UTF-8", src: "{\"a\":\"\xff\"}", err: errJSONSyntax},
		{name: "lone high surrogate", src: `{"a":"\ud800"}`, err: errJSONSyntax},
		{name: "lone low surrogate", src: `{"a":"\udc00x"}`, err: errJSONSyntax},
		{name: "bad escape", src: `{"a":"\x"}`, err: errJSONSyntax},
		{name: "unterminated string", src: `{"a":"abc`, err: errJSONSyntax},
		{name: "truncated literal", src: `{"a":tru}`, err: errJSONSyntax},
		{name: "missing colon", src: `{"a" 1}`, err: errJSONSyntax},
		{name: "too deep", src: `{"a":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`, err: errJSONDepth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseObject(tt.src)
			checkMembers(t, tt.src, got, err)
			if tt.err != nil {
				if !errors.Is(err, tt.err) {
					t.Fatalf("err = %v, want %v", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

// manyMembers is an object of n members m0..m(n-1) plus extra.
func manyMembers(n int, extra string) string {
	var b strings.Builder
	b.WriteString("{")
	for i := range n {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `"m%d":%d`, i, i)
	}
	return b.String() + extra + "}"
}

// nested is {"a":{"a":...{}}} with n levels around the innermost {}.
func nested(n int) map[string]any {
	m := map[string]any{}
	for range n {
		m = map[string]any{"a": m}
	}
	return m
}

func manyMembersMap(n int) map[string]any {
	m := make(map[string]any, n)
	for i := range n {
		m[fmt.Sprintf("m%d", i)] = float64(i)
	}
	return m
}

// FuzzParseObject checks parseObject against encoding/json: whatever it
// accepts, encoding/json accepts with the same value; whatever it refuses
// that encoding/json accepts must be one of its documented strictnesses.
func FuzzParseObject(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"a":1}`, `{"a":[1,"x",{"b":null}],"c":true}`, `{"s":"\u00e9\ud83d\ude00\n"}`,
		`{"a":"a","a":"b"}`, `{"x":1e400}`, `{"x":-0.5e-3}`, "{\"a\":\"\xff\"}", `{"a":"\ud800"}`,
		manyMembers(17, `,"m0":0`), `{"o":` + manyMembers(17, `,"m0":0`) + `}`, `{"o":` + manyMembers(18, `,"m16":0`) + `}`,
		`{"o":[` + manyMembers(20, `,"m19":0`) + `]}`, strings.Repeat(`{"a":`, 32) + `{}` + strings.Repeat("}", 32),
		`{"a":1` + strings.Repeat("0", 308) + `}`, `{"a":1` + strings.Repeat("0", 309) + `}`, `{"aud":"x","a\u0075d":"y"}`,
		`{"a":[` + strings.Repeat("0,", 600) + `0],"b":1,"b":2}`, manyMembers(70, `,"m69":0`), `{"\u0061":1,"a":2}`,
		`{"a":"` + strings.Repeat(`\u00e9`, 600) + `"}`, `{"a":1e400,"b":1e3}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		got, err := parseObject(src)
		checkMembers(t, src, got, err)
		var want any
		stdErr := json.Unmarshal([]byte(src), &want)
		if err == nil {
			if stdErr != nil {
				t.Fatalf("accepted %q that encoding/json refuses: %v", src, stdErr)
			}
			if !reflect.DeepEqual(any(got), want) {
				t.Fatalf("%q: got %#v, encoding/json %#v", src, got, want)
			}
			return
		}
		if stdErr != nil {
			return
		}
		if _, isObj := want.(map[string]any); !isObj {
			return // top-level value that is not an object
		}
		switch {
		case errors.Is(err, errJSONDuplicate), errors.Is(err, errJSONDepth):
		case !utf8.ValidString(src), strings.Contains(src, `\u`):
			// invalid UTF-8 or lone surrogates, which encoding/json replaces
		default:
			t.Fatalf("refused %q (%v) that encoding/json accepts", src, err)
		}
	})
}

// checkMembers holds objectMembers and its value helpers to parseObject:
// the same inputs refused, the same members, the same values.
func checkMembers(t *testing.T, src string, want map[string]any, wantErr error) {
	t.Helper()
	ms, err := objectMembers(src, nil)
	if (err == nil) != (wantErr == nil) || (err != nil && !errors.Is(err, wantErr)) {
		t.Fatalf("%q: objectMembers error %v, parseObject error %v", src, err, wantErr)
	}
	// scanMembers refuses only what objectMembers refuses, accepts what it
	// refuses only with checks deferred, and without deferral returns the
	// same members.
	lms, deferred, lerr := scanMembers(src, nil)
	switch {
	case lerr != nil && err == nil:
		t.Fatalf("%q: scanMembers refuses (%v) what objectMembers accepts", src, lerr)
	case lerr == nil && err != nil && !deferred:
		t.Fatalf("%q: scanMembers accepts without deferring what objectMembers refuses (%v)", src, err)
	case lerr == nil && !deferred && !reflect.DeepEqual(lms, ms):
		t.Fatalf("%q: scanMembers gives %q, objectMembers %q", src, lms, ms)
	case lerr == nil && len(lms) > scanKept:
		t.Fatalf("%q: scanMembers kept %d members, over %d", src, len(lms), scanKept)
	}
	if err != nil {
		return
	}
	if len(ms) != len(want) {
		t.Fatalf("%q: %d members, parseObject %d", src, len(ms), len(want))
	}
	for _, m := range ms {
		w, ok := want[m.name]
		if v, vok := valueOf(m.value); !ok || !vok || !reflect.DeepEqual(floats(v), w) {
			t.Fatalf("%q: member %q = %#v, parseObject %#v", src, m.name, v, w)
		}
		if s, ok := stringOf(m.value); ok && s != w {
			t.Fatalf("%q: stringOf(%q) = %q, parseObject %#v", src, m.value, s, w)
		}
		if f, ok := numberOf(m.value); ok && f != w {
			t.Fatalf("%q: numberOf(%q) = %v, parseObject %#v", src, m.value, f, w)
		}
		for _, words := range []bool{false, true} {
			got, gotAll := appendStrings(m.value, nil, words)
			want, wantAll := referenceStrings(w, words)
			if !slices.Equal(got, want) || gotAll != wantAll {
				t.Fatalf("%q: appendStrings(%q, words=%v) = %q, %v; want %q, %v", src, m.value, words, got, gotAll, want, wantAll)
			}
		}
		if _, isString := w.(string); isString != strings.HasPrefix(m.value, `"`) {
			t.Fatalf("%q: stringOf(%q) and parseObject disagree on the type", src, m.value)
		}
	}
}

// floats turns the json.Number values of v (from valueOf) into the
// float64 values parseObject gives.
func floats(v any) any {
	switch v := v.(type) {
	case json.Number:
		f, err := v.Float64()
		if err != nil {
			panic(err)
		}
		return f
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			out[i] = floats(e)
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, e := range v {
			out[k] = floats(e)
		}
		return out
	}
	return v
}

// referenceStrings is appendStrings written over parseObject's values.
func referenceStrings(v any, words bool) (out []string, allStrings bool) {
	switch v := v.(type) {
	case string:
		if words {
			for _, w := range strings.Split(v, " ") {
				if w != "" {
					out = append(out, w)
				}
			}
			return out, true
		}
		return []string{v}, true
	case []any:
		allStrings = true
		for _, e := range v {
			s, ok := e.(string)
			allStrings = allStrings && ok
			if ok && (s != "" || !words) {
				out = append(out, s)
			}
		}
		return out, allStrings
	}
	return nil, false
}

func BenchmarkParseObject(b *testing.B) {
	src := `{"iss":"https://issuer.example.com/","sub":"user-1","aud":"https://api.example.test","iat":1700000000,"exp":1700000300,` +
		`"jti":"0123456789abcdef0123456789abcdef","scope":"openid profile read:items write:items","roles":["editor"],` +
		`"permissions":["items:delete","items:create"],"client_id":"bench-client"}`
	b.Run("parseObject", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := parseObject(src); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("objectMembers", func(b *testing.B) {
		b.ReportAllocs()
		var buf [24]member
		for b.Loop() {
			if _, err := objectMembers(src, buf[:0]); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The whole payload step of a verified token: members, Claims and
	// the registered-claim checks.
	b.Run("claims", func(b *testing.B) {
		iss := newIssuer(b.Context(), Config{
			Issuer: "https://issuer.example.com/", Audiences: []string{"https://api.example.test"}, IntrospectAll: true,
			ScopeClaims: []string{"scope", "scp"}, RoleClaims: []string{"roles"}, PermissionClaims: []string{"permissions"},
			Now: func() time.Time { return time.Unix(1700000100, 0) },
		})
		b.ReportAllocs()
		var buf [24]member
		for b.Loop() {
			ms, err := objectMembers(src, buf[:0])
			if err != nil {
				b.Fatal(err)
			}
			_, reg := iss.claims(src, ms)
			if err := reg.validate(iss.cfg.Now(), iss.cfg.Leeway, iss.cfg.Issuer, iss.cfg.Audiences); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var m map[string]any
			if err := json.Unmarshal([]byte(src), &m); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// FuzzAppendWords holds the scope splitter to its definition: the
// non-empty fields of strings.Split on U+0020 alone.
func FuzzAppendWords(f *testing.F) {
	for _, s := range []string{"", " ", "a", "openid profile read:items", " a\tb\nc\vd\fe\rf ", "a\u00a0b", "x é y", "é", "ab\u2003cd ef", "\x85a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var want []string
		for _, w := range strings.Split(s, " ") {
			if w != "" {
				want = append(want, w)
			}
		}
		if got := appendWords(s, nil); !slices.Equal(got, want) {
			t.Fatalf("appendWords(%q) = %q, want %q", s, got, want)
		}
	})
}

// FuzzDecodeExact holds Claims.Decode to its definition: a struct field
// gets the value of the member of exactly its json name, decoded by
// encoding/json (numbers exact), and nothing else; a map gets every member.
func FuzzDecodeExact(f *testing.F) {
	for _, s := range []string{
		`{"sub":"a","ſub":"b","Sub":"c"}`, `{"n":1234567890123456789,"N":1}`, `{"n":2.0,"f":1e3}`, `{"n":1.5}`,
		`{"inner":{"id":9007199254740993,"ID":1},"list":[1,2.0,3]}`, `{"Name":"x","name":"y"}`, `{"any":{"k":[1e400]}}`,
		`{"n":-9223372036854775808,"u":18446744073709551615}`, `{"list":[1,"x"]}`,
	} {
		f.Add(s)
	}
	type inner struct {
		ID int64 `json:"id"`
	}
	type target struct {
		Sub   string         `json:"sub"`
		N     int64          `json:"n"`
		U     uint64         `json:"u"`
		F     float64        `json:"f"`
		Name  string         // no tag
		Inner inner          `json:"inner"`
		List  []int          `json:"list"`
		Any   any            `json:"any"`
		Extra map[string]any `json:"extra"`
	}
	f.Fuzz(func(t *testing.T, src string) {
		if _, err := objectMembers(src, nil); err != nil {
			return // Claims hold validated payloads only
		}
		var got target
		gotErr := decodeExact(src, &got)
		// The reference: each field from its exact member alone.
		var members map[string]json.RawMessage
		if err := json.Unmarshal([]byte(src), &members); err != nil {
			t.Fatalf("%q: objectMembers accepts what encoding/json refuses: %v", src, err)
		}
		var want target
		var wantErr error
		fields := map[string]any{"sub": &want.Sub, "n": &want.N, "u": &want.U, "f": &want.F, "Name": &want.Name,
			"inner": &want.Inner, "list": &want.List, "any": &want.Any, "extra": &want.Extra}
		for name, ptr := range fields {
			raw, ok := members[name]
			if !ok {
				continue
			}
			if name == "inner" {
				// Exact names inside too: only "id".
				var in map[string]json.RawMessage
				if json.Unmarshal(raw, &in) == nil {
					if id, ok := in["id"]; ok {
						if err := decodeIntExact(id, &want.Inner.ID); err != nil {
							wantErr = err
						}
					}
					continue
				}
			}
			if name == "list" {
				var elems []json.RawMessage
				if err := json.Unmarshal(raw, &elems); err != nil {
					if string(raw) != "null" {
						wantErr = err
					}
					continue
				}
				want.List = make([]int, len(elems))
				for i, e := range elems {
					var n int64
					if err := decodeIntExact(e, &n); err != nil {
						wantErr = err
					}
					want.List[i] = int(n)
				}
				continue
			}
			if p, isInt := ptr.(*int64); isInt {
				if err := decodeIntExact(raw, p); err != nil {
					wantErr = err
				}
				continue
			}
			dec := json.NewDecoder(strings.NewReader(string(raw)))
			dec.UseNumber()
			if err := dec.Decode(ptr); err != nil {
				wantErr = err
			}
		}
		if (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("%q: Decode error %v, reference %v", src, gotErr, wantErr)
		}
		if gotErr == nil && !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: Decode %+v, reference %+v", src, got, want)
		}
	})
}

// decodeIntExact is the integer rule of Decode: an integer exactly, or an
// integral number below 2^53 written with a fraction or exponent.
func decodeIntExact(raw json.RawMessage, p *int64) error {
	if err := json.Unmarshal(raw, p); err == nil {
		return nil
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) >= 1<<53 {
		return fmt.Errorf("%s does not fit an int64", raw)
	}
	*p = int64(f)
	return nil
}
