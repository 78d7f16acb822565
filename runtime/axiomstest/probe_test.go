package axiomstest_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

const probeBase = "https://api.example.test"

// probeRoutes is a route table as the generator writes it.
var probeRoutes = []runtime.Route{
	{Pattern: "GET /health", Handler: "Health", Public: true},
	{Pattern: "GET /items/{id}", Handler: "Get", Requirement: runtime.Requirement{Scopes: [][]string{{"read", "admin"}}}},
	{Pattern: "POST /admin/{path...}", Handler: "Admin", Requirement: runtime.Requirement{Roles: [][]string{{"ops"}}, Permissions: [][]string{{"admin:write"}}}},
	{Pattern: "DELETE /wallet", Handler: "Wallet", Requirement: runtime.Requirement{DPoP: true, Scopes: [][]string{{"pay"}}}},
	{Pattern: "POST /account/close", Handler: "Close", Requirement: runtime.Requirement{ACR: []string{"urn:mfa"}, MaxAge: 5 * time.Minute}},
	{Pattern: "GET /me", Handler: "Me", Requirement: runtime.Requirement{Authenticated: true}},
}

func newProbeGuard(t *testing.T, iss *axiomstest.Issuer) *runtime.Guard {
	t.Helper()
	cfg := iss.Config()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.DPoPBaseURL = probeBase
	g, err := runtime.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	return g
}

var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })

// app registers probeRoutes as generated code would, each behind its
// requirement; edit may change one route's registration to break it.
func app(g *runtime.Guard, edit func(mux *http.ServeMux, r runtime.Route) bool) http.Handler {
	mux := http.NewServeMux()
	for _, r := range probeRoutes {
		if edit != nil && edit(mux, r) {
			continue
		}
		if r.Public {
			mux.Handle(r.Pattern, ok)
			continue
		}
		mux.Handle(r.Pattern, g.Handler(r.Requirement, ok))
	}
	return mux
}

// TestProbePassesOnGuardedRoutes: every case of every route holds on an
// application that registers its table faithfully.
func TestProbePassesOnGuardedRoutes(t *testing.T) {
	iss := axiomstest.New(t)
	g := newProbeGuard(t, iss)
	axiomstest.Probe(t, app(g, nil), probeRoutes, iss, axiomstest.WithProbeBaseURL(probeBase))
	results, err := axiomstest.Matrix(app(g, nil), probeRoutes, iss, axiomstest.WithProbeBaseURL(probeBase))
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]bool{}
	for _, r := range results {
		cases[r.Case] = true
	}
	for _, c := range []string{"no token", "malformed Authorization", "garbage token", "expired token", "token not valid yet",
		"token of another issuer", "token for another audience", "token signed by an unknown key", "alg none",
		"HS256 with the public key as secret", "token without roles(ops)", "token without permissions(admin:write)",
		"bearer token on a DPoP route", "token without acr(urn:mfa)", "token authenticated too long ago",
		"token meeting the requirement", "bound token with a proof meeting the requirement", "no token on a public route",
		"no token, trailing slash", "no token, upper case"} {
		if !cases[c] {
			t.Errorf("case %q never ran", c)
		}
	}
}

// TestProbeFindsBrokenGuards: each deliberately broken variant fails, and
// the failure names its route and case.
func TestProbeFindsBrokenGuards(t *testing.T) {
	iss := axiomstest.New(t)
	g := newProbeGuard(t, iss)
	for _, tt := range []struct {
		name  string
		edit  func(mux *http.ServeMux, r runtime.Route) bool
		route string
		cases []string // at least these fail
	}{
		{
			name: "a route registered without its guard",
			edit: func(mux *http.ServeMux, r runtime.Route) bool {
				if r.Pattern != "GET /items/{id}" {
					return false
				}
				mux.Handle(r.Pattern, ok)
				return true
			},
			route: "GET /items/{id}", cases: []string{"no token", "expired token", "alg none", "token without scopes(read|admin)"},
		},
		{
			name: "a wrapper that turns 403 into 200",
			edit: func(mux *http.ServeMux, r runtime.Route) bool {
				if r.Pattern != "POST /admin/{path...}" {
					return false
				}
				guarded := g.Handler(r.Requirement, ok)
				mux.Handle(r.Pattern, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
					rec := httptest.NewRecorder()
					guarded.ServeHTTP(rec, req)
					if rec.Code == http.StatusForbidden {
						w.WriteHeader(http.StatusOK)
						return
					}
					w.WriteHeader(rec.Code)
				}))
				return true
			},
			route: "POST /admin/{path...}", cases: []string{"token without roles(ops)", "token without permissions(admin:write)"},
		},
		{
			name: "a middleware that serves the trailing-slash variant unguarded",
			edit: func(mux *http.ServeMux, r runtime.Route) bool {
				if r.Pattern != "GET /me" {
					return false
				}
				mux.Handle(r.Pattern, g.Handler(r.Requirement, ok))
				mux.Handle("GET /me/", ok)
				return true
			},
			route: "GET /me", cases: []string{"no token, trailing slash"},
		},
		{
			name: "a role list dropped from the requirement",
			edit: func(mux *http.ServeMux, r runtime.Route) bool {
				if r.Pattern != "POST /admin/{path...}" {
					return false
				}
				mux.Handle(r.Pattern, g.Handler(runtime.Requirement{Permissions: r.Requirement.Permissions}, ok))
				return true
			},
			route: "POST /admin/{path...}", cases: []string{"token without roles(ops)"},
		},
		{
			name: "a DPoP route that accepts Bearer",
			edit: func(mux *http.ServeMux, r runtime.Route) bool {
				if r.Pattern != "DELETE /wallet" {
					return false
				}
				req := r.Requirement
				req.DPoP = false
				mux.Handle(r.Pattern, g.Handler(req, ok))
				return true
			},
			route: "DELETE /wallet", cases: []string{"bearer token on a DPoP route"},
		},
		{
			name: "a step-up route without its step-up",
			edit: func(mux *http.ServeMux, r runtime.Route) bool {
				if r.Pattern != "POST /account/close" {
					return false
				}
				mux.Handle(r.Pattern, g.Handler(runtime.Requirement{}, ok))
				return true
			},
			route: "POST /account/close", cases: []string{"token without acr(urn:mfa)", "token authenticated too long ago"},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			results, err := axiomstest.Matrix(app(g, tt.edit), probeRoutes, iss, axiomstest.WithProbeBaseURL(probeBase))
			if err != nil {
				t.Fatal(err)
			}
			failed := map[string]string{}
			for _, r := range results {
				if !r.OK {
					if r.Route != tt.route {
						t.Errorf("a route that was not broken failed: %s", r)
					}
					failed[r.Case] = r.String()
				}
			}
			for _, c := range tt.cases {
				line, found := failed[c]
				if !found {
					t.Errorf("case %q did not fail; failures: %v", c, failed)
					continue
				}
				if !strings.Contains(line, "["+c+"]") || !strings.Contains(line, "want ") {
					t.Errorf("the failure does not name its case and expectation: %s", line)
				}
			}
		})
	}
}

// TestProbeNeedsDPoPBase: a DPoP route cannot be probed without the URL
// the guard expects in proofs; the error says what to pass.
func TestProbeNeedsDPoPBase(t *testing.T) {
	iss := axiomstest.New(t)
	g := newProbeGuard(t, iss)
	_, err := axiomstest.Matrix(app(g, nil), probeRoutes, iss)
	if err == nil || !strings.Contains(err.Error(), "WithProbeBaseURL") {
		t.Fatalf("err = %v", err)
	}
}
