package runtime

import (
	"testing"
	"time"
)

// rfc9449Proof is the proof of RFC 9449 section 4.1 (figure 3), for POST
// https://server.example.com/token at iat 1562262616, without ath.
const rfc9449Proof = "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19" +
	".eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIjoiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwiaWF0IjoxNTYyMjYyNjE2fQ" +
	".2-GxA6T8lP4vfrg8v-FdWP0A0zdrj8igiMLvqRMUvwnQg4PtFLbdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg"

func TestRFC9449ExampleProof(t *testing.T) {
	d := &dpopVerifier{algs: DefaultDPoPAlgorithms, maxAge: DefaultDPoPMaxAge, leeway: DefaultDPoPLeeway,
		now: func() time.Time { return time.Unix(1562262616, 0) }}
	url := func() (string, error) { return normalizeURL("https://server.example.com/token") }
	p, err := d.check(t.Context(), rfc9449Proof, "POST", "", url)
	if err != nil {
		t.Fatal(err)
	}
	// The thumbprint RFC 9449 section 6.1 shows for this key (cnf.jkt).
	if p.jkt != "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I" || p.jti != "-BwC3ESc6acc2lTc" {
		t.Errorf("jkt %q jti %q", p.jkt, p.jti)
	}
	if _, err := d.check(t.Context(), rfc9449Proof, "GET", "", url); err == nil {
		t.Error("accepted for another method")
	}
	d.now = func() time.Time { return time.Unix(1562262616, 0).Add(10 * time.Minute) }
	if _, err := d.check(t.Context(), rfc9449Proof, "POST", "", url); err == nil {
		t.Error("accepted 10 minutes later")
	}
}

func TestNormalizeURL(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"https://api.example.com", "https://api.example.com/"},
		{"HTTPS://API.EXAMPLE.COM:443/a?q#f", "https://api.example.com/a"},
		{"http://api.example.com:80/a", "http://api.example.com/a"},
		{"http://api.example.com:443/a", "http://api.example.com:443/a"},
		{"https://api.example.com:8443/a", "https://api.example.com:8443/a"},
		{"https://api.example.com/%7euser/%2f/%c3%a9", "https://api.example.com/~user/%2F/%C3%A9"},
		{"https://api.example.com/a/./b/../c", "https://api.example.com/a/c"},
		{"https://api.example.com/a/..", "https://api.example.com/"},
		{"https://[::1]:443/x", "https://[::1]/x"},
	} {
		got, err := normalizeURL(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("normalizeURL(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"/relative", "ftp://x.example/a", "https://user@x.example/", "mailto:a@b", ""} {
		if got, err := normalizeURL(bad); err == nil {
			t.Errorf("normalizeURL(%q) = %q, want an error", bad, got)
		}
	}
}

// FuzzDPoPProof feeds arbitrary proofs, methods and URLs to the proof
// checks: they reject or accept, never panic, and accept only proofs whose
// signature verified (the fuzzer cannot forge one, so nothing but the
// seed's exact bytes may pass).
func FuzzDPoPProof(f *testing.F) {
	f.Add(rfc9449Proof, "POST", "https://server.example.com/token")
	f.Add(rfc9449Proof, "POST", "https://SERVER.example.com:443/token?x#y")
	f.Add("e30.e30.AA", "GET", "https://a/")
	f.Add(`eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IlJTMjU2IiwiandrIjp7Imt0eSI6IlJTQSIsIm4iOiJBQSIsImUiOiJBUUFCIn19.e30.AA`, "GET", "http://[::1]:80/a/../b")
	d := &dpopVerifier{algs: DefaultDPoPAlgorithms, maxAge: DefaultDPoPMaxAge, leeway: DefaultDPoPLeeway,
		now: func() time.Time { return time.Unix(1562262616, 0) }}
	f.Fuzz(func(t *testing.T, proof, method, rawURL string) {
		if len(proof) > maxProofSize {
			return
		}
		p, err := d.check(t.Context(), proof, method, "", func() (string, error) { return normalizeURL(rawURL) })
		if err == nil && (proof != rfc9449Proof || p.jkt != "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I") {
			t.Fatalf("accepted a proof that is not the signed seed: %q", proof)
		}
	})
}

// TestKeyShares: a key's proofs in the current and previous windows
// together stay under the share; a key is free again once its proofs of
// both windows expired; keys do not share a count; forgotten keys are
// swept.
func TestKeyShares(t *testing.T) {
	start := time.Unix(1_700_000_000, 0).Truncate(time.Minute)
	s := newKeyShares(time.Minute, 3)
	for i := range 3 {
		if !s.take("a", start.Add(time.Duration(i)*time.Second)) {
			t.Fatalf("proof %d refused under the share", i+1)
		}
	}
	if s.take("a", start.Add(10*time.Second)) {
		t.Fatal("a 4th proof in one window accepted")
	}
	if !s.take("b", start.Add(10*time.Second)) {
		t.Fatal("another key refused")
	}
	// Next window: the previous one's proofs may still be live.
	if s.take("a", start.Add(70*time.Second)) {
		t.Fatal("accepted while the previous window's proofs may be live")
	}
	s.give("b")
	// Two windows later every proof of the first has expired.
	if !s.take("a", start.Add(125*time.Second)) {
		t.Fatal("refused after the proofs expired")
	}
	s.take("c", start.Add(200*time.Second)) // the next sweep
	if _, ok := s.keys["b"]; ok {
		t.Error("key b, idle for two windows, not swept")
	}
}
