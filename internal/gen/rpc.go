package gen

import (
	"fmt"
	"go/format"
	"go/token"
	pathpkg "path"
	"strconv"
	"strings"

	"github.com/axioms-go/axiomsgen/internal/parse"
	"github.com/axioms-go/axiomsgen/internal/routers"
)

// The generated method tables, one per RPC library.
var rpcTables = []string{routers.GRPC.TableVar, routers.Connect.TableVar}

// rpcImports names the service packages the method tables refer to:
// import path → file-local name. It is called before the imports are
// printed.
func (r *renderer) rpcImports(taken map[string]bool) {
	r.svcName = map[string]string{}
	for _, h := range r.pkg.Methods {
		path := h.RPC.Service.Pkg.Path()
		if path == r.pkg.Pkg.PkgPath {
			r.svcName[path] = ""
			continue
		}
		if _, ok := r.svcName[path]; ok {
			continue
		}
		base := h.RPC.Service.Pkg.Name()
		name := base
		for i := 2; taken[name] || r.declared(name); i++ {
			name = base + strconv.Itoa(i)
		}
		taken[name] = true
		r.svcName[path] = name
	}
}

// printRPCImports prints the service packages' import lines.
func (r *renderer) printRPCImports() {
	seen := map[string]bool{}
	var lines []string
	for _, h := range r.pkg.Methods {
		s := h.RPC.Service
		path := s.Pkg.Path()
		if seen[path] || r.svcName[path] == "" {
			continue
		}
		seen[path] = true
		lines = append(lines, fmt.Sprintf("\t%s%q\n", alias(r.svcName[path], pathpkg.Base(path)), path))
	}
	for _, l := range lines {
		r.printf("%s", l)
	}
}

// qualified is name in the service package of h, as the generated file
// refers to it.
func (r *renderer) qualified(h *parse.Handler, name string) string {
	if q := r.svcName[h.RPC.Service.Pkg.Path()]; q != "" {
		return q + "." + name
	}
	return name
}

// claimRPC claims the names of the tables the package needs.
func (r *renderer) claimRPC(taken map[string]string) {
	for _, kind := range routers.RPCs {
		for _, h := range r.pkg.Methods {
			if h.RPC.Kind == kind {
				r.claim(r.pkg.Pkg.Types.Scope(), kind.TableVar, "the "+kind.Name+" method table", token.Position{}, taken)
				break
			}
		}
	}
}

// rpcTables prints the method tables, and the assertions that each type
// implements its service interface.
func (r *renderer) rpcTables() {
	for _, kind := range routers.RPCs {
		var hs []*parse.Handler
		for _, h := range r.pkg.Methods {
			if h.RPC.Kind == kind {
				hs = append(hs, h)
			}
		}
		if len(hs) == 0 {
			continue
		}
		guard := kind.Guard[strings.LastIndexByte(kind.Guard, '/')+1:]
		call := "ServerOptions"
		if kind == routers.Connect {
			call = "WithGuard"
		}
		r.printf("// %s lists this package's annotated %s methods and their\n", kind.TableVar, kind.Name)
		r.printf("// requirements, by full method name, for %s.%s, which\n", guard, call)
		r.printf("// refuses every method the table does not list.\n")
		r.printf("var %s = []%s.Route{\n", kind.TableVar, r.rt)
		for _, h := range hs {
			r.tableEntry(r.qualified(h, h.RPC.Const), h)
		}
		r.printf("}\n\n")
	}
	// One assertion per (type, interface): a method renamed in the .proto
	// breaks the constant above, a changed signature breaks this.
	type pair struct{ typ, iface string }
	seen := map[pair]bool{}
	var asserts []string
	for _, h := range r.pkg.Methods {
		// The pointer's method set holds every method: (*T)(nil)
		// compiles whichever receivers T's methods have.
		t := "(*" + h.Recv + ")(nil)"
		p := pair{t, r.qualified(h, h.RPC.Service.IfaceName())}
		if seen[p] {
			continue
		}
		seen[p] = true
		asserts = append(asserts, fmt.Sprintf("\t_ %s = %s\n", p.iface, p.typ))
	}
	r.printf("// The annotated types implement their service interfaces.\nvar (\n")
	for _, a := range asserts {
		r.printf("%s", a)
	}
	r.printf(")\n\n")
}

// rpcFile renders the generated file of a package that has annotated RPC
// methods and no HTTP handlers: the method tables alone.
func (r *renderer) rpcFile() ([]byte, []parse.Error) {
	scope := r.pkg.Pkg.Types.Scope()
	r.rt = r.importName("runtime", scope)
	taken := map[string]string{}
	r.claimRPC(taken)
	if len(r.errs) > 0 {
		return nil, r.errs
	}
	r.rpcImports(map[string]bool{r.rt: true})
	r.printf("%s\n%s -register=%s", Header, OptionsLine, r.opts.Register)
	if len(r.opts.Tags) > 0 {
		r.printf(" -tags=%s", strings.Join(r.opts.Tags, ","))
	}
	r.printf("\n\npackage %s\n\nimport (\n", r.pkg.Pkg.Name)
	r.printf("\t%s%q\n", alias(r.rt, "runtime"), parse.RuntimePath)
	r.printRPCImports()
	r.printf(")\n\n")
	r.rpcTables()
	return formatted(r.buf.Bytes()), nil
}

func formatted(src []byte) []byte {
	out, err := format.Source(src)
	if err != nil {
		panic(fmt.Sprintf("axiomsgen: generated code does not parse (a bug): %v\n%s", err, src))
	}
	return out
}
