package store

import (
	"fmt"
	"os"
)

func ensureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("create data folder: %w", err)
	}
	return nil
}
