package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	if err := Write(path, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, []byte("two")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "two" {
		t.Fatalf("content %q, %v", got, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, want the replaced file's 0600", fi.Mode().Perm())
	}
	noLeftovers(t, dir, 1)

	fresh := filepath.Join(dir, "new.txt")
	if err := Write(fresh, []byte("x")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(fresh); fi.Mode().Perm() != 0o644 {
		t.Errorf("a new file's mode is %v, want 0644", fi.Mode().Perm())
	}
}

// TestWriteThroughSymlink: the file a link names is replaced; the link
// stays a link.
func TestWriteThroughSymlink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.json")
	link := filepath.Join(dir, "link.json")
	if err := os.WriteFile(real, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real.json", link); err != nil {
		t.Fatal(err)
	}
	if err := Write(link, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link is no longer a link: %v, %v", fi, err)
	}
	if got, _ := os.ReadFile(real); string(got) != "new" {
		t.Fatalf("the linked file holds %q", got)
	}
}

func TestWriteMissingDirectory(t *testing.T) {
	target := filepath.Join(t.TempDir(), "nodir", "r.json")
	err := Write(target, []byte("x"))
	if err == nil || !strings.Contains(err.Error(), target) {
		t.Fatalf("Write = %v, want an error naming %s", err, target)
	}
}

// TestWriteFailures: whatever step fails, the target is as it was and no
// temporary file is left.
func TestWriteFailures(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	if err := os.WriteFile(path, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	for _, step := range []string{"write", "chmod", "close"} {
		t.Run(step, func(t *testing.T) {
			defer func(f func(string, string) (file, error)) { createTemp = f }(createTemp)
			createTemp = func(dir, pattern string) (file, error) {
				f, err := os.CreateTemp(dir, pattern)
				return &failing{File: f, step: step, err: boom}, err
			}
			if err := Write(path, []byte("new")); !errors.Is(err, boom) {
				t.Fatalf("Write = %v, want the %s error", err, step)
			}
			if got, _ := os.ReadFile(path); string(got) != "old" {
				t.Fatalf("target now %q", got)
			}
			noLeftovers(t, dir, 1)
		})
	}
	t.Run("rename", func(t *testing.T) {
		target := filepath.Join(dir, "a-directory")
		if err := os.Mkdir(target, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(target, "x"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := Write(target, []byte("new")); err == nil {
			t.Fatal("a directory was replaced by a file")
		}
		noLeftovers(t, dir, 2)
	})
	t.Run("no directory", func(t *testing.T) {
		if err := Write(filepath.Join(path, "below-a-file"), []byte("new")); err == nil {
			t.Fatal("wrote below a regular file")
		}
	})
}

// failing is a temporary file whose step fails after doing its work.
type failing struct {
	*os.File
	step string
	err  error
}

func (f *failing) Write(b []byte) (int, error) {
	n, err := f.File.Write(b)
	if f.step == "write" {
		return n, f.err
	}
	return n, err
}

func (f *failing) Chmod(m os.FileMode) error {
	if err := f.File.Chmod(m); err != nil || f.step != "chmod" {
		return err
	}
	return f.err
}

func (f *failing) Close() error {
	if err := f.File.Close(); err != nil || f.step != "close" {
		return err
	}
	return f.err
}

func noLeftovers(t *testing.T, dir string, want int) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != want {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Fatalf("directory holds %v, want %d entries", names, want)
	}
}
