// Command chi is a small items API on chi whose routes are guarded
// by axiomsgen's generated registrations (handlers.go, axioms_gen.go). It
// reads the AXIOMS_* environment variables; with -dev it starts an
// in-process test issuer on loopback instead and prints curl commands with
// tokens that pass and fail. With -redis, replicas of it share the DPoP
// replay store and server nonces through that Redis.
package main

import (
	"flag"
	"io"

	"github.com/axioms-go/axiomsgen/examples/demo"
	"github.com/axioms-go/axiomsgen/redisstore"
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/redis/go-redis/v9"
)

func main() {
	redisURL := flag.String("redis", "", "share DPoP replays and nonces with the other replicas through this Redis, e.g. redis://localhost:6379/0")
	demo.Main(demo.Example{Name: "chi", Routes: routes, Configure: func(cfg *runtime.Config, _ string, _ bool) (io.Closer, error) {
		if *redisURL == "" {
			return nil, nil
		}
		opts, err := redis.ParseURL(*redisURL)
		if err != nil {
			return nil, err
		}
		store := redisstore.Dial(opts, redisstore.Options{})
		cfg.DPoPReplay = store
		cfg.DPoPNonces = store
		return store, nil
	}})
}
