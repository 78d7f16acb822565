package runtime

import "time"

// The time-claim rules, in one place for every path that accepts a token:
// a JWT's registered claims, an introspection answer and a cache hit.
// With the leeway l, a token is usable at now while now < exp + l, and
// from nbf - l on (a JWT's iat - l likewise: a token issued in the future
// is not usable yet). A zero time is an absent claim.

// expiredAt reports whether a token expiring at exp is expired at now.
func expiredAt(now, exp time.Time, leeway time.Duration) bool {
	return !now.Before(exp.Add(leeway))
}

// notYetAt reports whether a token not valid before t (nbf, or iat) is
// not usable yet at now. An absent claim (zero t) never holds it back.
func notYetAt(now, t time.Time, leeway time.Duration) bool {
	return !t.IsZero() && now.Before(t.Add(-leeway))
}
