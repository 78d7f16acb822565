// Package redisstore shares the DPoP state of an axiomsgen Guard between
// the replicas of a service through Redis (or Valkey, which speaks the
// same protocol): the replay store, so that a proof used on one replica is
// refused on every other, and the server nonces, so that a nonce one
// replica issues the others accept.
//
//	store, err := redisstore.FromEnv() // AXIOMS_REDIS_URL=redis://redis:6379/0
//	...
//	defer store.Close()
//	cfg.DPoPReplay = store
//	cfg.DPoPNonces = store // only if clients must use server nonces
//
// When Redis cannot answer within the timeout (100 ms by default), DPoP
// requests fail closed: 503 temporarily_unavailable with Retry-After, never
// a replay window. Bearer requests never touch Redis and are unaffected.
// The client reconnects on its own: once Redis answers again, so do DPoP
// requests, with no restart.
//
// It lives in a module of its own so that services without Redis never
// download a Redis client.
package redisstore

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/redis/go-redis/v9"
)

// Defaults.
const (
	DefaultPrefix  = "axioms"
	DefaultTimeout = 100 * time.Millisecond
)

// Environment variables read by FromEnv.
const (
	// EnvURL is the server's URL: redis://[user:password@]host:port/db,
	// rediss:// for TLS (go-redis's ParseURL syntax).
	EnvURL = "AXIOMS_REDIS_URL"
	// EnvTimeout bounds every call (Go duration, default 100ms).
	EnvTimeout = "AXIOMS_REDIS_TIMEOUT"
	// EnvPrefix namespaces the keys (default "axioms"), so that several
	// services can share one Redis.
	EnvPrefix = "AXIOMS_REDIS_PREFIX"
)

// Options tune a Store. The zero value is usable.
type Options struct {
	// Prefix namespaces every key (default DefaultPrefix). Replicas of
	// one service must use the same prefix; different services should
	// not.
	Prefix string
	// Timeout bounds every call to Redis (default DefaultTimeout). A call
	// that takes longer fails, and the request with it (503).
	Timeout time.Duration
	// NonceLifetime is how long a server nonce is issued (default
	// runtime.DefaultDPoPNonceLifetime); a nonce is accepted during its
	// lifetime and the next one.
	NonceLifetime time.Duration
	// Now is the clock (default time.Now). Replicas' clocks should agree
	// within a small part of NonceLifetime.
	Now func() time.Time
}

// Store implements runtime.ReplayStore and runtime.NonceSource on Redis.
// It is safe for concurrent use.
type Store struct {
	rdb     redis.UniversalClient
	owned   bool // made by FromEnv: Close closes it
	prefix  string
	timeout time.Duration
	life    time.Duration
	now     func() time.Time

	mu     sync.Mutex
	nonces map[int64]string // by epoch: the nonce of each recent epoch seen
}

var (
	_ runtime.ReplayStore = (*Store)(nil)
	_ runtime.NonceSource = (*Store)(nil)
)

// New returns a Store on rdb, which the caller keeps and closes.
func New(rdb redis.UniversalClient, opts Options) *Store {
	s := &Store{
		rdb:     rdb,
		prefix:  cmp.Or(opts.Prefix, DefaultPrefix),
		timeout: opts.Timeout,
		life:    opts.NonceLifetime,
		now:     opts.Now,
		nonces:  map[int64]string{},
	}
	if s.timeout <= 0 {
		s.timeout = DefaultTimeout
	}
	if s.life <= 0 {
		s.life = runtime.DefaultDPoPNonceLifetime
	}
	if s.now == nil {
		s.now = time.Now
	}
	return s
}

// FromEnv connects to the server named by AXIOMS_REDIS_URL with the
// timeout of AXIOMS_REDIS_TIMEOUT and the key prefix of
// AXIOMS_REDIS_PREFIX. It does not wait for the server: a Store works as
// soon as Redis answers. Close the Store to close its connections.
func FromEnv() (*Store, error) {
	raw := strings.TrimSpace(os.Getenv(EnvURL))
	if raw == "" {
		return nil, fmt.Errorf("redisstore: %s is not set: give the Redis URL, e.g. redis://localhost:6379/0 (rediss:// for TLS)", EnvURL)
	}
	opts := Options{Prefix: strings.TrimSpace(os.Getenv(EnvPrefix))}
	if v := strings.TrimSpace(os.Getenv(EnvTimeout)); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("redisstore: %s=%q is not a positive duration: use Go syntax such as 100ms", EnvTimeout, v)
		}
		opts.Timeout = d
	}
	ropts, err := redis.ParseURL(raw)
	if err != nil {
		// The URL may hold a password: never print it.
		return nil, fmt.Errorf("redisstore: %s is not a Redis URL (redis://[user:password@]host:port/db or rediss://...): %w", EnvURL, redactedError(err))
	}
	return Dial(ropts, opts), nil
}

// Dial returns a Store on a new client for ropts (address, password, TLS
// and the rest as go-redis takes them), with its dial, read and write
// timeouts set to the Store's timeout where ropts leaves them unset.
// Close the Store to close the client.
func Dial(ropts *redis.Options, opts Options) *Store {
	timeout := cmp.Or(opts.Timeout, DefaultTimeout)
	o := *ropts
	o.DialTimeout = cmp.Or(o.DialTimeout, timeout)
	o.ReadTimeout = cmp.Or(o.ReadTimeout, timeout)
	o.WriteTimeout = cmp.Or(o.WriteTimeout, timeout)
	// A request waits for a connection no longer than for an answer.
	o.PoolTimeout = cmp.Or(o.PoolTimeout, timeout)
	o.ContextTimeoutEnabled = true
	s := New(redis.NewClient(&o), opts)
	s.owned = true
	return s
}

// Close closes the client when the Store made it (FromEnv, Dial).
func (s *Store) Close() error {
	if !s.owned {
		return nil
	}
	return s.rdb.Close()
}

// Seen implements runtime.ReplayStore: one SET NX PXAT, so that of two
// replicas recording one proof exactly one succeeds. The key is a hash
// of the proof's identity under the prefix, never the proof.
func (s *Store) Seen(ctx context.Context, key string, expiry time.Time) (bool, error) {
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	sum := sha256.Sum256([]byte(key))
	k := s.prefix + ":dpop:jti:" + base64.RawURLEncoding.EncodeToString(sum[:])
	err := s.rdb.Do(ctx, "SET", k, 1, "NX", "PXAT", expiry.UnixMilli()).Err()
	switch {
	case errors.Is(err, redis.Nil):
		return true, nil // the key was there: a replay
	case err != nil:
		return false, fmt.Errorf("redisstore: recording a DPoP proof: %w", err)
	}
	return false, nil
}

// Server nonces: time is cut into epochs of NonceLifetime; the first
// replica to need the nonce of an epoch draws it at random and stores it
// (if no other did first: a script that gets or sets in one step), and
// every replica reads that one. A nonce is accepted in its epoch and the
// next; an epoch's nonce never changes once stored, so each replica asks
// Redis about an epoch once.

// nonceScript returns the epoch's nonce, storing ARGV[1] as it when there
// is none yet, for ARGV[2] milliseconds.
var nonceScript = redis.NewScript(`
local v = redis.call('GET', KEYS[1])
if v then return v end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ARGV[1]`)

func (s *Store) epoch(t time.Time) int64 { return t.UnixNano() / int64(s.life) }

func (s *Store) nonceKey(epoch int64) string {
	return s.prefix + ":dpop:nonce:" + strconv.FormatInt(epoch, 10)
}

// cached returns the nonce of an epoch this replica already knows, and
// forgets epochs too old to matter.
func (s *Store) cached(epoch int64) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for e := range s.nonces {
		if e < epoch-2 {
			delete(s.nonces, e)
		}
	}
	n, ok := s.nonces[epoch]
	return n, ok
}

func (s *Store) remember(epoch int64, nonce string) {
	s.mu.Lock()
	s.nonces[epoch] = nonce
	s.mu.Unlock()
}

// Nonce implements runtime.NonceSource: the nonce of the current epoch.
func (s *Store) Nonce(ctx context.Context) (string, error) {
	e := s.epoch(s.now())
	if n, ok := s.cached(e); ok {
		return n, nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	b := make([]byte, 18)
	_, _ = rand.Read(b)
	ttl := 3 * s.life // the epoch, the next one when it is accepted, and a margin
	n, err := nonceScript.Run(ctx, s.rdb, []string{s.nonceKey(e)}, base64.RawURLEncoding.EncodeToString(b), ttl.Milliseconds()).Text()
	if err != nil {
		return "", fmt.Errorf("redisstore: getting the DPoP nonce: %w", err)
	}
	s.remember(e, n)
	return n, nil
}

// Valid implements runtime.NonceSource: nonce is that of the current
// epoch or the one before; or of the next one, when another replica whose
// clock runs a little ahead already issued it.
func (s *Store) Valid(ctx context.Context, nonce string) (bool, error) {
	if nonce == "" {
		return false, nil
	}
	e := s.epoch(s.now())
	var unknown []int64
	for _, epoch := range []int64{e, e - 1, e + 1} {
		n, ok := s.cached(epoch)
		if ok && n == nonce {
			return true, nil
		}
		if !ok {
			unknown = append(unknown, epoch)
		}
	}
	if len(unknown) == 0 {
		return false, nil
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	keys := make([]string, len(unknown))
	for i, epoch := range unknown {
		keys[i] = s.nonceKey(epoch)
	}
	vals, err := s.rdb.MGet(ctx, keys...).Result()
	if err != nil {
		return false, fmt.Errorf("redisstore: checking a DPoP nonce: %w", err)
	}
	valid := false
	for i, v := range vals {
		n, ok := v.(string)
		if !ok {
			continue // no nonce for that epoch yet: nothing to remember
		}
		s.remember(unknown[i], n)
		valid = valid || n == nonce
	}
	return valid, nil
}

// redactedError keeps a parse error's text from echoing the URL, which
// may carry a password.
func redactedError(err error) error {
	msg := err.Error()
	if i := strings.Index(msg, "://"); i >= 0 {
		return errors.New("the URL is malformed")
	}
	return errors.New(msg)
}
