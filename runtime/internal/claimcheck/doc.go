// Package claimcheck holds the rules a token's registered claims must
// meet (exp, nbf, iat, iss, aud) and the time rules every path that
// accepts a token shares: a JWT's claims, an introspection answer and a
// verified-token cache hit.
//
// # What it replaces, and why it stays
//
// Registered.Validate applies the rules of golang-jwt's Validator with
// the options the runtime would give it (WithIssuer, WithAudience,
// WithExpirationRequired, WithIssuedAt, WithLeeway) and returns the same
// error values, without the Validator's interface calls and allocation.
// With the Validator in its place, a cache-off guarded request takes
// about 1.2 % longer for RS256 (one more allocation): under the 3 % a
// piece of hand-written code must save, but the RS256 guard sits on its
// 1.10 target and does not stay there without it; docs/BENCHMARKS.md,
// "Hand-written code, measured", has the figures and the command.
//
// # Rules
//
// With the leeway l, a token is usable at now while now < exp + l, and
// from nbf - l on; a JWT whose iat is later than now + l is not usable
// yet. A date claim is a JSON number of seconds within ±2^53 (a date
// beyond it would wrap when converted to a time); 0 is an absent date.
// exp is required. exp, nbf, iat, iss and aud of the wrong type (null
// included) are invalid; sub is read but no rule checks it. With an expected issuer, iss must equal it; with expected
// audiences, aud (a string or an array of strings) must hold one of
// them.
//
// # How it is held to the library
//
// FuzzValidate gives golang-jwt's Validator the payload as jwt.MapClaims
// and the same payload as a Registered (read the way the runtime reads
// it), and requires the same verdict, the same error text and the same
// errors.Is matches, for any payload, time and leeway. It runs in CI
// from a committed seed corpus (testdata/fuzz).
package claimcheck
