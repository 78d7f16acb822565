package redisstore_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/axioms-go/axiomsgen/redisstore"
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
	"github.com/redis/go-redis/v9"
	"go.uber.org/goleak"
)

// TestMain fails the run if a goroutine outlives the tests: every client
// and Guard is closed by its test.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// server is a real redis-server on a loopback port, started by the test
// (Debian package redis-server; .ci/run installs it).
type server struct {
	t    testing.TB
	port int
	cmd  *exec.Cmd
}

func startRedis(t testing.TB) *server {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatal("redis-server is not installed: apt-get install redis-server (.ci/run does)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	ln.Close()
	s := &server{t: t, port: port}
	s.start()
	t.Cleanup(s.stop)
	return s
}

func (s *server) addr() string { return "127.0.0.1:" + strconv.Itoa(s.port) }

func (s *server) start() {
	s.t.Helper()
	s.cmd = exec.Command("redis-server", "--port", strconv.Itoa(s.port), "--bind", "127.0.0.1",
		"--save", "", "--appendonly", "no", "--protected-mode", "yes", "--loglevel", "warning")
	if err := s.cmd.Start(); err != nil {
		s.t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", s.addr(), 100*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			s.t.Fatalf("redis-server did not start on %s: %v", s.addr(), err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (s *server) stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Kill()
	s.cmd.Wait()
	s.cmd = nil
}

// clock is a settable clock shared by the replicas of a test.
type clock struct{ t atomic.Pointer[time.Time] }

func newClock() *clock {
	c := &clock{}
	now := time.Now()
	c.t.Store(&now)
	return c
}
func (c *clock) now() time.Time              { return *c.t.Load() }
func (c *clock) add(d time.Duration)         { t := c.now().Add(d); c.t.Store(&t) }
func quietLogger() *slog.Logger              { return slog.New(slog.NewTextHandler(io.Discard, nil)) }
func storeFor(srv *server) *redisstore.Store { return dial(srv, redisstore.Options{}) }

func dial(srv *server, opts redisstore.Options) *redisstore.Store {
	return redisstore.Dial(&redis.Options{Addr: srv.addr(), MaxRetries: -1}, opts)
}

const base = "https://api.example.test"

// replicas are Guards of one service sharing one Redis, each with its
// own client, as separate processes would.
type replicas struct {
	iss    *axiomstest.Issuer
	guards []*runtime.Guard
	key    *axiomstest.DPoPKey
	token  string // bound to key
}

func newReplicas(t *testing.T, srv *server, n int, nonces bool, clk *clock) *replicas {
	t.Helper()
	r := &replicas{iss: axiomstest.New(t)}
	for range n {
		// A generous timeout: the tests run with -race on a busy machine,
		// and the concurrent one has 192 requests in flight.
		opts := redisstore.Options{NonceLifetime: time.Minute, Timeout: 2 * time.Second}
		if clk != nil {
			opts.Now = clk.now
		}
		store := dial(srv, opts)
		t.Cleanup(func() { store.Close() })
		cfg := r.iss.Config()
		cfg.Logger = quietLogger()
		cfg.DPoPBaseURL = base
		cfg.DPoPReplay = store
		if nonces {
			cfg.DPoPNonces = store
		}
		if clk != nil {
			cfg.Now = clk.now
		}
		g, err := runtime.New(t.Context(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { g.Close() })
		r.guards = append(r.guards, g)
	}
	r.key = r.iss.DPoPKey(t, "ES256")
	r.token = r.iss.Token(t, axiomstest.WithDPoPKey(r.key), axiomstest.WithExpiresIn(time.Hour))
	return r
}

type answer struct {
	status int
	code   string
	nonce  string
	retry  string
}

// send serves one request through replica i's guard.
func (r *replicas) send(t testing.TB, i int, req *http.Request) answer {
	t.Helper()
	h := r.guards[i].Handler(runtime.Requirement{}, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {}))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, req)
	a := answer{status: w.Code, nonce: w.Header().Get("DPoP-Nonce"), retry: w.Header().Get("Retry-After")}
	if w.Code != 200 {
		var body struct{ Error string }
		json.Unmarshal(w.Body.Bytes(), &body)
		a.code = body.Error
	}
	return a
}

func (r *replicas) dpopRequest(t testing.TB, opts ...axiomstest.ProofOption) *http.Request {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, base+"/items", nil)
	if err := r.key.Authorize(req, r.token, opts...); err != nil {
		t.Fatal(err)
	}
	return req
}

// TestReplicasShareReplays: a proof accepted by one replica is refused by
// the two others.
func TestReplicasShareReplays(t *testing.T) {
	srv := startRedis(t)
	r := newReplicas(t, srv, 3, false, nil)
	for first := range 3 {
		req := r.dpopRequest(t)
		if a := r.send(t, first, req.Clone(t.Context())); a.status != 200 {
			t.Fatalf("replica %d: first use %d %s", first, a.status, a.code)
		}
		for other := range 3 {
			if a := r.send(t, other, req.Clone(t.Context())); a.status != 401 || a.code != "invalid_dpop_proof" {
				t.Errorf("replica %d after %d: replay got %d %q, want 401 invalid_dpop_proof", other, first, a.status, a.code)
			}
		}
	}
}

// TestReplicasShareNonces: a nonce issued by one replica is accepted by
// the others, through its lifetime and the next, and refused after two
// rotations.
func TestReplicasShareNonces(t *testing.T) {
	srv := startRedis(t)
	clk := newClock()
	r := newReplicas(t, srv, 3, true, clk)
	a := r.send(t, 0, r.dpopRequest(t))
	if a.status != 401 || a.code != "use_dpop_nonce" || a.nonce == "" {
		t.Fatalf("no nonce: %d %q, DPoP-Nonce %q", a.status, a.code, a.nonce)
	}
	nonce := a.nonce
	for i := 1; i < 3; i++ {
		if b := r.send(t, i, r.dpopRequest(t, axiomstest.WithProofNonce(nonce))); b.status != 200 {
			t.Fatalf("replica %d refused replica 0's nonce: %d %q", i, b.status, b.code)
		}
		if b := r.send(t, i, r.dpopRequest(t)); b.nonce != nonce {
			t.Errorf("replica %d issues %q, replica 0 %q", i, b.nonce, nonce)
		}
	}
	// One rotation: the new nonce is issued, the old one still accepted.
	clk.add(time.Minute)
	for i := range 3 {
		if b := r.send(t, i, r.dpopRequest(t, axiomstest.WithProofNonce(nonce))); b.status != 200 {
			t.Fatalf("replica %d, one rotation later: %d %q", i, b.status, b.code)
		} else if b.nonce == nonce || b.nonce == "" {
			t.Fatalf("replica %d, one rotation later, still issues the old nonce %q", i, b.nonce)
		}
	}
	// Two rotations: refused everywhere.
	clk.add(time.Minute)
	for i := range 3 {
		if b := r.send(t, i, r.dpopRequest(t, axiomstest.WithProofNonce(nonce))); b.status != 401 || b.code != "use_dpop_nonce" {
			t.Errorf("replica %d, two rotations later: %d %q, want 401 use_dpop_nonce", i, b.status, b.code)
		}
	}
}

// TestRedisDown: without Redis, DPoP requests fail closed (503 with
// Retry-After) and Bearer requests pass; once Redis is back, DPoP works
// again with the same Guards.
func TestRedisDown(t *testing.T) {
	srv := startRedis(t)
	r := newReplicas(t, srv, 2, true, nil)
	bearer := r.iss.Token(t)
	bearerReq := func() *http.Request {
		req := httptest.NewRequest(http.MethodGet, base+"/items", nil)
		req.Header.Set("Authorization", "Bearer "+bearer)
		return req
	}
	nonce := r.send(t, 0, r.dpopRequest(t)).nonce
	if a := r.send(t, 1, r.dpopRequest(t, axiomstest.WithProofNonce(nonce))); a.status != 200 {
		t.Fatalf("before: %d %q", a.status, a.code)
	}
	srv.stop()
	for i := range 2 {
		start := time.Now()
		a := r.send(t, i, r.dpopRequest(t, axiomstest.WithProofNonce(nonce)))
		if a.status != 503 || a.code != "temporarily_unavailable" || a.retry == "" {
			t.Errorf("replica %d, Redis down: %d %q Retry-After %q, want 503 with Retry-After", i, a.status, a.code, a.retry)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("replica %d answered after %v with Redis down", i, d)
		}
		if a := r.send(t, i, bearerReq()); a.status != 200 {
			t.Errorf("replica %d, Redis down: Bearer %d %q, want 200", i, a.status, a.code)
		}
	}
	srv.start()
	for i := range 2 {
		deadline := time.Now().Add(5 * time.Second)
		for {
			// The restarted server lost the nonces: get one again.
			n := r.send(t, i, r.dpopRequest(t)).nonce
			a := r.send(t, i, r.dpopRequest(t, axiomstest.WithProofNonce(n)))
			if a.status == 200 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("replica %d, Redis back: still %d %q", i, a.status, a.code)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
}

// TestProofsAcceptedOnceAcrossReplicas: 64 goroutines record 2,000 proofs
// each; every proof is raced by three goroutines on three replicas'
// stores, and exactly one of them records it.
func TestProofsAcceptedOnceAcrossReplicas(t *testing.T) {
	srv := startRedis(t)
	var stores []*redisstore.Store
	for range 3 {
		s := dial(srv, redisstore.Options{Timeout: 5 * time.Second})
		t.Cleanup(func() { s.Close() })
		stores = append(stores, s)
	}
	const goroutines, proofs = 64, 2000
	var accepted [goroutines / 3 * proofs]atomic.Int32
	var errs atomic.Int32
	var wg sync.WaitGroup
	expiry := time.Now().Add(time.Minute)
	for g := range goroutines / 3 * 3 {
		wg.Go(func() {
			group, replica := g/3, g%3
			for i := range proofs {
				key := fmt.Sprintf("jkt-%d:jti-%d", group, i)
				seen, err := stores[replica].Seen(context.Background(), key, expiry)
				if err != nil {
					errs.Add(1)
					continue
				}
				if !seen {
					accepted[group*proofs+i].Add(1)
				}
			}
		})
	}
	wg.Wait()
	if n := errs.Load(); n != 0 {
		t.Fatalf("%d calls failed", n)
	}
	for i := range accepted {
		if n := accepted[i].Load(); n != 1 {
			t.Fatalf("proof %d accepted %d times, want exactly once", i, n)
		}
	}
}

// TestReplicasConcurrentRequests: the same, through the Guards: each of
// 64 goroutines sends its proofs to all three replicas at once; each
// proof is served exactly once.
func TestReplicasConcurrentRequests(t *testing.T) {
	srv := startRedis(t)
	r := newReplicas(t, srv, 3, false, nil)
	const goroutines, proofs = 64, 10
	var served, refused atomic.Int32
	var wg sync.WaitGroup
	for range goroutines {
		wg.Go(func() {
			for range proofs {
				req := r.dpopRequest(t)
				var inner sync.WaitGroup
				var ok atomic.Int32
				for i := range 3 {
					clone := req.Clone(context.Background())
					inner.Go(func() {
						switch a := r.send(t, i, clone); a.status {
						case 200:
							ok.Add(1)
						case 401:
							refused.Add(1)
						default:
							t.Errorf("status %d %q", a.status, a.code)
						}
					})
				}
				inner.Wait()
				if ok.Load() != 1 {
					t.Errorf("a proof was served %d times", ok.Load())
				}
				served.Add(ok.Load())
			}
		})
	}
	wg.Wait()
	if served.Load() != goroutines*proofs || refused.Load() != 2*goroutines*proofs {
		t.Errorf("served %d, refused %d", served.Load(), refused.Load())
	}
}

// TestKeysAreHashedAndNamespaced: the replay key holds neither the
// proof's identity nor anything outside the prefix.
func TestKeysAreHashedAndNamespaced(t *testing.T) {
	srv := startRedis(t)
	s := dial(srv, redisstore.Options{Prefix: "svc-a"})
	t.Cleanup(func() { s.Close() })
	if _, err := s.Seen(t.Context(), "thumbprint:the-jti", time.Now().Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(&redis.Options{Addr: srv.addr()})
	defer rdb.Close()
	keys, err := rdb.Keys(t.Context(), "*").Result()
	if err != nil || len(keys) != 1 {
		t.Fatalf("keys %q, %v", keys, err)
	}
	if k := keys[0]; len(k) < 7 || k[:7] != "svc-a:d" || containsAny(k, "thumbprint", "the-jti") {
		t.Errorf("key %q", k)
	}
	ttl, err := rdb.PTTL(t.Context(), keys[0]).Result()
	if err != nil || ttl <= 0 || ttl > time.Minute {
		t.Errorf("TTL %v, %v", ttl, err)
	}
	// Another service's prefix does not see the proof.
	other := dial(srv, redisstore.Options{Prefix: "svc-b"})
	t.Cleanup(func() { other.Close() })
	if seen, err := other.Seen(t.Context(), "thumbprint:the-jti", time.Now().Add(time.Minute)); err != nil || seen {
		t.Errorf("another prefix: seen %v, %v", seen, err)
	}
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		for i := 0; i+len(sub) <= len(s); i++ {
			if s[i:i+len(sub)] == sub {
				return true
			}
		}
	}
	return false
}

// TestFromEnv: the URL, the timeout and the prefix come from the
// environment; a missing or malformed value is an error that never
// prints a password.
func TestFromEnv(t *testing.T) {
	srv := startRedis(t)
	t.Setenv(redisstore.EnvURL, "redis://"+srv.addr()+"/0")
	t.Setenv(redisstore.EnvTimeout, "250ms")
	t.Setenv(redisstore.EnvPrefix, "env")
	s, err := redisstore.FromEnv()
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if seen, err := s.Seen(t.Context(), "k", time.Now().Add(time.Minute)); err != nil || seen {
		t.Fatalf("Seen: %v, %v", seen, err)
	}
	for _, tt := range []struct{ url, timeout string }{
		{"", ""},
		{"http://user:s3cret@host:6379", ""},
		{"redis://user:s3cret@host:notaport", ""},
		{"redis://" + srv.addr(), "soon"},
		{"redis://" + srv.addr(), "-1s"},
	} {
		t.Setenv(redisstore.EnvURL, tt.url)
		t.Setenv(redisstore.EnvTimeout, tt.timeout)
		s, err := redisstore.FromEnv()
		if err == nil {
			s.Close()
			t.Errorf("%q %q: no error", tt.url, tt.timeout)
			continue
		}
		if containsAny(err.Error(), "s3cret") {
			t.Errorf("the error prints the password: %v", err)
		}
	}
}
