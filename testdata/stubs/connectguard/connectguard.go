// Package connectguard is a stand-in for axiomsgen's Connect guard
// module: its exported API, without behaviour, against the connect
// stand-in.
package connectguard

import (
	"connectrpc.com/connect"
	"github.com/axioms-go/axiomsgen/runtime"
)

type Option func()

func Allow(names ...string) Option { return nil }
func WithGuard(g *runtime.Guard, procedures []runtime.Route, opts ...Option) connect.HandlerOption {
	return nil
}
func NewInterceptor(g *runtime.Guard, procedures []runtime.Route, opts ...Option) connect.Interceptor {
	return nil
}
