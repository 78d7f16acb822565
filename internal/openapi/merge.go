// Merge: the generated security written into an existing document,
// leaving the rest of it as it was.

package openapi

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/pb33f/go-yaml"
	"github.com/pb33f/libopenapi/json"
)

// Merged is the result of a merge.
type Merged struct {
	Content []byte // the updated document
	// CodeOnly are the generated operations the document does not have
	// (not added), SpecOnly the document's operations no route serves
	// (left as they are); both as "METHOD /path".
	CodeOnly, SpecOnly []string
}

// Merge writes d's security into the OpenAPI 3 document data (YAML or
// JSON): for each operation both have (same method, same path up to
// parameter names), its security, its x-axioms-requirement and, for a
// guarded operation, its 401, 403 and 503 responses (and 400 when it has
// none); and the schemes, responses and schema those refer to under
// components. Nothing else changes: the document is edited as a YAML
// tree, so order, styles and comments stay.
func (d *Document) Merge(data []byte) (*Merged, error) {
	if len(data) > MaxSpecSize {
		return nil, fmt.Errorf("the document is larger than %d MiB", MaxSpecSize>>20)
	}
	var spec yaml.Node
	if err := yaml.Unmarshal(data, &spec); err != nil {
		return nil, err
	}
	root := docRoot(&spec)
	if root == nil || root.Kind != yaml.MappingNode {
		return nil, errors.New("not a YAML or JSON object")
	}
	if v := get(root, "openapi"); v == nil || !strings.HasPrefix(v.Value, "3.") {
		return nil, errors.New("-merge updates OpenAPI 3 documents only")
	}
	// The document's own token scheme, when it has one and none was
	// named, is the one the operations refer to; it is kept as written
	// unless the scheme's flags were given.
	opts := d.opts
	schemes := get(get(root, "components"), "securitySchemes")
	if opts.Scheme == "" {
		opts.Scheme = tokenSchemeOf(schemes)
	}
	replaceScheme := d.opts.Issuer != "" || d.opts.TokenURL != "" || d.opts.AuthorizationURL != ""
	g := &Document{ops: d.ops, opts: opts}
	g.model = g.build()
	var gen yaml.Node
	if err := yaml.Unmarshal(g.YAML(), &gen); err != nil {
		return nil, fmt.Errorf("reading the generated document: %w", err)
	}
	groot := docRoot(&gen)

	genOps := map[string]*yaml.Node{} // match key -> generated operation
	genNames := map[string]string{}
	var genOrder []string
	for path, item := range pairs(get(groot, "paths")) {
		for method, op := range pairs(item) {
			k := matchKey(method, path)
			genOps[k], genNames[k] = op, strings.ToUpper(method)+" "+path
			genOrder = append(genOrder, k)
		}
	}
	out := &Merged{}
	seen := map[string]bool{}
	guarded := false
	used := map[string]bool{} // schemes the merged operations refer to
	for path, item := range pairs(get(root, "paths")) {
		for method, op := range pairs(item) {
			if !isMethod(method) || op.Kind != yaml.MappingNode {
				continue
			}
			k := matchKey(method, path)
			g, ok := genOps[k]
			if !ok && method == "head" {
				// A GET route serves HEAD behind the same guard.
				g, ok = genOps[matchKey("get", path)]
			}
			if !ok {
				out.SpecOnly = append(out.SpecOnly, strings.ToUpper(method)+" "+path)
				continue
			}
			seen[k] = true
			if mergeOperation(op, g) {
				guarded = true
			}
			for _, alt := range get(g, "security").Content {
				for name := range pairs(alt) {
					used[name] = true
				}
			}
		}
	}
	for _, k := range genOrder {
		if !seen[k] {
			out.CodeOnly = append(out.CodeOnly, genNames[k])
		}
	}
	mergeComponents(root, groot, guarded, replaceScheme, used)

	if t := bytes.TrimSpace(data); len(t) > 0 && t[0] == '{' {
		b, err := json.YAMLNodeToJSON(root, "  ")
		if err != nil {
			return nil, err
		}
		out.Content = append(b, '\n')
		return out, nil
	}
	// Long lines stay as they were written: no width.
	b, err := yaml.Dump(&spec, yaml.WithV3Defaults(), yaml.WithIndent(indentOf(data)),
		yaml.WithCompactSeqIndent(compactSequences(data)), yaml.WithLineWidth(-1))
	if err != nil {
		return nil, err
	}
	out.Content = restoreBlankLines(data, b)
	return out, nil
}

// guardResponses are the responses a guard answers with, by code; 400
// is set only where the operation has none of its own.
var guardResponses = []string{"400", "401", "403", "503"}

// mergeOperation writes the generated operation g's security into op and
// reports whether g is guarded.
func mergeOperation(op, g *yaml.Node) (guarded bool) {
	set(op, "security", get(g, "security"))
	if req := get(g, ExtRequirement); req != nil {
		set(op, ExtRequirement, req)
		guarded = true
	} else {
		del(op, ExtRequirement)
	}
	if u := get(g, ExtUnguarded); u != nil {
		set(op, ExtUnguarded, u)
	} else {
		del(op, ExtUnguarded)
	}
	if !guarded {
		return false
	}
	resp := get(op, "responses")
	if resp == nil {
		resp = &yaml.Node{Kind: yaml.MappingNode}
		setNode(op, "responses", resp)
	}
	gresp := get(g, "responses")
	for _, code := range guardResponses {
		r := get(gresp, code)
		switch {
		case r == nil:
			// e.g. 403 where nothing can be insufficient: drop the
			// guard's own, keep the API's.
			if ref := get(get(resp, code), "$ref"); ref != nil && strings.HasPrefix(ref.Value, "#/components/responses/Axioms") {
				del(resp, code)
			}
		case code == "400" && get(resp, code) != nil:
			// The API's own bad-request answer stays.
		default:
			set(resp, code, r)
		}
	}
	return true
}

// mergeComponents sets the generated security schemes, and the guard's
// responses and error schema when a guarded operation refers to them.
func mergeComponents(root, groot *yaml.Node, guarded, replaceScheme bool, used map[string]bool) {
	gc := get(groot, "components")
	c := get(root, "components")
	if c == nil {
		c = &yaml.Node{Kind: yaml.MappingNode}
		setNode(root, "components", c)
	}
	var sections []string
	if len(used) > 0 {
		sections = append(sections, "securitySchemes")
	}
	if guarded {
		sections = append(sections, "responses", "schemas")
	}
	for _, section := range sections {
		src := get(gc, section)
		if src == nil {
			continue
		}
		dst := get(c, section)
		if dst == nil {
			dst = &yaml.Node{Kind: yaml.MappingNode}
			setNode(c, section, dst)
		}
		for name, v := range pairs(src) {
			if section == "securitySchemes" && (!used[name] || !replaceScheme && get(dst, name) != nil) {
				continue // unused, or the document's own definition stays
			}
			set(dst, name, v)
		}
	}
}

// tokenSchemeOf names the document's token scheme: its only oauth2 or
// openIdConnect scheme, else its only http bearer one; "" when there is
// no such single scheme.
func tokenSchemeOf(schemes *yaml.Node) string {
	for _, want := range []func(*yaml.Node) bool{
		func(s *yaml.Node) bool {
			t := get(s, "type")
			return t != nil && (t.Value == "oauth2" || t.Value == "openIdConnect")
		},
		func(s *yaml.Node) bool {
			t, sc := get(s, "type"), get(s, "scheme")
			return t != nil && t.Value == "http" && sc != nil && strings.EqualFold(sc.Value, "bearer")
		},
	} {
		var found []string
		for name, s := range pairs(schemes) {
			if want(s) {
				found = append(found, name)
			}
		}
		if len(found) == 1 {
			return found[0]
		}
	}
	return ""
}

func isMethod(m string) bool {
	for _, x := range methods {
		if x == m {
			return true
		}
	}
	return false
}

func docRoot(n *yaml.Node) *yaml.Node {
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		return n.Content[0]
	}
	return nil
}

// pairs iterates over a mapping's keys and values.
func pairs(m *yaml.Node) func(func(string, *yaml.Node) bool) {
	return func(yield func(string, *yaml.Node) bool) {
		if m == nil || m.Kind != yaml.MappingNode {
			return
		}
		for i := 0; i+1 < len(m.Content); i += 2 {
			if !yield(m.Content[i].Value, m.Content[i+1]) {
				return
			}
		}
	}
}

func get(m *yaml.Node, key string) *yaml.Node {
	for k, v := range pairs(m) {
		if k == key {
			return v
		}
	}
	return nil
}

// set replaces key's value in m by a copy of the generated v, keeping
// the comments around the old one, or appends key.
func set(m *yaml.Node, key string, v *yaml.Node) { setNode(m, key, clone(v)) }

// setNode is set with v itself.
func setNode(m *yaml.Node, key string, v *yaml.Node) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			old := m.Content[i+1]
			v.HeadComment, v.LineComment, v.FootComment = old.HeadComment, old.LineComment, old.FootComment
			m.Content[i+1] = v
			return
		}
	}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
}

func del(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}

// clone copies a generated node deeply, without positions, so that the
// encoder lays it out afresh in the document's style.
func clone(n *yaml.Node) *yaml.Node {
	c := &yaml.Node{Kind: n.Kind, Style: n.Style &^ yaml.FlowStyle, Tag: n.Tag, Value: n.Value}
	for _, x := range n.Content {
		c.Content = append(c.Content, clone(x))
	}
	return c
}

var indentRE = regexp.MustCompile(`(?m)^( +)\S`)

// indentOf is the document's indentation: that of its first indented
// line, 2 when none is.
func indentOf(data []byte) int {
	if m := indentRE.FindSubmatch(data); m != nil && len(m[1]) <= 8 {
		return len(m[1])
	}
	return 2
}

var seqRE = regexp.MustCompile(`(?m)^( *)[^\s#-][^\n]*:[ \t]*\n( *)- `)

// compactSequences reports whether the document writes a mapping's
// sequence items at the key's own indentation ("key:\n- item"), as
// swaggo and many hand-written documents do.
func compactSequences(data []byte) bool {
	m := seqRE.FindSubmatch(data)
	return m != nil && len(m[1]) == len(m[2])
}

// restoreBlankLines puts back the blank lines of the input that the YAML
// encoder drops between entries: before each output line that follows a
// blank line in the input (lines matched in order, the unchanged ones
// being identical), unless the output already has one there.
func restoreBlankLines(in, out []byte) []byte {
	const window = 4096 // lines searched ahead for a match
	inLines := strings.Split(string(in), "\n")
	outLines := strings.Split(string(out), "\n")
	blankBefore := make([]bool, len(outLines))
	j := 0
	blank := false
	for _, line := range inLines {
		if strings.TrimSpace(line) == "" {
			blank = true
			continue
		}
		for k := j; k < len(outLines) && k < j+window; k++ {
			if outLines[k] == line {
				if blank && k > 0 && strings.TrimSpace(outLines[k-1]) != "" {
					blankBefore[k] = true
				}
				j = k + 1
				break
			}
		}
		blank = false
	}
	var b strings.Builder
	for k, line := range outLines {
		if blankBefore[k] {
			b.WriteString("\n")
		}
		b.WriteString(line)
		if k < len(outLines)-1 {
			b.WriteString("\n")
		}
	}
	return []byte(b.String())
}
