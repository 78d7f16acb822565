package runtime_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

// TestCheck: Check answers as Enforce does, but hands the rejection's
// headers back instead of writing them, for transports with their own
// error format.
func TestCheck(t *testing.T) {
	iss := axiomstest.New(t)
	g := newGuard(t, iss.Config())
	need := runtime.Requirement{Scopes: [][]string{{"read:items"}}}
	call := func(auth string) (*runtime.Claims, http.Header, error) {
		r := httptest.NewRequest(http.MethodPost, "/items.v1.ItemService/GetItem", nil)
		if auth != "" {
			r.Header.Set("Authorization", auth)
		}
		return g.Check(r, need)
	}

	c, h, err := call("Bearer " + iss.Token(t, axiomstest.WithScopes("read:items"), axiomstest.WithSubject("alice")))
	if err != nil || c == nil || c.Subject != "alice" || h != nil {
		t.Fatalf("valid token: claims %v, header %v, err %v", c, h, err)
	}

	cases := []struct {
		name, auth string
		kind       error
		challenge  string
	}{
		{"no token", "", runtime.ErrNoToken, `Bearer realm="api"`},
		{"malformed", "Bearer a b", runtime.ErrInvalidRequest, `error="invalid_request"`},
		{"garbage", "Bearer abc.def.ghi", runtime.ErrInvalidToken, `error="invalid_token"`},
		{"scope missing", "Bearer " + iss.Token(t, axiomstest.WithScopes("write:items")), runtime.ErrInsufficient, `scope="read:items"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, h, err := call(tc.auth)
			if c != nil || !errors.Is(err, tc.kind) {
				t.Fatalf("claims %v, err %v; want %v", c, err, tc.kind)
			}
			if got := h.Get("WWW-Authenticate"); !strings.Contains(got, tc.challenge) {
				t.Errorf("WWW-Authenticate %q; want it to contain %q", got, tc.challenge)
			}
			if d := runtime.Description(err); d == "" || (tc.auth != "" && strings.Contains(d, tc.auth[len("Bearer "):])) {
				t.Errorf("description %q is empty or echoes the token", d)
			}
		})
	}
}
