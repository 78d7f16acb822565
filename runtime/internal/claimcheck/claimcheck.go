package claimcheck

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/axioms-go/axiomsgen/runtime/internal/jsonscan"
	"github.com/golang-jwt/jwt/v5"
)

// Expired reports whether a token expiring at exp is expired at now.
func Expired(now, exp time.Time, leeway time.Duration) bool {
	return !now.Before(exp.Add(leeway))
}

// NotYet reports whether a token not valid before t (nbf, or iat) is not
// usable yet at now. An absent claim (zero t) never holds it back.
func NotYet(now, t time.Time, leeway time.Duration) bool {
	return !t.IsZero() && now.Before(t.Add(-leeway))
}

// MaxNumericDate bounds the seconds of a date claim: 2^53, some 285
// million years, the largest integer a JSON number holds exactly in most
// parsers, far inside what time.Time represents. A date beyond it, such as
// 1e300, would wrap when converted to a time (an "nbf" of 9.3e18 became a
// date in the distant past); it is an invalid claim.
const MaxNumericDate = 1 << 53

// NumericDate reads a raw date claim: a JSON number of seconds within
// ±MaxNumericDate; false for any other value.
func NumericDate(raw string) (float64, bool) {
	f, ok := jsonscan.Number(raw)
	return f, ok && f > -MaxNumericDate && f < MaxNumericDate
}

// Time is the time of a date claim's seconds, fractions kept.
func Time(seconds float64) time.Time {
	sec, frac := math.Modf(seconds)
	return time.Unix(int64(sec), int64(frac*1e9))
}

// Claim names a registered claim.
type Claim uint8

// The registered claims.
const (
	Exp Claim = 1 << iota
	Nbf
	Iat
	Iss
	Sub
	Aud
)

// Registered holds a payload's registered claims the way jwt.MapClaims
// reads them: a date of 0 is absent, a registered claim of the wrong type
// (null included) is invalid. Iss, Sub and Aud point at the values the
// caller keeps (so that they are not held twice). It implements
// jwt.Claims for golang-jwt's Validator.
type Registered struct {
	Iss, Sub      *string
	Aud           *[]string
	exp, nbf, iat jwt.NumericDate
	set, bad      Claim
}

var _ jwt.Claims = (*Registered)(nil)

// String reads a registered string claim, marking a wrong type.
func (r *Registered) String(raw string, c Claim) string {
	s, ok := jsonscan.String(raw)
	if !ok {
		r.bad |= c
	}
	return s
}

// Date reads a registered date claim (Exp, Nbf or Iat) as jwt.MapClaims
// would (truncated to jwt.TimePrecision; 0 is absent), marking a wrong
// type, and returns its exact time (zero when absent or invalid).
func (r *Registered) Date(raw string, c Claim) time.Time {
	f, ok := NumericDate(raw)
	switch {
	case !ok:
		r.bad |= c
		return time.Time{}
	case f == 0:
		return time.Time{}
	}
	sec, frac := math.Modf(f)
	t := time.Unix(int64(sec), int64(frac*1e9))
	d := r.date(c)
	if frac == 0 && jwt.TimePrecision > 0 && time.Second%jwt.TimePrecision == 0 {
		d.Time = t // a whole second: truncating it changes nothing
	} else {
		*d = *jwt.NewNumericDate(t)
	}
	r.set |= c
	return t
}

func (r *Registered) date(c Claim) *jwt.NumericDate {
	switch c {
	case Exp:
		return &r.exp
	case Nbf:
		return &r.nbf
	}
	return &r.iat
}

// Invalid marks a claim as of the wrong type.
func (r *Registered) Invalid(c Claim) { r.bad |= c }

// Validate applies the rules of the package doc and returns golang-jwt's
// error values, joined as its Validator joins them.
func (r *Registered) Validate(now time.Time, leeway time.Duration, issuer string, audiences []string) error {
	var errs [5]error
	n := 0
	fail := func(err error) {
		errs[n] = err
		n++
	}
	switch exp, err := r.GetExpirationTime(); {
	case err != nil:
		fail(err)
	case exp == nil:
		fail(fmt.Errorf("%w: exp claim is required", jwt.ErrTokenRequiredClaimMissing))
	case Expired(now, exp.Time, leeway):
		fail(jwt.ErrTokenExpired)
	}
	switch nbf, err := r.GetNotBefore(); {
	case err != nil:
		fail(err)
	case nbf != nil && NotYet(now, nbf.Time, leeway):
		fail(jwt.ErrTokenNotValidYet)
	}
	switch iat, err := r.GetIssuedAt(); {
	case err != nil:
		fail(err)
	case iat != nil && NotYet(now, iat.Time, leeway):
		fail(jwt.ErrTokenUsedBeforeIssued)
	}
	if len(audiences) > 0 {
		switch aud, err := r.GetAudience(); {
		case err != nil:
			fail(err)
		case len(aud) == 0 || len(aud) == 1 && aud[0] == "":
			fail(fmt.Errorf("%w: aud claim is required", jwt.ErrTokenRequiredClaimMissing))
		case !slices.ContainsFunc(aud, func(a string) bool { return slices.Contains(audiences, a) }):
			fail(jwt.ErrTokenInvalidAudience)
		}
	}
	if issuer != "" {
		switch iss, err := r.GetIssuer(); {
		case err != nil:
			fail(err)
		case iss == "":
			fail(fmt.Errorf("%w: iss claim is required", jwt.ErrTokenRequiredClaimMissing))
		case iss != issuer:
			fail(jwt.ErrTokenInvalidIssuer)
		}
	}
	if n == 0 {
		return nil
	}
	return joinedErrors(slices.Clone(errs[:n]))
}

// joinedErrors is golang-jwt's joined validation error: every failed rule,
// matched by errors.Is, printed on one line.
type joinedErrors []error

func (e joinedErrors) Error() string {
	msgs := make([]string, len(e))
	for i, err := range e {
		msgs[i] = err.Error()
	}
	return strings.Join(msgs, ", ")
}

func (e joinedErrors) Unwrap() []error { return e }

func (r *Registered) invalid(c Claim, name string) error {
	if r.bad&c == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s is invalid", jwt.ErrInvalidType, name)
}

func (r *Registered) getDate(c Claim, name string) (*jwt.NumericDate, error) {
	if err := r.invalid(c, name); err != nil || r.set&c == 0 {
		return nil, err
	}
	return r.date(c), nil
}

func (r *Registered) GetExpirationTime() (*jwt.NumericDate, error) { return r.getDate(Exp, "exp") }
func (r *Registered) GetNotBefore() (*jwt.NumericDate, error)      { return r.getDate(Nbf, "nbf") }
func (r *Registered) GetIssuedAt() (*jwt.NumericDate, error)       { return r.getDate(Iat, "iat") }

func (r *Registered) GetIssuer() (string, error) {
	return deref(r.Iss), r.invalid(Iss, "iss")
}

func (r *Registered) GetSubject() (string, error) {
	return deref(r.Sub), r.invalid(Sub, "sub")
}

func (r *Registered) GetAudience() (jwt.ClaimStrings, error) {
	if err := r.invalid(Aud, "aud"); err != nil {
		return nil, err
	}
	if r.Aud == nil {
		return nil, nil
	}
	return *r.Aud, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
