package runtime

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/axioms-go/axiomsgen/runtime/internal/jsonscan"
)

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
		if _, err := jsonscan.Members(src, nil); err != nil {
			return // Claims hold validated payloads only
		}
		var got target
		gotErr := decodeExact(src, &got)
		// The reference: each field from its exact member alone.
		var members map[string]json.RawMessage
		if err := json.Unmarshal([]byte(src), &members); err != nil {
			t.Fatalf("%q: jsonscan.Members accepts what encoding/json refuses: %v", src, err)
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

// BenchmarkPayloadClaims is the whole payload step of a verified token:
// members, Claims and the registered-claim checks.
func BenchmarkPayloadClaims(b *testing.B) {
	src := `{"iss":"https://issuer.example.com/","sub":"user-1","aud":"https://api.example.test","iat":1700000000,"exp":1700000300,` +
		`"jti":"0123456789abcdef0123456789abcdef","scope":"openid profile read:items write:items","roles":["editor"],` +
		`"permissions":["items:delete","items:create"],"client_id":"bench-client"}`

	iss := newIssuer(b.Context(), Config{
		Issuer: "https://issuer.example.com/", Audiences: []string{"https://api.example.test"}, IntrospectAll: true,
		ScopeClaims: []string{"scope", "scp"}, RoleClaims: []string{"roles"}, PermissionClaims: []string{"permissions"},
		Now: func() time.Time { return time.Unix(1700000100, 0) },
	})
	b.ReportAllocs()
	var buf [24]jsonscan.Member
	for b.Loop() {
		ms, err := jsonscan.Members(src, buf[:0])
		if err != nil {
			b.Fatal(err)
		}
		_, reg := iss.claims(src, ms)
		if err := reg.Validate(iss.cfg.Now(), iss.cfg.Leeway, iss.cfg.Issuer, iss.cfg.Audiences); err != nil {
			b.Fatal(err)
		}
	}
}
