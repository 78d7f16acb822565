// Package atomicfile writes files whole or not at all: the content goes
// to a temporary file in the target's directory, which is closed (every
// error checked, Close's included, since a file is complete only once
// closed) and then renamed over the target. A failed write leaves the
// target as it was and no temporary file behind.
//
// A symbolic link is followed: the file it names is replaced, the link
// stays. A target that exists and is not a regular file (a device such
// as /dev/stdout, a named pipe) is written to directly, as a plain write
// would. A regular file that cannot be opened for writing (read-only, or
// not the runner's) is an error, never replaced.
package atomicfile

import (
	"fmt"
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
	if resolved, err := filepath.EvalSymlinks(path); err == nil {
		path = resolved
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		if !fi.Mode().IsRegular() {
			return writeDirect(path, content)
		}
		// Replace only what could be written in place.
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		f.Close()
		mode = fi.Mode().Perm()
	}
	tmp, err := createTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
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

// writeDirect writes content to a target that is not a regular file.
func writeDirect(path string, content []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	if _, err := f.Write(content); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
