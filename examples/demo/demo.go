// Package demo is what the examples share: the items domain (the store
// and the sample requests -dev prints), the server loop with its -dev
// issuer, and the printer of the sample requests. examples/api and the
// router examples (examples/chi, gorilla, gin, echo) all serve it; their
// shared end-to-end tests are in demo/demotest, so that the example
// binaries, which import demo, carry no test code. Each example keeps only
// what differs: its handlers with their //axioms: directives, and the
// router they are registered on. It is public so a copied example still
// builds against this module; it is support code for the examples, not
// an API to build on.
package demo

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

// Audience is the audience of the -dev issuer's tokens.
const Audience = "https://items.example.test"

// Example is one example server, as Main runs it.
type Example struct {
	// Name starts Main's error messages.
	Name string
	// Routes builds the guarded handler.
	Routes func(*runtime.Guard) http.Handler
	// Requests are the sample requests -dev prints (nil: Requests()).
	Requests []Request
	// Configure, when set, adjusts the guard's configuration once the
	// flags are parsed and the listener is open: base is the listener's
	// URL (http://host:port), dev whether the guard trusts the -dev
	// issuer. It returns what to close on exit, or nil.
	Configure func(cfg *runtime.Config, base string, dev bool) (io.Closer, error)
}

// SampleRequests are e.Requests, or Requests() when e names none.
func (e Example) SampleRequests() []Request {
	if e.Requests == nil {
		return Requests()
	}
	return e.Requests
}

// Main runs an example: it reads the AXIOMS_* environment variables, or
// with -dev starts an in-process test issuer on loopback and prints curl
// commands with tokens that pass and fail (the example's sample requests).
func Main(e Example) {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	dev := flag.Bool("dev", false, "start an embedded test issuer on loopback and print sample requests (never in production)")
	flag.Parse()
	if err := run(*addr, *dev, e); err != nil {
		fmt.Fprintln(os.Stderr, e.Name+":", err)
		os.Exit(1)
	}
}

func run(addr string, dev bool, e Example) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cfg, issuer, err := Config(dev, Audience)
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
	defer ln.Close()
	base := "http://" + ln.Addr().String()
	if e.Configure != nil {
		c, err := e.Configure(&cfg, base, dev)
		if err != nil {
			return err
		}
		if c != nil {
			defer c.Close()
		}
	}
	guard, err := runtime.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer guard.Close()

	slog.Info("serving", "url", base, "issuer", cfg.Issuer, "dev", dev)
	if issuer != nil {
		if err := PrintRequests(os.Stdout, issuer, base, e.SampleRequests()); err != nil {
			return err
		}
	}
	return Serve(ctx, ln, e.Routes(guard))
}

// Config is the guard's configuration: with dev, that of a test issuer
// started on loopback for audience (the caller closes it); otherwise the
// AXIOMS_* environment variables.
func Config(dev bool, audience string) (runtime.Config, *axiomstest.Issuer, error) {
	if dev {
		issuer, err := axiomstest.Start(axiomstest.WithAudience(audience))
		if err != nil {
			return runtime.Config{}, nil, fmt.Errorf("starting the dev issuer: %w", err)
		}
		return issuer.Config(), issuer, nil
	}
	cfg, err := runtime.ConfigFromEnv()
	if err != nil {
		return runtime.Config{}, nil, fmt.Errorf("%w\n(set the AXIOMS_* variables described in the README, or run with -dev for a local test issuer)", err)
	}
	return cfg, nil, nil
}

// Serve serves h on ln with bounded timeouts and header size until ctx
// ends, then shuts down gracefully (5 s at most).
func Serve(ctx context.Context, ln net.Listener, h http.Handler) error {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
