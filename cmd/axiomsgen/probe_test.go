package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"regexp"
	goruntime "runtime"
	"strings"
	"testing"
	"time"

	"github.com/axioms-go/axiomsgen/internal/gen"
	"github.com/axioms-go/axiomsgen/runtime"
	"github.com/axioms-go/axiomsgen/runtime/axiomstest"
)

const apiPkg = "github.com/axioms-go/axiomsgen/examples/api"

// startDevAPI builds examples/api and starts it in -dev mode on a free
// loopback port, as a user would; it returns the service's URL and the
// dev issuer's URL it prints.
func startDevAPI(t *testing.T) (url, issuer string) {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return startDev(t, root, "./examples/api")
}

// startDev builds the command pkg of the module in dir and starts it in
// -dev mode on a free loopback port; it returns the service's URL and the
// dev issuer's URL it prints.
func startDev(t *testing.T, dir, pkg string) (url, issuer string) {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "service")
	build := exec.Command("go", "build", "-o", bin, pkg)
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		if strings.Contains(string(out), "GOPROXY=off") {
			t.Skipf("the example's router is not in the module cache (go mod download in %s): %s", dir, out)
		}
		t.Fatalf("building %s: %v\n%s", pkg, err, out)
	}
	cmd := exec.Command(bin, "-dev", "-addr", "127.0.0.1:0")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	found := make(chan [2]string, 2)
	scan := func(r io.Reader, re *regexp.Regexp, i int) {
		s := bufio.NewScanner(r)
		for s.Scan() {
			if m := re.FindStringSubmatch(s.Text()); m != nil {
				var v [2]string
				v[i] = m[1]
				found <- v
				break
			}
		}
		io.Copy(io.Discard, r) // keep the pipe drained
	}
	go scan(stderr, regexp.MustCompile(`serving url=(http://127\.0\.0\.1:\d+)`), 0)
	go scan(stdout, regexp.MustCompile(`^Dev issuer (http://127\.0\.0\.1:\d+) `), 1)
	timeout := time.After(30 * time.Second)
	for url == "" || issuer == "" {
		select {
		case v := <-found:
			url, issuer = url+v[0], issuer+v[1]
		case <-timeout:
			t.Fatalf("the -dev service did not print its URL and issuer (url %q, issuer %q)", url, issuer)
		}
	}
	return url, issuer
}

// TestProbeDevService: the probe passes against examples/api running in
// -dev mode, with the issuer given or found in the service's metadata,
// DPoP included; -v prints every case; proofs naming another URL than the
// guard's fail with a hint.
func TestProbeDevService(t *testing.T) {
	url, issuer := startDevAPI(t)
	local := strings.Replace(url, "127.0.0.1", "localhost", 1)
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"issuer from the metadata", []string{"probe", "-v", "-url", url, apiPkg}},
		{"issuer given", []string{"probe", "-url", url, "-issuer", issuer, apiPkg}},
		{"through localhost, proofs naming the guard's URL", []string{"probe", "-url", local, "-base-url", url, "-param", "id=2", apiPkg}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			if code := run(context.Background(), tt.args, &out, &errb); code != exitOK {
				t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
			}
			if !regexp.MustCompile(`(?m)^axiomsgen probe: ok: \d+ cases on 9 routes$`).MatchString(out.String()) {
				t.Errorf("summary:\n%s", out.String())
			}
			if !strings.Contains(tt.name, "metadata") {
				return
			}
			for _, want := range []string{
				"POST /payouts  permissions(payouts:create) AND dpop\n",
				"ok   401 unauthorized",
				"POST /payouts  bearer token on a DPoP route\n",
				"POST /payouts  bound token with a proof meeting the requirement\n",
				"POST /account/close  token without acr(urn:example:mfa|urn:example:hwk)\n",
				"DELETE /items/1  HS256 with the public key as secret\n",
				"GET /healthz  no token on a public route\n",
			} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("-v output lacks %q", want)
				}
			}
		})
	}
	// Proofs naming another URL than the guard's DPoPBaseURL fail the
	// DPoP route's cases, with a hint saying why; -v marks them.
	t.Run("through localhost, proofs naming another URL", func(t *testing.T) {
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{"probe", "-v", "-url", local, apiPkg}, &out, &errb); code != exitFindings {
			t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
		}
		for _, want := range []string{
			"POST /payouts: POST /payouts [bound token with a proof meeting the requirement]: got 401 \"invalid_dpop_proof\"",
			"must be the guard's DPoPBaseURL exactly",
			// -v marks the failing rows of the matrix.
			"\tFAIL 401 invalid_dpop_proof                 POST /payouts  bound token with a proof meeting the requirement\n",
			"\tok   401 unauthorized                       POST /payouts  bearer token on a DPoP route\n",
		} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("output lacks %q:\n%s", want, out.String())
			}
		}
	})
}

// TestProbeRouterExamples: the probe passes against a router's example
// (its own module, the real router) running in -dev mode, its requests in
// that router's path syntax (":id"); the issuer is the one it prints.
// Gin stands for the others: each example's own tests run the same matrix
// in process, and a build and start costs seconds per router.
func TestProbeRouterExamples(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, router := range []string{"gin"} {
		t.Run(router, func(t *testing.T) {
			dir := filepath.Join(root, "examples", router)
			// Routers come from the module cache only: the suite runs
			// offline, as TestRouterExamplesAllGuarded does.
			t.Setenv("GOPROXY", "off")
			url, issuer := startDev(t, dir, ".")
			t.Chdir(dir)
			var out, errb bytes.Buffer
			if code := run(context.Background(), []string{"probe", "-v", "-url", url, "-issuer", issuer, "."}, &out, &errb); code != exitOK {
				t.Fatalf("exit %d\n%s%s", code, out.String(), errb.String())
			}
			if !regexp.MustCompile(`(?m)^axiomsgen probe: ok: \d+ cases on 5 routes$`).MatchString(out.String()) ||
				!strings.Contains(out.String(), "DELETE /items/1  token without permissions(items:delete)\n") {
				t.Errorf("output:\n%s", out.String())
			}
		})
	}
}

// TestProbeBrokenService: a service that registers one route without its
// guard fails the probe, exit 1, with one line per failing case naming
// the handler's position, the route and the case, and no other route.
func TestProbeBrokenService(t *testing.T) {
	routes, _, code := loadRoutes(context.Background(), gen.Options{}, []string{apiPkg}, io.Discard)
	if code != exitOK {
		t.Fatalf("loading the routes: exit %d", code)
	}
	iss := axiomstest.New(t, axiomstest.WithAudience("https://items.example.test"))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	cfg := iss.Config()
	cfg.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	cfg.DPoPBaseURL = url
	g, err := runtime.New(t.Context(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { g.Close() })
	ok := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusOK) })
	mux := http.NewServeMux()
	for _, r := range routes {
		switch {
		case r.Public, r.Pattern == "DELETE /items/{id}": // the broken one
			mux.Handle(r.Pattern, ok)
		default:
			mux.Handle(r.Pattern, g.Handler(r.Requirement, ok))
		}
	}
	srv := &http.Server{Handler: mux}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })

	var out, errb bytes.Buffer
	code = run(context.Background(), []string{"probe", "-url", url, "-issuer", iss.URL(), apiPkg}, &out, &errb)
	if code != exitFindings {
		t.Fatalf("exit %d, want %d\n%s%s", code, exitFindings, out.String(), errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	summary := lines[len(lines)-1]
	if !strings.HasPrefix(summary, "axiomsgen probe: FAIL: ") || !strings.HasSuffix(summary, " cases on 9 routes") {
		t.Errorf("summary %q", summary)
	}
	failing := map[string]bool{}
	lineRE := regexp.MustCompile(`^\S*examples/api/handlers\.go:\d+:1: DELETE /items/\{id\}: DELETE /items/1 \[([^\]]+)\]: got (\d+) .* want (.+)$`)
	for _, l := range lines[:len(lines)-1] {
		m := lineRE.FindStringSubmatch(l)
		if m == nil {
			t.Errorf("a failure line does not name the broken route's position, route, request and case: %q", l)
			continue
		}
		failing[m[1]] = true
	}
	for _, c := range []string{"no token", "expired token", "alg none", "token signed by an unknown key", "token without permissions(items:delete)"} {
		if !failing[c] {
			t.Errorf("case %q was not reported; output:\n%s", c, out.String())
		}
	}
}

// TestProbeRefuses: usage errors are exit 2 with a message saying what to
// do, and nothing is sent to a host that is not loopback.
func TestProbeRefuses(t *testing.T) {
	noMeta := startPlain(t)
	for _, tt := range []struct {
		name string
		args []string
		want string
		dir  string // to run in, from the repository's root; "" for here
	}{
		{"no -url", []string{"probe", apiPkg}, "-url is required", ""},
		{"a host that is not loopback", []string{"probe", "-url", "http://192.0.2.1:8080", "-issuer", "http://127.0.0.1:1", apiPkg}, "-allow-non-loopback allows it", ""},
		{"an issuer that is not loopback", []string{"probe", "-url", "http://127.0.0.1:1", "-issuer", "https://login.example.com", apiPkg}, "not a loopback address", ""},
		{"no issuer given or published", []string{"probe", "-url", noMeta, apiPkg}, "pass it with -issuer", ""},
		{"a bad -param", []string{"probe", "-url", noMeta, "-param", "id", apiPkg}, `-param "id": want name=value`, ""},
		{"no routes", []string{"probe", "-url", noMeta, "github.com/axioms-go/axiomsgen/examples/demo"}, "nothing to probe", ""},
		{"gRPC and Connect methods only", []string{"probe", "-url", noMeta, "-issuer", noMeta, "./rpc"},
			"no //axioms:route directive; 5 annotated gRPC and Connect methods are not probed", "testdata/discover"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if tt.dir != "" {
				_, self, _, _ := goruntime.Caller(0)
				t.Chdir(filepath.Join(filepath.Dir(self), "..", "..", tt.dir))
			}
			var out, errb bytes.Buffer
			if code := run(context.Background(), tt.args, &out, &errb); code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if !strings.Contains(errb.String(), tt.want) {
				t.Errorf("stderr %q lacks %q", errb.String(), tt.want)
			}
		})
	}
}

// startPlain starts a loopback server that answers 404 to everything.
func startPlain(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.NotFoundHandler()}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}
