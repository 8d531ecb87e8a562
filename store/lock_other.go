//go:build !unix

package store

import "os"

// useLock is a no-op where flock is unavailable; the hub runs on Linux.
func useLock(string) (*os.File, error) { return nil, nil }

func exclusiveLock(string) (*os.File, error) { return nil, nil }
