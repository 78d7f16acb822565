package claimcheck

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/axioms-go/axiomsgen/runtime/internal/jsonscan"
	"github.com/golang-jwt/jwt/v5"
)

// read builds the Registered of a payload the way the runtime's claims
// reader does (TestRegisteredClaims in the runtime holds that reader to
// the Validator too); false when the payload is no JSON object.
func read(payload string) (*Registered, bool) {
	ms, err := jsonscan.Members(payload, nil)
	if err != nil {
		return nil, false
	}
	var iss, sub string
	var aud []string
	r := &Registered{Iss: &iss, Sub: &sub, Aud: &aud}
	audList := false
	for _, m := range ms {
		switch m.Name {
		case "iss":
			iss = r.String(m.Value, Iss)
		case "sub":
			sub = r.String(m.Value, Sub)
		case "exp":
			r.Date(m.Value, Exp)
		case "nbf":
			r.Date(m.Value, Nbf)
		case "iat":
			r.Date(m.Value, Iat)
		case "aud":
			var all bool
			aud, all = jsonscan.AppendStrings(m.Value, aud[:0], false)
			if m.Value[0] == '[' && !all {
				r.Invalid(Aud)
			}
			audList = jsonscan.IsList(m.Value)
		}
	}
	if !audList {
		aud = nil
	}
	return r, true
}

var sentinels = []error{jwt.ErrTokenExpired, jwt.ErrTokenNotValidYet, jwt.ErrTokenUsedBeforeIssued,
	jwt.ErrTokenInvalidIssuer, jwt.ErrTokenInvalidAudience, jwt.ErrTokenRequiredClaimMissing, jwt.ErrInvalidType}

// FuzzValidate holds Registered.Validate to golang-jwt's Validator on
// jwt.MapClaims (encoding/json's reading of the same payload): the same
// verdict, error text and errors.Is matches, for any payload, time and
// leeway, but for dates beyond ±2^53 seconds, which are invalid here. The
// Validator given the Registered itself must agree too.
func FuzzValidate(f *testing.F) {
	for _, p := range []string{
		`{"iss":"https://i","aud":"api","exp":1700000100}`,
		`{"iss":"https://i","aud":["x","api"],"exp":1700000100.5,"nbf":1699999990,"iat":1699999990}`,
		`{"iss":"https://i","aud":"api","exp":1699999990}`,
		`{"iss":"https://i","aud":"api","exp":0}`,
		`{"iss":"https://i","aud":"api"}`,
		`{"iss":"https://i","aud":"api","exp":"1700000100"}`,
		`{"iss":"https://i","aud":"api","exp":null}`,
		`{"iss":"https://i","aud":"api","exp":1700000100,"nbf":true}`,
		`{"iss":"https://i","aud":"api","exp":1700000100,"iat":[1]}`,
		`{"iss":7,"aud":"api","exp":1700000100}`,
		`{"aud":"api","exp":1700000100}`,
		`{"iss":"https://i","aud":["api",1],"exp":1700000100}`,
		`{"iss":"https://i","aud":[],"exp":1700000100}`,
		`{"iss":"https://i","aud":"","exp":1700000100}`,
		`{"iss":"https://i","aud":7,"exp":1700000100}`,
		`{"iss":"https://i","aud":null,"exp":1700000100}`,
		`{"iss":"https://i","aud":"api","exp":1700000100,"sub":3}`,
		`{"iss":"https://i","aud":"api","exp":1700000100,"iat":1700000031.5}`,
		`{"iss":"https://i","aud":"api","exp":1e300}`,
		`{"iss":"https://i","aud":"api","exp":-9.3e18,"nbf":9.3e18}`,
		`{"iss":null,"aud":[null],"exp":"x","nbf":"y","iat":{}}`,
	} {
		f.Add(p, int64(0), uint8(30))
		f.Add(p, int64(100), uint8(0))
	}
	f.Fuzz(func(t *testing.T, payload string, offset int64, leewaySeconds uint8) {
		r, ok := read(payload)
		if !ok {
			return
		}
		var m jwt.MapClaims
		if err := json.Unmarshal([]byte(payload), &m); err != nil {
			t.Fatalf("jsonscan accepted %q, encoding/json refused it: %v", payload, err)
		}
		now := time.Unix(1_700_000_000, 0).Add(time.Duration(offset%(1<<40)) * time.Millisecond)
		leeway := time.Duration(leewaySeconds) * time.Second
		v := jwt.NewValidator(jwt.WithIssuer("https://i"), jwt.WithAudience("api", "other"), jwt.WithExpirationRequired(),
			jwt.WithIssuedAt(), jwt.WithLeeway(leeway), jwt.WithTimeFunc(func() time.Time { return now }))
		want := v.Validate(m)
		// The one documented difference: a date beyond ±2^53 seconds is
		// invalid here, where golang-jwt converts it into a wrapped time.
		for _, name := range []string{"exp", "nbf", "iat"} {
			if f, isNum := m[name].(float64); isNum && (f >= MaxNumericDate || f <= -MaxNumericDate) {
				if err := r.Validate(now, leeway, "https://i", []string{"api", "other"}); !errors.Is(err, jwt.ErrInvalidType) {
					t.Fatalf("%q: %s out of range gives %v, want an invalid claim", payload, name, err)
				}
				return
			}
		}
		for name, got := range map[string]error{
			"Validate":              r.Validate(now, leeway, "https://i", []string{"api", "other"}),
			"Validator(Registered)": v.Validate(r),
		} {
			if (want == nil) != (got == nil) {
				t.Fatalf("%q at %v, leeway %v: %s gives %v, the Validator on MapClaims %v", payload, now, leeway, name, got, want)
			}
			if want == nil {
				continue
			}
			if got.Error() != want.Error() {
				t.Fatalf("%q: %s error text %q, the Validator on MapClaims %q", payload, name, got, want)
			}
			for _, s := range sentinels {
				if errors.Is(want, s) != errors.Is(got, s) {
					t.Fatalf("%q: %s: errors.Is(_, %v) = %v, the Validator on MapClaims %v", payload, name, s, errors.Is(got, s), errors.Is(want, s))
				}
			}
		}
	})
}

// TestDateOutOfRange: a date past ±2^53 seconds is an invalid claim, not
// a time that wraps.
func TestDateOutOfRange(t *testing.T) {
	for _, raw := range []string{"1e300", "-1e300", "9007199254740992", "-9007199254740992"} {
		var r Registered
		if got := r.Date(raw, Nbf); !got.IsZero() {
			t.Errorf("Date(%s) = %v", raw, got)
		}
		if _, err := r.GetNotBefore(); !errors.Is(err, jwt.ErrInvalidType) || !strings.Contains(err.Error(), "nbf") {
			t.Errorf("Date(%s): GetNotBefore error %v, want an invalid nbf", raw, err)
		}
	}
	var r Registered
	if got := r.Date("9007199254740991", Exp); got.IsZero() {
		t.Error("the largest date in range was refused")
	}
}
