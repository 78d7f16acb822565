// Package atomicfile writes files whole or not at all: the content goes
// to a temporary file in the target's directory, which is closed (every
// error checked, Close's included, since a file is complete only once
// closed) and then renamed over the target. A failed write leaves the
// target as it was and no temporary file behind.
package atomicfile

import (
	"io"
	"os"
	"path/filepath"
)

// file is what Write needs of an *os.File.
type file interface {
	io.Writer
	Chmod(os.FileMode) error
	Close() error
	Name() string
}

// createTemp makes the temporary file; a test swaps it.
var createTemp = func(dir, pattern string) (file, error) { return os.CreateTemp(dir, pattern) }

// Write replaces path with content. The file keeps the permissions of the
// one it replaces, or gets 0644 when new.
func Write(path string, content []byte) error {
	mode := os.FileMode(0o644)
	if fi, err := os.Stat(path); err == nil {
		mode = fi.Mode().Perm()
	}
	tmp, err := createTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // nothing left to remove after the rename
	if _, err := tmp.Write(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
