//go:build unix

package store

import (
	"fmt"
	"os"
	"syscall"
)

// useLock takes a shared lock on the database's lock file for as long as the process has the
// database open, so that Restore can tell the database is in use.
func useLock(dbPath string) (*os.File, error) {
	f, err := os.OpenFile(dbPath+".lock", os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("the database is being restored; try again: %w", err)
	}
	return f, nil
}

// exclusiveLock fails when any process has the database open.
func exclusiveLock(dbPath string) (*os.File, error) {
	f, err := os.OpenFile(dbPath+".lock", os.O_CREATE|os.O_RDWR, 0o640)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("the database is in use by a running hub or kiosk; stop it first")
	}
	return f, nil
}
