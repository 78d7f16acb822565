// Reading an existing document (OpenAPI 3.x or Swagger 2.0) into what
// drift compares: its operations and their effective security.

package openapi

import (
	"errors"
	"fmt"
	"log/slog"
	"strings"

	"github.com/pb33f/go-yaml"
	"github.com/pb33f/libopenapi"
	"github.com/pb33f/libopenapi/datamodel"
	"github.com/pb33f/libopenapi/datamodel/high/base"
	"github.com/pb33f/libopenapi/utils"
)

// MaxSpecSize bounds the documents read: a spec larger than this is
// refused before parsing.
const MaxSpecSize = 32 << 20

// specOp is one operation of a document.
type specOp struct {
	method, path string // lower-case method; the path with any base path
	id           string
	line, col    int
	// secured: every alternative of its effective security names a
	// scheme (an empty alternative, or none at all, makes it public).
	secured bool
	// dpop: every alternative names an http scheme whose scheme is DPoP
	// (RFC 9449), so clients know to send a DPoP-bound token and a proof;
	// canSayDPoP is false for Swagger 2.0, which has no such scheme.
	dpop, canSayDPoP bool
	// alts are the scopes of the alternatives, normalised: the lists of
	// all the alternative's schemes (OpenAPI 3.1 lets any scheme list
	// what it requires, and the generated documents list scopes under
	// an http bearer scheme too).
	alts [][]string
}

// pattern is the operation as a finding names it.
func (o specOp) pattern() string { return strings.ToUpper(o.method) + " " + o.path }

// spec is what drift reads of a document.
type spec struct {
	ops []specOp
}

// readSpec parses a document with libopenapi.
func readSpec(data []byte) (*spec, error) {
	if len(data) > MaxSpecSize {
		return nil, fmt.Errorf("the document is larger than %d MiB", MaxSpecSize>>20)
	}
	// No file or remote references are followed (the zero
	// configuration), and the library's own logging, which would go to
	// standard output, is dropped: check -json writes there.
	doc, err := libopenapi.NewDocumentWithConfiguration(data, &datamodel.DocumentConfiguration{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return nil, err
	}
	info := doc.GetSpecInfo()
	switch info.SpecType {
	case utils.OpenApi3:
		return readV3(doc)
	case utils.OpenApi2:
		return readV2(doc)
	default:
		return nil, errors.New("not an OpenAPI 3 or Swagger 2.0 document")
	}
}

// lowOp is one operation of a path item, at the low level: its key node
// (position) and whether it declares security.
type lowOp struct {
	key      *yaml.Node
	declared bool
}

func readV3(doc libopenapi.Document) (*spec, error) {
	m, err := doc.BuildV3Model()
	if err != nil {
		// A model built in part (an unresolved reference) can lack an
		// operation's security: no finding is better than a false one.
		return nil, fmt.Errorf("%w (references to other files or URLs are not followed: bundle the document first)", err)
	}
	d := m.Model
	dpopSchemes := map[string]bool{}
	if d.Components != nil && d.Components.SecuritySchemes != nil {
		for name, s := range d.Components.SecuritySchemes.FromOldest() {
			dpopSchemes[name] = s.Type == "http" && strings.EqualFold(s.Scheme, "DPoP")
		}
	}
	out := &spec{}
	if d.Paths == nil || d.Paths.PathItems == nil {
		return out, nil
	}
	for path, item := range d.Paths.PathItems.FromOldest() {
		l := item.GoLow()
		for method, op := range item.GetOperations().FromOldest() {
			ref := lowOperation(l.Get.KeyNode, l.Put.KeyNode, l.Post.KeyNode, l.Delete.KeyNode, l.Options.KeyNode, l.Head.KeyNode, l.Patch.KeyNode, l.Trace.KeyNode)(method)
			declared := !op.GoLow().Security.IsEmpty()
			sop := newSpecOp(method, path, op.OperationId, ref, declared, op.Security, d.Security)
			sop.canSayDPoP = true
			sop.dpop = sop.secured && allNameDPoP(effective(declared, op.Security, d.Security), dpopSchemes)
			out.ops = append(out.ops, sop)
		}
	}
	return out, nil
}

func readV2(doc libopenapi.Document) (*spec, error) {
	m, err := doc.BuildV2Model()
	if err != nil {
		// A model built in part (an unresolved reference) can lack an
		// operation's security: no finding is better than a false one.
		return nil, fmt.Errorf("%w (references to other files or URLs are not followed: bundle the document first)", err)
	}
	d := m.Model
	out := &spec{}
	if d.Paths == nil || d.Paths.PathItems == nil {
		return out, nil
	}
	basePath := strings.TrimSuffix(d.BasePath, "/")
	for path, item := range d.Paths.PathItems.FromOldest() {
		l := item.GoLow()
		for method, op := range item.GetOperations().FromOldest() {
			ref := lowOperation(l.Get.KeyNode, l.Put.KeyNode, l.Post.KeyNode, l.Delete.KeyNode, l.Options.KeyNode, l.Head.KeyNode, l.Patch.KeyNode, nil)(method)
			declared := !op.GoLow().Security.IsEmpty()
			out.ops = append(out.ops, newSpecOp(method, basePath+path, op.OperationId, ref, declared, op.Security, d.Security))
		}
	}
	return out, nil
}

// effective is an operation's security: its own when it declares one,
// else the document's.
func effective(declared bool, own, global []*base.SecurityRequirement) []*base.SecurityRequirement {
	if declared {
		return own
	}
	return global
}

// allNameDPoP reports whether every alternative names a DPoP scheme.
func allNameDPoP(sec []*base.SecurityRequirement, dpop map[string]bool) bool {
	for _, alt := range sec {
		found := false
		if alt != nil && alt.Requirements != nil {
			for name := range alt.Requirements.FromOldest() {
				found = found || dpop[name]
			}
		}
		if !found {
			return false
		}
	}
	return len(sec) > 0
}

// lowOperation picks the key node of a method.
func lowOperation(get, put, post, del, options, head, patch, trace *yaml.Node) func(string) *yaml.Node {
	return func(method string) *yaml.Node {
		return map[string]*yaml.Node{"get": get, "put": put, "post": post, "delete": del, "options": options, "head": head, "patch": patch, "trace": trace}[strings.ToLower(method)]
	}
}

func newSpecOp(method, path, id string, key *yaml.Node, declared bool, own, global []*base.SecurityRequirement) specOp {
	op := specOp{method: strings.ToLower(method), path: path, id: id}
	if key != nil {
		op.line, op.col = key.Line, key.Column
	}
	sec := effective(declared, own, global)
	op.secured = len(sec) > 0
	for _, alt := range sec {
		if alt == nil || alt.ContainsEmptyRequirement || alt.Requirements == nil || alt.Requirements.Len() == 0 {
			op.secured = false // {} makes the security optional
			continue
		}
		var scopes []string
		for _, list := range alt.Requirements.FromOldest() {
			scopes = append(scopes, list...)
		}
		op.alts = append(op.alts, scopes)
	}
	op.alts = normalizeAlternatives(op.alts)
	return op
}
