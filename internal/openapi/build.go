// The document: libopenapi's high-level model built from the operations.

package openapi

import (
	"bytes"
	"cmp"
	"fmt"
	"path"
	"strings"

	"github.com/axioms-go/axiomsgen/internal/discover"
	"github.com/axioms-go/axiomsgen/internal/report"
	"github.com/pb33f/go-yaml"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/orderedmap"
	"golang.org/x/tools/go/packages"
)

// Version is the OpenAPI version of the documents written.
const Version = "3.1.0"

// Document is a generated document and the routes it leaves out.
type Document struct {
	model *v3.Document
	ops   []*operation
	opts  Options
	// Skipped are the routes the document cannot hold, each with why.
	Skipped []report.Finding
}

// New builds the document of routes; pkgs give the handlers' doc
// comments, root is what file names in Skipped are relative to.
func New(routes []discover.Row, pkgs []*packages.Package, root string, opts Options) *Document {
	ops, skipped := operations(routes, pkgs, root)
	if opts.Title == "" && len(pkgs) > 0 {
		opts.Title = path.Base(pkgs[0].PkgPath)
	}
	opts.Version = cmp.Or(opts.Version, "0.0.0")
	d := &Document{ops: ops, opts: opts, Skipped: skipped}
	d.model = d.build()
	return d
}

func (d *Document) build() *v3.Document {
	opts := d.opts
	doc := &v3.Document{
		Version: Version,
		Info:    &base.Info{Title: opts.Title, Version: opts.Version},
		Paths:   &v3.Paths{PathItems: orderedmap.New[string, *v3.PathItem]()},
	}
	anyGuarded, anyDPoP := false, false
	for _, op := range d.ops {
		item, ok := doc.Paths.PathItems.Get(op.path)
		if !ok {
			item = &v3.PathItem{}
			doc.Paths.PathItems.Set(op.path, item)
		}
		o := d.operation(op)
		setOperation(item, op.method, o)
		if op.status == discover.Guarded {
			anyGuarded = true
			anyDPoP = anyDPoP || (op.req != nil && op.req.DPoP)
		}
	}
	doc.Components = &v3.Components{SecuritySchemes: orderedmap.New[string, *v3.SecurityScheme]()}
	doc.Components.SecuritySchemes.Set(opts.schemeName(), d.tokenScheme())
	if anyDPoP {
		doc.Components.SecuritySchemes.Set(DPoPScheme, dpopScheme())
	}
	if anyGuarded {
		doc.Components.Schemas = orderedmap.New[string, *base.SchemaProxy]()
		doc.Components.Schemas.Set(ErrorSchema, base.CreateSchemaProxy(errorSchema()))
		doc.Components.Responses = errorResponses()
	}
	return doc
}

// operation is op's OpenAPI operation.
func (d *Document) operation(op *operation) *v3.Operation {
	o := &v3.Operation{OperationId: op.id, Summary: op.summary, Description: op.description}
	for _, p := range op.params {
		o.Parameters = append(o.Parameters, &v3.Parameter{
			Name: p, In: "path", Required: new(true),
			Schema: base.CreateSchemaProxy(&base.Schema{Type: []string{"string"}}),
		})
	}
	o.Responses = &v3.Responses{
		Codes:   orderedmap.New[string, *v3.Response](),
		Default: &v3.Response{Description: "The handler's response (axiomsgen describes only the guard's)."},
	}
	o.Security, o.Extensions = d.security(op)
	if op.status == discover.Guarded {
		for _, c := range []struct{ code, name string }{{"400", respBadRequest}, {"401", respUnauth}, {"403", respForbidden}, {"503", respUnavailable}} {
			if c.code == "403" && op.req != nil && len(op.req.Kinds()) == 0 {
				continue // nothing to be insufficient: step-up and DPoP failures are 401
			}
			o.Responses.Codes.Set(c.code, &v3.Response{Reference: "#/components/responses/" + c.name})
		}
		w := words(op.text, op.req)
		o.Description = strings.TrimSpace(o.Description + "\n\n" + w)
	} else if op.status == discover.Unguarded {
		o.Description = strings.TrimSpace(o.Description + "\n\nServed without a guard and not marked public.")
	}
	return o
}

// security is op's security requirements and extensions. An empty,
// non-nil slice is a public operation (security: []).
func (d *Document) security(op *operation) ([]*base.SecurityRequirement, *orderedmap.Map[string, *yaml.Node]) {
	ext := orderedmap.New[string, *yaml.Node]()
	switch op.status {
	case discover.Public:
		return []*base.SecurityRequirement{}, nil
	case discover.Unguarded:
		ext.Set(ExtUnguarded, node(true))
		return []*base.SecurityRequirement{}, ext
	}
	ext.Set(ExtRequirement, node(extensionOf(op.text, op.req)))
	var alts [][]string
	if op.req != nil {
		var ok bool
		if alts, ok = scopeAlternatives(op.req.Scopes); !ok {
			// Too many to list: any token of the scheme, and the
			// extension says exactly which scopes.
			alts = [][]string{{}}
		}
	} else {
		alts = [][]string{{}}
	}
	dpop := op.req != nil && op.req.DPoP
	var out []*base.SecurityRequirement
	for _, a := range alts {
		m := orderedmap.New[string, []string]()
		m.Set(d.opts.schemeName(), append([]string{}, a...))
		if dpop {
			m.Set(DPoPScheme, []string{})
		}
		out = append(out, &base.SecurityRequirement{Requirements: m})
	}
	return out, ext
}

func setOperation(item *v3.PathItem, method string, o *v3.Operation) {
	switch method {
	case "get":
		item.Get = o
	case "put":
		item.Put = o
	case "post":
		item.Post = o
	case "delete":
		item.Delete = o
	case "options":
		item.Options = o
	case "head":
		item.Head = o
	case "patch":
		item.Patch = o
	case "trace":
		item.Trace = o
	}
}

// tokenScheme is the access-token scheme the options describe.
func (d *Document) tokenScheme() *v3.SecurityScheme {
	opts := d.opts
	desc := "An OAuth 2.0 access token (a JWT) in the Authorization header, verified against the issuer's keys. The lists in the operations' security requirements are the scopes the token must carry; roles, permissions and the rest are in each operation's x-axioms-requirement."
	switch {
	case opts.Issuer != "":
		return &v3.SecurityScheme{Type: "openIdConnect", Description: desc,
			OpenIdConnectUrl: strings.TrimSuffix(opts.Issuer, "/") + "/.well-known/openid-configuration"}
	case opts.TokenURL != "" || opts.AuthorizationURL != "":
		scopes := orderedmap.New[string, string]()
		for _, s := range allScopes(d.ops) {
			scopes.Set(s, "")
		}
		flows := &v3.OAuthFlows{}
		if opts.TokenURL != "" {
			flows.ClientCredentials = &v3.OAuthFlow{TokenUrl: opts.TokenURL, Scopes: scopes}
		}
		if opts.TokenURL != "" && opts.AuthorizationURL != "" {
			flows.AuthorizationCode = &v3.OAuthFlow{AuthorizationUrl: opts.AuthorizationURL, TokenUrl: opts.TokenURL, Scopes: scopes}
		}
		if opts.TokenURL == "" {
			flows.Implicit = &v3.OAuthFlow{AuthorizationUrl: opts.AuthorizationURL, Scopes: scopes}
		}
		return &v3.SecurityScheme{Type: "oauth2", Description: desc, Flows: flows}
	default:
		return &v3.SecurityScheme{Type: "http", Scheme: "bearer", BearerFormat: "JWT", Description: desc}
	}
}

func dpopScheme() *v3.SecurityScheme {
	return &v3.SecurityScheme{Type: "http", Scheme: "DPoP", Description: "The access token is DPoP-bound (RFC 9449): it is sent as Authorization: DPoP <token>, with a DPoP header holding a fresh proof signed by the client's key."}
}

// errorCodes are the error values of the guard's JSON bodies.
var errorCodes = []string{"unauthorized", "invalid_request", "invalid_token", "insufficient_scope", "insufficient_user_authentication", "invalid_dpop_proof", "use_dpop_nonce", "temporarily_unavailable"}

func errorSchema() *base.Schema {
	props := orderedmap.New[string, *base.SchemaProxy]()
	var enum []*yaml.Node
	for _, c := range errorCodes {
		enum = append(enum, node(c))
	}
	props.Set("error", base.CreateSchemaProxy(&base.Schema{Type: []string{"string"}, Enum: enum}))
	props.Set("error_description", base.CreateSchemaProxy(&base.Schema{Type: []string{"string"}}))
	return &base.Schema{
		Type: []string{"object"}, Required: []string{"error", "error_description"}, Properties: props,
		Description: "The body of every response the guard refuses a request with (RFC 6750 error codes, and the DPoP and step-up ones).",
	}
}

func errorResponses() *orderedmap.Map[string, *v3.Response] {
	out := orderedmap.New[string, *v3.Response]()
	for _, r := range []struct{ name, desc string }{
		{respBadRequest, "The Authorization header is malformed (invalid_request)."},
		{respUnauth, "No token, or a token that is not valid (unauthorized, invalid_token, invalid_dpop_proof, use_dpop_nonce, insufficient_user_authentication). WWW-Authenticate carries the challenge."},
		{respForbidden, "The token is valid but does not meet the requirement (insufficient_scope)."},
		{respUnavailable, "No signing key of the issuer was ever loaded (temporarily_unavailable)."},
	} {
		content := orderedmap.New[string, *v3.MediaType]()
		content.Set("application/json", &v3.MediaType{Schema: base.CreateSchemaProxyRef("#/components/schemas/" + ErrorSchema)})
		resp := &v3.Response{Description: r.desc, Content: content}
		if r.name == respUnauth || r.name == respForbidden {
			h := orderedmap.New[string, *v3.Header]()
			h.Set("WWW-Authenticate", &v3.Header{Description: "The Bearer (or DPoP) challenge, RFC 6750 section 3.", Schema: base.CreateSchemaProxy(&base.Schema{Type: []string{"string"}})})
			resp.Headers = h
		}
		out.Set(r.name, resp)
	}
	return out
}

// node is v as a YAML node.
func node(v any) *yaml.Node {
	var n yaml.Node
	if err := n.Encode(v); err != nil {
		panic(fmt.Sprintf("openapi: encoding %T: %v", v, err)) // our own plain values always encode
	}
	return &n
}

// YAML renders the document as YAML, indented by two spaces.
func (d *Document) YAML() []byte {
	b := bytes.TrimLeft(d.model.RenderWithIndention(2), "\n")
	if !bytes.HasSuffix(b, []byte("\n")) {
		b = append(b, '\n')
	}
	return b
}

// JSON renders the document as JSON, indented by two spaces.
func (d *Document) JSON() ([]byte, error) {
	b, err := d.model.RenderJSON("  ")
	if err != nil {
		return nil, err
	}
	if !bytes.HasSuffix(b, []byte("\n")) {
		b = append(b, '\n')
	}
	return b, nil
}
