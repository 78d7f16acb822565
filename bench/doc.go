// Package bench compares a guarded request through the axioms runtime
// with the Go peers that validate JWTs against a JWKS, on the same keys,
// token and handler. It is its own module so that the peers never enter
// the main module's dependencies.
package bench
