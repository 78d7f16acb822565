package jsonscan

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
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
		{name: "duplicate Member", src: `{"aud":"a","aud":"b"}`, err: ErrDuplicate},
		{name: "duplicate after escape", src: `{"aud":"a","a\u0075d":"b"}`, err: ErrDuplicate},
		{name: "nested duplicate", src: `{"a":{"b":1,"b":2}}`, err: ErrDuplicate},
		{name: "duplicate inside an array's object", src: `{"a":[{"x":1,"x":1}]}`, err: ErrDuplicate},
		{name: "many members", src: manyMembers(40, ""), want: manyMembersMap(40)},
		{name: "many members, duplicate last", src: manyMembers(40, `,"m3":0`), err: ErrDuplicate},
		{name: "many nested members, duplicate last", src: `{"o":` + manyMembers(40, `,"m39":0`) + `}`, err: ErrDuplicate},
		{name: "many members, duplicate of the first", src: manyMembers(17, `,"m0":0`), err: ErrDuplicate},
		{name: "many nested members, duplicate of the first", src: `{"o":` + manyMembers(17, `,"m0":0`) + `}`, err: ErrDuplicate},
		{name: "nested members, duplicate of the 16th", src: `{"o":` + manyMembers(16, `,"m15":0`) + `}`, err: ErrDuplicate},
		{name: "nested members, duplicate of the 17th", src: `{"o":` + manyMembers(18, `,"m16":0`) + `}`, err: ErrDuplicate},
		{name: "nested members past 16, all distinct", src: `{"o":` + manyMembers(17, "") + `}`, want: map[string]any{"o": manyMembersMap(17)}},
		{name: "depth 32", src: strings.Repeat(`{"a":`, 31) + `{}` + strings.Repeat("}", 31), want: nested(31)},
		{name: "depth 33", src: strings.Repeat(`{"a":`, 32) + `{}` + strings.Repeat("}", 32), err: ErrDepth},
		{name: "308 digits", src: `{"a":1` + strings.Repeat("0", 307) + `}`, want: map[string]any{"a": 1e307}},
		{name: "309 digits", src: `{"a":1` + strings.Repeat("0", 308) + `}`, want: map[string]any{"a": 1e308}},
		{name: "long integer in range", src: `{"a":` + strings.Repeat("9", 300) + `}`, want: map[string]any{"a": 1e300}},
		{name: "integer out of range", src: `{"a":1` + strings.Repeat("0", 309) + `}`, err: ErrSyntax},
		{name: "array at top", src: `["a"]`, err: ErrNotObject},
		{name: "string at top", src: `"a"`, err: ErrNotObject},
		{name: "empty input", src: ``, err: ErrNotObject},
		{name: "trailing data", src: `{}{}`, err: ErrSyntax},
		{name: "trailing comma", src: `{"a":1,}`, err: ErrSyntax},
		{name: "single quotes", src: `{'a':1}`, err: ErrSyntax},
		{name: "leading zero", src: `{"a":01}`, err: ErrSyntax},
		{name: "bare dot", src: `{"a":1.}`, err: ErrSyntax},
		{name: "plus sign", src: `{"a":+1}`, err: ErrSyntax},
		{name: "out of range number", src: `{"a":1e400}`, err: ErrSyntax},
		{name: "NaN", src: `{"a":NaN}`, err: ErrSyntax},
		{name: "raw control character", src: "{\"a\":\"x\x00y\"}", err: ErrSyntax},
		{name: "invalid UTF-8", src: "{\"a\":\"\xff\"}", err: ErrSyntax},
		{name: "lone high surrogate", src: `{"a":"\ud800"}`, err: ErrSyntax},
		{name: "lone low surrogate", src: `{"a":"\udc00x"}`, err: ErrSyntax},
		{name: "bad escape", src: `{"a":"\x"}`, err: ErrSyntax},
		{name: "unterminated string", src: `{"a":"abc`, err: ErrSyntax},
		{name: "truncated literal", src: `{"a":tru}`, err: ErrSyntax},
		{name: "missing colon", src: `{"a" 1}`, err: ErrSyntax},
		{name: "too deep", src: `{"a":` + strings.Repeat("[", 40) + strings.Repeat("]", 40) + `}`, err: ErrDepth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.src)
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

// FuzzParseObject checks Parse against encoding/json: whatever it
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
		got, err := Parse(src)
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
		case errors.Is(err, ErrDuplicate), errors.Is(err, ErrDepth):
		case !utf8.ValidString(src), strings.Contains(src, `\u`):
			// invalid UTF-8 or lone surrogates, which encoding/json replaces
		default:
			t.Fatalf("refused %q (%v) that encoding/json accepts", src, err)
		}
	})
}

// checkMembers holds Members and its value helpers to Parse:
// the same inputs refused, the same members, the same values.
func checkMembers(t *testing.T, src string, want map[string]any, wantErr error) {
	t.Helper()
	ms, err := Members(src, nil)
	if (err == nil) != (wantErr == nil) || (err != nil && !errors.Is(err, wantErr)) {
		t.Fatalf("%q: Members error %v, Parse error %v", src, err, wantErr)
	}
	// Scan refuses only what Members refuses, accepts what it
	// refuses only with checks deferred, and without deferral returns the
	// same members.
	lms, deferred, lerr := Scan(src, nil)
	switch {
	case lerr != nil && err == nil:
		t.Fatalf("%q: Scan refuses (%v) what Members accepts", src, lerr)
	case lerr == nil && err != nil && !deferred:
		t.Fatalf("%q: Scan accepts without deferring what Members refuses (%v)", src, err)
	case lerr == nil && !deferred && !reflect.DeepEqual(lms, ms):
		t.Fatalf("%q: Scan gives %q, Members %q", src, lms, ms)
	case lerr == nil && len(lms) > ScanKept:
		t.Fatalf("%q: Scan kept %d members, over %d", src, len(lms), ScanKept)
	}
	if err != nil {
		return
	}
	if len(ms) != len(want) {
		t.Fatalf("%q: %d members, Parse %d", src, len(ms), len(want))
	}
	for _, m := range ms {
		w, ok := want[m.Name]
		if v, vok := Value(m.Value); !ok || !vok || !reflect.DeepEqual(floats(v), w) {
			t.Fatalf("%q: Member %q = %#v, Parse %#v", src, m.Name, v, w)
		}
		if s, ok := String(m.Value); ok && s != w {
			t.Fatalf("%q: String(%q) = %q, Parse %#v", src, m.Value, s, w)
		}
		if f, ok := Number(m.Value); ok && f != w {
			t.Fatalf("%q: Number(%q) = %v, Parse %#v", src, m.Value, f, w)
		}
		for _, words := range []bool{false, true} {
			got, gotAll := AppendStrings(m.Value, nil, words)
			want, wantAll := referenceStrings(w, words)
			if !slices.Equal(got, want) || gotAll != wantAll {
				t.Fatalf("%q: AppendStrings(%q, words=%v) = %q, %v; want %q, %v", src, m.Value, words, got, gotAll, want, wantAll)
			}
		}
		if _, isString := w.(string); isString != strings.HasPrefix(m.Value, `"`) {
			t.Fatalf("%q: String(%q) and Parse disagree on the type", src, m.Value)
		}
	}
}

// floats turns the json.Number values of v (from Value) into the
// float64 values Parse gives.
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

// referenceStrings is AppendStrings written over Parse's values.
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
	b.Run("Parse", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Parse(src); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Members", func(b *testing.B) {
		b.ReportAllocs()
		var buf [24]Member
		for b.Loop() {
			if _, err := Members(src, buf[:0]); err != nil {
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
		if got := AppendWords(s, nil); !slices.Equal(got, want) {
			t.Fatalf("AppendWords(%q) = %q, want %q", s, got, want)
		}
	})
}
