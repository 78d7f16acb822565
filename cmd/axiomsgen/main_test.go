package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// module writes a module using axiomsgen with the given files and
// returns its directory.
func module(t *testing.T, files map[string]string) string {
	t.Helper()
	_, self, _, _ := runtime.Caller(0)
	root := filepath.Clean(filepath.Join(filepath.Dir(self), "..", ".."))
	dir := t.TempDir()
	rootMod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	mod := fmt.Sprintf("module example.com/app\n\ngo 1.26.0\n\nrequire github.com/axioms-go/axiomsgen v0.0.0\n\nreplace github.com/axioms-go/axiomsgen => %s\n", root)
	for _, line := range strings.Split(string(rootMod), "\n") {
		line = strings.TrimSpace(strings.TrimPrefix(line, "require "))
		if f := strings.Fields(line); len(f) >= 2 && strings.Contains(f[0], ".") && strings.HasPrefix(f[1], "v") {
			mod += fmt.Sprintf("require %s %s // indirect\n", f[0], f[1])
		}
	}
	files["go.mod"] = mod
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	files["go.sum"] = string(sum)
	for name, content := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const good = `package a

import "net/http"

//axioms:route GET /x
//axioms:scopes read
func X(w http.ResponseWriter, r *http.Request) {}
`

const bad = `package a

import "net/http"

//axioms:route GET /x
//axioms:scope read
func X(w http.ResponseWriter, r *http.Request) {}
`

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name   string
		files  map[string]string
		args   []string
		code   int
		stderr string // substring
		stdout string // substring
	}{
		{name: "generates", files: map[string]string{"a/a.go": good}, args: []string{"-v", "./..."}, code: 0, stdout: "axioms_gen.go"},
		{name: "default pattern is the current directory", files: map[string]string{"a/a.go": good}, args: []string{"generate"}, code: 0},
		{name: "annotation error", files: map[string]string{"a/a.go": bad}, args: []string{"./..."}, code: 1,
			stderr: "a/a.go:6:1: unknown directive //axioms:scope; did you mean //axioms:scopes?"},
		{name: "package does not compile", files: map[string]string{"a/a.go": good + "\nfunc Y() { nope() }\n"}, args: []string{"./..."}, code: 2, stderr: "undefined: nope"},
		{name: "pattern matches nothing", files: map[string]string{"a/a.go": good}, args: []string{"./nothing/..."}, code: 2, stderr: "pattern ./nothing/..."},
		{name: "unknown flag", files: map[string]string{"a/a.go": good}, args: []string{"-frob"}, code: 2, stderr: "usage: axiomsgen"},
		{name: "bad -register", files: map[string]string{"a/a.go": good}, args: []string{"-register", "lower", "./..."}, code: 2, stderr: "exported Go identifier"},
		{name: "bad -output", files: map[string]string{"a/a.go": good}, args: []string{"-output", "../x.go", "./..."}, code: 2, stderr: "plain .go file name"},
		{name: "help", files: map[string]string{"a/a.go": good}, args: []string{"-h"}, code: 0, stderr: "usage: axiomsgen"},
		{name: "help names report and check", files: map[string]string{"a/a.go": good}, args: []string{"-h"}, code: 0, stderr: "axiomsgen report [-format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := module(t, tt.files)
			t.Chdir(dir)
			if tt.name == "default pattern is the current directory" {
				t.Chdir(filepath.Join(dir, "a"))
			}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Fatalf("exit %d, want %d\nstderr: %s", code, tt.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), tt.stderr) || !strings.Contains(stdout.String(), tt.stdout) {
				t.Errorf("stdout %q / stderr %q, want %q / %q", stdout.String(), stderr.String(), tt.stdout, tt.stderr)
			}
			_, err := os.Stat(filepath.Join(dir, "a", "axioms_gen.go"))
			if tt.code == 0 && !strings.HasPrefix(tt.name, "help") && err != nil {
				t.Errorf("no generated file: %v", err)
			}
			if tt.code != 0 && err == nil {
				t.Error("a failed run wrote a generated file")
			}
		})
	}
}

// failingWriter fails every write, as a closed pipe or a full disk does.
type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, fmt.Errorf("no space left on device") }

// TestOutputErrors: a report or findings that could not be written are a
// failed run, never exit 0 with nothing written.
func TestOutputErrors(t *testing.T) {
	dir := module(t, map[string]string{"a/a.go": good})
	t.Chdir(dir)
	var errb bytes.Buffer
	if code := run(context.Background(), []string{"./a"}, &bytes.Buffer{}, &errb); code != 0 {
		t.Fatalf("generate: exit %d: %s", code, errb.String())
	}
	errb.Reset()
	if code := run(context.Background(), []string{"check", "-json", "./..."}, failingWriter{}, &errb); code != 2 || !strings.Contains(errb.String(), "no space left") {
		t.Errorf("check -json to a failing writer: exit %d, stderr %q", code, errb.String())
	}
	// report -o writes its file whole or not at all (the writer's every
	// failure, Close's included, is covered by internal/atomicfile): an
	// unwritable path is a failed run, and an existing report survives it.
	if err := os.WriteFile("old.json", []byte("previous report"), 0o644); err != nil {
		t.Fatal(err)
	}
	errb.Reset()
	if code := run(context.Background(), []string{"report", "-format", "json", "-o", "old.json/report.json", "./..."}, &bytes.Buffer{}, &errb); code != 2 || !strings.Contains(errb.String(), "old.json") {
		t.Errorf("report -o below a file: exit %d, stderr %q", code, errb.String())
	}
	if got, _ := os.ReadFile("old.json"); string(got) != "previous report" {
		t.Errorf("old.json is now %q", got)
	}
	errb.Reset()
	if code := run(context.Background(), []string{"report", "-format", "json", "-o", "old.json", "./..."}, &bytes.Buffer{}, &errb); code != 0 {
		t.Fatalf("report -o: exit %d, stderr %q", code, errb.String())
	}
	if got, _ := os.ReadFile("old.json"); !json.Valid(got) || !bytes.Contains(got, []byte(`"routes"`)) {
		t.Errorf("report -o wrote %q", got)
	}
}
