//go:build !linux

package cli

import (
	"errors"
	"io"
	"os"
)

// isTerminal reports false: PINs are read without echo on Linux only; elsewhere use --pin-stdin.
func isTerminal(*os.File) bool { return false }

// readHidden is not available here.
func readHidden(*os.File, io.Writer, string) (string, error) {
	return "", errors.New("reading a PIN without echo needs Linux: pass --pin-stdin")
}
