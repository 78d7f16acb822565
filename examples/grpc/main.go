// Command grpc serves the example ItemService twice, with grpc-go on -grpc
// and with Connect on -addr (HTTP/1.1 and cleartext HTTP/2), every method
// guarded by the //axioms: directives on its implementation (items/). It
// reads the AXIOMS_* environment variables; with -dev it starts an
// in-process test issuer on loopback instead and prints calls with tokens
// that pass and fail: gRPC ones through the small client in ./client,
// Connect ones with curl.
package main

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

	"github.com/axioms-go/axiomsgen/examples/demo"
	"github.com/axioms-go/axiomsgen/examples/grpc/items"
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "Connect (HTTP) listen address")
	grpcAddr := flag.String("grpc", "127.0.0.1:9090", "gRPC listen address")
	dev := flag.Bool("dev", false, "start an embedded test issuer on loopback and print sample calls (never in production)")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr, *grpcAddr, *dev, os.Stdout, nil); err != nil {
		fmt.Fprintln(os.Stderr, "grpc:", err)
		os.Exit(1)
	}
}

// run serves until ctx ends. ready, when set, gets the two listeners'
// addresses once both listen (for tests).
func run(ctx context.Context, addr, grpcAddr string, dev bool, out io.Writer, ready func(connect, grpc string)) error {
	cfg, issuer, err := demo.Config(dev, demo.Audience)
	if err != nil {
		return err
	}
	if issuer != nil {
		defer issuer.Close()
	}
	httpLn, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	defer httpLn.Close()
	grpcLn, err := net.Listen("tcp", grpcAddr)
	if err != nil {
		return err
	}
	defer grpcLn.Close()
	base := "http://" + httpLn.Addr().String()
	if dev {
		// DPoP proofs name the URL the client calls.
		cfg.DPoPBaseURL = base
	}
	guard, err := runtime.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer guard.Close()

	store := items.NewStore()
	gs := items.NewGRPCServer(guard, store)
	hs := &http.Server{
		Handler:           items.NewConnectHandler(guard, store),
		ReadHeaderTimeout: 5 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    64 << 10,
		Protocols:         new(http.Protocols),
	}
	hs.Protocols.SetHTTP1(true)
	hs.Protocols.SetUnencryptedHTTP2(true) // Connect streams and gRPC clients over cleartext

	slog.Info("serving", "connect", base, "grpc", grpcLn.Addr().String(), "issuer", cfg.Issuer, "dev", dev)
	if issuer != nil {
		if err := printCalls(out, issuer, base, grpcLn.Addr().String()); err != nil {
			return err
		}
	}
	errc := make(chan error, 2)
	go func() { errc <- gs.Serve(grpcLn) }()
	go func() { errc <- hs.Serve(httpLn) }()
	if ready != nil {
		ready(base, grpcLn.Addr().String())
	}
	select {
	case err = <-errc:
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	stopped := make(chan struct{})
	go func() { gs.GracefulStop(); close(stopped) }()
	if serr := hs.Shutdown(shutdown); serr != nil && !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	select {
	case <-stopped:
	case <-shutdown.Done():
		gs.Stop()
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// Call is one sample call -dev prints, with the answer it gets.
type Call struct {
	What    string
	Connect bool   // a Connect call with curl; otherwise gRPC with ./client
	Method  string // the RPC
	Arg     string // the item id, for GetItem and DeleteItem
	Token   []axiomstest.TokenOption
	DPoP    bool   // a DPoP-bound token with its proof (Connect only)
	Want    string // the gRPC status code, or the HTTP status for Connect
}

// Calls are the sample calls: passes, Unauthenticated and PermissionDenied.
func Calls() []Call {
	tok := func(opts ...axiomstest.TokenOption) []axiomstest.TokenOption {
		return append([]axiomstest.TokenOption{axiomstest.WithExpiresIn(time.Hour), axiomstest.WithSubject("alice")}, opts...)
	}
	return []Call{
		{What: "public ping", Method: "Ping", Want: "OK"},
		{What: "no token", Method: "GetItem", Arg: "1", Want: "Unauthenticated"},
		{What: "reader gets item 1", Method: "GetItem", Arg: "1", Token: tok(axiomstest.WithScopes("read:items")), Want: "OK"},
		{What: "token without the scope", Method: "GetItem", Arg: "1", Token: tok(axiomstest.WithScopes("profile")), Want: "PermissionDenied"},
		{What: "reader lists items (server stream)", Method: "ListItems", Token: tok(axiomstest.WithScopes("read:items")), Want: "OK"},
		{What: "editor uploads (client stream)", Method: "UploadItems", Token: tok(axiomstest.WithScopes("write:items"), axiomstest.WithRoles("editor")), Want: "OK"},
		{What: "write scope without the editor role", Method: "UploadItems", Token: tok(axiomstest.WithScopes("write:items")), Want: "PermissionDenied"},
		{What: "sync (bidi stream)", Method: "SyncItems", Token: tok(axiomstest.WithPermissions("items:sync")), Want: "OK"},
		{What: "expired token", Method: "WhoAmI", Token: tok(axiomstest.WithExpiresIn(-time.Hour)), Want: "Unauthenticated"},
		{What: "who am I", Connect: true, Method: "WhoAmI", Token: tok(), Want: "200"},
		{What: "no token", Connect: true, Method: "GetItem", Arg: "1", Want: "401"},
		{What: "token without the scope", Connect: true, Method: "GetItem", Arg: "1", Token: tok(axiomstest.WithScopes("profile")), Want: "403"},
		{What: "a bearer token where DPoP is required", Connect: true, Method: "DeleteItem", Arg: "2", Token: tok(axiomstest.WithPermissions("items:delete")), Want: "401"},
		{What: "DPoP-bound token with its proof (the proof works once, for 5 minutes)", Connect: true, Method: "DeleteItem", Arg: "2", Token: tok(axiomstest.WithPermissions("items:delete")), DPoP: true, Want: "200"},
	}
}

// Request is a Call's token, DPoP proof and JSON body, ready to send to
// the servers at base (Connect) or over gRPC.
type Request struct {
	Call
	URL, Body, Token, Proof string
}

// Requests mints each Call's token (and proof) with iss.
func Requests(iss *axiomstest.Issuer, base string) ([]Request, error) {
	var out []Request
	for _, c := range Calls() {
		r := Request{Call: c, URL: base + "/items.v1.ItemService/" + c.Method, Body: "{}"}
		if c.Arg != "" {
			r.Body = fmt.Sprintf(`{"id":%q}`, c.Arg)
		}
		opts := c.Token
		var key *axiomstest.DPoPKey
		if c.DPoP {
			var err error
			if key, err = axiomstest.NewDPoPKey("ES256"); err != nil {
				return nil, err
			}
			opts = append(opts, axiomstest.WithDPoPKey(key))
		}
		if opts != nil {
			tok, err := iss.Mint(opts...)
			if err != nil {
				return nil, err
			}
			r.Token = tok
		}
		if key != nil {
			p, err := key.Proof(http.MethodPost, r.URL, r.Token)
			if err != nil {
				return nil, err
			}
			r.Proof = p
		}
		out = append(out, r)
	}
	return out, nil
}

// printCalls prints the sample calls.
func printCalls(w io.Writer, iss *axiomstest.Issuer, base, grpcAddr string) error {
	reqs, err := Requests(iss, base)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\nDev issuer %s (tokens valid for 1h; never use -dev in production)\n\n", iss.URL())
	for _, r := range reqs {
		if !r.Connect {
			fmt.Fprintf(w, "# gRPC: %s (%s)\ngo run ./client -addr %s", r.What, r.Want, grpcAddr)
			if r.Token != "" {
				fmt.Fprintf(w, " -token %s", r.Token)
			}
			fmt.Fprintf(w, " %s", r.Method)
			if r.Arg != "" {
				fmt.Fprintf(w, " %s", r.Arg)
			}
			fmt.Fprint(w, "\n\n")
			continue
		}
		fmt.Fprintf(w, "# Connect: %s (%s)\ncurl -i -X POST -H 'Content-Type: application/json'", r.What, r.Want)
		switch {
		case r.Proof != "":
			fmt.Fprintf(w, " -H 'Authorization: DPoP %s' -H 'DPoP: %s'", r.Token, r.Proof)
		case r.Token != "":
			fmt.Fprintf(w, " -H 'Authorization: Bearer %s'", r.Token)
		}
		fmt.Fprintf(w, " -d '%s' %s\n\n", r.Body, r.URL)
	}
	return nil
}
