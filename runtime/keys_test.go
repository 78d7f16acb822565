package runtime_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	goruntime "runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

// fault is how the JWKS server under test misbehaves.
type fault int32

const (
	healthy fault = iota
	serverError
	garbage
	hang
	oversized
)

// jwksServer serves an issuer's JWK Set on loopback with switchable faults
// and counts the fetches.
type jwksServer struct {
	*httptest.Server
	fetches atomic.Int32
	fault   atomic.Int32
	body    atomic.Pointer[[]byte] // served instead of the issuer's set when set
}

func newJWKSServer(t *testing.T, iss *axiomstest.Issuer, initial fault) *jwksServer {
	t.Helper()
	s := &jwksServer{}
	s.fault.Store(int32(initial))
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fetches.Add(1)
		switch fault(s.fault.Load()) {
		case serverError:
			http.Error(w, "unavailable", http.StatusInternalServerError)
		case garbage:
			w.Write([]byte("<html>not json</html>"))
		case hang:
			<-r.Context().Done()
		case oversized:
			w.Write([]byte(`{"keys":[],"pad":"`))
			w.Write([]byte(strings.Repeat("x", 2<<20)))
			w.Write([]byte(`"}`))
		default:
			if b := s.body.Load(); b != nil {
				w.Write(*b)
				return
			}
			w.Write(iss.JWKS())
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *jwksServer) set(f fault) { s.fault.Store(int32(f)) }

// configFor points an issuer's config at the fault server's JWKS.
func configFor(iss *axiomstest.Issuer, s *jwksServer) runtime.Config {
	cfg := iss.Config()
	cfg.JWKSURL = s.URL + "/jwks.json"
	cfg.Logger = quietLogger()
	return cfg
}

// eventually polls cond for up to limit.
func eventually(t *testing.T, limit time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %v", limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestKeyRotation(t *testing.T) {
	iss := axiomstest.New(t)
	srv := newJWKSServer(t, iss, healthy)
	g := newGuard(t, configFor(iss, srv))
	old := iss.Token(t)
	if res := serve(t, g, runtime.Requirement{}, bearer(old)); res.status != 200 {
		t.Fatalf("old key rejected: %d", res.status)
	}
	kid, err := iss.Rotate("RS256")
	if err != nil {
		t.Fatal(err)
	}
	fresh := iss.Token(t)
	if !strings.Contains(headerOf(t, fresh), kid) {
		t.Fatalf("token not signed with the rotated kid %s", kid)
	}
	before := srv.fetches.Load()
	if res := serve(t, g, runtime.Requirement{}, bearer(fresh)); res.status != 200 {
		t.Fatalf("rotated key rejected: %d %s", res.status, res.challenge)
	}
	if got := srv.fetches.Load() - before; got != 1 {
		t.Errorf("new kid caused %d fetches, want 1", got)
	}
	// A known kid is served from the current set: no fetch.
	before = srv.fetches.Load()
	serve(t, g, runtime.Requirement{}, bearer(old))
	if srv.fetches.Load() != before {
		t.Error("a known kid caused a fetch")
	}
}

func headerOf(t *testing.T, tok string) string {
	t.Helper()
	h, _, _ := strings.Cut(tok, ".")
	b, err := jsonSegment(h)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestUnknownKIDFloodIsRateLimited(t *testing.T) {
	iss := axiomstest.New(t)
	srv := newJWKSServer(t, iss, healthy)
	cfg := configFor(iss, srv)
	cfg.MinRefreshInterval = time.Hour
	g := newGuard(t, cfg)
	// ES256 signs fast enough to mint 10,000 forgeries in a test.
	forger, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tokens := make([]string, 10_000)
	for i := range tokens {
		tokens[i] = iss.Token(t, axiomstest.WithAlg("ES256"), axiomstest.WithKID(fmt.Sprintf("flood-%d", i)), axiomstest.WithSigningKey(forger))
	}
	before := srv.fetches.Load()
	var rejected atomic.Int32
	var next atomic.Int32
	concurrently(64, func(int) {
		for {
			i := int(next.Add(1)) - 1
			if i >= len(tokens) {
				return
			}
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.Header.Set("Authorization", bearer(tokens[i]))
			if _, err := g.Authorize(r, runtime.Requirement{}); errors.Is(err, runtime.ErrInvalidToken) {
				rejected.Add(1)
			}
		}
	})
	if rejected.Load() != int32(len(tokens)) {
		t.Errorf("%d of %d flood tokens rejected", rejected.Load(), len(tokens))
	}
	// The limiter admits one refresh per MinRefreshInterval (an hour here).
	if got := srv.fetches.Load() - before; got > 1 {
		t.Errorf("a flood of %d unknown kids caused %d JWKS fetches, want at most 1", len(tokens), got)
	}

	// Past the limit a genuinely new kid is rejected at once, not after a
	// wait for the refresh limiter, while known kids keep working.
	srv.set(hang)
	if _, err := iss.Rotate("ES256"); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	wantReject(t, serve(t, g, runtime.Requirement{}, bearer(iss.Token(t, axiomstest.WithAlg("ES256")))), 401, "invalid_token")
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("rate-limited request waited %v", d)
	}
	if res := serve(t, g, runtime.Requirement{}, bearer(iss.Token(t))); res.status != 200 {
		t.Errorf("known kid rejected during the flood: %d", res.status)
	}
}

func TestKnownKIDNeverWaitsForARefresh(t *testing.T) {
	iss := axiomstest.New(t)
	srv := newJWKSServer(t, iss, healthy)
	cfg := configFor(iss, srv)
	cfg.FetchTimeout = 5 * time.Second
	g := newGuard(t, cfg)
	srv.set(hang)
	// Start a refresh that hangs: an unknown kid triggers it.
	forger, _ := rsa.GenerateKey(rand.Reader, 2048)
	unknown := iss.Token(t, axiomstest.WithKID("new"), axiomstest.WithSigningKey(forger))
	done := make(chan int)
	go func() {
		_, err := g.Authorize(authRequest(unknown), runtime.Requirement{})
		done <- runtime.StatusCode(err)
	}()
	eventually(t, 2*time.Second, func() bool { return srv.fetches.Load() >= 2 })
	start := time.Now()
	if res := serve(t, g, runtime.Requirement{}, bearer(iss.Token(t))); res.status != 200 {
		t.Fatalf("known kid rejected: %d", res.status)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("known kid waited %v for the refresh in flight", d)
	}
	g.Close() // cancels the hanging fetch; the waiting request ends
	if status := <-done; status != 401 {
		t.Errorf("request waiting on the cancelled refresh got %d, want 401", status)
	}
}

func authRequest(tok string) *http.Request {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	r.Header.Set("Authorization", bearer(tok))
	return r
}

func TestOutageKeepsTheLastGoodKeys(t *testing.T) {
	for _, f := range []struct {
		name  string
		fault fault
	}{{"server error", serverError}, {"garbage body", garbage}, {"time out", hang}, {"body over 1 MiB", oversized}} {
		t.Run(f.name, func(t *testing.T) {
			iss := axiomstest.New(t)
			srv := newJWKSServer(t, iss, healthy)
			cfg := configFor(iss, srv)
			cfg.RefreshInterval = 50 * time.Millisecond
			cfg.FetchTimeout = 200 * time.Millisecond
			g := newGuard(t, cfg)
			tok := iss.Token(t)
			srv.set(f.fault)
			n := srv.fetches.Load()
			eventually(t, 5*time.Second, func() bool { return srv.fetches.Load() >= n+2 })
			res := serve(t, g, runtime.Requirement{}, bearer(tok))
			if res.status != 200 {
				t.Fatalf("token rejected during the outage: %d %s", res.status, res.code)
			}
			// An invalid token stays 401, never 503, during the outage.
			wantReject(t, serve(t, g, runtime.Requirement{}, bearer(tok[:len(tok)-3]+"abc")), 401, "invalid_token")
		})
	}
}

func TestFirstFetchFailsThenRecovers(t *testing.T) {
	iss := axiomstest.New(t)
	srv := newJWKSServer(t, iss, serverError)
	g := newGuard(t, configFor(iss, srv))
	tok := iss.Token(t)
	wantReject(t, serve(t, g, runtime.Requirement{}, bearer(tok)), 503, "temporarily_unavailable")
	srv.set(healthy)
	// The backoff starts at 1 s.
	eventually(t, 5*time.Second, func() bool {
		return serve(t, g, runtime.Requirement{}, bearer(tok)).status == 200
	})
}

func TestKeySources(t *testing.T) {
	t.Run("discovery", func(t *testing.T) {
		iss := axiomstest.New(t)
		g := newGuard(t, iss.Config())
		if res := serve(t, g, runtime.Requirement{}, bearer(iss.Token(t))); res.status != 200 {
			t.Fatalf("rejected: %d", res.status)
		}
	})
	t.Run("well-known jwks.json without discovery", func(t *testing.T) {
		iss := axiomstest.New(t, axiomstest.WithoutDiscovery())
		g := newGuard(t, iss.Config())
		if res := serve(t, g, runtime.Requirement{}, bearer(iss.Token(t))); res.status != 200 {
			t.Fatalf("rejected: %d", res.status)
		}
	})
	t.Run("discovery naming another issuer", func(t *testing.T) {
		iss := axiomstest.New(t)
		disc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			json.NewEncoder(w).Encode(map[string]string{"issuer": "https://evil.example.com", "jwks_uri": iss.JWKSURL()})
		}))
		defer disc.Close()
		cfg := iss.Config()
		cfg.Issuer = disc.URL
		g := newGuard(t, cfg)
		wantReject(t, serve(t, g, runtime.Requirement{}, bearer(iss.Token(t, axiomstest.WithClaim("iss", disc.URL)))), 503, "temporarily_unavailable")
	})
	t.Run("discovery pointing at plain http elsewhere", func(t *testing.T) {
		iss := axiomstest.New(t)
		var url string
		disc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			json.NewEncoder(w).Encode(map[string]string{"issuer": url, "jwks_uri": "http://keys.example.com/jwks"})
		}))
		defer disc.Close()
		url = disc.URL
		cfg := iss.Config()
		cfg.Issuer = disc.URL
		g := newGuard(t, cfg)
		wantReject(t, serve(t, g, runtime.Requirement{}, bearer(iss.Token(t, axiomstest.WithClaim("iss", disc.URL)))), 503, "temporarily_unavailable")
	})
}

func TestUnusableKeysAreSkipped(t *testing.T) {
	iss := axiomstest.New(t, axiomstest.WithAlgorithms("ES256"))
	srv := newJWKSServer(t, iss, healthy)
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(iss.JWKS(), &set); err != nil {
		t.Fatal(err)
	}
	bad := []string{
		`{"kty":"oct","kid":"hmac","k":"c2VjcmV0"}`,
		`{"kty":"RSA","kid":"weak","alg":"RS256","n":"` + b64(weak.N.Bytes()) + `","e":"AQAB"}`,
		`{"kty":"EC","kid":"enc","use":"enc","crv":"P-256","x":"AAAA","y":"AAAA"}`,
		`{"kty":"OKP","kid":"x25519","crv":"X25519","x":"` + b64(make([]byte, 32)) + `"}`,
		`{"kty":"RSA","kid":"broken","n":"!!!","e":"AQAB"}`,
		`{"kty":"WAT","kid":"unknown"}`,
		`"not an object"`,
	}
	keys := []json.RawMessage{}
	for _, b := range bad {
		keys = append(keys, json.RawMessage(b))
	}
	keys = append(keys, set.Keys...)
	body, _ := json.Marshal(map[string]any{"keys": keys})
	srv.body.Store(&body)
	g := newGuard(t, configFor(iss, srv))
	if res := serve(t, g, runtime.Requirement{}, bearer(iss.Token(t, axiomstest.WithAlg("ES256")))); res.status != 200 {
		t.Fatalf("the usable key was lost with the bad ones: %d %s", res.status, res.challenge)
	}
	// A token naming the weak RSA key is refused even though its signature is good.
	weakTok := iss.Token(t, axiomstest.WithKID("weak"), axiomstest.WithSigningKey(weak))
	wantReject(t, serve(t, g, runtime.Requirement{}, bearer(weakTok)), 401, "invalid_token")
}

func TestCloseStopsAFetchInFlight(t *testing.T) {
	iss := axiomstest.New(t)
	srv := newJWKSServer(t, iss, hang)
	cfg := configFor(iss, srv)
	cfg.FetchTimeout = time.Minute
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	g, err := runtime.New(ctx, cfg) // returns when ctx ends; the fetch goes on
	if err != nil {
		t.Fatal(err)
	}
	n := srv.fetches.Load()
	if n != 1 {
		t.Fatalf("%d fetches in flight, want 1", n)
	}
	start := time.Now()
	g.Close()
	if d := time.Since(start); d > time.Second {
		t.Errorf("Close took %v", d)
	}
	if err := g.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func jsonSegment(seg string) ([]byte, error) { return base64.RawURLEncoding.DecodeString(seg) }

func TestRequestsAfterCloseFailClosed(t *testing.T) {
	iss := axiomstest.New(t)
	g := newGuard(t, iss.Config())
	g.Close()
	// A known kid still verifies from the last set; an unknown kid cannot
	// start a refresh any more and is refused at once.
	if res := serve(t, g, runtime.Requirement{}, bearer(iss.Token(t))); res.status != 200 {
		t.Errorf("known kid after Close: %d", res.status)
	}
	forger, _ := rsa.GenerateKey(rand.Reader, 2048)
	start := time.Now()
	wantReject(t, serve(t, g, runtime.Requirement{}, bearer(iss.Token(t, axiomstest.WithKID("late"), axiomstest.WithSigningKey(forger)))), 401, "invalid_token")
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("unknown kid after Close waited %v", d)
	}
}

// TestUnknownKIDNeverWaitsOnAnUnadmittedRefresh: past the rate limit, an
// unknown kid is refused at once even while a periodic refresh hangs.
func TestUnknownKIDNeverWaitsOnAnUnadmittedRefresh(t *testing.T) {
	iss := axiomstest.New(t)
	srv := newJWKSServer(t, iss, healthy)
	cfg := configFor(iss, srv)
	cfg.MinRefreshInterval = time.Hour
	cfg.RefreshInterval = 50 * time.Millisecond
	cfg.FetchTimeout = 5 * time.Second
	g := newGuard(t, cfg)
	forger, _ := rsa.GenerateKey(rand.Reader, 2048)
	// The one admitted unknown-kid refresh.
	wantReject(t, serve(t, g, runtime.Requirement{}, bearer(iss.Token(t, axiomstest.WithKID("first"), axiomstest.WithSigningKey(forger)))), 401, "invalid_token")
	srv.set(hang)
	n := srv.fetches.Load()
	eventually(t, 2*time.Second, func() bool { return srv.fetches.Load() > n }) // a periodic refresh now hangs
	start := time.Now()
	wantReject(t, serve(t, g, runtime.Requirement{}, bearer(iss.Token(t, axiomstest.WithKID("second"), axiomstest.WithSigningKey(forger)))), 401, "invalid_token")
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("unknown kid waited %v on a refresh it was not admitted to", d)
	}
}

func TestThreeRedirectsAreFollowed(t *testing.T) {
	iss := axiomstest.New(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/r1":
			http.Redirect(w, r, "/r2", http.StatusFound)
		case "/r2":
			http.Redirect(w, r, "/r3", http.StatusFound)
		case "/r3":
			http.Redirect(w, r, "/jwks", http.StatusFound)
		case "/r4":
			http.Redirect(w, r, "/r1", http.StatusFound)
		default:
			w.Write(iss.JWKS())
		}
	}))
	defer srv.Close()
	for _, tt := range []struct {
		start  string
		status int
	}{{"/r1", 200}, {"/r4", 503}} {
		cfg := iss.Config()
		cfg.JWKSURL = srv.URL + tt.start
		g := newGuard(t, cfg)
		if res := serve(t, g, runtime.Requirement{}, bearer(iss.Token(t))); res.status != tt.status {
			t.Errorf("%s: status %d, want %d", tt.start, res.status, tt.status)
		}
	}
}

// TestCachedNoKIDTokenFollowsTheKeySet: a token without kid is cached
// only while its key is the one fresh verification would pick.
func TestCachedNoKIDTokenFollowsTheKeySet(t *testing.T) {
	iss := axiomstest.New(t, axiomstest.WithAlgorithms("ES256"))
	srv := newJWKSServer(t, iss, healthy)
	cfg := configFor(iss, srv)
	cfg.RefreshInterval = 50 * time.Millisecond
	g := newGuard(t, cfg)
	tok := iss.Token(t, axiomstest.WithAlg("ES256"), axiomstest.WithoutHeader("kid"))
	if res := serve(t, g, runtime.Requirement{}, bearer(tok)); res.status != 200 {
		t.Fatalf("status %d", res.status)
	}
	if _, err := iss.Rotate("ES256"); err != nil { // now two ES256 keys: a kid is needed
		t.Fatal(err)
	}
	n := srv.fetches.Load()
	eventually(t, 5*time.Second, func() bool { return srv.fetches.Load() >= n+2 })
	wantReject(t, serve(t, g, runtime.Requirement{}, bearer(tok)), 401, "invalid_token")
}

// TestJWKSFaults covers the hostile key servers not covered above.
func TestJWKSFaults(t *testing.T) {
	t.Run("50 MB body is capped and memory stays bounded", func(t *testing.T) {
		iss := axiomstest.New(t)
		var written atomic.Int64
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			chunk := []byte(`{"keys":[` + strings.Repeat(" ", 64<<10))
			for written.Load() < 50<<20 {
				n, err := w.Write(chunk)
				written.Add(int64(n))
				if err != nil {
					return
				}
				chunk = []byte(strings.Repeat(" ", 64<<10))
			}
		}))
		defer srv.Close()
		cfg := iss.Config()
		cfg.JWKSURL = srv.URL
		var before, after goruntime.MemStats
		goruntime.GC()
		goruntime.ReadMemStats(&before)
		g := newGuard(t, cfg)
		goruntime.GC()
		goruntime.ReadMemStats(&after)
		wantReject(t, serve(t, g, runtime.Requirement{}, bearer(iss.Token(t))), 503, "temporarily_unavailable")
		if growth := int64(after.HeapAlloc) - int64(before.HeapAlloc); growth > 8<<20 {
			t.Errorf("heap grew by %d bytes reading a 50 MB body", growth)
		}
		if w := written.Load(); w >= 50<<20 {
			t.Errorf("the guard read the whole body (%d bytes)", w)
		}
	})
	t.Run("a hanging server holds an unknown kid no longer than the fetch timeout", func(t *testing.T) {
		iss := axiomstest.New(t)
		srv := newJWKSServer(t, iss, healthy)
		cfg := configFor(iss, srv)
		cfg.FetchTimeout = 300 * time.Millisecond
		g := newGuard(t, cfg)
		srv.set(hang)
		forger, _ := rsa.GenerateKey(rand.Reader, 2048)
		start := time.Now()
		wantReject(t, serve(t, g, runtime.Requirement{}, bearer(iss.Token(t, axiomstest.WithKID("new"), axiomstest.WithSigningKey(forger)))), 401, "invalid_token")
		if d := time.Since(start); d > time.Second {
			t.Errorf("held %v with a 300ms fetch timeout", d)
		}
	})
	t.Run("a removed kid is rejected after the next refresh", func(t *testing.T) {
		iss := axiomstest.New(t, axiomstest.WithAlgorithms("ES256", "EdDSA"))
		srv := newJWKSServer(t, iss, healthy)
		cfg := configFor(iss, srv)
		cfg.RefreshInterval = 50 * time.Millisecond
		cfg.TokenCacheSize = -1
		g := newGuard(t, cfg)
		kid, _, _ := iss.SigningKey("ES256")
		if res := serve(t, g, runtime.Requirement{}, bearer(iss.Token(t, axiomstest.WithAlg("ES256")))); res.status != 200 {
			t.Fatalf("status %d", res.status)
		}
		iss.Retire(kid)
		n := srv.fetches.Load()
		eventually(t, 5*time.Second, func() bool { return srv.fetches.Load() >= n+2 })
		wantReject(t, serve(t, g, runtime.Requirement{}, bearer(iss.Token(t, axiomstest.WithAlg("ES256"), axiomstest.WithKID(kid)))), 401, "invalid_token")
	})
}

// TestMalformedSegmentsBeforeKeyLookup: a token whose payload or
// signature is not base64url is refused as malformed before its kid is
// looked up, so such tokens never cost a key refresh, even behind a
// well-formed header naming an unknown key.
func TestMalformedSegmentsBeforeKeyLookup(t *testing.T) {
	iss := axiomstest.New(t)
	srv := newJWKSServer(t, iss, healthy)
	g := newGuard(t, configFor(iss, srv))
	header := strings.TrimRight(base64.URLEncoding.EncodeToString([]byte(`{"alg":"RS256","kid":"unknown-kid","typ":"JWT"}`)), "=")
	valid := iss.Token(t)
	_, rest, _ := strings.Cut(valid, ".")
	payload, sig, _ := strings.Cut(rest, ".")
	before := srv.fetches.Load()
	for name, tok := range map[string]string{
		"payload not base64url":   header + ".%%%." + sig,
		"signature not base64url": header + "." + payload + ".a+b/",
		"padding in the payload":  header + "." + payload + "==." + sig,
	} {
		res := serve(t, g, runtime.Requirement{}, bearer(tok))
		if res.status != http.StatusUnauthorized || !strings.Contains(res.challenge, "well-formed") {
			t.Errorf("%s: %d %s, want 401 not a well-formed JWT", name, res.status, res.challenge)
		}
	}
	if n := srv.fetches.Load() - before; n != 0 {
		t.Errorf("malformed tokens caused %d key fetches", n)
	}

	// While no key was ever loaded, a token that is no well-formed JWT is
	// still 401, never 503 (see docs/runtime.md); a well-formed one is 503.
	down := newJWKSServer(t, iss, serverError)
	cold := newGuard(t, configFor(iss, down))
	b64 := func(s string) string { return strings.TrimRight(base64.URLEncoding.EncodeToString([]byte(s)), "=") }
	for name, tok := range map[string]string{
		"payload not base64url":   header + ".%%%." + sig,
		"signature not base64url": header + "." + payload + ".a+b/",
		"payload not JSON":        header + "." + b64("not json") + "." + sig,
		"payload an array":        header + "." + b64(`["x"]`) + "." + sig,
		"duplicate member":        header + "." + b64(`{"iss":"a","iss":"b"}`) + "." + sig,
		"empty payload":           header + ".." + sig,
	} {
		res := serve(t, cold, runtime.Requirement{}, bearer(tok))
		if res.status != http.StatusUnauthorized || !strings.Contains(res.challenge, "invalid_token") {
			t.Errorf("no keys, %s: %d %s, want 401 invalid_token", name, res.status, res.challenge)
		}
	}
	if res := serve(t, cold, runtime.Requirement{}, bearer(valid)); res.status != http.StatusServiceUnavailable {
		t.Errorf("no keys, a well-formed token: %d, want 503", res.status)
	}
}
