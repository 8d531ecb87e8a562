//go:build unix

package cli

import (
	"fmt"
	"os"
	"syscall"
)

// restartSelf runs the program afresh with the same arguments and environment, in this process.
// It returns only on failure.
func restartSelf() error {
	exe, err := os.Executable()
	if err != nil {
		return fmt.Errorf("restart: %w", err)
	}
	return fmt.Errorf("restart: %w", syscall.Exec(exe, os.Args, os.Environ()))
}
