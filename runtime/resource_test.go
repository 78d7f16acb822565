package runtime_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

// TestResourceMetadata: the RFC 9728 document, at the well-known path the
// resource gives, GET only, JSON; nothing without a resource.
func TestResourceMetadata(t *testing.T) {
	iss := axiomstest.New(t)
	for _, tt := range []struct {
		name, resource, path, bare string
	}{
		{name: "no path", resource: "https://api.example.test", path: "/.well-known/oauth-protected-resource"},
		{name: "root path", resource: "https://api.example.test/", path: "/.well-known/oauth-protected-resource"},
		{name: "with a path", resource: "https://api.example.test/v1/mcp", path: "/.well-known/oauth-protected-resource/v1/mcp", bare: "/.well-known/oauth-protected-resource"},
		{name: "with an escaped path", resource: "https://api.example.test/a%20b", path: "/.well-known/oauth-protected-resource/a%20b", bare: "/.well-known/oauth-protected-resource"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cfg := iss.Config()
			cfg.Resource = tt.resource
			cfg.ResourceName = "Items API"
			cfg.ResourceDocumentation = "https://docs.example.test/items"
			g := newGuard(t, cfg)
			if g.ResourceMetadataPath() != tt.path {
				t.Fatalf("path %q, want %q", g.ResourceMetadataPath(), tt.path)
			}
			h := g.ResourceMetadata("write:items", "read:items", "read:items")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, tt.path, nil))
			if w.Code != 200 || w.Header().Get("Content-Type") != "application/json" {
				t.Fatalf("%d %q", w.Code, w.Header().Get("Content-Type"))
			}
			var doc map[string]any
			if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			want := map[string]any{
				"resource":                          tt.resource,
				"authorization_servers":             []any{iss.URL()},
				"scopes_supported":                  []any{"read:items", "write:items"},
				"bearer_methods_supported":          []any{"header"},
				"resource_name":                     "Items API",
				"resource_documentation":            "https://docs.example.test/items",
				"dpop_signing_alg_values_supported": toAny(runtime.DefaultDPoPAlgorithms),
			}
			if !jsonEqual(doc, want) {
				t.Errorf("document %v, want %v", doc, want)
			}
			for _, r := range []*http.Request{
				httptest.NewRequest(http.MethodPost, tt.path, nil),
				httptest.NewRequest(http.MethodDelete, tt.path, nil),
				httptest.NewRequest(http.MethodHead, tt.path, nil),
			} {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != http.StatusMethodNotAllowed {
					t.Errorf("%s: %d, want 405", r.Method, w.Code)
				}
			}
			if tt.bare != "" {
				w := httptest.NewRecorder()
				h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, tt.bare, nil))
				if w.Code != 404 {
					t.Errorf("bare well-known path: %d, want 404", w.Code)
				}
			}
		})
	}
	// DPoP required: the document says so; disabled: no DPoP members.
	for _, mode := range []runtime.DPoPMode{runtime.DPoPRequired, runtime.DPoPDisabled} {
		cfg := iss.Config()
		cfg.Resource = "https://api.example.test"
		cfg.DPoP = mode
		cfg.DPoPBaseURL = "https://api.example.test"
		g := newGuard(t, cfg)
		w := httptest.NewRecorder()
		g.ResourceMetadata().ServeHTTP(w, httptest.NewRequest(http.MethodGet, g.ResourceMetadataPath(), nil))
		var doc map[string]any
		json.Unmarshal(w.Body.Bytes(), &doc)
		_, hasAlgs := doc["dpop_signing_alg_values_supported"]
		if required, _ := doc["dpop_bound_access_tokens_required"].(bool); required != (mode == runtime.DPoPRequired) || hasAlgs != (mode != runtime.DPoPDisabled) {
			t.Errorf("%s: %v", mode, doc)
		}
	}
	// No resource: no path, and the handler finds nothing.
	g := newGuard(t, iss.Config())
	w := httptest.NewRecorder()
	g.ResourceMetadata().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/.well-known/oauth-protected-resource", nil))
	if g.ResourceMetadataPath() != "" || w.Code != 404 {
		t.Errorf("without a resource: path %q, status %d", g.ResourceMetadataPath(), w.Code)
	}
}

func toAny(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}

func jsonEqual(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return string(x) == string(y)
}

// TestResourceMetadataInChallenges: with a resource, every challenge of
// every 401 names the metadata; 403 and 400 do not; without a resource,
// none does.
func TestResourceMetadataInChallenges(t *testing.T) {
	iss := axiomstest.New(t)
	const resource = "https://api.example.test/v1"
	metadata := `resource_metadata="https://api.example.test/.well-known/oauth-protected-resource/v1"`
	valid := iss.Token(t, axiomstest.WithAudiences(resource), axiomstest.WithScopes("read"))
	expired := iss.Token(t, axiomstest.WithAudiences(resource), axiomstest.WithExpiresIn(-time.Hour))
	for _, mode := range []runtime.DPoPMode{runtime.DPoPDisabled, runtime.DPoPAllowed} {
		cfg := iss.Config()
		cfg.Resource = resource
		cfg.DPoP = mode
		cfg.DPoPBaseURL = "https://api.example.test"
		g := newGuard(t, cfg)
		schemes := 1
		if mode == runtime.DPoPAllowed {
			schemes = 2
		}
		for _, tt := range []struct {
			name   string
			auth   []string
			req    runtime.Requirement
			status int
		}{
			{name: "no credentials", status: 401},
			{name: "invalid token", auth: []string{bearer(valid + "x")}, status: 401},
			{name: "expired token", auth: []string{bearer(expired)}, status: 401},
			{name: "step-up", auth: []string{bearer(valid)}, req: runtime.Requirement{ACR: []string{"urn:mfa"}}, status: 401},
			{name: "insufficient scope", auth: []string{bearer(valid)}, req: runtime.Requirement{Scopes: [][]string{{"write"}}}, status: 403},
			{name: "malformed", auth: []string{"Bearer a b"}, status: 400},
		} {
			t.Run(string(mode)+"/"+tt.name, func(t *testing.T) {
				res := serve(t, g, tt.req, tt.auth...)
				if res.status != tt.status {
					t.Fatalf("status %d, want %d", res.status, tt.status)
				}
				n := strings.Count(res.challenge, metadata)
				switch {
				case tt.status == 401 && n != schemes:
					t.Errorf("challenge %q names the metadata %d times, want once per challenge (%d)", res.challenge, n, schemes)
				case tt.status != 401 && n != 0:
					t.Errorf("a %d challenge names the metadata: %q", tt.status, res.challenge)
				}
			})
		}
	}
	// DPoP request refused: the DPoP challenge names it too.
	cfg := iss.Config()
	cfg.Resource = resource
	cfg.DPoPBaseURL = "https://api.example.test"
	g := newGuard(t, cfg)
	res := serve(t, g, runtime.Requirement{}, "DPoP "+valid)
	if res.status != 400 && !strings.Contains(res.challenge, metadata) {
		t.Errorf("DPoP refusal: %d %q", res.status, res.challenge)
	}
	// Without a resource: never.
	plain := newGuard(t, iss.Config())
	if res := serve(t, plain, runtime.Requirement{}); strings.Contains(res.challenge, "resource_metadata") {
		t.Errorf("without a resource: %q", res.challenge)
	}
}

// TestAudienceViaResource: the resource is an accepted audience beside the
// configured ones; alone when no audience is configured.
func TestAudienceViaResource(t *testing.T) {
	iss := axiomstest.New(t)
	const resource = "https://items.example.test"
	aud := iss.Config().Audiences[0]
	both := iss.Config()
	both.Resource = resource
	only := iss.Config()
	only.Audiences = nil
	only.Resource = resource
	gb, go1 := newGuard(t, both), newGuard(t, only)
	for _, tt := range []struct {
		aud        []string
		both, only int
	}{
		{[]string{resource}, 200, 200},
		{[]string{aud}, 200, 401},
		{[]string{"https://other.example.test", resource}, 200, 200},
		{[]string{resource + "/"}, 401, 401},
		{[]string{"https://other.example.test"}, 401, 401},
	} {
		tok := iss.Token(t, axiomstest.WithAudiences(tt.aud...))
		if res := serve(t, gb, runtime.Requirement{}, bearer(tok)); res.status != tt.both {
			t.Errorf("aud %q with audiences and resource: %d, want %d", tt.aud, res.status, tt.both)
		}
		if res := serve(t, go1, runtime.Requirement{}, bearer(tok)); res.status != tt.only {
			t.Errorf("aud %q with the resource only: %d, want %d", tt.aud, res.status, tt.only)
		}
	}
	// A resource must be an https URL without query or fragment.
	for _, bad := range []string{"http://items.example.test", "https://items.example.test/?x=1", "https://items.example.test/#f", "items.example.test"} {
		cfg := iss.Config()
		cfg.Resource = bad
		if _, err := runtime.New(t.Context(), cfg); err == nil || !strings.Contains(err.Error(), "resource") {
			t.Errorf("resource %q: %v", bad, err)
		}
	}
}

// TestStepUp: acr and max-age requirements, their boundaries, missing
// claims, both together, and the exact challenges and bodies.
func TestStepUp(t *testing.T) {
	iss := axiomstest.New(t)
	now := time.Now()
	cfg := iss.Config()
	cfg.Leeway = 30 * time.Second
	cfg.DPoP = runtime.DPoPDisabled
	g := newGuard(t, cfg)
	acr := runtime.Requirement{ACR: []string{"urn:mfa", "urn:hwk"}}
	maxAge := runtime.Requirement{MaxAge: 10 * time.Minute}
	bothReq := runtime.Requirement{ACR: []string{"urn:mfa"}, MaxAge: 10 * time.Minute}
	acrChallenge := `Bearer realm="api", error="insufficient_user_authentication", error_description="%s", acr_values="urn:mfa urn:hwk"`
	for _, tt := range []struct {
		name   string
		opts   []axiomstest.TokenOption
		req    runtime.Requirement
		status int
		desc   string // of the 401
	}{
		{name: "acr first choice", opts: []axiomstest.TokenOption{axiomstest.WithACR("urn:mfa")}, req: acr, status: 200},
		{name: "acr second choice", opts: []axiomstest.TokenOption{axiomstest.WithACR("urn:hwk")}, req: acr, status: 200},
		{name: "acr other", opts: []axiomstest.TokenOption{axiomstest.WithACR("urn:pwd")}, req: acr, status: 401,
			desc: "the authentication level of the access token is not enough: authenticate with one of urn:mfa, urn:hwk"},
		{name: "acr case differs", opts: []axiomstest.TokenOption{axiomstest.WithACR("URN:MFA")}, req: acr, status: 401,
			desc: "the authentication level of the access token is not enough: authenticate with one of urn:mfa, urn:hwk"},
		{name: "acr missing", req: acr, status: 401, desc: "the access token has no acr: authenticate with one of urn:mfa, urn:hwk"},
		{name: "acr not a string", opts: []axiomstest.TokenOption{axiomstest.WithClaim("acr", 2)}, req: acr, status: 401,
			desc: "the access token has no acr: authenticate with one of urn:mfa, urn:hwk"},
		{name: "auth_time recent", opts: []axiomstest.TokenOption{axiomstest.WithAuthTime(now.Add(-time.Minute))}, req: maxAge, status: 200},
		{name: "auth_time within the leeway", opts: []axiomstest.TokenOption{axiomstest.WithAuthTime(now.Add(-10*time.Minute - 20*time.Second))}, req: maxAge, status: 200},
		{name: "auth_time past max-age and leeway", opts: []axiomstest.TokenOption{axiomstest.WithAuthTime(now.Add(-10*time.Minute - 40*time.Second))}, req: maxAge, status: 401,
			desc: "the authentication is older than 10m0s: authenticate again"},
		{name: "auth_time missing", req: maxAge, status: 401, desc: "the access token has no auth_time: authenticate again"},
		{name: "both met", opts: []axiomstest.TokenOption{axiomstest.WithACR("urn:mfa"), axiomstest.WithAuthTime(now)}, req: bothReq, status: 200},
		{name: "both, acr fails", opts: []axiomstest.TokenOption{axiomstest.WithACR("urn:pwd"), axiomstest.WithAuthTime(now)}, req: bothReq, status: 401,
			desc: "the authentication level of the access token is not enough: authenticate with one of urn:mfa"},
		{name: "both, too old", opts: []axiomstest.TokenOption{axiomstest.WithACR("urn:mfa"), axiomstest.WithAuthTime(now.Add(-time.Hour))}, req: bothReq, status: 401,
			desc: "the authentication is older than 10m0s: authenticate again"},
		{name: "step-up before scopes", opts: []axiomstest.TokenOption{axiomstest.WithACR("urn:pwd")},
			req: runtime.Requirement{ACR: []string{"urn:mfa", "urn:hwk"}, Scopes: [][]string{{"admin"}}}, status: 401,
			desc: "the authentication level of the access token is not enough: authenticate with one of urn:mfa, urn:hwk"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := serve(t, g, tt.req, bearer(iss.Token(t, tt.opts...)))
			if res.status != tt.status {
				t.Fatalf("status %d %q (%s), want %d", res.status, res.code, res.challenge, tt.status)
			}
			if tt.status != 401 {
				return
			}
			if res.code != "insufficient_user_authentication" {
				t.Errorf("body error %q", res.code)
			}
			var want string
			switch {
			case len(tt.req.ACR) == 2:
				want = strings.Replace(acrChallenge, "%s", tt.desc, 1)
			case len(tt.req.ACR) == 1:
				want = `Bearer realm="api", error="insufficient_user_authentication", error_description="` + tt.desc + `", acr_values="urn:mfa", max_age=600`
			default:
				want = `Bearer realm="api", error="insufficient_user_authentication", error_description="` + tt.desc + `", max_age=600`
			}
			if res.challenge != want {
				t.Errorf("challenge\n%s\nwant\n%s", res.challenge, want)
			}
		})
	}
	// The JSON body carries the same attributes.
	w := httptest.NewRecorder()
	g.Handler(bothReq, http.NotFoundHandler()).ServeHTTP(w, authRequest(iss.Token(t)))
	var body map[string]any
	json.Unmarshal(w.Body.Bytes(), &body)
	if body["error"] != "insufficient_user_authentication" || body["acr_values"] != "urn:mfa" || body["max_age"] != 600.0 || body["error_description"] == "" {
		t.Errorf("body %v", body)
	}
}

// TestResourceClientFlow is a client written against RFC 9728 and RFC
// 6750: it knows only the resource's URL; from a 401 it follows
// resource_metadata, takes the first authorization server, reads its
// discovery document for the token endpoint, asks for a token with a
// scope the metadata lists (for the resource, RFC 8707), and succeeds.
func TestResourceClientFlow(t *testing.T) {
	iss := axiomstest.New(t)
	var resource string
	api := httptest.NewUnstartedServer(nil)
	resource = "http://" + api.Listener.Addr().String() + "/api"
	cfg := iss.Config()
	cfg.Audiences = nil
	cfg.Resource = resource
	g := newGuard(t, cfg)
	mux := http.NewServeMux()
	mux.Handle("GET "+g.ResourceMetadataPath(), g.ResourceMetadata("items:read", "items:write"))
	mux.Handle("GET /api/items", g.Handler(runtime.Requirement{Scopes: [][]string{{"items:read"}}}, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "the items")
	})))
	api.Config.Handler = mux
	api.Start()
	t.Cleanup(api.Close)

	client := api.Client()
	get := func(u, token string) *http.Response {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
	resp := get(resource+"/items", "")
	m := regexp.MustCompile(`resource_metadata="([^"]+)"`).FindStringSubmatch(resp.Header.Get("WWW-Authenticate"))
	if resp.StatusCode != 401 || m == nil {
		t.Fatalf("first call: %d %q", resp.StatusCode, resp.Header.Get("WWW-Authenticate"))
	}
	var meta struct {
		Resource             string   `json:"resource"`
		AuthorizationServers []string `json:"authorization_servers"`
		Scopes               []string `json:"scopes_supported"`
	}
	if err := json.NewDecoder(get(m[1], "").Body).Decode(&meta); err != nil || meta.Resource != resource || len(meta.AuthorizationServers) == 0 {
		t.Fatalf("metadata %+v, %v", meta, err)
	}
	var disc struct {
		Issuer        string `json:"issuer"`
		TokenEndpoint string `json:"token_endpoint"`
	}
	if err := json.NewDecoder(get(meta.AuthorizationServers[0]+"/.well-known/openid-configuration", "").Body).Decode(&disc); err != nil || disc.Issuer != meta.AuthorizationServers[0] {
		t.Fatalf("discovery %+v, %v", disc, err)
	}
	if !slices.Contains(meta.Scopes, "items:read") {
		t.Fatalf("scopes %q", meta.Scopes)
	}
	tr, err := client.PostForm(disc.TokenEndpoint, url.Values{"grant_type": {"client_credentials"}, "scope": {"items:read"}, "resource": {meta.Resource}})
	if err != nil {
		t.Fatal(err)
	}
	defer tr.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(tr.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %v", err)
	}
	final := get(resource+"/items", tok.AccessToken)
	body, _ := io.ReadAll(final.Body)
	if final.StatusCode != 200 || string(body) != "the items" {
		t.Fatalf("with the token: %d %q", final.StatusCode, body)
	}
}

// TestScopesOf: the scopes of generated route tables, sorted, once each.
func TestScopesOf(t *testing.T) {
	a := []runtime.Route{
		{Pattern: "GET /a", Requirement: runtime.Requirement{Scopes: [][]string{{"b:read", "a:read"}, {"c"}}}},
		{Pattern: "GET /p", Public: true},
		{Pattern: "GET /r", Requirement: runtime.Requirement{Roles: [][]string{{"admin"}}}},
	}
	b := []runtime.Route{{Pattern: "POST /a", Requirement: runtime.Requirement{Scopes: [][]string{{"a:read", "z"}}}}}
	if got := runtime.ScopesOf(a, b); !slices.Equal(got, []string{"a:read", "b:read", "c", "z"}) {
		t.Errorf("ScopesOf = %q", got)
	}
	if got := runtime.ScopesOf(); len(got) != 0 {
		t.Errorf("ScopesOf() = %q", got)
	}
}
