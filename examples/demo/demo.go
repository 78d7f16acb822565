// Package demo is what the examples share: the server loop, and for the
// router examples (examples/chi, gorilla, gin, echo) the notes store, the
// -dev issuer and the sample requests; their shared end-to-end tests are
// in demo/demotest. Each router
// example keeps only what differs: its handlers with their //axioms:
// directives, and the router they are registered on. It is public so a
// copied example still builds against this module; it is support code for
// the examples, not an API to build on.
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
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

// Audience is the audience of the -dev issuer's tokens.
const Audience = "https://notes.example.test"

// Note is one stored note.
type Note struct {
	ID    string `json:"id"`
	Text  string `json:"text"`
	Owner string `json:"owner"`
}

// Store is an in-memory note store, safe for concurrent use.
type Store struct {
	mu    sync.Mutex
	next  int
	notes map[string]Note
}

// NewStore returns a store holding two notes, "1" and "2".
func NewStore() *Store {
	return &Store{next: 3, notes: map[string]Note{"1": {"1", "hello", "seed"}, "2": {"2", "world", "seed"}}}
}

// Get returns a note.
func (s *Store) Get(id string) (Note, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n, ok := s.notes[id]
	return n, ok
}

// Add stores a note owned by owner.
func (s *Store) Add(text, owner string) Note {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := Note{ID: strconv.Itoa(s.next), Text: text, Owner: owner}
	s.next++
	s.notes[n.ID] = n
	return n
}

// Remove deletes a note and reports whether it existed.
func (s *Store) Remove(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.notes[id]
	delete(s.notes, id)
	return ok
}

// Request is one sample request -dev prints, with the status it gets.
type Request struct {
	What, Method, Path, Body string
	Token                    []axiomstest.TokenOption // nil: no Authorization header
	Status                   int
}

// Requests are the sample requests: passes, 401s and 403s.
func Requests() []Request {
	tok := func(opts ...axiomstest.TokenOption) []axiomstest.TokenOption {
		return append([]axiomstest.TokenOption{axiomstest.WithExpiresIn(time.Hour), axiomstest.WithSubject("alice")}, opts...)
	}
	return []Request{
		{"public health check", "GET", "/healthz", "", nil, 200},
		{"no token", "GET", "/notes/1", "", nil, 401},
		{"reader reads note 1", "GET", "/notes/1", "", tok(axiomstest.WithScopes("read:notes")), 200},
		{"token without the scope", "GET", "/notes/1", "", tok(axiomstest.WithScopes("profile")), 403},
		{"editor writes a note", "POST", "/notes", `{"text":"buy milk"}`, tok(axiomstest.WithScopes("write:notes"), axiomstest.WithRoles("editor")), 201},
		{"write scope without the editor role", "POST", "/notes", `{"text":"buy milk"}`, tok(axiomstest.WithScopes("write:notes")), 403},
		{"admin deletes note 2", "DELETE", "/notes/2", "", tok(axiomstest.WithPermissions("notes:delete")), 204},
		{"my tenant (typed claims)", "GET", "/tenant", "", tok(axiomstest.WithClaim("tenant", "acme")), 200},
		{"expired token", "GET", "/notes/1", "", tok(axiomstest.WithScopes("read:notes"), axiomstest.WithExpiresIn(-time.Hour)), 401},
	}
}

// PrintRequests prints the sample requests as curl commands against base.
func PrintRequests(w io.Writer, iss *axiomstest.Issuer, base string) error {
	fmt.Fprintf(w, "\nDev issuer %s (tokens valid for 1h; never use -dev in production)\n\n", iss.URL())
	for _, d := range Requests() {
		fmt.Fprintf(w, "# %s (%d)\ncurl -i -X %s", d.What, d.Status, d.Method)
		if d.Token != nil {
			tok, err := iss.Mint(d.Token...)
			if err != nil {
				return err
			}
			fmt.Fprintf(w, " -H 'Authorization: Bearer %s'", tok)
		}
		if d.Body != "" {
			fmt.Fprintf(w, " -H 'Content-Type: application/json' -d '%s'", d.Body)
		}
		fmt.Fprintf(w, " %s%s\n\n", base, d.Path)
	}
	return nil
}

// Main runs an example: it reads the AXIOMS_* environment variables, or
// with -dev starts an in-process test issuer on loopback and prints curl
// commands with tokens that pass and fail; routes builds the guarded
// router. Each configure func, run after the flags are parsed, may adjust
// the guard's configuration (a shared DPoP store, say) and return what to
// close on exit (or nil).
func Main(name string, routes func(*runtime.Guard) http.Handler, configure ...func(*runtime.Config) (io.Closer, error)) {
	addr := flag.String("addr", "127.0.0.1:8080", "listen address")
	dev := flag.Bool("dev", false, "start an embedded test issuer on loopback and print sample requests (never in production)")
	flag.Parse()
	if err := run(*addr, *dev, routes, configure); err != nil {
		fmt.Fprintln(os.Stderr, name+":", err)
		os.Exit(1)
	}
}

func run(addr string, dev bool, routes func(*runtime.Guard) http.Handler, configure []func(*runtime.Config) (io.Closer, error)) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	cfg, issuer, err := Config(dev, Audience)
	if err != nil {
		return err
	}
	if issuer != nil {
		defer issuer.Close()
	}
	for _, f := range configure {
		c, err := f(&cfg)
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

	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	slog.Info("serving", "url", base, "issuer", cfg.Issuer, "dev", dev)
	if issuer != nil {
		if err := PrintRequests(os.Stdout, issuer, base); err != nil {
			return err
		}
	}
	return Serve(ctx, ln, routes(guard))
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
