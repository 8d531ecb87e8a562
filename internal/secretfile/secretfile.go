// Package secretfile writes files that hold secrets (tokens, PIN hashes) so that a reader never
// sees half a file and the file keeps who may read it: the owner, group and mode of the file it
// replaces, or owner-only for a new one.
package secretfile

import (
	"fmt"
	"os"
	"path/filepath"
)

// Write replaces path with data atomically (a temporary file in the same folder, renamed over
// it), keeping the old file's mode, owner and group; a new file gets mode 0600.
func Write(path string, data []byte) error {
	mode := os.FileMode(0o600)
	old, err := os.Stat(path)
	if err == nil {
		mode = old.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name()) // after the rename, a no-op
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if old != nil {
		if err := chown(tmp, old); err != nil {
			tmp.Close()
			return fmt.Errorf("write %s: keep its owner: %w", path, err)
		}
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}
