package parse

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"
	"strings"

	"github.com/axioms-go/axiomsgen/internal/routers"
)

// RPC says that a handler is a method of a generated RPC service
// interface (protoc-gen-go-grpc's XServer, protoc-gen-connect-go's
// XServiceHandler) that its receiver type implements.
type RPC struct {
	Kind    *routers.RPC
	Service routers.Service
	// Const names the generated constant of the method's full name, in
	// the service's package; FullName is its value,
	// "/pkg.Service/Method".
	Const    string
	FullName string
}

// services lists the generated service interfaces visible to pkg: its own
// and those of the packages it imports, in import order.
func (p *parser) services(pkg *types.Package) []routers.Service {
	if p.rpcServices != nil {
		return p.rpcServices
	}
	out := routers.Services(pkg)
	for _, imp := range pkg.Imports() {
		out = append(out, routers.Services(imp)...)
	}
	p.rpcServices = out
	if out == nil {
		p.rpcServices = []routers.Service{}
	}
	return p.rpcServices
}

// rpc reports whether fd is a method of a generated service interface
// that its receiver type implements, and checks what such a method may
// carry. ok is false when fd is not one; an error is reported when it
// looks like one but is not (the receiver does not implement the
// interface), or is one with a directive it cannot take.
func (p *parser) rpc(fd *ast.FuncDecl, h *Handler) (is bool) {
	if fd.Recv == nil || len(fd.Recv.List) != 1 {
		return false
	}
	obj, ok := p.info.Defs[fd.Name].(*types.Func)
	if !ok || obj.Pkg() == nil {
		return false
	}
	recv := obj.Signature().Recv().Type()
	base := recv
	if ptr, ok := types.Unalias(recv).(*types.Pointer); ok {
		base = ptr.Elem()
	}
	named, ok := types.Unalias(base).(*types.Named)
	if !ok || named.TypeParams().Len() > 0 {
		return false
	}
	ptr := types.NewPointer(named)
	var matches, near []routers.Service
	for _, s := range p.services(obj.Pkg()) {
		iface := s.Interface.Underlying().(*types.Interface)
		m := lookupMethod(iface, fd.Name.Name)
		if m == nil {
			continue
		}
		if types.Implements(ptr, iface) {
			matches = append(matches, s)
		} else if types.Identical(withoutRecv(m.Signature()), withoutRecv(obj.Signature())) {
			near = append(near, s)
		}
	}
	qual := func(s routers.Service) string { return s.Pkg.Name() + "." + s.IfaceName() }
	switch {
	case len(matches) > 1:
		var names []string
		for _, s := range matches {
			names = append(names, qual(s))
		}
		p.errorf(fd.Pos(), "%s implements several service interfaces with a method %s (%s): its directives would guard them all alike; give each service its own type", named.Obj().Name(), fd.Name.Name, strings.Join(names, ", "))
		return true
	case len(matches) == 0 && len(near) > 0:
		s := near[0]
		iface := s.Interface.Underlying().(*types.Interface)
		hint := ""
		for m := range iface.Methods() {
			if strings.HasPrefix(m.Name(), "mustEmbedUnimplemented") {
				hint = fmt.Sprintf(" (embed %s.Unimplemented%s to implement it)", s.Pkg.Name(), s.IfaceName())
			}
		}
		if missing, _ := types.MissingMethod(ptr, iface, true); hint == "" && missing != nil {
			hint = fmt.Sprintf(" (missing method %s)", missing.Name())
		}
		p.errorf(fd.Pos(), "%s has the signature of %s.%s, but *%s does not implement %s%s: the directives guard the methods of a type that implements a generated service interface",
			h.Name, qual(s), fd.Name.Name, named.Obj().Name(), qual(s), hint)
		return true
	case len(matches) == 0:
		return false
	}
	s := matches[0]
	rpc := &RPC{Kind: s.RPC, Service: s, Const: s.Const(fd.Name.Name)}
	h.RPC = rpc
	h.Recv = named.Obj().Name()
	_, h.PtrRecv = types.Unalias(recv).(*types.Pointer)
	c, ok := s.Pkg.Scope().Lookup(rpc.Const).(*types.Const)
	if !ok || c.Val().Kind() != constant.String {
		gen := "protoc-gen-go-grpc v1.3 or later"
		if s.RPC == routers.Connect {
			gen = "a current protoc-gen-connect-go"
		}
		p.errorf(fd.Pos(), "%s: %s declares no constant %s with the method's full name: regenerate it with %s",
			h.Name, s.Pkg.Path(), rpc.Const, gen)
		return true
	}
	rpc.FullName = constant.StringVal(c.Val())
	return true
}

// checkRPC checks the directives an RPC method carries.
func (p *parser) checkRPC(fd *ast.FuncDecl, h *Handler) bool {
	rpc := h.RPC
	ok := true
	for _, r := range h.Routes {
		p.errorf(fd.Doc.Pos(), "%s is a %s method (%s): drop //axioms:route, its name comes from the generated constant %s.%s", h.Name, rpc.Kind.Name, rpc.FullName, rpc.Service.Pkg.Name(), rpc.Const)
		_ = r
		ok = false
		break
	}
	if h.DPoP && !rpc.Kind.DPoP {
		p.errorf(fd.Pos(), "%s is a %s method: //axioms:dpop cannot be enforced over gRPC (a DPoP proof binds to a request URL, which gRPC calls do not have); serve the method over Connect to require DPoP, or drop the directive", h.Name, rpc.Kind.Name)
		ok = false
	}
	if !h.Public && !h.HasRequirement() {
		p.errorf(fd.Pos(), "%s has //axioms: directives but no requirement: add //axioms:scopes, //axioms:roles, //axioms:permissions or //axioms:authenticated, or //axioms:public if it is deliberately open", h.Name)
		ok = false
	}
	return ok
}

func lookupMethod(iface *types.Interface, name string) *types.Func {
	for m := range iface.Methods() {
		if m.Name() == name {
			return m
		}
	}
	return nil
}

func withoutRecv(sig *types.Signature) *types.Signature {
	return types.NewSignatureType(nil, nil, nil, sig.Params(), sig.Results(), sig.Variadic())
}

// checkRPCDuplicates reports two annotated methods with one full name
// (two types of the package implementing one service): the generated
// table has one entry per name, which the guard applies to every server.
func (p *parser) checkRPCDuplicates() {
	type key struct {
		kind *routers.RPC
		name string
	}
	first := map[key]*Handler{}
	var kept []*Handler
	for _, h := range p.methods {
		k := key{h.RPC.Kind, h.RPC.FullName}
		if prev, ok := first[k]; ok {
			p.errs = append(p.errs, Error{Pos: h.Pos, Msg: fmt.Sprintf("%s is annotated on %s too (%s): the generated table has one entry per %s method, which the guard applies to every server, so one of them would get the other's requirement; implement the service with one type per package",
				h.RPC.FullName, prev.Display(), Short(prev.Pos), h.RPC.Kind.Name)})
			continue
		}
		first[k] = h
		kept = append(kept, h)
	}
	p.methods = kept
}
