// Command echo is a small items API on echo whose routes are guarded
// by axiomsgen's generated registrations (handlers.go, axioms_gen.go). It
// reads the AXIOMS_* environment variables; with -dev it starts an
// in-process test issuer on loopback instead and prints curl commands with
// tokens that pass and fail.
package main

import "github.com/axioms-go/axiomsgen/examples/demo"

func main() { demo.Main(demo.Example{Name: "echo", Routes: routes}) }
