// Command api is a small items API whose routes are guarded by the axioms
// runtime. It reads the AXIOMS_* environment variables; with -dev it starts
// an in-process test issuer on loopback instead and prints curl commands
// with tokens that pass and fail.
package main

//go:generate go run github.com/axioms-go/axiomsgen/cmd/axiomsgen openapi -o openapi.yaml

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"github.com/axioms-go/axiomsgen/examples/demo"
	"github.com/axioms-go/axiomsgen/runtime"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	dev := flag.Bool("dev", false, "start an embedded test issuer on loopback and print sample tokens (never in production)")
	flag.Parse()
	if err := run(*addr, *dev); err != nil {
		fmt.Fprintln(os.Stderr, "api:", err)
		os.Exit(1)
	}
}

func run(addr string, dev bool) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cfg, issuer, err := demo.Config(dev, devAudience)
	if err != nil {
		return err
	}
	if issuer != nil {
		defer issuer.Close()
	}

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	if dev {
		// DPoP proofs name the URL the client calls: here, this listener;
		// and it is the resource whose metadata the API serves.
		cfg.DPoPBaseURL = base
		cfg.Resource = base
	}
	guard, err := runtime.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer guard.Close()

	slog.Info("serving", "url", base, "issuer", cfg.Issuer, "dev", dev)
	if issuer != nil {
		if err := printDevTokens(os.Stdout, issuer, base); err != nil {
			return err
		}
	}
	return demo.Serve(ctx, ln, routes(guard, NewServer()))
}
