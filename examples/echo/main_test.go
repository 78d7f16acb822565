package main

import (
	"testing"

	"github.com/axioms-go/axiomsgen/examples/demo"
	"github.com/axioms-go/axiomsgen/examples/demo/demotest"
)

// TestAPI sends the sample requests (pass, 401, 403), path parameters,
// claims and typed claims through the real echo router and the
// generated registrations.
func TestAPI(t *testing.T) { demotest.Test(t, demo.Example{Routes: routes}, AxiomsRoutes) }
