// Command axiomsgen generates guarded route registrations from //axioms:
// directives on HTTP handlers (and method tables for gRPC and Connect
// services), reports every route's guard status, and probes a running
// service's guards.
//
// Usage:
//
//	axiomsgen [-output axioms_gen.go] [-register RegisterRoutes] [-router net/http|chi|gorilla|gin|echo] [-tags a,b] [-v] [packages]
//	axiomsgen report [-format text|json|markdown|sarif|html] [-o file] [-trust pkg.Func] [packages]
//	axiomsgen check [-json] [-strict] [-trust pkg.Func] [-require-dpop kinds] [-openapi spec.yaml] [packages]
//	axiomsgen openapi [-o file] [-format yaml|json] [-merge spec.yaml] [-issuer url] [packages]
//	axiomsgen probe -url http://127.0.0.1:8080 [-issuer URL] [-param name=value] [-base-url URL] [-allow-non-loopback] [-v] [packages]
//
// With no packages it processes the current directory, which is what
// //go:generate needs. Exit status: 0 success, 1 annotation errors
// (printed as file:line:col: message, nothing written), 2 usage errors or
// packages that do not load.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/axioms-go/axiomsgen/internal/gen"
	"github.com/axioms-go/axiomsgen/internal/parse"
	"github.com/axioms-go/axiomsgen/internal/report"
)

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

// Exit statuses.
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "report":
			return runReport(ctx, args[1:], stdout, stderr)
		case "check":
			return runCheck(ctx, args[1:], stdout, stderr)
		case "openapi":
			return runOpenAPI(ctx, args[1:], stdout, stderr)
		case "probe":
			return runProbe(ctx, args[1:], stdout, stderr)
		case "generate":
			args = args[1:]
		}
	}
	return generate(ctx, args, stdout, stderr)
}

func generate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("axiomsgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	output := fs.String("output", gen.DefaultOutput, "name of the generated file in each package")
	register := fs.String("register", gen.DefaultRegister, "name of the generated registration function")
	tags := fs.String("tags", "", "comma-separated build tags used to load the packages")
	router := fs.String("router", "", "router of the generated RegisterRoutes: net/http, chi, gorilla, gin or echo (default: inferred per package from the handlers' signatures and imports; recorded in the generated file)")
	verbose := fs.Bool("v", false, "print each file written or removed")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: axiomsgen [flags] [packages]\n       axiomsgen report [-format text|json|markdown|sarif|html] [-o file] [-trust pkg.Func] [packages]\n       axiomsgen check [-json] [-strict] [-trust pkg.Func] [-require-dpop kinds] [-openapi spec.yaml] [packages]\n       axiomsgen openapi [flags] [packages]\n       axiomsgen probe -url URL [flags] [packages]\n\nGenerates guarded route registrations from //axioms: directives.\nreport lists every route with its guard status and what is wrong; check fails (exit 1) on it;\nopenapi writes an OpenAPI document of the routes; probe tests a running -dev service's guards.\nRun axiomsgen <command> -h for a command's flags.\n\nflags:\n")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	opts := gen.Options{Output: *output, Register: *register, Router: parse.Router(*router)}
	if *tags != "" {
		opts.Tags = strings.Split(*tags, ",")
	}
	plan, err := gen.Generate(ctx, opts, fs.Args()...)
	if code, ok := printError(err, stderr); !ok {
		return code
	}
	changed, err := plan.Write()
	if *verbose {
		for _, p := range changed {
			fmt.Fprintln(stdout, relative(p))
		}
	}
	if err != nil {
		fmt.Fprintf(stderr, "axiomsgen: writing: %v\n", err)
		return exitUsage
	}
	return exitOK
}

// parseFlags parses a subcommand's flags; ok is false when the command
// must stop with code (0 after -h, 2 on a bad flag, whose message the
// flag package has printed).
func parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return exitOK, true
	case errors.Is(err, flag.ErrHelp):
		return exitOK, false
	default:
		return exitUsage, false
	}
}

// printError prints a Generate error and returns its exit status; ok is true
// when there was none.
func printError(err error, stderr io.Writer) (code int, ok bool) {
	var findings gen.Findings
	var loadErr *gen.LoadError
	switch {
	case err == nil:
		return exitOK, true
	case errors.As(err, &findings):
		for _, f := range findings {
			fmt.Fprintf(stderr, "%s:%d:%d: %s\n", relative(f.Pos.Filename), f.Pos.Line, f.Pos.Column, f.Msg)
		}
		return exitFindings, false
	case errors.As(err, &loadErr):
		fmt.Fprintf(stderr, "axiomsgen: %s\n", loadErr.Msg)
		return exitUsage, false
	default:
		fmt.Fprintf(stderr, "axiomsgen: %v\n", err)
		return exitUsage, false
	}
}

// relative shortens path against the working directory when it is below it.
func relative(path string) string {
	wd, err := os.Getwd()
	if err != nil {
		return path
	}
	return report.Relative(wd, path)
}
