package main

import (
	"testing"

	"github.com/axioms-go/axiomsgen/examples/demo"
)

// TestAPI sends the sample requests (pass, 401, 403), path parameters,
// claims and typed claims through the real echo router and the
// generated registrations.
func TestAPI(t *testing.T) { demo.Test(t, routes, AxiomsRoutes) }
