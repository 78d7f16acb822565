package claimcheck

import (
	"testing"
	"time"
)

// TestTimeClaimRules: the boundaries of the rules every path applies.
func TestTimeClaimRules(t *testing.T) {
	at := time.Unix(1_800_000_000, 0)
	l := 30 * time.Second
	tests := []struct {
		name           string
		now            time.Time
		exp, nbf       time.Time
		expired, early bool
	}{
		{"inside", at, at.Add(time.Hour), at.Add(-time.Hour), false, false},
		{"expired long ago", at, at.Add(-time.Hour), time.Time{}, true, false},
		{"exp within the leeway", at, at.Add(-l + time.Nanosecond), time.Time{}, false, false},
		{"exp exactly at the leeway", at, at.Add(-l), time.Time{}, true, false},
		{"nbf within the leeway", at, at.Add(time.Hour), at.Add(l), false, false},
		{"nbf just past the leeway", at, at.Add(time.Hour), at.Add(l + time.Nanosecond), false, true},
		{"no nbf", at, at.Add(time.Hour), time.Time{}, false, false},
	}
	for _, tc := range tests {
		if got := Expired(tc.now, tc.exp, l); got != tc.expired {
			t.Errorf("%s: Expired = %v; want %v", tc.name, got, tc.expired)
		}
		if got := NotYet(tc.now, tc.nbf, l); got != tc.early {
			t.Errorf("%s: NotYet = %v; want %v", tc.name, got, tc.early)
		}
	}
}
