package runtime

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func envLookup(env map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := env[k]
		return v, ok
	}
}

func TestConfigFromEnv(t *testing.T) {
	tests := []struct {
		name    string
		env     map[string]string
		check   func(t *testing.T, cfg Config)
		wantErr []string // substrings of the error; nil means success
	}{
		{
			name: "minimal issuer and audience",
			env:  map[string]string{EnvAudience: "https://api.example.com", EnvIssuerURL: "https://issuer.example.com/"},
			check: func(t *testing.T, cfg Config) {
				if cfg.Issuer != "https://issuer.example.com/" || !slices.Equal(cfg.Audiences, []string{"https://api.example.com"}) {
					t.Errorf("got issuer %q audiences %q", cfg.Issuer, cfg.Audiences)
				}
			},
		},
		{
			name: "domain becomes https issuer with trailing slash",
			env:  map[string]string{EnvAudience: "a", EnvDomain: "tenant.auth0.com"},
			check: func(t *testing.T, cfg Config) {
				if cfg.Issuer != "https://tenant.auth0.com/" {
					t.Errorf("issuer = %q", cfg.Issuer)
				}
			},
		},
		{
			name: "issuer URL wins over domain",
			env:  map[string]string{EnvAudience: "a", EnvDomain: "x.example.com", EnvIssuerURL: "https://y.example.com"},
			check: func(t *testing.T, cfg Config) {
				if cfg.Issuer != "https://y.example.com" {
					t.Errorf("issuer = %q", cfg.Issuer)
				}
			},
		},
		{
			name: "lists are comma separated with blanks ignored",
			env: map[string]string{
				EnvAudience: " a , b,,c ", EnvIssuerURL: "https://i.example.com",
				EnvAlgorithms: "RS256, ES256", EnvScopeClaims: "scp", EnvRoleClaims: "cognito:groups, realm_access.roles",
				EnvPermissionClaims: "https://example.com/perms",
			},
			check: func(t *testing.T, cfg Config) {
				for _, c := range []struct {
					got, want []string
				}{
					{cfg.Audiences, []string{"a", "b", "c"}},
					{cfg.Algorithms, []string{"RS256", "ES256"}},
					{cfg.ScopeClaims, []string{"scp"}},
					{cfg.RoleClaims, []string{"cognito:groups", "realm_access.roles"}},
					{cfg.PermissionClaims, []string{"https://example.com/perms"}},
				} {
					if !slices.Equal(c.got, c.want) {
						t.Errorf("got %q, want %q", c.got, c.want)
					}
				}
			},
		},
		{
			name: "durations and flags",
			env: map[string]string{
				EnvAudience: "a", EnvIssuerURL: "https://i.example.com", EnvLeeway: "5s",
				EnvRefreshInterval: "1h", EnvMinRefreshInterval: "10s", EnvRequireAtJWT: "true", EnvMaxTokenSize: "4096",
				EnvJWKSURL: "https://i.example.com/keys", EnvRealm: "items",
			},
			check: func(t *testing.T, cfg Config) {
				if cfg.Leeway != 5*time.Second || cfg.RefreshInterval != time.Hour || cfg.MinRefreshInterval != 10*time.Second ||
					!cfg.RequireAccessTokenType || cfg.MaxTokenSize != 4096 || cfg.JWKSURL != "https://i.example.com/keys" || cfg.Realm != "items" {
					t.Errorf("got %+v", cfg)
				}
			},
		},
		{
			name: "zero leeway is kept as none, not default",
			env:  map[string]string{EnvAudience: "a", EnvIssuerURL: "https://i.example.com", EnvLeeway: "0s"},
			check: func(t *testing.T, cfg Config) {
				if d := cfg.withDefaults().Leeway; d != 0 {
					t.Errorf("leeway = %v, want 0", d)
				}
			},
		},
		{
			name: "loopback http issuer allowed",
			env:  map[string]string{EnvAudience: "a", EnvIssuerURL: "http://127.0.0.1:8080"},
		},
		{name: "missing everything", env: map[string]string{}, wantErr: []string{EnvAudience, EnvIssuerURL}},
		{name: "plain http issuer refused", env: map[string]string{EnvAudience: "a", EnvIssuerURL: "http://issuer.example.com"}, wantErr: []string{"https"}},
		{name: "plain http JWKS refused", env: map[string]string{EnvAudience: "a", EnvIssuerURL: "https://i.example.com", EnvJWKSURL: "http://i.example.com/jwks"}, wantErr: []string{EnvJWKSURL, "https"}},
		{name: "domain with scheme refused", env: map[string]string{EnvAudience: "a", EnvDomain: "https://x.example.com"}, wantErr: []string{EnvDomain}},
		{name: "none algorithm refused", env: map[string]string{EnvAudience: "a", EnvIssuerURL: "https://i.example.com", EnvAlgorithms: "RS256,none"}, wantErr: []string{`"none"`, EnvAlgorithms}},
		{name: "HMAC algorithm refused", env: map[string]string{EnvAudience: "a", EnvIssuerURL: "https://i.example.com", EnvAlgorithms: "HS256"}, wantErr: []string{`"HS256"`, "asymmetric"}},
		{name: "unknown algorithm refused", env: map[string]string{EnvAudience: "a", EnvIssuerURL: "https://i.example.com", EnvAlgorithms: "ES256K"}, wantErr: []string{`"ES256K"`, "not supported"}},
		{name: "bad leeway", env: map[string]string{EnvAudience: "a", EnvIssuerURL: "https://i.example.com", EnvLeeway: "30"}, wantErr: []string{EnvLeeway, "duration"}},
		{name: "negative leeway", env: map[string]string{EnvAudience: "a", EnvIssuerURL: "https://i.example.com", EnvLeeway: "-1s"}, wantErr: []string{EnvLeeway}},
		{name: "bad bool", env: map[string]string{EnvAudience: "a", EnvIssuerURL: "https://i.example.com", EnvRequireAtJWT: "yes please"}, wantErr: []string{EnvRequireAtJWT}},
		{name: "bad token size", env: map[string]string{EnvAudience: "a", EnvIssuerURL: "https://i.example.com", EnvMaxTokenSize: "-5"}, wantErr: []string{EnvMaxTokenSize}},
		{name: "audience of blanks only", env: map[string]string{EnvAudience: " , ", EnvIssuerURL: "https://i.example.com"}, wantErr: []string{EnvAudience}},
		{name: "issuer not a URL", env: map[string]string{EnvAudience: "a", EnvIssuerURL: "issuer.example.com"}, wantErr: []string{"absolute URL"}},
		{name: "ftp issuer", env: map[string]string{EnvAudience: "a", EnvIssuerURL: "ftp://issuer.example.com"}, wantErr: []string{`"ftp"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := configFromLookup(envLookup(tt.env))
			if tt.wantErr == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if tt.check != nil {
					tt.check(t, cfg)
				}
				return
			}
			if err == nil {
				t.Fatalf("want error containing %q, got config %+v", tt.wantErr, cfg)
			}
			for _, s := range tt.wantErr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not mention %q", err, s)
				}
			}
		})
	}
}

func TestConfigDefaults(t *testing.T) {
	cfg := Config{Issuer: "https://i.example.com", Audiences: []string{"a"}}.withDefaults()
	if !slices.Equal(cfg.Algorithms, DefaultAlgorithms) || !slices.Equal(cfg.ScopeClaims, []string{"scope", "scp"}) ||
		!slices.Equal(cfg.RoleClaims, []string{"roles"}) || !slices.Equal(cfg.PermissionClaims, []string{"permissions"}) ||
		cfg.Leeway != 30*time.Second || cfg.RefreshInterval != 15*time.Minute || cfg.MinRefreshInterval != 30*time.Second ||
		cfg.MaxTokenSize != 16<<10 || cfg.Realm != "api" || cfg.Logger == nil || cfg.Now == nil {
		t.Errorf("defaults not applied: %+v", cfg)
	}
}

func TestConfigFromEnvIssuersFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := dir + "/" + name
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	two := write("two.json", `{"issuers": [
		{"issuer": "https://a.example/", "audiences": ["api"], "roles_claims": ["realm_access.roles"]},
		{"issuer": "https://b.example/", "audiences": ["api-b"], "jwks_url": "https://b.example/keys"}
	]}`)
	cfg, err := configFromLookup(envLookup(map[string]string{EnvConfig: two}))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Issuer != "https://a.example/" || !slices.Equal(cfg.Audiences, []string{"api"}) || !slices.Equal(cfg.RoleClaims, []string{"realm_access.roles"}) ||
		len(cfg.Issuers) != 1 || cfg.Issuers[0].JWKSURL != "https://b.example/keys" {
		t.Errorf("got %+v", cfg)
	}
	// With AXIOMS_ISS_URL the file only adds issuers.
	cfg, err = configFromLookup(envLookup(map[string]string{EnvConfig: two, EnvIssuerURL: "https://main.example/", EnvAudience: "m"}))
	if err != nil || cfg.Issuer != "https://main.example/" || len(cfg.Issuers) != 2 {
		t.Errorf("got %+v, %v", cfg, err)
	}
	for _, bad := range []string{
		write("typo.json", `{"issuers": [{"issuer": "https://a.example/", "audience": ["api"]}]}`),
		write("empty.json", `{"issuers": []}`),
		write("garbage.json", `not json`),
		dir + "/missing.json",
	} {
		if _, err := configFromLookup(envLookup(map[string]string{EnvConfig: bad})); err == nil || !strings.Contains(err.Error(), EnvConfig) {
			t.Errorf("%s: error %v", bad, err)
		}
	}
}

// TestIntrospectionStrictEnv: introspection answers must carry iss and aud
// unless AXIOMS_INTROSPECTION_STRICT=false.
func TestIntrospectionStrictEnv(t *testing.T) {
	for _, tt := range []struct {
		value   string
		lenient bool
		err     bool
	}{{"", false, false}, {"true", false, false}, {"false", true, false}, {"maybe", false, true}} {
		env := map[string]string{EnvAudience: "https://api.example.com", EnvIssuerURL: "https://issuer.example.com/",
			EnvIntrospectionURL: "https://issuer.example.com/introspect"}
		if tt.value != "" {
			env[EnvIntrospectionStrict] = tt.value
		}
		cfg, err := configFromLookup(envLookup(env))
		if (err != nil) != tt.err || (err == nil && cfg.IntrospectionLenient != tt.lenient) {
			t.Errorf("%s=%q: lenient %v, error %v", EnvIntrospectionStrict, tt.value, cfg.IntrospectionLenient, err)
		}
	}
}

// TestResourceEnv: AXIOMS_RESOURCE and its human fields; with it, the
// audience may be left unset.
func TestResourceEnv(t *testing.T) {
	cfg, err := configFromLookup(envLookup(map[string]string{
		EnvIssuerURL: "https://issuer.example.com/", EnvResource: "https://api.example.com/v1",
		EnvResourceName: "Items", EnvResourceDoc: "https://docs.example.com/",
	}))
	if err != nil || cfg.Resource != "https://api.example.com/v1" || cfg.ResourceName != "Items" || cfg.ResourceDocumentation != "https://docs.example.com/" {
		t.Fatalf("%+v, %v", cfg, err)
	}
	if _, err := configFromLookup(envLookup(map[string]string{EnvIssuerURL: "https://issuer.example.com/"})); err == nil || !strings.Contains(err.Error(), EnvAudience) {
		t.Errorf("neither audience nor resource: %v", err)
	}
	if _, err := configFromLookup(envLookup(map[string]string{EnvIssuerURL: "https://issuer.example.com/", EnvResource: "https://api.example.com/?q"})); err == nil || !strings.Contains(err.Error(), EnvResource) {
		t.Errorf("resource with a query: %v", err)
	}
}
