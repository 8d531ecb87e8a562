//go:build !unix

package ptyline

import (
	"errors"
	"os"
)

// ErrUnsupported is returned where the system has no pseudo-terminals (Windows): the device
// simulators run on the hall's Linux PCs only.
var ErrUnsupported = errors.New("device simulators need a Unix pseudo-terminal")

// Open is unavailable on this system.
func Open(string) (master, slave *os.File, err error) { return nil, nil, ErrUnsupported }

// Link is unavailable on this system.
func Link(string, string) error { return ErrUnsupported }
