package routers

import (
	"go/types"
	"strings"
)

// RPC describes a code generator of RPC services: how its generated
// package names a service's interface, the constant of each method's full
// name, the function that registers an implementation, and the guard
// module that installs the generated method table.
type RPC struct {
	Flag   string // "grpc" or "connect": the Router column of reports
	Name   string // "gRPC" or "Connect", for messages
	Method string // the report's Method column: "GRPC" or "CONNECT"
	// Path is the import path of the RPC library the generated code
	// uses.
	Path string
	// Suffix makes the interface name from the service's: ItemService +
	// "Server" (protoc-gen-go-grpc), ItemService + "Handler"
	// (protoc-gen-connect-go).
	Suffix string
	// Marker is a declaration only the generator writes for a service,
	// %s the service's name: it tells a generated interface from a
	// look-alike.
	Marker string
	// Const is the constant holding a method's full name, %[1]s the
	// service, %[2]s the method.
	Const string
	// Register is the function that registers an implementation, %s the
	// service.
	Register string
	// Guard is the import path of axiomsgen's guard for this library, and
	// TableVar the generated table it takes.
	Guard    string
	TableVar string
	// DPoP: requests carry a URL a DPoP proof can bind to.
	DPoP bool
}

// The RPC generators axiomsgen knows.
var (
	GRPC = &RPC{
		Flag: "grpc", Name: "gRPC", Method: "GRPC",
		Path: "google.golang.org/grpc", Suffix: "Server",
		Marker: "%s_ServiceDesc", Const: "%[1]s_%[2]s_FullMethodName", Register: "Register%sServer",
		Guard: "github.com/axioms-go/axiomsgen/grpcguard", TableVar: "AxiomsGRPCMethods",
	}
	Connect = &RPC{
		Flag: "connect", Name: "Connect", Method: "CONNECT",
		Path: "connectrpc.com/connect", Suffix: "Handler",
		Marker: "%sName", Const: "%[1]s%[2]sProcedure", Register: "New%sHandler",
		Guard: "github.com/axioms-go/axiomsgen/connectguard", TableVar: "AxiomsConnectProcedures",
		DPoP: true,
	}
	RPCs = []*RPC{GRPC, Connect}
)

// Service is a generated service interface.
type Service struct {
	RPC       *RPC
	Pkg       *types.Package
	Name      string // the service: "ItemService"
	Interface *types.Named
}

// IfaceName is the interface's name: "ItemServiceServer".
func (s Service) IfaceName() string { return s.Interface.Obj().Name() }

// Const is the name of the constant of method's full name.
func (s Service) Const(method string) string { return sprintf(s.RPC.Const, s.Name, method) }

// Services lists the generated service interfaces pkg declares, in scope
// order (sorted by name).
func Services(pkg *types.Package) []Service {
	var out []Service
	if pkg == nil {
		return nil
	}
	scope := pkg.Scope()
	for _, name := range scope.Names() {
		for _, rpc := range RPCs {
			svc, ok := strings.CutSuffix(name, rpc.Suffix)
			if !ok || svc == "" {
				continue
			}
			tn, ok := scope.Lookup(name).(*types.TypeName)
			if !ok {
				continue
			}
			named, ok := types.Unalias(tn.Type()).(*types.Named)
			if !ok || !types.IsInterface(named) {
				continue
			}
			if scope.Lookup(sprintf(rpc.Marker, svc)) == nil {
				continue
			}
			if _, ok := scope.Lookup(sprintf(rpc.Register, svc)).(*types.Func); !ok {
				continue
			}
			out = append(out, Service{RPC: rpc, Pkg: pkg, Name: svc, Interface: named})
		}
	}
	return out
}

// RegisteredService is the service whose Register function is fn, if fn
// is one (RegisterItemServiceServer, NewItemServiceHandler).
func RegisteredService(fn *types.Func) (Service, bool) {
	if fn == nil || fn.Pkg() == nil || fn.Signature().Recv() != nil {
		return Service{}, false
	}
	for _, s := range Services(fn.Pkg()) {
		if fn.Name() == sprintf(s.RPC.Register, s.Name) {
			return s, true
		}
	}
	return Service{}, false
}

func sprintf(format string, args ...string) string {
	out := format
	// The formats use %s, or %[1]s and %[2]s: a plain replacement keeps
	// this free of fmt's verbs on user names.
	if strings.Contains(out, "%[") {
		for i, a := range args {
			out = strings.ReplaceAll(out, "%["+string(rune('1'+i))+"]s", a)
		}
		return out
	}
	return strings.Replace(out, "%s", args[0], 1)
}
