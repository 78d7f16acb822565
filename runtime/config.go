package runtime

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Defaults used when a Config field is left at its zero value.
const (
	DefaultLeeway             = 30 * time.Second
	DefaultRefreshInterval    = 15 * time.Minute
	DefaultMinRefreshInterval = 30 * time.Second
	DefaultFetchTimeout       = 10 * time.Second
	DefaultMaxTokenSize       = 16 << 10
	DefaultRealm              = "api"
	DefaultTokenCacheSize     = 10_000
	DefaultTokenCacheMaxBytes = 64 << 20

	// maxJWKSBody caps every discovery and JWKS response body.
	maxJWKSBody = 1 << 20
)

// supportedAlgorithms is every algorithm the runtime can verify, and the
// default allow-list.
var supportedAlgorithms = []string{
	"RS256", "RS384", "RS512",
	"PS256", "PS384", "PS512",
	"ES256", "ES384", "ES512",
	"EdDSA",
}

// The default claim names, in lookup order.
var (
	defaultScopeClaims      = []string{"scope", "scp"}
	defaultRoleClaims       = []string{"roles"}
	defaultPermissionClaims = []string{"permissions"}
)

// DefaultAlgorithms is the signature allow-list used when Config.Algorithms
// is empty: every asymmetric JWS algorithm the runtime verifies. The
// variables below are copies, for reading: changing them changes neither
// the defaults nor what the runtime accepts.
var DefaultAlgorithms = slices.Clone(supportedAlgorithms)

// Default claim names, in lookup order.
var (
	DefaultScopeClaims      = slices.Clone(defaultScopeClaims)
	DefaultRoleClaims       = slices.Clone(defaultRoleClaims)
	DefaultPermissionClaims = slices.Clone(defaultPermissionClaims)
)

// Config says which tokens a Guard accepts and where it finds the issuer's
// keys. Only Issuer and Audiences are required; every other zero value
// selects the documented default.
type Config struct {
	// Issuer is the exact value the token's "iss" claim must have, e.g.
	// "https://tenant.example.com/". It must be an https URL unless its host
	// is loopback.
	Issuer string

	// Audiences lists the accepted audiences; the token's "aud" must
	// contain at least one of them (exact match). Required unless
	// Resource is set.
	Audiences []string

	// Resource is this API's resource identifier (RFC 8707, RFC 9728): an
	// https URL (http only on loopback) without query or fragment. When
	// set, a token whose "aud" holds it is accepted too (with no
	// Audiences, only such a token), every 401 challenge points to the
	// resource's metadata (resource_metadata), and ResourceMetadata serves
	// that document. ResourceName and ResourceDocumentation are its
	// optional human-readable name and documentation URL.
	Resource              string
	ResourceName          string
	ResourceDocumentation string

	// JWKSURL is where the issuer publishes its JSON Web Key Set. When
	// empty, the Guard reads Issuer + "/.well-known/openid-configuration"
	// and uses its "jwks_uri" (the document's "issuer" must equal Issuer);
	// when that document does not exist (404), it uses
	// Issuer + "/.well-known/jwks.json".
	JWKSURL string

	// Algorithms is the signature allow-list (default DefaultAlgorithms).
	// "none" and the HMAC algorithms are refused.
	Algorithms []string

	// ScopeClaims, RoleClaims and PermissionClaims name the claims that
	// carry scopes, roles and permissions. Each name is looked up first as
	// an exact key ("https://example.com/roles", "cognito:groups"), then as
	// a dotted path into nested objects ("realm_access.roles"). Values from
	// every listed claim present in the token are combined. A value is a
	// space-delimited string or an array of strings.
	ScopeClaims      []string
	RoleClaims       []string
	PermissionClaims []string

	// Leeway tolerates clock skew on "exp", "nbf" and "iat" (default 30s;
	// a negative value means none).
	Leeway time.Duration

	// RequireAccessTokenType rejects tokens whose "typ" header is not
	// "at+jwt" or "application/at+jwt" (RFC 9068). Off by default because
	// many issuers send "JWT" or no "typ" on access tokens.
	RequireAccessTokenType bool

	// Realm is the realm of the WWW-Authenticate challenge (default "api").
	Realm string

	// RefreshInterval is how often the key set is refetched (default 15m).
	RefreshInterval time.Duration

	// MinRefreshInterval bounds refreshes caused by tokens with an unknown
	// "kid": at most one per interval (default 30s). Past the limit such a
	// token is rejected at once.
	MinRefreshInterval time.Duration

	// FetchTimeout bounds each discovery or JWKS request (default 10s).
	FetchTimeout time.Duration

	// MaxTokenSize is the largest token accepted, in bytes (default 16 KiB).
	// Longer tokens are rejected before any decoding.
	MaxTokenSize int

	// HTTPClient fetches discovery documents and key sets. When nil the
	// Guard uses its own client with FetchTimeout. A client passed here
	// should have a timeout of its own.
	HTTPClient *http.Client

	// Logger receives key-fetch failures and refresh events (never
	// tokens). Default: slog.Default().
	Logger *slog.Logger

	// ErrorWriter replaces the response written when a request is
	// rejected. Use StatusCode, Challenge and WriteErrorResponse to keep
	// the RFC 6750 semantics while changing the body or adding logging.
	ErrorWriter func(w http.ResponseWriter, r *http.Request, err error)

	// Issuers lists further issuers accepted besides Issuer, for APIs
	// that take tokens from several. Each has its own key set; the token's
	// "iss" chooses the issuer before any key lookup, so keys of one
	// issuer never verify a token claiming another, and a token naming an
	// issuer not listed is refused without any outbound request. Fields
	// an IssuerConfig leaves empty take the values above (JWKSURL excepted:
	// an issuer without one uses its own discovery document).
	Issuers []IssuerConfig

	// IntrospectionURL enables opaque (reference) tokens: a token that is
	// not a JWT is sent to this RFC 7662 endpoint, authenticated with
	// ClientID and ClientSecret (client_secret_basic). Active answers pass
	// the same exp, nbf, iss and aud checks as a JWT and map to Claims
	// through the same claim names; an answer whose token_type, token_use
	// or typ says refresh or ID token is refused.
	IntrospectionURL string
	ClientID         string
	ClientSecret     string // never logged

	// IntrospectionLenient accepts active answers that carry no "iss" or
	// no "aud" (RFC 7662 makes both optional); a present one must still
	// match. Off by default: an answer must name the issuer and one of
	// the audiences. AXIOMS_INTROSPECTION_STRICT=false sets it.
	IntrospectionLenient bool

	// IntrospectAll sends every token to IntrospectionURL, JWTs included;
	// no key set is fetched then.
	IntrospectAll bool

	// IntrospectionCacheTTL bounds how long an active answer is reused
	// (default 5m, and never past the token's exp plus the leeway, when
	// a JWT with that exp stops being accepted). Inactive answers are
	// reused for 5 s; failures never.
	IntrospectionCacheTTL time.Duration

	// TokenCacheSize bounds the verified-token cache, in entries (default
	// DefaultTokenCacheSize). A negative value turns the cache off. Only
	// tokens that passed every check are cached; a hit re-checks exp and
	// nbf and that the signing key is still published.
	TokenCacheSize int

	// TokenCacheMaxBytes bounds the cache's estimated memory (default
	// DefaultTokenCacheMaxBytes).
	TokenCacheMaxBytes int

	// DPoP says how DPoP (RFC 9449) sender-constrained tokens are treated
	// (default DPoPAllowed). Whatever the mode, a token with "cnf.jkt"
	// sent with the Bearer scheme is rejected, and a route whose
	// Requirement sets DPoP accepts only DPoP.
	DPoP DPoPMode

	// DPoPAlgorithms is the proof signature allow-list (default
	// DefaultDPoPAlgorithms); only asymmetric algorithms.
	DPoPAlgorithms []string

	// DPoPMaxAge is how old a proof's "iat" may be (default 5m); the jti
	// replay window is as long. DPoPLeeway is how far in the future its
	// "iat" may be (default 5s).
	DPoPMaxAge time.Duration
	DPoPLeeway time.Duration

	// DPoPBaseURL is the external URL of this API as clients call it, e.g.
	// "https://api.example.com" (a path prefix is kept: a proxy that
	// strips "/v1" means "https://api.example.com/v1"). A proof's "htu"
	// must equal it joined with the request's path. Without it, the URL
	// is taken from X-Forwarded-Proto/X-Forwarded-Host or Forwarded, only
	// on requests from TrustedProxies; a request's Host header alone is
	// never trusted, so without either every DPoP request is rejected.
	DPoPBaseURL string

	// TrustedProxies lists the addresses (CIDRs or single IPs) of the
	// reverse proxies whose forwarding headers say the external URL.
	TrustedProxies []string

	// ForwardedHeaders is the header family the trusted proxies write:
	// ForwardedX (default: X-Forwarded-Proto and X-Forwarded-Host) or
	// ForwardedStandard (Forwarded, RFC 7239). Only that family is read,
	// only its last (right-most) value, and both scheme and host must be
	// there: a header of the other family is whatever the client sent.
	ForwardedHeaders string

	// DPoPReplay remembers used proofs (default: in memory, bounded by
	// DPoPReplayCacheSize entries, default DefaultDPoPReplayCacheSize).
	// Several instances need a shared store. A proof is recorded only for
	// a request that passes every other check, the route's requirement
	// included, and one DPoP key may record at most an eighth of
	// DPoPReplayCacheSize proofs per proof lifetime (DPoPMaxAge plus
	// DPoPLeeway); past that, its requests get 503 until its proofs
	// expire, and other keys are unaffected.
	DPoPReplay          ReplayStore
	DPoPReplayCacheSize int

	// DPoPNonce makes proofs carry a server nonce (RFC 9449 section 8),
	// sent in the DPoP-Nonce response header and rotated every
	// DPoPNonceLifetime (default 5m; the previous nonce stays valid one
	// more lifetime).
	DPoPNonce         bool
	DPoPNonceLifetime time.Duration
	// DPoPNonces replaces the Guard's own nonces with a source several
	// instances share (setting it turns nonces on, whatever DPoPNonce
	// says; DPoPNonceLifetime is then the source's business).
	DPoPNonces NonceSource

	// Now returns the current time; nil means time.Now. For tests.
	Now func() time.Time
}

// IssuerConfig is one further accepted issuer (see Config.Issuers).
type IssuerConfig struct {
	Issuer           string   `json:"issuer"`
	Audiences        []string `json:"audiences"`
	JWKSURL          string   `json:"jwks_url"`
	Algorithms       []string `json:"algorithms"`
	ScopeClaims      []string `json:"scope_claims"`
	RoleClaims       []string `json:"roles_claims"`
	PermissionClaims []string `json:"permissions_claims"`
}

// issuerConfigs returns one Config per accepted issuer, the primary
// first, each with the Guard's settings and the issuer's own fields.
func (cfg Config) issuerConfigs() []Config {
	first := cfg
	first.Audiences = withResource(cfg.Audiences, cfg.Resource)
	out := []Config{first}
	for _, ic := range cfg.Issuers {
		c := cfg
		c.Issuers = nil
		c.Issuer, c.JWKSURL = ic.Issuer, ic.JWKSURL
		if len(ic.Audiences) > 0 {
			c.Audiences = ic.Audiences
		}
		c.Audiences = withResource(c.Audiences, cfg.Resource)
		if len(ic.Algorithms) > 0 {
			c.Algorithms = ic.Algorithms
		}
		if len(ic.ScopeClaims) > 0 {
			c.ScopeClaims = ic.ScopeClaims
		}
		if len(ic.RoleClaims) > 0 {
			c.RoleClaims = ic.RoleClaims
		}
		if len(ic.PermissionClaims) > 0 {
			c.PermissionClaims = ic.PermissionClaims
		}
		out = append(out, c)
	}
	return out
}

// withResource is the accepted audiences: auds and the resource, when
// one is set.
func withResource(auds []string, resource string) []string {
	if resource == "" || slices.Contains(auds, resource) {
		return auds
	}
	return append(slices.Clip(auds), resource)
}

// Environment variable names read by ConfigFromEnv.
const (
	EnvAudience            = "AXIOMS_AUDIENCE"
	EnvResource            = "AXIOMS_RESOURCE"
	EnvResourceName        = "AXIOMS_RESOURCE_NAME"
	EnvResourceDoc         = "AXIOMS_RESOURCE_DOCUMENTATION"
	EnvIssuerURL           = "AXIOMS_ISS_URL"
	EnvDomain              = "AXIOMS_DOMAIN"
	EnvJWKSURL             = "AXIOMS_JWKS_URL"
	EnvAlgorithms          = "AXIOMS_ALGORITHMS"
	EnvScopeClaims         = "AXIOMS_SCOPE_CLAIMS"
	EnvRoleClaims          = "AXIOMS_ROLES_CLAIMS"
	EnvPermissionClaims    = "AXIOMS_PERMISSIONS_CLAIMS"
	EnvLeeway              = "AXIOMS_LEEWAY"
	EnvRequireAtJWT        = "AXIOMS_REQUIRE_AT_JWT"
	EnvRealm               = "AXIOMS_REALM"
	EnvRefreshInterval     = "AXIOMS_JWKS_REFRESH_INTERVAL"
	EnvMinRefreshInterval  = "AXIOMS_JWKS_MIN_REFRESH_INTERVAL"
	EnvFetchTimeout        = "AXIOMS_FETCH_TIMEOUT"
	EnvMaxTokenSize        = "AXIOMS_MAX_TOKEN_SIZE"
	EnvTokenCacheSize      = "AXIOMS_TOKEN_CACHE_SIZE"
	EnvIntrospectionURL    = "AXIOMS_INTROSPECTION_URL"
	EnvClientID            = "AXIOMS_CLIENT_ID"
	EnvClientSecret        = "AXIOMS_CLIENT_SECRET"
	EnvIntrospectAll       = "AXIOMS_INTROSPECT_ALL"
	EnvIntrospectionStrict = "AXIOMS_INTROSPECTION_STRICT"
	EnvIntrospectionTTL    = "AXIOMS_INTROSPECTION_CACHE_TTL"
	EnvDPoP                = "AXIOMS_DPOP"
	EnvDPoPAlgorithms      = "AXIOMS_DPOP_ALGORITHMS"
	EnvDPoPBaseURL         = "AXIOMS_DPOP_BASE_URL"
	EnvTrustedProxies      = "AXIOMS_TRUSTED_PROXIES"
	EnvDPoPMaxAge          = "AXIOMS_DPOP_MAX_AGE"
	EnvDPoPNonce           = "AXIOMS_DPOP_NONCE"
	EnvForwardedHeaders    = "AXIOMS_FORWARDED_HEADERS"
	// EnvConfig names a JSON file of further issuers:
	// {"issuers": [{"issuer", "audiences", "jwks_url", "algorithms",
	// "scope_claims", "roles_claims", "permissions_claims"}]}. Without
	// AXIOMS_ISS_URL/AXIOMS_DOMAIN, its first issuer is the primary one.
	EnvConfig = "AXIOMS_CONFIG"
)

// maxConfigFile caps the AXIOMS_CONFIG file.
const maxConfigFile = 1 << 20

// ConfigFromEnv builds a Config from the AXIOMS_* environment variables
// (docs/runtime.md has the full list). Every list variable is
// comma-separated. The returned Config has been validated; an error names
// the variable at fault and what it expects.
func ConfigFromEnv() (Config, error) {
	return configFromLookup(os.LookupEnv)
}

func configFromLookup(lookup func(string) (string, bool)) (Config, error) {
	get := func(name string) string {
		v, _ := lookup(name)
		return strings.TrimSpace(v)
	}
	var cfg Config
	var errs []error

	var fileIssuers []IssuerConfig
	if path := get(EnvConfig); path != "" {
		var err error
		if fileIssuers, err = readIssuersFile(path); err != nil {
			errs = append(errs, fmt.Errorf("%s=%q: %w", EnvConfig, path, err))
		}
	}
	fromFile := len(fileIssuers) > 0 && get(EnvIssuerURL) == "" && get(EnvDomain) == ""
	var first IssuerConfig

	cfg.Audiences = splitList(get(EnvAudience))
	cfg.Resource, cfg.ResourceName, cfg.ResourceDocumentation = get(EnvResource), get(EnvResourceName), get(EnvResourceDoc)
	if len(cfg.Audiences) == 0 && !fromFile && cfg.Resource == "" {
		errs = append(errs, fmt.Errorf("%s is required: set it to the audience (API identifier) your tokens carry, e.g. %s=https://api.example.com", EnvAudience, EnvAudience))
	}

	switch iss, domain := get(EnvIssuerURL), get(EnvDomain); {
	case fromFile:
		// The file's first issuer is the primary one.
		first = fileIssuers[0]
		fileIssuers = fileIssuers[1:]
		cfg.Issuer, cfg.JWKSURL = first.Issuer, first.JWKSURL
		if len(first.Audiences) > 0 {
			cfg.Audiences = first.Audiences
		}
	case iss != "":
		cfg.Issuer = iss
	case domain != "":
		if strings.Contains(domain, "://") || strings.Contains(domain, "/") {
			errs = append(errs, fmt.Errorf("%s must be a bare host name such as tenant.auth0.com; put a full URL in %s instead", EnvDomain, EnvIssuerURL))
		} else {
			// Auth0, the origin of this variable, puts a trailing slash on iss.
			cfg.Issuer = "https://" + domain + "/"
		}
	default:
		errs = append(errs, fmt.Errorf("%s (or %s) is required: set it to the exact \"iss\" value of your tokens", EnvIssuerURL, EnvDomain))
	}

	if !fromFile {
		cfg.JWKSURL = get(EnvJWKSURL)
	}
	cfg.Issuers = fileIssuers
	cfg.Algorithms = splitList(get(EnvAlgorithms))
	cfg.ScopeClaims = splitList(get(EnvScopeClaims))
	cfg.RoleClaims = splitList(get(EnvRoleClaims))
	cfg.PermissionClaims = splitList(get(EnvPermissionClaims))
	cfg.Realm = get(EnvRealm)

	durations := []struct {
		name string
		dst  *time.Duration
	}{
		{EnvLeeway, &cfg.Leeway},
		{EnvRefreshInterval, &cfg.RefreshInterval},
		{EnvMinRefreshInterval, &cfg.MinRefreshInterval},
		{EnvFetchTimeout, &cfg.FetchTimeout},
		{EnvIntrospectionTTL, &cfg.IntrospectionCacheTTL},
		{EnvDPoPMaxAge, &cfg.DPoPMaxAge},
	}
	for _, d := range durations {
		v := get(d.name)
		if v == "" {
			continue
		}
		parsed, err := time.ParseDuration(v)
		if err != nil || parsed < 0 {
			errs = append(errs, fmt.Errorf("%s=%q is not a valid duration: use Go syntax such as 30s or 15m", d.name, v))
			continue
		}
		if parsed == 0 && d.dst == &cfg.Leeway {
			parsed = -1 // explicit zero leeway, not "default"
		}
		*d.dst = parsed
	}

	cfg.IntrospectionURL = get(EnvIntrospectionURL)
	cfg.ClientID = get(EnvClientID)
	if v, ok := lookup(EnvClientSecret); ok {
		cfg.ClientSecret = v // secrets may contain blanks at the ends
	}
	if v := get(EnvIntrospectionStrict); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q must be true or false", EnvIntrospectionStrict, v))
		}
		cfg.IntrospectionLenient = !b
	}
	if v := get(EnvIntrospectAll); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q must be true or false", EnvIntrospectAll, v))
		}
		cfg.IntrospectAll = b
	}
	cfg.DPoP = DPoPMode(strings.ToLower(get(EnvDPoP)))
	cfg.DPoPAlgorithms = splitList(get(EnvDPoPAlgorithms))
	cfg.DPoPBaseURL = get(EnvDPoPBaseURL)
	cfg.TrustedProxies = splitList(get(EnvTrustedProxies))
	cfg.ForwardedHeaders = strings.ToLower(get(EnvForwardedHeaders))
	if v := get(EnvDPoPNonce); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q must be true or false", EnvDPoPNonce, v))
		}
		cfg.DPoPNonce = b
	}
	if v := get(EnvRequireAtJWT); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s=%q must be true or false", EnvRequireAtJWT, v))
		}
		cfg.RequireAccessTokenType = b
	}
	if v := get(EnvMaxTokenSize); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n <= 0 {
			errs = append(errs, fmt.Errorf("%s=%q must be a positive number of bytes", EnvMaxTokenSize, v))
		}
		cfg.MaxTokenSize = n
	}
	if v := get(EnvTokenCacheSize); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil || n < 0:
			errs = append(errs, fmt.Errorf("%s=%q must be a number of entries (0 turns the cache off)", EnvTokenCacheSize, v))
		case n == 0:
			cfg.TokenCacheSize = -1 // off
		default:
			cfg.TokenCacheSize = n
		}
	}
	if fromFile {
		// The primary issuer's own lists, where the env set none.
		for _, l := range []struct {
			dst *[]string
			src []string
		}{
			{&cfg.Algorithms, first.Algorithms}, {&cfg.ScopeClaims, first.ScopeClaims},
			{&cfg.RoleClaims, first.RoleClaims}, {&cfg.PermissionClaims, first.PermissionClaims},
		} {
			if len(*l.dst) == 0 {
				*l.dst = l.src
			}
		}
		if len(cfg.Audiences) == 0 {
			errs = append(errs, fmt.Errorf("the first issuer of %s has no audiences and %s is not set", EnvConfig, EnvAudience))
		}
	}
	if len(errs) > 0 {
		return Config{}, errors.Join(errs...)
	}
	if err := cfg.validate(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// readIssuersFile reads the AXIOMS_CONFIG file, refusing unknown fields so
// a misspelt key is an error rather than a silently ignored setting.
func readIssuersFile(path string) ([]IssuerConfig, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := json.NewDecoder(io.LimitReader(f, maxConfigFile))
	dec.DisallowUnknownFields()
	var doc struct {
		Issuers []IssuerConfig `json:"issuers"`
	}
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not a valid issuers file (want {\"issuers\": [{\"issuer\": ..., \"audiences\": [...]}]}): %w", err)
	}
	if len(doc.Issuers) == 0 {
		return nil, errors.New(`the file lists no issuer under "issuers"`)
	}
	return doc.Issuers, nil
}

// splitList splits a comma-separated list, dropping blanks around items and
// empty items.
func splitList(s string) []string {
	var out []string
	for item := range strings.SplitSeq(s, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// validate reports every problem of cfg at once. It does not apply defaults.
func (cfg Config) validate() error {
	var errs []error
	if cfg.Issuer == "" {
		errs = append(errs, fmt.Errorf("issuer is required (Config.Issuer, %s): the exact \"iss\" value of your tokens", EnvIssuerURL))
	} else if err := checkURL(cfg.Issuer); err != nil {
		errs = append(errs, fmt.Errorf("issuer %q: %w", cfg.Issuer, err))
	}
	if cfg.Resource != "" {
		if err := checkResource(cfg.Resource); err != nil {
			errs = append(errs, fmt.Errorf("resource %q (Config.Resource, %s): %w", cfg.Resource, EnvResource, err))
		}
	}
	if cfg.ResourceDocumentation != "" {
		if u, err := url.Parse(cfg.ResourceDocumentation); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, fmt.Errorf("resource documentation %q (Config.ResourceDocumentation, %s) must be an absolute http(s) URL", cfg.ResourceDocumentation, EnvResourceDoc))
		}
	}
	if len(cfg.Audiences) == 0 && cfg.Resource == "" {
		errs = append(errs, fmt.Errorf("at least one audience is required (Config.Audiences, %s; or Config.Resource, %s)", EnvAudience, EnvResource))
	}
	for _, a := range cfg.Audiences {
		if strings.TrimSpace(a) == "" {
			errs = append(errs, fmt.Errorf("audience list contains an empty value (Config.Audiences, %s)", EnvAudience))
			break
		}
	}
	if cfg.JWKSURL != "" {
		if err := checkURL(cfg.JWKSURL); err != nil {
			errs = append(errs, fmt.Errorf("JWKS URL %q (Config.JWKSURL, %s): %w", cfg.JWKSURL, EnvJWKSURL, err))
		}
	}
	for _, alg := range cfg.Algorithms {
		switch {
		case strings.EqualFold(alg, "none"):
			errs = append(errs, fmt.Errorf("algorithm %q is refused (Config.Algorithms, %s): unsigned tokens are never accepted", alg, EnvAlgorithms))
		case strings.HasPrefix(strings.ToUpper(alg), "HS"):
			errs = append(errs, fmt.Errorf("algorithm %q is refused (Config.Algorithms, %s): only asymmetric algorithms are supported (%s)", alg, EnvAlgorithms, strings.Join(supportedAlgorithms, " ")))
		case !slices.Contains(supportedAlgorithms, alg):
			errs = append(errs, fmt.Errorf("algorithm %q is not supported (Config.Algorithms, %s): choose from %s", alg, EnvAlgorithms, strings.Join(supportedAlgorithms, " ")))
		}
	}
	for _, list := range []struct {
		env   string
		names []string
	}{{EnvScopeClaims, cfg.ScopeClaims}, {EnvRoleClaims, cfg.RoleClaims}, {EnvPermissionClaims, cfg.PermissionClaims}} {
		for _, n := range list.names {
			if strings.TrimSpace(n) == "" {
				errs = append(errs, fmt.Errorf("claim name list %s contains an empty name", list.env))
				break
			}
		}
	}
	seen := map[string]bool{cfg.Issuer: true}
	perIssuer := cfg.issuerConfigs()
	for i, ic := range cfg.Issuers {
		switch {
		case ic.Issuer == "":
			errs = append(errs, fmt.Errorf("Config.Issuers[%d] has no issuer", i))
			continue
		case seen[ic.Issuer]:
			errs = append(errs, fmt.Errorf("issuer %q is listed twice", ic.Issuer))
			continue
		}
		seen[ic.Issuer] = true
		c := perIssuer[i+1]
		c.Issuers = nil
		if err := c.validate(); err != nil {
			errs = append(errs, fmt.Errorf("issuer %q: %w", ic.Issuer, err))
		}
	}
	if cfg.IntrospectionURL != "" {
		if err := checkURL(cfg.IntrospectionURL); err != nil {
			errs = append(errs, fmt.Errorf("introspection URL %q (Config.IntrospectionURL, %s): %w", cfg.IntrospectionURL, EnvIntrospectionURL, err))
		}
	}
	if cfg.IntrospectAll && cfg.IntrospectionURL == "" {
		errs = append(errs, fmt.Errorf("%s needs %s", EnvIntrospectAll, EnvIntrospectionURL))
	}
	if cfg.ClientSecret != "" && cfg.ClientID == "" {
		errs = append(errs, fmt.Errorf("%s is set without %s", EnvClientSecret, EnvClientID))
	}
	if cfg.IntrospectionCacheTTL < 0 {
		errs = append(errs, errors.New("Config.IntrospectionCacheTTL must not be negative"))
	}
	if cfg.MaxTokenSize < 0 {
		errs = append(errs, errors.New("Config.MaxTokenSize must not be negative"))
	}
	if cfg.RefreshInterval < 0 || cfg.MinRefreshInterval < 0 || cfg.FetchTimeout < 0 {
		errs = append(errs, errors.New("refresh intervals and fetch timeout must not be negative"))
	}
	errs = append(errs, cfg.validateDPoP()...)
	return errors.Join(errs...)
}

func (cfg Config) validateDPoP() []error {
	var errs []error
	switch cfg.DPoP {
	case "", DPoPAllowed, DPoPRequired, DPoPDisabled:
	default:
		errs = append(errs, fmt.Errorf("DPoP mode %q (Config.DPoP, %s) must be allowed, required or disabled", cfg.DPoP, EnvDPoP))
	}
	for _, alg := range cfg.DPoPAlgorithms {
		if !slices.Contains(supportedAlgorithms, alg) {
			errs = append(errs, fmt.Errorf("DPoP proof algorithm %q is refused (Config.DPoPAlgorithms, %s): choose asymmetric ones from %s", alg, EnvDPoPAlgorithms, strings.Join(supportedAlgorithms, " ")))
		}
	}
	if cfg.DPoPBaseURL != "" {
		u, err := url.Parse(cfg.DPoPBaseURL)
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("DPoP base URL %q (Config.DPoPBaseURL, %s) is not a URL: %w", cfg.DPoPBaseURL, EnvDPoPBaseURL, err))
		case u.RawQuery != "" || u.Fragment != "":
			errs = append(errs, fmt.Errorf("DPoP base URL %q (Config.DPoPBaseURL, %s) must have no query or fragment", cfg.DPoPBaseURL, EnvDPoPBaseURL))
		default:
			if err := checkURL(cfg.DPoPBaseURL); err != nil {
				errs = append(errs, fmt.Errorf("DPoP base URL %q (Config.DPoPBaseURL, %s): %w", cfg.DPoPBaseURL, EnvDPoPBaseURL, err))
			}
		}
	}
	switch cfg.ForwardedHeaders {
	case "", ForwardedX, ForwardedStandard:
	default:
		errs = append(errs, fmt.Errorf("forwarded headers %q (Config.ForwardedHeaders, %s) must be %s or %s", cfg.ForwardedHeaders, EnvForwardedHeaders, ForwardedX, ForwardedStandard))
	}
	for _, p := range cfg.TrustedProxies {
		if _, err := parsePrefix(strings.TrimSpace(p)); err != nil {
			errs = append(errs, fmt.Errorf("trusted proxy %q (Config.TrustedProxies, %s) is not a CIDR such as 10.0.0.0/8 or an IP address", p, EnvTrustedProxies))
		}
	}
	if cfg.DPoPMaxAge < 0 || cfg.DPoPLeeway < 0 || cfg.DPoPNonceLifetime < 0 || cfg.DPoPReplayCacheSize < 0 {
		errs = append(errs, errors.New("the DPoP durations and replay cache size must not be negative"))
	}
	return errs
}

// checkURL accepts an absolute https URL, or an http URL whose host is
// loopback (local development and tests).
func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("not a valid URL: %w", err)
	}
	if u.Host == "" {
		return errors.New("must be an absolute URL such as https://issuer.example.com/")
	}
	if u.User != nil {
		return errors.New("must not carry user information")
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return errors.New("must use https (http is only allowed for loopback hosts)")
	default:
		return fmt.Errorf("scheme %q is not allowed: use https", u.Scheme)
	}
}

// checkResource applies checkURL's rules to a resource identifier, which
// also must have neither query nor fragment (RFC 8707 section 2).
func checkResource(raw string) error {
	if err := checkURL(raw); err != nil {
		return err
	}
	u, _ := url.Parse(raw)
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#") {
		return errors.New("must have no query or fragment (RFC 8707)")
	}
	return nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// withDefaults returns cfg with every zero field set to its default.
func (cfg Config) withDefaults() Config {
	cfg.Audiences = withResource(cfg.Audiences, cfg.Resource)
	if len(cfg.Algorithms) == 0 {
		cfg.Algorithms = slices.Clone(supportedAlgorithms)
	}
	if len(cfg.ScopeClaims) == 0 {
		cfg.ScopeClaims = slices.Clone(defaultScopeClaims)
	}
	if len(cfg.RoleClaims) == 0 {
		cfg.RoleClaims = slices.Clone(defaultRoleClaims)
	}
	if len(cfg.PermissionClaims) == 0 {
		cfg.PermissionClaims = slices.Clone(defaultPermissionClaims)
	}
	if len(cfg.DPoPAlgorithms) == 0 {
		cfg.DPoPAlgorithms = slices.Clone(defaultDPoPAlgorithms)
	}
	switch {
	case cfg.Leeway == 0:
		cfg.Leeway = DefaultLeeway
	case cfg.Leeway < 0:
		cfg.Leeway = 0
	}
	if cfg.TokenCacheMaxBytes <= 0 {
		cfg.TokenCacheMaxBytes = DefaultTokenCacheMaxBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Realm = cmp.Or(cfg.Realm, DefaultRealm)
	cfg.RefreshInterval = cmp.Or(cfg.RefreshInterval, DefaultRefreshInterval)
	cfg.MinRefreshInterval = cmp.Or(cfg.MinRefreshInterval, DefaultMinRefreshInterval)
	cfg.FetchTimeout = cmp.Or(cfg.FetchTimeout, DefaultFetchTimeout)
	cfg.MaxTokenSize = cmp.Or(cfg.MaxTokenSize, DefaultMaxTokenSize)
	cfg.Logger = cmp.Or(cfg.Logger, slog.Default())
	cfg.IntrospectionCacheTTL = cmp.Or(cfg.IntrospectionCacheTTL, DefaultIntrospectionCacheTTL)
	cfg.TokenCacheSize = cmp.Or(cfg.TokenCacheSize, DefaultTokenCacheSize)
	cfg.DPoP = cmp.Or(cfg.DPoP, DPoPAllowed)
	cfg.DPoPMaxAge = cmp.Or(cfg.DPoPMaxAge, DefaultDPoPMaxAge)
	cfg.DPoPLeeway = cmp.Or(cfg.DPoPLeeway, DefaultDPoPLeeway)
	cfg.DPoPNonceLifetime = cmp.Or(cfg.DPoPNonceLifetime, DefaultDPoPNonceLifetime)
	cfg.ForwardedHeaders = cmp.Or(cfg.ForwardedHeaders, ForwardedX)
	return cfg
}
