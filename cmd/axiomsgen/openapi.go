package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/axioms-go/axiomsgen/internal/atomicfile"
	"github.com/axioms-go/axiomsgen/internal/check"
	"github.com/axioms-go/axiomsgen/internal/openapi"
	"github.com/axioms-go/axiomsgen/internal/report"
)

func runOpenAPI(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("axiomsgen openapi", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c common
	c.register(fs)
	out := fs.String("o", "", "write the document to this file instead of standard output")
	format := fs.String("format", "yaml", "output format: yaml or json")
	merge := fs.String("merge", "", "update this existing document in place: only the security of the operations it shares with the code, their guard responses and the security schemes")
	var opts openapi.Options
	fs.StringVar(&opts.Issuer, "issuer", "", "issuer URL: the token scheme is openIdConnect, with the issuer's /.well-known/openid-configuration")
	fs.StringVar(&opts.TokenURL, "token-url", "", "token endpoint: the token scheme is oauth2 with the client-credentials flow (and authorization-code with -authorization-url)")
	fs.StringVar(&opts.AuthorizationURL, "authorization-url", "", "authorization endpoint of the oauth2 scheme")
	fs.StringVar(&opts.Scheme, "scheme", "", "name of the token scheme in components.securitySchemes (default oidc, oauth2 or bearer after its type)")
	fs.StringVar(&opts.Title, "title", "", "info.title (default: the name of the first package)")
	fs.StringVar(&opts.Version, "version", "", "info.version (default 0.0.0)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: axiomsgen openapi [-o file] [-format yaml|json] [-merge spec.yaml] [-issuer url | -token-url url] [packages]\n\nWrites an OpenAPI 3.1 document of the routes and their guards.\n\nflags:\n")
		fs.PrintDefaults()
	}
	if code, ok := parseFlags(fs, args); !ok {
		return code
	}
	if *format != "yaml" && *format != "json" {
		fmt.Fprintf(stderr, "axiomsgen openapi: unknown -format %q: use yaml or json\n", *format)
		return exitUsage
	}
	if *merge != "" && (*out != "" || *format != "yaml") {
		fmt.Fprintf(stderr, "axiomsgen openapi: -merge updates its file in place: leave out -o and -format\n")
		return exitUsage
	}
	res, err := check.Report(ctx, c.options(), fs.Args()...)
	if code, ok := printError(err, stderr); !ok {
		return code
	}
	printBroken(stderr, "openapi", res.Broken)
	doc := openapi.New(res.Routes, res.Packages, res.Root, opts)
	for _, s := range doc.Skipped {
		fmt.Fprintf(stderr, "%s\n", s)
	}
	if *merge != "" {
		return mergeOpenAPI(*merge, doc, stderr)
	}
	content := doc.YAML()
	if *format == "json" {
		if content, err = doc.JSON(); err != nil {
			fmt.Fprintf(stderr, "axiomsgen openapi: %v\n", err)
			return exitUsage
		}
	}
	if *out == "" {
		if _, err := stdout.Write(content); err != nil {
			fmt.Fprintf(stderr, "axiomsgen openapi: %v\n", err)
			return exitUsage
		}
		return exitOK
	}
	if err := atomicfile.Write(*out, content); err != nil {
		fmt.Fprintf(stderr, "axiomsgen openapi: %v\n", err)
		return exitUsage
	}
	return exitOK
}

// driftFindings compares the document at file with the analysed routes.
func driftFindings(file string, res *check.Result) ([]report.Finding, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, openapi.MaxSpecSize+1))
	if err != nil {
		return nil, err
	}
	name := file
	if abs, err := filepath.Abs(file); err == nil {
		name = report.Relative(res.Root, abs)
	}
	return openapi.Drift(data, name, res.Routes, res.Root)
}

// mergeOpenAPI updates the document at file in place and lists on
// stderr the operations only one side has.
func mergeOpenAPI(file string, doc *openapi.Document, stderr io.Writer) int {
	data, err := os.ReadFile(file)
	if err != nil {
		fmt.Fprintf(stderr, "axiomsgen openapi: -merge: %v\n", err)
		return exitUsage
	}
	m, err := doc.Merge(data)
	if err != nil {
		fmt.Fprintf(stderr, "axiomsgen openapi: -merge %s: %v\n", file, err)
		return exitUsage
	}
	for _, op := range m.CodeOnly {
		fmt.Fprintf(stderr, "%s: %s: served by the code, not in the document (not added)\n", file, op)
	}
	for _, op := range m.SpecOnly {
		fmt.Fprintf(stderr, "%s: %s: in the document, no route serves it (left as it is)\n", file, op)
	}
	if err := atomicfile.Write(file, m.Content); err != nil {
		fmt.Fprintf(stderr, "axiomsgen openapi: -merge: %v\n", err)
		return exitUsage
	}
	return exitOK
}
