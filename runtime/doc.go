// Package runtime guards HTTP handlers with OAuth2/OIDC access tokens: it
// validates JWTs against the issuer's JSON Web Key Set, checks the route's
// scope, role and permission requirement, and answers rejected requests as
// RFC 6750 says.
//
// Generated code from cmd/axiomsgen compiles against this package; it can
// equally be used by hand through Guard.Handler, Guard.Middleware and
// Guard.Authorize. It depends on no router.
package runtime
