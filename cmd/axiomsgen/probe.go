package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/axioms-go/axiomsgen/internal/gen"
	"github.com/axioms-go/axiomsgen/internal/parse"
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

// runProbe runs the auth matrix of the packages' routes against a service
// running in -dev mode, with tokens from its dev issuer.
func runProbe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("axiomsgen probe", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var svc axiomstest.Service
	var params listFlag
	fs.StringVar(&svc.URL, "url", "", "base `URL` of the running service (required), e.g. http://127.0.0.1:8080")
	fs.StringVar(&svc.Issuer, "issuer", "", "`URL` of the service's dev issuer, as it prints it in -dev mode (default: the first authorization server of the service's RFC 9728 metadata)")
	fs.BoolVar(&svc.AllowNonLoopback, "allow-non-loopback", false, "let -url and -issuer name hosts other than loopback: only for a staging network of its own, never production")
	base := fs.String("base-url", "", "the service's external `URL` that DPoP proofs must name, its DPoPBaseURL (default: -url)")
	fs.Var(&params, "param", "`name=value` of a path parameter in every route (repeatable; default 1, or a value its regexp accepts)")
	tags := fs.String("tags", "", "comma-separated build tags used to load the packages")
	output := fs.String("output", gen.DefaultOutput, "name of the generated file in each package")
	verbose := fs.Bool("v", false, "print every case of every route, not only failures")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: axiomsgen probe -url http://127.0.0.1:8080 [-issuer URL] [-param name=value] [-v] [packages]\n\n"+
			"Sends the auth matrix of every annotated route of the packages to a service running\n"+
			"in -dev mode, with tokens from its dev issuer. Never point it at production.\n\nflags:\n")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if svc.URL == "" {
		fmt.Fprintln(stderr, "axiomsgen probe: -url is required: the base URL of a service started in -dev mode")
		return exitUsage
	}
	var opts []axiomstest.ProbeOption
	for _, p := range params {
		name, value, ok := strings.Cut(p, "=")
		if !ok || name == "" {
			fmt.Fprintf(stderr, "axiomsgen probe: -param %q: want name=value\n", p)
			return exitUsage
		}
		opts = append(opts, axiomstest.WithParam(name, value))
	}
	if *base != "" {
		opts = append(opts, axiomstest.WithProbeBaseURL(*base))
	}

	gopts := gen.Options{Output: *output}
	if *tags != "" {
		gopts.Tags = strings.Split(*tags, ",")
	}
	routes, positions, code := loadRoutes(ctx, gopts, fs.Args(), stderr)
	if code != exitOK {
		return code
	}
	results, err := svc.Matrix(ctx, routes, opts...)
	if err != nil {
		fmt.Fprintf(stderr, "axiomsgen probe: %v\n", err)
		switch {
		case errors.Is(err, axiomstest.ErrNotLoopback):
			fmt.Fprintln(stderr, "(-allow-non-loopback allows it, for a staging network of its own only)")
		case errors.Is(err, axiomstest.ErrNoIssuer):
			fmt.Fprintln(stderr, "(pass it with -issuer)")
		}
		return exitUsage
	}

	var failures []string
	routeOf := map[string]runtime.Route{}
	for _, r := range routes {
		routeOf[r.Pattern] = r
	}
	last := ""
	for _, r := range results {
		if !r.OK {
			failures = append(failures, fmt.Sprintf("%s: %s: %s", positions[r.Route], r.Route, r))
		}
		if !*verbose {
			continue
		}
		if r.Route != last {
			req := "public"
			if rt := routeOf[r.Route]; !rt.Public {
				req = rt.Requirement.String()
			}
			fmt.Fprintf(stdout, "%s  %s\n", r.Route, req)
			last = r.Route
		}
		mark, code := "ok", r.Code
		if !r.OK {
			mark = "FAIL"
		}
		if code == "" {
			code = "-"
		}
		fmt.Fprintf(stdout, "\t%-4s %d %-34s %s %s  %s\n", mark, r.Status, code, r.Method, r.Path, r.Case)
	}
	dpopRefused := false
	for _, r := range results {
		dpopRefused = dpopRefused || (!r.OK && r.Code == "invalid_dpop_proof")
	}
	for _, f := range failures {
		fmt.Fprintln(stdout, f)
	}
	if dpopRefused {
		fmt.Fprintln(stdout, "axiomsgen probe: the guard refused DPoP proofs: they name -url (or -base-url), which must be the guard's DPoPBaseURL exactly (host and port as the service prints them)")
	}
	failed := len(failures)
	if failed > 0 {
		fmt.Fprintf(stdout, "axiomsgen probe: FAIL: %d of %d cases on %d routes\n", failed, len(results), len(routes))
		return exitFindings
	}
	fmt.Fprintf(stdout, "axiomsgen probe: ok: %d cases on %d routes\n", len(results), len(routes))
	return exitOK
}

// loadRoutes reads the packages' directives and returns their HTTP routes
// as the generated AxiomsRoutes tables list them, in package and source
// order, with each handler's position (file:line:col) by pattern.
func loadRoutes(ctx context.Context, opts gen.Options, patterns []string, stderr io.Writer) ([]runtime.Route, map[string]string, int) {
	pkgs, err := gen.Load(ctx, opts, patterns...)
	if code, ok := printError(err, stderr); !ok {
		return nil, nil, code
	}
	parsed, findings := gen.Parse(pkgs, opts)
	if len(findings) > 0 {
		// The directives say what to probe: they must be right first.
		printError(findings, stderr)
		return nil, nil, exitUsage
	}
	var routes []runtime.Route
	positions := map[string]string{}
	methods := 0
	for _, p := range parsed {
		methods += len(p.Methods)
		for _, h := range p.Handlers {
			for _, rt := range h.Routes {
				r := runtime.Route{Pattern: rt.Pattern, Handler: h.Display(), Public: h.Public,
					Position: fmt.Sprintf("%s:%d:%d", filepath.Base(h.Pos.Filename), h.Pos.Line, h.Pos.Column)}
				if !h.Public {
					r.Requirement = requirement(h.Requirement())
				}
				routes = append(routes, r)
				positions[rt.Pattern] = fmt.Sprintf("%s:%d:%d", relative(h.Pos.Filename), h.Pos.Line, h.Pos.Column)
			}
		}
	}
	// gRPC and Connect methods are not HTTP routes the prober can call
	// with a bare request: say so rather than pass over them in silence.
	skipped := ""
	if methods > 0 {
		skipped = fmt.Sprintf("%d annotated gRPC and Connect %s not probed (probe calls //axioms:route routes over HTTP)", methods, map[bool]string{true: "method is", false: "methods are"}[methods == 1])
	}
	if len(routes) == 0 {
		if skipped != "" {
			skipped = "; " + skipped
		}
		fmt.Fprintf(stderr, "axiomsgen probe: nothing to probe: the packages %s have no //axioms:route directive%s\n", strings.Join(patterns, " "), skipped)
		return nil, nil, exitUsage
	}
	if skipped != "" {
		fmt.Fprintf(stderr, "axiomsgen probe: %s\n", skipped)
	}
	return routes, positions, exitOK
}

// requirement is the runtime's value of a parsed requirement.
func requirement(r parse.Requirement) runtime.Requirement {
	return runtime.Requirement{Scopes: r.Scopes, Roles: r.Roles, Permissions: r.Permissions,
		Authenticated: r.Authenticated, DPoP: r.DPoP, ACR: r.ACR, MaxAge: r.MaxAge}
}
