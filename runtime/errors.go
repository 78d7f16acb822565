package runtime

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The kinds of rejection. Every error returned by Guard.Authorize matches
// exactly one of them with errors.Is, and carries an *Error with details.
var (
	// ErrNoToken: the request carries no bearer credentials (401).
	ErrNoToken = errors.New("no bearer token")
	// ErrInvalidRequest: the Authorization header is malformed (400).
	ErrInvalidRequest = errors.New("malformed authorization request")
	// ErrInvalidToken: the token failed validation (401).
	ErrInvalidToken = errors.New("invalid token")
	// ErrInsufficient: the token is valid but does not meet the route's
	// requirement (403).
	ErrInsufficient = errors.New("insufficient scope")
	// ErrKeysUnavailable: something the check depends on cannot answer
	// now (503 with Retry-After): no signing key was ever loaded; the
	// introspection endpoint failed, too many introspections are in
	// flight, the request ended while its token was being introspected, or
	// the Guard is closed; the DPoP replay store or nonce source failed, or
	// one client key used more than its share of the replay store. The
	// Description says which. (Its text names signing keys, the first and
	// most common cause; match the kind with errors.Is, never the text.)
	ErrKeysUnavailable = errors.New("signing keys unavailable")
	// ErrInsufficientAuthentication: the token is valid but the user's
	// authentication is not strong or recent enough for the route's
	// step-up requirement (401 insufficient_user_authentication, RFC
	// 9470).
	ErrInsufficientAuthentication = errors.New("insufficient user authentication")
)

// Error describes why a request was rejected. Description is safe to show
// to the client: it never contains the token.
type Error struct {
	// Kind is one of ErrNoToken, ErrInvalidRequest, ErrInvalidToken,
	// ErrInsufficient, ErrInsufficientAuthentication, ErrKeysUnavailable,
	// ErrInvalidProof or ErrUseNonce.
	Kind error
	// Description is a short human-readable reason, sent as
	// error_description.
	Description string
	// Scope is the any-of scope list that was not met (ErrInsufficient
	// only), sent as the challenge's scope attribute.
	Scope []string
	// ACRValues and MaxAge are the route's step-up checks
	// (ErrInsufficientAuthentication only), sent as the challenge's
	// acr_values and max_age attributes and in the JSON body.
	ACRValues []string
	MaxAge    time.Duration
	// Err is the underlying cause, if any, for logs.
	Err error

	dpop *dpopChallenge // set when the DPoP scheme is in play
	// metadata is the resource's metadata URL (RFC 9728), sent on every
	// challenge of a 401 when a resource is configured.
	metadata string
}

func (e *Error) Error() string {
	msg := e.Kind.Error()
	if e.Description != "" {
		msg += ": " + e.Description
	}
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Unwrap lets errors.Is match both the kind and the cause.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

func newError(kind error, desc string, cause error) *Error {
	return &Error{Kind: kind, Description: desc, Err: cause}
}

// kindOf returns the rejection kind of err; an error that is not one of
// ours counts as an invalid token, so an unexpected failure never lets a
// request through.
func kindOf(err error) error {
	if e, ok := err.(*Error); ok {
		switch e.Kind {
		case ErrNoToken, ErrInvalidRequest, ErrInsufficient, ErrKeysUnavailable, ErrInvalidToken, ErrInvalidProof, ErrUseNonce, ErrInsufficientAuthentication:
			return e.Kind
		}
	}
	for _, k := range []error{ErrNoToken, ErrInvalidRequest, ErrInsufficient, ErrKeysUnavailable, ErrInvalidProof, ErrUseNonce, ErrInsufficientAuthentication, ErrInvalidToken} {
		if errors.Is(err, k) {
			return k
		}
	}
	return ErrInvalidToken
}

// StatusCode is the HTTP status for a rejection: 401, 400, 403 or 503.
func StatusCode(err error) int {
	switch kindOf(err) {
	case ErrNoToken:
		return http.StatusUnauthorized
	case ErrInvalidRequest:
		return http.StatusBadRequest
	case ErrInsufficient:
		return http.StatusForbidden
	case ErrKeysUnavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusUnauthorized
	}
}

// ErrorCode is the OAuth error code for a rejection, as sent in the JSON
// body: unauthorized, invalid_request, invalid_token, insufficient_scope,
// temporarily_unavailable, invalid_dpop_proof, use_dpop_nonce or
// insufficient_user_authentication.
func ErrorCode(err error) string {
	switch kindOf(err) {
	case ErrInsufficientAuthentication:
		return "insufficient_user_authentication"
	case ErrInvalidProof:
		return "invalid_dpop_proof"
	case ErrUseNonce:
		return "use_dpop_nonce"
	case ErrNoToken:
		return "unauthorized"
	case ErrInvalidRequest:
		return "invalid_request"
	case ErrInsufficient:
		return "insufficient_scope"
	case ErrKeysUnavailable:
		return "temporarily_unavailable"
	default:
		return "invalid_token"
	}
}

// Description is the human-readable error_description of a rejection:
// which rule failed, never the token. Transports with their own error
// format (gRPC, Connect) put it in their error message.
func Description(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Description != "" {
		return e.Description
	}
	switch kindOf(err) {
	case ErrNoToken:
		return "a bearer access token is required"
	case ErrInvalidRequest:
		return "the authorization header is malformed"
	case ErrInsufficient:
		return "the access token does not grant access to this resource"
	case ErrKeysUnavailable:
		return "the signing keys are not available yet; retry later"
	case ErrInvalidProof:
		return "the DPoP proof is invalid"
	case ErrUseNonce:
		return "the DPoP proof must carry the server's nonce"
	case ErrInsufficientAuthentication:
		return "the user must authenticate again, or more strongly"
	default:
		return "the access token is invalid"
	}
}

// Challenge is the WWW-Authenticate value for a rejection (RFC 6750
// section 3, RFC 9449 section 7.1), or "" when none is sent (503). Where
// both schemes are accepted it holds a Bearer and a DPoP challenge, the
// Bearer one first; the error attributes go on the scheme the request
// used.
func Challenge(err error, realm string) string {
	kind := kindOf(err)
	if kind == ErrKeysUnavailable {
		return ""
	}
	var e *Error
	if !errors.As(err, &e) || e.dpop == nil {
		return challenge("Bearer", realm, "", err, kind != ErrNoToken)
	}
	d := e.dpop
	var parts []string
	if d.bearer {
		parts = append(parts, challenge("Bearer", realm, "", err, kind != ErrNoToken && d.used != schemeDPoP))
	}
	if d.dpop {
		parts = append(parts, challenge("DPoP", realm, d.algs, err, kind != ErrNoToken && (d.used == schemeDPoP || !d.bearer)))
	}
	return strings.Join(parts, ", ")
}

// challenge renders one challenge; withError adds the error attributes.
func challenge(scheme, realm, algs string, err error, withError bool) string {
	kind := kindOf(err)
	var b strings.Builder
	b.WriteString(scheme)
	b.WriteString(` realm=`)
	b.WriteString(quote(realm))
	if algs != "" {
		b.WriteString(`, algs=`)
		b.WriteString(quote(algs))
	}
	var e *Error
	errors.As(err, &e)
	if withError {
		b.WriteString(`, error=`)
		b.WriteString(quote(ErrorCode(err)))
		if kind == ErrInvalidToken || kind == ErrInvalidRequest || kind == ErrInvalidProof || kind == ErrUseNonce || kind == ErrInsufficientAuthentication {
			b.WriteString(`, error_description=`)
			b.WriteString(quote(Description(err)))
		}
		if kind == ErrInsufficient && e != nil && len(e.Scope) > 0 {
			b.WriteString(`, scope=`)
			b.WriteString(quote(strings.Join(e.Scope, " ")))
		}
		if kind == ErrInsufficientAuthentication && e != nil {
			if len(e.ACRValues) > 0 {
				b.WriteString(`, acr_values=`)
				b.WriteString(quote(strings.Join(e.ACRValues, " ")))
			}
			if e.MaxAge > 0 {
				b.WriteString(`, max_age=`)
				b.WriteString(strconv.FormatInt(maxAgeSeconds(e.MaxAge), 10))
			}
		}
	}
	if e != nil && e.metadata != "" && StatusCode(err) == http.StatusUnauthorized {
		b.WriteString(`, resource_metadata=`)
		b.WriteString(quote(e.metadata))
	}
	return b.String()
}

// maxAgeSeconds is a max-age in whole seconds, rounded up.
func maxAgeSeconds(d time.Duration) int64 { return int64((d + time.Second - 1) / time.Second) }

// quote makes s a quoted-string whose content is limited to the characters
// RFC 6750 allows in attribute values (%x20-21 / %x23-5B / %x5D-7E):
// anything else is replaced, so no value can break the header.
func quote(s string) string {
	b := make([]byte, 0, len(s)+2)
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			c = '?'
		}
		b = append(b, c)
	}
	return string(append(b, '"'))
}

type errorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
	// Step-up only (RFC 9470): what the challenge says too.
	ACRValues string `json:"acr_values,omitempty"`
	MaxAge    int64  `json:"max_age,omitempty"`
}

// WriteErrorResponse writes the standard rejection: status from
// StatusCode, WWW-Authenticate from Challenge (Retry-After instead for
// 503), and a JSON body {"error", "error_description"}. Custom
// Config.ErrorWriter functions can call it after logging.
func WriteErrorResponse(w http.ResponseWriter, err error, realm string) {
	status := StatusCode(err)
	h := w.Header()
	setRejectionHeader(h, err, realm)
	var e *Error
	errors.As(err, &e)
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	eb := errorBody{Error: ErrorCode(err), Description: Description(err)}
	if e != nil && kindOf(err) == ErrInsufficientAuthentication {
		eb.ACRValues = strings.Join(e.ACRValues, " ")
		if e.MaxAge > 0 {
			eb.MaxAge = maxAgeSeconds(e.MaxAge)
		}
	}
	body, _ := json.Marshal(eb)
	_, _ = w.Write(append(body, '\n'))
}

// setRejectionHeader sets the headers of a rejection other than its body's:
// WWW-Authenticate (none for 503), Retry-After for 503, and the DPoP-Nonce
// a use_dpop_nonce answer carries.
func setRejectionHeader(h http.Header, err error, realm string) {
	if c := Challenge(err, realm); c != "" {
		h.Set("WWW-Authenticate", c)
	}
	if StatusCode(err) == http.StatusServiceUnavailable {
		h.Set("Retry-After", "5")
	}
	var e *Error
	if errors.As(err, &e) && e.dpop != nil && e.dpop.nonce != "" {
		h.Set("DPoP-Nonce", e.dpop.nonce)
	}
}
