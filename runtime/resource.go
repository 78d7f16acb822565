package runtime

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// The resource's metadata (RFC 9728): a client that gets a 401 follows the
// challenge's resource_metadata to a document naming the authorization
// servers that issue tokens for this API and the scopes its routes use.

// wellKnownResource is the well-known URI suffix of RFC 9728 section 3.
const wellKnownResource = "/.well-known/oauth-protected-resource"

// metadataLocation returns the URL and the path of a resource's metadata
// (RFC 9728 section 3.1): the well-known suffix goes between the host and
// the resource's path, a terminating slash removed; "" without a resource.
func metadataLocation(resource string) (metadataURL, path string) {
	if resource == "" {
		return "", ""
	}
	u, err := url.Parse(resource)
	if err != nil {
		return "", "" // validated at New
	}
	rest := strings.TrimSuffix(u.EscapedPath(), "/")
	path = wellKnownResource + rest
	return u.Scheme + "://" + u.Host + path, path
}

// ResourceMetadataPath is the path at which the resource's metadata is
// served, "/.well-known/oauth-protected-resource" followed by the path of
// Config.Resource; "" when no resource is configured. Register
// ResourceMetadata there (docs/metadata.md shows how).
func (g *Guard) ResourceMetadataPath() string { return g.metadataPath }

// ResourceMetadataURL is the metadata's URL, as every 401 challenge's
// resource_metadata names it; "" when no resource is configured.
func (g *Guard) ResourceMetadataURL() string { return g.metadata }

// resourceMetadata is the document of RFC 9728 section 2.
type resourceMetadata struct {
	Resource               string   `json:"resource"`
	AuthorizationServers   []string `json:"authorization_servers"`
	ScopesSupported        []string `json:"scopes_supported,omitempty"`
	BearerMethods          []string `json:"bearer_methods_supported"`
	ResourceName           string   `json:"resource_name,omitempty"`
	ResourceDocumentation  string   `json:"resource_documentation,omitempty"`
	DPoPAlgorithms         []string `json:"dpop_signing_alg_values_supported,omitempty"`
	DPoPBoundTokensRequire bool     `json:"dpop_bound_access_tokens_required,omitempty"`
}

// ResourceMetadata returns the handler of the resource's metadata
// document (RFC 9728): public (no token), GET only, JSON, served
// at ResourceMetadataPath only (any other path is 404). It names the
// resource exactly as configured, the issuers as authorization servers,
// scopes as scopes_supported (generated code passes the scopes its
// directives use), the bearer methods (the Authorization header only) and
// the DPoP algorithms unless DPoP is disabled. Without Config.Resource it
// answers 404.
func (g *Guard) ResourceMetadata(scopes ...string) http.Handler {
	doc := resourceMetadata{
		Resource:              g.cfg.Resource,
		BearerMethods:         []string{"header"},
		ResourceName:          g.cfg.ResourceName,
		ResourceDocumentation: g.cfg.ResourceDocumentation,
	}
	for _, ic := range g.cfg.issuerConfigs() {
		doc.AuthorizationServers = append(doc.AuthorizationServers, ic.Issuer)
	}
	doc.ScopesSupported = slices.Compact(slices.Sorted(slices.Values(scopes)))
	if g.cfg.DPoP != DPoPDisabled {
		doc.DPoPAlgorithms = g.dpop.algs
		doc.DPoPBoundTokensRequire = g.cfg.DPoP == DPoPRequired
	}
	body, _ := json.MarshalIndent(doc, "", "  ")
	body = append(body, '\n')
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if g.metadataPath == "" || r.URL.EscapedPath() != g.metadataPath {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodGet {
			w.Header().Set("Allow", "GET")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Content-Type", "application/json")
		h.Set("Cache-Control", "public, max-age=3600")
		h.Set("X-Content-Type-Options", "nosniff")
		_, _ = w.Write(body)
	})
}
