package runtime

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/axioms-go/axiomsgen/runtime/internal/jsonscan"

	"github.com/golang-jwt/jwt/v5"
)

func TestBearerToken(t *testing.T) {
	tests := []struct {
		name    string
		headers []string // Authorization values; nil means no header
		want    string
		kind    error
		scheme  scheme
	}{
		{name: "no header", kind: ErrNoToken},
		{name: "another scheme", headers: []string{"Basic dXNlcjpwYXNz"}, kind: ErrNoToken},
		{name: "scheme only, trailing blank stripped by Go", headers: []string{"Bearer"}, kind: ErrInvalidRequest},
		{name: "scheme and blanks", headers: []string{"Bearer    "}, kind: ErrInvalidRequest},
		{name: "token with inner blank", headers: []string{"Bearer abc def"}, kind: ErrInvalidRequest},
		{name: "token with tab", headers: []string{"Bearer abc\tdef"}, kind: ErrInvalidRequest},
		{name: "two headers", headers: []string{"Bearer a.b.c", "Bearer d.e.f"}, kind: ErrInvalidRequest},
		{name: "too long", headers: []string{"Bearer " + strings.Repeat("a", 101)}, kind: ErrInvalidToken},
		{name: "exactly at limit", headers: []string{"Bearer " + strings.Repeat("a", 100)}, want: strings.Repeat("a", 100)},
		{name: "plain", headers: []string{"Bearer a.b.c"}, want: "a.b.c"},
		{name: "lower case scheme", headers: []string{"bearer a.b.c"}, want: "a.b.c"},
		{name: "upper case scheme", headers: []string{"BEARER a.b.c"}, want: "a.b.c"},
		{name: "several spaces", headers: []string{"Bearer   a.b.c"}, want: "a.b.c"},
		{name: "scheme glued to token", headers: []string{"Bearera.b.c"}, kind: ErrNoToken},
		{name: "dpop scheme", headers: []string{"DPoP a.b.c"}, want: "a.b.c", scheme: schemeDPoP},
		{name: "dpop scheme any case", headers: []string{"dpop a.b.c"}, want: "a.b.c", scheme: schemeDPoP},
		{name: "dpop scheme empty", headers: []string{"DPoP"}, kind: ErrInvalidRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/?access_token=a.b.c", nil)
			for _, h := range tt.headers {
				r.Header.Add("Authorization", h)
			}
			used, got, err := credentials(r, 100)
			if tt.kind != nil {
				if !errors.Is(err, tt.kind) {
					t.Fatalf("err = %v, want kind %v", err, tt.kind)
				}
				return
			}
			if tt.scheme == schemeNone {
				tt.scheme = schemeBearer
			}
			if err != nil || got != tt.want || used != tt.scheme {
				t.Fatalf("got %q (scheme %d), %v; want %q (scheme %d)", got, used, err, tt.want, tt.scheme)
			}
		})
	}
}

func TestRequirementCheck(t *testing.T) {
	c := &Claims{Scopes: []string{"read", "write"}, Roles: []string{"editor"}, Permissions: []string{"items:delete"}}
	tests := []struct {
		name      string
		req       Requirement
		ok        bool
		wantScope []string
	}{
		{name: "zero requirement accepts any valid token", req: Requirement{}, ok: true},
		{name: "authenticated", req: Requirement{Authenticated: true}, ok: true},
		{name: "one scope held", req: Requirement{Scopes: [][]string{{"read"}}}, ok: true},
		{name: "any-of with one held", req: Requirement{Scopes: [][]string{{"admin", "write"}}}, ok: true},
		{name: "any-of with none held", req: Requirement{Scopes: [][]string{{"admin", "root"}}}, wantScope: []string{"admin", "root"}},
		{name: "AND of two scope lists both held", req: Requirement{Scopes: [][]string{{"read"}, {"write"}}}, ok: true},
		{name: "AND of two scope lists one missing", req: Requirement{Scopes: [][]string{{"read"}, {"admin"}}}, wantScope: []string{"admin"}},
		{name: "AND across kinds held", req: Requirement{Scopes: [][]string{{"read"}}, Roles: [][]string{{"admin", "editor"}}, Permissions: [][]string{{"items:delete"}}}, ok: true},
		{name: "AND across kinds role missing", req: Requirement{Scopes: [][]string{{"read"}}, Roles: [][]string{{"admin"}}}},
		{name: "permission missing", req: Requirement{Permissions: [][]string{{"items:create"}}}},
		{name: "empty inner list never met", req: Requirement{Roles: [][]string{{}}}},
		{name: "case sensitive", req: Requirement{Scopes: [][]string{{"READ"}}}, wantScope: []string{"READ"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.req.check(c)
			if tt.ok {
				if err != nil {
					t.Fatalf("unexpected rejection: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrInsufficient) {
				t.Fatalf("err = %v, want ErrInsufficient", err)
			}
			var e *Error
			if !errors.As(err, &e) || !slices.Equal(e.Scope, tt.wantScope) {
				t.Errorf("scope = %q, want %q", e.Scope, tt.wantScope)
			}
		})
	}
}

func TestRequirementString(t *testing.T) {
	r := Requirement{Scopes: [][]string{{"read", "admin"}}, Roles: [][]string{{"editor"}}}
	if got, want := r.String(), "scopes(read|admin) AND roles(editor)"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := (Requirement{}).String(); got != "authenticated" {
		t.Errorf("got %q", got)
	}
}

func TestClaimLookup(t *testing.T) {
	const payload = `{
		"scope": "read  write",
		"scp": ["a", 7, "", "b"],
		"https://example.com/roles": ["admin"],
		"cognito:groups": ["ops"],
		"realm_access": {"roles": ["kc-user"]},
		"resource_access": {"api": {"roles": "x y"}},
		"a.b": "exact wins",
		"a": {"b": "path loses", "": "empty name"},
		"num": 3,
		"level": 2.0,
		"ORG_ID": "evil",
		"org_id": "acme",
		"empty_scope": "",
		"empty_array": []
	}`
	ms, err := jsonscan.Members(payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		names []string
		want  []string
	}{
		{name: "space delimited string", names: []string{"scope"}, want: []string{"read", "write"}},
		{name: "array skips non-strings and empty strings", names: []string{"scp"}, want: []string{"a", "b"}},
		{name: "namespaced key", names: []string{"https://example.com/roles"}, want: []string{"admin"}},
		{name: "colon key", names: []string{"cognito:groups"}, want: []string{"ops"}},
		{name: "dotted path", names: []string{"realm_access.roles"}, want: []string{"kc-user"}},
		{name: "deep dotted path with string value", names: []string{"resource_access.api.roles"}, want: []string{"x", "y"}},
		{name: "exact key before path", names: []string{"a.b"}, want: []string{"exact", "wins"}},
		{name: "trailing dot names the empty member", names: []string{"a."}, want: []string{"empty", "name"}},
		{name: "several claims combined", names: []string{"scope", "scp"}, want: []string{"read", "write", "a", "b"}},
		{name: "missing claim", names: []string{"nope", "realm_access.nope"}, want: nil},
		{name: "path through a non-object", names: []string{"num.x", "scope.x"}, want: nil},
		{name: "number grants nothing", names: []string{"num"}, want: nil},
		{name: "object grants nothing", names: []string{"realm_access"}, want: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iss := &issuer{cfg: Config{ScopeClaims: tt.names}}
			c, _ := iss.claims(payload, ms)
			if !slices.Equal(c.Scopes, tt.want) {
				t.Errorf("got %q, want %q", c.Scopes, tt.want)
			}
		})
	}
	// A list claim that is present as a string or an array gives a
	// non-nil list, even an empty one; absent or of another type, nil
	// (json.Marshal prints [] and null).
	for _, tt := range []struct {
		names []string
		isNil bool
	}{
		{[]string{"empty_scope"}, false},
		{[]string{"empty_array"}, false},
		{[]string{"nope", "empty_array"}, false},
		{[]string{"nope"}, true},
		{[]string{"num"}, true},
		{[]string{"realm_access"}, true},
	} {
		iss := &issuer{cfg: Config{ScopeClaims: tt.names, RoleClaims: tt.names}}
		c, _ := iss.claims(payload, ms)
		if (c.Scopes == nil) != tt.isNil || (c.Roles == nil) != tt.isNil {
			t.Errorf("%q: Scopes %#v, Roles %#v, want nil %v", tt.names, c.Scopes, c.Roles, tt.isNil)
		}
		if d := copyClaims(c); (d.Scopes == nil) != tt.isNil {
			t.Errorf("%q: cached copy's Scopes %#v, want nil %v", tt.names, d.Scopes, tt.isNil)
		}
	}
	c := &Claims{payload: payload}
	if v, ok := c.Get("realm_access.roles"); !ok || v.([]any)[0] != "kc-user" {
		t.Errorf("Get(realm_access.roles) = %v, %v", v, ok)
	}
	if v, ok := c.Get("a.b"); !ok || v != "exact wins" {
		t.Errorf("Get(a.b) = %v, %v", v, ok)
	}
	if v, ok := c.Get("resource_access.api"); !ok || !reflect.DeepEqual(v, map[string]any{"roles": "x y"}) {
		t.Errorf("Get(resource_access.api) = %v, %v", v, ok)
	}
	if _, ok := c.Get("realm_access.roles.x"); ok {
		t.Error("Get through a non-object succeeded")
	}
	if _, ok := (&Claims{}).Get("scope"); ok {
		t.Error("Get on empty Claims succeeded")
	}
	// Each Get builds a fresh value: changing it changes no other caller's.
	v, _ := c.Get("realm_access")
	v.(map[string]any)["roles"] = "tampered"
	if v, _ := c.Get("realm_access.roles"); v.([]any)[0] != "kc-user" {
		t.Error("a caller's change to a Get result reached the claims")
	}
	// Decode: 2.0 fills an int, and of names differing only in case only
	// the exact one fills the field, whatever the token's order.
	var typed struct {
		Num   int      `json:"num"`
		Level int      `json:"level"`
		OrgID string   `json:"org_id"`
		Roles []string `json:"https://example.com/roles"`
	}
	if err := c.Decode(&typed); err != nil || typed.Num != 3 || typed.Level != 2 || typed.OrgID != "acme" || typed.Roles[0] != "admin" {
		t.Errorf("Decode = %+v, %v", typed, err)
	}
	for _, p := range []string{`{"ORG_ID":"upper","org_id":"lower"}`, `{"org_id":"lower","ORG_ID":"upper"}`} {
		var org struct {
			OrgID string `json:"org_id"`
		}
		if err := (&Claims{payload: p}).Decode(&org); err != nil || org.OrgID != "lower" {
			t.Errorf("Decode(%s): OrgID = %q, %v; want the lowercase name's value", p, org.OrgID, err)
		}
	}
	if err := (&Claims{}).Decode(&typed); err != nil {
		t.Errorf("Decode of empty Claims: %v", err)
	}
}

func TestClientIDClaim(t *testing.T) {
	for _, tt := range []struct{ payload, want string }{
		{`{"azp":"b","client_id":"a"}`, "a"},
		{`{"appid":"d","cid":"c","azp":"b"}`, "b"},
		{`{"client_id":"","azp":"","cid":"c","appid":"d"}`, "c"},
		{`{"client_id":7,"appid":"d"}`, "d"},
		{`{"sub":"x"}`, ""},
	} {
		ms, err := jsonscan.Members(tt.payload, nil)
		if err != nil {
			t.Fatal(err)
		}
		if c, _ := (&issuer{}).claims(tt.payload, ms); c.ClientID != tt.want {
			t.Errorf("%s: ClientID = %q, want %q", tt.payload, c.ClientID, tt.want)
		}
	}
}

// TestRegisteredClaimsTimePrecision: with golang-jwt's TimePrecision
// changed, dates are truncated as jwt.NewNumericDate truncates them, whole
// seconds included.
func TestRegisteredClaimsTimePrecision(t *testing.T) {
	defer func(p time.Duration) { jwt.TimePrecision = p }(jwt.TimePrecision)
	const payload = `{"iss":"https://i","aud":"api","exp":1700000000,"nbf":1699999990,"iat":1699999990.5}`
	ms, err := jsonscan.Members(payload, nil)
	if err != nil {
		t.Fatal(err)
	}
	var m jwt.MapClaims
	if err := json.Unmarshal([]byte(payload), &m); err != nil {
		t.Fatal(err)
	}
	for _, precision := range []time.Duration{time.Nanosecond, time.Millisecond, 7 * time.Millisecond, time.Second, 3 * time.Second, time.Minute} {
		jwt.TimePrecision = precision
		for offset := -4 * time.Second; offset <= 4*time.Second; offset += 500 * time.Microsecond {
			now := time.Unix(1_700_000_000, 0).Add(offset)
			v := jwt.NewValidator(jwt.WithIssuer("https://i"), jwt.WithAudience("api"), jwt.WithExpirationRequired(),
				jwt.WithIssuedAt(), jwt.WithTimeFunc(func() time.Time { return now }))
			_, reg := (&issuer{}).claims(payload, ms)
			want, got := v.Validate(m), reg.Validate(now, 0, "https://i", []string{"api"})
			if (want == nil) != (got == nil) {
				t.Fatalf("precision %v, now %v: validate %v, MapClaims %v", precision, offset, got, want)
			}
		}
	}
}

// TestRegisteredClaims holds the runtime's registered-claim checks to
// golang-jwt's Validator on jwt.MapClaims (how the runtime checked them
// before it stopped building maps): the view of the payload given to the
// Validator, and claimcheck.Registered.Validate, reach the same verdicts with the same
// error values.
func TestRegisteredClaims(t *testing.T) {
	now, leeway := time.Unix(1_700_000_000, 0), 30*time.Second
	v := jwt.NewValidator(jwt.WithIssuer("https://i"), jwt.WithAudience("api"), jwt.WithExpirationRequired(),
		jwt.WithIssuedAt(), jwt.WithLeeway(leeway), jwt.WithTimeFunc(func() time.Time { return now }))
	for _, payload := range []string{
		`{"iss":"https://i","aud":"api","exp":1700000100}`,
		`{"iss":"https://i","aud":["x","api"],"exp":1700000100.5,"nbf":1699999990,"iat":1699999990}`,
		`{"iss":"https://i","aud":"api","exp":1699999990}`,
		`{"iss":"https://i","aud":"api","exp":1699999900}`,
		`{"iss":"https://i","aud":"api","exp":0}`,
		`{"iss":"https://i","aud":"api"}`,
		`{"iss":"https://i","aud":"api","exp":"1700000100"}`,
		`{"iss":"https://i","aud":"api","exp":null}`,
		`{"iss":"https://i","aud":"api","exp":1700000100,"nbf":1700000100}`,
		`{"iss":"https://i","aud":"api","exp":1700000100,"nbf":true}`,
		`{"iss":"https://i","aud":"api","exp":1700000100,"iat":1700000100}`,
		`{"iss":"https://i","aud":"api","exp":1700000100,"iat":[1]}`,
		`{"iss":"https://j","aud":"api","exp":1700000100}`,
		`{"iss":7,"aud":"api","exp":1700000100}`,
		`{"aud":"api","exp":1700000100}`,
		`{"iss":"https://i","aud":"other","exp":1700000100}`,
		`{"iss":"https://i","aud":["api",1],"exp":1700000100}`,
		`{"iss":"https://i","aud":[],"exp":1700000100}`,
		`{"iss":"https://i","aud":"","exp":1700000100}`,
		`{"iss":"https://i","aud":7,"exp":1700000100}`,
		`{"iss":"https://i","aud":null,"exp":1700000100}`,
		`{"iss":"https://i","aud":"api","exp":1700000100,"sub":3}`,
		`{"iss":"https://i","aud":"api","exp":1699999970}`,
		`{"iss":"https://i","aud":"api","exp":1699999971}`,
		`{"iss":"https://i","aud":"api","exp":1700000100,"nbf":1700000030}`,
		`{"iss":"https://i","aud":"api","exp":1700000100,"nbf":1700000031}`,
		`{"iss":"https://i","aud":"api","exp":1700000100,"iat":1700000030}`,
		`{"iss":"https://i","aud":"api","exp":1700000100,"iat":1700000031.5}`,
		`{"iss":"","aud":"api","exp":1700000100}`,
		`{"iss":"https://j","aud":"other","exp":1,"nbf":1800000000}`,
		`{"iss":null,"aud":[null],"exp":"x","nbf":"y","iat":{}}`,
	} {
		t.Run(payload, func(t *testing.T) {
			var m jwt.MapClaims
			if err := json.Unmarshal([]byte(payload), &m); err != nil {
				t.Fatal(err)
			}
			ms, err := jsonscan.Members(payload, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, reg := (&issuer{}).claims(payload, ms)
			want := v.Validate(m)
			for name, got := range map[string]error{
				"view":     v.Validate(reg),
				"validate": reg.Validate(now, leeway, "https://i", []string{"api"}),
			} {
				if (want == nil) != (got == nil) {
					t.Fatalf("%s: %v, MapClaims: %v", name, got, want)
				}
				if want != nil && got.Error() != want.Error() {
					t.Errorf("%s: error text %q, MapClaims %q", name, got, want)
				}
				for _, sentinel := range []error{jwt.ErrTokenExpired, jwt.ErrTokenNotValidYet, jwt.ErrTokenUsedBeforeIssued,
					jwt.ErrTokenInvalidIssuer, jwt.ErrTokenInvalidAudience, jwt.ErrTokenRequiredClaimMissing, jwt.ErrInvalidType} {
					if errors.Is(want, sentinel) != errors.Is(got, sentinel) {
						t.Errorf("%s: errors.Is(_, %v) = %v, MapClaims %v", name, sentinel, got, want)
					}
				}
			}
		})
	}
}

func TestChallengeAndStatus(t *testing.T) {
	tests := []struct {
		name      string
		err       error
		status    int
		code      string
		challenge string
	}{
		{name: "no token", err: &Error{Kind: ErrNoToken}, status: 401, code: "unauthorized", challenge: `Bearer realm="api"`},
		{name: "invalid request", err: newError(ErrInvalidRequest, "the bearer token is empty", nil), status: 400, code: "invalid_request",
			challenge: `Bearer realm="api", error="invalid_request", error_description="the bearer token is empty"`},
		{name: "invalid token", err: newError(ErrInvalidToken, `the token has "quotes"`, nil), status: 401, code: "invalid_token",
			challenge: `Bearer realm="api", error="invalid_token", error_description="the token has ?quotes?"`},
		{name: "insufficient with scope", err: &Error{Kind: ErrInsufficient, Scope: []string{"a", "b"}}, status: 403, code: "insufficient_scope",
			challenge: `Bearer realm="api", error="insufficient_scope", scope="a b"`},
		{name: "insufficient role", err: &Error{Kind: ErrInsufficient}, status: 403, code: "insufficient_scope",
			challenge: `Bearer realm="api", error="insufficient_scope"`},
		{name: "keys unavailable", err: &Error{Kind: ErrKeysUnavailable}, status: 503, code: "temporarily_unavailable"},
		{name: "foreign error fails closed", err: errors.New("boom"), status: 401, code: "invalid_token",
			challenge: `Bearer realm="api", error="invalid_token", error_description="the access token is invalid"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			WriteErrorResponse(w, tt.err, "api")
			if w.Code != tt.status || StatusCode(tt.err) != tt.status {
				t.Errorf("status = %d, want %d", w.Code, tt.status)
			}
			if got := w.Header().Get("WWW-Authenticate"); got != tt.challenge {
				t.Errorf("challenge = %q, want %q", got, tt.challenge)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("content type = %q", ct)
			}
			if tt.status == 503 && w.Header().Get("Retry-After") == "" {
				t.Error("503 without Retry-After")
			}
			var body errorBody
			if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error != tt.code || body.Description == "" {
				t.Errorf("body = %s (%v)", w.Body, err)
			}
		})
	}
}

func TestDecodeSegment(t *testing.T) {
	buf := make([]byte, 0, 64)
	for _, tt := range []struct {
		seg string
		ok  bool
	}{
		{"QUJD", true}, {"QUI", true}, {"QQ", true}, {"", true},
		{"QUJD\n", false}, {"\nQUJD", false}, {"QU\nJD", false}, {"QUJD\r\n", false}, {"QUI\n", false},
		{"QUJDR", false}, {"QUJD=", false}, {"QQ==", false}, {"QR", false}, {"QU+D", false}, {"QU/D", false},
	} {
		_, _, err := decodeSegment(buf, []byte(tt.seg))
		if (err == nil) != tt.ok {
			t.Errorf("decodeSegment(%q) error %v, want ok %v", tt.seg, err, tt.ok)
		}
	}
}

// TestClaimsAllocSize: a token's claims are one allocation of at most 512
// bytes, the largest the allocator serves without a header for objects
// with pointers.
func TestClaimsAllocSize(t *testing.T) {
	if n := unsafe.Sizeof(claimsAlloc{}); n > 512 {
		t.Errorf("claimsAlloc is %d bytes, over 512", n)
	}
}
